"""Convert a vanilla-cookieconsent configuration into a Consentry site configuration.

``convert(cc) -> {"config": dict, "notes": [{"path", "message"}]}``
    ``cc`` is the value ``jsobject.read`` returns. ``config`` holds everything that has a
    Consentry equivalent (docs/migrating.md has the tables); every part that does not
    (callbacks, HTML, external translation files, regexes that are not prefixes, options
    Consentry has no use for) is left out and listed in ``notes`` with the reason. Total: any
    value in any place is either converted or reported, never raised on.

``migrate(text, builtin) -> {"config", "notes", "errors", "warnings"}``
    read + convert + validate the result as a site configuration merged over ``builtin`` (the
    built-in configuration), exactly as the build and the browser would.
"""

import html
import math
import re

from consentry.engine import config as engine_config
from consentry.engine import site_categories

from .jsobject import Regex, Unsupported, read

ID_RE = re.compile(r"[a-z][a-z0-9_-]{0,39}\Z")
TAG_RE = re.compile(r"<[^>]*>")
# a regex that is a literal cookie name: plain characters, or escaped regex metacharacters
PREFIX_RE = re.compile(r"\^([A-Za-z0-9!#%&'_`~-]|\\[!#$%&'*+.^_`|~-])+\Z")

BANNER_KEYS = {"title": "title", "description": "text", "acceptAllBtn": "acceptAll",
               "acceptNecessaryBtn": "rejectAll", "showPreferencesBtn": "customise",
               "closeIconLabel": "close", "revisionMessage": "revisionNote"}
PANEL_KEYS = {"title": "title", "acceptAllBtn": "acceptAll", "acceptNecessaryBtn": "rejectAll",
              "savePreferencesBtn": "save", "closeIconLabel": "close",
              "serviceCounterLabel": "services"}
# options with no Consentry counterpart, and why
IGNORED = {
    "root": "the UI is always appended to <body> (in its own shadow root)",
    "autoShow": "the banner shows itself when a choice is needed; Consentry.showBanner() "
                "opens it from page code",
    "manageScriptTags": "gated markup is always managed",
    "autoClearCookies": "declared cookies are always deleted when their category is refused",
    "hideFromBots": "not converted",
    "lazyHtmlGeneration": "the UI is always built on first use",
}
CALLBACKS = {"onFirstConsent": "first-consent", "onConsent": "consent", "onChange": "change",
             "onModalShow": None, "onModalHide": None, "onModalReady": None}


class _Notes:
    def __init__(self):
        self.items = []

    def add(self, path, message):
        self.items.append({"path": path, "message": message})


def _code(v):
    return isinstance(v, (Unsupported, Regex))


def _slug(name):
    s = re.sub(r"[^a-z0-9_-]+", "-", name.strip().lower()).strip("-")
    s = re.sub(r"^[^a-z]+", "", s)[:40].rstrip("-")
    return s


def _id(name, path, what, attr, notes):
    """A Consentry id for a vanilla name, or None (reported)."""
    if not isinstance(name, str):
        notes.add(path, "a %s name must be a string" % what)
        return None
    if ID_RE.match(name):
        return name
    s = _slug(name)
    if not s:
        notes.add(path, "the %s name %r has no usable id; it was left out" % (what, name))
        return None
    notes.add(path, "the %s %r is called %r in Consentry (ids are a-z, 0-9, '_', '-'): "
                    "change %s=%r to %s=%r in the page" % (what, name, s, attr, name, attr, s))
    return s


def _text(v, path, notes):
    """A display string from a vanilla text (which may hold HTML): tags removed, entities
    decoded, whitespace collapsed. None (reported) for code."""
    if _code(v):
        notes.add(path, "code, not text (%s): not converted" % _clip(v))
        return None
    if not isinstance(v, str):
        notes.add(path, "not a string: not converted")
        return None
    plain = v.replace("{{revisionMessage}}", "")
    if TAG_RE.search(plain):
        notes.add(path, "HTML removed: Consentry shows texts as plain text (links go in "
                        "ui.noticeUrl and category/service noticeUrl)")
        plain = TAG_RE.sub("", plain)
    return " ".join(html.unescape(plain).split())


