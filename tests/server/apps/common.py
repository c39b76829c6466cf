"""What the three test sites share: the state they publish in the page, the CSP, the bundle.

Each site renders the same page: the region attribute on <html>, the Consentry script tag
under a nonce-only CSP (so the nonce and the integrity are exercised by a real browser), and
the server's own decision as JSON in ``<script type="application/json" id="server-state">``,
which the end-to-end tests compare with what the SDK computes in the page.
"""

import os
import secrets

from consentry.web.tags import safe_json

# A per-page override the page must accept. The page decides the region from the attribute
# only, as the server does (a server cannot see the browser's time zone; docs/server.md).
PAGE_CONFIG = {"ui": {"position": "top"}, "mode": {"detect": ["attribute"]}}
# A page whose own configuration changes a decision: its revision is ahead of the site's, so a
# choice made on the site's pages is asked again there (the server's ``consent.for_page``).
REVISED_CONFIG = dict(PAGE_CONFIG, revision=2)


def bundle_dir():
    """``$CONSENTRY_TEST_BUNDLE_DIR`` (a dist/ folder), or None: the bundle in the package."""
    return os.environ.get("CONSENTRY_TEST_BUNDLE_DIR") or None


def nonce():
    return secrets.token_urlsafe(18)


def csp(nonce_value):
    return "script-src 'nonce-%s'; object-src 'none'; base-uri 'none'" % nonce_value


def server_state(consent):
    st = consent.state
    return safe_json({"reason": st["reason"], "mode": st["mode"], "region": st["region"],
                      "showBanner": st["showBanner"], "categories": st["categories"],
                      "services": st["services"], "view": consent.view, "gpc": st["gpc"]})


PAGE = """<!doctype html>
<html lang="en" %(attrs)s>
<head><meta charset="utf-8"><title>%(title)s</title>
%(script)s
</head>
<body><h1>%(title)s</h1>
<script type="application/json" id="server-state">%(state)s</script>
</body></html>
"""
