"""One end-to-end test per framework: a real server process, a real browser, the same cookie.

The page carries the server's decision (``#server-state``); the SDK computes its own from the
same cookie. Before a choice both say "no choice, banner"; after a choice made in the page, the
next page view's server state equals ``Consentry.getConsent()`` and ``Consentry.allowed`` for
every category and service, the server re-issues the cookie (same value, expiry not extended),
and an API call from the page gets the same answer; on a page whose own configuration is a
revision ahead, the server's ``for_page`` decision and the page agree that the choice is asked
again. The script tag is loaded under a nonce-only CSP with SRI, so a wrong nonce or integrity
value fails the test.
"""

import json
import sys

import pytest
from helpers import async_js, clean_browser, js, wait_js, wait_ready
from server_kit import ServerProcess, child_env
from shell_common import BANNER_SHOWN

SERVERS = {
    "django": ([sys.executable, "-m", "django", "runserver", "127.0.0.1:{port}", "--noreload",
                "--settings", "django_site.settings"], "Starting development server at"),
    "flask": ([sys.executable, "-m", "flask", "--app", "flask_site:create_app", "run",
               "--host", "127.0.0.1", "--port", "{port}"], "Running on"),
    "fastapi": ([sys.executable, "-m", "uvicorn", "--factory", "fastapi_site:create_app",
                 "--host", "127.0.0.1", "--port", "{port}"], "Uvicorn running on"),
}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, bundle_dir):
    args, marker = SERVERS[request.param]
    srv = ServerProcess(args, marker, child_env())
    yield srv
    srv.stop()


@pytest.fixture
def browser(browser_session, server):
    """The session's browser, cookies and storage of the test server's origin cleared."""
    clean_browser(browser_session, (server.url,))
    return browser_session


def _server_state(driver):
    return json.loads(js(driver, "document.getElementById('server-state').textContent"))


def _page_view(driver, state):
    """What the SDK says, in the server state's shape."""
    return driver.execute_script("""
        var st = arguments[0], out = {view: Consentry.getConsent(), categories: {}, services: {}};
        Object.keys(st.categories).forEach(function (c) { out.categories[c] = Consentry.allowed(c); });
        Object.keys(st.services).forEach(function (c) {
          out.services[c] = {};
          Object.keys(st.services[c]).forEach(function (s) { out.services[c][s] = Consentry.allowed(c, s); });
        });
        return out;""", state)


def _open(driver, url):
    driver.get(url)
    wait_ready(driver)
    return _server_state(driver)


def test_server_and_page_agree_on_the_cookie(browser, server):
    before = _open(browser, server.url + "/")
    assert before["reason"] == "no-choice" and before["view"] is None
    page = _page_view(browser, before)
    assert page == {"view": None, "categories": before["categories"], "services": before["services"]}
    assert before["showBanner"] is True
    wait_js(browser, BANNER_SHOWN, message="the server said the banner shows")

    js(browser, "Consentry.update({analytics: true, targeting: false})")
    wait_js(browser, "Consentry.getConsent() !== null && document.cookie.indexOf('consentry=') >= 0")
    written = browser.get_cookie("consentry")

    after = _open(browser, server.url + "/")
    page = _page_view(browser, after)
    assert after["reason"] == "choice" and after["showBanner"] is False
    assert page["view"] == after["view"] and page["view"]["method"] == "api"
    assert page["categories"] == after["categories"]
    assert page["services"] == after["services"]
    assert after["categories"]["analytics"] is True and after["categories"]["targeting"] is False
    assert js(browser, BANNER_SHOWN) is False

    reissued = browser.get_cookie("consentry")
    assert reissued["value"] == written["value"]
    expires_s = after["view"]["expiresAt"] // 1000
    # Max-Age is the time left, rounded down; the browser adds it to its own clock (1 s slack)
    assert expires_s - 2 <= reissued["expiry"] <= expires_s + 1, "the server-set cookie was extended"

    api = async_js(browser, "fetch('/api').then(function (r) { return r.json(); }).then(done);")
    assert api["analytics"] is True

    # A page whose own configuration is a revision ahead: the page asks again, and the
    # server's decision for that page (consent.for_page) says the same, category by category.
    revised = _open(browser, server.url + "/revised")
    assert revised["reason"] == "revision" and revised["showBanner"] is True
    assert revised["categories"]["analytics"] is False
    page = _page_view(browser, revised)
    assert page == {"view": None, "categories": revised["categories"], "services": revised["services"]}
    wait_js(browser, BANNER_SHOWN, message="the server said the revised page shows the banner")
