"""Options shared by the whole test tree.

They live here, in the top-level conftest, because pytest only honours ``pytest_addoption`` in
conftest files it loads at start-up; the browser fixtures themselves are in ``tests/browser/conftest.py``.
"""

ALL_BROWSERS = ("chromium", "firefox")


def pytest_addoption(parser):
    group = parser.getgroup("consentry browsers")
    group.addoption(
        "--browser",
        action="append",
        choices=ALL_BROWSERS,
        dest="browsers",
        help="run browser tests in this browser only (repeatable; default: all of %s)" % ", ".join(ALL_BROWSERS),
    )
    group.addoption(
        "--require-browsers",
        action="store_true",
        default=False,
        help="fail (instead of skip) when a selected browser, its driver or dist/consentry.js is missing; CI uses it",
    )

    # --- consent log: real database servers (tests/log)
    services = parser.getgroup("consentry services")
    services.addoption(
        "--require-services",
        action="store_true",
        default=False,
        help="fail (instead of skip) when a database server the tests need (PostgreSQL) is missing; CI uses it",
    )
