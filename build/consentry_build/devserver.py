"""A small development / QA / test web server for Consentry (stdlib only).

Why a server of our own and not ``python -m http.server``:

* pages must be served over http on 127.0.0.1 (cookies, CSP and SameSite only behave like production
  over http, never on ``file://``), and some pages need **response headers** (a strict
  ``Content-Security-Policy`` page cannot be faked with a ``<meta>`` tag for every directive);
* QA must be able to simulate what a CDN or the site's server does in production: tell the SDK the
  visitor's region with ``<html data-consentry-region="FR">`` and simulate a browser that sends Global
  Privacy Control;
* tests need to know which requests a page made (e.g. "a gated tracker was never fetched"), so every
  request is logged in memory.

The bundle (``/consentry.js``, ``/consentry.d.ts``, ``/manifest.json``) comes from the ``dist`` directory,
everything else from a site root (``demo_site/`` for ``invoke demo``, ``tests/browser/pages/`` for the
browser tests). The server binds to 127.0.0.1 only: it is a development tool, never a production server.

Public API::

    srv = make_server(site_root, dist_dir, port=0, extra_routes=None)   # already serving, in a thread
    srv.url          # "http://127.0.0.1:PORT" ("https://..." with tls=(certfile, keyfile))
    srv.requests     # list of Request(method, path, query, time, headers, body), in arrival order
    srv.shutdown()   # stop and close the socket

    serve_forever(site_root, dist_dir, port=8000)                       # blocking, for ``invoke demo``

``invoke demo`` also turns the consent log on (``consentry.log.demo``: ``head_html`` puts the
``log.endpoint`` override first in ``<head>``, ``consent_log`` receives the beacons).

``site_root/headers.json`` maps a path glob to extra response headers, e.g.::

    {"/strict-csp.html": {"Content-Security-Policy": "script-src 'self'; style-src 'self'"}}

Globs are matched with :func:`fnmatch.fnmatchcase` against the URL path (``*`` also crosses ``/``); when
several match, they apply in file order and later ones win. The file is re-read on every request so a
page author sees changes without restarting the server.

``extra_routes`` maps an exact path or a glob to one of:

* a ``str``/``pathlib.Path`` of a file to serve (content type from its name),
* ``bytes`` (served as ``application/octet-stream``) or a ``(content_type, bytes)`` tuple,
* a callable ``fn(request) -> (status, headers_dict, body_bytes)`` for anything dynamic.

Exact keys win over globs; extra routes win over files.
"""

from __future__ import annotations

import fnmatch
import gzip
import hashlib
import http.server
import json
import mimetypes
import re
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["Request", "DevServer", "make_server", "serve_forever", "valid_region", "GPC_SCRIPT_PATH"]

#: Files served from the dist directory instead of the site root (and the SDK file, whose name
#: carries its content hash: see is_dist_file).
DIST_FILES = {"/consentry.js", "/consentry.d.ts", "/manifest.json"}
_SDK_FILE = re.compile(r"^/consentry-sdk\.[0-9a-f]{12}\.js$")


def is_dist_file(path: str) -> bool:
    return path in DIST_FILES or _SDK_FILE.match(path) is not None

#: Served by the server itself so every site root (demo or test pages) can simulate GPC.
GPC_SCRIPT_PATH = "/qa/gpc-on.js"
GPC_SCRIPT = b"""// QA only: simulate a browser that sends Global Privacy Control (injected by the dev server for ?gpc=1).
// Defined on the prototype, as browsers that implement GPC do, so page code sees it like the real signal.
Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
  configurable: true, enumerable: true, get: function () { return true; }
});
"""

# What the SDK accepts as a region: ISO 3166-1 alpha-2, optionally with a subdivision, or "EEA".
# Anything else is ignored rather than escaped: it goes into an HTML attribute, so we only ever
# write values that cannot contain a quote or an angle bracket.
_REGION_RE = re.compile(r"(?:[A-Z]{2}(?:-[A-Z0-9]{1,3})?|EEA)")
_HTML_TAG_RE = re.compile(rb"<html\b[^>]*>", re.IGNORECASE)
_REGION_ATTR_RE = re.compile(rb"""\sdata-consentry-region\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]*)""", re.IGNORECASE)
_HEAD_TAG_RE = re.compile(rb"<head\b[^>]*>", re.IGNORECASE)

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".ts": "text/plain; charset=utf-8",  # consentry.d.ts: readable in a browser tab
    ".py": "text/x-python; charset=utf-8",
    ".svg": "image/svg+xml",
    ".gif": "image/gif",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}
