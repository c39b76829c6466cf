"""Catalogue group E: concurrency and tabs.

Principle: however fast or from however many tabs the visitor clicks, there is one consistent
final state, every tab converges on it, no tab writes a stale state back, and callbacks fire once
per real transition.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_js
from hostile_kit import banner_shown, consent_cookies, gated, page, part, ready, record_events
from selenium.webdriver.common.action_chains import ActionChains
from shell_common import BANNER_SHOWN, barrier

pytestmark = pytest.mark.usefixtures("bundle")

COUNTS = "(function(){var o={};(window.__ev||[]).forEach(function(n){o[n]=(o[n]||0)+1;});return o;})()"


def _open(browser, site, path):
    browser.get(site.url + path)
    ready(browser)
    record_events(browser)
    banner_shown(browser)


def test_double_click_accept_records_one_choice(browser, site, hpage):
    path = hpage(page(head=gated("analytics", name="a")))
    _open(browser, site, path)
    btn = wait_js(browser, part("accept-all"))
    ActionChains(browser).double_click(btn).perform()
    wait_js(browser, "Consentry.getConsent() !== null")
    barrier(browser, site.url)
    assert js(browser, COUNTS) == {"first-consent": 1, "consent": 1}
    assert js(browser, "window.__ran.filter(function (x) { return x === 'a'; }).length") == 1
    assert len(consent_cookies(browser)) == 1
    assert_clean_console(browser)


@pytest.mark.parametrize("sequence", [
    "Consentry.acceptAll(); Consentry.rejectAll();",
    "Consentry.rejectAll(); Consentry.acceptAll(); Consentry.rejectAll();",
    "Consentry.acceptAll(); Consentry.acceptAll(); Consentry.update({analytics: true});",
    "Consentry.update({analytics: true}); Consentry.update({analytics: false}); Consentry.update({analytics: true});",
])
def test_rapid_choices_end_in_one_consistent_state(browser, site, hpage, sequence):
    path = hpage(page(head=gated("analytics", name="a")))
    _open(browser, site, path)
    browser.execute_script(sequence)
    barrier(browser, site.url)
    final = js(browser, "Consentry.getConsent()")
    cookie = consent_cookies(browser)
    assert len(cookie) == 1 and cookie[0]["value"].split(".")[1] == final["id"]
    expected_analytics = sequence.rstrip("; ").endswith(("acceptAll()", "{analytics: true})"))
    assert final["categories"]["analytics"] is expected_analytics
    counts = js(browser, COUNTS)
    changes = sum(1 for a, b in zip(_states(sequence), _states(sequence)[1:]) if a != b)
    assert counts.get("first-consent") == 1 and counts.get("change", 0) == changes, (counts, changes)
    assert js(browser, "(window.__ran || []).filter(function (x) { return x === 'a'; }).length") == (
        1 if "acceptAll" in sequence or "analytics: true" in sequence else 0)
    assert not js(browser, BANNER_SHOWN)
    assert_clean_console(browser)


def _states(sequence):
    """The analytics state after each call (for counting real transitions)."""
    out = []
    for call in [c.strip() for c in sequence.split(";") if c.strip()]:
        out.append("acceptAll" in call or "analytics: true" in call)
    return out


def test_two_tabs_choice_in_one_closes_the_other_without_stale_writes(browser, site, hpage):
    path = hpage(page(head=gated("analytics", name="a")))
    _open(browser, site, path)
    tab_a = browser.current_window_handle
    browser.switch_to.new_window("tab")
    _open(browser, site, path)
    btn = wait_js(browser, part("accept-all"))
    ActionChains(browser).double_click(btn).perform()
    wait_js(browser, "Consentry.getConsent() !== null")
    value_b = consent_cookies(browser)[0]["value"]
    browser.switch_to.window(tab_a)
    wait_js(browser, "!(%s)" % BANNER_SHOWN, timeout=5, message="tab A still shows the banner")
    wait_js(browser, "window.__ran && window.__ran.indexOf('a') !== -1")
    assert js(browser, "Consentry.getConsent().id") == value_b.split(".")[1]
    assert js(browser, COUNTS) == {"first-consent": 1, "consent": 1}
    # tab A refuses; tab B converges; the cookie holds A's newer choice, nobody writes B's back
    js(browser, "Consentry.rejectAll() || true")
    value_a = consent_cookies(browser)[0]["value"]
    assert value_a != value_b
    browser.switch_to.window(browser.window_handles[1])
    wait_js(browser, "Consentry.allowed('analytics') === false", timeout=5)
    assert consent_cookies(browser)[0]["value"] == value_a
    # contract v1.1: a later change on the same page fires `change`, not `consent` again
    assert js(browser, COUNTS) == {"first-consent": 1, "consent": 1, "change": 1}
    assert_clean_console(browser)
    browser.switch_to.window(tab_a)
    assert_clean_console(browser)
