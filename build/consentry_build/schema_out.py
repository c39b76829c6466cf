"""What the build derives from the configuration schema (``consentry.engine.schema``).

* ``json_schema()``: JSON Schema 2020-12 of a site configuration (``dist/consentry.schema.json``)
  so that editors complete and check ``site.json`` (``"$schema": "consentry.schema.json"``);
* ``config_types()``: the TypeScript interface of a configuration, and ``id_types(config)`` the
  built configuration's category and service ids as literal types (``dist/consentry.d.ts``);
* ``reference()``: the reference tables of docs/configuration.md, between ``BEGIN`` and ``END``
  (``python -m consentry_build.schema_out docs/configuration.md`` rewrites them; a test keeps
  them current).

Each type of schema node is rendered here once; every number, default and choice comes from the
node, so a bound changed in the schema changes the validator and all three outputs. The prose
descriptions are here and not in the schema because the browser bundle does not need them.
"""

import json
import sys

from consentry.engine import schema

BEGIN = "<!-- generated from sdk/consentry/engine/schema.py: do not edit by hand -->"
END = "<!-- end of generated reference -->"
SCHEMA_ID = "https://consentry.invalid/consentry.schema.json"

# One sentence (or two) per key path; "[]" steps into the items of a list.
DESCRIPTIONS = {
    "$schema": "The JSON Schema of this file, for editors; ignored by Consentry.",
    "revision": "Bump it when the use of cookies changes materially: a stored choice with "
                "another revision counts as no choice, so the banner asks again (with "
                "`banner.revisionNote`).",
    "cookie": "The cookie that stores the visitor's choice.",
    "cookie.name": "Cookie name (RFC 6265 token). A `__Host-` name needs no `domain` and the "
                   "path `/`; `__Host-`/`__Secure-` names warn that they need https.",
    "cookie.domain": "`null` (a host-only cookie) or a host name (`example.com`, "
                     "`.example.com`); lower-cased; no port.",
    "cookie.path": "Cookie path: starts with `/`; printable ASCII without spaces, `;`, `,`, "
                   "quotes or backslashes.",
    "cookie.sameSite": "`SameSite` attribute (case-insensitive, normalised). `None` warns "
                       "that it needs https.",
    "cookie.acceptDays": "Expiry in days after a choice that turns on any optional category. "
                         "Above the maximum the value is reduced to it, with a warning "
                         "(browsers keep cookies at most about 400 days).",
    "cookie.rejectDays": "Expiry in days after a choice with only `necessary` on. Same rules "
                         "as `acceptDays`.",
    "cookie.partitioned": "`Partitioned` attribute (embedded use); needs `sameSite: \"None\"`.",
    "mode": "Opt-in or opt-out, by the visitor's region.",
    "mode.default": "The mode when the region is unknown or in neither list.",
    "mode.optOutRegions": "Region codes in opt-out mode: `EEA`, ISO 3166 countries (`FR`), "
                          "subdivisions (`US-CA`); case-insensitive, upper-cased.",
    "mode.optInRegions": "Region codes in opt-in mode; a region may not be in both lists.",
    "mode.detect": "Region hints to use: `attribute` = `<html data-consentry-region=\"FR\">`, "
                   "`timezone` = a guess from the IANA time zone.",
    "mode.bannerInOptOut": "Whether the banner shows in opt-out mode until the visitor "
                           "chooses (in opt-in mode it always does).",
    "gpc": "Honour Global Privacy Control (see \"Policy\" below).",
    "categories": "The cookie categories. Exactly one has the id `necessary` and the basis "
                  "`necessary`.",
    "categories[].id": "Category id: lower-case letters, digits, `_` and `-`, starting with a "
                       "letter; unique; not a name every JavaScript object has "
                       "(`constructor`, `__proto__`, ...).",
    "categories[].basis": "`necessary` (always on), `legitimate-interest` (on until the "
                          "visitor objects) or `consent`.",
    "categories[].saleOrShare": "\"Sale or sharing\" under US state laws: refused by GPC. Not "
                                "allowed on `necessary`.",
    "categories[].noticeUrl": "Link to more information, or null.",
    "categories[].cookies": "Cookies set by the category (cookie table and clean-up).",
    "categories[].services": "Services of the category (service ids are unique across the "
                             "whole configuration).",
    "categories[].services[].id": "Service id: same rules as category ids.",
    "categories[].services[].label": "Display name (default: the id); not blank.",
    "categories[].services[].description": "A text, or texts per language.",
    "categories[].services[].noticeUrl": "Link to the service's privacy notice, or null.",
    "categories[].services[].cookies": "Cookies set by the service.",
    "consentMode": "Google Consent Mode v2.",
    "consentMode.enabled": "Push Consent Mode `default` / `update` commands.",
    "consentMode.waitForUpdate": "`wait_for_update` in milliseconds.",
    "consentMode.map": "Consent Mode signal -> category ids. A signal is `granted` when it maps "
                       "to at least one category and every mapped category is allowed.",
    "language": "Which language the texts are shown in.",
    "language.default": "A language code that has translations.",
    "language.detect": "The order of hints: `document` = `<html lang>`, `browser` = "
                       "`navigator.languages`.",
    "translations": "Texts per language: `{lang: {section: {key: text}}}` (see "
                    "\"Translations\" below).",
    "ui": "The banner and the preferences panel.",
    "ui.layout": "`bar`, `box` or `modal`.",
    "ui.position": "Where the banner sits; depends on the layout (a position of another "
                   "layout is adapted, with a warning).",
    "ui.theme": "`auto` follows `prefers-color-scheme`.",
    "ui.closeAction": "What the banner's close button records: `reject` (method `necessary`) "
                      "or `dismiss` (the same decisions, method `dismiss`). Closing never "
                      "accepts.",
    "ui.noticeUrl": "URL of the cookie notice (linked with `banner.noticeLink`), or null.",
    "log": "Proof-of-consent records.",
    "log.endpoint": "Null, or a same-origin path that receives one beacon per recorded "
                    "choice.",
}


