"""Monthly partitions on a real PostgreSQL: conversion, months ahead, DEFAULT rows moved, purge."""

import os

import pytest
from beacons import Served, beacon, encode, wait_until
from test_store import entry

from consentry.cli import main
from consentry.log import migrations, months, partitions
from consentry.log.app import ConsentLog
from consentry.log.store import StoreError, open_store

DAY = 86_400_000
DEC_15 = months.bounds((2026, 12))[0] + 14 * DAY          # "now" in most tests: 2026-12-15


def ms(year, month, day=1):
    return months.bounds((year, month))[0] + (day - 1) * DAY


@pytest.fixture
def store(pg_url):
    s = open_store(pg_url)
    s.migrate()
    yield s
    s.close()


def where(store):
    """``{consent_id: the table holding its row}``."""
    return dict(store._run(lambda conn: conn.execute(
        "SELECT consent_id, tableoid::regclass::text FROM consent_log").fetchall()))


def tables(store):
    return store._run(lambda conn: sorted(
        (name, relkind) for name, relkind in conn.execute(
            "SELECT relname, relkind::text FROM pg_class WHERE relname LIKE 'consent%'"
            " AND relkind IN ('r', 'p', 'i', 'I', 'S')").fetchall()))


def rows(store):
    return sorted((r["seq"], r["consent_id"], r["given_at"], r["received_at"]) for r in store.export(0))


def test_conversion_then_months_ahead_idempotent_and_default_rows_moved(store):
    store.insert_many([entry("visitor-oct25", ms(2025, 10, 31)), entry("visitor-nov26", ms(2026, 11, 30)),
                       entry("visitor-dec26", ms(2026, 12, 14)),
                       entry("visitor-apr27", ms(2027, 4, 2)),        # a clock months ahead
                       entry("visitor-2099", ms(2099, 1, 1))])
    store.insert_many([entry("visitor-gone", ms(2026, 12, 1))])
    store._run(lambda conn: conn.execute("DELETE FROM consent_log WHERE consent_id = 'visitor-gone'"))
    before = rows(store)

    done = partitions.partition(store, DEC_15, ahead=2)
    assert done["converted"] == 5
    assert [t for t, _ in done["created"]] == ["consent_log_2025_10", "consent_log_2026_11",
                                              "consent_log_2026_12", "consent_log_2027_01",
                                              "consent_log_2027_02"]
    assert rows(store) == before                                    # every row, its seq kept
    assert where(store) == {"visitor-oct25": "consent_log_2025_10", "visitor-nov26": "consent_log_2026_11",
                            "visitor-dec26": "consent_log_2026_12", "visitor-apr27": "consent_log_default",
                            "visitor-2099": "consent_log_default"}
    assert ("consentry_unpartitioned", "r") not in tables(store)   # no copy of the data left behind
    assert {"consent_log_pkey", "consent_log_consent_id_given_at_key", "consent_log_received_at",
            "consent_log_seq_seq"} <= {name for name, _ in tables(store)}
    # the receiver's writes: idempotent across the new table, seq continues after the old one's
    assert store.insert_many([entry("visitor-dec26", ms(2026, 12, 14)), entry("visitor-new", ms(2026, 12, 15))]) == 1
    new_seq = store.history("visitor-new")[0]["seq"]
    assert new_seq > max(seq for seq, *_ in before) + 1            # the deleted row's seq not reused

    snapshot = (tables(store), rows(store))
    assert partitions.partition(store, DEC_15, ahead=2) == {"converted": None, "created": []}
    assert (tables(store), rows(store)) == snapshot                 # twice: nothing changes

    # A month later, four ahead: April's row leaves DEFAULT for its own partition.
    done = partitions.partition(store, ms(2027, 1, 20), ahead=4)
    assert done == {"converted": None, "created": [("consent_log_2027_03", 0), ("consent_log_2027_04", 1),
                                                   ("consent_log_2027_05", 0)]}
    assert where(store)["visitor-apr27"] == "consent_log_2027_04"
    assert where(store)["visitor-2099"] == "consent_log_default"
    assert store.insert_many([entry("visitor-apr27", ms(2027, 4, 2))]) == 0   # still stored once
    assert len(rows(store)) == 6


