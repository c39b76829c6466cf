"""Server-side reader of the Consentry consent cookie (CPython only; never compiled).

It uses the same engine as the browser, so a server sees exactly the choice the SDK sees: the
cookie is parsed with the same strict schema and anything invalid is "no valid choice". The
value is never interpolated anywhere; treat the returned strings as data. Standard library only:
the built-in configuration is package data, read with ``importlib.resources``, so this works
from an installed wheel as well as from a checkout.

API
---
``load_default_config() -> dict``: the raw built-in configuration (``data/default-config.json``).

``load_config(site_raw=None, builtin_raw=None) -> Config``: the normalised configuration for
``merge(builtin_raw or default, site_raw)``. Raises ``ConfigError`` (with ``.errors``, the
validator's issue list) when it is invalid. The warnings of the last successful call are in
``load_config.last_warnings``.

``read_consent(cookie_header, config=None, now_ms=None) -> (Record | None, reason)``:
``cookie_header`` is the ``Cookie:`` request header (str or bytes; other values mean
"absent"); the newest valid ``consentry`` cookie wins. ``now_ms`` defaults to the current time.

``consent_state(cookie_header, config=None, region=None, gpc=False, now_ms=None,
timezone=None) -> State``: the policy state (see ``consentry.engine.policy``) for a request:
``region`` from your geo-IP (e.g. ``"FR"``, ``"US-CA"``), ``gpc`` from ``Sec-GPC: 1``.

``allowed(state, category, service=None) -> bool`` and
``consent_view(record) -> ConsentView | None`` (the JS ``getConsent()`` object) are re-exported.

For web apps, ``consentry.web`` (WSGI/ASGI middleware) and ``consentry.contrib`` (Django, Flask,
FastAPI) compute the same state lazily per request; see docs/server.md.

Example::

    from consentry import server
    state = server.consent_state(request.headers.get("Cookie"), region="FR",
                                 gpc=request.headers.get("Sec-GPC") == "1")
    if server.allowed(state, "analytics"):
        ...
"""

import json
import time
from importlib import resources
from typing import Any, Callable, Optional, Union, cast

from consentry.engine import config as _config
from consentry.engine import policy as _policy
from consentry.engine import record as _record
from consentry.engine import site_categories
from consentry.engine import transitions as _transitions
from consentry.types import Config, ConfigIssue, ConsentView, Record, State

CookieHeader = Union[str, bytes, None]

allowed: Callable[..., bool] = _policy.allowed
consent_view: Callable[[Optional[Record]], Optional[ConsentView]] = _transitions.consent_view


class ConfigError(ValueError):
    """The configuration is invalid; ``errors`` lists {path, message} issues."""

    def __init__(self, errors: list[ConfigIssue]) -> None:
        self.errors = errors
        lines = ["%s: %s" % (e["path"], e["message"]) for e in errors]
        super().__init__("invalid Consentry configuration:\n  " + "\n  ".join(lines))


class _LoadConfig:
    """``load_config`` as a callable object, so ``last_warnings`` is a typed attribute."""

    last_warnings: list[ConfigIssue] = []

    def __call__(self, site_raw: Any = None, builtin_raw: Any = None) -> Config:
        """The normalised configuration; raises ConfigError listing every problem."""
        base = builtin_raw if builtin_raw is not None else load_default_config()
        raw = base
        if site_raw is not None:    # a site with its own categories: as in the browser and the build
            raw = _config.merge(site_categories.rebase(base, site_raw)["base"], site_raw)
        out = _config.validate(raw)
        if out["config"] is None:
            raise ConfigError(out["errors"])
        self.last_warnings = out["warnings"]
        return cast(Config, out["config"])


load_config = _LoadConfig()
_default_cache: dict[str, Config] = {}


def load_default_config() -> dict[str, Any]:
    """The raw built-in configuration, parsed from JSON (a fresh copy each call)."""
    text = resources.files("consentry").joinpath("data", "default-config.json").read_text("utf-8")
    return cast(dict[str, Any], json.loads(text))


def default_config() -> Config:
    """The normalised built-in configuration, validated once per process."""
    if "config" not in _default_cache:
        _default_cache["config"] = load_config()
    return _default_cache["config"]


def _now(now_ms: Optional[int]) -> int:
    if now_ms is None:
        return int(time.time() * 1000)
    return now_ms


def header_text(cookie_header: object) -> str:
    """A Cookie header as text: bytes are read as latin-1 (what HTTP carries), anything that is
    neither str nor bytes is an absent header."""
    if isinstance(cookie_header, bytes):
        return cookie_header.decode("latin-1")
    if isinstance(cookie_header, str):
        return cookie_header
    return ""


def read_consent(cookie_header: CookieHeader, config: Optional[Config] = None,
                 now_ms: Optional[int] = None) -> tuple[Optional[Record], str]:
    """(record | None, reason) for a Cookie header. Never raises on the header."""
    cfg = config if config is not None else default_config()
    return cast(tuple[Optional[Record], str],
                _record.read(header_text(cookie_header), cfg, _now(now_ms)))


def consent_state(cookie_header: CookieHeader, config: Optional[Config] = None,
                  region: Optional[str] = None, gpc: bool = False, now_ms: Optional[int] = None,
                  timezone: Optional[str] = None) -> State:
    """The policy state for a request (see consentry.engine.policy)."""
    cfg = config if config is not None else default_config()
    now = _now(now_ms)
    rec, reason = _record.read(header_text(cookie_header), cfg, now)
    return cast(State, _policy.decide(cfg, rec, region, gpc is True, now, timezone, reason, True))
