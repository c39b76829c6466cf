"""The configuration schema: the one place where a configuration rule is written.

Every key of the configuration, its type, default, bounds and allowed values is a node of
``ROOT`` below. Four things are derived from it and never restate it:

* the validator (``config``), which reads every default, bound and choice from these nodes,
  so changing a number here changes what the browser and the build accept;
* ``dist/consentry.schema.json`` (JSON Schema 2020-12 for editors), generated at build time;
* the configuration types of ``dist/consentry.d.ts``, generated at build time;
* the reference tables in docs/configuration.md (generated; a test keeps them current).

It is plain data so that Brython compiles it into the bundle: the validator needs it in the
browser. Prose for humans (the docs' descriptions) lives with the generators in the build,
not here, so it costs the bundle nothing.

A node is a dict with ``"type"`` and, by type:

* ``object``: ``"properties"`` (key -> node, in validation order), ``"required"`` (keys),
  ``"annotations"`` (keys accepted and ignored, like ``$schema``);
* ``boolean`` / ``integer`` / ``enum``: ``"default"``; integers ``"minimum"``, ``"maximum"``
  and optionally ``"clamp"`` (above it the value is reduced with a warning); enums ``"enum"``
  and optionally ``"caseInsensitive"``;
* ``url``: an https:/http: URL or a same-origin path, or null (``"sameOrigin"``: paths only);
* ``token`` (cookie name), ``host`` (cookie domain), ``cookiePath``: strings made of
  ``"chars"`` (or without ``"badChars"``) of ``"minLength"`` to ``"maxLength"`` characters;
* ``regions`` / ``choices``: lists of region codes / of ``"enum"`` items, at most
  ``"maxItems"``, duplicates dropped;
* ``language``: a BCP 47-ish language code;
* ``categories`` / ``services``: arrays of ``"items"`` (an object node), at most
  ``"maxItems"`` (services: in the whole configuration);
* ``id``: a category or service id (``ID`` below); ``text``: a display string
  (``"defaultFrom"``: the default is the value of that sibling key);
  ``localized``: a text or {language: text}; ``cookies``: cookie entries (at most
  ``"maxItems"``, names up to ``"nameMax"``); ``signalMap``: Consent Mode signal (``"keys"``)
  -> category ids; ``translations``: language -> section -> text; ``position``: one of
  ``"enum"[value of the sibling "of"]``, default ``"default"[that value]``.
"""

from .codes import SIGNALS
from .util import ALNUM, DIGITS, LOWER

MAX_ISSUES = 100
MAX_STRING = 2000
MAX_LANGUAGES = 100
MAX_DAYS = 395

# Category and service ids. They become keys of plain JS objects once the engine is also
# compiled to plain JS, where a key an object already inherits (`constructor`, `__proto__`...)
# would read as present: those are refused.
ID = {"type": "id", "first": LOWER, "chars": LOWER + DIGITS + "_-", "maxLength": 40,
      "reserved": ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf",
                   "isPrototypeOf", "propertyIsEnumerable", "toLocaleString",
                   "__defineGetter__", "__defineSetter__", "__lookupGetter__",
                   "__lookupSetter__"]}

TOKEN_CHARS = ALNUM + "!#$%&'*+-.^_`|~"

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
CATEGORY_TEXT_KEYS = ["title", "description"]
BUTTON_KEYS = ["acceptAll", "rejectAll", "customise", "close", "save", "allowOnce",
               "alwaysAllow", "button", "title"]

# The JSON Schema (ECMA-262) patterns of the strings whose syntax the engine checks in code:
# language codes (codes.canonical_language), region codes (codes.canonical_region), links
# (config.url_problem; "sameOrigin": paths only). Written here once for every output;
# tests/unit/test_schema_patterns.py checks each against its checker on tricky strings.
# Build-only (modules.BUILD_ONLY): cut from the bundle, where nothing reads them.
# "$(?!\n)": Python's re (the jsonschema package) lets "$" match before a final newline.
_URL_CHAR = "[^\\x00-\\x20\\x7f-\\xa0\\\\\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000" \
    "\\ud800-\\udfff]"
PATTERNS = {
    "language": "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$(?!\\n)",
    "region": "^([a-zA-Z]{2}(-[a-zA-Z0-9]{1,3})?|[eE][eE][aA])$(?!\\n)",
    "url": "^([hH][tT][tT][pP][sS]?://(?![/?#@])" + _URL_CHAR + "|/(?!/))" + _URL_CHAR +
           "*$(?!\\n)",
    "sameOriginUrl": "^/(?!/)" + _URL_CHAR + "*$(?!\\n)",
}

