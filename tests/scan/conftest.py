"""Fixtures for the `consentry scan` tests: local sites served by real servers, and a runner.

Every site is served by the project's dev server on 127.0.0.1; the "tracker" is a second server
addressed as ``localhost`` (another site for the browser, still this machine), so nothing ever
reaches the internet. The scan runs in-process through ``consentry.cli.main`` and starts its own
headless Chromium, exactly as a user's `consentry scan` does.
"""

from __future__ import annotations

import json
import shutil
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SITES = Path(__file__).resolve().parent / "sites"
DIST = REPO / "dist"
PIXEL_GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")
sys.path.insert(0, str(REPO / "build"))

from consentry_build.devserver import make_server  # noqa: E402


def _require(config, what: str):
    if config.getoption("require_browsers"):
        pytest.fail(what + "  (--require-browsers is set)", pytrace=False)
    pytest.skip(what)


@pytest.fixture(scope="session")
def chromium(request):
    """The scan needs Chromium and chromedriver; skip (or fail under --require-browsers) without them."""
    wanted = request.config.getoption("browsers")
    if wanted and "chromium" not in wanted:
        pytest.skip("consentry scan runs in Chromium; not selected (--browser)")
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        _require(request.config, "chromium: not installed -> apt-get install -y chromium chromium-driver")


@pytest.fixture(scope="session")
def bundle(request):
    if not (DIST / "consentry.js").is_file():
        _require(request.config, "dist/consentry.js is missing -> run `invoke build`")


def _tracker_route(req):
    if req.path.endswith(".gif"):
        return 200, {"Content-Type": "image/gif"}, PIXEL_GIF
    return 200, {"Content-Type": "text/javascript", "Access-Control-Allow-Origin": "*"}, b"window.__tracked = 1;\n"


@pytest.fixture(scope="session")
def tracker(tmp_path_factory):
    """Another site (reached as ``localhost``): logs every request it gets."""
    srv = make_server(tmp_path_factory.mktemp("tracker"), DIST, extra_routes={"/t/*": _tracker_route})
    srv.site_url = srv.url.replace("127.0.0.1", "localhost")
    yield srv
    srv.shutdown()


def _serve(root, tracker, routes=None):
    srv = make_server(root, DIST, extra_routes=routes or {}, html_vars={"TRACKER": tracker.site_url})
    # The scan stops loads on purpose (page timeouts, a huge page): the browser then drops the
    # socket mid-response. That is expected here, not a server error worth a traceback.
    srv.handle_error = lambda request, client_address: None
    return srv


@pytest.fixture(scope="session")
def demo_site(bundle, tracker):
    srv = _serve(REPO / "demo_site", tracker)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="session")
def fault_site(bundle, tracker):
    srv = _serve(SITES / "faults", tracker)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="session")
def vanilla_site(request, tracker):
    """A page using vanilla-cookieconsent from npm (cached outside the repo by the bench's vendor.py)."""
    from consentry_build.bench.vendor import ensure_vendor

    try:
        modules = ensure_vendor(log=lambda msg: None)
    except RuntimeError as exc:
        _require(request.config, "vanilla-cookieconsent unavailable (npm is needed once): %s" % exc)

    def vendor(req):
        rel = req.path[len("/vendor/"):]
        file = (modules / rel).resolve()
        if modules.resolve() not in file.parents or not file.is_file():
            return 404, {"Content-Type": "text/plain"}, b"not found\n"
        ctype = "text/css" if file.suffix == ".css" else "text/javascript"
        return 200, {"Content-Type": ctype}, file.read_bytes()

    srv = _serve(SITES / "vanilla", tracker, {"/vendor/*": vendor})
    yield srv
    srv.shutdown()


@pytest.fixture(scope="session")
def hostile_site(tracker):
    """Redirects forever, a load that never ends, pop-ups, a huge page, thousands of cookies."""
    release = threading.Event()

    def stall(req):
        release.wait(120)  # answers only when the fixture ends: a load that never finishes
        return 200, {"Content-Type": "image/gif"}, b""

    def huge(req):
        links = "".join('<a href="/huge.html?n=%d">%d</a> ' % (i, i) for i in range(20000))
        gated = '<script type="text/plain" data-category="analytics"></script>' * 1000
        body = "<!doctype html><title>Huge</title>%s<p>%s</p>%s" % (gated, "x" * 200_000, links)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body.encode()

    routes = {"/redirect-loop": lambda req: (302, {"Location": "/redirect-loop"}, b""),
              "/stall.gif": stall, "/huge.html": huge}
    srv = _serve(SITES / "hostile", tracker, routes)
    yield srv
    release.set()
    srv.shutdown()


@pytest.fixture(scope="session")
def robots_site(bundle, tracker):
    """Pages under a robots.txt the test sets: ``robots_site.robots = (status, text)``."""
    srv = None

    def robots_txt(req):
        status, text = srv.robots
        return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()

    srv = _serve(SITES / "robots", tracker, {"/robots.txt": robots_txt})
    srv.robots = (404, "not found\n")
    yield srv
    srv.shutdown()


@pytest.fixture
def scan(chromium, tmp_path):
    """``scan(url, *args) -> (exit status, report dict or None)``: the real command, in-process."""
    from consentry.cli import main

    def run(url, *args):
        out = tmp_path / "report"
        status = main(["scan", url, "--out", str(out), "--delay", "0", "--quiet", *args])
        path = out / "report.json"
        return status, (json.loads(path.read_text()) if path.is_file() else None)

    return run
