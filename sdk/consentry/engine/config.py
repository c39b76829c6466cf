"""Configuration: merge, validation and normalisation (contract section 3).

API
---
``validate(raw) -> {"config": dict | None, "errors": [issue], "warnings": [issue]}``
    ``issue = {"path": "$.categories[2].id", "message": "A plain sentence."}``.
    Every problem is collected (never raised). ``config`` is None when there is any error,
    otherwise the normalised configuration with every default filled in (shape below).
    Total: never raises, bounded time on any Python value (huge strings, deep trees, odd keys).

``merge(base, override) -> value``
    ``override`` merged over ``base`` BEFORE validation: dicts are merged recursively (so
    translations merge per language and key), everything else (lists included) is replaced.
    Inputs are not modified. When either side is not a dict the result is ``override``.

``load(builtin_raw, override_raw_or_None, normalized=None) -> dict``
    ``validate(merge(builtin_raw, override_raw))`` (the built-in side first adjusted to an
    override that brings its own categories: ``site_categories.rebase``); if the merged configuration is invalid the
    whole override is ignored: the result is ``validate(builtin_raw)`` plus
    ``"override_errors": [issue]`` (the shell logs ONE console error). ``override_errors`` is
    always present (``[]`` when fine). ``normalized``: the build's ahead-of-time
    ``validate(builtin_raw)["config"]``; when given, the built-in configuration is not
    validated again (no validation at all on a page without an override).

``cookie_matches(entry, name) -> bool``
    whether a cookie name matches a normalised cookie entry of a category or service.

Normalised configuration (every key always present)::

    {"revision": int,
     "cookie": {"name": str, "domain": str|None, "path": str, "sameSite": "Lax"|"Strict"|"None",
                "acceptDays": int, "rejectDays": int, "partitioned": bool},
     "mode": {"default": "opt-in"|"opt-out", "optOutRegions": [str], "optInRegions": [str],
              "detect": [str], "bannerInOptOut": bool},
     "gpc": bool,
     "categories": [{"id": str, "basis": "necessary"|"legitimate-interest"|"consent",
                     "saleOrShare": bool, "noticeUrl": str|None, "cookies": [cookie],
                     "services": [{"id": str, "label": str, "description": {lang: str},
                                   "noticeUrl": str|None, "cookies": [cookie]}]}],
     "consentMode": {"enabled": bool, "waitForUpdate": int, "map": {signal: [category id]}},
     "language": {"default": str, "detect": [str]},
     "translations": {lang: {"banner": {...}, "panel": {...}, "placeholder": {...},
                             "reload": {...}, "categories": {id: {"title", "description"}}}},
     "ui": {"layout", "position", "theme", "closeAction", "noticeUrl": str|None},
     "log": {"endpoint": str|None}}

    cookie = {"name": str, "prefix": bool, "purpose": {lang: str}, "duration": {lang: str}}

Every language in ``translations`` is complete: missing keys are filled from the default
language (category titles fall back to the category id). See docs/configuration.md.
"""

# Module objects: schema is lazy too, and Brython's `from <lazy module> import name` does
# not run a lazy module (modules.LAZY).
from . import schema, site_categories
from .codes import EEA, SIGNALS, canonical_language, canonical_region, cookie_matches  # noqa: F401
from .util import ALNUM, UPPER, as_int, child_path, clip, index_path, only_chars, suggest

# Names other modules and the tests read; every value comes from the schema.
ROOT = schema.ROOT
MAX_ISSUES = schema.MAX_ISSUES
MAX_STRING = schema.MAX_STRING
MAX_LANGUAGES = schema.MAX_LANGUAGES
TEXT_KEYS = schema.TEXT_KEYS
BUTTON_KEYS = schema.BUTTON_KEYS
_P = ROOT["properties"]
CATEGORY = _P["categories"]["items"]
TOP_KEYS = list(_P)
COOKIE_KEYS = list(_P["cookie"]["properties"])
UI_KEYS = list(_P["ui"]["properties"])
CATEGORY_KEYS = list(CATEGORY["properties"])
BASES = CATEGORY["properties"]["basis"]["enum"]
LAYOUTS = _P["ui"]["properties"]["layout"]["enum"]
TEXT_SECTIONS = list(TEXT_KEYS) + ["categories"]
COOKIE_ENTRY_KEYS = ["name", "purpose", "duration"]


# ---------------------------------------------------------------- issue collection

def _new_ctx():
    return {"errors": [], "warnings": [], "more_errors": 0, "more_warnings": 0,
            "config": {}, "seen_services": {}, "services": 0}


