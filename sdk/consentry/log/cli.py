"""``consentry log serve|show|export|purge|partition|stats``: registered by ``consentry.cli``.

Registration imports nothing but argparse; each command imports what it needs when it runs.
The database comes from ``--db`` or ``CONSENTRY_LOG_DB`` (default ``sqlite:///consent-log.db``).
"""

import os
import sys

DEFAULT_DB = "sqlite:///consent-log.db"


def _store(args, postgresql_only=False):
    from .store import open_store

    store = open_store(args.db)
    try:
        if postgresql_only:         # before migrating: a SQLite file is not even created
            from .partitions import require_postgresql

            require_postgresql(store)
        store.migrate()
    except BaseException:
        store.close()           # a pool left open would keep retrying after the error is shown
        raise
    return store


def _now_ms():
    import time

    return int(time.time() * 1000)


def cmd_serve(args):
    from . import serve

    settings = {"db": args.db, "path": args.path, "allowed_origins": args.allow_origin,
                "max_bytes": args.max_bytes, "rate": args.rate, "burst": args.burst,
                "store_ip": args.store_ip}
    store = _store(args)            # fail here, with one clear line, not in every worker
    where = store.describe()
    store.close()
    print("Consentry consent log: POST http://%s:%d%s -> %s (%d worker(s); Ctrl-C to stop)"
          % (args.host, args.port, args.path, where, args.workers), flush=True)
    serve.run(settings, args.host, args.port, args.workers, args.forwarded_allow_ips)
    return 0


def cmd_show(args):
    from consentry.engine import record

    from . import audit

    if not record.is_consent_id(args.consent_id):
        print("consentry log: %r is not a consent id (8 to 64 of A-Z a-z 0-9 - _)"
              % args.consent_id, file=sys.stderr)
        return 2
    store = _store(args)
    try:
        rows = store.history(args.consent_id)
    finally:
        store.close()
    if not rows:
        print("no choice recorded for %s" % args.consent_id, file=sys.stderr)
        return 1
    audit.write_history(rows, sys.stdout)
    return 0


def cmd_export(args):
    from . import audit

    since = audit.parse_since(args.since, _now_ms()) if args.since else 0
    store = _store(args)
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        n = audit.write_export(store.export(since), args.format, out)
    finally:
        store.close()
        if args.output:
            out.close()
    print("%d row(s) exported" % n, file=sys.stderr)
    return 0


def cmd_purge(args):
    from . import audit, partitions

    before = _now_ms() - audit.parse_age(args.older_than)
    store = _store(args)
    try:
        done = partitions.purge(store, before)
    finally:
        store.close()
    for table, rows in done["dropped"]:
        print("dropped %s (%d row(s))" % (table, rows))
    for table, why in done["kept"]:
        print("kept %s: %s; its older rows are deleted instead" % (table, why))
    by_drop = sum(rows for _, rows in done["dropped"])
    print("%d row(s) received before %s deleted%s"
          % (by_drop + done["deleted"], audit.iso(before),
             " (%d in %d dropped month partition(s), %d by DELETE)"
             % (by_drop, len(done["dropped"]), done["deleted"]) if done["dropped"] else ""))
    return 0


def cmd_partition(args):
    from . import partitions

    store = _store(args, postgresql_only=True)
    try:
        done = partitions.partition(store, _now_ms(), args.ahead)
    finally:
        store.close()
    if done["converted"] is not None:
        print("consent_log converted to monthly partitions: %d row(s) copied, a DEFAULT "
              "partition for the months without one" % done["converted"])
    for table, moved in done["created"]:
        print("created %s%s" % (table, " (%d row(s) moved from DEFAULT)" % moved if moved else ""))
    if not done["created"]:
        print("nothing to do: this month and the next %d have their partitions" % args.ahead)
    return 0


def cmd_stats(args):
    from . import audit

    since = audit.parse_since(args.since, _now_ms()) if args.since else 0
    store = _store(args)
    try:
        rows = store.stats(since)
    finally:
        store.close()
    audit.write_stats(rows, sys.stdout)
    return 0


def _guarded(func):
    """Database and input problems: one line on stderr, exit status 1; never a traceback."""
    def run(args):
        from .store import StoreError

        try:
            return func(args)
        except (StoreError, ValueError, OSError) as exc:
            print("consentry log: %s" % exc, file=sys.stderr)
            return 1
    return run


def register(sub):
    """Add ``consentry log ...`` (see consentry.cli)."""
    p_log = sub.add_parser("log", help="proof-of-consent log: receiver and auditor's commands")
    log_sub = p_log.add_subparsers(dest="log_command", metavar="LOG_COMMAND", required=True)

    def command(name, func, help_text):
        p = log_sub.add_parser(name, help=help_text)
        p.add_argument("--db", default=os.environ.get("CONSENTRY_LOG_DB", DEFAULT_DB),
                       help="sqlite:///file.db or postgresql://user@host/db "
                            "(default: $CONSENTRY_LOG_DB or %s)" % DEFAULT_DB)
        p.set_defaults(func=_guarded(func))
        return p

    p = command("serve", cmd_serve, "receive the SDK's beacons (behind uvicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument("--path", default="/consent-log", help="beacon path (default /consent-log)")
    p.add_argument("--allow-origin", action="append", default=[], metavar="ORIGIN",
                   help="origin allowed to send beacons, e.g. https://www.example.com "
                        "(repeatable; default: the request's own host)")
    p.add_argument("--max-bytes", type=int, default=32 * 1024, help="body size limit")
    p.add_argument("--rate", type=float, default=5.0, help="beacons a second per client")
    p.add_argument("--burst", type=int, default=20, help="burst per client")
    p.add_argument("--store-ip", action="store_true",
                   help="also store the client's network (IPv4 /24, IPv6 /48); off by default")
    p.add_argument("--workers", type=int, default=1, help="worker processes")
    p.add_argument("--forwarded-allow-ips", metavar="IPS",
                   help="reverse proxies trusted for X-Forwarded-For (the client address of "
                        "the rate limit and --store-ip); default: none")

    p = command("show", cmd_show, "the full history of one visitor's choices, oldest first")
    p.add_argument("consent_id")

    p = command("export", cmd_export, "every row since a time, as JSON lines or CSV")
    p.add_argument("--since", help="2026-01-31, 2026-01-31T12:00:00Z or an age (30d)")
    p.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    p.add_argument("-o", "--output", help="file (default: standard output)")

    p = command("purge", cmd_purge, "delete rows received longer ago than an age (retention)")
    p.add_argument("--older-than", required=True, metavar="AGE", help="e.g. 400d")

    p = command("partition", cmd_partition, "PostgreSQL: partition the log by month (once), "
                "then create the coming months' partitions (run monthly)")
    p.add_argument("--ahead", type=int, default=2, metavar="N",
                   help="also create the next N months' partitions (default 2)")

    p = command("stats", cmd_stats, "choices per day and method")
    p.add_argument("--since", help="2026-01-31, 2026-01-31T12:00:00Z or an age (30d)")
