"""Shared pieces of the hostile suite: inline pages, cookie values, inertness and UI helpers."""

from __future__ import annotations

import html as _html
import json
import threading
import time

from helpers import js, wait_js
from shell_common import BANNER_SHOWN, barrier

from consentry import server
from consentry.engine import record

DAY_MS = 86400000
ROOT = "document.querySelector('[data-consentry-root]').shadowRoot"
CONSENT_CATS = ("analytics", "targeting", "site-analytics")  # basis "consent": off before a choice


class Pages:
    """name -> (html, headers); ``route`` serves them (a dev server extra route)."""

    def __init__(self):
        self._pages = {}
        self._lock = threading.Lock()

    def add(self, name, html, headers):
        with self._lock:
            self._pages[name] = (html, headers)

    def route(self, req):
        name = req.path[len("/h/"):]
        with self._lock:
            entry = self._pages.get(name)
        if entry is None:
            return 404, {"Content-Type": "text/plain"}, b"no such hostile page\n"
        html, headers = entry
        ctype = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}.get(
            name.rsplit(".", 1)[-1], "text/html; charset=utf-8")
        return 200, {"Content-Type": ctype, **headers}, html.encode("utf-8")


def page(head="", body="", config=None, config_raw=None, region="FR", lang="en", sdk="/consentry.js",
         before_sdk="", title="hostile"):
    """A standard test page: diag.js first, the optional config override, the SDK, then ``head``."""
    cfg = ""
    if config is not None:
        config_raw = json.dumps(config)
    if config_raw is not None:
        # "</" would end the script element early; JSON allows "<\/" for "</".
        cfg = '<script type="application/json" id="consentry-config">%s</script>\n' % config_raw.replace("</", "<\\/")
    region_attr = ' data-consentry-region="%s"' % region if region else ""
    sdk_tag = '<script src="%s"></script>\n' % sdk if sdk else ""
    return ("<!doctype html>\n<html lang=\"%s\"%s>\n<head>\n<meta charset=\"utf-8\">\n<title>%s</title>\n"
            "<script src=\"/diag.js\"></script>\n%s%s%s%s\n</head>\n<body>\n<h1>%s</h1>\n"
            "<p><a id=\"plain-link\" href=\"#x\">an ordinary link</a> <button id=\"plain-button\" "
            "type=\"button\">an ordinary button</button></p>\n%s\n</body>\n</html>\n"
            % (lang, region_attr, _html.escape(title), before_sdk, cfg, sdk_tag, head, _html.escape(title), body))


def gated(category, src=None, name=None, data_type=None, extra=""):
    """A gated <script>: external (``src``) or inline pushing ``name`` to window.__ran."""
    attrs = 'type="text/plain" data-category="%s"' % category
    if data_type is not None:
        attrs += ' data-type="%s"' % data_type
    if src is not None:
        return '<script %s data-src="%s" %s></script>' % (attrs, src, extra)
    return '<script %s %s>(window.__ran = window.__ran || []).push(%s);</script>' % (attrs, extra, json.dumps(name))


def all_gates(origin):
    """One external and one inline gated script per consent-basis category, plus iframe and img."""
    out = []
    for cat in CONSENT_CATS:
        out.append(gated(cat, src="%s/t/ext-%s.js" % (origin, cat)))
        out.append(gated(cat, name="inl-" + cat))
    out.append('<iframe data-category="targeting" data-src="%s/t/frame.html" title="video"></iframe>' % origin)
    out.append('<img data-category="analytics" data-src="%s/t/pixel.gif" alt="">' % origin)
    return "\n".join(out)


# ------------------------------------------------------------------ cookie values

_CONFIG = None


def default_config():
    global _CONFIG
    if _CONFIG is None:
        _CONFIG = server.load_config()
    return _CONFIG


