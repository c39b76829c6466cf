"""Monthly partitions of the PostgreSQL consent log: convert once, create ahead, purge by month.

Past tens of millions of rows, retention by ``DELETE`` is slow and bloats the table; with
``consent_log`` partitioned by ``given_at`` per UTC month (bounds from ``months``), retention
drops whole months instead. The receiver does not notice: same table name, same columns, same
idempotency key (``UNIQUE (consent_id, given_at)`` holds the partition key).

* ``partition(store, now_ms, ahead)``: on a plain table, converts it in one transaction (rename,
  create the partitioned table, the partitions of every month present and of the months ahead, a
  DEFAULT partition as the safety net for the rest, copy keeping ``seq``, drop the old table); on
  a partitioned table, creates the partitions of the current month and the ``ahead`` next ones
  that do not exist yet. A month's rows already in DEFAULT (a browser clock ahead) move to its new
  partition in the same transaction: PostgreSQL refuses to create a partition whose range has
  rows in DEFAULT, so the partition is made as a plain table, filled from DEFAULT, then attached.
* ``purge(store, before_ms)``: drops (DETACH + DROP) the month partitions whose whole range is
  older than the cut-off, then deletes the older rows left (the month straddling the cut-off,
  DEFAULT). Purge works on ``received_at`` (the server's clock), partitions on ``given_at`` (the
  browser's): a month partition holding a row received after the cut-off is kept and only its
  older rows are deleted, so the rows left are exactly those a ``DELETE``-only purge leaves.

Both run under the migrations' advisory lock with a ``lock_timeout``: the receivers' inserts queue
behind a waiting DDL lock, so a long export holding the table makes the job give up and say so
rather than stall every receiver. Writers wait only for the short DDL of a month (and, once, for
the conversion's copy); readers are blocked only by the conversion and by a DETACH.
"""

import functools
import re

from . import migrations, months
from .store import StoreError

DEFAULT = "consent_log_default"
_OLD = "consentry_unpartitioned"
_RANGE = re.compile(r"FOR VALUES FROM \((.+)\) TO \((.+)\)")


def _q(name):
    """A table name from the catalogue, quoted (a partition made by hand may need it)."""
    return '"%s"' % name.replace('"', '""')


def require_postgresql(store):
    if store.dialect != "postgresql":
        raise StoreError("partitioning is a PostgreSQL feature; a %s log is one table "
                         "(`consentry log purge` deletes its old rows)" % store.describe())


def _bound(text, unbounded):
    number = re.search(r"-?\d+", text)
    return unbounded if "VALUE" in text or number is None else int(number.group())


def _partitions(conn):
    """``{table: (start_ms, end_ms)}`` of the month partitions, ``{table: None}`` for DEFAULT;
    ``None`` when ``consent_log`` is not partitioned."""
    if conn.execute("SELECT relkind FROM pg_class WHERE oid = 'consent_log'::regclass"
                    ).fetchone()[0] != "p":
        return None
    found = {}
    for name, expr in conn.execute(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'consent_log'::regclass"):
        m = _RANGE.search(expr)
        found[name] = None if m is None else (_bound(m.group(1), -2 ** 63),
                                              _bound(m.group(2), 2 ** 63))
    return found


def _locked(conn, lock_timeout):
    """Inside a transaction: bounded lock waits, and no migration or other job alongside."""
    conn.execute("SELECT set_config('lock_timeout', %s, true)", ("%dms" % (lock_timeout * 1000),))
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (migrations.ADVISORY_LOCK,))


def _busy(exc):
    return StoreError("consent_log is busy (a long export or another job holds it): nothing "
                      "changed; run the command again (%s)" % str(exc).strip())


def partition(store, now_ms, ahead=2, lock_timeout=5.0):
    """Convert or extend; ``{"converted": rows copied or None, "created": [(table, rows moved
    from DEFAULT)]}``. Running it again changes nothing."""
    import psycopg

    require_postgresql(store)
    if not isinstance(ahead, int) or not 0 <= ahead <= 120:
        raise ValueError("--ahead is a number of months from 0 to 120 (found %r)" % (ahead,))
    wanted = [months.add(months.month_of(now_ms), n) for n in range(ahead + 1)]

    def step(conn):
        try:
            with conn.transaction():
                _locked(conn, lock_timeout)
                existing = _partitions(conn)
                if existing is None:
                    return _convert(conn, wanted)
                return {"converted": None, "created": _extend(conn, wanted, existing)}
        except psycopg.errors.LockNotAvailable as exc:
            raise _busy(exc) from exc
    return store._run(step)


