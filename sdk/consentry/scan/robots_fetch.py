"""Fetch a site's ``/robots.txt`` once, before the scan, from CPython (the browser is not started
for it): the thin I/O shell around :mod:`consentry.scan.robots`.

Bounded like the rest of the scan: one time limit for the whole fetch (redirects included), a
size limit (RFC 9309 asks crawlers to read at least 500 KiB; more is cut off and said so), at most
five redirects and only on the same host (a robots.txt applies to its own host; the scan follows
no other). It goes straight to the site, like the browser does for the scanned host (no proxy from
the environment), and sends the scanner's own user agent tag.
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from urllib.parse import urljoin, urlsplit

TIMEOUT = 5.0              # seconds for the whole fetch
SIZE_LIMIT = 512 * 1024    # bytes read at most
MAX_REDIRECTS = 5          # RFC 9309 2.3.1.2: follow at least five


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to :func:`fetch`, which decides whether to follow it."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _read(response, deadline: float, limit: int) -> tuple[bytes, bool]:
    chunks, size = [], 0
    while size <= limit:
        if time.monotonic() > deadline:
            raise TimeoutError("timed out")
        chunk = response.read(min(65536, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    if len(body) <= limit:
        return body, False
    body = body[:limit]
    return body[:body.rfind(b"\n") + 1], True   # a line cut in half is not a rule


def fetch(origin: str, user_agent: str, timeout: float = TIMEOUT, limit: int = SIZE_LIMIT) -> dict:
    """``GET <origin>/robots.txt``: ``{"url", "status": int | None (the last answer's), "body":
    bytes | None, "error": str | None, "truncated": bool}``; never raises for the site's sake."""
    url = origin + "/robots.txt"
    host = urlsplit(origin).hostname
    deadline = time.monotonic() + timeout
    opener = _opener()
    result = {"url": url, "status": None, "body": None, "error": None, "truncated": False}
    for _hop in range(MAX_REDIRECTS + 1):
        left = deadline - time.monotonic()
        if left <= 0:
            result["error"] = "timed out after %gs" % timeout
            return result
        request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept": "text/plain, */*"})
        try:
            with opener.open(request, timeout=left) as response:
                result["status"] = response.status
                result["body"], result["truncated"] = _read(response, deadline, limit)
                return result
        except urllib.error.HTTPError as exc:
            result["status"] = exc.code
            location = exc.headers.get("Location") if 300 <= exc.code < 400 else None
            exc.close()
            if not location:
                return result
            target = urljoin(url, location)
            parts = urlsplit(target)
            if parts.scheme not in ("http", "https") or parts.hostname != host:
                result["error"] = "redirected to %s (another host: not followed)" % target
                return result
            url = target
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            result["status"], result["error"] = None, str(reason) or type(reason).__name__
            return result
    result["error"] = "more than %d redirects" % MAX_REDIRECTS
    return result
