"""Catalogue group I: Content Security Policy.

Principle: the SDK runs the whole flow (banner, preferences, save, revival) under a strict header
CSP with no 'unsafe-eval'/'unsafe-inline' and zero violations, also with `style-src-attr 'none'`.
Trusted Types: documented below (the test pins what happens). A CSP that blocks the SDK itself is
in test_gating.py (the page stays usable and inert).
"""

from __future__ import annotations

import json

import pytest
from helpers import assert_clean_console, async_js, diag, js, problems, wait_js
from hostile_kit import banner_shown, click_part, page, part, ready

pytestmark = pytest.mark.usefixtures("bundle")

NONCE = "cspNonce77"
STRICT = ("default-src 'self'; script-src 'self' 'nonce-%s'; style-src 'self'; connect-src 'self'; img-src 'self'; "
          "frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'" % NONCE)
POLICIES = {
    "strict": STRICT,
    "strict-style-attr-none": STRICT + "; style-src-attr 'none'; style-src-elem 'self'",
    "self-only": "default-src 'self'; style-src-attr 'none'",
}
GATES = ('<script type="text/plain" data-category="analytics" data-src="/t/csp-ext.js"></script>'
         '<script type="text/plain" data-category="analytics" nonce="%s">(window.__ran = window.__ran || []).push("csp-inline");</script>'
         '<iframe data-category="targeting" data-src="/t/csp-frame.html" title="embed"></iframe>'
         '<img data-category="site-analytics" data-src="/t/csp.gif" alt="">' % NONCE)


@pytest.mark.parametrize("policy", sorted(POLICIES))
def test_full_flow_under_strict_csp_has_zero_violations(browser, site, third_party, hpage, policy):
    path = hpage(page(head=GATES, body='<a href="#" id="prefs" data-consentry="preferences">settings</a>'),
                 headers={"Content-Security-Policy": POLICIES[policy]})
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    browser.execute_script("%s.querySelector('input[data-k=\"analytics\"]').click()" % part("panel"))
    click_part(browser, "save")
    wait_js(browser, "window.__ran && window.__ran.indexOf('csp-ext') !== -1")
    expected = ["csp-ext"] + (["csp-inline"] if policy != "self-only" else [])
    wait_js(browser, "window.__ran.length >= %d" % len(expected))
    assert js(browser, "window.__ran") == expected
    browser.find_element("id", "prefs").click()
    wait_js(browser, part("panel"))
    click_part(browser, "accept-all")
    wait_js(browser, "document.querySelector('img[data-category]').complete && "
                     "document.querySelector('iframe[data-category]').getAttribute('src')")
    js(browser, "Consentry.reset() || true")
    banner_shown(browser)
    d = diag(browser)
    if policy == "self-only":
        # the gated inline script has no way to run without a nonce: exactly that one violation
        assert len(d["csp"]) == 1 and d["csp"][0]["directive"].startswith("script-src"), d["csp"]
        assert [p for p in problems(browser) if not p.startswith("CSP violation")] == []
    else:
        assert d["csp"] == [], d["csp"]
        assert_clean_console(browser)


TT = "require-trusted-types-for 'script'"


def test_trusted_types_sdk_starts_and_renders_without_violation(browser, site, hpage):
    """The UI is built with createElement/textContent only: no Trusted Types sink before a choice."""
    path = hpage(page(head=GATES), headers={"Content-Security-Policy": STRICT + "; " + TT})
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    js(browser, "Consentry.hide() || true")
    assert diag(browser)["csp"] == [], diag(browser)["csp"]
    assert_clean_console(browser)


def test_trusted_types_none_refuses_the_sdk_file_cleanly(browser, site, third_party, hpage):
    """`trusted-types 'none'` forbids every policy, so no script can be loaded by code: the first
    stage rejects `ready` at once with an Error that names the fixes, nothing gated runs, and no
    uncaught error reaches the page."""
    csp = STRICT + "; " + TT + "; trusted-types 'none'"
    path = hpage(page(head=GATES), headers={"Content-Security-Policy": csp})
    browser.get(site.url + path)
    if not js(browser, "typeof window.trustedTypes !== 'undefined'"):
        pytest.skip("this browser has no Trusted Types")
    message = async_js(browser, "var done = arguments[arguments.length - 1];"
                                " Consentry.ready.then(function () { done('resolved'); },"
                                " function (e) { done(Object.prototype.toString.call(e) === '[object Error]' ?"
                                " e.message : 'not an Error'); });")
    assert "--single-file" in message and "'consentry'" in message, message
    d = diag(browser)
    assert d["errors"] == [] and d["rejections"] == [], d
    assert js(browser, "window.__ran || []") == []
    assert [r.path for r in third_party.requests] == []


