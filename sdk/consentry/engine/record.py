"""The consent record and its cookie value (contract section 4). See docs/cookie.md.

Record (a plain dict)::

    {"v": 1, "id": str, "revision": int, "givenAt": int ms, "expiresAt": int ms,
     "method": "all"|"necessary"|"custom"|"dismiss"|"gpc"|"api",
     "mode": "opt-in"|"opt-out", "gpc": bool,
     "categories": {category_id: bool}, "services": {category_id: {service_id: bool}}}

Cookie value, schema version 1 (only the characters ``A-Z a-z 0-9 - _ . ~``: RFC 6265
cookie-octets that are also URL-unreserved, so the value is never percent-encoded)::

    1.<id>.<revision>.<givenAt>.<expiresAt>.<flags>.<decisions>

* ``<id>``: the random consent id, 8..64 characters from ``A-Za-z0-9_-``;
* ``<revision>``: decimal; ``<givenAt>`` / ``<expiresAt>``: ms since the epoch in base 36
  (lower case); no signs, no leading zeros;
* ``<flags>``: three characters: method (``a`` all, ``n`` necessary, ``c`` custom,
  ``d`` dismiss, ``g`` gpc, ``p`` api), mode (``i`` opt-in, ``o`` opt-out), GPC (``0``/``1``);
* ``<decisions>``: one group per category separated by ``~``; a group is the category id
  followed by ``Y`` (granted) or ``N`` (refused), then each of its services the same way,
  e.g. ``necessaryY~analyticsNgaN~targetingN``. Ids are ``[a-z][a-z0-9_-]*`` so the upper-case
  flag letters delimit them without escaping.

API
---
``encode(record) -> str``. Raises ValueError for a malformed record (a programming error; the
engine only encodes records it built).

``parse(value) -> (record | None, reason)``: syntax only, no configuration needed.

``check(record, config, now_ms) -> (record | None, reason)``: a record dict against the
normalised configuration and the clock: schema, revision, expiry, 5 minute future skew,
every configured category and service present, necessary granted. Categories and services no
longer in the configuration are dropped from the returned copy.

``decode(value, config, now_ms) -> (record | None, reason)`` = parse + check. Total: never
raises, on any input.

``read(cookie_header, config, now_ms) -> (record | None, reason)``: finds every cookie named
``config["cookie"]["name"]`` in a ``document.cookie`` / ``Cookie:`` header string and returns
the newest valid one (duplicates come from other Domain/Path variants).

Reasons: ``ok``, ``absent``, ``not-a-string``, ``empty``, ``oversize``, ``bad-encoding``,
``unknown-version``, ``bad-format``, ``bad-id``, ``bad-revision``, ``bad-time``,
``bad-flags``, ``bad-decisions``, ``duplicate``, ``inconsistent``, ``no-config``,
``bad-clock``, ``revision``, ``future``, ``expired``, ``category-missing``,
``service-missing``, ``necessary-refused``, ``bad-record``, ``internal-error``.
"""

from .util import ALNUM, BASE36, DIGITS, MAX_SAFE_INT, as_int, format_uint, is_id, only_chars, parse_uint

VERSION = 1
MAX_VALUE = 4096
SKEW_MS = 5 * 60 * 1000
DAY_MS = 86400000
MAX_DAYS = 395
VALUE_CHARS = ALNUM + "-_.~"
CONSENT_ID_CHARS = ALNUM + "-_"
METHODS = ["all", "necessary", "custom", "dismiss", "gpc", "api"]
METHOD_CODES = "ancdgp"
MODES = ["opt-in", "opt-out"]
MODE_CODES = "io"
RECORD_KEYS = ["v", "id", "revision", "givenAt", "expiresAt", "method", "mode", "gpc",
               "categories", "services"]


def is_consent_id(s):
    return isinstance(s, str) and len(s) >= 8 and len(s) <= 64 and \
        only_chars(s, CONSENT_ID_CHARS)


def _time_ok(t):
    if t is True or t is False or not isinstance(t, int):
        return False
    return t >= 0 and t <= MAX_SAFE_INT


