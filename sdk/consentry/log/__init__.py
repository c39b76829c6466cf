"""Proof-of-consent log: the receiver of the SDK's ``log.endpoint`` beacon (CPython only).

GDPR Art. 7(1) asks a site to be able to show that a visitor consented. The SDK sends one beacon
per recorded choice; this package is the other end: it checks each beacon strictly, stores it once
(SQLite by default, PostgreSQL at scale) and gives the auditor read-only commands.

Modules, one job each:

* ``payload``  -- bytes of a beacon -> a checked entry or a reason (pure, total);
* ``guard``    -- what the HTTP request must look like (content type, origin, size) and the
  per-client rate limit;
* ``migrations`` -- the one schema, as versioned steps for SQLite and PostgreSQL;
* ``store``    -- the database behind a URL: insert once, history, export, purge, stats;
* ``writer``   -- group commit: many concurrent beacons, one transaction, an answer per beacon;
* ``months``   -- UTC calendar months as ms ranges: the partitions' bounds (pure);
* ``partitions`` -- PostgreSQL: monthly partitions of the log, created ahead, dropped by purge;
* ``app``      -- the receiver as an ASGI and a WSGI application;
* ``cli``      -- ``consentry log serve|show|export|purge|partition|stats``.

See docs/consent-log.md.
"""