# gzip only pays for text; images are already compressed.
_COMPRESSIBLE = ("text/", "application/json", "image/svg+xml")
_GZIP_MIN_BYTES = 256


def valid_region(value: str | None) -> str | None:
    """Return ``value`` if it is a region code the SDK understands, else ``None``."""
    if value and _REGION_RE.fullmatch(value):
        return value
    return None


def content_type_for(path: str) -> str:
    for suffix, ctype in _TYPES.items():
        if path.endswith(suffix):
            return ctype
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


@dataclass
class Request:
    """One logged request. ``path`` is the URL path (decoded), ``query`` the parsed query string."""

    method: str
    path: str
    query: dict = field(default_factory=dict)
    time: float = 0.0
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    target: str = ""  # the raw request target, path + query, as the browser sent it


RouteResult = tuple  # (status, headers, body)


class _Handler(http.server.BaseHTTPRequestHandler):
    server: "DevServer"
    protocol_version = "HTTP/1.1"  # keep-alive: fewer sockets, closer to a real server
    server_version = "ConsentryDev/1"
    sys_version = ""

    def version_string(self) -> str:
        return self.server_version

    # ----------------------------------------------------------------- plumbing
    def log_message(self, format: str, *args) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            sys.stderr.write("%s %s\n" % (time.strftime("%H:%M:%S"), format % args))

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def do_POST(self) -> None:
        # Accepted so that a same-origin proof-of-consent beacon (contract §7) can be observed in tests.
        self._handle(send_body=True)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1 << 20)) if length > 0 else b""

    def _handle(self, send_body: bool) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        req = Request(
            method=self.command,
            path=path,
            query=parse_qs(split.query, keep_blank_values=True),
            time=time.time(),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self._read_body() if self.command == "POST" else b"",
            target=self.path,
        )
        self.server.requests.append(req)  # list.append is atomic; the log is read by tests
        try:
            status, headers, body = self._route(req)
        except Exception as exc:  # a broken route must show up as a 500, not a hung browser
            status, headers, body = 500, {"Content-Type": "text/plain; charset=utf-8"}, (
                "dev server error: %r\n" % (exc,)
            ).encode()
        self._send(req, status, headers, body, send_body)

    # ----------------------------------------------------------------- routing
    def _route(self, req: Request) -> RouteResult:
        route = self.server.find_route(req.path)
        if route is not None:
            return self._run_route(route, req)
        if req.method == "POST":
            return 204, {}, b""
        if req.path == GPC_SCRIPT_PATH:
            return 200, {"Content-Type": _TYPES[".js"]}, GPC_SCRIPT
        if is_dist_file(req.path):
            file = self.server.dist_dir / req.path.lstrip("/")
            if not file.is_file():
                msg = "%s is missing: run `invoke build` (or `consentry build`) first.\n" % file
                return 404, {"Content-Type": "text/plain; charset=utf-8"}, msg.encode()
            gz = file.with_name(file.name + ".gz")
            if (
                "gzip" in (self.headers.get("Accept-Encoding") or "")
                and gz.is_file()
                and gz.stat().st_mtime >= file.stat().st_mtime
            ):
                # The build's own .gz: no need to compress 1.5 MB on every request. Only used when
                # it is at least as new as the bundle, so a stale one is never served.
                headers = {"Content-Type": content_type_for(req.path), "Content-Encoding": "gzip"}
                body = gz.read_bytes()
            else:
                status, headers, body = self._file(file, req.path)
            # The build's files are public, like on any CDN: the first stage fetches the SDK file
            # in CORS mode (its integrity is checked), which a sandboxed frame's opaque origin needs.
            headers["Access-Control-Allow-Origin"] = "*"
            return 200, headers, body
        file = self._site_file(req.path)
        if file is None and req.path == "/favicon.ico":
            return 204, {}, b""  # browsers ask for it on their own; a 404 is only console noise for QA
        if file is None:
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
        return self._file(file, str(file))

    def _run_route(self, route, req: Request) -> RouteResult:
        if callable(route):
            status, headers, body = route(req)
            return status, dict(headers or {}), body if isinstance(body, bytes) else str(body).encode()
        if isinstance(route, (str, Path)):
            return self._file(Path(route), str(route))
        if isinstance(route, tuple):
            ctype, body = route
            return 200, {"Content-Type": ctype}, body
        return 200, {"Content-Type": "application/octet-stream"}, bytes(route)

    def _site_file(self, path: str) -> Path | None:
        root = self.server.site_root
        candidate = (root / path.lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:  # no ../ escapes
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        if candidate.name == "headers.json":  # server configuration, not content
            return None
        return candidate if candidate.is_file() else None

    def _file(self, file: Path, name: str) -> RouteResult:
        if not file.is_file():
            return 404, {"Content-Type": "text/plain; charset=utf-8"}, b"not found\n"
        return 200, {"Content-Type": content_type_for(name)}, file.read_bytes()

    # ----------------------------------------------------------------- response
    def _send(self, req: Request, status: int, headers: dict, body: bytes, send_body: bool) -> None:
        ctype = headers.get("Content-Type", "")
        is_html = ctype.startswith("text/html")
        if is_html and status == 200:
            body = self._qa_rewrite(req, body)
            # HTML always fresh: QA flips region/GPC and rebuilds; a cached page would lie.
            headers.setdefault("Cache-Control", "no-store")
        elif status == 200:
            # Assets revalidate every time (ETag below): after `invoke build` the new bundle shows at
            # once, and each use is still visible in the request log. A long max-age is a production
            # choice, not a dev-server one.
            headers.setdefault("Cache-Control", "no-cache")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        for key, value in self.server.page_headers(req.path).items():
            headers[key] = value

        if status == 200 and not is_html and req.method in ("GET", "HEAD"):
            etag = '"%s"' % hashlib.sha1(body).hexdigest()[:20]
            headers.setdefault("ETag", etag)
            if self.headers.get("If-None-Match") == headers["ETag"]:
                status, body = 304, b""

        if (
            body
            and status == 200
            and "Content-Encoding" not in headers
            and len(body) >= _GZIP_MIN_BYTES
            and ctype.startswith(_COMPRESSIBLE + ("text/javascript",))
            and "gzip" in (self.headers.get("Accept-Encoding") or "")
        ):
            # mtime=0: the same bytes give the same gzip, so ETags and sizes are stable.
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers["Content-Encoding"] = "gzip"
        if ctype.startswith(_COMPRESSIBLE + ("text/javascript",)):
            headers.setdefault("Vary", "Accept-Encoding")

        self.send_response(status)
        for key, value in headers.items():
            if key.lower() not in ("content-length",):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)) if status not in (204, 304) else "0")
        self.end_headers()
        if send_body and status not in (204, 304):
            self.wfile.write(body)

    def _qa_rewrite(self, req: Request, body: bytes) -> bytes:
        """Apply the QA simulations (region, GPC) and test variables to an HTML page."""
        cookies = self._cookies()
        region = valid_region((req.query.get("region") or [None])[0]) or valid_region(cookies.get("qa-region"))
        if region:
            def add_region(m: re.Match) -> bytes:
                tag = _REGION_ATTR_RE.sub(b"", m.group(0))  # QA overrides what the page says
                return tag[:5] + b' data-consentry-region="' + region.encode() + b'"' + tag[5:]

            body = _HTML_TAG_RE.sub(add_region, body, count=1)
        gpc = (req.query.get("gpc") or [None])[0] == "1" or cookies.get("qa-gpc") == "1"
        if gpc:
            tag = b'<script src="' + GPC_SCRIPT_PATH.encode() + b'"></script>'
            body, n = _HEAD_TAG_RE.subn(lambda m: m.group(0) + tag, body, count=1)
            if not n:  # no <head> tag: it must still run before anything else
                body = tag + body
        for name, value in self.server.html_vars.items():
            body = body.replace(("{{%s}}" % name).encode(), value.encode())
        if self.server.head_html and b'id="consentry-config"' not in body:
            body = _HEAD_TAG_RE.sub(lambda m: m.group(0) + self.server.head_html, body, count=1)
        return body

    def _cookies(self) -> dict:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except CookieError:
            return {}
        return {k: m.value for k, m in jar.items()}


