"""Beacons as the SDK sends them, and a real server for the receiver (uvicorn in a thread)."""

import http.client
import json
import socket
import threading
import time

import uvicorn


def beacon(consent_id="visitor-0001", given_at=None, method="all", **changes):
    """A beacon exactly as the SDK sends it (shell/main.py), as a dict."""
    body = {"id": consent_id, "revision": 1, "method": method, "mode": "opt-in",
            "givenAt": int(time.time() * 1000) if given_at is None else given_at, "gpc": False,
            "categories": {"necessary": True, "analytics": method == "all"},
            "services": {"necessary": {}, "analytics": {"ga": method == "all"}},
            "path": "/qa.html"}
    body.update(changes)
    return body


def encode(body):
    return json.dumps(body).encode()


def wait_until(predicate, timeout=10.0, what="condition"):
    """Wait for a condition (checked every 10 ms), failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    done = threading.Event()
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        done.wait(0.01)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """An ASGI app behind a real uvicorn on 127.0.0.1 (a thread of this process)."""

    def __init__(self, app):
        self.port = free_port()
        self.origin = "http://127.0.0.1:%d" % self.port
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, lifespan="off",
                                log_level="warning", interface="asgi3", http="httptools",
                                access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        wait_until(lambda: self.server.started, what="uvicorn to start")

    def post(self, body, path="/consent-log", headers=None, method="POST"):
        """(status, body text) of one request; ``headers`` replace the browser-like defaults."""
        sent = {"Content-Type": "text/plain;charset=UTF-8", "Origin": self.origin}
        sent.update(headers or {})
        sent = {k: v for k, v in sent.items() if v is not None}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=sent)
            resp = conn.getresponse()
            return resp.status, resp.read().decode()
        finally:
            conn.close()

    def stop(self):
        self.server.should_exit = True
        self.thread.join(10)
