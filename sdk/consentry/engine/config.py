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

from .codes import EEA, SIGNALS, canonical_language, canonical_region, cookie_matches  # noqa: F401
from . import site_categories
from .util import (
    ALNUM, DIGITS, LOWER, UPPER, as_int, child_path, clip, index_path, is_id, only_chars,
    suggest,
)

MAX_ISSUES = 100
MAX_STRING = 2000
MAX_CATEGORIES = 200
MAX_SERVICES = 1000
MAX_COOKIES = 100
MAX_REGIONS = 300
MAX_LANGUAGES = 100
MAX_DAYS = 395
MAX_REVISION = 2147483647

BASES = ["necessary", "legitimate-interest", "consent"]
LAYOUTS = ["bar", "box", "modal"]
BAR_POSITIONS = ["top", "bottom"]
BOX_POSITIONS = ["bottom-left", "bottom-right", "top-left", "top-right", "center"]
DEFAULT_POSITION = {"bar": "bottom", "box": "bottom-right", "modal": "center"}

TOP_KEYS = ["revision", "cookie", "mode", "gpc", "categories", "consentMode", "language",
            "translations", "ui", "log"]
COOKIE_KEYS = ["name", "domain", "path", "sameSite", "acceptDays", "rejectDays", "partitioned"]
MODE_KEYS = ["default", "optOutRegions", "optInRegions", "detect", "bannerInOptOut"]
CATEGORY_KEYS = ["id", "basis", "saleOrShare", "services", "cookies", "noticeUrl"]
SERVICE_KEYS = ["id", "label", "description", "cookies", "noticeUrl"]
COOKIE_ENTRY_KEYS = ["name", "purpose", "duration"]
CM_KEYS = ["enabled", "map", "waitForUpdate"]
LANGUAGE_KEYS = ["default", "detect"]
UI_KEYS = ["layout", "position", "theme", "closeAction", "noticeUrl"]
LOG_KEYS = ["endpoint"]

# translation sections -> keys; keys listed in BUTTON_KEYS must not be blank
TEXT_KEYS = {
    "banner": ["title", "text", "acceptAll", "rejectAll", "customise", "close", "noticeLink",
               "revisionNote"],
    "panel": ["title", "text", "save", "acceptAll", "rejectAll", "close", "saved", "gpcHonoured",
              "alwaysOn", "legitimateInterest", "services", "cookies", "cookieName",
              "cookiePurpose", "cookieDuration", "on", "off"],
    "placeholder": ["text", "allowOnce", "alwaysAllow"],
    "reload": ["text", "button"],
}
TEXT_SECTIONS = ["banner", "panel", "placeholder", "reload", "categories"]
CATEGORY_TEXT_KEYS = ["title", "description"]
BUTTON_KEYS = ["acceptAll", "rejectAll", "customise", "close", "save", "allowOnce",
               "alwaysAllow", "button", "title"]

COOKIE_NAME_CHARS = ALNUM + "!#$%&'*+-.^_`|~"
DOMAIN_CHARS = LOWER + DIGITS + "-."
PATH_BAD_CHARS = ' ;,"\\'



# ---------------------------------------------------------------- issue collection

def _new_ctx():
    return {"errors": [], "warnings": [], "more_errors": 0, "more_warnings": 0}


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


def _check_keys(ctx, obj, path, known):
    for k in obj:
        if not isinstance(k, str):
            _error(ctx, path, "Keys must be strings; found the key " + clip(k) + ".")
            continue
        if k in known:
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


def _expect_dict(ctx, raw, key, path):
    """The sub-object ``raw[key]`` or {} (with an error when it is not an object)."""
    if key not in raw:
        return {}
    v = raw[key]
    if isinstance(v, dict):
        return v
    _error(ctx, child_path(path, key), "Must be an object, not " + clip(v) + ".")
    return {}


# ---------------------------------------------------------------- scalar readers

def _bool(ctx, obj, key, path, default):
    if key not in obj:
        return default
    v = obj[key]
    if v is True or v is False:
        return v
    _error(ctx, child_path(path, key), "Must be true or false, not " + clip(v) + ".")
    return default