def _clip(v):
    t = v.text if isinstance(v, Unsupported) else repr(v)
    t = " ".join(t.split())
    return t if len(t) <= 60 else t[:57] + "..."


def _cookie_names(entries, path, notes):
    """autoClear.cookies / service cookies -> Consentry cookie names ("_gid", "/^_ga/")."""
    out = []
    if not isinstance(entries, list):
        notes.add(path, "must be a list of {name}: not converted")
        return out
    for i, e in enumerate(entries):
        p = "%s[%d]" % (path, i)
        if not isinstance(e, dict) or "name" not in e:
            notes.add(p, "not a {name} object: not converted")
            continue
        for k in e:
            if k in ("path", "domain"):
                notes.add(p + "." + k, "not converted: Consentry deletes declared cookies "
                                       "for the page's path and host and its parent domains")
            elif k != "name":
                notes.add(p + "." + k, "unknown key: not converted")
        name = e["name"]
        if isinstance(name, str):
            if name not in out:
                out.append(name)
        elif isinstance(name, Regex):
            out += [n for n in _regex_names(name, p + ".name", notes) if n not in out]
        else:
            notes.add(p + ".name", "not a string or regex: not converted")
    return out


def _regex_names(rx, path, notes):
    """/^_ga/ -> ["/^_ga/"]; /^(_ga|_gid)/ -> ["/^_ga/", "/^_gid/"]; /^_gid$/ -> ["_gid"]."""
    src = rx.source
    m = re.fullmatch(r"\^\((\?:)?([^()]*)\)(\$?)", src)
    alts = None
    exact = False
    if m:
        alts = m.group(2).split("|")
        exact = m.group(3) == "$"
    elif src.startswith("^"):
        exact = src.endswith("$") and not src.endswith("\\$")
        alts = [src[1:-1] if exact else src[1:]]
    out = []
    if alts is not None and "i" not in rx.flags:
        for a in alts:
            lit = re.sub(r"\\(.)", r"\1", a)
            if not PREFIX_RE.match("^" + a) or not lit:
                out = None
                break
            out.append(lit if exact else "/^" + lit + "/")
    if not out:
        notes.add(path, "the pattern %s is not a name or a name prefix: not converted (declare "
                        "the names, or prefixes like \"/^_ga_/\")" % (repr(rx),))
        return []
    return out


# ---------------------------------------------------------------- sections

def _cookie(cc, notes):
    out = {}
    if not isinstance(cc, dict):
        notes.add("cookie", "not an object: not converted")
        return out
    for k, v in cc.items():
        p = "cookie." + k
        if k in ("name", "domain", "path", "sameSite") and isinstance(v, str):
            out[k] = v
        elif k == "expiresAfterDays" and isinstance(v, (int, float)) and not isinstance(v, bool) \
                and math.isfinite(v):
            out["acceptDays"] = out["rejectDays"] = max(1, int(round(v)))
        elif k == "expiresAfterDays":
            notes.add(p, "not a number (%s): not converted; set cookie.acceptDays and "
                         "cookie.rejectDays" % _clip(v) if _code(v) else
                         "not a number: not converted")
        elif k == "secure":
            notes.add(p, "not converted: Consentry sets Secure on https pages")
        elif k == "useLocalStorage":
            notes.add(p, "not converted: the choice is always kept in a cookie (servers can "
                         "read it)")
        else:
            notes.add(p, "not converted")
    return out


