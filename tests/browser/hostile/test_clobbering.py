"""Catalogue group K: DOM clobbering. Page markup placed BEFORE consentry.js shadows every built-in
the SDK, its façade and its runtime read from ``document`` and ``window`` (the list in
docs/security.md §5); the SDK must still start, read and write its cookie, gate (late insertions
too), show and drive its UI, and re-check on ``visibilitychange``.

A ``<form name="X">`` is both ``document.X`` (it shadows the document's own accessors and methods)
and ``window.X`` (it fills in a global the page did not define). The test's own JavaScript takes
what it needs from the prototypes, since the page's named properties break naive lookups.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_js
from hostile_kit import page, ready, value_for

pytestmark = pytest.mark.usefixtures("bundle")

# document.X the shell reads (dom.js takes each from the prototypes)
DOCUMENT = ["cookie", "currentScript", "readyState", "documentElement", "body", "visibilityState",
            "activeElement", "querySelector", "querySelectorAll", "createElement",
            "addEventListener"]
# window.X the façade and the loader read (own properties only), and the undeclared globals
# Brython's start-up probed (patched out of the runtime)
WINDOW = ["Consentry", "consentryQueue", "dataLayer", "trustedTypes", "process",
          "WorkerGlobalScope", "importScripts", "WorkerNavigator"]

# Inputs give the shadowing form the members a naive reader would look for next.
INPUTS = ["src", "push", "__consentry", "getAttribute", "createPolicy", "call"]

Q = "Document.prototype.querySelector.call(document, %s)"
ROOT = Q % "'[data-consentry-root]'"
BANNER = "(function () { var r = %s; var b = r && r.shadowRoot && r.shadowRoot.querySelector('[part~=\"banner\"]');" \
         " return !!(b && !b.hidden && b.getClientRects().length); })()" % ROOT
RAN = "(window.__ran || []).indexOf(%r) >= 0"


def _clobber(name):
    if name == "process":   # Brython read process.release.name: an element without `release`
        return '<div id="process"></div>\n'
    inputs = "".join('<input name="%s">' % i for i in INPUTS)
    return '<form name="%s" id="%s">%s</form>\n' % (name, name, inputs)


def _gated(name):
    return ('<script type="text/plain" data-category="analytics">'
            '(window.__ran = window.__ran || []).push(%r);</script>' % name)


@pytest.mark.parametrize("name", DOCUMENT + WINDOW)
def test_markup_shadowing_a_builtin_does_not_stop_the_sdk(browser, site, hpage, name):
    path = hpage(page(before_sdk=_clobber(name), head=_gated("parsed")))
    browser.get(site.url + path)
    ready(browser)
    wait_js(browser, BANNER, message="no banner")
    assert js(browser, "window.Consentry.__consentry === true")
    # a real click on the banner's button: the document click listener and the UI work
    find = "%s.shadowRoot.querySelector('[part~=\"accept-all\"]')" % ROOT
    if name == "documentElement":   # WebDriver's element references check document.documentElement
        browser.execute_script("HTMLElement.prototype.click.call(%s);" % find)
    else:
        js(browser, "return " + find).click()
    wait_js(browser, RAN % "parsed", message="the gated script did not run after accepting")
    cookie = browser.get_cookie("consentry")
    assert cookie is not None and "analyticsY" in cookie["value"], "the choice never reached the cookie jar"
    # late insertion: gated the same way (the observer watches the real documentElement)
    browser.execute_script("var s = Document.prototype.createElement.call(document, 'script');"
                "s.type = 'text/plain'; s.setAttribute('data-category', 'analytics');"
                "s.text = \"window.__ran.push('late')\";"
                "Node.prototype.appendChild.call(%s, s);" % (Q % "'h1'"))
    wait_js(browser, RAN % "late", message="a gated script inserted later was not revived")
    # a returning visitor: the cookie is read at start-up
    browser.refresh()
    ready(browser)
    wait_js(browser, RAN % "parsed", message="the returning visitor's choice was not read")
    assert not js(browser, BANNER)
    # another tab refused (cookie written, no message): visibilitychange makes the SDK re-read
    browser.execute_script("Object.getOwnPropertyDescriptor(Document.prototype, 'cookie').set.call("
                           "document, 'consentry=' + arguments[0] + '; Path=/; SameSite=Lax; Max-Age=600');",
                           value_for(granted=()))
    browser.execute_script("EventTarget.prototype.dispatchEvent.call(document, new Event('visibilitychange'));")
    wait_js(browser, "window.Consentry.allowed('analytics') === false",
            message="visibilitychange did not make the SDK re-read the cookie")
    assert_clean_console(browser)


def test_a_data_layer_that_is_not_an_array_gets_no_signals_and_one_warning(browser, site, hpage):
    path = hpage(page(before_sdk="<script>window.dataLayer = {push: 1};</script>\n",
                      head=_gated("parsed")))
    browser.get(site.url + path)
    ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, RAN % "parsed", message="the gated script did not run after accepting")
    assert browser.get_cookie("consentry") is not None
    assert js(browser, "return JSON.stringify(window.dataLayer)") == '{"push":1}'
    warnings = [c["message"] for c in js(browser, "return window.__diag.console")
                if c["level"] == "warn" and "dataLayer" in c["message"]]
    assert len(warnings) == 1, warnings
    assert_clean_console(browser)