def _int(ctx, obj, key, path, default, lo, hi):
    if key not in obj:
        return default
    v = obj[key]
    n = as_int(v)
    if n is None:
        _error(ctx, child_path(path, key), "Must be a whole number, not " + clip(v) + ".")
        return default
    if n < lo or n > hi:
        _error(ctx, child_path(path, key),
               "Must be between " + str(lo) + " and " + str(hi) + ", not " + str(n) + ".")
        return default
    return n


def _enum(ctx, obj, key, path, default, choices):
    if key not in obj:
        return default
    v = obj[key]
    if isinstance(v, str) and v in choices:
        return v
    msg = "Must be one of " + ", ".join(choices) + "; found " + clip(v) + "."
    if isinstance(v, str) and len(v) < 64:
        s = suggest(v, choices)
        if s is not None:
            msg = msg + " Did you mean '" + s + "'?"
    _error(ctx, child_path(path, key), msg)
    return default


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


def _url(ctx, obj, key, path):
    """Optional URL field: None when absent or null."""
    if key not in obj or obj[key] is None:
        return None
    v = obj[key]
    p = url_problem(v)
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


# ---------------------------------------------------------------- sections

def _cookie(ctx, raw, path):
    _check_keys(ctx, raw, path, COOKIE_KEYS)
    out = {"name": "consentry", "domain": None, "path": "/", "sameSite": "Lax",
           "acceptDays": 182, "rejectDays": 182, "partitioned": False}
    if "name" in raw:
        v = raw["name"]
        p = child_path(path, "name")
        if not isinstance(v, str) or len(v) == 0 or len(v) > 64 or \
                not only_chars(v, COOKIE_NAME_CHARS):
            _error(ctx, p, "Must be 1 to 64 characters from letters, digits and "
                           "!#$%&'*+-.^_`|~ (no spaces, '=', ';' or ','); found " + clip(v) + ".")
        else:
            out["name"] = v
    if "domain" in raw and raw["domain"] is not None:
        v = raw["domain"]
        p = child_path(path, "domain")
        if not isinstance(v, str) or len(v) == 0 or len(v) > 253:
            _error(ctx, p, "Must be null or a host name like example.com; found " + clip(v) + ".")
        else:
            d = v.lower()
            body = d
            if body[0:1] == ".":
                body = body[1:]
            if not only_chars(d, DOMAIN_CHARS) or body == "" or ".." in body or \
                    body[0] in ".-" or body[-1] in ".-":
                _error(ctx, p, "Must be a host name like example.com (letters, digits, '-' and "
                               "'.'; no port, spaces, ';' or ','); found " + clip(v) + ".")
            else:
                out["domain"] = d
    if "path" in raw:
        v = raw["path"]
        p = child_path(path, "path")
        bad = not isinstance(v, str) or len(v) == 0 or len(v) > 512 or v[0] != "/"
        if not bad:
            for c in v:
                o = ord(c)
                if o <= 32 or o >= 127 or c in PATH_BAD_CHARS:
                    bad = True
                    break
        if bad:
            _error(ctx, p, "Must be a path starting with '/' of printable ASCII without spaces, "
                           "';', ',', quotes or backslashes; found " + clip(v) + ".")
        else:
            out["path"] = v
    if "sameSite" in raw:
        v = raw["sameSite"]
        norm = None
        if isinstance(v, str):
            low = v.lower()
            if low == "lax":
                norm = "Lax"
            elif low == "strict":
                norm = "Strict"
            elif low == "none":
                norm = "None"
        if norm is None:
            _error(ctx, child_path(path, "sameSite"),
                   "Must be Lax, Strict or None; found " + clip(v) + ".")
        else:
            out["sameSite"] = norm
    for key in ("acceptDays", "rejectDays"):
        if key in raw:
            v = raw[key]
            n = as_int(v)
            p = child_path(path, key)
            if n is None:
                _error(ctx, p, "Must be a whole number of days, not " + clip(v) + ".")
            elif n < 1:
                _error(ctx, p, "Must be at least 1 day.")
            elif n > MAX_DAYS:
                _warn(ctx, p, "Browsers keep cookies for at most about 400 days; " + str(n) +
                      " days was reduced to " + str(MAX_DAYS) + ".")
                out[key] = MAX_DAYS
            else:
                out[key] = n
    out["partitioned"] = _bool(ctx, raw, "partitioned", path, False)
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
    return out