def _error(ctx, path, message):
    if len(ctx["errors"]) < MAX_ISSUES:
        ctx["errors"].append({"path": path, "message": message})
    else:
        ctx["more_errors"] += 1


def _warn(ctx, path, message):
    if len(ctx["warnings"]) < MAX_ISSUES:
        ctx["warnings"].append({"path": path, "message": message})
    else:
        ctx["more_warnings"] += 1


def _saturated(ctx):
    return len(ctx["errors"]) >= MAX_ISSUES


def _looks_like_callback(key):
    if len(key) > 2 and key[0:2] == "on" and key[2] in UPPER:
        return True
    low = key.lower()
    return low in ("callback", "callbacks", "handler", "handlers", "script", "js", "eval",
                   "function", "onaccept", "onreject", "onchange", "onconsent")


def _check_keys(ctx, obj, path, known, also=()):
    for k in obj:
        if not isinstance(k, str):
            _error(ctx, path, "Keys must be strings; found the key " + clip(k) + ".")
            continue
        if k in known or k in also:
            continue
        p = child_path(path, k)
        if _looks_like_callback(k):
            _error(ctx, p, "Callbacks cannot be given in the configuration; register them "
                           "from page code with Consentry.on() or Consentry.onCategory().")
            continue
        msg = "Unknown key " + clip(k) + "."
        if not _saturated(ctx):
            s = suggest(k, known)
            if s is not None:
                msg = msg + " Did you mean '" + s + "'?"
        _error(ctx, p, msg)


# ---------------------------------------------------------------- objects, driven by the schema
# Every reader is ``reader(ctx, obj, key, path, node, out) -> value``: the normalised value of
# ``obj[key]`` (``path`` is the path of ``obj``), or the node's default when the key is absent
# or its value is refused (with an issue). ``out`` is the object being built, for the few
# rules that depend on an earlier sibling.

def _object(ctx, raw, path, nd, out):
    """Read every property of the object node ``nd`` from ``raw`` into ``out`` (keys already
    in ``out`` were read by the caller), then apply the cross-key rules of ``RULES``."""
    props = nd["properties"]
    for key in props:
        if key in out:
            continue
        sub = props[key]
        out[key] = READERS[sub["type"]](ctx, raw, key, path, sub, out)
        rule = RULES.get(path + "." + key)
        if rule is not None:
            rule(ctx, out, path)
    return out


def _section(ctx, obj, key, path, nd, out):
    """A nested object: ``{}`` when absent; an error and every default when not an object."""
    raw = {}
    if key in obj:
        raw = obj[key]
        if not isinstance(raw, dict):
            _error(ctx, child_path(path, key), "Must be an object, not " + clip(raw) + ".")
            raw = {}
    p = child_path(path, key)
    _check_keys(ctx, raw, p, nd["properties"])
    return _object(ctx, raw, p, nd, {})


# ---------------------------------------------------------------- scalar readers

def _bool(ctx, obj, key, path, nd, out):
    if key not in obj:
        return nd["default"]
    v = obj[key]
    if v is True or v is False:
        return v
    _error(ctx, child_path(path, key), "Must be true or false, not " + clip(v) + ".")
    return nd["default"]


def _int(ctx, obj, key, path, nd, out):
    """A whole number; with ``clamp`` it counts days and values above are reduced."""
    if key not in obj:
        return nd["default"]
    v = obj[key]
    n = as_int(v)
    p = child_path(path, key)
    lo = nd["minimum"]
    if "clamp" in nd:
        if n is None:
            _error(ctx, p, "Must be a whole number of days, not " + clip(v) + ".")
        elif n < lo:
            _error(ctx, p, "Must be at least " + str(lo) + (" day." if lo == 1 else " days."))
        elif n > nd["clamp"]:
            _warn(ctx, p, "Browsers keep cookies for at most about 400 days; " + str(n) +
                  " days was reduced to " + str(nd["clamp"]) + ".")
            return nd["clamp"]
        else:
            return n
        return nd["default"]
    if n is None:
        _error(ctx, p, "Must be a whole number, not " + clip(v) + ".")
        return nd["default"]
    hi = nd["maximum"]
    if n < lo or n > hi:
        _error(ctx, p, "Must be between " + str(lo) + " and " + str(hi) + ", not " + str(n) + ".")
        return nd["default"]
    return n