URL = {"type": "url"}
BOX_POSITIONS = ["bottom-left", "bottom-right", "top-left", "top-right", "center"]
COOKIES = {"type": "cookies", "maxItems": 100, "nameMax": 200}

SERVICE = {"type": "object", "required": ["id"], "properties": {
    "id": ID,
    "label": {"type": "text", "defaultFrom": "id"},
    "description": {"type": "localized"},
    "noticeUrl": URL,
    "cookies": COOKIES,
}}

CATEGORY = {"type": "object", "required": ["id"], "properties": {
    "id": ID,
    "basis": {"type": "enum", "enum": ["necessary", "legitimate-interest", "consent"],
              "default": "consent"},
    "saleOrShare": {"type": "boolean", "default": False},
    "noticeUrl": URL,
    "cookies": COOKIES,
    "services": {"type": "services", "items": SERVICE, "maxItems": 1000},
}}

ROOT = {"type": "object", "required": ["categories", "translations"], "annotations": ["$schema"],
        "properties": {
    "revision": {"type": "integer", "default": 1, "minimum": 0, "maximum": 2147483647},
    "cookie": {"type": "object", "properties": {
        "name": {"type": "token", "chars": TOKEN_CHARS, "minLength": 1, "maxLength": 64,
                 "default": "consentry"},
        "domain": {"type": "host", "chars": LOWER + DIGITS + "-.", "maxLength": 253},
        "path": {"type": "cookiePath", "badChars": ' ;,"\\', "maxLength": 512, "default": "/"},
        "sameSite": {"type": "enum", "enum": ["Lax", "Strict", "None"], "default": "Lax",
                     "caseInsensitive": True},
        "acceptDays": {"type": "integer", "default": 182, "minimum": 1, "clamp": MAX_DAYS},
        "rejectDays": {"type": "integer", "default": 182, "minimum": 1, "clamp": MAX_DAYS},
        "partitioned": {"type": "boolean", "default": False},
    }},
    "mode": {"type": "object", "properties": {
        "default": {"type": "enum", "enum": ["opt-in", "opt-out"], "default": "opt-in"},
        "optOutRegions": {"type": "regions", "default": ["US"], "maxItems": 300},
        "optInRegions": {"type": "regions", "default": ["EEA", "GB", "CH"], "maxItems": 300},
        "detect": {"type": "choices", "enum": ["attribute", "timezone"],
                   "default": ["attribute", "timezone"], "maxItems": 10},
        "bannerInOptOut": {"type": "boolean", "default": True},
    }},
    "gpc": {"type": "boolean", "default": True},
    "categories": {"type": "categories", "items": CATEGORY, "maxItems": 200},
    "consentMode": {"type": "object", "properties": {
        "enabled": {"type": "boolean", "default": True},
        "waitForUpdate": {"type": "integer", "default": 500, "minimum": 0, "maximum": 10000},
        "map": {"type": "signalMap", "keys": SIGNALS},
    }},
    "language": {"type": "object", "properties": {
        "default": {"type": "language", "default": "en"},
        "detect": {"type": "choices", "enum": ["document", "browser"],
                   "default": ["document", "browser"], "maxItems": 10},
    }},
    "translations": {"type": "translations", "sections": TEXT_KEYS,
                     "categoryKeys": CATEGORY_TEXT_KEYS, "buttons": BUTTON_KEYS,
                     "maxItems": MAX_LANGUAGES},
    "ui": {"type": "object", "properties": {
        "layout": {"type": "enum", "enum": ["bar", "box", "modal"], "default": "bar"},
        "position": {"type": "position", "of": "layout",
                     "enum": {"bar": ["top", "bottom"], "box": BOX_POSITIONS,
                              "modal": BOX_POSITIONS},
                     "default": {"bar": "bottom", "box": "bottom-right", "modal": "center"}},
        "theme": {"type": "enum", "enum": ["light", "dark", "auto"], "default": "auto"},
        "closeAction": {"type": "enum", "enum": ["reject", "dismiss"], "default": "reject"},
        "noticeUrl": URL,
    }},
    "log": {"type": "object", "properties": {
        "endpoint": {"type": "url", "sameOrigin": True},
    }},
}}

