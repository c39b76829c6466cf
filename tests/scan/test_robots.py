"""robots.txt without a browser: the RFC 9309 matcher on the RFC's own examples (re-typed here),
the answers that are not a file (4xx, 5xx, no answer, redirects), and the fetch against a real
server on 127.0.0.1."""

from __future__ import annotations

import threading

import pytest

from consentry.scan import robots, robots_fetch
from consentry.scan.browser import USER_AGENT_TAG
from consentry_build.devserver import make_server  # build/ is on the path (conftest.py)

# RFC 9309, section 5.1: the "simple example" file.
RFC_EXAMPLE = """\
User-Agent: *
Disallow: *.gif$
Disallow: /example/
Allow: /publications/

User-Agent: foobot
Disallow:/
Allow:/example/page.html
Allow:/example/allowed.gif

User-Agent: barbot
User-Agent: bazbot
Disallow: /example/page.html

User-Agent: quxbot

EOF
"""


def allowed(text: str, token: str, url: str) -> bool:
    return robots.verdict(robots.select(robots.parse(text), token), url) is None


@pytest.mark.parametrize("token, path, ok", [
    # foobot: its own group (Disallow: / with two Allow exceptions, the longer match wins).
    ("foobot", "/example/page.html", True), ("foobot", "/example/allowed.gif", True),
    ("foobot", "/example/other.html", False), ("foobot", "/", False),
    ("FooBot", "/example/page.html", True),            # product tokens match case-insensitively
    # barbot and bazbot share one group; they do not also get the * group.
    ("barbot", "/example/page.html", False), ("bazbot", "/example/page.html", False),
    ("barbot", "/example/other.html", True), ("bazbot", "/picture.gif", True),
    # quxbot: a group with no rules allows everything (and the * group does not apply).
    ("quxbot", "/example/page.html", True), ("quxbot", "/picture.gif", True),
    # Any other crawler: the * group.
    ("otherbot", "/picture.gif", False), ("otherbot", "/picture.gif?x=1", True),   # $ ends the URL
    ("otherbot", "/example/", False), ("otherbot", "/example/deeper/x", False),
    ("otherbot", "/publications/", True), ("otherbot", "/", True),
])
def test_rfc_example_file(token, path, ok):
    assert allowed(RFC_EXAMPLE, token, "https://example.com" + path) is ok


def test_rfc_longest_match_example():
    # RFC 9309, section 5.2.
    text = "User-Agent: foobot\nAllow: /example/page/\nDisallow: /example/page/disallowed.gif\n"
    assert allowed(text, "foobot", "https://example.com/example/page/")
    assert allowed(text, "foobot", "https://example.com/example/page/other.gif")
    assert not allowed(text, "foobot", "https://example.com/example/page/disallowed.gif")


def test_longest_match_not_file_order_and_allow_wins_a_tie():
    # urllib.robotparser would apply the first line (Disallow: /) to everything.
    text = "User-agent: *\nDisallow: /\nAllow: /shop/\nDisallow: /shop/cart\nAllow: /same\nDisallow: /same\n"
    assert allowed(text, "x", "http://h/shop/item")
    assert not allowed(text, "x", "http://h/shop/cart?id=1")
    assert not allowed(text, "x", "http://h/blog")
    assert allowed(text, "x", "http://h/same")
    rule = robots.verdict(robots.select(robots.parse(text), "x"), "http://h/shop/cart")
    assert rule.line() == "Disallow: /shop/cart"


def test_groups_for_one_agent_are_merged():
    # RFC 9309, section 2.2.1.
    text = "user-agent: ExampleBot\ndisallow: /foo\ndisallow: /bar\n\nuser-agent: ExampleBot\ndisallow: /baz\n"
    for path, ok in (("/foo", False), ("/bar", False), ("/baz", False), ("/qux", True)):
        assert allowed(text, "examplebot", "http://h" + path) is ok


