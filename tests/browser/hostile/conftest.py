"""Fixtures for the adversarial (hostile) browser suite.

The parent ``tests/browser/conftest.py`` applies here too (pytest loads every conftest.py from the
rootdir down to the test file), so ``browser``, ``site``, ``third_party`` and ``bundle`` are the
usual ones. This file only adds ``hpage``: pages written inline by a test, served by the usual
``site`` (and ``third_party``) dev servers under ``/h/<name>`` with the headers the test asks for
(CSP, ...). Pages are generated rather than checked in so every hostile case sits next to its
assertions.
"""

from __future__ import annotations

import itertools

import pytest
from hostile_kit import Pages

_COUNTER = itertools.count()


@pytest.fixture(scope="session")
def _hostile_pages(site, third_party):
    pages = Pages()
    site.extra_routes["/h/*"] = pages.route
    third_party.extra_routes["/h/*"] = pages.route
    yield pages
    site.extra_routes.pop("/h/*", None)
    third_party.extra_routes.pop("/h/*", None)


@pytest.fixture
def hpage(_hostile_pages, site, bundle):
    """``hpage(html_or_spec, headers=None, name=None) -> path`` ("/h/<name>"): register a page.

    Pass a full HTML string, or use ``hostile_kit.page(...)`` to build the standard one (diag.js
    first, optional #consentry-config, then consentry.js). Join the path to ``site.url`` (or
    ``third_party.url`` for a cross-origin copy).
    """

    def register(html, headers=None, name=None):
        name = name or "p%d.html" % next(_COUNTER)
        _hostile_pages.add(name, html, headers or {})
        return "/h/" + name

    return register
