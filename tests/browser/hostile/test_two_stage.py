"""Two stages: what the first stage (consentry.js) does alone, and when it loads the SDK file.

A returning visitor's consented tags run from the first stage's decision, before and without the
SDK; the SDK file comes when the page is idle (or, with data-load="lazy", when something needs
it); a first visit fetches it while the page is still parsed; a missing or altered SDK file
rejects `ready` with an Error and throws nothing into the page.
"""

from __future__ import annotations

import json

from helpers import DIST, async_js, diag, js, wait_js
from hostile_kit import banner_shown, gated, page, part, ready, set_cookie, value_for

SDK_REQUESTED = ("performance.getEntriesByType('resource').some(function (e) {"
                 " return e.name.indexOf('/consentry-sdk.') >= 0; })")


def _manifest():
    with open(DIST / "manifest.json", encoding="utf-8") as f:
        return json.load(f)


def _returning(browser, site, granted=("analytics",)):
    browser.get(site.url + "/__blank")
    set_cookie(browser, value_for(granted=granted))


def _lazy(html):
    return html.replace('<script src="/consentry.js"></script>',
                        '<script src="/consentry.js" data-load="lazy"></script>', 1)


def _ready_outcome(browser):
    return async_js(browser, "Consentry.ready.then(function () { done('resolved'); }, function (e) {"
                             " done(Object.prototype.toString.call(e) === '[object Error]' ?"
                             " e.message : 'not an Error'); });")


def test_returning_visitor_tags_run_from_the_first_stage_alone(browser, site, hpage):
    path = hpage(_lazy(page(head=gated("analytics", name="a") + gated("targeting", name="t"),
                            body='<a href="#" id="prefs" data-consentry="preferences">settings</a>')))
    _returning(browser, site)
    browser.get(site.url + path)
    wait_js(browser, "document.readyState === 'complete' && (window.__ran || []).indexOf('a') >= 0")
    assert js(browser, "window.__ran") == ["a"]
    assert js(browser, "[Consentry.allowed('analytics'), Consentry.allowed('targeting')]") == [True, False]
    assert js(browser, "Consentry.getConsent()") is None           # the SDK's answer: not loaded
    assert js(browser, SDK_REQUESTED) is False
    assert [r.path for r in site.requests if "consentry-sdk." in r.path] == []
    # markup that opens the UI is kept until the SDK it needs is there
    browser.find_element("id", "prefs").click()
    wait_js(browser, part("panel"), message="the panel did not open once the SDK was loaded")
    assert js(browser, "Consentry.getConsent().categories.analytics") is True
    assert js(browser, "window.__ran") == ["a"]                    # once only


def test_returning_visitor_loads_the_sdk_when_the_page_is_idle(browser, site, hpage):
    path = hpage(page(head=gated("analytics", name="a")))
    _returning(browser, site)
    browser.get(site.url + path)
    wait_js(browser, SDK_REQUESTED, message="the SDK file was not loaded when the page was idle")
    assert js(browser, "performance.getEntriesByType('resource').filter(function (e) {"
                       " return e.name.indexOf('/consentry-sdk.') >= 0; })[0].startTime >="
                       " performance.getEntriesByType('navigation')[0].loadEventStart")
    ready(browser)
    assert js(browser, "window.__ran") == ["a"]


def test_a_lazy_page_loads_the_sdk_when_asked_for_ready(browser, site, hpage):
    path = hpage(_lazy(page(head=gated("analytics", name="a"))))
    _returning(browser, site)
    browser.get(site.url + path)
    wait_js(browser, "document.readyState === 'complete'")
    assert js(browser, SDK_REQUESTED) is False
    assert _ready_outcome(browser) == "resolved"
    assert js(browser, "Consentry.getConsent().categories.analytics") is True


def test_a_first_visit_fetches_the_sdk_while_the_page_is_parsed(browser, site, hpage):
    path = hpage(page(head=gated("analytics", name="a")))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    assert js(browser, "performance.getEntriesByType('resource').filter(function (e) {"
                       " return e.name.indexOf('/consentry-sdk.') >= 0; })[0].startTime <"
                       " performance.getEntriesByType('navigation')[0].domContentLoadedEventStart")
    assert js(browser, "window.__ran || []") == []


def _stage1_with(hpage, name, old, new):
    """consentry.js with one string of it replaced, served as /h/<name> (the SDK file it names
    is then looked for under /h/ too)."""
    text = (DIST / "consentry.js").read_text(encoding="utf-8")
    assert text.count(old) == 1
    return hpage(text.replace(old, new), name=name)


def test_a_missing_sdk_file_rejects_ready_and_throws_nothing(browser, site, hpage):
    stage1 = _stage1_with(hpage, "missing-sdk.js", _manifest()["sdk"], "consentry-sdk.000000000000.js")
    path = hpage(page(head=gated("analytics", name="a"), sdk=stage1))
    _returning(browser, site)
    browser.get(site.url + path)
    message = _ready_outcome(browser)
    assert "could not load consentry-sdk.000000000000.js" in message, message
    assert js(browser, "window.__ran") == ["a"]     # the first stage's own decision still applies
    d = diag(browser)
    assert d["errors"] == [] and d["rejections"] == [], d


def test_an_altered_sdk_file_is_refused_by_its_integrity(browser, site, hpage):
    m = _manifest()
    integrity = m["files"][m["sdk"]]["integrity"]
    hpage((DIST / m["sdk"]).read_text(encoding="utf-8"), name=m["sdk"])   # the real SDK file
    stage1 = _stage1_with(hpage, "altered-sdk.js", '"' + integrity + '"', '"sha384-' + "A" * 64 + '"')
    path = hpage(page(head=gated("analytics", name="a"), sdk=stage1))
    browser.get(site.url + path)
    message = _ready_outcome(browser)
    assert "could not load" in message, message
    assert js(browser, "window.__ran || []") == []  # a first visit: nothing gated runs
    d = diag(browser)
    assert d["errors"] == [] and d["rejections"] == [], d