def _enum(ctx, obj, key, path, nd, out):
    if key not in obj:
        return nd["default"]
    v = obj[key]
    choices = nd["enum"]
    if "caseInsensitive" in nd:
        if isinstance(v, str):
            low = v.lower()
            for c in choices:
                if c.lower() == low:
                    return c
        _error(ctx, child_path(path, key), "Must be " + ", ".join(choices[:-1]) + " or " +
               choices[-1] + "; found " + clip(v) + ".")
        return nd["default"]
    if isinstance(v, str) and v in choices:
        return v
    msg = "Must be one of " + ", ".join(choices) + "; found " + clip(v) + "."
    if isinstance(v, str) and len(v) < 64:
        s = suggest(v, choices)
        if s is not None:
            msg = msg + " Did you mean '" + s + "'?"
    _error(ctx, child_path(path, key), msg)
    return nd["default"]


def _has_bad_chars(s):
    """Control characters, lone surrogates or bidi/line separators."""
    for c in s:
        o = ord(c)
        if o < 32 or (o >= 127 and o < 160) or (o >= 0xD800 and o <= 0xDFFF) or \
                o == 0x2028 or o == 0x2029:
            return True
    return False


def _control_chars():
    out = []
    i = 0
    while i < 32:
        if i != 9 and i != 10:
            out.append(chr(i))
        i += 1
    out.append(chr(127))
    return out


# C0 controls except tab and newline, and DEL. Checked with `in` (a native substring search in
# the bundle): a per-character Python loop over every text made validation ~20x slower there.
CONTROL_CHARS = _control_chars()


def _text(ctx, v, path, allow_empty, key=None):
    """A display string (<= MAX_STRING chars, no control chars except tab/newline) or None.
    Texts are only ever rendered as text (textContent), never parsed as HTML. The issue path
    is ``path``, or ``child_path(path, key)`` when a key is given (built only on error: it is
    the hot path of validation in the bundle)."""
    if key is not None:
        if isinstance(v, str) and len(v) <= MAX_STRING:
            ok = True
            for c in CONTROL_CHARS:
                if c in v:
                    ok = False
                    break
            if ok and (allow_empty or v.strip() != ""):
                return v
        path = child_path(path, key)
    if not isinstance(v, str):
        _error(ctx, path, "Must be a string, not " + clip(v) + ".")
        return None
    if len(v) > MAX_STRING:
        _error(ctx, path, "Is too long (" + str(len(v)) + " characters; the limit is " +
               str(MAX_STRING) + ").")
        return None
    for c in CONTROL_CHARS:
        if c in v:
            _error(ctx, path, "Contains a control character.")
            return None
    if not allow_empty and v.strip() == "":
        _error(ctx, path, "Must not be empty.")
        return None
    return v


def _label(ctx, obj, key, path, nd, out):
    """A non-empty text; when absent (or refused), the value of the sibling ``defaultFrom``."""
    if key in obj:
        t = _text(ctx, obj[key], child_path(path, key), False)
        if t is not None:
            return t
    return out[nd["defaultFrom"]]


def url_problem(v):
    """None when ``v`` is an acceptable link (https:, http: or a same-origin path), else a
    sentence saying why not."""
    if not isinstance(v, str):
        return "Must be a string URL, not " + clip(v) + "."
    if len(v) == 0:
        return "Must not be empty (use null for no link)."
    if len(v) > MAX_STRING:
        return "Is too long."
    if _has_bad_chars(v) or "\\" in v or v.split() != [v]:     # any (Unicode) whitespace
        return "Contains spaces, backslashes or control characters; encode them."
    low = v.lower()
    if low[0:1] == "/":
        if low[0:2] == "//":
            return "Protocol-relative URLs (//host) are not allowed; use https://host or a path."
        return None
    for scheme in ("https://", "http://"):
        if low[0:len(scheme)] == scheme:
            rest = low[len(scheme):]
            if rest == "" or rest[0] in "/?#@":
                return "Has no host name."
            return None
    return ("Only https:, http: or a same-origin path starting with '/' are allowed; found " +
            clip(v) + ".")


def _url(ctx, obj, key, path, nd, out):
    """Optional URL: None when absent or null; ``sameOrigin``: a path only."""
    if key not in obj or obj[key] is None:
        return None
    v = obj[key]
    p = url_problem(v)
    if p is None and "sameOrigin" in nd and v[0:1] != "/":
        p = "Must be a same-origin path starting with '/' (proof-of-consent records " \
            "never leave the site)."
    if p is not None:
        _error(ctx, child_path(path, key), p)
        return None
    return v