def record_for(granted=(), revision=None, given=None, expires=None, method="custom", cid="hostileconsentid01",
               mode="opt-in", gpc=False, extra_cats=None, drop=()):
    cfg = default_config()
    now = int(time.time() * 1000)
    given = now - 1000 if given is None else given
    expires = given + 30 * DAY_MS if expires is None else expires
    cats, svcs = {}, {}
    for c in cfg["categories"]:
        if c["id"] in drop:
            continue
        on = c["basis"] == "necessary" or c["id"] in granted
        cats[c["id"]] = on
        svcs[c["id"]] = {s["id"]: on for s in c["services"]}
    for k, v in (extra_cats or {}).items():
        cats[k] = v
        svcs[k] = {}
    return {"v": 1, "id": cid, "revision": cfg["revision"] if revision is None else revision,
            "givenAt": given, "expiresAt": expires, "method": method, "mode": mode, "gpc": gpc,
            "categories": cats, "services": svcs}


def value_for(**kw):
    return record.encode(record_for(**kw))


def set_cookie(driver, value, name="consentry", attrs="Path=/; SameSite=Lax; Max-Age=86400"):
    """Write a raw cookie from the current page (it must be on the test origin).

    ``__LONE_SURROGATE__`` in ``value`` becomes U+D800 (WebDriver's JSON cannot carry one)."""
    return driver.execute_script(
        "try { document.cookie = arguments[0] + '=' + arguments[1].split('__LONE_SURROGATE__').join("
        "String.fromCharCode(0xD800)) + '; ' + arguments[2]; return true; }"
        " catch (e) { return String(e); }", name, value, attrs)


def consent_cookies(driver, name="consentry"):
    return [c for c in driver.get_cookies() if c["name"] == name]


# ------------------------------------------------------------------ state checks

def ready(driver):
    """Wait for Consentry.ready (bounded by the script timeout)."""
    r = wait_js(driver, """(function () {
      if (!window.Consentry || !window.Consentry.ready) { return false; }
      if (window.__hready === undefined) { window.__hready = null;
        Consentry.ready.then(function () { window.__hready = true; }, function (e) { window.__hready = 'rejected: ' + e; }); }
      return window.__hready; })()""", timeout=30, message="Consentry.ready did not resolve")
    assert r is True, r


def assert_inert(driver, third_party, expected=None, site=None):
    """Nothing gated ran and the tracker origin saw no request other than the barrier."""
    ran = [r for r in (barrier(driver, third_party.url) or []) if r != "barrier"]
    assert ran == list(expected or []), "gated code ran: %r" % ran
    hits = [r.path for r in third_party.requests if not r.path.startswith(("/t/barrier", "/h/", "/__blank"))]
    assert hits == [], "the tracker origin was contacted: %r" % hits


def no_grant(driver):
    """The API answers 'no valid choice, nothing allowed' for every consent category."""
    assert js(driver, "Consentry.getConsent()") is None
    for cat in CONSENT_CATS:
        assert js(driver, "Consentry.allowed(arguments[0])", cat) is False, cat


def banner_shown(driver, message="banner not shown"):
    wait_js(driver, BANNER_SHOWN, message=message)


def part(name):
    return ROOT + ".querySelector('[part~=\"%s\"]')" % name


def click_part(driver, name):
    el = wait_js(driver, "(function(){var r=document.querySelector('[data-consentry-root]');"
                         "return r && r.shadowRoot && r.shadowRoot.querySelector('[part~=\"%s\"]');})()" % name,
                 message="no %s button" % name)
    el.click()
    return el


def record_events(driver):
    """Start recording SDK callbacks (Consentry.on) into window.__ev."""
    js(driver, """(function(){ window.__ev = [];
      ['ready','consent','first-consent','change'].forEach(function (n) {
        Consentry.on(n, function (d) { window.__ev.push(n); }); }); return true; })()""")


def events(driver):
    return js(driver, "window.__ev")


def console_errors(driver):
    from helpers import diag
    return [c["message"] for c in diag(driver)["console"] if c["level"] == "error"]


def only_expected_console(driver, error_substr=None, max_errors=1):
    """Clean console except at most ``max_errors`` [consentry] errors (containing ``error_substr``)."""
    from helpers import problems
    found = problems(driver)
    errs = [p for p in found if p.startswith("console.error: [consentry]")]
    rest = [p for p in found if p not in errs]
    assert not rest, "console not clean:\n  " + "\n  ".join(rest)
    assert len(errs) <= max_errors, errs
    if error_substr is not None:
        assert errs and error_substr in errs[0], errs
    return errs
