"""Tests of the test harness itself: dev server, diagnostics, cleaning. They need no bundle.

If these fail, every other browser test result is suspect.
"""

from __future__ import annotations

import gzip
import urllib.request

import pytest
from helpers import assert_clean_console, clean_browser, diag, js, problems, wait_js


# --------------------------------------------------------------------------- dev server over HTTP
def _get(url, **headers):
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def test_devserver_headers_json_and_html_caching(site):
    status, headers, body = _get(site.url + "/harness/noisy.html")
    assert status == 200
    assert headers["Content-Security-Policy"] == "script-src 'self'; style-src 'self'"
    assert headers["Cache-Control"] == "no-store"
    assert headers["Content-Type"].startswith("text/html")
    status, headers, _ = _get(site.url + "/plain.html")
    assert "Content-Security-Policy" not in headers
    assert _get(site.url + "/headers.json")[0] == 404  # server configuration is not content
    assert _get(site.url + "/../conftest.py")[0] == 404
    assert _get(site.url + "/favicon.ico")[0] == 204


def test_devserver_gzip_when_accepted(site):
    status, headers, body = _get(site.url + "/diag.js", **{"Accept-Encoding": "gzip, br"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b"securitypolicyviolation" in gzip.decompress(body)
    status, headers, body = _get(site.url + "/diag.js")
    assert headers.get("Content-Encoding") is None and b"securitypolicyviolation" in body


@pytest.mark.parametrize(
    "query, cookie, expected",
    [
        ("?region=FR", "", 'data-consentry-region="FR"'),
        ("?region=US-CA", "", 'data-consentry-region="US-CA"'),
        ("", "qa-region=EEA", 'data-consentry-region="EEA"'),
        ("?region=DE", "qa-region=EEA", 'data-consentry-region="DE"'),  # the link wins over the cookie
        ("?region=fr", "", 'data-consentry-region="FR"'),  # invalid -> page's own attribute kept
        ('?region=FR%22%3E%3Cscript%3E', "", 'data-consentry-region="FR"'),
        ("?region=", "qa-region=x", 'data-consentry-region="FR"'),
    ],
)
def test_devserver_region_simulation(site, query, cookie, expected):
    headers = {"Cookie": cookie} if cookie else {}
    body = _get(site.url + "/plain.html" + query, **headers)[2].decode()
    html_tag = body[body.index("<html"): body.index(">", body.index("<html")) + 1]
    assert expected in html_tag and html_tag.count("data-consentry-region") == 1, html_tag


def test_devserver_gpc_simulation_is_first_in_head(site):
    body = _get(site.url + "/plain.html?gpc=1")[2].decode()
    assert '<head><script src="/qa/gpc-on.js"></script>' in body.replace("\n", "").replace("  ", "")
    assert "gpc-on.js" not in _get(site.url + "/plain.html?gpc=0")[2].decode()
    assert "globalPrivacyControl" in _get(site.url + "/qa/gpc-on.js")[2].decode()


def test_devserver_logs_requests_and_missing_bundle_message(site, tmp_path):
    from consentry_build.devserver import make_server

    srv = make_server(tmp_path, tmp_path / "no-dist")
    try:
        status, _, body = _get(srv.url + "/consentry.js?x=1")
        assert status == 404 and b"invoke build" in body
        [req] = srv.requests_for("/consentry.js")
        assert (req.method, req.query) == ("GET", {"x": ["1"]}) and req.time > 0
    finally:
        srv.shutdown()


# --------------------------------------------------------------------------- in the browsers
def test_diag_clean_page(browser, site):
    browser.get(site.url + "/harness/clean.html")
    wait_js(browser, "document.getElementById('out').textContent === 'clean'")
    assert_clean_console(browser)  # the "[consentry]" warning is allowed by default
    assert problems(browser, allow_warnings_prefix=None) == ["console.warn: [consentry] an allowed warning"]


def test_diag_collects_every_kind_of_problem(browser, site):
    browser.get(site.url + "/harness/noisy.html")
    wait_js(browser, "window.__diag.errors.length > 0 && window.__diag.rejections.length > 0 "
                     "&& window.__diag.resources.length > 0 && window.__diag.csp.length > 0")
    d = diag(browser)
    assert any("deliberate uncaught error" in e["message"] for e in d["errors"]), d
    assert any("deliberate rejection" in r["message"] for r in d["rejections"]), d
    assert {"level": "error", "message": "deliberate console.error"} in d["console"]
    assert {"level": "warn", "message": "deliberate warning"} in d["console"]
    assert [c["directive"] for c in d["csp"]] == ["script-src-elem"], d["csp"]
    assert d["csp"][0]["blockedURI"] == "inline"
    assert js(browser, "window.__inlineRan === undefined")  # the CSP header really applied
    assert d["resources"] == [{"tag": "img", "url": site.url + "/does-not-exist.gif"}]
    found = problems(browser)
    assert not any("[consentry]" in p for p in found)
    with pytest.raises(AssertionError, match="deliberate console.error"):
        assert_clean_console(browser)


def test_diag_missing_is_reported(browser, site):
    browser.get(site.url + "/__blank")
    with pytest.raises(AssertionError, match="diag.js did not run"):
        diag(browser)


def test_wait_js_timeout_message(browser, site):
    browser.get(site.url + "/plain.html")
    with pytest.raises(AssertionError, match="window.never"):
        wait_js(browser, "window.never === true", timeout=0.3)


def test_qa_simulation_in_browser(browser, site):
    browser.get(site.url + "/plain.html?region=DE&gpc=1")
    assert js(browser, "document.documentElement.getAttribute('data-consentry-region')") == "DE"
    assert js(browser, "navigator.globalPrivacyControl") is True
    assert_clean_console(browser)
    browser.get(site.url + "/plain.html")
    assert js(browser, "navigator.globalPrivacyControl") is not True


def test_sentinels_are_counted_per_server(browser, site, third_party):
    browser.get(site.url + "/plain.html")
    browser.execute_script(
        "for (const u of arguments) { const s = document.createElement('script'); s.src = u; document.head.append(s); }",
        site.url + "/t/same.js", third_party.url + "/t/other.js",
    )
    wait_js(browser, "(window.__ran || []).length === 2")
    assert sorted(js(browser, "window.__ran")) == ["other", "same"]
    assert len(site.requests_for("/t/same.js")) == 1
    assert len(third_party.requests_for("/t/other.js")) == 1
    assert third_party.requests_for("/t/same.js") == []


def test_clean_browser_forgets_cookies_and_storage(browser, site, third_party):
    origins = (site.url, third_party.url)
    for origin in origins:
        browser.get(origin + "/__blank")
        browser.execute_script(
            "document.cookie = 'consentry=x; path=/'; localStorage.setItem('k', '1'); sessionStorage.setItem('k', '1');"
        )
    assert browser.get_cookies()
    clean_browser(browser, origins)
    for origin in origins:
        browser.get(origin + "/__blank")
        assert browser.get_cookies() == []
        assert js(browser, "localStorage.length + sessionStorage.length") == 0


def test_devserver_uses_the_builds_gzip_only_when_fresh(tmp_path):
    import os

    from consentry_build.devserver import make_server

    (tmp_path / "consentry.js").write_text("/* bundle */" * 100)
    gz = tmp_path / "consentry.js.gz"
    gz.write_bytes(gzip.compress(b"/* prebuilt */" * 100))
    srv = make_server(tmp_path, tmp_path)
    try:
        status, headers, body = _get(srv.url + "/consentry.js", **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body).startswith(b"/* prebuilt */")
        os.utime(gz, (1, 1))  # older than the bundle: stale, must not be served
        status, headers, body = _get(srv.url + "/consentry.js", **{"Accept-Encoding": "gzip"})
        assert gzip.decompress(body).startswith(b"/* bundle */")
        status, headers, body = _get(srv.url + "/consentry.js")
        assert "Content-Encoding" not in headers and body.startswith(b"/* bundle */")
    finally:
        srv.shutdown()
