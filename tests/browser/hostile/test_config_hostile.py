"""Catalogue group B: a hostile or broken runtime override (#consentry-config).

(Named test_config_hostile.py, not test_config.py: tests/unit/test_config.py already owns that
module basename and this tree has no __init__.py files.)

Principle: an override that is not exactly valid gives ONE clear console error and is ignored AS A
WHOLE: the built-in configuration applies, the page stays usable and nothing gated runs. Every
override below also carries a "grant attempt" (opt-out mode for the page's region, so every
consent category would be allowed before a choice) and a harmless text change: if any part of a
broken override leaked through, gated sentinels would run or the banner title would change.
"""

from __future__ import annotations

import copy
import json

import pytest
from helpers import js, wait_js
from hostile_kit import (
    all_gates,
    assert_inert,
    banner_shown,
    click_part,
    default_config,
    gated,
    no_grant,
    only_expected_console,
    page,
    part,
    ready,
)

pytestmark = pytest.mark.usefixtures("bundle")

BUILTIN_TITLE = default_config()["translations"]["en"]["banner"]["title"]
GRANT_ATTEMPT = {
    "mode": {"default": "opt-out", "optOutRegions": ["FR"], "optInRegions": [], "detect": ["attribute"]},
    "translations": {"en": {"banner": {"title": "OVERRIDDEN"}}},
}
BUILTIN_CATS = [
    {"id": "necessary", "basis": "necessary"}, {"id": "functionality", "basis": "legitimate-interest"},
    {"id": "analytics", "basis": "consent", "services": [{"id": "ga", "label": "Example Analytics"}]},
    {"id": "targeting", "basis": "consent", "saleOrShare": True}, {"id": "site-analytics", "basis": "consent"},
]
BIG_SERVICES = [{"id": "s%d" % i, "label": "Service %d" % i} for i in range(5000)]


def _merge(base, over):
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _cats_with(extra):
    cats = copy.deepcopy(BUILTIN_CATS)
    cats[2] = _merge(cats[2], extra)
    return cats


BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "\tjavascript:alert(1)", " javascript:alert(1)",
            "java\nscript:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
            "//evil.test/x", "/\\evil.test/x", "\\\\evil.test", "https:evil.test", "https://", "file:///etc/passwd",
            "blob:https://evil.test/x"]

