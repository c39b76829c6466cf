"""Checks shared by the three framework test-client suites: the same page, the same answers."""

import json
import re

from common import PAGE_CONFIG

from consentry.web.bundle import IMMUTABLE


def page_parts(html):
    """(html attrs, config JSON or None, script tag attrs, server state) of a test-site page."""
    attrs = re.search(r"<html lang=\"en\" ?([^>]*)>", html).group(1)
    cfg = re.search(r'<script type="application/json" id="consentry-config" nonce="([^"]+)">(.*?)</script>', html)
    tag = re.search(r'<script (src="[^"]+"[^>]*)></script>', html).group(1)
    state = json.loads(re.search(r'id="server-state">(.*?)</script>', html).group(1))
    return attrs, cfg, tag, state


def check_page(html, csp_header, site):
    """The page a returning visitor from Germany gets: region, SRI, nonce, page configuration."""
    attrs, cfg, tag, state = page_parts(html)
    nonce = re.search(r"'nonce-([^']+)'", csp_header).group(1)
    assert attrs == 'data-consentry-region="DE"'
    assert tag == 'src="%s" integrity="%s" crossorigin="anonymous" nonce="%s"' % (
        site.script_url, site.bundle.integrity, nonce)
    assert cfg is not None and cfg.group(1) == nonce
    assert json.loads(cfg.group(2)) == PAGE_CONFIG
    assert state["reason"] == "choice" and state["region"] == "DE"
    assert state["categories"]["analytics"] is True
    return state


def check_bundle(status, headers, body, site):
    """The fingerprinted script, brotli-encoded, as shipped."""
    assert status == 200
    assert headers["content-encoding"] == "br" and headers["cache-control"] == IMMUTABLE
    assert body == site.bundle.files["consentry.js"].variants["br"]


def reissued(set_cookie_headers, value):
    return [h for h in set_cookie_headers if h.startswith("consentry=" + value + ";")]
