"""Server-side reader of the Consentry consent cookie (CPython only; never compiled).

It uses the same engine as the browser, so a server sees exactly the choice the SDK sees: the
cookie is parsed with the same strict schema and anything invalid is "no valid choice". The
value is never interpolated anywhere; treat the returned strings as data.

API
---
``load_default_config() -> dict``: the raw built-in configuration (``data/default-config.json``).

``load_config(site_raw=None, builtin_raw=None) -> dict``: the normalised configuration for
``merge(builtin_raw or default, site_raw)``. Raises ``ConfigError`` (with ``.errors``, the
validator's issue list) when it is invalid. The warnings of the last successful call are in
``load_config.last_warnings``.

``read_consent(cookie_header, config=None, now_ms=None) -> (record | None, reason)``:
``cookie_header`` is the ``Cookie:`` request header (str or bytes; other values mean
"absent"); the newest valid ``consentry`` cookie wins. ``now_ms`` defaults to the current time.

``consent_state(cookie_header, config=None, region=None, gpc=False, now_ms=None,
timezone=None) -> state``: the policy state (see ``consentry.engine.policy``) for a request:
``region`` from your geo-IP (e.g. ``"FR"``, ``"US-CA"``), ``gpc`` from ``Sec-GPC: 1``.

``allowed(state, category, service=None) -> bool`` and
``consent_view(record) -> dict | None`` (the JS ``getConsent()`` object) are re-exported.

Example::

    from consentry import server
    state = server.consent_state(request.headers.get("Cookie"), region="FR",
                                 gpc=request.headers.get("Sec-GPC") == "1")
    if server.allowed(state, "analytics"):
        ...
"""

import json
import os
import time

from consentry.engine import config as _config
from consentry.engine import policy as _policy
from consentry.engine import record as _record
from consentry.engine import site_categories
from consentry.engine import transitions as _transitions

DEFAULT_CONFIG_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data",
                                   "default-config.json")

allowed = _policy.allowed
consent_view = _transitions.consent_view


class ConfigError(ValueError):
    """The configuration is invalid; ``errors`` lists {path, message} issues."""

    def __init__(self, errors):
        self.errors = errors
        lines = ["%s: %s" % (e["path"], e["message"]) for e in errors]
        super().__init__("invalid Consentry configuration:\n  " + "\n  ".join(lines))


_default_cache = {}


def load_default_config():
    """The raw built-in configuration, parsed from JSON (a fresh copy each call)."""
    with open(DEFAULT_CONFIG_PATH, encoding="utf-8") as f:
        return json.load(f)


def load_config(site_raw=None, builtin_raw=None):
    """The normalised configuration; raises ConfigError listing every problem."""
    base = builtin_raw if builtin_raw is not None else load_default_config()
    raw = base
    if site_raw is not None:    # a site with its own categories: as in the browser and the build
        raw = _config.merge(site_categories.rebase(base, site_raw)["base"], site_raw)
    out = _config.validate(raw)
    if out["config"] is None:
        raise ConfigError(out["errors"])
    load_config.last_warnings = out["warnings"]
    return out["config"]


load_config.last_warnings = []


def _default_config():
    if "config" not in _default_cache:
        _default_cache["config"] = load_config()
    return _default_cache["config"]


def _now(now_ms):
    if now_ms is None:
        return int(time.time() * 1000)
    return now_ms


def _header(cookie_header):
    if isinstance(cookie_header, bytes):
        return cookie_header.decode("latin-1")
    if isinstance(cookie_header, str):
        return cookie_header
    return ""


def read_consent(cookie_header, config=None, now_ms=None):
    """(record | None, reason) for a Cookie header. Never raises on the header."""
    cfg = config if config is not None else _default_config()
    return _record.read(_header(cookie_header), cfg, _now(now_ms))


def consent_state(cookie_header, config=None, region=None, gpc=False, now_ms=None,
                  timezone=None):
    """The policy state for a request (see consentry.engine.policy)."""
    cfg = config if config is not None else _default_config()
    now = _now(now_ms)
    rec, reason = _record.read(_header(cookie_header), cfg, now)
    return _policy.decide(cfg, rec, region, gpc is True, now, timezone, reason)
