"""The beacon body: bytes in, a checked entry (or the reason it is refused) out.

The SDK sends (``shell/main.py``, ``_log``) one JSON object per recorded choice::

    {"id", "revision", "method", "mode", "givenAt", "gpc", "categories", "services", "path"}

These are the consent record's fields (``engine/record.py``) less ``v`` and ``expiresAt``, plus
the page path. Exactly these keys are accepted, each checked by the engine's own record checker
(``record.shape_problem``), so the receiver accepts what the SDK can send and nothing else: no
extra or duplicated keys, no NaN, no floats for integers, no strings for booleans.

``parse_beacon`` is total: it never raises, whatever the bytes.
"""

import json

from consentry.engine import record

BEACON_KEYS = frozenset(["id", "revision", "method", "mode", "givenAt", "gpc", "categories",
                         "services", "path"])
MAX_PATH = 2048


class _Refused(ValueError):
    """A JSON construct the SDK never produces (duplicate key, NaN, Infinity)."""


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise _Refused("duplicate-key")
        out[key] = value
    return out


def _no_constants(name):
    raise _Refused("bad-json")


# One decoder for every beacon (``json.loads`` with hooks builds a new one per call).
_decode = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_no_constants).decode


def _path_problem(path):
    """The page path is the beacon's one free text: printable, and storable as UTF-8.

    JSON can spell a lone surrogate (``"\\ud800"``) that no database can store as text; let
    through, it would fail the whole group-committed batch and every beacon in it.
    """
    if not isinstance(path, str) or not path.startswith("/") or len(path) > MAX_PATH:
        return "bad-path"
    if any(ord(c) < 0x20 or ord(c) == 0x7f or 0xD800 <= ord(c) <= 0xDFFF for c in path):
        return "bad-path"
    return None


def parse_beacon(body):
    """``(entry, "ok")`` or ``(None, reason)`` for the raw body of a beacon.

    The entry is the record's fields under their stored names (see ``store.COLUMNS``).
    Reasons: ``bad-encoding`` (not UTF-8), ``bad-json``, ``duplicate-key``, ``bad-fields``
    (not an object with exactly the beacon's keys), ``bad-path``, and the engine's record
    reasons (``bad-id``, ``bad-revision``, ``bad-time``, ``bad-flags``, ``bad-decisions``,
    ``inconsistent``, ``oversize``...).
    """
    try:
        text = body.decode("utf-8")
    except (UnicodeDecodeError, AttributeError):
        return None, "bad-encoding"
    try:
        data = _decode(text)
    except _Refused as exc:
        return None, str(exc)
    except (ValueError, RecursionError):
        return None, "bad-json"
    if not isinstance(data, dict) or data.keys() != BEACON_KEYS:
        return None, "bad-fields"
    rec = {"v": record.VERSION, "id": data["id"], "revision": data["revision"],
           "givenAt": data["givenAt"], "expiresAt": data["givenAt"], "method": data["method"],
           "mode": data["mode"], "gpc": data["gpc"], "categories": data["categories"],
           "services": data["services"]}
    try:
        problem = record.shape_problem(rec) or _path_problem(data["path"])
    except Exception:           # the checker is total on JSON values; stay total regardless
        problem = "bad-record"
    if problem is not None:
        return None, problem
    return {"consent_id": data["id"], "given_at": data["givenAt"], "revision": data["revision"],
            "method": data["method"], "mode": data["mode"], "gpc": data["gpc"],
            "categories": data["categories"], "services": data["services"],
            "path": data["path"]}, "ok"
