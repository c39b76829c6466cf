"""Withdrawal and double inclusion (contract §2, §4).

Code that already ran cannot be unloaded: on withdrawal the SDK deletes the category's declared
cookies (every path/domain variant), runs the `!category` fallbacks, offers a reload, and never
revives the category's elements again.
"""

import pytest
from helpers import assert_clean_console, js, wait_js, wait_ready
from shell_common import BANNER_SHOWN

pytestmark = pytest.mark.usefixtures("bundle")

COOKIE_NAMES = "document.cookie.split(';').map(function (c) { return c.split('=')[0].trim(); })"


def test_withdrawal_deletes_declared_cookies_and_offers_a_reload(browser, site):
    browser.get(site.url + "/shell-withdraw.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('tracker') >= 0", message="tracker did not run")
    names = js(browser, "return " + COOKIE_NAMES)
    assert {"_ga", "_ga_ABC", "site_pref", "consentry"} <= set(names)

    browser.execute_script("Consentry.update({analytics: false});")
    wait_js(browser, "(window.__ran || []).indexOf('fallback') >= 0",
            message="the !analytics fallback did not run on withdrawal")
    names = js(browser, "return " + COOKIE_NAMES)
    assert "_ga" not in names and "_ga_ABC" not in names, names   # both paths deleted
    assert "site_pref" in names and "consentry" in names, names    # undeclared cookies stay
    wait_js(browser, "document.querySelector('[data-consentry-root]') && document.querySelector("
                     "'[data-consentry-root]').shadowRoot.querySelector('[part~=\"reload\"]')",
            message="no reload offered after withdrawal")
    assert js(browser, "return window.__ran") == ["tracker", "fallback"]
    assert_clean_console(browser)

    browser.refresh()
    wait_ready(browser)
    assert js(browser, "return Consentry.allowed('analytics')") is False
    assert js(browser, "return window.__ran") == ["fallback"]   # tracker stays inert after reload


def test_reject_at_first_choice_offers_no_reload(browser, site):
    """Nothing of the category ran yet, so there is nothing to reload for."""
    browser.get(site.url + "/shell-withdraw.html")
    wait_ready(browser)
    browser.execute_script("Consentry.rejectAll();")
    wait_js(browser, "(window.__ran || []).indexOf('fallback') >= 0")
    assert js(browser, "!!document.querySelector('[data-consentry-root]').shadowRoot"
                       ".querySelector('[part~=\"reload\"]')") is False
    assert_clean_console(browser)


def test_script_included_twice_starts_once(browser, site):
    browser.get(site.url + "/shell-twice.html")
    wait_ready(browser)
    wait_js(browser, BANNER_SHOWN, message="banner not shown")
    assert js(browser, "return document.querySelectorAll('[data-consentry-root]').length") == 1
    warnings = [m for m in js(browser, "return window.__diag.console")
                if "included more than once" in m["message"]]
    assert len(warnings) == 1, warnings
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('twice') >= 0")
    assert js(browser, "return window.__ran") == ["twice"]
