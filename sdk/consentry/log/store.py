"""The database behind a URL: ``sqlite:///path`` (or a plain file path) or ``postgresql://...``.

Both stores offer the same methods; rows come back as dicts with the columns of ``COLUMNS``
(``gpc`` a bool, ``categories``/``services`` dicts) whatever the database:

* ``migrate() -> version``; ``insert_many(entries) -> newly stored count`` (one transaction;
  an entry already stored, same consent id and given-at, is skipped: beacons are idempotent);
* ``history(consent_id)`` oldest first; ``export(since_ms)`` in arrival order (an iterator);
  ``recent(n)`` newest first; ``purge(before_ms) -> deleted``; ``stats(since_ms)`` ->
  ``[(day, method, count)]``; ``count()``; ``close()``.

Any database failure raises ``StoreError``: the receiver answers 503 for it, never 204.
``EntryRefused`` (a ``StoreError``) means the database refused an entry's data rather than
being unreachable, so the group-commit writer stores the batch's entries one by one and only the
refused entry fails.

SQLite: WAL mode (readers never block the writer), one connection per thread,
``synchronous=FULL`` by default (a 204 means the row survives a power cut);
``sqlite:///file.db?synchronous=normal`` skips the flush per commit (the row survives a crash of
the receiver, not of the machine): several times faster on slow disks. PostgreSQL: psycopg 3 with a
``psycopg_pool.ConnectionPool`` in autocommit mode. A batch is one statement, so one round trip
and one commit: the rows travel as one JSON array that the server unpacks
(``json_populate_recordset``), which costs the receiver a quarter of the CPU per row of
``executemany``. Connections are not probed on every check-out (a round trip per batch); when
one turns out broken (the server restarted), the pool checks the others and the operation is
retried once on a fresh connection (every operation here is idempotent), so the receiver
recovers by itself.
"""

import json
import os
import sqlite3
import threading
from urllib.parse import unquote, urlsplit

from . import migrations

COLUMNS = ("seq", "consent_id", "given_at", "received_at", "revision", "method", "mode", "gpc",
           "categories", "services", "path", "ip_prefix")
INSERT_COLUMNS = COLUMNS[1:]
_SELECT = "SELECT " + ", ".join(COLUMNS) + " FROM consent_log"


class StoreError(RuntimeError):
    """The database could not do what was asked (unreachable, locked too long, full...)."""


class EntryRefused(StoreError):
    """The database refused the data of an entry (a constraint, text it cannot store)."""


def open_store(url, **options):
    """A store for ``url``. ``options`` go to the PostgreSQL pool (``max_size``, ``timeout``)."""
    if not isinstance(url, str) or not url:
        raise ValueError("a database URL is needed: sqlite:///consent-log.db or postgresql://...")
    scheme = url.split(":", 1)[0].lower() if "://" in url else ""
    if scheme in ("postgresql", "postgres"):
        return PostgresStore(url, **options)
    if scheme == "sqlite":
        parts = urlsplit(url)
        path = unquote(parts.path)[1:]      # sqlite:///relative.db, sqlite:////absolute.db
        if not path:
            raise ValueError("sqlite URL without a file: use sqlite:///relative.db or sqlite:////abs.db")
        query = dict(p.partition("=")[::2] for p in parts.query.split("&") if p)
        sync = query.pop("synchronous", "full").lower()
        if query or sync not in ("full", "normal"):
            raise ValueError("the only sqlite URL option is ?synchronous=full|normal")
        return SQLiteStore(path, synchronous=sync)
    if scheme:
        raise ValueError("unsupported database URL scheme %r (use sqlite:/// or postgresql://)" % scheme)
    return SQLiteStore(url)


def _row(values, decode_json):
    row = dict(zip(COLUMNS, values))
    row["gpc"] = bool(row["gpc"])
    if decode_json:
        row["categories"] = json.loads(row["categories"])
        row["services"] = json.loads(row["services"])
    return row


def _insert_values(e):
    return (e["consent_id"], e["given_at"], e["received_at"], e["revision"], e["method"],
            e["mode"], e["gpc"], json.dumps(e["categories"], separators=(",", ":")),
            json.dumps(e["services"], separators=(",", ":")), e["path"], e.get("ip_prefix"))


