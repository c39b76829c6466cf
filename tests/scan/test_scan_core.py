"""The scan's functional core on hand-written observations (no browser): network events,
site membership, the tracker table, findings, the configuration suggestion and the HTML escaping."""

from __future__ import annotations

import json

import pytest

from consentry.engine import config as engine_config
from consentry.scan import analyze, events, report, trackers
from consentry.scan.crawl import same_origin_links
from consentry.scan.run import BUILTIN

RAW = json.loads(BUILTIN.read_text())
CONFIG = engine_config.validate(RAW)["config"]


def sent(rid, url, initiator, kind="Script"):
    return {"method": "Network.requestWillBeSent",
            "params": {"requestId": rid, "request": {"url": url, "method": "GET"}, "type": kind, "initiator": initiator}}


def test_digest_requests_initiators_and_set_cookie():
    evs = [
        sent("1", "https://shop.test/", {"type": "other"}, "Document"),
        {"method": "Network.responseReceivedExtraInfo",
         "params": {"requestId": "1", "headers": {"set-cookie": "sid=1; HttpOnly\nlang=fr; Path=/"}}},
        sent("2", "https://cdn.other.test/a.js", {"type": "parser", "url": "https://shop.test/"}),
        sent("3", "https://px.other.test/p.gif", {"type": "script", "stack": {"callFrames": [],
             "parent": {"callFrames": [{"url": ""}, {"url": "https://cdn.other.test/a.js"}]}}}, "Image"),
        {"method": "Network.loadingFailed", "params": {"requestId": "3", "errorText": "net::ERR_PROXY_CONNECTION_FAILED"}},
        sent("4", "chrome://newtab/", {"type": "other"}),
    ]
    out = events.digest(evs, "https://shop.test/")
    assert [r["url"] for r in out["requests"]] == ["https://shop.test/", "https://cdn.other.test/a.js", "https://px.other.test/p.gif"]
    assert out["requests"][1]["initiator"] == {"type": "parser", "url": "https://shop.test/"}
    assert out["requests"][2]["initiator"] == {"type": "script", "url": "https://cdn.other.test/a.js"}
    assert out["requests"][2]["error"] == "net::ERR_PROXY_CONNECTION_FAILED"
    assert out["setCookies"] == [{"name": "sid", "url": "https://shop.test/"}, {"name": "lang", "url": "https://shop.test/"}]
    assert out["documentError"] is None


def test_same_site_and_links():
    assert analyze.same_site("shop.test", "www.shop.test") and analyze.same_site(".cdn.shop.test", "shop.test")
    assert not analyze.same_site("notshop.test", "shop.test") and not analyze.same_site("localhost", "127.0.0.1")
    links = ["http://a.test/x#top", "http://a.test/x", "http://a.test:81/y", "mailto:z@a.test", "http://a.test/z?q=1"]
    assert same_origin_links(links, "http://a.test") == ["http://a.test/x", "http://a.test/z?q=1"]


def test_tracker_table():
    assert trackers.cookie_vendor("_ga_ABC123")["vendor"] == "Google Analytics"
    assert trackers.cookie_vendor("_gab") is None
    assert trackers.host_vendor("www.google-analytics.com")["category"] == "analytics"
    assert trackers.host_vendor("evil-google-analytics.com") is None


def cookie(name, domain="shop.test"):
    return {"name": name, "domain": domain, "path": "/", "expires": 1900000000, "session": False}


def raw_state(name, cookies=(), requests=(), pages=None):
    return {"name": name, "status": "done", "cookies": list(cookies), "storage": [], "setCookies": [],
            "requests": list(requests), "pages": pages or [{"url": "https://shop.test/", "facts": None}]}


def run(states, fail_on="high"):
    raw = {"url": "https://shop.test/", "siteHost": "shop.test", "startedAt": "t", "seconds": 1, "browser": "b",
           "options": {}, "configSource": "built-in", "skipped": [], "states": states,
           "robots": {"url": "https://shop.test/robots.txt", "status": 404, "error": None, "truncated": False,
                      "outcome": "unavailable", "group": None, "rules": 0, "ignored": False, "rulesApplied": False,
                      "startDisallowedBy": None, "crawlDelay": None, "delayUsed": 1.0}}
    return analyze.analyze(raw, RAW, CONFIG, fail_on)


def test_clean_site_passes_and_noise_fails():
    clean = run([raw_state("no-choice")])
    assert clean["findings"] == [] and analyze.exit_status(clean) == 0
    dirty = run([raw_state("no-choice", [cookie("_fbp"), cookie("prefs")]),
                 raw_state("reject-all", [cookie("consentry"), cookie("prefs")])])
    found = {f["rule"]: f for f in dirty["findings"]}
    assert found["tracker-storage-before-choice"]["severity"] == "high"
    assert found["storage-before-choice"]["items"] == ["cookie prefs (shop.test)"]
    assert found["survives-reject"]["items"] == ["cookie prefs (shop.test)"]   # consentry is necessary
    assert analyze.exit_status(dirty) == 1
    assert analyze.exit_status(run([raw_state("no-choice", [cookie("prefs")])], "high")) == 0
    assert analyze.exit_status(run([raw_state("no-choice", [cookie("prefs")])], "medium")) == 1


