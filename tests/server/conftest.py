"""Fixtures of the server tests: the test sites, a real cookie value, real server processes, and
the browser sessions of tests/browser (reused, not copied).

These tests run twice in CI: from the checkout (``invoke test``) and against the installed wheel
in a fresh venv outside the repository (``.ci/run``). Nothing here imports from ``sdk/``: the
``consentry`` package is whatever the interpreter has installed.
"""

import importlib.util
import os
import socket
import subprocess
import sys
import threading
import time
from importlib import resources
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
APPS = HERE / "apps"
BROWSER_DIR = HERE.parent / "browser"
REPO_DIST = Path(os.environ.get("CONSENTRY_DIST") or HERE.parents[1] / "dist")
for p in (str(APPS), str(BROWSER_DIR)):
    if p not in sys.path:
        sys.path.insert(0, p)

# The browser fixtures of tests/browser/conftest.py (one browser per session, clean profiles,
# --browser / --require-browsers), loaded under another module name so both directories can
# use them in one run.
_spec = importlib.util.spec_from_file_location("consentry_browser_fixtures", BROWSER_DIR / "conftest.py")
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
browser_session = _browser.browser_session
pytest_generate_tests = _browser.pytest_generate_tests

from consentry.engine import policy, transitions  # noqa: E402
from consentry.server import load_config  # noqa: E402


def packaged_bundle() -> bool:
    """True when the installed package carries the prebuilt bundle (a wheel, or `invoke wheel`)."""
    return resources.files("consentry").joinpath("static", "consentry.js").is_file()


@pytest.fixture(scope="session")
def bundle_dir(request):
    """None (the package's own bundle) when installed from a wheel, else the checkout's dist/;
    exported for the server processes as $CONSENTRY_TEST_BUNDLE_DIR."""
    if packaged_bundle():
        os.environ.pop("CONSENTRY_TEST_BUNDLE_DIR", None)
        return None
    if not (REPO_DIST / "consentry.js").is_file():
        msg = "no bundle: run `invoke build` (or `invoke wheel`)"
        if request.config.getoption("require_browsers"):
            pytest.fail(msg, pytrace=False)
        pytest.skip(msg)
    os.environ["CONSENTRY_TEST_BUNDLE_DIR"] = str(REPO_DIST)
    return str(REPO_DIST)


def choice_value(method="all", now_ms=None, decisions=None, consent_id="server-tests-0001"):
    """A real cookie value, made by the engine exactly as the browser makes it."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    cfg = load_config()
    st = policy.decide(cfg, None, "FR", False, now)
    return transitions.apply_choice(cfg, st, method, decisions, now, consent_id, False)["value"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """A real web server in a child process; ready when its log prints ``marker``."""

    def __init__(self, args, marker, env, timeout=60):
        self.port = free_port()
        args = [a.replace("{port}", str(self.port)) for a in args]
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     env=env, cwd=str(APPS), text=True)
        self.log: list[str] = []
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.log.append(line)
                if marker in line:
                    ready.set()
            ready.set()                  # exited: stop waiting

        threading.Thread(target=pump, daemon=True).start()
        ready.wait(timeout * _browser.TIMEOUT_SCALE)
        if self.proc.poll() is not None or not any(marker in line for line in self.log):
            self.stop()
            raise AssertionError("server did not start: %s\n%s" % (" ".join(args), "".join(self.log)))
        self.url = "http://127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def child_env():
    env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONPATH=str(APPS))
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@pytest.fixture
def browser(browser_session):
    """The session's browser with a clean profile (the test servers share 127.0.0.1's cookies)."""
    _browser.clean_browser(browser_session, ())
    if browser_session.browser_name == "firefox":
        browser_session.delete_all_cookies()
    return browser_session