def walk(node, path=""):
    """Every (path, node, required) below an object or list node, depth first, in schema
    order; the items of a list are ``path[].key``."""
    parent = node["items"] if "items" in node else node
    prefix = path + "[]." if "items" in node else (path + "." if path else "")
    for key, sub in parent["properties"].items():
        yield prefix + key, sub, key in parent.get("required", [])
        if sub["type"] in ("object", "categories", "services"):
            yield from walk(sub, prefix + key)


# ---------------------------------------------------------------- JSON Schema

def _char_class(chars):
    return "".join("\\" + c if c in "\\]^-[" else c for c in chars)


def _text_schema(allow_empty=True):
    out = {"type": "string", "maxLength": schema.MAX_STRING}
    if not allow_empty:
        out["pattern"] = "\\S"
    return out


LANGUAGE = {"type": "string", "maxLength": 35, "pattern": schema.PATTERNS["language"]}
REGION = {"type": "string", "pattern": schema.PATTERNS["region"]}


def _localized_schema():
    return {"anyOf": [_text_schema(), {"type": "object", "propertyNames": LANGUAGE,
                                       "additionalProperties": _text_schema()}]}


def _js(node, path):
    t = node["type"]
    if t == "object":
        out = {"type": "object", "properties": {}, "additionalProperties": False}
        for key in node.get("annotations", []):
            out["properties"][key] = {"type": "string", "description": DESCRIPTIONS[key]}
        for key, sub in node["properties"].items():
            out["properties"][key] = _described(sub, (path + "." if path else "") + key)
        if node.get("required"):
            out["required"] = list(node["required"])
        return out
    if t == "boolean":
        return {"type": "boolean", "default": node["default"]}
    if t == "integer":
        out = {"type": "integer", "default": node["default"], "minimum": node["minimum"]}
        if "maximum" in node:
            out["maximum"] = node["maximum"]
        return out
    if t == "enum":
        values = list(node["enum"])
        if node.get("caseInsensitive"):
            values += [v.lower() for v in node["enum"] if v.lower() != v]
        return {"enum": values, "default": node["default"]}
    if t == "url":
        pattern = schema.PATTERNS["sameOriginUrl" if node.get("sameOrigin") else "url"]
        return {"type": ["string", "null"], "default": None, "minLength": 1,
                "maxLength": schema.MAX_STRING, "pattern": pattern}
    if t == "token":
        return {"type": "string", "default": node["default"],
                "pattern": "^[%s]{%d,%d}$" % (_char_class(node["chars"]), node["minLength"],
                                              node["maxLength"])}
    if t == "host":
        inner = _char_class(node["chars"] + node["chars"].upper())
        edge = _char_class("".join(c for c in node["chars"] + node["chars"].upper()
                                   if c not in ".-"))
        return {"type": ["string", "null"], "default": None, "maxLength": node["maxLength"],
                "pattern": "^\\.?[%s]([%s]*[%s])?$" % (edge, inner, edge)}
    if t == "cookiePath":
        return {"type": "string", "default": node["default"], "maxLength": node["maxLength"],
                "pattern": "^/[^\\x00-\\x20\\x7f-\\uffff%s]*$" % _char_class(node["badChars"])}
    if t == "regions":
        return {"type": "array", "default": node["default"], "maxItems": node["maxItems"],
                "items": REGION}
    if t == "choices":
        return {"type": "array", "default": node["default"], "maxItems": node["maxItems"],
                "items": {"enum": node["enum"]}}
    if t == "language":
        return dict(LANGUAGE, default=node["default"])
    if t in ("categories", "services"):
        return {"type": "array", "maxItems": node["maxItems"],
                "items": _js(node["items"], path + "[]")}
    if t == "id":
        return {"type": "string", "not": {"enum": node["reserved"]},
                "pattern": "^[%s][%s]{0,%d}$" % (_char_class(node["first"]),
                                                _char_class(node["chars"]),
                                                node["maxLength"] - 1)}
    if t == "text":
        return _text_schema(allow_empty=False)
    if t == "localized":
        return _localized_schema()
    if t == "cookies":
        chars = _char_class(schema.ROOT["properties"]["cookie"]["properties"]["name"]["chars"])
        name = {"type": "string", "maxLength": node["nameMax"],
                "pattern": "^(/\\^[%s]+/|[%s]+)$" % (chars, chars)}
        entry = {"type": "object", "required": ["name"], "additionalProperties": False,
                 "properties": {"name": name, "purpose": _localized_schema(),
                                "duration": _localized_schema()}}
        return {"type": "array", "maxItems": node["maxItems"], "items": {"anyOf": [name, entry]}}
    if t == "signalMap":
        ids = {"type": "array", "items": {"type": "string"},
               "maxItems": schema.ROOT["properties"]["categories"]["maxItems"]}
        return {"type": "object", "additionalProperties": False,
                "properties": {s: ids for s in node["keys"]}}
    if t == "translations":
        sections = {sec: {"type": "object", "properties": {
            k: _text_schema(k not in node["buttons"]) for k in keys}}
            for sec, keys in node["sections"].items()}
        sections["categories"] = {"type": "object", "additionalProperties": {
            "type": "object", "additionalProperties": False, "properties": {
                k: _text_schema(k not in node["buttons"]) for k in node["categoryKeys"]}}}
        return {"type": "object", "maxProperties": node["maxItems"], "propertyNames": LANGUAGE,
                "additionalProperties": {"type": "object", "properties": sections}}
    if t == "position":
        values = []
        for layout_values in node["enum"].values():
            values += [v for v in layout_values if v not in values]
        return {"enum": values}
    raise ValueError(f"schema node type {t!r} has no JSON Schema rendering")