def _localized(ctx, v, path):
    """A string (for every language) or an object {lang: string} -> {lang or "*": str}."""
    if isinstance(v, str):
        t = _text(ctx, v, path, True)
        if t is None:
            return {}
        return {"*": t}
    if not isinstance(v, dict):
        _error(ctx, path, "Must be a string or an object of strings per language, not " +
               clip(v) + ".")
        return {}
    out = {}
    n = 0
    for k in v:
        n += 1
        if n > MAX_LANGUAGES:
            _error(ctx, path, "Has too many languages (the limit is " + str(MAX_LANGUAGES) + ").")
            break
        code = canonical_language(k)
        if code is None:
            _error(ctx, child_path(path, k), "Is not a language code like en, en-GB or fr.")
            continue
        t = _text(ctx, v[k], path, True, k)
        if t is not None:
            out[code] = t
    return out


def _localized_key(ctx, obj, key, path, nd, out):
    if key not in obj:
        return {}
    return _localized(ctx, obj[key], child_path(path, key))


def _language(ctx, obj, key, path, nd, out):
    if key not in obj:
        return nd["default"]
    c = canonical_language(obj[key])
    if c is None:
        _error(ctx, child_path(path, key), "Must be a language code like en, en-GB or fr; "
                                           "found " + clip(obj[key]) + ".")
        return nd["default"]
    return c


# ---------------------------------------------------------------- the cookie

def _token(ctx, obj, key, path, nd, out):
    if key not in obj:
        return nd["default"]
    v = obj[key]
    if not isinstance(v, str) or len(v) < nd["minLength"] or len(v) > nd["maxLength"] or \
            not only_chars(v, nd["chars"]):
        _error(ctx, child_path(path, key), "Must be " + str(nd["minLength"]) + " to " +
               str(nd["maxLength"]) + " characters from letters, digits and " +
               nd["chars"].strip(ALNUM) + " (no spaces, '=', ';' or ','); found " + clip(v) + ".")
        return nd["default"]
    return v


def _host(ctx, obj, key, path, nd, out):
    if key not in obj or obj[key] is None:
        return None
    v = obj[key]
    p = child_path(path, key)
    if not isinstance(v, str) or len(v) == 0 or len(v) > nd["maxLength"]:
        _error(ctx, p, "Must be null or a host name like example.com; found " + clip(v) + ".")
        return None
    d = v.lower()
    body = d
    if body[0:1] == ".":
        body = body[1:]
    if not only_chars(d, nd["chars"]) or body == "" or ".." in body or \
            body[0] in ".-" or body[-1] in ".-":
        _error(ctx, p, "Must be a host name like example.com (letters, digits, '-' and "
                       "'.'; no port, spaces, ';' or ','); found " + clip(v) + ".")
        return None
    return d


def _cookie_path(ctx, obj, key, path, nd, out):
    if key not in obj:
        return nd["default"]
    v = obj[key]
    bad = not isinstance(v, str) or len(v) == 0 or len(v) > nd["maxLength"] or v[0] != "/"
    if not bad:
        for c in v:
            o = ord(c)
            if o <= 32 or o >= 127 or c in nd["badChars"]:
                bad = True
                break
    if bad:
        _error(ctx, child_path(path, key), "Must be a path starting with '/' of printable "
               "ASCII without spaces, ';', ',', quotes or backslashes; found " + clip(v) + ".")
        return nd["default"]
    return v


def _cookie_rules(ctx, out, path):
    if out["partitioned"] and out["sameSite"] != "None":
        _error(ctx, child_path(path, "partitioned"),
               "A partitioned cookie needs sameSite None.")
    if out["sameSite"] == "None":
        _warn(ctx, child_path(path, "sameSite"),
              "SameSite=None cookies are only kept on https pages (they need Secure).")
    name = out["name"]
    if name[0:7] == "__Host-":
        if out["domain"] is not None or out["path"] != "/":
            _error(ctx, child_path(path, "name"),
                   "A __Host- cookie must have no domain and the path '/'.")
        _warn(ctx, child_path(path, "name"),
              "__Host- and __Secure- cookies are only kept on https pages.")
    elif name[0:9] == "__Secure-":
        _warn(ctx, child_path(path, "name"),
              "__Host- and __Secure- cookies are only kept on https pages.")


# ---------------------------------------------------------------- lists

