"""Static server for the benchmark (stdlib only, 127.0.0.1, one daemon thread per connection).

Routes:

* ``/pages/...``    -> ``bench/pages/...`` (one folder per row; ``blank.html`` is the warm-up page)
* ``/vendor/...``   -> the npm ``node_modules`` of the vendor cache (see ``vendor.py``)
* ``/consentry.js`` -> the bundle (``dist/consentry.js`` unless another path is given), and the
  SDK file it loads, ``/consentry-sdk.<hash>.js``, from the same folder
* ``/brython-runtime.js`` -> the bundle's Brython runtime alone (the floor row), when given

Compression: every text response is gzip -9 (compressed once per file version, kept in memory) when
the client accepts gzip, so Resource Timing's ``encodedBodySize`` is the gzip size of the asset.
Brotli is not served (the harness computes brotli q11 of the same files locally, see
``compressed_sizes``): one encoding for every row keeps transfer and decode cost comparable.

Caching, the same for every row:

* HTML: ``Cache-Control: no-store`` (every load fetches the page itself);
* everything else (library files, the bundle, the per-page config file):
  ``Cache-Control: public, max-age=31536000, immutable`` -- what a site does with versioned static
  assets. A *cold* load gets nothing from this because every cold load uses a fresh browser profile
  (empty HTTP cache, empty V8 code cache); a *warm* load in a profile that already loaded the page
  gets the files from the disk cache and the V8 code cache.
"""
from __future__ import annotations

import gzip
import mimetypes
import re
import threading
from functools import lru_cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

PAGES_DIR = Path(__file__).resolve().parent / "pages"
_SDK_FILE = re.compile(r"^/consentry-sdk\.[0-9a-f]{12}\.js$")
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=256)
def _gzip9(path: str, mtime_ns: int, size: int) -> bytes:  # key includes mtime/size: rebuilt files recompress
    return gzip.compress(Path(path).read_bytes(), compresslevel=9, mtime=0)


@lru_cache(maxsize=256)
def _brotli11(path: str, mtime_ns: int, size: int) -> int | None:
    try:
        import brotli
    except ImportError:
        return None
    return len(brotli.compress(Path(path).read_bytes(), quality=11))


def compressed_sizes(path: Path) -> dict:
    """raw / gzip -9 / brotli q11 byte counts of one file (brotli None when the module is missing)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    return {"raw": st.st_size, "gzip": len(_gzip9(*key)), "brotli": _brotli11(*key)}


class BenchServer:
    """``BenchServer(vendor_dir, bundle)``; ``.url``; ``.resolve(url_path)``; ``.requests``; ``.shutdown()``."""

    def __init__(self, vendor_dir: Path, bundle: Path | None, host: str = "127.0.0.1", port: int = 0,
                 runtime_only: Path | None = None):
        self.roots = {"/pages/": PAGES_DIR, "/vendor/": Path(vendor_dir)}
        self.bundle = Path(bundle) if bundle else None
        self.runtime_only = Path(runtime_only) if runtime_only else None
        self.requests: list[str] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):  # noqa: N802
                outer._serve(self, head=False)

            def do_HEAD(self):  # noqa: N802
                outer._serve(self, head=True)

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://{host}:{self.httpd.server_port}"
        threading.Thread(target=self.httpd.serve_forever, name="consentry-bench-server", daemon=True).start()

    def resolve(self, url_path: str) -> Path | None:
        """Local file behind a URL path (or a full URL of this server), None if there is none."""
        if url_path.startswith("http"):
            url_path = urlsplit(url_path).path
        url_path = unquote(url_path)
        if url_path == "/consentry.js" or _SDK_FILE.match(url_path):
            if not self.bundle:
                return None
            p = self.bundle.with_name(url_path[1:])
            return p if p.is_file() else None
        if url_path == "/brython-runtime.js":
            return self.runtime_only if self.runtime_only and self.runtime_only.is_file() else None
        for prefix, root in self.roots.items():
            if url_path.startswith(prefix):
                root = root.resolve()
                p = (root / url_path[len(prefix):]).resolve()
                if p != root and root not in p.parents:
                    return None
                if p.is_dir():
                    p = p / "index.html"
                return p if p.is_file() else None
        return None

    def _serve(self, h: BaseHTTPRequestHandler, head: bool) -> None:
        path = unquote(urlsplit(h.path).path)
        with self._lock:
            self.requests.append(path)
        p = self.resolve(path)
        if p is None:
            body = b"" if path == "/favicon.ico" else b"not found"
            h.send_response(HTTPStatus.NO_CONTENT if path == "/favicon.ico" else HTTPStatus.NOT_FOUND)
            h.send_header("Content-Type", "text/plain")
            h.send_header("Content-Length", str(len(body)))
            h.send_header("Cache-Control", "no-store")
            h.end_headers()
            if not head:
                h.wfile.write(body)
            return
        ctype = mimetypes.guess_type(p.name)[0] or "application/octet-stream"
        if ctype == "text/javascript":
            ctype = "application/javascript"
        st = p.stat()
        body, encoding = None, None
        if ctype.startswith(COMPRESSIBLE) and "gzip" in h.headers.get("Accept-Encoding", ""):
            body, encoding = _gzip9(str(p), st.st_mtime_ns, st.st_size), "gzip"
        else:
            body = p.read_bytes()
        h.send_response(HTTPStatus.OK)
        charset = "; charset=utf-8" if ctype.startswith(("text/", "application/javascript", "application/json")) else ""
        h.send_header("Content-Type", ctype + charset)
        if encoding:
            h.send_header("Content-Encoding", encoding)
        h.send_header("Vary", "Accept-Encoding")
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Cache-Control", "no-store" if ctype == "text/html" else IMMUTABLE)
        h.end_headers()
        if not head:
            h.wfile.write(body)

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
