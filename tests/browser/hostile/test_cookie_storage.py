"""Catalogue group A: the cookie and storage are hostile input.

Principle: anything that is not exactly a valid, current record is "no valid choice": the banner
shows, nothing gated runs, the API answers false/null, the next choice overwrites it, and nothing
is thrown into the page. When cookies cannot be stored, a choice still works for this page only.
"""

from __future__ import annotations

import time

import pytest
from helpers import assert_clean_console, diag, js, wait_js
from hostile_kit import (
    DAY_MS,
    all_gates,
    assert_inert,
    banner_shown,
    click_part,
    consent_cookies,
    gated,
    no_grant,
    page,
    ready,
    set_cookie,
    value_for,
)

from consentry.engine import record

pytestmark = pytest.mark.usefixtures("bundle")

NOW = int(time.time() * 1000)
VALID = value_for(granted=("analytics", "targeting", "site-analytics"))


def _deep(n):
    return "[" * n + "]" * n


def _swap(value, old, new):
    assert old in value, (old, value)
    return value.replace(old, new, 1)


# Every value would grant at least one consent category if it were trusted.
HOSTILE_VALUES = {
    # A1: not our format / badly encoded
    "word": "hello",
    "json-truncated": '{"v":1,"cat',
    "empty": "",
    "bad-percent-utf8": "%E0%A4%A",
    "lone-percent": "%",
    "lone-surrogate": "1.__LONE_SURROGATE__",
    "percent-encoded-valid": VALID.replace(".", "%2E"),
    # A2: JSON of the wrong shape (strings that a JSON/eval based reader would take)
    "json-null": "null",
    "json-array": "[]",
    "json-string": '"x"',
    "json-cat-string": '{"categories":"analytics"}',
    "json-cat-list": '{"categories":[1,{}]}',
    "json-service-substring": '{"services":{"analytics":"xgax"}}',
    "json-string-false": '{"analytics":"false"}',
    "json-huge-number": '{"v":1e309}',
    "nan": "NaN",
    "deep-1500": _deep(1500),
    # tampered / truncated versions of a valid granting value
    "truncated": VALID[: len(VALID) // 2],
    "junk-appended": VALID + "~~junk",
    "duplicate-group": VALID + "~analyticsN",
    "lowercase-flag": _swap(VALID, "analyticsY", "analyticsy"),
    "service-granted-under-refused": _swap(value_for(granted=()), "analyticsNgaN", "analyticsNgaY"),
    "necessary-refused": _swap(VALID, "necessaryY", "necessaryN"),
    "oversize": VALID + "~" + "x" * 4100,
    "spaces-inside": VALID.replace("~", " ~ "),
    "quoted": '"' + VALID + '"',
    # time and revision
    "expired": value_for(granted=("analytics",), given=NOW - 40 * DAY_MS, expires=NOW - DAY_MS),
    "future": value_for(granted=("analytics",), given=NOW + 2 * DAY_MS),
    "span-too-long": value_for(granted=("analytics",), given=NOW - DAY_MS, expires=NOW + 500 * DAY_MS),
    "older-revision": value_for(granted=("analytics",), revision=0),
    "newer-revision": value_for(granted=("analytics",), revision=2),
    "unknown-version": "2" + VALID[1:],
    "category-missing": value_for(granted=("analytics", "targeting"), drop=("site-analytics",)),
}


def _load_with_cookies(browser, site, path, cookies):
    browser.get(site.url + "/__blank")
    for name, value, attrs in cookies:
        assert set_cookie(browser, value, name=name, attrs=attrs) is True
    browser.get(site.url + path)
    ready(browser)


@pytest.mark.parametrize("how", sorted(HOSTILE_VALUES))
def test_hostile_cookie_value_is_no_valid_choice(browser, site, third_party, hpage, how):
    path = hpage(page(head=all_gates(third_party.url)))
    cookies = [("consentry", HOSTILE_VALUES[how], "Path=/; Max-Age=86400"),
               ("x", "%A8", "Path=/; Max-Age=86400")]  # an unrelated, badly encoded cookie
    _load_with_cookies(browser, site, path, cookies)
    banner_shown(browser, "banner not shown for a hostile cookie (%s)" % how)
    no_grant(browser)
    assert_inert(browser, third_party)
    # the next choice overwrites the bad value with one valid cookie
    click_part(browser, "reject-all")
    wait_js(browser, "Consentry.getConsent() !== null && Consentry.getConsent().method === 'necessary'")
    mine = consent_cookies(browser)
    assert len(mine) == 1, mine
    rec, reason = record.parse(mine[0]["value"])
    assert reason == "ok" and rec["categories"]["analytics"] is False, (reason, mine)
    assert_inert(browser, third_party)
    assert_clean_console(browser)


def test_record_from_a_removed_category_is_ignored_and_saving_works(browser, site, third_party, hpage):
    """A10(c): a category that is no longer configured is dropped; the rest of the choice holds."""
    path = hpage(page(head=gated("analytics", name="a") + gated("targeting", name="t")))
    value = value_for(granted=("analytics",), extra_cats={"legacy": True})
    _load_with_cookies(browser, site, path, [("consentry", value, "Path=/; Max-Age=86400")])
    wait_js(browser, "window.__ran && window.__ran.length === 1")
    assert js(browser, "window.__ran") == ["a"]
    assert "legacy" not in js(browser, "Consentry.getConsent().categories")
    js(browser, "Consentry.update({targeting: true}) || true")
    wait_js(browser, "window.__ran.length === 2")
    assert "legacy" not in consent_cookies(browser)[0]["value"]
    assert_clean_console(browser)


def test_duplicate_cookies_newest_valid_choice_wins(browser, site, third_party, hpage):
    """An older granting record on a longer path (sent first) loses to a newer refusal on '/'."""
    path = hpage(page(head=gated("analytics", name="a")), name="dup/page.html")
    old = value_for(granted=("analytics",), given=NOW - 5 * DAY_MS, cid="olderconsent001")
    new = value_for(granted=(), given=NOW - DAY_MS, cid="newerconsent001")
    _load_with_cookies(browser, site, path, [("consentry", new, "Path=/; Max-Age=86400"),
                                             ("consentry", old, "Path=/h/dup; Max-Age=86400")])
    assert js(browser, "document.cookie.split('consentry=').length - 1") == 2
    assert js(browser, "Consentry.getConsent().id") == "newerconsent001"
    assert js(browser, "Consentry.allowed('analytics')") is False
    assert_inert(browser, third_party)
    # a new choice leaves one cookie that every path sees
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "window.__ran && window.__ran.indexOf('a') !== -1")
    assert len(consent_cookies(browser)) == 1, consent_cookies(browser)
    assert_clean_console(browser)