def _services(services, cat_path, notes):
    out = []
    if not isinstance(services, dict):
        notes.add(cat_path + ".services", "not an object: not converted")
        return out
    for name, svc in services.items():
        p = cat_path + ".services." + str(name)
        sid = _id(name, p, "service", "data-service", notes)
        if sid is None:
            continue
        item = {"id": sid}
        if not isinstance(svc, dict):
            svc = {}
        for k, v in svc.items():
            if k == "label":
                t = _text(v, p + ".label", notes)
                if t:
                    item["label"] = t
            elif k == "cookies":
                names = _cookie_names(v, p + ".cookies", notes)
                if names:
                    item["cookies"] = names
            elif k in ("onAccept", "onReject"):
                notes.add(p + "." + k, "callback not converted: use Consentry.onCategory() "
                                       "or gated markup with data-service=%r" % sid)
            else:
                notes.add(p + "." + k, "not converted")
        if "label" not in item and sid != name and isinstance(name, str):
            item["label"] = name
        out.append(item)
    return out


def _categories(cc, notes):
    """-> (categories, {vanilla name: id})."""
    cats = []
    ids = {}
    if not isinstance(cc, dict):
        notes.add("categories", "not an object: not converted")
        cc = {}
    names = list(cc)
    has_necessary = "necessary" in cc
    for name in names:
        raw = cc[name]
        p = "categories." + str(name)
        if not isinstance(raw, dict):
            notes.add(p, "not an object: converted as an empty category")
            raw = {}
        ro = raw.get("readOnly") is True
        if ro and name != "necessary":
            if has_necessary:
                notes.add(p + ".readOnly", "only the category 'necessary' can be always on: "
                                           "%r becomes a consent category" % name)
                ro = False
            else:
                notes.add(p, "the always-on category is called 'necessary' in Consentry: change "
                             "data-category=%r to data-category=\"necessary\" in the page" % name)
                has_necessary = True
                cid = "necessary"
        if not (ro and name != "necessary"):
            cid = _id(name, p, "category", "data-category", notes)
        if cid is None or cid in [c["id"] for c in cats]:
            if cid is not None:
                notes.add(p, "two categories get the id %r: this one was left out" % cid)
            continue
        ids[name] = cid
        cat = {"id": cid, "basis": "necessary" if cid == "necessary" else "consent"}
        cookies = []
        for k, v in raw.items():
            kp = p + "." + k
            if k in ("readOnly",):
                continue
            if k == "enabled":
                if v is True and cid != "necessary":
                    notes.add(kp, "not converted: Consentry never pre-selects a consent "
                                  "category (opt-out regions enable every category until the "
                                  "visitor objects)")
            elif k == "autoClear" and isinstance(v, dict):
                for ak, av in v.items():
                    if ak == "cookies":
                        cookies += [n for n in _cookie_names(av, kp + ".cookies", notes)
                                    if n not in cookies]
                    elif ak == "reloadPage":
                        if av is True:
                            notes.add(kp + ".reloadPage", "not converted: Consentry offers the "
                                                          "visitor a reload after a withdrawal")
                    else:
                        notes.add(kp + "." + ak, "not converted")
            elif k == "services":
                svcs = _services(v, p, notes)
                if svcs:
                    cat["services"] = svcs
            else:
                notes.add(kp, "not converted")
        if cookies:
            cat["cookies"] = cookies
        cats.append(cat)
    if "necessary" not in [c["id"] for c in cats]:
        notes.add("categories", "added the always-on category 'necessary' (Consentry needs one)")
        cats.insert(0, {"id": "necessary", "basis": "necessary"})
    return cats, ids