def _region_list(ctx, raw, key, path, default):
    if key not in raw:
        return default
    v = raw[key]
    p = child_path(path, key)
    if not isinstance(v, list):
        _error(ctx, p, "Must be a list of region codes like \"EEA\", \"FR\" or \"US-CA\".")
        return default
    if len(v) > MAX_REGIONS:
        _error(ctx, p, "Has too many regions (the limit is " + str(MAX_REGIONS) + ").")
        return default
    out = []
    i = 0
    for item in v:
        r = canonical_region(item)
        if r is None:
            _error(ctx, index_path(p, i), "Is not a region code like \"EEA\", \"FR\" or "
                                          "\"US-CA\"; found " + clip(item) + ".")
        elif r not in out:
            out.append(r)
        i += 1
    return out


def _choice_list(ctx, raw, key, path, default, choices):
    if key not in raw:
        return default
    v = raw[key]
    p = child_path(path, key)
    if not isinstance(v, list) or len(v) > 10:
        _error(ctx, p, "Must be a list drawn from " + ", ".join(choices) + ".")
        return default
    out = []
    i = 0
    for item in v:
        if isinstance(item, str) and item in choices:
            if item not in out:
                out.append(item)
        else:
            _error(ctx, index_path(p, i),
                   "Must be one of " + ", ".join(choices) + "; found " + clip(item) + ".")
        i += 1
    return out


def _mode(ctx, raw, path):
    _check_keys(ctx, raw, path, MODE_KEYS)
    out = {}
    out["default"] = _enum(ctx, raw, "default", path, "opt-in", ["opt-in", "opt-out"])
    out["optOutRegions"] = _region_list(ctx, raw, "optOutRegions", path, ["US"])
    out["optInRegions"] = _region_list(ctx, raw, "optInRegions", path, ["EEA", "GB", "CH"])
    for r in out["optOutRegions"]:
        if r in out["optInRegions"]:
            _error(ctx, child_path(path, "optOutRegions"),
                   "The region " + r + " is listed as both opt-in and opt-out.")
    out["detect"] = _choice_list(ctx, raw, "detect", path, ["attribute", "timezone"],
                                 ["attribute", "timezone"])
    out["bannerInOptOut"] = _bool(ctx, raw, "bannerInOptOut", path, True)
    return out


def _cookie_entries(ctx, raw, path):
    if not isinstance(raw, list):
        _error(ctx, path, "Must be a list of cookie names (\"_ga\", \"/^_ga_/\") or objects "
                          "{name, purpose, duration}.")
        return []
    if len(raw) > MAX_COOKIES:
        _error(ctx, path, "Has too many cookies (the limit is " + str(MAX_COOKIES) + ").")
        return []
    out = []
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
            p = child_path(p, "name")
            if "purpose" in item:
                entry["purpose"] = _localized(ctx, item["purpose"], child_path(index_path(
                    path, i - 1), "purpose"))
            if "duration" in item:
                entry["duration"] = _localized(ctx, item["duration"], child_path(index_path(
                    path, i - 1), "duration"))
        if not isinstance(name, str) or len(name) == 0 or len(name) > 200:
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
        if literal == "" or not only_chars(literal, COOKIE_NAME_CHARS):
            _error(ctx, p, "Is not a valid cookie name; found " + clip(name) + ".")
            continue
        entry["name"] = literal
        out.append(entry)
    return out


