"""Catalogue group F: page lifecycle.

Principle: the SDK starts once per page whatever the page does (SPA navigation, the script
included twice), registers nothing that breaks the back/forward cache, and a page whose SDK
cannot load stays usable and inert (see also test_gating.py).
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, diag, js, wait_js
from hostile_kit import all_gates, assert_inert, banner_shown, click_part, gated, page, part, ready, record_events
from shell_common import BANNER_SHOWN, barrier

pytestmark = pytest.mark.usefixtures("bundle")

SPY = """<script>
window.__listen = [];
(function () {
  var orig = EventTarget.prototype.addEventListener;
  EventTarget.prototype.addEventListener = function (type) {
    if (/^(unload|beforeunload)$/.test(type)) { window.__listen.push(type); }
    return orig.apply(this, arguments);
  };
  ['onunload', 'onbeforeunload'].forEach(function (k) {
    var d = Object.getOwnPropertyDescriptor(window, k) || Object.getOwnPropertyDescriptor(Window.prototype, k);
    if (d && d.set) { Object.defineProperty(window, k, {configurable: true, get: d.get,
      set: function (v) { window.__listen.push(k); d.set.call(window, v); }}); }
  });
})();
</script>"""


def test_no_unload_listener_through_a_full_flow(browser, site, third_party, hpage):
    path = hpage(page(before_sdk=SPY, head=gated("analytics", name="a"),
                      body='<a href="#" id="prefs" data-consentry="preferences">settings</a>'))
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    click_part(browser, "save")
    js(browser, "Consentry.acceptAll() || true")
    js(browser, "Consentry.reset() || true")
    assert js(browser, "window.__listen") == []
    assert_clean_console(browser)


@pytest.mark.parametrize("rerender", [False, True])
def test_spa_navigation_does_not_reinit_or_duplicate(browser, site, third_party, hpage, rerender):
    path = hpage(page(head=gated("analytics", name="a"),
                      body='<a href="#" id="prefs" data-consentry="preferences">settings</a>'))
    browser.get(site.url + path)
    ready(browser)
    record_events(browser)
    banner_shown(browser)
    browser.execute_script("""
      for (var i = 0; i < 5; i++) { history.pushState({i: i}, '', '/h/route-' + i); }
      location.hash = '#section'; history.replaceState(null, '', '/h/other');
      window.dispatchEvent(new PopStateEvent('popstate', {state: null}));
      window.dispatchEvent(new HashChangeEvent('hashchange'));""")
    if rerender:  # a framework re-rendering the whole page body
        browser.execute_script("document.body.innerHTML = document.body.innerHTML;")
    barrier(browser, site.url)
    assert js(browser, "document.querySelectorAll('[data-consentry-root]').length") <= 1
    # the "cookie settings" link rendered by the new route still works, and opens ONE panel
    browser.find_element("id", "prefs").click()
    wait_js(browser, "document.querySelector('[data-consentry-root]') && " + part("panel"), message="link dead after route change")
    assert js(browser, "document.querySelectorAll('[data-consentry-root]').length") == 1
    assert js(browser, "document.querySelector('[data-consentry-root]').shadowRoot.querySelectorAll('[part~=\"panel\"]').length") == 1
    click_part(browser, "save")
    wait_js(browser, "Consentry.getConsent() !== null")
    assert js(browser, "window.__ev") == ["first-consent", "consent"]
    assert_inert(browser, third_party)
    assert_clean_console(browser)


@pytest.mark.parametrize("second", ["same-url", "query-url", "after-body"])
def test_script_included_twice_runs_once(browser, site, third_party, hpage, second):
    other = {"same-url": '<script src="/consentry.js"></script>',
             "query-url": '<script src="/consentry.js?copy=2"></script>',
             "after-body": ""}[second]
    body = '<script src="/consentry.js"></script>' if second == "after-body" else ""
    path = hpage(page(head=other + gated("analytics", name="a"), body=body))
    browser.get(site.url + path)
    wait_js(browser, "document.readyState === 'complete'")
    ready(browser)
    banner_shown(browser)
    assert js(browser, "document.querySelectorAll('[data-consentry-root]').length") == 1
    warns = [c["message"] for c in diag(browser)["console"] if "more than once" in c["message"]]
    assert len(warns) == 1, diag(browser)["console"]
    click_part(browser, "accept-all")
    wait_js(browser, "window.__ran && window.__ran.indexOf('a') !== -1")
    barrier(browser, site.url)
    assert js(browser, "window.__ran.filter(function (x) { return x === 'a'; }).length") == 1
    assert not js(browser, BANNER_SHOWN)
    assert_clean_console(browser)


def test_back_forward_cache_restore_rechecks_the_cookie(browser, site, third_party, hpage):
    """F1(a): banner on page 1 -> accept on page 2 -> Back: page 1 hides the banner and revives."""
    p1 = hpage(page(head=gated("analytics", name="a") + "<script>window.addEventListener('pageshow', function (e) {"
                                                      " if (e.persisted) { window.__restored = true; } });</script>"))
    p2 = hpage(page())
    browser.get(site.url + p1)
    ready(browser)
    banner_shown(browser)
    js(browser, "window.__marker = 42")
    browser.get(site.url + p2)
    ready(browser)
    js(browser, "Consentry.acceptAll() || true")
    browser.back()
    wait_js(browser, "document.readyState === 'complete'")
    if js(browser, "window.__marker") != 42:
        pytest.skip("%s did not restore the page from the back/forward cache" % browser.browser_name)
    wait_js(browser, "!(%s)" % BANNER_SHOWN, timeout=5, message="stale banner after bfcache restore")
    wait_js(browser, "window.__ran && window.__ran.indexOf('a') !== -1")
    assert_clean_console(browser)


# ------------------------------------------------------------------ F: a start-up that fails

READY_OUTCOME = """
Consentry.ready.then(function () { done('resolved'); },
                     function (e) { done((Object.prototype.toString.call(e) === '[object Error]') + ' ' + e.message); });
"""


def test_ready_rejects_with_an_error_when_start_up_fails(browser, site, third_party, hpage):
    """`await Consentry.ready` never hangs: a start-up that fails rejects it with an Error, the
    page gets no uncaught error or unhandled rejection of ours, the cause is logged, and nothing
    gated runs."""
    # a browser without shadow DOM: the SDK cannot build its banner for this first visit
    before = ("<script>Element.prototype.attachShadow = function () {"
              " throw new Error('no shadow DOM here'); };</script>\n")
    path = hpage(page(before_sdk=before, head=all_gates(third_party.url)))
    browser.get(site.url + path)
    outcome = browser.execute_async_script(
        "var done = arguments[arguments.length - 1];" + READY_OUTCOME)
    assert outcome.startswith("true "), outcome      # an Error
    assert_inert(browser, third_party)
    assert js(browser, "Consentry.allowed('analytics')") is False
    d = diag(browser)
    assert d["rejections"] == [] and d["errors"] == [], d
    errors = [c["message"] for c in d["console"] if c["level"] == "error"]
    assert any("no shadow DOM here" in m for m in errors), errors     # the cause is logged
