"""Issue 4, point 5 (JS API and events) in a real browser: contract §5."""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, js, problems, wait_js, wait_ready
from shell_common import page_run

pytestmark = pytest.mark.usefixtures("bundle")

NAMES = "window.__cb.map(function (e) { return e[0]; })"


def test_queue_callbacks_run_in_order_with_the_api(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    assert js(browser, "window.__q") == [["q1", True, "function"], ["q2", True]]
    assert js(browser, "window.consentryQueue.push(function (api) { window.__q.push(['late', api === window.Consentry]); }), window.__q.length") == 3
    assert js(browser, "window.__q[2]") == ["late", True]
    assert js(browser, NAMES) == ["ready"]
    assert js(browser, "window.__win.map(function (e) { return e[0]; })") == ["ready"]
    assert_clean_console(browser)


def test_throwing_queue_callback_is_logged_and_others_run(browser, site):
    browser.get(site.url + "/shell-queue.html")
    wait_ready(browser)
    assert js(browser, "window.__q") == [["first", True, "function"], ["second"], ["third", True]]
    found = problems(browser)
    assert len(found) == 1 and found[0].startswith("console.error: [consentry]") and "queue boom" in found[0], found


def test_throwing_listener_is_logged_and_others_run(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    page_run(browser, """
        window.__after = 0;
        Consentry.on('first-consent', function () { throw new Error('listener boom'); });
        Consentry.on('first-consent', function () { window.__after++; });
        Consentry.acceptAll();
    """)
    wait_js(browser, "window.__after === 1")
    assert "first-consent" in js(browser, NAMES)
    found = problems(browser)
    assert len(found) == 1 and found[0].startswith("console.error: [consentry]") and "listener boom" in found[0], found


def test_first_consent_once_then_change_with_changed(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.update({analytics: true});")
    assert js(browser, NAMES) == ["ready", "first-consent", "consent"]
    browser.execute_script("Consentry.update({analytics: false, targeting: true});")
    # a later change on the same page fires change, not consent again (contract v1.1)
    assert js(browser, NAMES) == ["ready", "first-consent", "consent", "change"]
    change = js(browser, "window.__cb[3][1]")
    assert change["changed"] == {"analytics": False, "targeting": True}, change
    assert change["categories"]["analytics"] is False and change["categories"]["targeting"] is True
    assert change["method"] == "api"
    # window CustomEvents: same sequence, same detail objects.
    assert js(browser, "window.__win.map(function (e) { return e[0]; })") == js(browser, NAMES)
    assert js(browser, "window.__win.every(function (e, i) { return e[1] === window.__cb[i][1]; })") is True
    browser.execute_script("Consentry.update({analytics: false, targeting: true});")  # no change
    browser.execute_script("Consentry.acceptAll();")
    assert js(browser, NAMES) == ["ready", "first-consent", "consent", "change", "change"]
    assert_clean_console(browser)


def test_allowed_is_false_for_unknown_ids_and_non_strings(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    got = js(browser, """[Consentry.allowed('nope'), Consentry.allowed(5), Consentry.allowed(null),
        Consentry.allowed(), Consentry.allowed({}), Consentry.allowed(['analytics']),
        Consentry.allowed('analytics', 5), Consentry.allowed('analytics', 'nope'), Consentry.allowed('__proto__'),
        Consentry.allowed('toString')]""")
    assert got == [False] * 10, got
    assert_clean_console(browser)


def test_allowed_is_true_for_an_accepted_category(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    assert js(browser, "Consentry.allowed('analytics')") is False
    browser.execute_script("Consentry.acceptAll();")
    assert js(browser, "Consentry.getConsent().categories.analytics") is True
    assert js(browser, "[Consentry.allowed('necessary'), Consentry.allowed('analytics')]") == [True, True]


def test_get_consent_shape(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    assert js(browser, "Consentry.getConsent()") is None
    browser.execute_script("Consentry.rejectAll();")
    c = js(browser, "Consentry.getConsent()")
    assert set(c) == {"id", "revision", "givenAt", "expiresAt", "method", "mode", "gpc", "categories", "services"}, c
    assert isinstance(c["id"], str) and c["id"]
    assert isinstance(c["revision"], int)
    assert isinstance(c["givenAt"], int) and c["expiresAt"] > c["givenAt"]
    assert c["method"] == "necessary" and c["mode"] == "opt-in" and c["gpc"] is False
    assert set(c["categories"]) == {"necessary", "functionality", "analytics", "targeting", "site-analytics"}
    assert c["categories"]["necessary"] is True
    assert all(v is False for k, v in c["categories"].items() if k != "necessary"), c
    assert all(isinstance(m, dict) and all(isinstance(v, bool) for v in m.values()) for m in c["services"].values())
    # A plain object, not a live view of the SDK's state.
    page_run(browser, "window.__proto = Object.getPrototypeOf(Consentry.getConsent()) === Object.prototype;")
    assert js(browser, "window.__proto") is True
    assert js(browser, "Consentry.getConsent() !== Consentry.getConsent()") is True


def test_errors_thrown_to_js_are_error_objects(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    page_run(browser, """window.__errs = (function () {
        var out = [];
        [function () { Consentry.update(5); }, function () { Consentry.update({analytics: 'yes'}); },
         function () { Consentry.on(5); }, function () { Consentry.onCategory(5); }].forEach(function (f) {
            try { f(); out.push('no throw'); }
            catch (e) { out.push([e instanceof Error, typeof e.message === 'string' && e.message.length > 0]); }
        });
        return out; })();""")
    got = js(browser, "window.__errs")
    assert got == [[True, True]] * 4, got
    assert js(browser, "Consentry.getConsent()") is None, "a rejected update() recorded a choice"


def test_reset_removes_the_cookie_and_shows_the_banner(browser, site):
    from shell_common import BANNER_SHOWN

    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "!(" + BANNER_SHOWN + ")")
    assert browser.get_cookie("consentry") is not None
    browser.execute_script("Consentry.reset();")
    assert browser.get_cookie("consentry") is None
    assert "consentry=" not in js(browser, "document.cookie")
    assert js(browser, "Consentry.getConsent()") is None
    wait_js(browser, BANNER_SHOWN, message="reset() did not show the banner")
    assert_clean_console(browser)


def test_on_category_accept_once_reject_on_withdrawal(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("""
        window.__hook = [];
        Consentry.onCategory('analytics', {accept: function (api) { __hook.push(['accept', api === Consentry]); },
                                           reject: function () { __hook.push(['reject']); }});
    """)
    assert js(browser, "window.__hook") == []
    browser.execute_script("Consentry.acceptAll(); Consentry.acceptAll(); Consentry.update({analytics: true});")
    assert js(browser, "window.__hook") == [["accept", True]]
    browser.execute_script("Consentry.update({analytics: false});")
    assert js(browser, "window.__hook") == [["accept", True], ["reject"]]
    browser.execute_script("Consentry.rejectAll();")
    assert js(browser, "window.__hook") == [["accept", True], ["reject"]]
    assert_clean_console(browser)


def test_on_refuses_unknown_events_and_returns_an_unsubscribe_function(browser, site):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    error = js(browser, "(function () { try { Consentry.on('consnet', function () {}); return null; }"
                        " catch (e) { return [Object.prototype.toString.call(e) === '[object Error]', e.message]; } })()")
    assert error is not None and error[0] is True and "unknown event \"consnet\"" in error[1], error
    browser.execute_script("""
        window.__got = [];
        window.__off = Consentry.on('change', function (d) { window.__got.push(d.changed); });""")
    assert js(browser, "typeof window.__off") == "function"
    browser.execute_script("Consentry.acceptAll(); Consentry.update({analytics: false});")
    assert js(browser, "window.__got") == [{"analytics": False}]
    browser.execute_script("window.__off(); Consentry.update({analytics: true});")
    assert js(browser, "window.__got") == [{"analytics": False}]   # unsubscribed
    assert_clean_console(browser)