def _regions(ctx, obj, key, path, nd, out):
    if key not in obj:
        return list(nd["default"])
    v = obj[key]
    p = child_path(path, key)
    if not isinstance(v, list):
        _error(ctx, p, "Must be a list of region codes like \"EEA\", \"FR\" or \"US-CA\".")
        return list(nd["default"])
    if len(v) > nd["maxItems"]:
        _error(ctx, p, "Has too many regions (the limit is " + str(nd["maxItems"]) + ").")
        return list(nd["default"])
    res = []
    i = 0
    for item in v:
        r = canonical_region(item)
        if r is None:
            _error(ctx, index_path(p, i), "Is not a region code like \"EEA\", \"FR\" or "
                                          "\"US-CA\"; found " + clip(item) + ".")
        elif r not in res:
            res.append(r)
        i += 1
    return res


def _mode_rules(ctx, out, path):
    for r in out["optOutRegions"]:
        if r in out["optInRegions"]:
            _error(ctx, child_path(path, "optOutRegions"),
                   "The region " + r + " is listed as both opt-in and opt-out.")


def _choices(ctx, obj, key, path, nd, out):
    if key not in obj:
        return list(nd["default"])
    v = obj[key]
    p = child_path(path, key)
    choices = nd["enum"]
    if not isinstance(v, list) or len(v) > nd["maxItems"]:
        _error(ctx, p, "Must be a list drawn from " + ", ".join(choices) + ".")
        return list(nd["default"])
    res = []
    i = 0
    for item in v:
        if isinstance(item, str) and item in choices:
            if item not in res:
                res.append(item)
        else:
            _error(ctx, index_path(p, i),
                   "Must be one of " + ", ".join(choices) + "; found " + clip(item) + ".")
        i += 1
    return res


def _cookies(ctx, obj, key, path, nd, out):
    if key not in obj:
        return []
    raw = obj[key]
    path = child_path(path, key)
    if not isinstance(raw, list):
        _error(ctx, path, "Must be a list of cookie names (\"_ga\", \"/^_ga_/\") or objects "
                          "{name, purpose, duration}.")
        return []
    if len(raw) > nd["maxItems"]:
        _error(ctx, path, "Has too many cookies (the limit is " + str(nd["maxItems"]) + ").")
        return []
    chars = _P["cookie"]["properties"]["name"]["chars"]
    res = []
    i = 0
    for item in raw:
        p = index_path(path, i)
        i += 1
        entry = {"name": "", "prefix": False, "purpose": {}, "duration": {}}
        name = item
        if isinstance(item, dict):
            _check_keys(ctx, item, p, COOKIE_ENTRY_KEYS)
            if "name" not in item:
                _error(ctx, p, "A cookie entry needs a name.")
                continue
            name = item["name"]
            entry["purpose"] = _localized_key(ctx, item, "purpose", p, nd, entry)
            entry["duration"] = _localized_key(ctx, item, "duration", p, nd, entry)
            p = child_path(p, "name")
        if not isinstance(name, str) or len(name) == 0 or len(name) > nd["nameMax"]:
            _error(ctx, p, "A cookie name must be a non-empty string; found " + clip(name) + ".")
            continue
        literal = name
        if name[0] == "/":
            if len(name) >= 4 and name[0:2] == "/^" and name[-1] == "/":
                literal = name[2:-1]
                entry["prefix"] = True
            else:
                _error(ctx, p, "Only exact names or prefix patterns like \"/^_ga_/\" are "
                               "supported; found " + clip(name) + ".")
                continue
        if literal == "" or not only_chars(literal, chars):
            _error(ctx, p, "Is not a valid cookie name; found " + clip(name) + ".")
            continue
        entry["name"] = literal
        res.append(entry)
    return res


# ---------------------------------------------------------------- categories and services

def _new_id(ctx, item, p, kind, seen, nd):
    """The item's id when it is well formed, not reserved and not seen before (then
    recorded), else None."""
    v = item.get("id")
    if not isinstance(v, str) or len(v) < 1 or len(v) > nd["maxLength"] or \
            v[0] not in nd["first"] or not only_chars(v, nd["chars"]):
        _error(ctx, child_path(p, "id"), "A " + kind + " id must be 1 to " +
               str(nd["maxLength"]) + " characters from a-z, 0-9, '_' and '-', starting with "
               "a letter; found " + clip(v) + ".")
        return None
    if v in nd["reserved"]:
        _error(ctx, child_path(p, "id"), "The " + kind + " id '" + v + "' is a name every "
               "JavaScript object already has; choose another.")
        return None
    if v in seen:
        _error(ctx, child_path(p, "id"), "The " + kind + " id '" + v + "' is used twice.")
        return None
    seen[v] = True
    return v