def _new_id(ctx, item, p, kind, seen):
    """The item's id when it is well formed and not seen before (then recorded), else None."""
    v = item.get("id")
    if not is_id(v):
        _error(ctx, child_path(p, "id"), "A " + kind + " id must be 1 to 40 characters from "
                                         "a-z, 0-9, '_' and '-', starting with a letter; "
                                         "found " + clip(v) + ".")
        return None
    if v in seen:
        _error(ctx, child_path(p, "id"), "The " + kind + " id '" + v + "' is used twice.")
        return None
    seen[v] = True
    return v


def _services(ctx, raw, path, seen, counter):
    if not isinstance(raw, list):
        _error(ctx, path, "Must be a list of services.")
        return []
    if counter[0] + len(raw) > MAX_SERVICES:
        _error(ctx, path, "Too many services in total (the limit is " + str(MAX_SERVICES) + ").")
        counter[0] = MAX_SERVICES + 1
        return []
    counter[0] += len(raw)
    out = []
    i = 0
    for item in raw:
        p = index_path(path, i)
        i += 1
        if not isinstance(item, dict):
            _error(ctx, p, "A service must be an object with an id, not " + clip(item) + ".")
            continue
        _check_keys(ctx, item, p, SERVICE_KEYS)
        sid = _new_id(ctx, item, p, "service", seen)
        if sid is None:
            continue
        svc = {"id": sid, "label": sid, "description": {}, "noticeUrl": None, "cookies": []}
        if "label" in item:
            t = _text(ctx, item["label"], child_path(p, "label"), False)
            if t is not None:
                svc["label"] = t
        if "description" in item:
            svc["description"] = _localized(ctx, item["description"],
                                            child_path(p, "description"))
        svc["noticeUrl"] = _url(ctx, item, "noticeUrl", p)
        if "cookies" in item:
            svc["cookies"] = _cookie_entries(ctx, item["cookies"], child_path(p, "cookies"))
        out.append(svc)
    return out


def _categories(ctx, raw, path):
    if "categories" not in raw:
        _error(ctx, path, "There must be a categories list (with a 'necessary' category).")
        return []
    v = raw["categories"]
    path = child_path(path, "categories")
    if not isinstance(v, list):
        _error(ctx, path, "Must be a list of categories, not " + clip(v) + ".")
        return []
    if len(v) > MAX_CATEGORIES:
        _error(ctx, path, "Has too many categories (the limit is " + str(MAX_CATEGORIES) + ").")
        return []
    out = []
    seen = {}
    seen_services = {}
    counter = [0]
    necessary = 0
    i = 0
    for item in v:
        p = index_path(path, i)
        i += 1
        if not isinstance(item, dict):
            _error(ctx, p, "A category must be an object with an id, not " + clip(item) + ".")
            continue
        _check_keys(ctx, item, p, CATEGORY_KEYS)
        cid = _new_id(ctx, item, p, "category", seen)
        if cid is None:
            continue
        cat = {"id": cid, "basis": "consent", "saleOrShare": False, "noticeUrl": None,
               "cookies": [], "services": []}
        cat["basis"] = _enum(ctx, item, "basis", p, "consent", BASES)
        cat["saleOrShare"] = _bool(ctx, item, "saleOrShare", p, False)
        cat["noticeUrl"] = _url(ctx, item, "noticeUrl", p)
        if "cookies" in item:
            cat["cookies"] = _cookie_entries(ctx, item["cookies"], child_path(p, "cookies"))
        if "services" in item:
            cat["services"] = _services(ctx, item["services"], child_path(p, "services"),
                                        seen_services, counter)
        if cat["basis"] == "necessary":
            necessary += 1
            if cid != "necessary":
                _error(ctx, child_path(p, "basis"), "Only the category with id 'necessary' can "
                                                    "have the basis 'necessary'.")
            if cat["saleOrShare"]:
                _error(ctx, child_path(p, "saleOrShare"),
                       "The necessary category cannot be a sale-or-share category.")
        elif cid == "necessary":
            _error(ctx, child_path(p, "basis"), "The 'necessary' category must have the basis "
                                                "'necessary'.")
        out.append(cat)
    if "necessary" not in seen:
        _error(ctx, path, "There must be exactly one category with id 'necessary' and basis "
                          "'necessary'.")
    return out


