"""What the built-in configuration keeps when a site brings its own categories.

A configuration (a site's build configuration, or a page's ``#consentry-config``) that gives
``categories`` replaces the built-in list. Two built-in parts are written for the built-in
categories and would then be wrong:

* ``consentMode.map``: when the site did not set it, it is derived for the site's categories
  (``consent_mode_map``) instead of naming categories that no longer exist, with ONE warning
  saying what was guessed, what stays unmapped and what was dropped. A map the site sets itself
  is the whole map (signals it does not list stay denied, nothing of the built-in map is left
  over); the validator still refuses one that names an unknown category.
* the built-in texts of categories the site dropped (``translations.<lang>.categories``) are
  not applied: the site cannot act on warnings about them. Texts the site gives for unknown
  categories still warn.

API
---
``rebase(base, override) -> {"base": dict, "warnings": [issue]}``
    ``base`` adjusted for ``override`` (a fresh shallow copy; the inputs are not modified), to be
    merged under it: ``validate(merge(rebase(b, o)["base"], o))``. Unchanged when ``override``
    gives no ``categories`` list. Total.
"""

from . import consent_mode_map

PATH = "$.consentMode.map"


def _site_ids(categories):
    ids = []
    for item in categories:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            ids.append(item["id"])
    return ids


def _without_dropped_texts(translations, ids):
    out = {}
    for lang in translations:
        sections = translations[lang]
        if isinstance(sections, dict) and isinstance(sections.get("categories"), dict):
            kept = {}
            texts = sections["categories"]
            for cid in texts:
                if cid in ids:
                    kept[cid] = texts[cid]
            sections = dict(sections)
            sections["categories"] = kept
        out[lang] = sections
    return out


def _dropped(base_map, ids):
    """Category ids the base map names that the site no longer has, in map order."""
    out = []
    if not isinstance(base_map, dict):
        return out
    for s in base_map:
        v = base_map[s]
        if not isinstance(v, list):
            continue
        for cid in v:
            if isinstance(cid, str) and cid not in ids and cid not in out:
                out.append(cid)
    return out


def _message(derived, dropped):
    parts = []
    for entry in derived["guessed"]:
        parts.append(entry[0] + " -> " + ", ".join(entry[1]))
    text = "The site's categories come without a Consent Mode map, so it was derived from " \
           "their ids"
    if len(parts) > 0:
        text = text + ": " + "; ".join(parts) + "."
    else:
        text = text + ": no category id names a purpose, every signal stays denied."
    if len(derived["unmapped"]) > 0:
        text = text + " Not mapped to any signal: " + ", ".join(derived["unmapped"]) + "."
    if len(dropped) > 0:
        text = text + " Dropped from the built-in map: " + ", ".join(dropped) + "."
    return text + " Set consentMode.map to choose."


def rebase(base, override):
    """``base`` adjusted to the categories ``override`` brings. See the module docstring."""
    if not isinstance(base, dict) or not isinstance(override, dict) or \
            not isinstance(override.get("categories"), list):
        return {"base": base, "warnings": []}
    categories = override["categories"]
    ids = _site_ids(categories)
    out = dict(base)
    if isinstance(base.get("translations"), dict):
        out["translations"] = _without_dropped_texts(base["translations"], ids)
    cm = base.get("consentMode")
    cm = dict(cm) if isinstance(cm, dict) else {}
    out["consentMode"] = cm
    site_cm = override.get("consentMode")
    if isinstance(site_cm, dict) and "map" in site_cm:
        cm["map"] = {}      # the site's map is the whole map: no built-in signal is left over
        return {"base": out, "warnings": []}
    derived = consent_mode_map.derive(categories)
    dropped = _dropped(cm.get("map"), ids)
    cm["map"] = derived["map"]
    return {"base": out, "warnings": [{"path": PATH, "message": _message(derived, dropped)}]}
