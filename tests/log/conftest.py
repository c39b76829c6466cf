"""Fixtures of the consent-log tests: a SQLite file and a real PostgreSQL cluster.

``pg_cluster`` is one throw-away cluster per session (see ``pgcluster.py``); ``pg_url`` a fresh
database in it per test. Without PostgreSQL the PostgreSQL tests skip with the install command;
under ``--require-services`` (CI) they fail instead. ``db_url`` runs a test on both databases.
"""

import itertools

import pgcluster
import pytest

_counter = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster(request):
    try:
        cluster = pgcluster.Cluster(settings=["fsync=off"])   # test data: speed over durability
    except pgcluster.Unavailable as exc:
        if request.config.getoption("require_services"):
            pytest.fail(str(exc) + " (--require-services)")
        pytest.skip(str(exc))
    yield cluster
    cluster.destroy()


@pytest.fixture
def pg_url(pg_cluster):
    return pg_cluster.create_database("t%d" % next(_counter))


@pytest.fixture
def sqlite_url(tmp_path):
    return "sqlite:///" + str(tmp_path / "consent-log.db")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
