"""A page written for vanilla-cookieconsent, with only its script tag swapped for consentry.js
and a three-category configuration added (``pages/cc-migrated.html``): the configuration
applies (derived Consent Mode map, no warnings about built-in texts), gated scripts, ``!category``
fallbacks, ``data-service``, the ``data-cc`` triggers and the Consent Mode updates in
``dataLayer``. Accept triggers act only on a visitor's click (WebDriver clicks are trusted
input events; ``el.click()`` from page code is not) and only when the script tag carries
``data-consentry-cc-accept`` (``pages/cc-no-optin.html`` has no such attribute)."""

from __future__ import annotations

import pytest
from helpers import diag, js, problems, wait_js, wait_ready

pytestmark = pytest.mark.usefixtures("bundle")

PAGE = "/cc-migrated.html"
ROOT = "document.querySelector('[data-consentry-root]')"
PANEL = ROOT + ".shadowRoot.querySelector('[part~=\"panel\"]')"
BANNER = ROOT + ".shadowRoot.querySelector('[part~=\"banner\"]')"
UPDATES = """return Array.prototype.filter.call(window.dataLayer, function (e) {
  return e[0] === 'consent' && e[1] === 'update'; }).map(function (e) { return e[2]; });"""


def _open(browser, site):
    browser.get(site.url + PAGE)
    wait_ready(browser)


def _click(browser, trigger):
    browser.find_element("css selector", '[data-cc="%s"]' % trigger).click()


def _ran(browser):
    return js(browser, "window.__ran.slice()")


def _warnings(browser):
    return [c["message"] for c in diag(browser)["console"] if c["level"] == "warn"]


def test_configuration_applies_with_one_warning_and_nothing_runs_before_a_choice(browser, site):
    _open(browser, site)
    assert js(browser, "Consentry.getConsent()") is None
    wait_js(browser, BANNER, message="the banner is not shown on a first visit")
    assert _ran(browser) == []
    assert js(browser, "return window.dataLayer[0]")[:2] == ["consent", "default"]
    # with a page configuration the first stage pushes a fail-closed default; the SDK's update
    # carries the derived map: security_storage follows the always-on necessary category
    current = js(browser, UPDATES)[-1]
    assert current["security_storage"] == "granted", current
    assert {current[s] for s in ("analytics_storage", "ad_storage", "ad_user_data",
                                 "ad_personalization")} == {"denied"}, current
    warns = _warnings(browser)
    assert len(warns) == 1, warns
    assert "$.consentMode.map" in warns[0] and "ads -> ad_storage" in warns[0], warns
    assert problems(browser, allow_warnings_prefix=None) == ["console.warn: " + warns[0]]


def test_page_code_cannot_accept_a_visitors_click_can(browser, site, third_party):
    _open(browser, site)
    browser.execute_script(
        "document.querySelector('[data-cc=\"accept-all\"]').click();"
        "document.querySelector('[data-cc=\"accept-all\"]').dispatchEvent("
        "  new MouseEvent('click', {bubbles: true, cancelable: true}));")
    wait_js(browser, "window.__diag.console.some(function (c) {"
                     " return c.message.indexOf('ignored: not a visitor') !== -1; })")
    assert js(browser, "Consentry.getConsent()") is None and _ran(browser) == []

    _click(browser, "accept-all")
    wait_js(browser, "window.__ran.indexOf('cc-ads') !== -1", message="ads data-src never ran")
    wait_js(browser, "window.__ran.indexOf('ads-module') !== -1")
    ran = _ran(browser)
    assert ran[:2] == ["analytics", "ga"], ran
    assert "!analytics" not in ran and "!ads" not in ran
    assert js(browser, "Consentry.getConsent().method") == "all"
    assert js(browser, "location.hash") == "", "the trigger's default action was not prevented"
    update = js(browser, UPDATES)[-1]
    for s in ("analytics_storage", "ad_storage", "ad_user_data", "ad_personalization",
              "security_storage"):
        assert update[s] == "granted", update
    assert update["functionality_storage"] == "denied" == update["personalization_storage"]
    assert not js(browser, BANNER), "the banner stayed open after the choice"