def test_wildcards_and_end_anchor():
    # RFC 9309, section 2.2.3.
    text = "User-agent: *\nDisallow: /path/file-with-a-*.html\nDisallow: /path/foo-$\n"
    assert not allowed(text, "x", "http://h/path/file-with-a-wildcard.html")
    assert not allowed(text, "x", "http://h/path/file-with-a-.html")
    assert allowed(text, "x", "http://h/path/file-with-a-wildcard.htm")
    assert not allowed(text, "x", "http://h/path/foo-")
    assert allowed(text, "x", "http://h/path/foo-bar")


@pytest.mark.parametrize("raw, normalized", [
    # RFC 9309, section 2.2.2: the percent-encoding table.
    ("/foo/bar?baz=quz", "/foo/bar?baz=quz"),
    ("/foo/bar/\u30c4", "/foo/bar/%E3%83%84"),
    ("/foo/bar/%E3%83%84", "/foo/bar/%E3%83%84"),
    ("/foo/bar/%62%61%7A", "/foo/bar/baz"),
    ("/a%2fb", "/a%2Fb"),            # an encoded reserved character stays encoded
    ("/bad%zz", "/bad%zz"),          # not an escape: literal
])
def test_percent_encoding_normalization(raw, normalized):
    assert robots.normalize(raw) == normalized


def test_encoded_and_unencoded_paths_match_each_other():
    text = "User-agent: *\nDisallow: /foo/bar/\u30c4\nDisallow: /%62%61%7A\n"
    assert not allowed(text, "x", "http://h/foo/bar/%E3%83%84")
    assert not allowed(text, "x", "http://h/baz")


def test_agent_lines_comments_and_odd_lines():
    text = ("\ufeffDisallow: /before-any-group\n"
            "User-agent: ConsentryScan/1.0 # the scanner\n"
            "Disallow: /private # not for us\n"
            "Disallow:\n"                      # empty: no rule
            "Disallow: relative\n"            # not a path: ignored
            "Sitemap: http://h/sitemap.xml\n"
            "nonsense line\n")
    policy = robots.select(robots.parse(text), "consentryscan")
    assert policy.group == "consentryscan" and [r.line() for r in policy.rules] == ["Disallow: /private"]
    assert allowed(text, "consentryscan", "http://h/before-any-group")
    assert not allowed(text, "consentryscan", "http://h/private/x")
    assert robots.product_token(USER_AGENT_TAG) == "consentryscan"


def test_robots_txt_itself_and_no_group():
    text = "User-agent: *\nDisallow: /\n"
    assert allowed(text, "x", "http://h/robots.txt")
    assert allowed("User-agent: otherbot\nDisallow: /\n", "x", "http://h/")
    assert robots.select([], "x") == robots.Policy()


def test_crawl_delay_of_the_applying_groups():
    text = ("User-agent: *\nCrawl-delay: 2\n\nUser-agent: consentryscan\nCrawl-delay: 4\nDisallow: /x\n"
            "User-agent: consentryscan\nCrawl-delay: 7.5\nCrawl-delay: nonsense\nCrawl-delay: -1\n")
    assert robots.select(robots.parse(text), "consentryscan").crawl_delay == 7.5
    assert robots.select(robots.parse(text), "other").crawl_delay == 2
    assert robots.select(robots.parse("User-agent: *\nDisallow: /\n"), "x").crawl_delay is None


def test_delay_to_use_is_raised_and_bounded():
    assert robots.delay_to_use(1.0, None) == 1.0
    assert robots.delay_to_use(1.0, 0.5) == 1.0
    assert robots.delay_to_use(0.0, 3) == 3
    assert robots.delay_to_use(1.0, 3600) == robots.MAX_CRAWL_DELAY == 30


@pytest.mark.parametrize("status, outcome, start_allowed", [
    (200, "rules", True), (301, "redirected", False), (401, "unavailable", True), (403, "unavailable", True),
    (404, "unavailable", True), (429, "unavailable", True), (500, "unreachable", False),
    (503, "unreachable", False), (None, "unreachable", False),
])
def test_status_codes_follow_rfc_9309(status, outcome, start_allowed):
    policy = robots.from_fetch(status, b"User-agent: *\nAllow: /\n" if status == 200 else None, "consentryscan")
    assert policy.source == outcome
    assert (robots.verdict(policy, "http://h/") is None) is start_allowed