HOSTILE = {
    # B1 wrong types, missing keys, unknown keys
    "categories-as-dict": {"categories": {"analytics": {"basis": "consent"}}},
    "days-as-string": {"cookie": {"acceptDays": "365"}},
    "revision-as-float-string": {"revision": "2"},
    "revision-bool": {"revision": True},
    "no-necessary": {"categories": BUILTIN_CATS[1:]},
    "necessary-as-consent": {"categories": [dict(BUILTIN_CATS[0], basis="consent")] + BUILTIN_CATS[1:]},
    "unknown-top-key": {"grantEverything": True},
    "unknown-nested-key": {"ui": {"layoutt": "bar"}},
    "proto-key": {"__proto__": {"polluted": True}},
    "gpc-string": {"gpc": "false"},
    "cookie-name-injection": {"cookie": {"name": "consentry=1; Domain=evil.test"}},
    "cookie-domain-other": {"cookie": {"domain": "evil.test;path=/"}},
    "samesite-bogus": {"cookie": {"sameSite": "none;Secure"}},
    "consent-mode-unknown-signal": {"consentMode": {"map": {"ad_storage": ["nope"]}}},
    # B4 CSS-ish values
    "theme-css": {"ui": {"theme": "red;position:fixed;inset:0"}},
    "position-css": {"ui": {"position": "100%;height:100%;position:fixed;"}},
    "layout-css": {"ui": {"layout": "url(javascript:alert(1))"}},
    # B5 callbacks as strings
    "callback-top": {"onAccept": "alert(1)"},
    "callback-ui": {"ui": {"onConsent": "window.__xss()"}},
    "callback-category": {"categories": _cats_with({"onAccept": "window.__xss()"})},
    "callback-handler": {"handler": "window.__xss()"},
    # B6 scale
    "five-thousand-services": {"categories": _cats_with({"services": BIG_SERVICES})},
    "one-megabyte-string": {"translations": {"en": {"banner": {"text": "A" * 1_000_000}}}},
    "many-languages": {"translations": {"x%s" % chr(97 + i % 26) + chr(97 + i // 26): {} for i in range(150)}},
    # B7 translations
    "default-language-missing": {"language": {"default": "de"}},
    "blank-button": {"translations": {"en": {"banner": {"acceptAll": "  "}}}},
    "button-not-string": {"translations": {"en": {"banner": {"rejectAll": 42}}}},
    "control-char-text": {"translations": {"en": {"banner": {"text": "a\u0000b"}}}},
    "translations-as-list": {"translations": [{"en": {}}]},
    "bad-language-code": {"translations": {"en\"><script>": {"banner": {"title": "x"}}}},
}
for i, url in enumerate(BAD_URLS):
    HOSTILE["url-notice-%02d" % i] = {"ui": {"noticeUrl": url}}
HOSTILE["url-category-notice"] = {"categories": _cats_with({"noticeUrl": "javascript:alert(1)"})}
HOSTILE["url-service-notice"] = {"categories": _cats_with({"services": [{"id": "ga", "label": "GA", "noticeUrl": "//evil.test"}]})}
HOSTILE["url-log-other-origin"] = {"log": {"endpoint": "https://evil.test/log"}}
HOSTILE["url-log-protocol-relative"] = {"log": {"endpoint": "//evil.test/log"}}

RAW = {  # not even a JSON object
    "not-json": "{not json",
    "json-null": "null",
    "json-array": "[]",
    "json-string": '"opt-out"',
    "json-number": "1",
    "deep-nesting": '{"a":' * 5000 + "1" + "}" * 5000,
    "empty": "",
}


def _usable(browser):
    """The page's own button is on top at its centre and clicking it works."""
    assert js(browser, """(function () {
      var b = document.getElementById('plain-button'), r = b.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b; })()""")
    browser.find_element("id", "plain-button").click()
    wait_js(browser, "window.__clicked === 1", message="the page's own button does not work")


USABLE_JS = "document.getElementById('plain-button').addEventListener('click', function () { window.__clicked = (window.__clicked || 0) + 1; });"


def _check_ignored(browser, site, third_party, path):
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    assert js(browser, part("banner") + ".querySelector('h2').textContent") == BUILTIN_TITLE
    assert js(browser, "Object.prototype.polluted === undefined && ({}).polluted === undefined")
    assert js(browser, "window.__xss_called || null") is None
    no_grant(browser)
    assert_inert(browser, third_party)
    _usable(browser)
    only_expected_console(browser, error_substr="#consentry-config", max_errors=1)
    # the built-in configuration really works: a visitor choice still records and revives
    click_part(browser, "accept-all")
    wait_js(browser, "window.__ran && window.__ran.indexOf('inl-analytics') !== -1")


def _body():
    return "<script>window.__xss = function () { window.__xss_called = true; };%s</script>" % USABLE_JS


def test_control_the_grant_attempt_alone_is_valid_and_detectable(browser, site, third_party, hpage):
    """Guard for the table: the same override without the hostile part IS applied."""
    path = hpage(page(config=GRANT_ATTEMPT, head=gated("analytics", name="a"), body=_body()))
    browser.get(site.url + path)
    ready(browser)
    wait_js(browser, "window.__ran && window.__ran[0] === 'a'", message="the control override was not applied")
    only_expected_console(browser, max_errors=0)


@pytest.mark.parametrize("how", sorted(HOSTILE))
def test_hostile_override_is_ignored_as_a_whole(browser, site, third_party, hpage, how):
    cfg = _merge(GRANT_ATTEMPT, HOSTILE[how])
    path = hpage(page(config_raw=json.dumps(cfg), head=all_gates(third_party.url), body=_body()))
    _check_ignored(browser, site, third_party, path)


@pytest.mark.parametrize("how", sorted(RAW))
def test_override_that_is_not_a_json_object_is_ignored(browser, site, third_party, hpage, how):
    path = hpage(page(config_raw=RAW[how], head=all_gates(third_party.url), body=_body()))
    _check_ignored(browser, site, third_party, path)


POLLUTION = {
    "constructor-prototype-section": {"translations": {"en": {"constructor": {"prototype": {"polluted": True}}}}},
    "proto-section": {"translations": {"en": {"__proto__": {"polluted": True}}}},
    "proto-text-key": {"translations": {"en": {"banner": {"__proto__": "x"}}}},
    "constructor-text-key": {"translations": {"en": {"banner": {"constructor": "y"}}}},
}


@pytest.mark.parametrize("how", sorted(POLLUTION))
def test_prototype_pollution_through_sections_that_only_warn(browser, site, third_party, hpage, how):
    """Keys like __proto__/constructor where unknown keys only warn never reach live objects, and
    the SDK still starts (with or without the override)."""
    path = hpage(page(config=POLLUTION[how], head=all_gates(third_party.url), body=_body()))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    assert js(browser, "Object.prototype.polluted === undefined && ({}).polluted === undefined")
    assert js(browser, "Object.prototype.constructor === Object")
    no_grant(browser)
    assert_inert(browser, third_party)
    only_expected_console(browser, max_errors=1)