class DevServer(http.server.ThreadingHTTPServer):
    """Threaded server on 127.0.0.1; see the module docstring. Create it with :func:`make_server`."""

    daemon_threads = True  # a browser holding a keep-alive socket must not block shutdown
    allow_reuse_address = True

    def __init__(self, site_root, dist_dir, port: int = 0, extra_routes=None, html_vars=None, verbose=False,
                 head_html=b"", consent_log=None, tls=None):
        self.site_root = Path(site_root).resolve()
        #: Inserted first in ``<head>`` of pages without their own ``#consentry-config`` (the demo's
        #: consent-log override), and the receiver behind it (see ``consentry.log.demo``).
        self.head_html = head_html
        self.consent_log = consent_log
        self.dist_dir = Path(dist_dir).resolve()
        self.extra_routes = dict(extra_routes or {})
        #: ``{"NAME": "value"}``: ``{{NAME}}`` in HTML pages is replaced by ``value`` (tests use it to
        #: point pages at a server whose port is only known at run time).
        self.html_vars = dict(html_vars or {})
        self.verbose = verbose
        self.requests: list[Request] = []
        self._thread: threading.Thread | None = None
        super().__init__(("127.0.0.1", port), _Handler)
        #: ``(certfile, keyfile)``: serve https (tests make a throw-away self-signed certificate, so
        #: that ``Secure`` cookies and the ``__Host-``/``__Secure-`` prefixes can be exercised).
        self.tls = tls
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            # the handshake happens in the request's own thread, so one slow client blocks no other
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return "%s://%s:%d" % ("https" if self.tls else "http", host, port)

    def find_route(self, path: str):
        if path in self.extra_routes:
            return self.extra_routes[path]
        for pattern, route in self.extra_routes.items():
            if any(c in pattern for c in "*?[") and fnmatch.fnmatchcase(path, pattern):
                return route
        return None

    def page_headers(self, path: str) -> dict:
        file = self.site_root / "headers.json"
        try:
            table = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        out: dict = {}
        for pattern, headers in table.items():
            if pattern.startswith("_"):  # "_comment" keys
                continue
            if fnmatch.fnmatchcase(path, pattern) or (path.endswith("/") and fnmatch.fnmatchcase(path + "index.html", pattern)):
                out.update(headers)
        return out

    def requests_for(self, path: str, method: str | None = None) -> list[Request]:
        """The logged requests for ``path`` (a path or a glob), optionally of one method."""
        return [
            r for r in list(self.requests)
            if (r.path == path or fnmatch.fnmatchcase(r.path, path)) and (method is None or r.method == method)
        ]

    def clear_requests(self) -> None:
        self.requests.clear()

    def start(self) -> "DevServer":
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="consentry-devserver", daemon=True)
        self._thread.start()
        return self

    def server_close(self) -> None:
        super().server_close()
        if self.consent_log is not None:      # its writer stores what is queued, then stops
            self.consent_log.close()
            self.consent_log = None

    def shutdown(self) -> None:
        """Stop serving (if started in a thread) and close the listening socket."""
        if self._thread is not None:
            super().shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()