def test_garbage_duplicate_does_not_hide_a_valid_choice(browser, site, third_party, hpage):
    path = hpage(page(head=gated("analytics", name="a")), name="dup2/page.html")
    good = value_for(granted=("analytics",))
    _load_with_cookies(browser, site, path, [("consentry", good, "Path=/; Max-Age=86400"),
                                             ("consentry", "garbage", "Path=/h/dup2; Max-Age=86400")])
    wait_js(browser, "window.__ran && window.__ran[0] === 'a'")
    assert js(browser, "Consentry.allowed('analytics')") is True
    assert_clean_console(browser)


def test_cookie_attributes_on_a_deep_path_with_base_href(browser, site, hpage):
    """A6: Path=/ even on /h/a/b/c.html with <base href>; SameSite=Lax; no Domain; not Secure on http."""
    path = hpage(page(head='<base href="/elsewhere/deeper/">'), name="a/b/c.html")
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "accept-all")
    wait_js(browser, "Consentry.getConsent() !== null")
    c = consent_cookies(browser)
    assert len(c) == 1, c
    c = c[0]
    assert c["path"] == "/" and c.get("sameSite") == "Lax" and c["secure"] is False, c
    assert c["domain"] in ("127.0.0.1", ".127.0.0.1") and not c["domain"].startswith("."), c
    days = (c["expiry"] * 1000 - NOW) / DAY_MS
    assert 181 < days <= 183, days
    assert_clean_console(browser)
    # the choice is visible on '/'
    browser.get(site.url + "/__blank")
    assert "consentry=" in js(browser, "document.cookie")


def test_expiry_over_the_cap_is_clamped_with_a_warning(browser, site, hpage):
    """A6: acceptDays 730 -> clamped to the 395-day cap (browsers cap at 400) with a warning."""
    path = hpage(page(config={"cookie": {"acceptDays": 730}}))
    browser.get(site.url + path)
    ready(browser)
    clicked_at = js(browser, "Date.now()")
    click_part(browser, "accept-all")
    wait_js(browser, "Consentry.getConsent() !== null")
    days = (consent_cookies(browser)[0]["expiry"] * 1000 - clicked_at) / DAY_MS
    assert 394.99 < days <= 395.01, days   # measured from the click, not from the test start
    warns = [c["message"] for c in diag(browser)["console"]]
    assert any(w.startswith("[consentry]") and "acceptDays" in w for w in warns), warns
    assert_clean_console(browser)