def shape_problem(rec):
    """None when ``rec`` has exactly the record schema (types and ids), else a reason."""
    if not isinstance(rec, dict) or len(rec) != len(RECORD_KEYS):
        return "bad-record"
    for k in RECORD_KEYS:      # all of them and as many: exactly these keys (no dict walk)
        if k not in rec:
            return "bad-record"
    if as_int(rec["v"]) != VERSION or rec["v"] is True:
        return "unknown-version"
    if not is_consent_id(rec["id"]):
        return "bad-id"
    r = rec["revision"]
    if r is True or r is False or not isinstance(r, int) or r < 0 or r > 2147483647:
        return "bad-revision"
    if not _time_ok(rec["givenAt"]) or not _time_ok(rec["expiresAt"]):
        return "bad-time"
    if not isinstance(rec["method"], str) or rec["method"] not in METHODS:
        return "bad-flags"
    if not isinstance(rec["mode"], str) or rec["mode"] not in MODES:
        return "bad-flags"
    if rec["gpc"] is not True and rec["gpc"] is not False:
        return "bad-flags"
    cats = rec["categories"]
    svcs = rec["services"]
    if not isinstance(cats, dict) or not isinstance(svcs, dict):
        return "bad-decisions"
    if len(cats) > 1000 or len(svcs) > 1000:
        return "oversize"
    for c in cats:
        if not is_id(c) or (cats[c] is not True and cats[c] is not False):
            return "bad-decisions"
    for c in svcs:
        if not isinstance(c, str) or c not in cats:
            return "bad-decisions"
        m = svcs[c]
        if not isinstance(m, dict) or len(m) > 1000:
            return "bad-decisions"
        for s in m:
            if not is_id(s) or (m[s] is not True and m[s] is not False):
                return "bad-decisions"
            if m[s] is True and cats[c] is not True:
                return "inconsistent"
    return None


def encode(rec):
    """The cookie value for a record. Raises ValueError when the record is malformed."""
    prob = shape_problem(rec)
    if prob is not None:
        raise ValueError("cannot encode a malformed consent record (" + prob + ")")
    flags = METHOD_CODES[METHODS.index(rec["method"])] + \
        MODE_CODES[MODES.index(rec["mode"])] + ("1" if rec["gpc"] else "0")
    groups = []
    cats = rec["categories"]
    svcs = rec["services"]
    for c in cats:
        parts = [c, "Y" if cats[c] else "N"]
        m = svcs.get(c, {})
        for s in m:
            parts.append(s)
            parts.append("Y" if m[s] else "N")
        groups.append("".join(parts))
    out = str(VERSION) + "." + rec["id"] + "." + str(rec["revision"]) + "." + \
        format_uint(rec["givenAt"], BASE36) + "." + format_uint(rec["expiresAt"], BASE36) + \
        "." + flags + "." + "~".join(groups)
    if len(out) > MAX_VALUE:
        raise ValueError("the consent record is too large for a cookie (" + str(len(out)) +
                         " bytes)")
    return out


def _parse_group(g):
    """'analyticsYgaNhjY' -> [['analytics', True], ['ga', False], ['hj', True]] or None."""
    # str methods instead of a per-character loop (Brython). A group never holds "." (the
    # value was split on it), so "." can mark the end of each token. Any other upper-case
    # letter stays inside an identifier, which is_id then refuses, as a flag would be refused.
    pieces = g.replace("Y", "Y.").replace("N", "N.").split(".")
    if pieces[len(pieces) - 1] != "":
        return None
    tokens = []
    for i in range(len(pieces) - 1):
        piece = pieces[i]
        ident = piece[:-1]
        if not is_id(ident):
            return None
        tokens.append([ident, piece[-1] == "Y"])
    if len(tokens) == 0:
        return None
    return tokens


def parse(value):
    """Syntax-only reading of a cookie value: (record | None, reason)."""
    if not isinstance(value, str):
        return None, "not-a-string"
    if len(value) == 0:
        return None, "empty"
    if len(value) > MAX_VALUE:
        return None, "oversize"
    if not only_chars(value, VALUE_CHARS):
        return None, "bad-encoding"
    parts = value.split(".")
    if parts[0] != str(VERSION):
        if parse_uint(parts[0], DIGITS, 6) is not None:
            return None, "unknown-version"
        return None, "bad-format"
    if len(parts) != 7:
        return None, "bad-format"
    cid = parts[1]
    if not is_consent_id(cid):
        return None, "bad-id"
    rev = parse_uint(parts[2], DIGITS, 10)
    if rev is None or rev > 2147483647:
        return None, "bad-revision"
    given = parse_uint(parts[3], BASE36, 11)
    expires = parse_uint(parts[4], BASE36, 11)
    if given is None or expires is None or given > MAX_SAFE_INT or expires > MAX_SAFE_INT:
        return None, "bad-time"
    f = parts[5]
    if len(f) != 3:
        return None, "bad-flags"
    mi = METHOD_CODES.find(f[0])
    mo = MODE_CODES.find(f[1])
    if mi < 0 or mo < 0 or (f[2] != "0" and f[2] != "1"):
        return None, "bad-flags"
    cats = {}
    svcs = {}
    for g in parts[6].split("~"):
        tokens = _parse_group(g)
        if tokens is None:
            return None, "bad-decisions"
        cat = tokens[0][0]
        if cat in cats:
            return None, "duplicate"
        granted = tokens[0][1]
        cats[cat] = granted
        m = {}
        for t in tokens[1:]:
            if t[0] in m:
                return None, "duplicate"
            if t[1] and not granted:
                return None, "inconsistent"
            m[t[0]] = t[1]
        svcs[cat] = m
    rec = {"v": VERSION, "id": cid, "revision": rev, "givenAt": given, "expiresAt": expires,
           "method": METHODS[mi], "mode": MODES[mo], "gpc": f[2] == "1",
           "categories": cats, "services": svcs}
    return rec, "ok"


