"""Catalogue group G: accessibility under hostile input.

Only what tests/browser/test_ui_*.py does not cover already (axe, focus trap, tab order, target
size, equal weight, Esc on the banner recording the close action are there). Principle: no key or
close control ever grants consent; the first layer of choices never pre-enables anything.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_js
from hostile_kit import CONSENT_CATS, assert_inert, banner_shown, click_part, gated, page, part, ready
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.usefixtures("bundle")

SWITCHES = ("return (function () { var o = {}; %s.querySelectorAll('input[data-k]').forEach(function (i) {"
            " o[i.getAttribute('data-k')] = [i.checked, i.disabled, i.getAttribute('role')]; }); return o; })()" % part("panel"))


def _focus_banner(browser):
    wait_js(browser, part("accept-all")).send_keys("")  # focus the first-layer buttons' area


@pytest.mark.parametrize("close_action", ["reject", "dismiss"])
def test_escape_and_close_on_the_banner_never_grant(browser, site, third_party, hpage, close_action):
    path = hpage(page(config={"ui": {"closeAction": close_action}}, head=gated("analytics", name="a")))
    for how in ("escape", "close-button"):
        browser.get(site.url + path)
        ready(browser)
        banner_shown(browser)
        if how == "escape":
            js(browser, part("accept-all") + ".focus() || true")
            ActionChains(browser).send_keys(Keys.ESCAPE).perform()
        else:
            click_part(browser, "close")
        wait_js(browser, "Consentry.getConsent() !== null", message="%s recorded nothing" % how)
        c = js(browser, "Consentry.getConsent()")
        assert c["method"] == ("necessary" if close_action == "reject" else "dismiss"), c
        for cat in CONSENT_CATS:
            assert c["categories"][cat] is False, (how, c)
        assert_inert(browser, third_party)
        assert_clean_console(browser)
        browser.delete_all_cookies()


def test_escape_in_the_panel_after_toggling_on_never_grants(browser, site, third_party, hpage):
    path = hpage(page(head=gated("analytics", name="a")))
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    for cat in CONSENT_CATS:
        browser.execute_script("var i = %s.querySelector('input[data-k=\"%s\"]'); i.focus(); i.click();" % (part("panel"), cat))
    assert all(v[0] for k, v in js(browser, SWITCHES).items() if k in CONSENT_CATS)
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    wait_js(browser, "!" + part("panel"), message="Esc did not close the panel")
    c = js(browser, "Consentry.getConsent()")
    assert c is None or all(c["categories"][cat] is False for cat in CONSENT_CATS), c
    for cat in CONSENT_CATS:
        assert js(browser, "Consentry.allowed(arguments[0])", cat) is False
    assert_inert(browser, third_party)
    assert_clean_console(browser)


@pytest.mark.parametrize("region", ["FR", None])
def test_first_open_necessary_locked_on_and_consent_categories_off(browser, site, hpage, region):
    path = hpage(page(region=region))
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    s = js(browser, SWITCHES)
    assert s["necessary"] == [True, True, "switch"], s
    for cat in CONSENT_CATS:
        assert s[cat][0] is False and s[cat][1] is False, (cat, s)
    assert s["analytics/ga"][0] is False, s
    assert all(v[2] == "switch" for v in s.values()), s
    # the locked switch cannot be turned off by a click or by Space
    browser.execute_script("%s.querySelector('input[data-k=\"necessary\"]').click()" % part("panel"))
    assert js(browser, SWITCHES)["necessary"][0] is True
    click_part(browser, "save")
    wait_js(browser, "Consentry.getConsent() !== null")
    c = js(browser, "Consentry.getConsent()")
    assert c["categories"]["necessary"] is True and not any(c["categories"][k] for k in CONSENT_CATS), c
    assert_clean_console(browser)
