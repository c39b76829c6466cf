"""Issue 4, point 4 (the consent cookie) in a real browser: contract §4."""

from __future__ import annotations

import time

import pytest
from helpers import assert_clean_console, js, wait_js, wait_ready
from shell_common import BANNER_SHOWN, barrier

pytestmark = pytest.mark.usefixtures("bundle")

DAY = 86400


def test_nothing_is_stored_before_a_choice(browser, site, third_party):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    wait_js(browser, BANNER_SHOWN, message="no banner without a choice")
    barrier(browser, third_party.url)
    assert "consentry" not in js(browser, "document.cookie")
    assert browser.get_cookies() == []
    assert js(browser, "localStorage.length") == 0
    assert js(browser, "sessionStorage.length") == 0
    assert third_party.requests_for("/t/basic.js") == [], "gated script fetched before a choice"
    assert_clean_console(browser)


def test_accept_all_writes_the_cookie_with_contract_attributes(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "document.cookie.indexOf('consentry=') !== -1", message="no consentry cookie after acceptAll()")
    c = browser.get_cookie("consentry")
    assert c is not None
    assert c["path"] == "/"
    assert c["sameSite"] == "Lax", c
    assert c.get("secure") is False  # http page
    assert abs(c["expiry"] - (time.time() + 182 * DAY)) <= DAY, c
    assert js(browser, "localStorage.length") == 0 and js(browser, "sessionStorage.length") == 0
    assert_clean_console(browser)


def test_reload_keeps_the_choice(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('basic') !== -1")
    before = browser.get_cookie("consentry")["value"]

    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    wait_js(browser, "(window.__ran || []).indexOf('basic') !== -1", message="gated script did not run at load")
    assert js(browser, "window.__ran") == ["basic"]
    assert js(browser, "Consentry.getConsent().categories.analytics") is True
    assert not js(browser, BANNER_SHOWN), "banner shown to a visitor with a valid choice"
    names = js(browser, "window.__cb.map(function (e) { return e[0]; })")
    assert names == ["ready", "consent"], names
    assert js(browser, "window.__win.map(function (e) { return e[0]; })") == ["ready", "consent"]
    assert browser.get_cookie("consentry")["value"] == before, "a page view rewrote the cookie"
    assert_clean_console(browser)


def _tamper(value: str, how: str) -> str:
    parts = value.split(".")
    if how == "flip-category":
        parts[6] = parts[6].replace("analyticsY", "analyticsN") if "analyticsY" in parts[6] else parts[6].replace("analyticsN", "analyticsY")
        # also flip targeting so both states differ from the original record
        parts[6] = parts[6].replace("targetingY", "targetingN")
        return ".".join(parts)
    if how == "bad-letter":
        parts[6] = parts[6].replace("analyticsY", "analyticsQ")
        return ".".join(parts)
    if how == "garbage":
        return "%%%garbage%%%"
    if how == "future":
        import base64  # noqa: F401 - base36 below
        future_ms = int((time.time() + 30 * DAY) * 1000)
        parts[3] = _b36(future_ms)
        parts[4] = _b36(future_ms + 182 * DAY * 1000)
        return ".".join(parts)
    if how == "unknown-version":
        parts[0] = "99"
        return ".".join(parts)
    if how == "missing-category":
        parts[6] = "~".join(g for g in parts[6].split("~") if not g.startswith("targeting"))
        return ".".join(parts)
    raise ValueError(how)


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out or "0"


@pytest.mark.parametrize("how", ["bad-letter", "garbage", "future", "unknown-version", "missing-category"])
def test_tampered_cookie_is_no_valid_choice(browser, site, third_party, how):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "document.cookie.indexOf('consentry=') !== -1")
    value = browser.get_cookie("consentry")["value"]
    bad = _tamper(value, how)
    assert bad != value
    browser.execute_script("document.cookie = 'consentry=' + arguments[0] + '; Path=/; SameSite=Lax; Max-Age=86400';", bad)
    assert browser.get_cookie("consentry")["value"] == bad

    third_party.clear_requests()
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    assert js(browser, "Consentry.getConsent()") is None
    assert js(browser, "Consentry.allowed('analytics')") is False
    wait_js(browser, BANNER_SHOWN, message="banner not shown for a tampered cookie")
    ran = barrier(browser, third_party.url)
    assert ran == ["barrier"], "a gated script ran with a tampered cookie: %r" % ran
    assert third_party.requests_for("/t/basic.js") == []
    assert js(browser, "window.__cb.map(function (e) { return e[0]; })") == ["ready"]
    assert_clean_console(browser)


def test_flipped_category_letter_is_not_trusted_blindly(browser, site, third_party):
    """A value edited by hand from 'analytics: no' to 'analytics: yes' is still a well-formed record:
    the contract has no integrity check, so it is read exactly as written (a different valid
    choice, analytics on with its service off), and nothing crashes."""
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.rejectAll();")
    wait_js(browser, "document.cookie.indexOf('consentry=') !== -1")
    value = browser.get_cookie("consentry")["value"]
    assert "analyticsN" in value
    bad = value.replace("analyticsN", "analyticsY")
    browser.execute_script("document.cookie = 'consentry=' + arguments[0] + '; Path=/; SameSite=Lax; Max-Age=86400';", bad)
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    consent = js(browser, "Consentry.getConsent()")
    assert consent is not None and consent["categories"]["analytics"] is True, consent
    assert consent["services"]["analytics"] == {"ga": False}, consent
    assert js(browser, "Consentry.allowed('analytics')") is True
    assert_clean_console(browser)
