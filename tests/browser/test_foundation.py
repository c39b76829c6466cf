"""First browser tests of the bundle against the public contract (shared/contract.md §1, §2, §5).

Each runs in every selected browser (``browser_name`` is a session parameter) and needs
``dist/consentry.js`` (``bundle`` fixture: skipped with "run invoke build" when it is missing).
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, async_js, diag, js, wait_js, wait_ready

pytestmark = pytest.mark.usefixtures("bundle")

# (a) ------------------------------------------------------------------------------------------
def test_loads_under_strict_csp_without_violations(browser, site):
    browser.get(site.url + "/strict-csp.html")
    wait_ready(browser)
    # The banner is the UI part of "loads": with no choice it must be there, styled under style-src 'self'.
    wait_js(browser, "document.querySelector('body > [data-consentry-root]') !== null",
            message="no <div data-consentry-root> appended to <body> (contract §1)")
    wait_js(browser, "!!document.querySelector('[data-consentry-root]').shadowRoot"
                     ".querySelector('[part~=\"banner\"]')", message="banner part not rendered")
    d = diag(browser)
    assert d["csp"] == [], "securitypolicyviolation events: %r" % d["csp"]
    assert_clean_console(browser)
    assert js(browser, "window.__ran") is None  # nothing gated ran without a choice


# (b) ------------------------------------------------------------------------------------------
def test_ready_resolves_with_the_api(browser, site):
    browser.get(site.url + "/globals.html")
    result = wait_ready(browser)
    assert result["hasMethods"], result
    assert result["isApi"], "Consentry.ready resolved with something other than window.Consentry"
    assert_clean_console(browser)


# (c) ------------------------------------------------------------------------------------------
BARRIER = """
// Call acceptAll() again, then wait one macrotask and one network round trip to the same server as
// the gated script: if a second run were coming, its request would have been made by then.
try { window.Consentry.acceptAll(); } catch (e) { done({error: String(e)}); }
setTimeout(function () {
  var s = document.createElement('script');
  s.src = args[0];
  s.onload = s.onerror = function () { done({ran: window.__ran}); };
  document.head.appendChild(s);
}, 0);
"""


def test_gated_script_runs_once_after_accept_all(browser, site, third_party):
    browser.get(site.url + "/gate.html")
    wait_ready(browser)
    assert js(browser, "window.__ran") is None, "gated script ran before any choice"
    assert third_party.requests_for("/t/a.js") == [], "gated script was fetched before any choice"
    assert js(browser, "Consentry.allowed('analytics')") is False
    assert js(browser, "Consentry.getConsent()") is None

    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('a') !== -1", message="gated script did not run after acceptAll()")
    assert js(browser, "window.__ran") == ["a"]
    assert js(browser, "Consentry.allowed('analytics')") is True

    result = async_js(browser, BARRIER, third_party.url + "/t/barrier.js")
    assert "error" not in result, result
    assert result["ran"] == ["a", "barrier"], "gated script ran again on a second acceptAll(): %r" % result["ran"]
    assert len(third_party.requests_for("/t/a.js")) == 1
    assert_clean_console(browser)


# (d) ------------------------------------------------------------------------------------------
OWN_GLOBALS = """
return {keys: Object.keys(window), names: Object.getOwnPropertyNames(window)};
"""
ALLOWED_GLOBALS = {"Consentry", "consentryQueue", "dataLayer"}


def test_only_contract_globals_are_added(browser, site):
    browser.get(site.url + "/plain.html")
    wait_js(browser, "document.readyState === 'complete'")
    base = js(browser, OWN_GLOBALS)
    browser.get(site.url + "/globals.html")
    wait_ready(browser)
    wait_js(browser, "document.readyState === 'complete'")
    mine = js(browser, OWN_GLOBALS)
    added_keys = set(mine["keys"]) - set(base["keys"])
    added_names = set(mine["names"]) - set(base["names"])
    assert {"Consentry", "consentryQueue"} <= added_keys, added_keys
    assert added_keys <= ALLOWED_GLOBALS, "unexpected enumerable globals: %s" % sorted(added_keys - ALLOWED_GLOBALS)
    assert added_names <= ALLOWED_GLOBALS, "unexpected own properties of window: %s" % sorted(
        added_names - ALLOWED_GLOBALS)
    # Brython's runtime must stay inside the bundle's scope.
    assert js(browser, "typeof window.__BRYTHON__") == "undefined"
    assert js(browser, "typeof window.brython") == "undefined"
    assert_clean_console(browser)


# (e) ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["before", "after"])
def test_coexists_with_host_brython(browser, site, order):
    if "/vendor/brython.js" not in site.extra_routes:
        pytest.skip("stock brython.js not found: pip install brython==3.15.0")
    browser.get(site.url + "/coexist/brython-%s.html" % order)
    wait_js(browser, "window.hostBrythonResult === 'ran'", timeout=20,
            message="the host page's own Brython did not run its text/python script")
    assert js(browser, "document.getElementById('host-out').textContent") == "host Python ran"
    assert js(browser, "typeof window.__BRYTHON__ === 'object' && typeof window.brython === 'function'")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('coexist-%s') !== -1" % order,
            message="gated script did not run after acceptAll() on a page with host Brython")
    assert js(browser, "window.__ran") == ["coexist-%s" % order]
    assert js(browser, "window.hostBrythonResult") == "ran"
    assert_clean_console(browser)
