"""The receiver: one ``ConsentLog`` object, served as ASGI (``.asgi``) or WSGI (``.wsgi``).

Both adapters run the same steps, in this order, so a hostile request costs as little as
possible and nothing is stored unless every step passes:

1. path (404), method / content type / size / origin (``guard.check_request``: 405/415/413/403);
2. per-client rate limit (429, with ``Retry-After``);
3. the body, read up to the size limit (413) within ``read_timeout`` seconds (408, ASGI only:
   a WSGI server owns its sockets);
4. the payload (``payload.parse_beacon``: 400 with the reason as a short text body);
5. the row, through the group-commit writer (``writer.AsyncWriter`` for ASGI, ``writer.Writer``
   for WSGI): ``204`` once it is committed (or was already
   stored: beacons are idempotent), ``503`` with ``Retry-After`` when it could not be stored.

The receiver answers at ``path`` (``/consent-log``) or, mounted under a prefix (FastAPI
``app.mount``, werkzeug's ``DispatcherMiddleware``), at the mount point itself. Stored per beacon:
the record's fields, the page path, the time received and, only with ``store_ip=True``, the
client's network (IPv4 /24, IPv6 /48); never the address itself nor the user agent.
"""

import asyncio
import ipaddress
import threading
import time
import weakref

from . import guard, payload
from .deadlines import Deadlines
from .store import StoreError, open_store
from .writer import AsyncWriter, Writer

DEFAULT_PATH = "/consent-log"
REASONS = {204: "No Content", 400: "Bad Request", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed", 408: "Request Timeout", 413: "Content Too Large",
           415: "Unsupported Media Type", 429: "Too Many Requests", 503: "Service Unavailable"}


# The request headers the steps read (ASGI servers send names in lower case).
_WANTED = {b"content-type": "content-type", b"content-length": "content-length",
           b"origin": "origin", b"host": "host"}


class BodyTooLarge(Exception):
    """The body outgrew the limit while it was read (no Content-Length, or a false one)."""


