"""Issue 4, point 7 (Global Privacy Control) in a real browser: contract §3/§4.

GPC is simulated the way browsers expose it: ``/qa/gpc-on.js`` (served by the dev server, an external
file before consentry.js) defines ``Navigator.prototype.globalPrivacyControl`` = true.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_ready

pytestmark = pytest.mark.usefixtures("bundle")


def test_gpc_in_opt_out_region_refuses_targeting_only(browser, site):
    browser.get(site.url + "/shell-gpc-us.html")
    wait_ready(browser)
    assert js(browser, "navigator.globalPrivacyControl") is True
    assert js(browser, "Consentry.allowed('targeting')") is False
    assert js(browser, "Consentry.allowed('analytics')") is True
    browser.execute_script("Consentry.acceptAll();")
    assert js(browser, "Consentry.allowed('targeting')") is True
    c = js(browser, "Consentry.getConsent()")
    assert c["gpc"] is True and c["categories"]["targeting"] is True, c
    assert_clean_console(browser)


def test_gpc_in_opt_in_region_everything_off_until_a_choice(browser, site):
    browser.get(site.url + "/shell-gpc-fr.html")
    wait_ready(browser)
    assert js(browser, "navigator.globalPrivacyControl") is True
    assert js(browser, "Consentry.getConsent()") is None
    for cat in ("analytics", "targeting", "site-analytics"):
        assert js(browser, "Consentry.allowed(arguments[0])", cat) is False, cat
    browser.execute_script("Consentry.update({analytics: true});")
    c = js(browser, "Consentry.getConsent()")
    assert c["categories"]["analytics"] is True and c["categories"]["targeting"] is False
    assert c["gpc"] is True
    assert_clean_console(browser)