def _services(ctx, obj, key, path, nd, out):
    if key not in obj:
        return []
    raw = obj[key]
    path = child_path(path, key)
    if not isinstance(raw, list):
        _error(ctx, path, "Must be a list of services.")
        return []
    limit = nd["maxItems"]
    if ctx["services"] + len(raw) > limit:
        _error(ctx, path, "Too many services in total (the limit is " + str(limit) + ").")
        ctx["services"] = limit + 1
        return []
    ctx["services"] += len(raw)
    props = nd["items"]["properties"]
    res = []
    i = 0
    for item in raw:
        p = index_path(path, i)
        i += 1
        if not isinstance(item, dict):
            _error(ctx, p, "A service must be an object with an id, not " + clip(item) + ".")
            continue
        _check_keys(ctx, item, p, props)
        sid = _new_id(ctx, item, p, "service", ctx["seen_services"], props["id"])
        if sid is not None:
            res.append(_object(ctx, item, p, nd["items"], {"id": sid}))
    return res


def _categories(ctx, obj, key, path, nd, out):
    if key not in obj:
        _error(ctx, path, "There must be a categories list (with a 'necessary' category).")
        return []
    v = obj[key]
    path = child_path(path, key)
    if not isinstance(v, list):
        _error(ctx, path, "Must be a list of categories, not " + clip(v) + ".")
        return []
    if len(v) > nd["maxItems"]:
        _error(ctx, path, "Has too many categories (the limit is " + str(nd["maxItems"]) +
               ").")
        return []
    props = nd["items"]["properties"]
    res = []
    seen = {}
    i = 0
    for item in v:
        p = index_path(path, i)
        i += 1
        if not isinstance(item, dict):
            _error(ctx, p, "A category must be an object with an id, not " + clip(item) + ".")
            continue
        _check_keys(ctx, item, p, props)
        cid = _new_id(ctx, item, p, "category", seen, props["id"])
        if cid is None:
            continue
        cat = _object(ctx, item, p, nd["items"], {"id": cid})
        if cat["basis"] == "necessary":
            if cid != "necessary":
                _error(ctx, child_path(p, "basis"), "Only the category with id 'necessary' can "
                                                    "have the basis 'necessary'.")
            if cat["saleOrShare"]:
                _error(ctx, child_path(p, "saleOrShare"),
                       "The necessary category cannot be a sale-or-share category.")
        elif cid == "necessary":
            _error(ctx, child_path(p, "basis"), "The 'necessary' category must have the basis "
                                                "'necessary'.")
        res.append(cat)
    if "necessary" not in seen:
        _error(ctx, path, "There must be exactly one category with id 'necessary' and basis "
                          "'necessary'.")
    return res


def _category_ids(ctx):
    ids = {}
    for c in ctx["config"]["categories"]:
        ids[c["id"]] = True
    return ids


def _signal_map(ctx, obj, key, path, nd, out):
    signals = nd["keys"]
    res = {}
    for s in signals:
        res[s] = []
    if key not in obj:
        return res
    m = obj[key]
    mp = child_path(path, key)
    if not isinstance(m, dict):
        _error(ctx, mp, "Must be an object from Consent Mode signals to category ids.")
        return res
    _check_keys(ctx, m, mp, signals)
    cat_ids = _category_ids(ctx)
    limit = _P["categories"]["maxItems"]
    for s in signals:
        if s not in m:
            continue
        v = m[s]
        sp = child_path(mp, s)
        if not isinstance(v, list) or len(v) > limit:
            _error(ctx, sp, "Must be a list of category ids.")
            continue
        ids = []
        j = 0
        for cid in v:
            if isinstance(cid, str) and cid in cat_ids:
                if cid not in ids:
                    ids.append(cid)
            else:
                _error(ctx, index_path(sp, j), "Is not the id of a configured category; found " +
                       clip(cid) + ".")
            j += 1
        res[s] = ids
    return res


# ---------------------------------------------------------------- the banner

def _position(ctx, obj, key, path, nd, out):
    """A position valid for the layout; one valid for another layout is adapted (warning)."""
    layout = out[nd["of"]]
    pos = nd["default"][layout]
    if key not in obj:
        return pos
    v = obj[key]
    p = child_path(path, key)
    valid = nd["enum"][layout]
    known = False
    for name in nd["enum"]:
        if isinstance(v, str) and v in nd["enum"][name]:
            known = True
    if isinstance(v, str) and v in valid:
        return v
    if known:
        if layout == "bar":
            pos = "top" if v[0:3] == "top" else "bottom"
        elif v == "top":
            pos = "top-right"
        elif v == "bottom":
            pos = "bottom-right"
        _warn(ctx, p, "The position '" + v + "' does not fit the layout '" + layout +
              "'; using '" + pos + "'.")
        return pos
    _error(ctx, p, "Must be one of " + ", ".join(valid) + "; found " + clip(v) + ".")
    return pos


