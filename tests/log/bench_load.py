"""Load and fault benchmark of the consent-log receiver (a script, never a test; loopback only).

    .venv/bin/python tests/log/bench_load.py [--db sqlite|postgresql] [--requests 60000]
        [--seconds 30] [--clients 64] [--procs 2] [--workers 1] [--restart-at 0] [--sync full]

It starts ``consentry log serve`` (uvicorn, as deployed) on 127.0.0.1 against a fresh SQLite file
or a throw-away PostgreSQL cluster (``pgcluster.py``, default durable settings), then sends
distinct beacons from ``--clients`` concurrent keep-alive connections spread over ``--procs``
processes, until ``--requests`` are answered or ``--seconds`` pass (both bound the run). It
reports accepted/s, p50/p99 latency, the answers by status, and checks the database: the row
count equals the number of 204 answers and every beacon answered 204 is stored (nothing lost,
nothing doubled).

``--restart-at S`` (PostgreSQL): restart the server S seconds into the run (``pg_ctl restart -m
fast``). The receiver must recover by itself; beacons it could not store must get an error status,
never 204: the report lists the answers second by second and checks every 204 is in the table.

The receiver's rate limit is raised for the run (all clients share 127.0.0.1). Prints a JSON
summary and a Markdown table row.
"""

import argparse
import asyncio
import collections
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import pgcluster  # noqa: E402

BODY = ('{"id":"%s","revision":1,"method":"all","mode":"opt-in","givenAt":%d,"gpc":false,'
        '"categories":{"necessary":true,"functionality":true,"analytics":true,"targeting":true},'
        '"services":{"necessary":{},"functionality":{},"analytics":{"ga":true},"targeting":{}},'
        '"path":"/index.html"}')


async def _one_client(port, ids, deadline, out):
    head = ("POST /consent-log HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: http://127.0.0.1:%d\r\n"
            "Content-Type: text/plain;charset=UTF-8\r\nContent-Length: %%d\r\n\r\n" % (port, port))
    reader = writer = None
    for cid in ids:
        if time.monotonic() > deadline:
            break
        body = (BODY % (cid, int(time.time() * 1000))).encode()
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write((head % len(body)).encode() + body)
            response = await reader.readuntil(b"\r\n\r\n")
            status = int(response[9:12])
            length = 0
            for line in response.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            if length:
                await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0                      # connection refused/reset: not accepted
            if writer is not None:
                writer.close()
            reader = writer = None
        t1 = time.perf_counter()
        out["lat"].append(t1 - t0)
        out["status"][status] += 1
        out["timeline"].append((time.time(), status))
        if status == 204:
            out["accepted"].append(cid)
    if writer is not None:
        writer.close()


def _proc(args):
    """One load process: ``clients`` connections sharing its slice of the ids."""
    port, proc, procs, clients, total, deadline_wall = args
    try:
        import uvloop
        uvloop.install()
    except ImportError:
        pass
    out = {"lat": [], "status": collections.Counter(), "timeline": [], "accepted": []}
    mine = ["bench-%d-%08d" % (proc, n) for n in range(proc, total, procs)]

    async def main():
        deadline = time.monotonic() + (deadline_wall - time.time())
        await asyncio.gather(*[_one_client(port, mine[c::clients], deadline, out) for c in range(clients)])
    asyncio.run(main())
    return out


def _wait_port(port, proc, timeout=60):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError("consentry log serve exited: %s" % proc.stderr.read().decode())
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the receiver did not start")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else float("nan")


def run(opts):
    cluster = None
    tmp = tempfile.mkdtemp(prefix="consentry-bench-")
    if opts.db == "postgresql":
        cluster = pgcluster.Cluster(settings=["max_connections=50"])
        url = cluster.create_database("bench")
    else:
        url = "sqlite:///" + os.path.join(tmp, "consent-log.db") + "?synchronous=" + opts.sync
    port = pgcluster.free_port()
    server = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "consentry"), "log", "serve", "--db", url,
         "--port", str(port), "--rate", "1e9", "--burst", str(10 ** 9), "--workers", str(opts.workers)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_port(port, server)
        load_before = os.getloadavg()[0]
        start = time.time()
        deadline = start + opts.seconds
        with multiprocessing.Pool(opts.procs) as pool:
            job = pool.map_async(_proc, [(port, p, opts.procs, opts.clients // opts.procs,
                                          opts.requests, deadline) for p in range(opts.procs)])
            restarted = None
            if opts.restart_at and cluster is not None:
                time.sleep(opts.restart_at)
                t0 = time.time()
                cluster.stop("fast")
                cluster.start()
                restarted = (t0 - start, time.time() - start)
            results = job.get()
        elapsed = max(t for r in results for t, _ in r["timeline"]) - start
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(30)
    from consentry.log.store import open_store
    store = open_store(url)
    rows = store.count()
    stored_ids = set(r["consent_id"] for r in store.export(0))
    store.close()
    if cluster is not None:
        cluster.destroy()
    lat = [x for r in results for x in r["lat"]]
    status = collections.Counter()
    for r in results:
        status.update(r["status"])
    accepted = [cid for r in results for cid in r["accepted"]]
    timeline = collections.defaultdict(collections.Counter)
    for r in results:
        for t, s in r["timeline"]:
            timeline[int(t - start)][s] += 1
    lost = [cid for cid in accepted if cid not in stored_ids]
    summary = {
        "db": opts.db + (" sync=" + opts.sync if opts.db == "sqlite" else ""), "workers": opts.workers, "clients": opts.clients, "procs": opts.procs,
        "answered": len(lat), "seconds": round(elapsed, 2),
        "accepted": len(accepted), "accepted_per_s": round(len(accepted) / elapsed),
        "p50_ms": round(pct(lat, 0.50) * 1000, 1), "p99_ms": round(pct(lat, 0.99) * 1000, 1),
        "status": {str(k): v for k, v in sorted(status.items())},
        "rows": rows, "rows_equal_accepted": rows == len(accepted),
        "accepted_but_missing": len(lost), "stored_but_not_accepted": rows - (len(accepted) - len(lost)),
        "load_1min_before_after": [round(load_before, 2), round(load_after, 2)],
        "cores": os.cpu_count(),
    }
    if restarted:
        summary["restart_s"] = [round(x, 2) for x in restarted]
        summary["per_second"] = {str(k): {str(s): n for s, n in sorted(v.items())}
                                 for k, v in sorted(timeline.items())}
    return summary


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--requests", type=int, default=60_000)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--clients", type=int, default=64)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--restart-at", type=float, default=0.0)
    ap.add_argument("--sync", choices=("full", "normal"), default="full", help="SQLite synchronous")
    opts = ap.parse_args()
    if opts.seconds > 300 or opts.requests > 2_000_000:
        ap.error("bounded run: at most 300 s and 2,000,000 requests")
    summary = run(opts)
    print(json.dumps(summary, indent=1))
    print("| %s | %d | %d | %d | %s | %s | %d | %s |" % (
        summary["db"], summary["workers"], summary["clients"], summary["accepted_per_s"],
        summary["p50_ms"], summary["p99_ms"], summary["rows"],
        "yes" if summary["rows_equal_accepted"] else "NO"))
    return 0 if summary["accepted_but_missing"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