def test_substring_and_unknown_ids_never_grant(browser, site, third_party, hpage):
    """S6: ids that contain a category id ('xanalyticsx') are not that category."""
    path = hpage(page(head=all_gates(third_party.url)))
    value = value_for(granted=(), extra_cats={"xanalyticsx": True, "analyticsx": True, "analytic": True})
    _load_with_cookies(browser, site, path, [("consentry", value, "Path=/; Max-Age=86400")])
    assert js(browser, "Consentry.getConsent().categories.analytics") is False
    for cat in ("analytics", "targeting", "site-analytics", "xanalyticsx", "analyticsx"):
        assert js(browser, "Consentry.allowed(arguments[0])", cat) is False, cat
    assert_inert(browser, third_party)
    assert_clean_console(browser)


COOKIES_BLOCKED = """<script src="/h/block-cookies.js"></script>"""
BLOCK_JS = """// Simulates 'block all cookies': Chrome returns '' and drops writes; sandboxed frames throw.
(function () {
  var mode = document.documentElement.getAttribute('data-block');
  Object.defineProperty(Document.prototype, 'cookie', {configurable: true,
    get: function () { if (mode === 'throw') { throw new DOMException('blocked', 'SecurityError'); } return ''; },
    set: function (v) { if (mode === 'throw') { throw new DOMException('blocked', 'SecurityError'); } }});
  ['localStorage', 'sessionStorage'].forEach(function (k) {
    Object.defineProperty(window, k, {configurable: true,
      get: function () { throw new DOMException('blocked', 'SecurityError'); }});
  });
})();
"""


@pytest.mark.parametrize("mode", ["silent", "throw"])
def test_cookies_blocked_choice_applies_to_this_page_only(browser, site, third_party, hpage, mode):
    """A7: writes that do not stick (or throw) -> one warning, the choice works in memory, no loop."""
    hpage(BLOCK_JS, name="block-cookies.js")
    html = page(before_sdk=COOKIES_BLOCKED, head=gated("analytics", name="a")).replace(
        "<html ", '<html data-block="%s" ' % mode, 1)
    path = hpage(html)
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    assert_inert(browser, third_party)
    click_part(browser, "accept-all")
    wait_js(browser, "window.__ran && window.__ran.indexOf('a') !== -1", message="choice not applied in memory")
    assert js(browser, "Consentry.allowed('analytics')") is True
    assert js(browser, "Consentry.getConsent().method") == "all"
    wait_js(browser, "!(%s)" % __import__("shell_common").BANNER_SHOWN, message="banner stays after a choice")
    warns = [c["message"] for c in __import__("helpers").diag(browser)["console"]]
    assert any("could not be stored" in w for w in warns), warns
    assert browser.get_cookies() == [] or all(c["name"] != "consentry" for c in browser.get_cookies())
    assert js(browser, "window.__ran.filter(function (x) { return x === 'a'; }).length") == 1
    assert_clean_console(browser)


SANDBOXED_INNER = page(head=gated("analytics", name="a"))


def test_sandboxed_iframe_without_cookie_access(browser, site, third_party, hpage):
    """A8: in <iframe sandbox="allow-scripts"> document.cookie throws SecurityError: no-persistence mode."""
    inner = hpage(SANDBOXED_INNER)
    outer = hpage(page(sdk=None, body='<iframe id="f" sandbox="allow-scripts" src="%s" title="sandboxed"'
                                       ' style="width:900px;height:600px"></iframe>' % inner))
    browser.get(site.url + outer)
    frame = wait_js(browser, "document.getElementById('f')")
    browser.switch_to.frame(frame)
    try:
        wait_js(browser, "window.Consentry && window.__diag && true")
        ready(browser)
        assert js(browser, "(function(){try{document.cookie;return 'readable'}catch(e){return e.name}})()") == "SecurityError"
        banner_shown(browser)
        no_grant(browser)
        assert js(browser, "window.__ran || null") is None
        click_part(browser, "accept-all")
        wait_js(browser, "window.__ran && window.__ran[0] === 'a'")
        assert js(browser, "Consentry.allowed('analytics')") is True
        assert_clean_console(browser)
    finally:
        browser.switch_to.default_content()
