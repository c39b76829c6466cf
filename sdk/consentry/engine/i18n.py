"""Language choice and texts.

API
---
``pick_language(config, document_lang, browser_langs) -> code``
    Candidates in the order of ``language.detect``: ``"document"`` -> ``document_lang``
    (``<html lang>``), ``"browser"`` -> ``browser_langs`` (``navigator.languages``: a list of
    strings, or one string). For each candidate, in order: the exact language (``en-GB`` ->
    ``en-GB``), then its primary subtag (``en-US`` -> ``en``), then another variant of the
    same primary language (``en-AU`` -> ``en-GB`` when only ``en-GB`` exists). Otherwise the
    default language. Case-insensitive; total.

``texts(config, code) -> dict``
    A fresh copy of the complete texts of ``code`` (the default language when ``code`` is not
    configured): ``{"banner": {...}, "panel": {...}, "placeholder": {...}, "reload": {...},
    "categories": {id: {"title", "description"}}}``. Every key is present (the validator fills
    other languages from the default language, which must be complete; buttons are never
    blank).

``is_rtl(code) -> bool``: Arabic, Hebrew, Persian, Urdu, ... (or an Arab/Hebr script subtag).

``localize(value, code, default_code) -> str``: a normalised ``{lang or "*": str}`` text
(service descriptions, cookie purposes) in ``code``, its primary language, the default
language, ``"*"``, or ``""``.

``fill(template, values) -> str``: replaces ``{name}`` placeholders (e.g. ``{category}``)
with ``values[name]``; unknown placeholders are left as they are. Plain text only.
"""

from .codes import canonical_language

RTL = ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ku", "ps", "sd", "ug", "ur", "yi"]


def _candidates(config, document_lang, browser_langs):
    out = []
    detect = config["language"]["detect"]
    for d in detect:
        if d == "document" and isinstance(document_lang, str):
            out.append(document_lang)
        elif d == "browser":
            if isinstance(browser_langs, str):
                out.append(browser_langs)
            elif isinstance(browser_langs, list):
                n = 0
                for b in browser_langs:
                    n += 1
                    if n > 20:
                        break
                    if isinstance(b, str):
                        out.append(b)
    return out


def pick_language(config, document_lang, browser_langs):
    """The configured language code to use on this page. See the module docstring."""
    try:
        default = config["language"]["default"]
        available = config["translations"]
        for raw in _candidates(config, document_lang, browser_langs):
            c = canonical_language(raw.strip(" \t"))
            if c is None:
                continue
            if c in available:
                return c
            primary = c.split("-")[0]
            if primary in available:
                return primary
            if default.split("-")[0] == primary:
                return default
            for code in available:
                if code.split("-")[0] == primary:
                    return code
        return default
    except Exception:
        return "en"


def texts(config, code):
    """A complete copy of the texts for ``code`` (or the default language)."""
    tr = config["translations"]
    lang = tr.get(code) if isinstance(code, str) else None
    if lang is None:
        lang = tr[config["language"]["default"]]
    out = {}
    for sec in lang:
        m = {}
        v = lang[sec]
        for k in v:
            if isinstance(v[k], dict):
                m[k] = dict(v[k])
            else:
                m[k] = v[k]
        out[sec] = m
    return out


def is_rtl(code):
    c = canonical_language(code)
    if c is None:
        return False
    parts = c.split("-")
    if parts[0] in RTL:
        return True
    for p in parts[1:]:
        if p == "Arab" or p == "Hebr" or p == "Thaa" or p == "Syrc" or p == "Nkoo":
            return True
    return False


def localize(value, code, default_code):
    if not isinstance(value, dict):
        return ""
    keys = []
    c = canonical_language(code)
    if c is not None:
        keys = [c, c.split("-")[0]]
    for k in keys + [default_code, "*"]:
        v = value.get(k)
        if isinstance(v, str):
            return v
    return ""


def fill(template, values):
    if not isinstance(template, str):
        return ""
    out = []
    i = 0
    n = len(template)
    close = -1          # position of the next '}' at or after i (searched once, not per '{')
    while i < n:
        c = template[i]
        if c == "{":
            if close <= i:
                close = template.find("}", i + 1)
                if close < 0:
                    close = n
            j = close
            if j < n:
                name = template[i + 1:j]
                if isinstance(values, dict) and name in values and isinstance(values[name], str):
                    out.append(values[name])
                    i = j + 1
                    continue
        out.append(c)
        i += 1
    return "".join(out)