def ip_prefix(address):
    """The network of a client address: IPv4 /24, IPv6 /48 (None when it is not an address)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    bits = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network("%s/%d" % (ip, bits), strict=False))


class ConsentLog:
    """A consent-log receiver on one database.

    ``db``: a URL (``sqlite:///consent-log.db``, ``postgresql://...``) or a store from
    ``store.open_store``. The schema is migrated on creation. ``allowed_origins``: the origins
    (``https://www.example.com``) whose pages may send beacons; empty = the request's own host.
    """

    def __init__(self, db, path=DEFAULT_PATH, allowed_origins=(), max_bytes=32 * 1024,
                 rate=5.0, burst=20, store_ip=False, read_timeout=5.0, wait_timeout=10.0,
                 writer_threads=None, migrate=True):
        self.store = open_store(db) if isinstance(db, str) else db
        if migrate:
            self.store.migrate()
        self.path = path
        self.allowed_origins = guard.normalise_origins(allowed_origins)
        self.max_bytes = max_bytes
        self.limit = guard.RateLimit(rate, burst)
        self.store_ip = store_ip
        self.read_timeout = read_timeout
        self.wait_timeout = wait_timeout
        if writer_threads is None:     # SQLite has one writer at a time; PostgreSQL overlaps commits
            writer_threads = 4 if self.store.dialect == "postgresql" else 1
        self.writer_threads = writer_threads
        self._writer = None             # WSGI: threads, made on first use
        self._writer_lock = threading.Lock()
        self._per_loop = weakref.WeakKeyDictionary()   # ASGI: loop -> (its writer, its limits)
        self._last = (None, None)                       # the last loop used and its pair
        self._responses = {}                    # ASGI: (status, reason) -> the messages to send

    def close(self):
        if self._writer is not None:
            self._writer.close()
        for w, _ in list(self._per_loop.values()):
            w.close()
        self.store.close()

    def writer(self):
        if self._writer is None:
            with self._writer_lock:
                if self._writer is None:
                    self._writer = Writer(self.store, threads=self.writer_threads)
        return self._writer

    def _for_loop(self):
        """The running loop's group-commit writer and time limits (one of each per loop)."""
        loop = asyncio.get_running_loop()
        if self._last[0] is not loop:
            pair = self._per_loop.get(loop)
            if pair is None:
                pair = self._per_loop[loop] = (
                    AsyncWriter(self.store, threads=self.writer_threads), Deadlines(loop))
            self._last = (loop, pair)
        return self._last[1]

    # ---------------------------------------------------------------- the steps, shared
    def admit(self, method, path, mounted, headers, client):
        """Steps 1 and 2: ``None`` when the body may be read, else ``(status, reason)``."""
        if path not in (self.path, self.path + "/") and not (mounted and path in ("", "/")):
            return 404, "not-found"
        refused = guard.check_request(method, headers, self.max_bytes, self.allowed_origins)
        if refused is not None:
            return refused
        if not self.limit.allow(client):
            return 429, "rate-limited"
        return None

    def entry(self, body, client):
        """Step 4: the row to store, or ``(status, reason)``."""
        entry, reason = payload.parse_beacon(body)
        if entry is None:
            return 400, reason
        entry["received_at"] = int(time.time() * 1000)
        entry["ip_prefix"] = ip_prefix(client) if self.store_ip else None
        return entry

    @staticmethod
    def response(status, reason):
        """``(status, headers, body)`` for a decision."""
        headers = [("cache-control", "no-store")]
        if status == 204:
            return status, headers, b""
        headers.append(("content-type", "text/plain; charset=utf-8"))
        if status == 405:
            headers.append(("allow", "POST"))
        if status in (429, 503):
            headers.append(("retry-after", "1" if status == 429 else "5"))
        body = (reason + "\n").encode()
        headers.append(("content-length", str(len(body))))
        return status, headers, body

    # ---------------------------------------------------------------- ASGI
    async def asgi(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        decision = await self._asgi_decide(scope, receive)
        messages = self._responses.get(decision)
        if messages is None:        # a handful of (status, reason) pairs: built once each
            status, headers, body = self.response(*decision)
            messages = self._responses[decision] = (
                {"type": "http.response.start", "status": status,
                 "headers": [(k.encode(), v.encode()) for k, v in headers]},
                {"type": "http.response.body", "body": body})
        await send(messages[0])
        await send(messages[1])

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _asgi_decide(self, scope, receive):
        root = scope.get("root_path", "")
        path = scope["path"]
        if root and path.startswith(root):
            path = path[len(root):]
        headers = {}
        for k, v in scope["headers"]:
            name = _WANTED.get(k) or _WANTED.get(k.lower())
            if name is not None:
                headers[name] = v.decode("latin-1")
        client = (scope.get("client") or ("", 0))[0]
        refused = self.admit(scope["method"], path, bool(root), headers, client)
        if refused is not None:
            return refused
        writer, deadlines = self._for_loop()
        try:
            body = await deadlines.within(self.read_timeout, self._read_asgi(receive))
        except BodyTooLarge:
            return 413, "too-large"
        except TimeoutError:        # too slow, or the client went away before the end of its body
            return 408, "too-slow"
        entry = self.entry(body, client)
        if isinstance(entry, tuple):
            return entry
        try:
            await deadlines.within(self.wait_timeout, writer.write(entry))
        except (StoreError, TimeoutError):
            return 503, "not-stored"
        return 204, "stored"

    async def _read_asgi(self, receive):
        chunks = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise asyncio.TimeoutError()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise BodyTooLarge()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    # ---------------------------------------------------------------- WSGI
    def wsgi(self, environ, start_response):
        status, reason = self.wsgi_decide(environ)
        status, headers, body = self.response(status, reason)
        start_response("%d %s" % (status, REASONS[status]), headers)
        return [body]

    def wsgi_decide(self, environ):
        """``(status, reason)`` for a WSGI environ (also used by the Django view)."""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        for k in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(k):
                headers[k.replace("_", "-").lower()] = environ[k]
        client = environ.get("REMOTE_ADDR", "")
        refused = self.admit(environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""),
                             bool(environ.get("SCRIPT_NAME")), headers, client)
        if refused is not None:
            return refused
        length = int(headers.get("content-length") or 0)    # digits only: checked by admit()
        body = environ["wsgi.input"].read(length) if length else b""
        entry = self.entry(body, client)
        if isinstance(entry, tuple):
            return entry
        try:
            self.writer().submit(entry).result(self.wait_timeout)
        except (StoreError, TimeoutError):
            return 503, "not-stored"
        return 204, "stored"
