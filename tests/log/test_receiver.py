"""The receiver behind a real uvicorn, on both databases: what is stored, what is refused."""

import http.client
import json
import socket

import pytest
from beacons import Served, beacon, encode, wait_until

from consentry.log.app import ConsentLog, ip_prefix
from consentry.log.store import open_store


@pytest.fixture
def served(db_url):
    log = ConsentLog(db_url, read_timeout=0.5)
    srv = Served(log.asgi)
    yield srv, log
    srv.stop()
    log.close()


def test_a_beacon_is_stored_once(served):
    srv, log = served
    body = encode(beacon())
    assert srv.post(body) == (204, "")
    assert srv.post(body) == (204, "")                  # idempotent: same id and given-at
    rows = log.store.history("visitor-0001")
    assert len(rows) == 1
    assert rows[0]["ip_prefix"] is None                 # data minimisation: no address
    assert srv.post(body, headers={"Content-Type": "application/json"}) == (204, "")
    assert log.store.count() == 1


HOSTILE = [
    # (body, path, headers, method) -> status
    (b"{not json", "/consent-log", {}, "POST", 400, "bad-json"),
    (json.dumps(beacon(revision="1")).encode(), "/consent-log", {}, "POST", 400, "bad-revision"),
    (json.dumps(beacon(id="1' OR 1=1;--")).encode(), "/consent-log", {}, "POST", 400, "bad-id"),
    (json.dumps(dict(beacon(), admin=True)).encode(), "/consent-log", {}, "POST", 400, "bad-fields"),
    (encode(beacon()), "/consent-log", {"Origin": "http://evil.example"}, "POST", 403, "origin-refused"),
    (encode(beacon()), "/consent-log", {"Origin": None}, "POST", 403, "origin-refused"),
    (encode(beacon()), "/consent-log", {"Origin": "null"}, "POST", 403, "origin-refused"),
    (encode(beacon()), "/consent-log", {"Content-Type": "application/x-www-form-urlencoded"},
     "POST", 415, "unsupported-media-type"),
    (encode(beacon()), "/consent-log", {"Content-Type": "text/plain; charset=latin-1"},
     "POST", 415, "unsupported-media-type"),
    (encode(beacon()), "/consent-log", {}, "PUT", 405, "method-not-allowed"),
    (None, "/consent-log", {}, "GET", 405, "method-not-allowed"),
    (encode(beacon()), "/other", {}, "POST", 404, "not-found"),
    (b"x" * (64 * 1024), "/consent-log", {}, "POST", 413, "too-large"),
]


def test_hostile_requests_get_a_clear_4xx_and_store_nothing(served):
    srv, log = served
    for body, path, headers, method, status, reason in HOSTILE:
        assert srv.post(body, path, headers, method) == (status, reason + "\n"), (path, headers, method)
    assert log.store.count() == 0


def _raw(srv, data, shutdown=False):
    """Send raw bytes on a socket; the status line of the answer."""
    with socket.create_connection(("127.0.0.1", srv.port), timeout=10) as s:
        s.sendall(data)
        if shutdown:
            s.shutdown(socket.SHUT_WR)
        return s.makefile("rb").readline().decode()


def test_a_huge_chunked_body_is_cut_off(served):
    srv, log = served
    head = ("POST /consent-log HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: %s\r\n"
            "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n" % (srv.port, srv.origin))
    chunk = b"%x\r\n%s\r\n" % (8192, b"a" * 8192)
    assert _raw(srv, head.encode() + chunk * 6).startswith("HTTP/1.1 413")
    assert log.store.count() == 0


def test_a_slow_client_gets_408(served):
    srv, log = served
    head = ("POST /consent-log HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nOrigin: %s\r\n"
            "Content-Type: text/plain\r\nContent-Length: 400\r\n\r\n{\"id\":" % (srv.port, srv.origin))
    assert _raw(srv, head.encode()).startswith("HTTP/1.1 408")    # read_timeout=0.5 s
    assert log.store.count() == 0


def test_rate_limit_per_client(sqlite_url):
    log = ConsentLog(sqlite_url, rate=0.001, burst=3)
    srv = Served(log.asgi)
    try:
        statuses = [srv.post(encode(beacon(given_at=1_764_600_000_000 + i)))[0] for i in range(5)]
        assert statuses == [204, 204, 204, 429, 429]
        assert log.store.count() == 3
    finally:
        srv.stop()
        log.close()


def test_allow_list_and_truncated_ip(sqlite_url):
    log = ConsentLog(sqlite_url, allowed_origins=["https://www.example.com/"], store_ip=True)
    srv = Served(log.asgi)
    try:
        assert srv.post(encode(beacon()))[0] == 403                  # own host is no longer enough
        assert srv.post(encode(beacon()), headers={"Origin": "https://WWW.example.com"})[0] == 204
        assert log.store.history("visitor-0001")[0]["ip_prefix"] == "127.0.0.0/24"
    finally:
        srv.stop()
        log.close()
    assert ip_prefix("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert ip_prefix("::ffff:203.0.113.9") == "203.0.113.0/24"
    assert ip_prefix("not an address") is None


def test_postgresql_restart_answers_503_then_recovers(pg_cluster, pg_url):
    log = ConsentLog(open_store(pg_url, timeout=1.0))
    srv = Served(log.asgi)
    try:
        assert srv.post(encode(beacon("visitor-before")))[0] == 204
        pg_cluster.stop()
        try:
            assert srv.post(encode(beacon("visitor-during")))[0] == 503     # never a false 204
        finally:
            pg_cluster.start()
        wait_until(lambda: srv.post(encode(beacon("visitor-after")))[0] == 204, timeout=30,
                   what="the receiver to store again after the restart")
        ids = [r["consent_id"] for r in log.store.export(0)]
        assert "visitor-before" in ids and "visitor-after" in ids and "visitor-during" not in ids
    finally:
        srv.stop()
        log.close()


def test_a_database_that_hangs_gets_503_within_the_wait_limit(pg_url):
    # Another session holds the table locked: the receiver's insert waits; the request is
    # answered 503 once wait_timeout has passed, and the receiver stores again once it is free.
    import time

    import psycopg

    log = ConsentLog(pg_url, wait_timeout=0.5)
    srv = Served(log.asgi)
    locker = psycopg.connect(pg_url)
    try:
        locker.execute("LOCK TABLE consent_log IN ACCESS EXCLUSIVE MODE")
        t0 = time.monotonic()
        assert srv.post(encode(beacon("visitor-while-locked")))[0] == 503
        assert 0.5 <= time.monotonic() - t0 < 5
        locker.rollback()
        wait_until(lambda: srv.post(encode(beacon("visitor-after")))[0] == 204, timeout=30,
                   what="the receiver to store again once the lock is gone")
    finally:
        locker.close()
        srv.stop()
        log.close()


def test_wsgi_behind_wsgiref(db_url):
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    log = ConsentLog(db_url)
    httpd = make_server("127.0.0.1", 0, log.wsgi, handler_class=Quiet)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_address[1]
    try:
        def post(body, origin="http://127.0.0.1:%d" % port, path="/consent-log"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", path, body=body, headers={"Content-Type": "text/plain;charset=UTF-8",
                                                            "Origin": origin})
            resp = conn.getresponse()
            return resp.status, resp.read()
        assert post(encode(beacon())) == (204, b"")
        assert post(encode(beacon()), origin="http://evil.example")[0] == 403
        assert post(b"[1]")[0] == 400
        assert post(b"x" * 40000)[0] == 413
        assert log.store.count() == 1
    finally:
        httpd.shutdown()
        httpd.server_close()
        log.close()
