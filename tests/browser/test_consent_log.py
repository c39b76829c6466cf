"""The consent log end to end: a choice made in the demo site reaches the database.

The demo server runs with the consent log on (``consentry.log.demo``, as ``invoke demo`` does): the
visitor clicks the banner's "accept all", the SDK's beacon goes to ``/consent-log``, the row is in
the SQLite file, and the QA panel lists it.
"""

import pytest
from helpers import DIST, REPO, TIMEOUT_SCALE, js, wait_js, wait_ready
from selenium.webdriver.support.ui import WebDriverWait

DEMO = REPO / "demo_site"
ROOT = "document.querySelector('[data-consentry-root]').shadowRoot"
ACCEPT = ROOT + ".querySelector('[part~=\"banner\"]').querySelector('[part~=\"accept-all\"]')"


@pytest.fixture
def logged_demo(bundle, tmp_path):
    from consentry.log.demo import dev_options
    from consentry_build.devserver import make_server

    srv = make_server(DEMO, DIST, **dev_options("sqlite:///" + str(tmp_path / "consent-log.db")))
    yield srv
    srv.shutdown()


def test_a_choice_in_the_demo_reaches_the_database(browser, logged_demo):
    browser.get(logged_demo.url + "/?region=FR")
    wait_ready(browser)
    wait_js(browser, "document.querySelector('[data-consentry-root]') && " + ACCEPT + " !== null",
            message="the demo's banner did not show")
    browser.execute_script("arguments[0].click()", browser.execute_script("return " + ACCEPT))
    consent_id = js(browser, "Consentry.getConsent().id")
    store = logged_demo.consent_log.store
    rows = WebDriverWait(browser, 10 * TIMEOUT_SCALE, poll_frequency=0.05).until(
        lambda _: store.history(consent_id), "the beacon's row never reached the database")
    assert len(rows) == 1
    row = rows[0]
    assert row["method"] == "all" and row["path"] == "/" and row["mode"] == "opt-in"
    assert all(row["categories"].values()) and row["categories"]["analytics"] is True
    assert row["ip_prefix"] is None
    assert row["given_at"] == js(browser, "Consentry.getConsent().givenAt")
    beacons = logged_demo.requests_for("/consent-log", "POST")
    assert beacons and beacons[0].headers.get("origin") == logged_demo.url   # same-origin, checked

    browser.get(logged_demo.url + "/qa.html?region=FR")
    wait_js(browser, "document.getElementById('qa-consent-log').textContent.indexOf(arguments[0]) !== -1",
            10, "the QA panel does not list the logged choice", consent_id)

