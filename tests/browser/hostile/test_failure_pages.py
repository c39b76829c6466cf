"""The QA failure pages in demo_site/failures/ show what they say they show."""

from __future__ import annotations

import pytest
from helpers import DIST, REPO, js, wait_js
from shell_common import BANNER_SHOWN

try:
    from consentry_build.devserver import make_server
except ImportError:  # pragma: no cover
    import sys
    sys.path.insert(0, str(REPO / "build"))
    from consentry_build.devserver import make_server

pytestmark = pytest.mark.usefixtures("bundle")
ROOTS = "document.querySelectorAll('[data-consentry-root]').length"


@pytest.fixture(scope="module")
def demo():
    srv = make_server(REPO / "demo_site", DIST)
    yield srv
    srv.shutdown()


def _fresh(browser, demo, path):
    browser.get(demo.url + "/__nothing")
    browser.delete_all_cookies()
    demo.clear_requests()
    browser.get(demo.url + path)
    wait_js(browser, "document.readyState === 'complete'")


@pytest.mark.parametrize("path", ["/failures/sdk-404.html", "/failures/csp-blocked.html"])
def test_sdk_missing_or_blocked_page_is_usable_and_inert(browser, demo, path):
    _fresh(browser, demo, path)
    assert js(browser, "typeof window.Consentry") == "undefined"
    assert js(browser, ROOTS) == 0
    assert demo.requests_for("/trackers/*") == [] and demo.requests_for("/embed/*") == []
    browser.find_element("css selector", "button.plain").click()


def test_csp_allowed_page_full_flow(browser, demo):
    _fresh(browser, demo, "/failures/csp-allowed.html")
    wait_js(browser, BANNER_SHOWN)
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "document.querySelector('[data-badge=analytics]').textContent === 'ran'")
    wait_js(browser, "document.querySelector('[data-badge=targeting]').textContent === 'ran'")


def test_included_twice_page_has_one_banner(browser, demo):
    _fresh(browser, demo, "/failures/included-twice.html")
    wait_js(browser, BANNER_SHOWN)
    assert js(browser, ROOTS) == 1
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "document.querySelector('[data-badge=analytics]').textContent === 'ran'")


def test_cookies_blocked_page_frame_works_without_cookies(browser, demo):
    _fresh(browser, demo, "/failures/cookies-blocked.html")
    browser.switch_to.frame(browser.find_element("css selector", "iframe.sandboxed"))
    try:
        wait_js(browser, BANNER_SHOWN, message="no banner in the sandboxed frame")
        js(browser, "Consentry.acceptAll() || true")
        wait_js(browser, "document.querySelector('[data-badge=analytics]').textContent === 'ran'")
        assert not js(browser, BANNER_SHOWN)
    finally:
        browser.switch_to.default_content()
