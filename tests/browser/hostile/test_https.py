"""Catalogue group L: https. The cookie, withdrawal and reset() on an https page (a throw-away
self-signed certificate, see conftest.https_site): the consent cookie is `Secure`, the `__Host-`
and `__Secure-` names work, and every deletion (reset, withdrawal of declared cookies) repeats
`Secure` and `Partitioned`, without which the browser keeps such cookies.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, wait_js
from hostile_kit import banner_shown, page, ready

pytestmark = pytest.mark.usefixtures("bundle")

NAMES = "document.cookie.split(';').map(function (c) { return c.split('=')[0].trim(); }).filter(Boolean)"
COOKIES = {
    "consentry": {},
    "__Host-consentry": {"name": "__Host-consentry"},
    "__Secure-consentry": {"name": "__Secure-consentry"},
    "__Secure-partitioned": {"name": "__Secure-consentry", "sameSite": "None", "partitioned": True},
}
# A tracker (analytics/ga declares "_ga" and /^_ga_/) that writes what https trackers write.
TRACKER = ('<script type="text/plain" data-category="analytics" data-service="ga">'
           "document.cookie = '_ga=GA1; Path=/; Secure; SameSite=None; Partitioned';"
           "document.cookie = '_ga_X=GS1; Path=/; Secure';"
           "document.cookie = 'site_pref=dark; Path=/; Secure';"
           "(window.__ran = window.__ran || []).push('tracker');</script>"
           '<script type="text/plain" data-category="!analytics">'
           "(window.__ran = window.__ran || []).push('fallback');</script>")
HOOK = ("window.__hook = []; Consentry.onCategory('analytics', {"
        " accept: function () { window.__hook.push('accept'); },"
        " reject: function () { window.__hook.push('reject'); }});")


@pytest.fixture
def spage(hpage, _hostile_pages, https_site):
    """Hostile pages, served by the https site too."""
    https_site.extra_routes["/h/*"] = _hostile_pages.route
    return hpage


@pytest.mark.parametrize("kind", sorted(COOKIES))
def test_consent_cookie_over_https(https_browser, https_site, spage, kind):
    browser = https_browser
    cfg = COOKIES[kind]
    name = cfg.get("name", "consentry")
    path = spage(page(config={"cookie": cfg} if cfg else None, head=TRACKER))
    browser.get(https_site.url + path)
    ready(browser)
    banner_shown(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('tracker') >= 0")
    cookie = browser.get_cookie(name)
    assert cookie is not None and cookie["secure"] is True and cookie["path"] == "/", cookie
    if kind == "__Host-consentry":
        assert not cookie.get("domain", "").startswith("."), cookie    # host-only
    # a returning visitor
    browser.refresh()
    ready(browser)
    wait_js(browser, "(window.__ran || []).indexOf('tracker') >= 0", message="the choice was not read back")
    assert js(browser, "Consentry.getConsent() !== null")
    # reset() deletes it with the attributes it was written with
    browser.execute_script("Consentry.reset();")
    assert name not in js(browser, "return " + NAMES), "reset() left the cookie"
    assert browser.get_cookie(name) is None
    banner_shown(browser)
    browser.refresh()
    ready(browser)
    banner_shown(browser, "the choice came back after reset()")
    assert_clean_console(browser)


@pytest.mark.parametrize("how", ["refusal", "reset"])
def test_withdrawal_over_https(https_browser, https_site, spage, how):
    """A refusal and reset() withdraw alike: declared cookies (Secure, Partitioned) deleted,
    onCategory reject callbacks, the `!analytics` fallback; other tabs drop the choice too."""
    browser = https_browser
    path = spage(page(head=TRACKER))
    browser.get(https_site.url + path)
    ready(browser)
    browser.execute_script("Consentry.acceptAll();" + HOOK)
    wait_js(browser, "(window.__ran || []).indexOf('tracker') >= 0")
    assert {"_ga", "_ga_X", "site_pref"} <= set(js(browser, "return " + NAMES))
    tab_a = browser.current_window_handle
    browser.switch_to.new_window("tab")
    browser.get(https_site.url + path)
    ready(browser)
    wait_js(browser, "Consentry.allowed('analytics') === true")
    browser.switch_to.window(tab_a)

    browser.execute_script("Consentry.rejectAll();" if how == "refusal" else "Consentry.reset();")
    wait_js(browser, "(window.__ran || []).indexOf('fallback') >= 0",
            message="the !analytics fallback did not run")
    names = js(browser, "return " + NAMES)
    assert "_ga" not in names and "_ga_X" not in names, names    # declared: deleted
    assert "site_pref" in names, names                            # undeclared: kept
    assert js(browser, "window.__hook") == ["accept", "reject"]
    if how == "reset":
        assert js(browser, "Consentry.getConsent()") is None
        banner_shown(browser)
    assert_clean_console(browser)

    browser.switch_to.window(browser.window_handles[1])
    wait_js(browser, "Consentry.allowed('analytics') === false", message="the other tab kept the choice")
    if how == "reset":
        assert js(browser, "Consentry.getConsent()") is None
        banner_shown(browser, "the other tab did not show the banner after reset()")
    browser.close()
    browser.switch_to.window(tab_a)
