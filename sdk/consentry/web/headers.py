"""Read request headers by lower-case name, whatever the server interface (WSGI or ASGI).

The decision code asks for at most a handful of headers (Cookie, Sec-GPC, the geo headers), so
the adapters look them up on demand and copy nothing up front.
"""

from typing import Iterable, Mapping, Optional

_ENVIRON_KEYS: dict[str, str] = {}      # header name -> environ key, filled on first use


class EnvironHeaders:
    """Headers of a WSGI environ (also Django's ``request.META``): ``cf-ipcountry`` is
    ``HTTP_CF_IPCOUNTRY``."""

    __slots__ = ("environ",)

    def __init__(self, environ: Mapping[str, object]) -> None:
        self.environ = environ

    def get(self, name: str) -> Optional[str]:
        key = _ENVIRON_KEYS.get(name)
        if key is None:
            key = _ENVIRON_KEYS[name] = "HTTP_" + name.upper().replace("-", "_")
        value = self.environ.get(key)
        return value if isinstance(value, str) else None


class ScopeHeaders:
    """Headers of an ASGI scope (a list of (bytes, bytes) pairs, names in lower case).

    Repeated headers are joined as HTTP allows: with ``"; "`` for Cookie (HTTP/2 sends one
    header per cookie) and ``", "`` otherwise. Bytes are read as latin-1, as HTTP carries them.
    """

    __slots__ = ("raw", "_map")

    def __init__(self, raw: Iterable[tuple[bytes, bytes]]) -> None:
        self.raw = raw
        self._map: Optional[dict[str, str]] = None

    def get(self, name: str) -> Optional[str]:
        if self._map is None:
            m: dict[str, str] = {}
            for key, value in self.raw:
                k = key.decode("latin-1").lower()
                v = value.decode("latin-1")
                if k in m:
                    v = m[k] + ("; " if k == "cookie" else ", ") + v
                m[k] = v
            self._map = m
        return self._map.get(name)
