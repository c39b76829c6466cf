"""The QA demo site (``demo_site/``) stays honest: strict-CSP friendly, local only, wired correctly.

Static checks need no browser; the browser checks need the bundle.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers import DIST, REPO, js, wait_js, wait_ready

DEMO = REPO / "demo_site"
PAGES = sorted(p for p in DEMO.rglob("*.html"))
MAIN_PAGES = ["index.html", "cookie-notice.html", "strict-csp.html", "qa.html"]


class _Scan(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts, self.inline, self.urls, self.style_attrs, self.head_done = [], [], [], [], False
        self._in_script = None
        self.first_in_head = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.head_done = True
        if tag == "script":
            self.scripts.append(a)
            self._in_script = a
            if not self.head_done:
                self.first_in_head.append(a.get("src"))
        if tag == "style":
            self.inline.append("<style>")
        if "style" in a:
            self.style_attrs.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.inline.append("%s %s=" % (tag, name))
            if name in ("src", "href", "data-src") and value:
                self.urls.append(value)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = None

    def handle_data(self, data):
        a = self._in_script
        if a is not None and data.strip() and a.get("type") != "text/plain":
            self.inline.append("inline <script>")


def _scan(path: Path) -> _Scan:
    s = _Scan()
    s.feed(path.read_text(encoding="utf-8"))
    return s


def test_main_pages_exist():
    assert {p.name for p in PAGES} >= set(MAIN_PAGES)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DEMO)))
def test_page_is_csp_friendly_and_local(page):
    s = _scan(page)
    assert s.inline == [], "inline code/handlers break the strict-CSP page: %s" % s.inline
    assert s.style_attrs == [], "style attributes break style-src 'self': %s" % s.style_attrs
    for url in s.urls:
        if url.startswith("#"):
            continue
        assert not re.match(r"^[a-z]+:|^//", url), "non-local URL %r in %s" % (url, page.name)
        path = url.split("?")[0].split("#")[0]
        if path in ("/consentry.js", "/qa.html") or path.startswith("/qa/"):
            continue
        target = DEMO / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        assert target.is_file(), "%s references missing %s" % (page.name, url)


@pytest.mark.parametrize("name", MAIN_PAGES)
def test_bundle_is_first_script_in_head(name):
    s = _scan(DEMO / name)
    assert s.first_in_head and s.first_in_head[0] == "/consentry.js", s.first_in_head


def test_strict_csp_page_has_the_header():
    headers = json.loads((DEMO / "headers.json").read_text())
    assert headers["/strict-csp.html"]["Content-Security-Policy"] == "script-src 'self'; style-src 'self'"


# --------------------------------------------------------------------------- in the browsers
@pytest.fixture(scope="session")
def demo(bundle):
    from consentry_build.devserver import make_server

    srv = make_server(DEMO, DIST)
    yield srv
    srv.shutdown()


def _csp_console_messages(driver):
    if driver.browser_name != "chromium":
        return []  # only Chromium exposes the console log; demo pages carry no diag.js on purpose
    return [e["message"] for e in driver.get_log("browser") if "Content Security Policy" in e["message"]]


def test_demo_strict_csp_accept_then_trackers_run(browser, demo):
    browser.get(demo.url + "/strict-csp.html?region=FR")
    wait_ready(browser)
    assert not {"analytics", "ga", "targeting", "site-analytics", "pixel", "video"} & set(js(browser, "window.demoRuns"))
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "['functionality','analytics','ga','targeting','site-analytics','pixel','video']"
                     ".every(function (k) { return window.demoRuns[k] === 1; })",
            message="not every demo tracker ran once after acceptAll()")
    assert js(browser, "window.demoRuns.necessary") == 1
    assert _csp_console_messages(browser) == []


def test_demo_reject_runs_the_fallback(browser, demo):
    browser.get(demo.url + "/?region=FR")
    wait_ready(browser)
    browser.execute_script("Consentry.rejectAll();")
    wait_js(browser, "window.demoRuns['!analytics'] === 1", message="!analytics fallback did not run after rejectAll()")
    runs = js(browser, "window.demoRuns")
    assert not {"analytics", "ga", "targeting", "site-analytics", "pixel", "video"} & set(runs), runs


def test_qa_panel_shows_record_and_events(browser, demo):
    browser.get(demo.url + "/qa.html?region=FR&gpc=1")
    wait_js(browser, "document.getElementById('event-log').textContent.indexOf('Consentry.ready resolved') !== -1")
    assert js(browser, "document.getElementById('qa-region-now').textContent") == "FR"
    assert js(browser, "document.getElementById('qa-gpc-now').textContent") == "true"
    assert js(browser, "document.getElementById('qa-record').textContent") == "null"
    browser.find_element("id", "qa-accept").click()
    wait_js(browser, "document.getElementById('event-log').textContent.indexOf('consentry:first-consent') !== -1")
    record = json.loads(js(browser, "document.getElementById('qa-record').textContent"))
    assert record["categories"]["analytics"] is True
    assert js(browser, "document.getElementById('qa-cookie-raw').textContent") != "(no cookie)"