def _twin_databases(pg_cluster, request):
    """The same rows in two fresh databases; the first one partitioned."""
    urls = [pg_cluster.create_database("%s_%s" % (request.node.name[:40].lower(), n)) for n in "ab"]
    cut = ms(2026, 11, 10)
    data = [entry("visitor-%04d" % i, given, received_at=given + 1000)
            for i, given in enumerate(range(ms(2026, 8, 20), ms(2026, 12, 15), DAY // 2))]
    data += [entry("visitor-late", ms(2026, 9, 3), received_at=cut + 5),      # a clock behind
             entry("visitor-ahead", ms(2026, 12, 28), received_at=cut - 5),   # a clock ahead
             entry("visitor-2099", ms(2099, 1, 1), received_at=cut - 1),      # in DEFAULT
             entry("visitor-2098", ms(2098, 1, 1), received_at=cut + 1)]
    stores = [open_store(u) for u in urls]
    for s in stores:
        s.migrate()
        s.insert_many(data)
    partitions.partition(stores[0], ms(2026, 12, 1), ahead=1)
    return stores, cut


def test_purge_drops_whole_months_and_leaves_exactly_what_delete_leaves(pg_cluster, request):
    (parted, plain), cut = _twin_databases(pg_cluster, request)
    try:
        done = partitions.purge(parted, cut)
        expected = plain.purge(cut)
        assert partitions.purge(plain, cut) == {"dropped": [], "kept": [], "deleted": 0}
        assert rows(parted) == rows(plain)                          # the answer: the same rows left
        assert done["dropped"] == [("consent_log_2026_08", 24), ("consent_log_2026_10", 62)]
        assert done["kept"] == [("consent_log_2026_09", "it holds rows received after the cut-off")]
        assert sum(n for _, n in done["dropped"]) + done["deleted"] == expected
        assert "visitor-late" in where(parted) and "visitor-ahead" not in where(parted)
        assert {t for t in where(parted).values()} == {"consent_log_2026_09", "consent_log_2026_11",
                                                       "consent_log_2026_12", "consent_log_default"}
        assert ("consent_log_2026_08", "r") not in tables(parted)
        assert partitions.purge(parted, cut)["deleted"] == 0      # again: nothing left to do
    finally:
        parted.close()
        plain.close()


def test_the_commands(pg_url, sqlite_url, capsys):
    import time

    now = int(time.time() * 1000)
    s = open_store(pg_url)
    s.migrate()
    s.insert_many([entry("visitor-old1", now - 500 * DAY), entry("visitor-0001", now - DAY)])
    s.close()
    assert main(["log", "partition", "--db", pg_url]) == 0
    out = capsys.readouterr().out
    assert "2 row(s) copied" in out and months.table(months.month_of(now - 500 * DAY)) in out
    assert months.table(months.add(months.month_of(now), 2)) in out
    assert main(["log", "partition", "--db", pg_url, "--ahead", "2"]) == 0
    assert capsys.readouterr().out.startswith("nothing to do")
    assert main(["log", "purge", "--db", pg_url, "--older-than", "400d"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "dropped %s (1 row(s))" % months.table(months.month_of(now - 500 * DAY))
    assert out[1].startswith("1 row(s) received before") and "1 in 1 dropped month" in out[1]

    assert main(["log", "partition", "--db", sqlite_url]) == 1
    assert main(["log", "partition", "--db", pg_url, "--ahead", "-1"]) == 1
    err = capsys.readouterr().err
    assert "partitioning is a PostgreSQL feature" in err and "--ahead" in err
    assert "Traceback" not in err
    assert not os.path.exists(sqlite_url[len("sqlite:///"):])      # not even created


def test_a_busy_table_is_refused_clearly_and_left_as_it_was(store, pg_url):
    import psycopg

    store.insert_many([entry("visitor-0001", ms(2026, 10, 2)), entry("visitor-0002", ms(2026, 12, 2))])
    with psycopg.connect(pg_url) as reader:                         # a long export, say
        reader.execute("SELECT count(*) FROM consent_log")
        with pytest.raises(StoreError, match="busy"):
            partitions.partition(store, DEC_15, lock_timeout=0.2)
    with psycopg.connect(pg_url) as migrator:                       # a migration running
        migrator.execute("SELECT pg_advisory_xact_lock(%s)", (migrations.ADVISORY_LOCK,))
        with pytest.raises(StoreError, match="busy"):
            partitions.partition(store, DEC_15, lock_timeout=0.2)
    assert store._run(partitions._partitions) is None and store.count() == 2
    partitions.partition(store, DEC_15)
    with psycopg.connect(pg_url) as reader:                         # purge cannot DETACH: it
        reader.execute("SELECT count(*) FROM consent_log")         # deletes the rows instead
        done = partitions.purge(store, ms(2026, 11, 1), lock_timeout=0.2)
    assert done["dropped"] == [] and done["deleted"] == 1
    assert done["kept"][0][0] == "consent_log_2026_10" and done["kept"][0][1].startswith("busy")
    assert [r["consent_id"] for r in store.export(0)] == ["visitor-0002"]


def _held_up_by_a_reader(pg_url, operation):
    """Run ``operation`` while a reader (a long export) holds the log: the job waits for its
    lock, the receivers' inserts queue behind the job, and only then does the reader let go, so
    the job runs with inserts waiting on it, every time."""
    import threading

    import psycopg

    outcome = {}

    def run():
        try:
            outcome["done"] = operation()
        except Exception as exc:        # shown by the assertion below
            outcome["done"] = exc

    with psycopg.connect(pg_url) as reader, psycopg.connect(pg_url, autocommit=True) as watcher:
        reader.execute("SELECT count(*) FROM consent_log")
        job = threading.Thread(target=run)
        job.start()
        waiting = lambda: {m for (m,) in watcher.execute(                   # noqa: E731
            "SELECT mode FROM pg_locks WHERE NOT granted AND relation IS NOT NULL")}
        wait_until(lambda: {"AccessExclusiveLock", "RowExclusiveLock"} <= waiting(), timeout=30,
                   what="the job and the receivers' inserts to wait for the reader")
        reader.rollback()
        job.join(60)
    assert isinstance(outcome.get("done"), dict), outcome
    return outcome["done"]


def test_receivers_lose_nothing_while_the_log_is_converted_and_extended(pg_url):
    """Beacons stream into a real receiver while the table is converted, then extended with a
    month whose rows sit in DEFAULT: every 204 has its row, and none is lost."""
    import threading
    import time

    now = months.bounds(months.month_of(int(time.time() * 1000)))[0]
    far = months.add(months.month_of(now), 5)       # beyond the two months ahead: DEFAULT first
    log = ConsentLog(pg_url, rate=1e9, burst=10 ** 9)
    srv = Served(log.asgi)
    answers = {}
    stop = threading.Event()

    def post_beacons(prefix, given):
        i = 0
        while not stop.is_set():
            cid = "%s-%05d" % (prefix, i)
            answers[cid] = srv.post(encode(beacon(cid, given + i)))[0]
            i += 1

    senders = [threading.Thread(target=post_beacons, args=(p, g)) for p, g in
               [("visitor-now", now + DAY), ("visitor-far", months.bounds(far)[0] + DAY)]]
    stored = lambda: sum(1 for status in list(answers.values()) if status == 204)   # noqa: E731
    try:
        for t in senders:
            t.start()
        wait_until(lambda: stored() >= 40, timeout=30, what="beacons to flow")
        done = _held_up_by_a_reader(pg_url, lambda: partitions.partition(log.store, now, 2, 30))
        assert done["converted"] >= 40
        mark = stored()
        wait_until(lambda: stored() >= mark + 40, timeout=30, what="beacons after the conversion")
        done = _held_up_by_a_reader(pg_url, lambda: partitions.partition(log.store, now, 5, 30))
        assert done["created"][-1][0] == months.table(far) and done["created"][-1][1] > 0
        mark = stored()
        wait_until(lambda: stored() >= mark + 40, timeout=30, what="beacons after the new month")
    finally:
        stop.set()
        for t in senders:
            t.join(30)
        srv.stop()
    try:
        placed = where(log.store)
        ok = {cid for cid, status in answers.items() if status == 204}
        assert ok <= set(placed)                            # never a 204 without its row
        assert set(answers.values()) == {204}               # and every beacon was stored
        assert all(t == months.table(far) for cid, t in placed.items() if cid.startswith("visitor-far"))
        assert all(t == months.table(months.month_of(now)) for cid, t in placed.items()
                   if cid.startswith("visitor-now"))
    finally:
        log.close()