def _sections(sections, cat_ids, path, notes):
    """preferencesModal.sections -> (panel intro text or None, {category id: texts})."""
    intro = None
    texts = {}
    if not isinstance(sections, list):
        notes.add(path, "not a list: not converted")
        return intro, texts
    for i, sec in enumerate(sections):
        p = "%s[%d]" % (path, i)
        if not isinstance(sec, dict):
            notes.add(p, "not an object: not converted")
            continue
        linked = sec.get("linkedCategory")
        for k in sec:
            if k == "cookieTable":
                notes.add(p + ".cookieTable", "not converted: declare cookies with their purpose "
                                              "and duration on the category ({\"name\", "
                                              "\"purpose\", \"duration\"}); the panel lists them")
            elif k not in ("title", "description", "linkedCategory"):
                notes.add(p + "." + k, "not converted")
        if linked is not None:
            cid = cat_ids.get(linked)
            if cid is None:
                notes.add(p + ".linkedCategory", "names no category: not converted")
                continue
            entry = {}
            for k in ("title", "description"):
                if k in sec:
                    t = _text(sec[k], p + "." + k, notes)
                    if t is not None:
                        entry[k] = t
            texts[cid] = entry
        elif intro is None and not texts and "description" in sec:
            intro = _text(sec["description"], p + ".description", notes)
            if "title" in sec:
                notes.add(p + ".title", "not converted: the panel's title is preferencesModal.title")
        else:
            notes.add(p, "a section without a category is not converted: put its text in the "
                         "panel's text or in the page linked by ui.noticeUrl")
    return intro, texts


def _translation(tr, cat_ids, path, notes):
    out = {}
    if not isinstance(tr, dict):
        why = "a URL of a translation file" if isinstance(tr, str) else "code"
        notes.add(path, "%s: not converted; convert the translation object itself" % why)
        return None
    for k, v in tr.items():
        p = path + "." + k
        if k == "consentModal" and isinstance(v, dict):
            banner = {}
            for vk, vv in v.items():
                if vk in BANNER_KEYS:
                    t = _text(vv, p + "." + vk, notes)
                    if t:
                        banner[BANNER_KEYS[vk]] = t
                elif vk == "footer":
                    notes.add(p + ".footer", "not converted: the banner links the privacy notice "
                                             "set in ui.noticeUrl (text: banner.noticeLink)")
                else:
                    notes.add(p + "." + vk, "not converted")
            if banner:
                out["banner"] = banner
        elif k == "preferencesModal" and isinstance(v, dict):
            panel = {}
            for vk, vv in v.items():
                if vk in PANEL_KEYS:
                    if vk == "serviceCounterLabel" and isinstance(vv, str):
                        vv = vv.split("|")[-1]        # "Service|Services": the plural
                    t = _text(vv, p + "." + vk, notes)
                    if t:
                        panel[PANEL_KEYS[vk]] = t
                elif vk == "sections":
                    intro, texts = _sections(vv, cat_ids, p + ".sections", notes)
                    if intro:
                        panel["text"] = intro
                    if texts:
                        out["categories"] = texts
                else:
                    notes.add(p + "." + vk, "not converted")
            if panel:
                out["panel"] = panel
        else:
            notes.add(p, "not converted")
    return out


def _language(cc, cat_ids, notes):
    language = {}
    translations = {}
    if not isinstance(cc, dict):
        notes.add("language", "not an object: not converted")
        return language, translations
    if isinstance(cc.get("default"), str):
        language["default"] = cc["default"]
    detect = cc.get("autoDetect")
    language["detect"] = [detect] if detect in ("document", "browser") else []
    for k, v in cc.items():
        if k in ("default",):
            continue
        if k == "autoDetect":
            if detect not in ("document", "browser"):
                notes.add("language.autoDetect", "must be 'document' or 'browser': not converted")
        elif k == "rtl":
            notes.add("language.rtl", "not converted: Consentry lays out right-to-left "
                                      "languages (ar, he, fa, ur...) by their code")
        elif k == "translations" and isinstance(v, dict):
            for lang, tr in v.items():
                t = _translation(tr, cat_ids, "language.translations." + str(lang), notes)
                if t:
                    translations[lang] = t
        else:
            notes.add("language." + k, "not converted")
    return language, translations


