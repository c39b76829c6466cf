"""``consentry log show|export|purge|stats`` on both databases, through the real entry point."""

import csv
import io
import json
import subprocess
import sys
import time

from beacons import beacon, encode

from consentry.cli import main
from consentry.log.payload import parse_beacon
from consentry.log.store import open_store

DAY = 86_400_000


def _fill(url):
    now = int(time.time() * 1000)
    rows = []
    for cid, given, method in [("visitor-0001", now - 2000, "all"), ("visitor-0001", now - 1000, "necessary"),
                               ("visitor-0002", now - 500, "custom"), ("visitor-0old", now - 500 * DAY, "all")]:
        e = parse_beacon(encode(beacon(cid, given, method)))[0]
        e["received_at"] = given + 10
        e["ip_prefix"] = None
        rows.append(e)
    s = open_store(url)
    s.migrate()
    s.insert_many(rows)
    s.close()
    return now


def test_show_export_stats_purge(db_url, capsys):
    _fill(db_url)
    assert main(["log", "show", "visitor-0001", "--db", db_url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "all" in out[0] and "necessary=yes; analytics=yes (ga=yes)" in out[1]
    assert "necessary" in out[2].split()[1] and "analytics=no (ga=no)" in out[3]

    assert main(["log", "export", "--db", db_url, "--since", "30d", "--format", "jsonl"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["consent_id"] for x in lines] == ["visitor-0001", "visitor-0001", "visitor-0002"]

    assert main(["log", "export", "--db", db_url, "--format", "csv"]) == 0
    table = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(table) == 4 and json.loads(table[0]["categories"]) == {"necessary": True, "analytics": True}

    assert main(["log", "stats", "--db", db_url]) == 0
    stats = capsys.readouterr().out
    assert "(any)" in stats and stats.rstrip().endswith("4")

    assert main(["log", "purge", "--db", db_url, "--older-than", "400d"]) == 0
    assert capsys.readouterr().out.startswith("1 row(s)")
    assert main(["log", "show", "visitor-0old", "--db", db_url]) == 1


def test_bad_input_is_one_line_not_a_traceback(sqlite_url, capsys):
    assert main(["log", "show", "' OR 1=1 --", "--db", sqlite_url]) == 2
    assert main(["log", "purge", "--db", sqlite_url, "--older-than", "forever"]) == 1
    assert main(["log", "export", "--db", sqlite_url, "--since", "yesterday-ish"]) == 1
    assert main(["log", "stats", "--db", "mysql://x"]) == 1
    assert main(["log", "stats", "--db", "postgresql://nobody@127.0.0.1:1/none"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("consentry log:") == 5


def test_the_command_is_installed():
    out = subprocess.run([sys.executable, "-m", "consentry.cli", "log", "--help"],
                         capture_output=True, text=True, check=True).stdout
    for name in ("serve", "show", "export", "purge", "partition", "stats"):
        assert name in out


def test_serve_runs_the_receiver_behind_uvicorn(tmp_path):
    """`consentry log serve` as deployed: a worker process, a beacon, the row, a clean stop."""
    import http.client
    import os
    import signal

    from beacons import free_port, wait_until

    db = "sqlite:///" + str(tmp_path / "served.db")
    port = free_port()
    proc = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "consentry"), "log", "serve",
                             "--db", db, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        def post():
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("POST", "/consent-log", body=encode(beacon("served-visitor")),
                             headers={"Content-Type": "text/plain;charset=UTF-8",
                                      "Origin": "http://127.0.0.1:%d" % port})
                return conn.getresponse().status
            except OSError:
                return None
        wait_until(lambda: post() == 204, timeout=30, what="consentry log serve to answer 204")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert "POST http://127.0.0.1:%d/consent-log" % port in out
    assert "Traceback" not in err
    s = open_store(db)
    assert [r["consent_id"] for r in s.history("served-visitor")] == ["served-visitor"]
    s.close()
