"""The stores on real databases (SQLite file, PostgreSQL cluster): same answers from both."""

import pytest
from beacons import beacon, encode

from consentry.log import migrations
from consentry.log.payload import parse_beacon
from consentry.log.store import EntryRefused, StoreError, open_store
from consentry.log.writer import Writer, store_batch

DAY = 86_400_000


def entry(consent_id="visitor-0001", given_at=1_764_600_000_000, received_at=None, method="all"):
    e = parse_beacon(encode(beacon(consent_id, given_at, method)))[0]
    e["received_at"] = given_at + 100 if received_at is None else received_at
    e["ip_prefix"] = None
    return e


@pytest.fixture
def store(db_url):
    s = open_store(db_url)
    assert s.migrate() == migrations.LATEST
    yield s
    s.close()


def test_migrate_twice_is_a_no_op(store):
    store.insert_many([entry()])
    assert store.migrate() == migrations.LATEST
    assert store.count() == 1


def test_same_beacon_twice_is_stored_once(store):
    assert store.insert_many([entry(), entry()]) == 1       # twice in one batch
    assert store.insert_many([entry()]) == 0                # and again later
    assert store.count() == 1
    assert store.insert_many([entry(given_at=1_764_600_000_001)]) == 1   # a new choice
    assert store.count() == 2


def test_history_is_one_visitor_oldest_first(store):
    t = 1_764_600_000_000
    store.insert_many([entry("visitor-0001", t + 2000, method="necessary"),
                       entry("visitor-0002", t + 1000),
                       entry("visitor-0001", t, method="all")])
    rows = store.history("visitor-0001")
    assert [(r["given_at"], r["method"]) for r in rows] == [(t, "all"), (t + 2000, "necessary")]
    assert rows[0]["categories"] == {"necessary": True, "analytics": True}
    assert rows[0]["services"] == {"necessary": {}, "analytics": {"ga": True}}
    assert rows[0]["gpc"] is False and rows[0]["path"] == "/qa.html" and rows[0]["ip_prefix"] is None
    assert store.history("x' OR '1'='1") == []


def test_export_purge_stats_recent(store):
    t = 1_764_600_000_000
    store.insert_many([entry("visitor-old1", t - 500 * DAY),
                       entry("visitor-0001", t, method="all"),
                       entry("visitor-0002", t + 1, method="necessary"),
                       entry("visitor-0003", t + DAY, method="all")])
    assert [r["consent_id"] for r in store.export(t)] == ["visitor-0001", "visitor-0002", "visitor-0003"]
    assert [r["consent_id"] for r in store.recent(2)] == ["visitor-0003", "visitor-0002"]
    assert store.stats(t) == [("2025-12-01", "all", 1), ("2025-12-01", "necessary", 1),
                              ("2025-12-02", "all", 1)]
    assert store.purge(t - 400 * DAY) == 1
    assert store.count() == 3 and store.history("visitor-old1") == []


def test_a_newer_schema_is_refused(db_url):
    s = open_store(db_url)
    s.migrate()
    s.insert_many([entry()])
    s._run(lambda conn: conn.execute("UPDATE consent_log_schema SET version = 99") and
           (conn.commit() if s.dialect == "postgresql" else None))
    with pytest.raises(StoreError, match="version 99"):
        s.migrate()
    s.close()


def test_urls():
    with pytest.raises(ValueError, match="scheme"):
        open_store("mysql://x")
    with pytest.raises(ValueError):
        open_store("")
    assert open_store("sqlite:////tmp/x.db").path == "/tmp/x.db"
    assert open_store("sqlite:///x.db").path == "x.db"
    assert open_store("sqlite:///x.db?synchronous=normal").synchronous == "normal"
    with pytest.raises(ValueError, match="synchronous"):
        open_store("sqlite:///x.db?synchronous=off")


def test_an_unreachable_postgresql_is_a_store_error():
    s = open_store("postgresql://nobody@127.0.0.1:1/none", timeout=0.5)
    with pytest.raises(StoreError):
        s.insert_many([entry()])
    s.close()


def test_an_entry_the_database_refuses_fails_alone(store):
    # Text no database stores (a lone surrogate), planted past the payload check that refuses it:
    # the batch is stored entry by entry, so only that beacon fails and its neighbours are kept.
    bad = dict(entry("visitor-0002"), path="/\ud800")
    with pytest.raises(EntryRefused):
        store.insert_many([entry("visitor-0001"), bad])
    assert store.count() == 0                               # one transaction: all or nothing
    outcomes = store_batch(store, [entry("visitor-0001"), bad, entry("visitor-0003")])
    assert outcomes[0] is None and outcomes[2] is None
    assert isinstance(outcomes[1], EntryRefused)
    assert sorted(r["consent_id"] for r in store.export(0)) == ["visitor-0001", "visitor-0003"]
    writer = Writer(store)
    try:
        assert writer.submit(entry("visitor-0004")).result(10) is True
        with pytest.raises(EntryRefused):
            writer.submit(dict(bad, consent_id="visitor-0005")).result(10)
    finally:
        writer.close()
    assert store.count() == 3