def _ui(cc, page_blocked, notes):
    """guiOptions.consentModal -> ui.layout/position (vanilla's default: a box, bottom right)."""
    ui = {"layout": "box", "position": "bottom-right"}
    if page_blocked:
        ui = {"layout": "modal", "position": "center"}
    if not isinstance(cc, dict):
        if cc is not None:
            notes.add("guiOptions", "not an object: not converted")
        return ui
    for k, v in cc.items():
        p = "guiOptions." + k
        if k != "consentModal" or not isinstance(v, dict):
            notes.add(p, "not converted: the preferences panel has one layout (a dialog)")
            continue
        for mk, _mv in v.items():
            if mk not in ("layout", "position"):
                notes.add(p + "." + mk, "not converted: the banner's buttons always have equal "
                                        "weight, reject first")
        if page_blocked:
            continue
        layout = str(v.get("layout", "box")).split()
        pos = str(v.get("position", "")).split()
        if layout and layout[0] == "bar":
            ui = {"layout": "bar", "position": "top" if "top" in pos else "bottom"}
        else:
            if layout and layout[0] not in ("box", "cloud"):
                notes.add(p + ".layout", "unknown layout: a box is used")
            y = pos[0] if pos else "bottom"
            x = pos[1] if len(pos) > 1 else "right"
            if y == "middle" or x == "center":
                ui = {"layout": "box", "position": "center"}
                if y != "middle":
                    notes.add(p + ".position", "a box is either in a corner or centred: "
                                               "'center' is used")
            elif y in ("top", "bottom") and x in ("left", "right"):
                ui = {"layout": "box", "position": y + "-" + x}
            else:
                notes.add(p + ".position", "unknown position: 'bottom-right' is used")
    return ui


def convert(cc):
    """A Consentry site configuration and the notes. See the module docstring."""
    notes = _Notes()
    out = {}
    if not isinstance(cc, dict):
        notes.add("$", "the configuration is not an object")
        return {"config": out, "notes": notes.items}
    rev = cc.get("revision")
    if isinstance(rev, int) and not isinstance(rev, bool) and rev > 0:
        out["revision"] = rev
    mode = cc.get("mode", "opt-in")
    if mode == "opt-out":
        out["mode"] = {"default": "opt-out", "optInRegions": []}
    else:
        out["mode"] = {"default": "opt-in", "optOutRegions": []}
        if mode != "opt-in":
            notes.add("mode", "must be 'opt-in' or 'opt-out': opt-in is used")
    if "cookie" in cc:
        c = _cookie(cc["cookie"], notes)
        if c:
            out["cookie"] = c
    cats, cat_ids = _categories(cc.get("categories"), notes)
    out["categories"] = cats
    language, translations = _language(cc.get("language"), cat_ids, notes)
    out["language"] = language
    if translations:
        out["translations"] = translations
    out["ui"] = _ui(cc.get("guiOptions"), cc.get("disablePageInteraction") is True, notes)
    for k, _v in cc.items():
        if k in ("revision", "mode", "cookie", "categories", "language", "guiOptions",
                 "disablePageInteraction"):
            continue
        if k in CALLBACKS:
            ev = CALLBACKS[k]
            notes.add(k, ("callback not converted: register it from page code with "
                          "Consentry.on(%r, ...)" % ev) if ev else
                      "callback not converted: Consentry has no event for it")
        elif k in IGNORED:
            notes.add(k, "not converted: " + IGNORED[k])
        else:
            notes.add(k, "unknown option: not converted")
    return {"config": out, "notes": notes.items}


def migrate(text, builtin):
    """Read, convert and validate. See the module docstring (ParseError propagates)."""
    result = convert(read(text))
    site = result["config"]
    rebased = site_categories.rebase(builtin, site)
    checked = engine_config.validate(engine_config.merge(rebased["base"], site))
    result["errors"] = checked["errors"]
    result["warnings"] = rebased["warnings"] + checked["warnings"]
    return result