def test_accept_necessary_withdraws_and_runs_the_fallbacks(browser, site):
    _open(browser, site)
    _click(browser, "accept-all")
    wait_js(browser, "window.__ran.indexOf('ga') !== -1")
    assert "_ga=" in js(browser, "document.cookie")
    _click(browser, "accept-necessary")
    wait_js(browser, "window.__ran.indexOf('!ads') !== -1", message="!ads never ran on withdrawal")
    assert "!analytics" in _ran(browser)
    assert "_ga=" not in js(browser, "document.cookie"), "the declared analytics cookie stayed"
    update = js(browser, UPDATES)[-1]
    assert update["analytics_storage"] == "denied" and update["ad_storage"] == "denied", update
    assert js(browser, "Consentry.getConsent().method") == "necessary"


def test_show_triggers_open_the_ui_and_accept_custom_opens_the_panel(browser, site):
    _open(browser, site)
    _click(browser, "accept-necessary")
    wait_js(browser, "window.__ran.indexOf('!ads') !== -1", message="a refusal did not run !ads")
    assert _ran(browser) == ["!analytics", "!ads"]
    assert not js(browser, BANNER)
    _click(browser, "show-consentModal")
    wait_js(browser, BANNER, message="show-consentModal did not re-open the banner")
    browser.execute_script("Consentry.hide();")
    for trigger in ("show-preferencesModal", "accept-custom"):
        _click(browser, trigger)
        wait_js(browser, PANEL, message=trigger + " did not open the preferences panel")
        keys = js(browser, "return Array.prototype.map.call(" + PANEL +
                  ".querySelectorAll('input[data-k]'), function (b) { return b.getAttribute('data-k'); });")
        assert keys == ["necessary", "analytics", "analytics/ga", "ads"], keys
        browser.execute_script("Consentry.hide();")
        wait_js(browser, "!(" + PANEL + ")")
    # opening UI never chose anything
    assert js(browser, "Consentry.getConsent().method") == "necessary"
    assert _ran(browser) == ["!analytics", "!ads"]


def test_without_the_opt_in_accept_triggers_never_choose_but_ui_triggers_open(browser, site):
    browser.get(site.url + "/cc-no-optin.html")
    wait_ready(browser)
    _click(browser, "accept-all")
    wait_js(browser, "window.__diag.console.some(function (c) {"
                     " return c.message.indexOf('data-consentry-cc-accept') !== -1; })")
    assert js(browser, "Consentry.getConsent()") is None
    assert js(browser, "window.__ran === undefined"), "a gated script ran"
    _click(browser, "show-preferencesModal")
    wait_js(browser, PANEL, message="show-preferencesModal did not open the panel")


SDK_LOADED = "!!document.querySelector('script[src*=\"consentry-sdk\"]')"


def test_triggers_clicked_before_the_sdk_file_is_loaded(browser, site):
    browser.get(site.url + "/cc-lazy.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    for trigger in ("accept-necessary", "show-preferencesModal"):
        browser.get(site.url + "/cc-lazy.html")
        wait_js(browser, "document.readyState === 'complete'")
        assert not js(browser, SDK_LOADED), "the SDK file was loaded without being asked for"
        # page code's click is not kept for the SDK (it would load it to act on it)
        browser.execute_script("document.querySelector('[data-cc=\"%s\"]').click();" % trigger)
        assert not js(browser, SDK_LOADED), "page code's click on a data-cc trigger was kept"
        _click(browser, trigger)
        if trigger == "accept-necessary":
            wait_js(browser, "Consentry.getConsent() && Consentry.getConsent().method === 'necessary'",
                    message="an early accept-necessary click was lost")
        else:
            wait_js(browser, PANEL, message="an early show-preferencesModal click was lost")
