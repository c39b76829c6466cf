"""Issue 4, point 2 (gating) in a real browser: contract §2.

Revival order, one-at-a-time external scripts, at-most-once, kept attributes, the data-type
allow-list, negated categories, unknown categories, late (SPA) insertion and iframe data-src.
"""

from __future__ import annotations

import threading

import pytest
from helpers import BLANK, DIST, PAGES, assert_clean_console, diag, js, sentinel_route, wait_js, wait_ready
from selenium.webdriver.support.ui import WebDriverWait
from shell_common import barrier

from consentry_build.devserver import make_server

pytestmark = pytest.mark.usefixtures("bundle")


class HeldScript:
    """``/slow/<name>.js``: the response is held until the test releases it (no timing guesses)."""

    def __init__(self):
        self.release = threading.Event()

    def __call__(self, req):
        self.release.wait(30)
        return sentinel_route(req)


@pytest.fixture
def slow_site(third_party):
    """A same-host origin serving the test pages, whose ``/slow/*`` responses the test controls."""
    held = HeldScript()
    routes = {"/t/*": sentinel_route, "/slow/*": held, "/__blank": BLANK}
    srv = make_server(PAGES, DIST, extra_routes=routes, html_vars={"THIRD_PARTY": third_party.url})
    srv.held = held
    yield srv
    held.release.set()
    srv.shutdown()


def test_scripts_revive_in_order_one_external_at_a_time_once(browser, slow_site, third_party):
    browser.get(slow_site.url + "/shell-order.html")
    wait_ready(browser)
    assert js(browser, "window.__ran") is None, "a gated script ran before any choice"
    assert slow_site.requests_for("/slow/*") == [] and third_party.requests_for("/t/C.js") == []

    browser.execute_script("Consentry.acceptAll();")
    WebDriverWait(browser, 10, 0.05).until(lambda d: slow_site.requests_for("/slow/A.js"),
                                           "slow external A was never requested after acceptAll()")
    # A is still loading: nothing after it may run yet (inline B included), C is not even requested.
    assert js(browser, "window.__ran") is None, "a script after the pending external A already ran"
    assert third_party.requests_for("/t/C.js") == [], "C was requested while A was still loading"
    slow_site.held.release.set()

    wait_js(browser, "(window.__ran || []).indexOf('M') !== -1", message="the module script never ran")
    # The 404 after B does not stop the chain; PY (data-type text/python) never runs.
    assert js(browser, "window.__ran") == ["A", "B", "C", "M"]

    # Each at most once: acceptAll twice, update twice.
    ran = barrier(browser, third_party.url, "Consentry.acceptAll(); Consentry.acceptAll();")
    ran = barrier(browser, third_party.url,
                  "Consentry.update({analytics: true}); Consentry.update({analytics: true});", "barrier2")
    assert ran == ["A", "B", "C", "M", "barrier", "barrier2"], ran
    assert len(slow_site.requests_for("/slow/A.js")) == 1
    assert len(third_party.requests_for("/t/C.js")) == 1
    assert len(slow_site.requests_for("/t/missing.none")) == 1
    assert_clean_console(browser, allow_resource_errors=True)
    assert [r["url"] for r in diag(browser)["resources"]] == [slow_site.url + "/t/missing.none"]


def test_revived_script_keeps_its_attributes(browser, site, third_party):
    browser.get(site.url + "/shell-order.html")  # /slow/A.js is a 404 here: the chain goes on
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('M') !== -1")
    assert js(browser, "window.__ran") == ["B", "C", "M"]
    el = browser.execute_script("""
        var s = document.getElementById('c-script');
        return s && {tag: s.tagName, src: s.src, type: s.getAttribute('type'), foo: s.getAttribute('data-foo'),
                     cat: s.getAttribute('data-category'), crossorigin: s.getAttribute('crossorigin'),
                     referrerpolicy: s.getAttribute('referrerpolicy'), integrity: s.getAttribute('integrity'),
                     dataSrc: s.getAttribute('data-src'), count: document.querySelectorAll('#c-script').length};
    """)
    assert el == {"tag": "SCRIPT", "src": third_party.url + "/t/C.js", "type": None, "foo": "bar",
                  "cat": "analytics", "crossorigin": "anonymous", "referrerpolicy": "no-referrer",
                  "integrity": None, "dataSrc": None, "count": 1}, el