# ---------------------------------------------------------------------------- the fetch
@pytest.fixture(scope="module")
def robots_server(tmp_path_factory):
    """A real server whose /robots.txt answers as ``srv.cases["now"]`` says (a file, a big file,
    redirects, a stall, 503)."""
    cases = {}
    release = threading.Event()

    def route(req):
        if cases["now"] == "slow":
            release.wait(10)
        return case_answer(cases["now"])

    def case_answer(case):
        if case == "ok":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private\n"
        if case == "big":
            return 200, {"Content-Type": "text/plain"}, b"User-agent: *\n" + b"Disallow: /private-page\n" * 50_000
        if case == "same-host":
            return 302, {"Location": "/moved.txt"}, b""
        if case == "other-host":
            return 302, {"Location": srv.url.replace("127.0.0.1", "localhost") + "/robots.txt"}, b""
        if case == "loop":
            return 302, {"Location": "/robots.txt"}, b""
        return 503, {"Content-Type": "text/plain"}, b"busy"

    srv = make_server(tmp_path_factory.mktemp("robots"), tmp_path_factory.mktemp("dist"), extra_routes={
        "/robots.txt": route, "/moved.txt": lambda req: case_answer("ok")})
    srv.cases = cases
    srv.handle_error = lambda request, client_address: None   # the fetch hangs up on purpose (size, time)
    yield srv
    release.set()
    srv.shutdown()


def fetch_case(srv, case, **kw):
    srv.cases["now"] = case
    srv.clear_requests()
    return robots_fetch.fetch(srv.url, USER_AGENT_TAG, **kw)


def test_fetch_reads_the_file_with_the_scanner_agent(robots_server):
    got = fetch_case(robots_server, "ok")
    assert got["status"] == 200 and got["error"] is None and not got["truncated"]
    assert got["body"] == b"User-agent: *\nDisallow: /private\n"
    [req] = robots_server.requests
    assert req.path == "/robots.txt" and req.headers["user-agent"] == USER_AGENT_TAG


def test_fetch_size_limit_drops_the_cut_line(robots_server):
    got = fetch_case(robots_server, "big", limit=1000)
    assert got["truncated"] and len(got["body"]) <= 1000 and got["body"].endswith(b"\n")


def test_fetch_follows_redirects_on_the_same_host_only(robots_server):
    got = fetch_case(robots_server, "same-host")
    assert got["status"] == 200 and got["body"].startswith(b"User-agent")
    got = fetch_case(robots_server, "other-host")
    assert got["status"] == 302 and "another host" in got["error"]
    assert [r.path for r in robots_server.requests] == ["/robots.txt"]
    got = fetch_case(robots_server, "loop")
    assert got["status"] == 302 and got["error"] == "more than 5 redirects"
    assert len(robots_server.requests) == 6
    assert robots.from_fetch(got["status"], got["body"], "x").source == "redirected"


def test_fetch_5xx_timeout_and_no_server(robots_server):
    got = fetch_case(robots_server, "busy")
    assert got["status"] == 503 and robots.from_fetch(503, got["body"], "x").disallow_all
    got = fetch_case(robots_server, "slow", timeout=0.5)
    assert got["status"] is None and "timed out" in got["error"]
    import socket

    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = robots_fetch.fetch("http://127.0.0.1:%d" % port, USER_AGENT_TAG)
    assert got["status"] is None and got["error"]


def test_a_robots_txt_on_another_host_stops_the_scan_with_what_to_do(robots_server):
    from consentry.scan.crawl import ScanError
    from consentry.scan.run import robots_policy

    robots_server.cases["now"] = "other-host"
    with pytest.raises(ScanError, match="another host.*scan that host's URL instead"):
        robots_policy(robots_server.url + "/", ignore=False)
    policy, section = robots_policy(robots_server.url + "/", ignore=True)
    assert section["outcome"] == "redirected" and section["ignored"] is True
    assert section["startDisallowedBy"] == "Disallow: /"