def _described(node, path):
    out = _js(node, path)
    if path in DESCRIPTIONS:
        out["description"] = DESCRIPTIONS[path]
    return out


def json_schema():
    out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID,
           "title": "Consentry configuration"}
    out.update(_js(schema.ROOT, ""))
    return out


# ---------------------------------------------------------------- TypeScript

def _ts_literal(values):
    return " | ".join(json.dumps(v) for v in values)


def _ts(node, indent):
    t = node["type"]
    pad = "  " * indent
    if t == "object":
        lines = ["{"]
        for key, sub in node["properties"].items():
            lines.append(pad + "  /** " + _rule(sub) + "; default " + _default(sub, False) +
                         " */")
            lines.append(pad + "  " + key + "?: " + _ts(sub, indent + 1) + ";")
        return "\n".join(lines) + "\n" + pad + "}"
    if t in ("boolean",):
        return "boolean"
    if t == "integer":
        return "number"
    if t == "enum":
        return _ts_literal(node["enum"])
    if t in ("url", "host"):
        return "string | null"
    if t in ("token", "cookiePath", "language", "text", "id"):
        return "string"
    if t == "regions":
        return "string[]"
    if t == "choices":
        return "Array<" + _ts_literal(node["enum"]) + ">"
    if t == "categories":
        return "CategoryConfig[]"
    if t == "services":
        return "ServiceConfig[]"
    if t == "localized":
        return "LocalizedText"
    if t == "cookies":
        return "Array<string | { name: string; purpose?: LocalizedText; duration?: LocalizedText }>"
    if t == "signalMap":
        return "{ " + " ".join(s + "?: string[];" for s in node["keys"]) + " }"
    if t == "translations":
        return "{ [language: string]: Translation }"
    if t == "position":
        values = []
        for layout_values in node["enum"].values():
            values += [v for v in layout_values if v not in values]
        return _ts_literal(values)
    raise ValueError(f"schema node type {t!r} has no TypeScript rendering")