def _consent_mode(ctx, raw, path, cat_ids):
    _check_keys(ctx, raw, path, CM_KEYS)
    out = {"enabled": _bool(ctx, raw, "enabled", path, True),
           "waitForUpdate": _int(ctx, raw, "waitForUpdate", path, 500, 0, 10000),
           "map": {}}
    for s in SIGNALS:
        out["map"][s] = []
    if "map" not in raw:
        return out
    m = raw["map"]
    mp = child_path(path, "map")
    if not isinstance(m, dict):
        _error(ctx, mp, "Must be an object from Consent Mode signals to category ids.")
        return out
    _check_keys(ctx, m, mp, SIGNALS)
    for s in SIGNALS:
        if s not in m:
            continue
        v = m[s]
        sp = child_path(mp, s)
        if not isinstance(v, list) or len(v) > MAX_CATEGORIES:
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
        out["map"][s] = ids
    return out


def _ui(ctx, raw, path):
    _check_keys(ctx, raw, path, UI_KEYS)
    out = {}
    layout = _enum(ctx, raw, "layout", path, "bar", LAYOUTS)
    out["layout"] = layout
    pos = DEFAULT_POSITION[layout]
    if "position" in raw:
        v = raw["position"]
        p = child_path(path, "position")
        valid = BAR_POSITIONS if layout == "bar" else BOX_POSITIONS
        if isinstance(v, str) and v in valid:
            pos = v
        elif isinstance(v, str) and (v in BAR_POSITIONS or v in BOX_POSITIONS):
            if layout == "bar":
                pos = "top" if v[0:3] == "top" else "bottom"
            elif v == "top":
                pos = "top-right"
            elif v == "bottom":
                pos = "bottom-right"
            _warn(ctx, p, "The position '" + v + "' does not fit the layout '" + layout +
                  "'; using '" + pos + "'.")
        else:
            _error(ctx, p, "Must be one of " + ", ".join(valid) + "; found " + clip(v) + ".")
    out["position"] = pos
    out["theme"] = _enum(ctx, raw, "theme", path, "auto", ["light", "dark", "auto"])
    out["closeAction"] = _enum(ctx, raw, "closeAction", path, "reject", ["reject", "dismiss"])
    out["noticeUrl"] = _url(ctx, raw, "noticeUrl", path)
    return out


def _log(ctx, raw, path):
    _check_keys(ctx, raw, path, LOG_KEYS)
    out = {"endpoint": None}
    if "endpoint" in raw and raw["endpoint"] is not None:
        v = raw["endpoint"]
        prob = url_problem(v)
        if prob is None and v[0:1] != "/":
            prob = "Must be a same-origin path starting with '/' (proof-of-consent records " \
                   "never leave the site)."
        if prob is not None:
            _error(ctx, child_path(path, "endpoint"), prob)
        else:
            out["endpoint"] = v
    return out


def _language(ctx, raw, path):
    _check_keys(ctx, raw, path, LANGUAGE_KEYS)
    out = {"default": "en", "detect": ["document", "browser"]}
    if "default" in raw:
        c = canonical_language(raw["default"])
        if c is None:
            _error(ctx, child_path(path, "default"),
                   "Must be a language code like en, en-GB or fr; found " +
                   clip(raw["default"]) + ".")
        else:
            out["default"] = c
    out["detect"] = _choice_list(ctx, raw, "detect", path, ["document", "browser"],
                                 ["document", "browser"])
    return out