def test_known_tracker_request_before_choice_is_high():
    req = {"url": "https://www.googletagmanager.com/gtm.js", "host": "www.googletagmanager.com", "method": "GET",
           "type": "Script", "initiator": {"type": "parser", "url": "https://shop.test/"}, "page": "https://shop.test/", "error": None}
    out = run([raw_state("no-choice", requests=[req])])
    [f] = [f for f in out["findings"] if f["rule"] == "tracker-request-before-choice"]
    assert f["severity"] == "high" and "Google Tag Manager" in f["items"][0]


def test_undeclared_cookie_suggestion_is_valid():
    out = run([raw_state("no-choice", [cookie("session_id")]), raw_state("accept-all", [cookie("_hjSession_1"), cookie("ab")])])
    [f] = [f for f in out["findings"] if f["rule"] == "undeclared-cookie"]
    assert f["items"] == ["_hjSession_1 -> analytics (Hotjar)", "ab -> analytics", "session_id -> necessary"]
    assert f["suggestion"]["valid"]
    merged = engine_config.validate(engine_config.merge(RAW, f["suggestion"]["fragment"]))["config"]
    assert analyze.declared_in(merged, "session_id")["category"] == "necessary"
    assert analyze.declared_in(merged, "_ga")["service"] == "ga"   # existing declarations are kept


def test_html_escapes_site_text():
    evil = "<img src=x onerror=alert(1)>"
    out = run([raw_state("no-choice", [cookie(evil)])])
    html = report.render_html(out, {})
    assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html and "<script" not in html
    [f] = [f for f in out["findings"] if f["rule"] == "undeclared-cookie"]
    assert f["items"] == [evil + " -> (cannot be declared: not a valid cookie name)"] and f["suggestion"]["valid"]


def test_robots_section_in_console_and_html():
    out = run([raw_state("no-choice")])
    assert "robots.txt https://shop.test/robots.txt: HTTP 404, unavailable, so everything is allowed (RFC 9309); " \
           "nothing restricted; 1s between page loads (Crawl-delay: none)" in report.console_summary(out)
    evil = "redirected to http://x/<img src=x onerror=alert(1)> (another host: not followed)"
    out["robots"].update(status=302, error=evil, outcome="redirected", ignored=True,
                         startDisallowedBy="Disallow: /", crawlDelay=4, delayUsed=4)
    assert "redirected where the scan does not follow, so everything is disallowed" in report.console_summary(out)
    html = report.render_html(out, {})
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "ignored (--ignore-robots); the start page is disallowed by Disallow: /; 4s between page loads " \
           "(Crawl-delay: 4s)" in html


def facts(**over):
    base = {"title": "t", "consentry": True, "consentryScript": True, "consentryFirst": True, "settingsLink": "Cookie settings",
            "consentMode": {"dataLayer": False, "defaultAt": -1, "firstOtherAt": -1, "entries": 0},
            "gated": [], "links": [], "cookieWrites": []}
    base.update(over)
    return base


def test_page_checks():
    page = lambda **f: {"url": "https://shop.test/%d" % len(f), "facts": facts(**f)}  # noqa: E731
    pages = [page(), page(consentryFirst=False, settingsLink=None),
             page(consentMode={"dataLayer": True, "defaultAt": 2, "firstOtherAt": 0, "entries": 3})]
    out = run([raw_state("no-choice", pages=pages)])
    found = {f["rule"]: f["items"] for f in out["findings"]}
    # Consentry with Consent Mode on and no dataLayer default is "missing"; a late default is "late".
    assert found["consent-mode-missing"] == ["https://shop.test/0", "https://shop.test/2"]
    assert found["consent-mode-late"] == ["https://shop.test/1"]
    assert found["consentry-not-first"] == ["https://shop.test/2"]
    assert found["no-settings-link"] == ["https://shop.test/2"]


def test_consentry_without_a_working_banner_is_a_finding():
    page = {"url": "https://shop.test/", "facts": facts()}
    broken = dict(raw_state("reject-all"), status="not-run", reason="no Consentry reject-all button appeared")
    out = run([raw_state("no-choice", pages=[page]), broken])
    [f] = [f for f in out["findings"] if f["rule"] == "choice-not-recorded"]
    assert f["severity"] == "medium" and f["state"] == "reject-all" and f["items"] == [broken["reason"]]


def test_usage_errors_are_exit_status_2_before_any_browser(tmp_path, capsys):
    from consentry.cli import main

    bad = tmp_path / "site.json"
    bad.write_text('{"categories": [{"id": "Not An Id"}]}')
    assert main(["scan", "http://127.0.0.1:9/", "--config", str(bad), "--out", str(tmp_path / "r")]) == 2
    assert "is not a valid configuration" in capsys.readouterr().err
    assert main(["scan", "file:///etc/passwd", "--out", str(tmp_path / "r")]) == 2
    assert main(["scan", "http://127.0.0.1:9/", "--reject-selector", "#no", "--out", str(tmp_path / "r")]) == 2
    with pytest.raises(SystemExit) as exited:   # argparse's own usage error
        main(["scan", "http://127.0.0.1:9/", "--budget", "-1", "--out", str(tmp_path / "r")])
    assert exited.value.code == 2
    assert not (tmp_path / "r").exists()