def config_types():
    """The TypeScript types of a (site) configuration: every key optional, as in a file merged
    over the built-in configuration."""
    tr = schema.ROOT["properties"]["translations"]
    sections = ["  " + sec + "?: { " + " ".join(k + "?: string;" for k in keys) + " };"
                for sec, keys in tr["sections"].items()]
    sections.append("  categories?: { [category: string]: { " +
                    " ".join(k + "?: string;" for k in tr["categoryKeys"]) + " } };")
    cat = schema.ROOT["properties"]["categories"]["items"]
    svc = cat["properties"]["services"]["items"]
    return "\n".join([
        "/** A text, or texts per language code. */",
        "export type LocalizedText = string | { [language: string]: string };",
        "export interface Translation {", *sections, "}",
        "export interface ServiceConfig " + _ts(svc, 0).replace("id?:", "id:", 1),
        "export interface CategoryConfig " + _ts(cat, 0).replace("id?:", "id:", 1),
        "/** A configuration file (every key is optional: it is merged over the built-in one). */",
        "export interface ConsentryConfig " + _ts(schema.ROOT, 0).replace(
            "{", '{\n  "$schema"?: string;', 1),
    ]) + "\n"


def id_types(config):
    """``CategoryId`` and ``ServiceId``: the built configuration's ids as literal types."""
    cats = [c["id"] for c in config["categories"]]
    svcs = [s["id"] for c in config["categories"] for s in c["services"]]
    return ("/** The category ids of this build's configuration. */\n"
            "export type CategoryId = " + _ts_literal(cats) + ";\n"
            "/** The service ids of this build's configuration. */\n"
            "export type ServiceId = " + (_ts_literal(svcs) if svcs else "never") + ";\n")


# ---------------------------------------------------------------- docs

def _code(v):
    return "`" + json.dumps(v, ensure_ascii=False) + "`"