class SQLiteStore:
    dialect = "sqlite"

    def __init__(self, path, synchronous="full"):
        self.path = path
        self.synchronous = synchronous
        self._local = threading.local()
        self._all = []
        self._lock = threading.Lock()

    def describe(self):
        return "SQLite " + os.path.abspath(self.path)

    def _conn(self):
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(self.path, timeout=10, isolation_level=None,
                                       check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=" + self.synchronous.upper())
            except sqlite3.Error as exc:
                raise StoreError("cannot open %s: %s" % (self.path, exc)) from exc
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _run(self, fn):
        conn = self._conn()
        try:
            return fn(conn)
        except (sqlite3.IntegrityError, sqlite3.DataError, UnicodeEncodeError) as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise EntryRefused(str(exc)) from exc
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(str(exc)) from exc

    def migrate(self):
        def step(conn):
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(migrations.VERSION_TABLE)
            row = conn.execute("SELECT version FROM consent_log_schema").fetchone()
            version = row[0] if row else 0
            if version > migrations.LATEST:
                conn.execute("ROLLBACK")
                raise StoreError("the database is at schema version %d; this Consentry knows %d"
                                 % (version, migrations.LATEST))
            for n in range(version, migrations.LATEST):
                for sql in migrations.STEPS[n]["sqlite"]:
                    conn.execute(sql)
            if row is None:
                conn.execute("INSERT INTO consent_log_schema VALUES (?)", (migrations.LATEST,))
            else:
                conn.execute("UPDATE consent_log_schema SET version = ?", (migrations.LATEST,))
            conn.execute("COMMIT")
            return migrations.LATEST
        return self._run(step)

    def insert_many(self, entries):
        sql = ("INSERT INTO consent_log (" + ", ".join(INSERT_COLUMNS) + ") VALUES (" +
               ", ".join("?" * len(INSERT_COLUMNS)) + ") ON CONFLICT DO NOTHING")

        def step(conn):
            before = conn.total_changes
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(sql, [_insert_values(e) for e in entries])
            conn.execute("COMMIT")
            return conn.total_changes - before
        return self._run(step)

    def _select(self, where, params, order, limit=None):
        sql = _SELECT + where + " ORDER BY " + order + ("" if limit is None else " LIMIT %d" % limit)
        return self._run(lambda conn: [_row(r, True) for r in conn.execute(sql, params)])

    def history(self, consent_id):
        return self._select(" WHERE consent_id = ?", (consent_id,), "given_at, seq")

    def export(self, since_ms):
        conn = self._conn()
        try:
            cur = conn.execute(_SELECT + " WHERE received_at >= ? ORDER BY received_at, seq", (since_ms,))
            for r in cur:
                yield _row(r, True)
        except sqlite3.Error as exc:
            raise StoreError(str(exc)) from exc

    def recent(self, n):
        return self._select("", (), "seq DESC", int(n))

    def purge(self, before_ms):
        def step(conn):
            conn.execute("BEGIN IMMEDIATE")
            n = conn.execute("DELETE FROM consent_log WHERE received_at < ?", (before_ms,)).rowcount
            conn.execute("COMMIT")
            return n
        return self._run(step)

    def stats(self, since_ms=0):
        sql = ("SELECT date(received_at / 1000, 'unixepoch') AS day, method, count(*) "
               "FROM consent_log WHERE received_at >= ? GROUP BY day, method ORDER BY day, method")
        return self._run(lambda conn: [tuple(r) for r in conn.execute(sql, (since_ms,))])

    def count(self):
        return self._run(lambda conn: conn.execute("SELECT count(*) FROM consent_log").fetchone()[0])

    def close(self):
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all = []
        self._local = threading.local()


class PostgresStore:
    dialect = "postgresql"

    def __init__(self, url, max_size=8, timeout=2.0):
        import psycopg
        from psycopg_pool import ConnectionPool, PoolTimeout

        self._pool_errors = (psycopg.Error, PoolTimeout)
        self._data_errors = (psycopg.DataError, psycopg.IntegrityError, UnicodeEncodeError)
        self.url = url
        # timeout: while the server is away a request is answered 503 within seconds instead of
        # hanging. autocommit: a batch is one statement, committed on its own.
        self.pool = ConnectionPool(url, min_size=1, max_size=max_size, timeout=timeout,
                                   kwargs={"autocommit": True}, open=False,
                                   reconnect_timeout=24 * 3600, name="consentry-log")
        self.pool.open(wait=False)

    def describe(self):
        info = urlsplit(self.url)
        return "PostgreSQL %s%s" % (info.hostname or "(socket)", info.path)

    def _run(self, fn, retry=True):
        conn = None
        try:
            with self.pool.connection() as conn:
                return fn(conn)
        except self._data_errors as exc:
            raise EntryRefused("PostgreSQL: " + (str(exc).strip() or type(exc).__name__)) from exc
        except self._pool_errors as exc:
            if retry and conn is not None and conn.broken:
                self.pool.check()           # drop the other connections the restart broke
                return self._run(fn, retry=False)
            raise StoreError("PostgreSQL: " + (str(exc).strip() or type(exc).__name__)) from exc

    def migrate(self):
        def step(conn):
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)",        # one migrator at a time
                             (migrations.ADVISORY_LOCK,))
                conn.execute(migrations.VERSION_TABLE)
                row = conn.execute("SELECT version FROM consent_log_schema").fetchone()
                version = row[0] if row else 0
                if version > migrations.LATEST:
                    raise StoreError("the database is at schema version %d; this Consentry knows %d"
                                     % (version, migrations.LATEST))
                for n in range(version, migrations.LATEST):
                    for sql in migrations.STEPS[n]["postgresql"]:
                        conn.execute(sql)
                if row is None:
                    conn.execute("INSERT INTO consent_log_schema VALUES (%s)", (migrations.LATEST,))
                else:
                    conn.execute("UPDATE consent_log_schema SET version = %s", (migrations.LATEST,))
            return migrations.LATEST
        return self._run(step)

    _INSERT = ("INSERT INTO consent_log (%s) SELECT %s FROM json_populate_recordset("
               "NULL::consent_log, %%s::json) ON CONFLICT DO NOTHING"
               % (", ".join(INSERT_COLUMNS), ", ".join(INSERT_COLUMNS)))

    def insert_many(self, entries):
        # One statement: the batch as a JSON array of the entries, whose keys are the column
        # names (the server reads the columns it selects; categories and services stay JSON
        # objects, kept as sent). ASCII escapes: text the server cannot store fails on the
        # server, as a DataError, not in the client's encoder.
        data = json.dumps(entries, separators=(",", ":"))
        return self._run(lambda conn: conn.execute(self._INSERT, (data,)).rowcount)

    def _select(self, where, params, order, limit=None):
        sql = _SELECT + where + " ORDER BY " + order + ("" if limit is None else " LIMIT %d" % limit)
        return self._run(lambda conn: [_row(r, False) for r in conn.execute(sql, params)])

    def history(self, consent_id):
        return self._select(" WHERE consent_id = %s", (consent_id,), "given_at, seq")

    def export(self, since_ms):
        try:
            with self.pool.connection() as conn:
                with conn.transaction():
                    cur = conn.cursor(name="consentry_export")     # server-side: bounded memory
                    cur.execute(_SELECT + " WHERE received_at >= %s ORDER BY received_at, seq",
                                (since_ms,))
                    for r in cur:
                        yield _row(r, False)
        except self._pool_errors as exc:
            raise StoreError(str(exc).strip() or type(exc).__name__) from exc

    def recent(self, n):
        return self._select("", (), "seq DESC", int(n))

    def purge(self, before_ms):
        def step(conn):
            with conn.transaction():
                return conn.execute("DELETE FROM consent_log WHERE received_at < %s",
                                    (before_ms,)).rowcount
        return self._run(step)

    def stats(self, since_ms=0):
        sql = ("SELECT to_char(to_timestamp(received_at / 1000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') "
               "AS day, method, count(*) FROM consent_log WHERE received_at >= %s "
               "GROUP BY day, method ORDER BY day, method")
        return self._run(lambda conn: [tuple(r) for r in conn.execute(sql, (since_ms,))])

    def count(self):
        return self._run(lambda conn: conn.execute("SELECT count(*) FROM consent_log").fetchone()[0])

    def close(self):
        self.pool.close()