def test_module_runs_as_module_and_python_type_is_never_revived(browser, site):
    browser.get(site.url + "/shell-order.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "(window.__ran || []).indexOf('M') !== -1")
    assert js(browser, "document.getElementById('m-script').type") == "module"
    # Top-level `this` is undefined and document.currentScript is null only in a module script.
    assert js(browser, "window.__moduleInfo") == {"thisUndefined": True, "currentScript": None}
    py = browser.execute_script("var s = document.getElementById('py-script'); return [s.type, s.getAttribute('data-type')];")
    assert py == ["text/plain", "text/python"], "the text/python gate was replaced: %r" % py
    assert "PY" not in js(browser, "window.__ran")


def test_negated_category_runs_only_when_refused(browser, site, third_party):
    browser.get(site.url + "/shell-neg.html")
    wait_ready(browser)
    ran = barrier(browser, third_party.url)
    assert ran == ["barrier"], "a '!analytics' script ran before any choice: %r" % ran
    browser.execute_script("Consentry.rejectAll();")
    wait_js(browser, "(window.__ran || []).indexOf('NEG') !== -1",
            message="'!analytics' script did not run after rejectAll()")
    assert js(browser, "window.__ran") == ["barrier", "NEG"]
    ran = barrier(browser, third_party.url, "Consentry.rejectAll();", "barrier2")
    assert ran == ["barrier", "NEG", "barrier2"], "the negated script ran twice: %r" % ran


def test_negated_category_does_not_run_after_accept(browser, site, third_party):
    browser.get(site.url + "/shell-neg.html")
    wait_ready(browser)
    ran = barrier(browser, third_party.url, "Consentry.acceptAll();")
    assert ran == ["barrier"], ran


def test_unknown_category_stays_blocked_with_one_warning(browser, site, third_party):
    browser.get(site.url + "/shell-neg.html")
    wait_ready(browser)
    ran = barrier(browser, third_party.url, "Consentry.acceptAll();")
    assert ran == ["barrier"], "an element with an unknown category ran: %r" % ran
    assert third_party.requests_for("/t/bogus.js") == []
    warns = [c["message"] for c in diag(browser)["console"] if "bogus" in c["message"]]
    assert len(warns) == 1, warns
    assert warns[0].startswith("[consentry]"), warns
    assert_clean_console(browser)


LATE = """
var args = arguments;
var s = document.createElement("script");
s.type = 'text/plain';
s.setAttribute('data-category', 'analytics');
s.id = args[0];
s.text = "(window.__ran = window.__ran || []).push('" + args[0] + "');";
document.body.appendChild(s);
"""


def test_late_inserted_script_is_gated(browser, site, third_party):
    browser.get(site.url + "/shell-basic.html")
    wait_ready(browser)
    browser.execute_script("Consentry.rejectAll();")
    browser.execute_script(LATE, "late1")
    wait_js(browser, "document.getElementById('late1').getAttribute('data-consentry-state') === 'blocked'",
            message="a late-inserted gated script was not picked up by the gate")
    ran = barrier(browser, third_party.url)
    assert ran == ["barrier"], "a late-inserted script ran although analytics is refused: %r" % ran

    browser.execute_script("Consentry.update({analytics: true});")
    wait_js(browser, "(window.__ran || []).indexOf('late1') !== -1", message="late1 not revived on consent")
    browser.execute_script(LATE, "late2")
    wait_js(browser, "(window.__ran || []).indexOf('late2') !== -1",
            message="a script inserted after consent was not revived")
    wait_js(browser, "(window.__ran || []).indexOf('basic') !== -1")
    ran = barrier(browser, third_party.url, "", "barrier2")
    assert sorted(ran) == sorted(["barrier", "late1", "basic", "late2", "barrier2"]), ran
    assert ran.index("late1") < ran.index("late2")
    assert_clean_console(browser)


def test_iframe_data_src_loads_only_after_consent(browser, site, third_party):
    browser.get(site.url + "/shell-neg.html")
    wait_ready(browser)
    barrier(browser, third_party.url)
    assert third_party.requests_for("/t/frame.html") == [], "iframe loaded before consent"
    assert js(browser, "document.getElementById('frame-ok').getAttribute('src')") is None
    browser.execute_script("Consentry.acceptAll();")
    WebDriverWait(browser, 10, 0.05).until(lambda d: third_party.requests_for("/t/frame.html"),
                                           "the consented iframe was never loaded")
    assert js(browser, "document.getElementById('frame-ok').getAttribute('src')") == third_party.url + "/t/frame.html"
    barrier(browser, third_party.url, "", "barrier2")
    assert js(browser, "document.getElementById('frame-js').getAttribute('src')") is None
    assert js(browser, "window.__jsurl") is None, "a javascript: data-src was loaded"
