"""`consentry scan` against sites we control, in real headless Chromium.

One scan per site (a scan is three fresh browser profiles; the suite stays lean): the demo site
must come out clean, the planted-fault site must show every planted fault, a site built on
vanilla-cookieconsent shows the scanner works without Consentry, and hostile pages end within
the limits with what was skipped said.
"""

from __future__ import annotations

import re


def rules(report) -> dict:
    return {f["rule"]: f for f in report["findings"]}


def test_demo_site_is_clean(scan, demo_site):
    status, report = scan(demo_site.url + "/", "--pages", "2")
    assert status == 0, report["findings"]
    assert report["findings"] == []
    assert report["consentManager"] == "Consentry"
    states = report["states"]
    assert [s["status"] for s in states.values()] == ["done", "done", "done"]
    assert len(states["no-choice"]["pages"]) == 3
    assert len(states["accept-all"]["pages"]) == 4   # the start page after the click, then again
    # Nothing stored before a choice; after a choice only Consentry's own cookie, set by its script.
    assert states["no-choice"]["cookies"] == [] and states["no-choice"]["storage"] == []
    for name in ("reject-all", "accept-all"):
        [cookie] = states[name]["cookies"]
        assert cookie["name"] == "consentry" and cookie["declared"]["category"] == "necessary"
        [setter] = cookie["setBy"]   # consentry.js, or the SDK file it loads (consentry-sdk.<hash>.js)
        assert re.fullmatch(r"script %s/consentry[\w.-]*\.js" % re.escape(demo_site.url), setter), setter
    # Gated elements: the analytics tracker stays inert until Accept all.
    ran = lambda name: {g["src"] for g in states[name]["gated"]["ran"]}  # noqa: E731
    assert "/trackers/analytics.js" not in ran("no-choice") | ran("reject-all")
    assert "/trackers/analytics.js" in ran("accept-all")
    assert "/trackers/no-analytics.js" in ran("reject-all")
    assert set(report["screenshots"]) == {"page", "banner", "panel"}


def test_fault_site_reports_every_planted_fault(scan, fault_site, tracker, tmp_path):
    tracker.clear_requests()
    status, report = scan(fault_site.url + "/", "--pages", "1")
    found = rules(report)
    assert status == 1 and not report["summary"]["passed"]
    # A well-known tracker cookie before a choice (high: fails by default).
    assert any(i.startswith("cookie _ga ") for i in found["tracker-storage-before-choice"]["items"])
    # A server-set HttpOnly cookie before a choice, attributed to the response that set it ...
    assert any(i.startswith("cookie visitor_id ") for i in found["storage-before-choice"]["items"])
    assert any(i.startswith("localStorage ab_bucket ") for i in found["storage-before-choice"]["items"])
    # Storage names per state: IndexedDB only once analytics is accepted.
    kinds = lambda s: {(x["kind"], x["name"]) for x in report["states"][s]["storage"]}  # noqa: E731
    assert ("indexedDB", "stats-db") in kinds("accept-all") - kinds("no-choice") - kinds("reject-all")
    nc = {c["name"]: c for c in report["states"]["no-choice"]["cookies"]}
    assert nc["visitor_id"]["httpOnly"] and nc["visitor_id"]["setBy"] == ["response %s/" % fault_site.url]
    assert nc["_ga"]["setBy"] == ["script %s/" % fault_site.url]   # an inline script of the page
    # ... which survives Reject all, as does the ungated tracker's request.
    survivors = found["survives-reject"]["items"]
    assert any(i.startswith("cookie visitor_id ") for i in survivors)
    assert any("/t/ungated-tracker.js" in i for i in survivors)
    # The tracker outside any gate, with the page that asked for it; held in the browser.
    [item] = found["third-party-request-before-choice"]["items"]
    assert item == "GET %s/t/ungated-tracker.js, initiated by %s/" % (tracker.site_url, fault_site.url)
    assert tracker.requests == []
    # The undeclared cookie (set only after Accept all), with a validated configuration fragment.
    undeclared = found["undeclared-cookie"]
    assert "stats_visit -> analytics" in undeclared["items"]
    assert undeclared["suggestion"]["valid"]
    analytics = [c for c in undeclared["suggestion"]["fragment"]["categories"] if c["id"] == "analytics"][0]
    assert "stats_visit" in analytics["cookies"]
    # The SDK loaded late, the missing settings link and the late Consent Mode default.
    late = fault_site.url + "/late.html"
    assert found["consentry-not-first"]["items"] == [late]
    assert found["no-settings-link"]["items"] == [late]
    assert found["consent-mode-late"]["items"] == [late]
    # --fail-on none never fails; the HTML report is self-contained and escapes what it shows.
    html = (tmp_path / "report" / "report.html").read_text()
    assert "<script" not in html and "data:image/png;base64," in html and "Survives Reject all" in html