def _convert(conn, wanted):
    conn.execute("LOCK TABLE consent_log IN ACCESS EXCLUSIVE MODE")     # writers queue, then
    # resolve the name again on their turn and write into the new table
    last = months.bounds(wanted[-1])[1]
    present = {months.parse(text) for (text,) in conn.execute(
        "SELECT DISTINCT to_char(to_timestamp(given_at / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM') "
        "FROM consent_log WHERE given_at < %s", (last,))}    # later months wait in DEFAULT
    sequence = conn.execute("SELECT pg_get_serial_sequence('consent_log', 'seq')").fetchone()[0]
    last_seq = conn.execute("SELECT last_value, is_called FROM " + sequence).fetchone()
    # The old table's index, constraint and sequence names go first, so the new ones keep theirs.
    for (index,) in conn.execute("SELECT c.relname FROM pg_index i JOIN pg_class c ON "
                                 "c.oid = i.indexrelid WHERE i.indrelid = 'consent_log'::regclass"
                                 ).fetchall():
        conn.execute('ALTER INDEX "%s" RENAME TO "%s_%s"' % (index, _OLD, index))
    conn.execute("ALTER SEQUENCE %s RENAME TO %s_seq" % (sequence, _OLD))
    conn.execute("ALTER TABLE consent_log RENAME TO " + _OLD)
    conn.execute("CREATE TABLE consent_log (LIKE %s INCLUDING DEFAULTS INCLUDING IDENTITY "
                 "INCLUDING CONSTRAINTS INCLUDING STORAGE, "
                 "CONSTRAINT consent_log_pkey PRIMARY KEY (seq, given_at), "
                 "CONSTRAINT consent_log_consent_id_given_at_key UNIQUE (consent_id, given_at)"
                 ") PARTITION BY RANGE (given_at)" % _OLD)
    conn.execute("CREATE INDEX consent_log_received_at ON consent_log (received_at)")
    created = sorted(present | set(wanted))
    for month in created:
        conn.execute("CREATE TABLE %s PARTITION OF consent_log FOR VALUES FROM (%d) TO (%d)"
                     % ((months.table(month),) + months.bounds(month)))
    conn.execute("CREATE TABLE %s PARTITION OF consent_log DEFAULT" % DEFAULT)
    copied = conn.execute("INSERT INTO consent_log OVERRIDING SYSTEM VALUE SELECT * FROM " + _OLD
                          ).rowcount
    conn.execute("SELECT setval(pg_get_serial_sequence('consent_log', 'seq'), %s, %s)", last_seq)
    conn.execute("DROP TABLE " + _OLD)
    return {"converted": copied, "created": [(months.table(m), 0) for m in created]}


def _extend(conn, wanted, existing):
    ranges = [r for r in existing.values() if r is not None]
    default = next((name for name, r in existing.items() if r is None), None)   # at most one
    missing = [m for m in wanted
               if not any(lo < months.bounds(m)[1] and months.bounds(m)[0] < hi for lo, hi in ranges)]
    if missing:     # writers wait (readers do not) until the month's rows are where they belong
        conn.execute("LOCK TABLE consent_log IN SHARE ROW EXCLUSIVE MODE")
    created = []
    for month in missing:
        table = months.table(month)
        start, end = months.bounds(month)
        conn.execute("CREATE TABLE %s (LIKE consent_log)" % table)
        moved = 0
        if default is not None:
            moved = conn.execute(
                'WITH moved AS (DELETE FROM %s WHERE given_at >= %%s AND given_at < %%s '
                'RETURNING *) INSERT INTO %s SELECT * FROM moved' % (_q(default), table),
                (start, end)).rowcount
        conn.execute("ALTER TABLE consent_log ATTACH PARTITION %s FOR VALUES FROM (%d) TO (%d)"
                     % (table, start, end))
        created.append((table, moved))
    return created


def purge(store, before_ms, lock_timeout=5.0):
    """Retention: ``{"dropped": [(table, rows)], "kept": [(table, why)], "deleted": rows}``.

    On SQLite and on a plain table: the ``DELETE`` of ``store.purge``, nothing dropped."""
    if store.dialect != "postgresql":
        return {"dropped": [], "kept": [], "deleted": store.purge(before_ms)}
    existing = store._run(_partitions) or {}
    dropped, kept = [], []
    for _, table in sorted((r, t) for t, r in existing.items() if r and r[1] <= before_ms):
        outcome = store._run(functools.partial(_drop, table=table, before_ms=before_ms,
                                               lock_timeout=lock_timeout))
        (dropped if isinstance(outcome, int) else kept).append((table, outcome))
    return {"dropped": dropped, "kept": kept, "deleted": store.purge(before_ms)}


def _drop(conn, table, before_ms, lock_timeout):
    """Rows dropped with ``table``, or why it stays (its older rows are then deleted instead)."""
    import psycopg

    try:
        with conn.transaction():
            _locked(conn, lock_timeout)
            # SHARE: no row can arrive in the month while it is counted (a clock far behind);
            # the parent is locked by the DETACH only, at the end, for an instant.
            conn.execute("LOCK TABLE %s IN SHARE MODE" % _q(table))
            if conn.execute("SELECT EXISTS (SELECT 1 FROM %s WHERE received_at >= %%s)" % _q(table),
                            (before_ms,)).fetchone()[0]:
                return "it holds rows received after the cut-off"
            rows = conn.execute("SELECT count(*) FROM " + _q(table)).fetchone()[0]
            conn.execute("ALTER TABLE consent_log DETACH PARTITION " + _q(table))
            conn.execute("DROP TABLE " + _q(table))
            return rows
    except (psycopg.errors.LockNotAvailable, psycopg.errors.DeadlockDetected) as exc:
        return "busy (%s)" % str(exc).strip()
