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


def validate_file(path):
    """Validate a site configuration merged over the built-in one; returns the engine result."""
    builtin = _read_json(default_config_path(), "built-in configuration")
    site = _read_json(path, "configuration") if path else None
    raw, warnings = merge_site(builtin, site)
    result = engine_config.validate(raw)
    result["warnings"] = warnings + result["warnings"]
    return result


def format_problems(result):
    lines = [f"error   {e['path']}: {e['message']}" for e in result["errors"]]
    lines += [f"warning {w['path']}: {w['message']}" for w in result["warnings"]]
    return "\n".join(lines)


def load_site_config(path=None):
    """What the bundle embeds: the merged raw configuration (page overrides are merged over it
    and re-validated in the browser) and its normalised form (used as is when there is no
    override, so a page view pays no validation). Raises BuildError listing every problem."""
    builtin = _read_json(default_config_path(), "built-in configuration")
    raw = merge_site(builtin, _read_json(path, "configuration") if path else None)[0]
    result = engine_config.validate(raw)
    if result["errors"]:
        raise BuildError(f"invalid configuration ({len(result['errors'])} problems):\n"
                         + format_problems(result))
    return {"raw": raw, "config": result["config"]}
