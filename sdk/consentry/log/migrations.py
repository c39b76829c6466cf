"""The consent log's one schema, as versioned migration steps per database.

``STEPS`` is append-only: step N brings a database from version N-1 to N. A database records its
version in ``consent_log_schema``; ``store.migrate()`` runs the missing steps in one transaction
(under an advisory lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) so several receivers
starting at once migrate exactly once. Never edit a released step: add one. A PostgreSQL step
must also work on a ``consent_log`` that ``consentry log partition`` made a partitioned table
(``partitions.py``): ``ALTER TABLE`` on the parent reaches every partition, but a unique index
must include ``given_at`` (the partition key) and ``CREATE INDEX CONCURRENTLY`` is refused.

Columns (both databases; see docs/consent-log.md for what each holds and why):
``seq`` (arrival order), ``consent_id``, ``given_at`` (ms, the browser's clock), ``received_at``
(ms, the receiver's clock), ``revision``, ``method``, ``mode``, ``gpc``, ``categories`` and
``services`` (JSON), ``path``, ``ip_prefix`` (only when the site turns it on).
"""

STEPS = [
    {   # 1: the log, one row per (consent id, given-at): the same beacon twice is stored once
        "sqlite": [
            """CREATE TABLE consent_log (
                seq INTEGER PRIMARY KEY AUTOINCREMENT,
                consent_id TEXT NOT NULL,
                given_at INTEGER NOT NULL,
                received_at INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                method TEXT NOT NULL,
                mode TEXT NOT NULL,
                gpc INTEGER NOT NULL CHECK (gpc IN (0, 1)),
                categories TEXT NOT NULL,
                services TEXT NOT NULL,
                path TEXT NOT NULL,
                ip_prefix TEXT,
                UNIQUE (consent_id, given_at))""",
            "CREATE INDEX consent_log_received_at ON consent_log (received_at)",
        ],
        "postgresql": [
            """CREATE TABLE consent_log (
                seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                consent_id TEXT NOT NULL,
                given_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL,
                revision INTEGER NOT NULL,
                method TEXT NOT NULL,
                mode TEXT NOT NULL,
                gpc BOOLEAN NOT NULL,
                categories JSON NOT NULL,      -- json, not jsonb: kept as sent, in order
                services JSON NOT NULL,
                path TEXT NOT NULL,
                ip_prefix TEXT,
                UNIQUE (consent_id, given_at))""",
            "CREATE INDEX consent_log_received_at ON consent_log (received_at)",
        ],
    },
]

# The PostgreSQL advisory lock (pg_advisory_xact_lock) of every schema change: migrations, and
# the monthly partitioning of ``partitions.py``, so two of them never interleave.
ADVISORY_LOCK = 7140517
VERSION_TABLE = "CREATE TABLE IF NOT EXISTS consent_log_schema (version INTEGER NOT NULL)"
LATEST = len(STEPS)
