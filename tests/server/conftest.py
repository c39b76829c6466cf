"""Fixtures of the server tests: the bundle the test sites use, and the browser sessions of
tests/browser (reused, not copied).

These tests run twice in CI: from the checkout (``invoke test``) and against the installed wheel
in a fresh venv outside the repository (``.ci/run``). Nothing here imports from ``sdk/``: the
``consentry`` package is whatever the interpreter has installed.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
BROWSER_DIR = HERE.parent / "browser"
for p in (str(HERE / "apps"), str(BROWSER_DIR), str(HERE)):
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

from server_kit import REPO_DIST, packaged_bundle  # noqa: E402


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