# ---------------------------------------------------------------- translations

def _translation(ctx, raw, path, cat_ids, nd):
    """One language: {section: {key: str}} with only known keys (unknown ones warn)."""
    sections = nd["sections"]
    for k in raw:
        if not isinstance(k, str) or k not in TEXT_SECTIONS:
            msg = "Unknown translation section " + clip(k) + " is ignored."
            s = suggest(k, TEXT_SECTIONS)
            if s is not None:
                msg = msg + " Did you mean '" + s + "'?"
            _warn(ctx, child_path(path, k), msg)
    out = {}
    for sec in TEXT_SECTIONS:
        if sec not in raw:
            continue
        v = raw[sec]
        sp = child_path(path, sec)
        if not isinstance(v, dict):
            _error(ctx, sp, "Must be an object of texts, not " + clip(v) + ".")
            continue
        if sec == "categories":
            cats = {}
            for cid in v:
                cp = child_path(sp, cid)
                if not isinstance(cid, str) or cid not in cat_ids:
                    _warn(ctx, cp, "Texts for an unknown category " + clip(cid) +
                          " are ignored.")
                    continue
                entry = v[cid]
                if not isinstance(entry, dict):
                    _error(ctx, cp, "Must be an object {title, description}.")
                    continue
                ce = {}
                for k in entry:
                    if not isinstance(k, str) or k not in nd["categoryKeys"]:
                        _warn(ctx, child_path(cp, k), "Unknown translation key " + clip(k) +
                              " is ignored.")
                        continue
                    t = _text(ctx, entry[k], cp, k not in nd["buttons"], k)
                    if t is not None:
                        ce[k] = t
                cats[cid] = ce
            out[sec] = cats
            continue
        keys = sections[sec]
        texts = {}
        for k in v:
            if not isinstance(k, str) or k not in keys:
                msg = "Unknown translation key " + clip(k) + " is ignored."
                s = suggest(k, keys)
                if s is not None:
                    msg = msg + " Did you mean '" + s + "'?"
                _warn(ctx, child_path(sp, k), msg)
                continue
            # None marks a text that was given but invalid (already reported)
            texts[k] = _text(ctx, v[k], sp, k not in nd["buttons"], k)
        out[sec] = texts
    return out


def _translations(ctx, obj, key, path, nd, out):
    cats = ctx["config"]["categories"]
    default_lang = ctx["config"]["language"]["default"]
    cat_ids = _category_ids(ctx)
    sections = nd["sections"]
    p = child_path(path, key)
    if key not in obj:
        _error(ctx, p, "There must be translations for the default language '" +
               default_lang + "'.")
        return {}
    v = obj[key]
    if not isinstance(v, dict):
        _error(ctx, p, "Must be an object of languages, not " + clip(v) + ".")
        return {}
    if len(v) > nd["maxItems"]:
        _error(ctx, p, "Has too many languages (the limit is " + str(nd["maxItems"]) + ").")
        return {}
    langs = {}
    for k in v:
        lp = child_path(p, k)
        code = canonical_language(k)
        if code is None:
            _error(ctx, lp, "Is not a language code like en, en-GB or fr.")
            continue
        if code in langs:
            _error(ctx, lp, "The language " + code + " is given twice.")
            continue
        if not isinstance(v[k], dict):
            _error(ctx, lp, "Must be an object of translation sections, not " + clip(v[k]) + ".")
            continue
        langs[code] = _translation(ctx, v[k], lp, cat_ids, nd)
    if default_lang not in langs:
        _error(ctx, p, "There are no translations for the default language '" +
               default_lang + "'.")
        return {}
    # the default language must be complete
    base = langs[default_lang]
    dp = child_path(p, default_lang)
    full = {}
    for sec in sections:
        have = base.get(sec, {})
        filled = {}
        for k in sections[sec]:
            if k in have:
                filled[k] = have[k] if have[k] is not None else ""
            else:
                _error(ctx, child_path(child_path(dp, sec), k),
                       "The default language must give this text.")
                filled[k] = ""
        full[sec] = filled
    have_cats = base.get("categories", {})
    full_cats = {}
    for c in cats:
        cid = c["id"]
        e = have_cats.get(cid, {})
        title = e.get("title")
        if title is None:
            _warn(ctx, child_path(child_path(child_path(dp, "categories"), cid), "title"),
                  "No title for this category in the default language; its id is shown.")
            title = cid
        full_cats[cid] = {"title": title, "description": e.get("description", "")}
    full["categories"] = full_cats
    res = {default_lang: full}
    for code in langs:
        if code == default_lang:
            continue
        lang = langs[code]
        one = {}
        for sec in sections:
            have = lang.get(sec, {})
            filled = {}
            for k in sections[sec]:
                filled[k] = have[k] if have.get(k) is not None else full[sec][k]
            one[sec] = filled
        hc = lang.get("categories", {})
        rc = {}
        for cid in full_cats:
            e = hc.get(cid, {})
            rc[cid] = {"title": e.get("title", full_cats[cid]["title"]),
                       "description": e.get("description", full_cats[cid]["description"])}
        one["categories"] = rc
        res[code] = one
    return res


