"""What a beacon request must look like before its body is read, and the per-client rate limit.

Pure functions of the request's method and headers (lower-case names, str values), so the ASGI
and the WSGI adapters apply the very same rules:

* ``POST`` only (405 otherwise);
* ``Content-Type``: what ``navigator.sendBeacon(url, string)`` sends, ``text/plain;charset=UTF-8``,
  or ``application/json`` (415 otherwise);
* ``Content-Length`` (when sent) within the size limit (413), checked again while reading;
* ``Origin``: browsers send it with every POST. It must be in the allow-list or, without one,
  the request's own origin (same ``Host``): a beacon from another site is refused (403). A
  request without ``Origin`` is not a browser beacon and is refused too.
"""

import threading
import time
from urllib.parse import urlsplit

ACCEPTED_TYPES = ("text/plain", "application/json")


def media_type(value):
    """``'text/plain;charset=UTF-8'`` -> ``('text/plain', 'utf-8')`` (charset None when absent)."""
    parts = [p.strip() for p in (value or "").split(";")]
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return parts[0].lower(), charset


def origin_allowed(origin, host, allowed):
    """True when ``origin`` may send beacons: listed in ``allowed``, or (no list) same as ``host``."""
    if not origin or origin == "null":
        return False
    if allowed:
        return origin.rstrip("/").lower() in allowed
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        return False
    return bool(host) and netloc == host.lower()


def normalise_origins(origins):
    """The allow-list as compared: lower case, no trailing slash."""
    return frozenset(o.strip().rstrip("/").lower() for o in origins or () if o.strip())


def check_request(method, headers, max_bytes, allowed_origins):
    """``None`` when the request may be read, else ``(status, reason)``."""
    if method != "POST":
        return 405, "method-not-allowed"
    ctype, charset = media_type(headers.get("content-type"))
    if ctype not in ACCEPTED_TYPES or charset not in (None, "utf-8"):
        return 415, "unsupported-media-type"
    length = headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            return 400, "bad-content-length"
        if int(length) > max_bytes:
            return 413, "too-large"
    if not origin_allowed(headers.get("origin"), headers.get("host"), allowed_origins):
        return 403, "origin-refused"
    return None


class RateLimit:
    """A token bucket per client key: ``rate`` beacons a second, bursts of ``burst``.

    A visitor makes a handful of choices; a client sending more is a script, refused with 429
    before its body is parsed. The table is bounded: when it holds ``max_clients`` keys, the
    full buckets (idle clients) are dropped.
    """

    def __init__(self, rate=5.0, burst=20, max_clients=100_000, clock=time.monotonic):
        self.rate = float(rate)
        self.burst = float(burst)
        self.max_clients = max_clients
        self.clock = clock
        self._buckets = {}
        self._lock = threading.Lock()

    def allow(self, key):
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return False
            if key not in self._buckets and len(self._buckets) >= self.max_clients:
                self._prune(now)
            self._buckets[key] = (tokens - 1.0, now)
            return True

    def _prune(self, now):
        full = [k for k, (t, last) in self._buckets.items()
                if t + (now - last) * self.rate >= self.burst]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) >= self.max_clients:      # all busy: forget the oldest half
            for k in sorted(self._buckets, key=lambda k: self._buckets[k][1])[:len(self._buckets) // 2]:
                del self._buckets[k]