@pytest.mark.parametrize("names", ["any", "none"])
def test_trusted_types_revival(browser, site, third_party, hpage, single_file, names):
    """Trusted Types: the UI never needs a sink (createElement/textContent only). Loading the SDK
    file and reviving gated scripts do (HTMLScriptElement.src/.text): the SDK goes through a
    policy named 'consentry' that blesses only what the SDK itself decided to load. Where the
    page's CSP allows that name, gated code runs with no violation; where it forbids policies
    (`trusted-types 'none'`), a --single-file build still starts, revival is refused by the
    browser, the SDK warns once, no error reaches the page, and the visitor's choice is still
    recorded. Documented in docs/security.md."""
    csp = STRICT + "; " + TT + ("; trusted-types 'none'" if names == "none" else "")
    sdk = single_file if names == "none" else "/consentry.js"
    path = hpage(page(head=GATES, sdk=sdk), headers={"Content-Security-Policy": csp})
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    supported = js(browser, "typeof window.trustedTypes !== 'undefined'")
    assert diag(browser)["csp"] == [], "violation before any choice: %r" % diag(browser)["csp"]
    click_part(browser, "accept-all")
    wait_js(browser, "Consentry.getConsent() !== null && Consentry.allowed('analytics')")
    d = diag(browser)
    assert d["errors"] == [] and d["rejections"] == [], "a Trusted Types failure leaked: %r" % d
    if not supported or names == "any":
        wait_js(browser, "(window.__ran || []).indexOf('csp-ext') >= 0", message="gated script did not run")
        assert diag(browser)["csp"] == []
        assert_clean_console(browser)
        return
    wait_js(browser, "window.__diag.console.some(function (c) {"
                     " return c.message.indexOf('Trusted Types') >= 0; })",
            message="no warning about the refused revival")
    assert js(browser, "window.__ran || []") == []
    assert all(c["directive"] in ("require-trusted-types-for", "trusted-types")
               for c in diag(browser)["csp"]), diag(browser)["csp"]


# ------------------------------------------------------------------ I: injected HTML never becomes script

SD_NONCE = "sdNonce42"
STRICT_DYNAMIC = "script-src 'nonce-%s' 'strict-dynamic'; object-src 'none'; base-uri 'none'" % SD_NONCE


def _inline(name):
    return ('<script type="text/plain" data-category="analytics">'
            '(window.__ran = window.__ran || []).push("%s");</script>' % name)


@pytest.mark.parametrize("tt", ["", "tt"])
def test_late_inserted_gated_script_needs_the_sdk_nonce(browser, site, hpage, tt):
    """Under 'strict-dynamic' a script the SDK creates runs whatever its text, so a gated <script>
    that page code or a CMS inserts after the page loaded is revived only when it carries the
    nonce of consentry.js (contract §2); one warning otherwise. The parsed HTML's gated scripts
    are revived as before. With Trusted Types enforced the same holds."""
    csp = STRICT_DYNAMIC + ("; require-trusted-types-for 'script'; trusted-types consentry page" if tt else "")
    html = page(head=_inline("parsed")).replace(
        '<script src="/diag.js">', '<script src="/diag.js" nonce="%s">' % SD_NONCE).replace(
        '<script src="/consentry.js">', '<script src="/consentry.js" nonce="%s">' % SD_NONCE)
    path = hpage(html, headers={"Content-Security-Policy": csp})
    browser.get(site.url + path)
    ready(browser)
    wait_js(browser, "document.readyState === 'complete'")
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('parsed') >= 0", message="the parsed gated script did not run")
    # HTML inserted later by page code (innerHTML runs no script itself): one gated script
    # without, one with the nonce. Under Trusted Types the page has its own policy for HTML.
    html = ('<script type="text/plain" data-category="analytics">window.__ran.push("injected");</script>'
            '<script type="text/plain" data-category="analytics" nonce="%s">window.__ran.push("nonced");'
            '</script>' % SD_NONCE)
    browser.execute_script("""
      var p = window.trustedTypes ? trustedTypes.createPolicy('page', {createHTML: function (s) { return s; }}) : null;
      var d = document.createElement('div');
      d.innerHTML = p ? p.createHTML(arguments[0]) : arguments[0];
      document.body.appendChild(d);""", html)
    wait_js(browser, "(window.__ran || []).indexOf('nonced') >= 0", message="the nonced late script did not run")
    assert js(browser, "window.__ran") == ["parsed", "nonced"]   # revived in order: 'injected' was skipped
    assert js(browser, "document.querySelector('[data-consentry-state=\"refused-nonce\"]') !== null")
    warnings = [c["message"] for c in diag(browser)["console"] if "nonce" in c["message"]]
    assert len(warnings) == 1, warnings
    assert diag(browser)["csp"] == [], json.dumps(diag(browser)["csp"])
    assert_clean_console(browser)