READERS = {
    "object": _section, "boolean": _bool, "integer": _int, "enum": _enum, "url": _url,
    "token": _token, "host": _host, "cookiePath": _cookie_path, "regions": _regions,
    "choices": _choices, "language": _language, "text": _label,
    "localized": _localized_key, "cookies": _cookies, "services": _services,
    "categories": _categories, "signalMap": _signal_map, "position": _position,
    "translations": _translations,
}

# Rules across keys, run right after the named key is read.
RULES = {"$.cookie.partitioned": _cookie_rules, "$.mode.optInRegions": _mode_rules}


# ---------------------------------------------------------------- public API

def validate(raw):
    """Validate and normalise a raw configuration. See the module docstring."""
    ctx = _new_ctx()
    if not isinstance(raw, dict):
        _error(ctx, "$", "The configuration must be a JSON object, not " + clip(raw) + ".")
        return {"config": None, "errors": ctx["errors"], "warnings": ctx["warnings"]}
    _check_keys(ctx, raw, "$", _P, ROOT["annotations"])
    cfg = _object(ctx, raw, "$", ROOT, ctx["config"])
    if ctx["more_errors"] > 0:
        ctx["errors"].append({"path": "$", "message": "And " + str(ctx["more_errors"]) +
                              " more problems (only the first " + str(MAX_ISSUES) +
                              " are listed)."})
    if ctx["more_warnings"] > 0:
        ctx["warnings"].append({"path": "$", "message": "And " + str(ctx["more_warnings"]) +
                                " more warnings."})
    if len(ctx["errors"]) > 0:
        return {"config": None, "errors": ctx["errors"], "warnings": ctx["warnings"]}
    return {"config": cfg, "errors": [], "warnings": ctx["warnings"]}


def merge(base, override):
    """``override`` merged over ``base`` (dicts recursively, lists and scalars replaced)."""
    if not isinstance(base, dict) or not isinstance(override, dict):
        return override
    root = dict(base)
    stack = [[root, override]]
    while len(stack) > 0:
        pair = stack.pop()
        target = pair[0]
        over = pair[1]
        for k in over:
            v = over[k]
            cur = target.get(k) if k in target else None
            if isinstance(v, dict) and isinstance(cur, dict):
                nd = dict(cur)
                target[k] = nd
                stack.append([nd, v])
            else:
                target[k] = v
    return root


def load(builtin_raw, override_raw, normalized=None):
    """Validated built-in configuration with the page override applied when valid.

    Validates at most once on the common paths (no override, or a valid one). ``normalized``
    (optional) is ``validate(builtin_raw)["config"]`` computed ahead of time (e.g. by the build,
    embedded as JSON): when given, it is used as is instead of validating the built-in
    configuration again, so a page view without an override validates nothing."""
    if override_raw is None:
        if isinstance(normalized, dict):
            return {"config": normalized, "errors": [], "warnings": [], "override_errors": []}
        base = validate(builtin_raw)
        base["override_errors"] = []
        return base
    # hook: a site that brings its own categories gets a derived Consent Mode map and loses the
    # built-in texts of the categories it dropped (site_categories); keep it when rewriting load
    rebased = site_categories.rebase(builtin_raw, override_raw)
    merged = validate(merge(rebased["base"], override_raw))
    merged["warnings"] = rebased["warnings"] + merged["warnings"]
    if merged["config"] is not None:
        merged["override_errors"] = []
        return merged
    if isinstance(normalized, dict):
        base = {"config": normalized, "errors": [], "warnings": []}
    else:
        base = validate(builtin_raw)
    base["override_errors"] = merged["errors"] if base["config"] is not None else []
    return base