def test_site_without_consentry(scan, vanilla_site, tracker):
    tracker.clear_requests()
    status, report = scan(vanilla_site.url + "/", "--pages", "0",
                          "--reject-selector", "#cc-main [data-role=necessary]",
                          "--accept-selector", "#cc-main [data-role=all]")
    found = rules(report)
    assert report["consentManager"] == "vanilla-cookieconsent"
    assert status == 1
    # The ungated advertising cookie: before a choice and after Reject all.
    assert any(i.startswith("cookie _fbp ") for i in found["tracker-storage-before-choice"]["items"])
    assert any(i.startswith("cookie _fbp ") for i in found["survives-reject"]["items"])
    # The gated analytics cookie only after Accept all; the library's own cookie counts as necessary.
    states = report["states"]
    names = lambda s: {c["name"] for c in states[s]["cookies"]}  # noqa: E731
    assert "_ga" not in names("no-choice") | names("reject-all") and "_ga" in names("accept-all")
    assert "cc_cookie" in names("reject-all")
    assert not any("cc_cookie" in i for i in found["survives-reject"]["items"])
    assert "no-settings-link" not in found
    # The other site's pixel: reported in every state (it is not gated), never sent.
    assert any("/t/vanilla-pixel.gif" in i for i in found["survives-reject"]["items"])
    assert tracker.requests == []


def test_site_without_consentry_no_choice_only(scan, vanilla_site, tracker):
    """Without selectors the scan still reports the no-choice state and says why it stopped there;
    --allow-third-party lets other sites' requests through."""
    tracker.clear_requests()
    status, report = scan(vanilla_site.url + "/", "--pages", "0", "--fail-on", "none", "--allow-third-party")
    [pixel] = [r for r in report["states"]["no-choice"]["requests"] if r["url"].endswith("/t/vanilla-pixel.gif")]
    assert pixel["error"] is None and len(tracker.requests_for("/t/vanilla-pixel.gif")) == 1
    assert status == 0
    assert report["states"]["no-choice"]["status"] == "done"
    assert report["states"]["reject-all"]["status"] == "not-run"
    assert "does not use Consentry" in report["states"]["reject-all"]["reason"]


def test_hostile_site_ends_within_limits(scan, hostile_site, tracker):
    tracker.clear_requests()
    status, report = scan(hostile_site.url + "/", "--pages", "5", "--page-timeout", "5",
                          "--max-items", "50", "--budget", "60", "--fail-on", "none")
    assert status == 0
    assert report["seconds"] < 60
    pages = {p["url"].rsplit("/", 1)[-1]: p for p in report["states"]["no-choice"]["pages"]}
    assert set(pages) == {"", "redirect-loop", "never-ends.html", "popups.html", "huge.html", "cookies.html"}
    assert "REDIRECT" in pages["redirect-loop"]["error"].upper()
    assert pages["never-ends.html"]["timedOut"]
    why = " | ".join("%s: %s" % (s["what"], s["why"]) for s in report["skipped"])
    assert "never-ends.html: the load did not finish within 5s" in why
    assert "pop-up" in why
    assert "links, only the first 50 considered" in why
    assert "gated elements, only the first 50 listed" in why
    assert "cookies, only the first 50 listed" in why
    assert len(report["states"]["no-choice"]["cookies"]) == 50
    # The other site's beacon was seen and reported, never sent.
    assert any(r["url"].endswith("/t/beacon.gif") for r in report["states"]["no-choice"]["requests"])
    assert tracker.requests == []


def test_unreachable_site_is_exit_status_2(scan, tmp_path, capsys):
    import socket

    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Its robots.txt cannot be fetched: that alone ends the scan (RFC 9309: disallow all) ...
    status, report = scan("http://127.0.0.1:%d/" % port)
    assert status == 2 and report is None
    assert "robots.txt could not be fetched" in capsys.readouterr().err
    # ... and with --ignore-robots, the start page does not load in the browser.
    status, report = scan("http://127.0.0.1:%d/" % port, "--ignore-robots")
    assert status == 2 and report is None
    assert "cannot load http://127.0.0.1:%d/" % port in capsys.readouterr().err