def make_server(site_root, dist_dir, port: int = 0, extra_routes=None, *, html_vars=None, verbose=False,
                head_html=b"", consent_log=None, tls=None) -> DevServer:
    """Start a :class:`DevServer` in a background thread and return it (port 0 = any free port;
    ``tls=(certfile, keyfile)`` for https)."""
    return DevServer(site_root, dist_dir, port, extra_routes, html_vars=html_vars, verbose=verbose,
                     head_html=head_html, consent_log=consent_log, tls=tls).start()


def serve_forever(site_root, dist_dir, port: int = 8000) -> None:
    """Serve until Ctrl-C, logging requests to stderr (used by ``invoke demo``)."""
    from consentry.log.demo import dev_options  # the demo logs every choice (QA panel shows them)

    log_db = Path(dist_dir).resolve() / "demo-consent-log.db"
    try:
        srv = DevServer(site_root, dist_dir, port, verbose=True, **dev_options(str(log_db)))
    except OSError as exc:
        sys.exit("cannot listen on 127.0.0.1:%s (%s): is another server running? "
                 "Pick another port, e.g. `invoke demo --port 8001`." % (port, exc.strerror or exc))
    bundle = srv.dist_dir / "consentry.js"
    print("Consentry demo: %s/  (site %s, bundle %s)" % (srv.url, srv.site_root, bundle))
    if not bundle.is_file():
        print("warning: %s is missing: run `invoke build` first" % bundle, file=sys.stderr)
    print("QA panel: %s/qa.html   strict CSP: %s/strict-csp.html   Ctrl-C to stop" % (srv.url, srv.url))
    print("consent log: POST %s/consent-log -> %s (consentry log show ID --db sqlite:///%s)" % (srv.url, log_db, log_db))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        srv.server_close()


if __name__ == "__main__":  # python -m consentry_build.devserver [site_root] [dist_dir] [port]
    args = sys.argv[1:]
    serve_forever(args[0] if args else "demo_site", args[1] if len(args) > 1 else "dist",
                  int(args[2]) if len(args) > 2 else 8000)
