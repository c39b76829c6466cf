"""Issue 4, points 8 and 9 in a real browser: tabs, no unload listener, proof-of-consent beacon (§7)."""

from __future__ import annotations

import json

import pytest
from helpers import assert_clean_console, js, wait_js, wait_ready
from selenium.webdriver.support.ui import WebDriverWait
from shell_common import BANNER_SHOWN, barrier

pytestmark = pytest.mark.usefixtures("bundle")


def test_choice_in_one_tab_reaches_the_other(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    wait_js(browser, BANNER_SHOWN)
    tab_a = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    browser.switch_to.window(tab_a)
    wait_js(browser, "Consentry.allowed('analytics') === true", timeout=2,
            message="tab A did not pick up the choice made in tab B within 2 s")
    wait_js(browser, "!" + BANNER_SHOWN, timeout=2, message="tab A's banner did not close")
    wait_js(browser, "(window.__ran || []).indexOf('basic') !== -1", message="tab A did not revive its gated script")
    names = js(browser, "window.__cb.map(function (e) { return e[0]; })")
    assert names.count("first-consent") == 1 and "consent" in names, names
    assert_clean_console(browser)


def test_no_unload_or_beforeunload_listener(browser, site, third_party):
    browser.get(site.url + "/shell-unload.html")
    wait_ready(browser)
    browser.execute_script("Consentry.showPreferences(); Consentry.hide(); Consentry.acceptAll(); Consentry.rejectAll();")
    barrier(browser, third_party.url)
    types = js(browser, "window.__listenerTypes")
    assert types, "the recorder saw no addEventListener call at all"
    assert "unload" not in types and "beforeunload" not in types, types
    assert js(browser, "window.onunload === null && window.onbeforeunload === null") is True
    assert_clean_console(browser)


def test_log_endpoint_gets_one_beacon_per_choice_without_query(browser, site, third_party):
    browser.get(site.url + "/shell-log.html?secret=tok123#frag")
    wait_ready(browser)
    barrier(browser, third_party.url)
    assert site.requests_for("/log") == [], "proof-of-consent beacon sent before a choice"
    browser.execute_script("Consentry.acceptAll();")
    posts = WebDriverWait(browser, 10, 0.05).until(lambda d: site.requests_for("/log", "POST"),
                                                   "no POST to /log after acceptAll()")
    barrier(browser, third_party.url, "", "barrier2")
    posts = site.requests_for("/log")
    assert len(posts) == 1 and posts[0].method == "POST", posts
    assert posts[0].query == {} and posts[0].target == "/log"
    body = posts[0].body.decode()
    assert "tok123" not in body and "secret" not in body and "frag" not in body, body
    data = json.loads(body)
    assert data["path"] == "/shell-log.html", data
    consent = js(browser, "Consentry.getConsent()")
    assert data["id"] == consent["id"] and data["method"] == "all"
    assert data["categories"] == consent["categories"]
    assert_clean_console(browser)


def test_page_restored_from_bfcache_rechecks_consent(browser, site):
    """Contract §7: a page restored from the back/forward cache re-checks the cookie."""
    browser.get(site.url + "/shell-bf.html")
    wait_ready(browser)
    wait_js(browser, BANNER_SHOWN, message="banner not shown on page A")
    browser.find_element("id", "next").click()
    wait_js(browser, "location.pathname === '/shell-bf-b.html' && !!window.Consentry")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    browser.back()
    wait_js(browser, "location.pathname === '/shell-bf.html'")
    if not js(browser, "!!window.__restored"):
        pytest.skip("%s did not restore page A from the back/forward cache" % browser.browser_name)
    wait_js(browser, "Consentry.allowed('analytics') === true",
            message="restored page did not pick up the choice made on page B")
    wait_js(browser, "(window.__ran || []).indexOf('bf') >= 0", message="gated script did not run")
    wait_js(browser, "!(" + BANNER_SHOWN + ")", message="banner still shown after the restore")
    assert_clean_console(browser)