def _rule(node):
    """What the schema allows for a node, in words, from its numbers and choices only."""
    t = node["type"]
    if t == "boolean":
        return "`true` or `false`"
    if t == "integer":
        if "clamp" in node:
            return "whole number ≥ %d; above %d: reduced to %d" % (
                node["minimum"], node["clamp"], node["clamp"])
        return "whole number %d … %d" % (node["minimum"], node["maximum"])
    if t in ("enum", "choices"):
        values = ", ".join("`" + v + "`" for v in node["enum"])
        if t == "choices":
            return "list (≤ %d) of %s" % (node["maxItems"], values)
        return values + (" (any case)" if node.get("caseInsensitive") else "")
    if t == "url":
        if node.get("sameOrigin"):
            return "null or a path `/…`"
        return "null, `https://…`, `http://…` or a path `/…`"
    if t == "token":
        return "%d–%d of letters, digits, ``%s``" % (
            node["minLength"], node["maxLength"], "".join(
                c for c in node["chars"] if not c.isalnum()))
    if t == "host":
        return "null or a host name (≤ %d)" % node["maxLength"]
    if t == "cookiePath":
        return "a path `/…` (≤ %d)" % node["maxLength"]
    if t == "regions":
        return "list (≤ %d) of region codes" % node["maxItems"]
    if t == "language":
        return "a language code (`en`, `en-GB`)"
    if t in ("categories", "services"):
        total = " in total" if t == "services" else ""
        return "list (≤ %d%s) of objects" % (node["maxItems"], total)
    if t == "id":
        return "1–%d of `a-z 0-9 _ -`, starting with a letter; not %s" % (
            node["maxLength"], ", ".join("`" + r + "`" for r in node["reserved"]))
    if t == "text":
        return "a text (≤ %d), not blank" % schema.MAX_STRING
    if t == "localized":
        return "a text or `{lang: text}` (≤ %d languages)" % schema.MAX_LANGUAGES
    if t == "cookies":
        return "list (≤ %d) of names, `\"/^prefix/\"` or `{name, purpose, duration}`" % (
            node["maxItems"])
    if t == "signalMap":
        return "keys " + ", ".join("`" + s + "`" for s in node["keys"]) + \
            "; values lists of category ids"
    if t == "translations":
        return "≤ %d languages" % node["maxItems"]
    if t == "position":
        return "; ".join(layout + ": " + ", ".join("`" + v + "`" for v in values)
                         for layout, values in node["enum"].items())
    if t == "object":
        return "object"
    raise ValueError(f"schema node type {t!r} has no docs rendering")


def _default(node, required):
    if required:
        return "required"
    t = node["type"]
    if t == "position":
        return "; ".join(k + ": `" + v + "`" for k, v in node["default"].items())
    if t == "text" and "defaultFrom" in node:
        return "the " + node["defaultFrom"]
    if "default" in node:
        return _code(node["default"])
    if t in ("url", "host"):
        return "`null`"
    if t in ("cookies", "services", "categories", "regions"):
        return "`[]`"
    if t == "localized":
        return "`{}`"
    if t == "signalMap":
        return "every signal `[]`"
    if t == "object":
        return "see below"
    return ""


def reference():
    """The markdown between BEGIN and END in docs/configuration.md."""
    rows = ["| key | default | allowed | meaning |", "|---|---|---|---|"]
    for path, node, required in walk(schema.ROOT):
        rows.append("| `%s` | %s | %s | %s |" % (path, _default(node, required), _rule(node),
                                                 DESCRIPTIONS[path].replace("|", "\\|")))
    return BEGIN + "\n" + "\n".join(rows) + "\n" + END


def update_docs(path):
    """Rewrite the generated part of ``path``; True when it changed."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + reference() + text[end:]
    if new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
    return new != text


if __name__ == "__main__":
    print("updated" if update_docs(sys.argv[1]) else "current")