def check(rec, config, now_ms):
    """A record dict against the normalised config and the clock: (record copy | None, reason)."""
    prob = shape_problem(rec)
    if prob is not None:
        return None, prob
    return _check(rec, config, now_ms)


def _check(rec, config, now_ms):
    """check() for a record whose shape is known to be right."""
    if not isinstance(config, dict) or not isinstance(config.get("categories"), list) or \
            as_int(config.get("revision")) is None:
        return None, "no-config"
    now = as_int(now_ms)
    if now is None or now < 0:
        return None, "bad-clock"
    if rec["revision"] != as_int(config["revision"]):
        return None, "revision"
    given = rec["givenAt"]
    expires = rec["expiresAt"]
    if expires < given or expires - given > MAX_DAYS * DAY_MS + SKEW_MS:
        return None, "bad-time"
    if given > now + SKEW_MS:
        return None, "future"
    if expires <= now:
        return None, "expired"
    rc = rec["categories"]
    rs = rec["services"]
    cats = {}
    svcs = {}
    for cat in config["categories"]:
        if not isinstance(cat, dict):
            return None, "no-config"
        cid = cat.get("id")
        if not isinstance(cid, str) or cid not in rc:
            return None, "category-missing"
        granted = rc[cid]
        if cat.get("basis") == "necessary" and granted is not True:
            return None, "necessary-refused"
        cats[cid] = granted
        have = rs.get(cid, {})
        m = {}
        services = cat.get("services")
        if not isinstance(services, list):
            services = []
        for svc in services:
            sid = svc.get("id") if isinstance(svc, dict) else None
            if not isinstance(sid, str) or sid not in have:
                return None, "service-missing"
            if cat.get("basis") == "necessary" and have[sid] is not True:
                return None, "necessary-refused"
            m[sid] = have[sid]
        svcs[cid] = m
    out = {"v": VERSION, "id": rec["id"], "revision": rec["revision"], "givenAt": given,
           "expiresAt": expires, "method": rec["method"], "mode": rec["mode"],
           "gpc": rec["gpc"], "categories": cats, "services": svcs}
    return out, "ok"


def _decode(value, config, now_ms):
    rec, reason = parse(value)
    if rec is None:
        return None, reason
    # parse() only builds records of the right shape, except for the size limits that
    # shape_problem() also enforces: the same answers without re-walking every id.
    cats = rec["categories"]
    if len(cats) > 1000:
        return None, "oversize"
    if len(value) > 2000:     # only a value this long can hold 1000 services in a category
        svcs = rec["services"]
        for c in svcs:
            if len(svcs[c]) > 1000:
                return None, "bad-decisions"
    return _check(rec, config, now_ms)


def decode(value, config, now_ms):
    """Strict, total reader of a cookie value: (record | None, reason)."""
    try:
        return _decode(value, config, now_ms)
    except Exception:
        return None, "internal-error"


def cookie_values(header, name):
    """The values of every cookie called ``name`` in a cookie header string (at most 20)."""
    out = []
    if not isinstance(header, str) or not isinstance(name, str) or name == "":
        return out
    for part in header.split(";"):
        eq = part.find("=")
        if eq < 0:
            continue
        k = part[0:eq].strip(" \t")
        if k == name:
            out.append(part[eq + 1:].strip(" \t"))
            if len(out) >= 20:
                break
    return out


def read(header, config, now_ms):
    """The newest valid record among the cookies named by the config: (record | None, reason)."""
    try:
        if not isinstance(config, dict) or not isinstance(config.get("cookie"), dict):
            return None, "no-config"
        values = cookie_values(header, config["cookie"].get("name"))
        best = None
        reason = "absent"
        for v in values:
            rec, why = _decode(v, config, now_ms)
            if rec is None:
                if reason == "absent":
                    reason = why
            elif best is None or rec["givenAt"] > best["givenAt"]:
                best = rec
        if best is not None:
            return best, "ok"
        return None, reason
    except Exception:
        return None, "internal-error"
