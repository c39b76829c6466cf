"""Issue 4, point 6 (Google Consent Mode v2) in a real browser: contract §6, exact dataLayer order."""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_ready

pytestmark = pytest.mark.usefixtures("bundle")

SIGNALS = {"ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
           "functionality_storage", "personalization_storage", "security_storage"}
ENTRIES = "Array.prototype.map.call(window.dataLayer, function (e) { return Array.prototype.slice.call(e); })"


def _check_default(entry, browser):
    assert entry[:2] == ["consent", "default"], entry
    sig = entry[2]
    assert set(sig) == SIGNALS | {"wait_for_update"}, sig
    assert sig["wait_for_update"] == 500
    assert sig["security_storage"] == "granted"
    for s in ("ad_storage", "ad_user_data", "ad_personalization", "analytics_storage"):
        assert sig[s] == "denied", sig
    func = "granted" if js(browser, "Consentry.allowed('functionality')") else "denied"
    assert sig["functionality_storage"] == func and sig["personalization_storage"] == func, sig


def test_default_is_pushed_before_later_tags(browser, site):
    browser.get(site.url + "/shell-cm.html")
    wait_ready(browser)
    seen = js(browser, "window.__seen")
    for key in ("inline", "external"):
        assert seen[key]["length"] == 1, "%s tag saw %r" % (key, seen[key])
        _check_default(seen[key]["entries"][0], browser)
    assert seen["external"]["isArguments"] is True, "not pushed as gtag does (an arguments object)"
    assert js(browser, "window.dataLayer.length") == 1
    browser.execute_script("Consentry.acceptAll();")
    entries = js(browser, ENTRIES)
    assert len(entries) == 2 and entries[1][:2] == ["consent", "update"], entries
    assert set(entries[1][2]) == SIGNALS, entries[1]
    assert all(v == "granted" for v in entries[1][2].values()), entries[1]
    assert_clean_console(browser)


def test_returning_visitor_gets_update_right_after_default(browser, site):
    browser.get(site.url + "/shell-cm.html")
    wait_ready(browser)
    browser.execute_script("Consentry.update({analytics: true});")
    browser.get(site.url + "/shell-cm.html")
    wait_ready(browser)
    seen = js(browser, "window.__seen")
    for key in ("inline", "external"):
        assert seen[key]["length"] == 2, "%s tag saw %r" % (key, seen[key])
        first, second = seen[key]["entries"]
        assert first[:2] == ["consent", "default"] and first[2]["wait_for_update"] == 500
        assert second[:2] == ["consent", "update"], second
        assert set(second[2]) == SIGNALS
        assert second[2]["analytics_storage"] == "granted" and second[2]["ad_storage"] == "denied", second
    assert js(browser, "window.dataLayer.length") == 2
    assert_clean_console(browser)


def test_a_change_pushes_exactly_one_update(browser, site):
    browser.get(site.url + "/shell-cm.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    assert js(browser, "window.dataLayer.length") == 2
    browser.execute_script("Consentry.update({targeting: false});")
    entries = js(browser, ENTRIES)
    assert len(entries) == 3, entries
    assert entries[2][:2] == ["consent", "update"]
    assert entries[2][2]["ad_storage"] == "denied" and entries[2][2]["analytics_storage"] == "granted", entries[2]
    assert_clean_console(browser)
