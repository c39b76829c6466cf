"""Load, merge and validate the configuration that the build embeds in the bundle.

The engine's own validator (the one the browser runs on page overrides) is used here, so a site
configuration that builds is exactly one the runtime accepts. Every problem is reported with
its JSON path, all at once.
"""

import json
import os

from consentry.engine import config as engine_config
from consentry.engine import site_categories

from . import modules as modlib
from .errors import BuildError


def default_config_path():
    return os.path.join(modlib.sdk_root(), "consentry", "data", "default-config.json")


def _packs_dir():
    return os.path.join(modlib.sdk_root(), "consentry", "data", "i18n")


def available_languages():
    """Every language with built-in texts: those of default-config.json, then the language
    packs in data/i18n/<code>.json."""
    builtin = _read_json(default_config_path(), "built-in configuration")
    packs = sorted(f[:-5] for f in os.listdir(_packs_dir()) if f.endswith(".json"))
    return list(builtin["translations"]) + [c for c in packs if c not in builtin["translations"]]


def builtin_raw(languages=None):
    """The built-in configuration with the built-in texts of ``languages`` only (codes, or
    "all"; None: the languages of default-config.json's ``translations``, so the default build
    embeds what it always did): the translations, and the per-field texts of the built-in
    cookies and services (``{lang: text}``), which default-config.json holds in every
    language. Raises BuildError for a language without built-in texts."""
    raw = _read_json(default_config_path(), "built-in configuration")
    available = available_languages()
    if languages is None:
        codes = list(raw["translations"])
    else:
        codes = available if languages == "all" else list(languages)
    unknown = [c for c in codes if c not in available]
    if unknown:
        raise BuildError(f"no built-in texts for {', '.join(unknown)}; available: "
                         f"{', '.join(available)}")
    texts = {}
    for code in codes:
        if code in raw["translations"]:
            texts[code] = raw["translations"][code]
        else:
            texts[code] = _read_json(os.path.join(_packs_dir(), code + ".json"),
                                     "language pack")
    for field in per_field_texts(engine_config.ROOT, raw):
        for lang in [k for k in field if k not in codes and k != "*"]:
            del field[lang]
    raw["translations"] = texts
    return raw


# The per-field texts of a cookie entry {name, purpose, duration}: every key but the name.
COOKIE_TEXTS = [k for k in engine_config.COOKIE_ENTRY_KEYS if k != "name"]


def per_field_texts(node, value):
    """Every per-field text ``{lang: text}`` of ``value`` (a raw configuration under the schema
    ``node``): the schema's ``localized`` keys and a cookie entry's texts. Values the schema
    does not describe, or of the wrong type, are skipped (the validator reports them)."""
    t = node["type"]
    if t == "localized":
        if isinstance(value, dict):
            yield value
    elif t == "object" and isinstance(value, dict):
        for key, sub in node["properties"].items():
            if key in value:
                yield from per_field_texts(sub, value[key])
    elif t in ("categories", "services") and isinstance(value, list):
        for item in value:
            yield from per_field_texts(node["items"], item)
    elif t == "cookies" and isinstance(value, list):
        for entry in value:
            if isinstance(entry, dict):
                yield from (entry[k] for k in COOKIE_TEXTS if isinstance(entry.get(k), dict))


def _read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError as exc:
        raise BuildError(f"cannot read {what} {path}: {exc.strerror}") from None
    except ValueError as exc:
        raise BuildError(f"{what} {path} is not valid JSON: {exc}") from None


def merge_site(builtin, site):
    """The site configuration merged over the built-in one, and the warnings of that merge: a
    site that brings its own categories gets a derived Consent Mode map and none of the
    built-in texts of the categories it dropped (engine.site_categories, as in the browser)."""
    if site is None:
        return builtin, []
    rebased = site_categories.rebase(builtin, site)
    return engine_config.merge(rebased["base"], site), rebased["warnings"]


def validate_file(path, languages=None):
    """Validate a site configuration merged over the built-in one; returns the engine result."""
    builtin = builtin_raw(languages)
    site = _read_json(path, "configuration") if path else None
    raw, warnings = merge_site(builtin, site)
    result = engine_config.validate(raw)
    result["warnings"] = warnings + result["warnings"]
    return result


def format_problems(result):
    lines = [f"error   {e['path']}: {e['message']}" for e in result["errors"]]
    lines += [f"warning {w['path']}: {w['message']}" for w in result["warnings"]]
    return "\n".join(lines)


def load_site_config(path=None, languages=None):
    """What the bundle embeds: the merged raw configuration (page overrides are merged over it
    and re-validated in the browser) and its normalised form (used as is when there is no
    override, so a page view pays no validation). ``languages``: see builtin_raw. Raises
    BuildError listing every problem."""
    builtin = builtin_raw(languages)
    raw = merge_site(builtin, _read_json(path, "configuration") if path else None)[0]
    result = engine_config.validate(raw)
    if result["errors"]:
        raise BuildError(f"invalid configuration ({len(result['errors'])} problems):\n"
                         + format_problems(result))
    return {"raw": raw, "config": result["config"]}


def languages_report(path, config, sizes):
    """The manifest's ``languages``: the languages embedded, every language with built-in
    texts, and the bytes the embedded configuration saves against embedding them all
    (``sizes(bytes) -> {"raw", "gzip", "brotli"}``)."""
    def size(cfg):
        return sizes(json.dumps(cfg, ensure_ascii=True, sort_keys=True,
                                separators=(",", ":")).encode("utf-8"))

    every = size(load_site_config(path, "all"))
    this = size(config)
    return {"included": list(config["config"]["translations"]),
            "available": available_languages(),
            "savedBytes": {k: every[k] - this[k] for k in ("raw", "gzip", "brotli")}}