def _translation(ctx, raw, path, cat_ids):
    """One language: {section: {key: str}} with only known keys (unknown ones warn)."""
    out = {}
    for k in raw:
        if not isinstance(k, str) or k not in TEXT_SECTIONS:
            msg = "Unknown translation section " + clip(k) + " is ignored."
            s = suggest(k, TEXT_SECTIONS)
            if s is not None:
                msg = msg + " Did you mean '" + s + "'?"
            _warn(ctx, child_path(path, k), msg)
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
                    if not isinstance(k, str) or k not in CATEGORY_TEXT_KEYS:
                        _warn(ctx, child_path(cp, k), "Unknown translation key " + clip(k) +
                              " is ignored.")
                        continue
                    t = _text(ctx, entry[k], cp, k != "title", k)
                    if t is not None:
                        ce[k] = t
                cats[cid] = ce
            out[sec] = cats
            continue
        keys = TEXT_KEYS[sec]
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
            texts[k] = _text(ctx, v[k], sp, k not in BUTTON_KEYS, k)
        out[sec] = texts
    return out


def _translations(ctx, raw, path, default_lang, cats):
    cat_ids = {}
    for c in cats:
        cat_ids[c["id"]] = True
    p = child_path(path, "translations")
    if "translations" not in raw:
        _error(ctx, p, "There must be translations for the default language '" +
               default_lang + "'.")
        return {}
    v = raw["translations"]
    if not isinstance(v, dict):
        _error(ctx, p, "Must be an object of languages, not " + clip(v) + ".")
        return {}
    if len(v) > MAX_LANGUAGES:
        _error(ctx, p, "Has too many languages (the limit is " + str(MAX_LANGUAGES) + ").")
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
        langs[code] = _translation(ctx, v[k], lp, cat_ids)
    if default_lang not in langs:
        _error(ctx, p, "There are no translations for the default language '" +
               default_lang + "'.")
        return {}
    # the default language must be complete
    base = langs[default_lang]
    dp = child_path(p, default_lang)
    full = {}
    for sec in TEXT_KEYS:
        have = base.get(sec, {})
        filled = {}
        for k in TEXT_KEYS[sec]:
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
    out = {default_lang: full}
    for code in langs:
        if code == default_lang:
            continue
        lang = langs[code]
        res = {}
        for sec in TEXT_KEYS:
            have = lang.get(sec, {})
            filled = {}
            for k in TEXT_KEYS[sec]:
                filled[k] = have[k] if have.get(k) is not None else full[sec][k]
            res[sec] = filled
        hc = lang.get("categories", {})
        rc = {}
        for cid in full_cats:
            e = hc.get(cid, {})
            rc[cid] = {"title": e.get("title", full_cats[cid]["title"]),
                       "description": e.get("description", full_cats[cid]["description"])}
        res["categories"] = rc
        out[code] = res
    return out


# ---------------------------------------------------------------- public API

def validate(raw):
    """Validate and normalise a raw configuration. See the module docstring."""
    ctx = _new_ctx()
    if not isinstance(raw, dict):
        _error(ctx, "$", "The configuration must be a JSON object, not " + clip(raw) + ".")
        return {"config": None, "errors": ctx["errors"], "warnings": ctx["warnings"]}
    _check_keys(ctx, raw, "$", TOP_KEYS)
    cfg = {}
    cfg["revision"] = _int(ctx, raw, "revision", "$", 1, 0, MAX_REVISION)
    cfg["cookie"] = _cookie(ctx, _expect_dict(ctx, raw, "cookie", "$"), "$.cookie")
    cfg["mode"] = _mode(ctx, _expect_dict(ctx, raw, "mode", "$"), "$.mode")
    cfg["gpc"] = _bool(ctx, raw, "gpc", "$", True)
    cats = _categories(ctx, raw, "$")
    cfg["categories"] = cats
    cat_ids = {}
    for c in cats:
        cat_ids[c["id"]] = True
    cfg["consentMode"] = _consent_mode(ctx, _expect_dict(ctx, raw, "consentMode", "$"),
                                       "$.consentMode", cat_ids)
    cfg["language"] = _language(ctx, _expect_dict(ctx, raw, "language", "$"), "$.language")
    cfg["translations"] = _translations(ctx, raw, "$", cfg["language"]["default"], cats)
    cfg["ui"] = _ui(ctx, _expect_dict(ctx, raw, "ui", "$"), "$.ui")
    cfg["log"] = _log(ctx, _expect_dict(ctx, raw, "log", "$"), "$.log")
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
