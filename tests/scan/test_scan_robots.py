"""`consentry scan` honours robots.txt: real server, real headless Chromium where the scan starts
one. One scan per robots.txt variant; the refusals end before any browser starts."""

from __future__ import annotations

from consentry.scan.browser import USER_AGENT_TAG

SCANNER_ONLY_PRIVATE = """\
User-agent: *
Disallow: /

User-agent: ConsentryScan
Disallow: /private
Allow: /
Crawl-delay: 0.5
"""


def paths(state) -> list[str]:
    return [p["url"].split("/", 3)[3] for p in state["pages"]]


def test_disallowed_link_is_skipped_in_every_state_and_crawl_delay_applies(scan, robots_site, tmp_path):
    robots_site.robots = (200, SCANNER_ONLY_PRIVATE)
    robots_site.clear_requests()
    status, report = scan(robots_site.url + "/", "--pages", "2")
    assert status == 0, report["findings"]
    states = report["states"]
    assert [s["status"] for s in states.values()] == ["done", "done", "done"]
    assert paths(states["no-choice"]) == ["", "open.html"]
    assert paths(states["reject-all"]) == paths(states["accept-all"]) == ["", "", "open.html"]
    private = robots_site.url + "/private.html"
    assert [s for s in report["skipped"] if s["what"] == private] == [
        {"state": "all", "what": private, "why": "robots.txt (Disallow: /private)"}]
    # The server saw robots.txt asked once, with the scanner's agent, and never the private page.
    [fetch] = robots_site.requests_for("/robots.txt")
    assert fetch.headers["user-agent"] == USER_AGENT_TAG
    assert robots_site.requests_for("/private.html") == []
    # The scanner's own group applies (not the * group, which disallows everything); its
    # Crawl-delay raised --delay 0 to 0.5 s, and that is the delay the crawl used.
    assert report["robots"] == {
        "url": robots_site.url + "/robots.txt", "status": 200, "error": None, "truncated": False,
        "outcome": "rules", "group": "consentryscan", "rules": 2, "ignored": False, "rulesApplied": True,
        "startDisallowedBy": None, "crawlDelay": 0.5, "delayUsed": 0.5}
    assert report["options"]["delay"] == 0 and report["options"]["ignoreRobots"] is False
    html = (tmp_path / "report" / "report.html").read_text()
    assert "<h2>robots.txt</h2>" in html and "Disallow: /private" in html


def test_disallowed_start_page_exits_2_unless_ignore_robots(scan, robots_site, capsys):
    robots_site.robots = (200, "User-agent: *\nDisallow: /\n")
    robots_site.clear_requests()
    status, report = scan(robots_site.url + "/plain.html", "--pages", "1")
    assert status == 2 and report is None
    err = capsys.readouterr().err
    assert "robots.txt disallows %s/plain.html for ConsentryScan (Disallow: /)" % robots_site.url in err
    assert "--ignore-robots" in err
    assert [r.path for r in robots_site.requests] == ["/robots.txt"]   # no browser started

    status, report = scan(robots_site.url + "/plain.html", "--pages", "1", "--ignore-robots")
    assert status == 0
    assert paths(report["states"]["no-choice"]) == ["plain.html", "private.html"]
    assert report["options"]["ignoreRobots"] is True
    robots = report["robots"]
    assert robots["ignored"] and not robots["rulesApplied"] and robots["startDisallowedBy"] == "Disallow: /"
    assert not any(s["why"].startswith("robots.txt") for s in report["skipped"])


def test_robots_txt_404_allows_everything(scan, robots_site):
    robots_site.robots = (404, "not found\n")
    status, report = scan(robots_site.url + "/plain.html", "--pages", "1")
    assert status == 0
    assert paths(report["states"]["no-choice"]) == ["plain.html", "private.html"]
    robots = report["robots"]
    assert (robots["status"], robots["outcome"], robots["rulesApplied"]) == (404, "unavailable", False)


def test_robots_txt_503_disallows_everything(scan, robots_site, capsys):
    robots_site.robots = (503, "busy\n")
    robots_site.clear_requests()
    status, report = scan(robots_site.url + "/plain.html")
    assert status == 2 and report is None
    err = capsys.readouterr().err
    assert "robots.txt could not be fetched (HTTP 503)" in err and "RFC 9309" in err and "--ignore-robots" in err
    assert [r.path for r in robots_site.requests] == ["/robots.txt"]
