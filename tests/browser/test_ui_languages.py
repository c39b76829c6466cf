"""Every built-in language pack (sdk/consentry/data/i18n) in the real UI, at 320 px, in both
browsers: the banner and the panel show the pack's texts (and the built-in cookie's and
service's texts in that language), every button label fits its button and the viewport,
nothing in the panel scrolls sideways (the cookie table's headings wrap), axe-core finds 0
violations, and a screenshot per language and state goes to ``test-artifacts/screenshots/``
for review.

The pages are served with a bundle built with ``languages="all"``; the page sets
``<html lang>`` from ``?lang=`` before Consentry starts, so language detection picks the pack.
"""

import json

import pytest
from helpers import BLANK, PAGES, sentinel_route, wait_js
from test_ui_axe import axe, axe_source  # noqa: F401 (fixture)
from test_ui_flows import BANNER, PANEL, SHOTS, open_page, screenshot, viewport  # noqa: F401

from consentry_build import bundle as bundle_mod
from consentry_build.config_input import available_languages, builtin_raw
from consentry_build.devserver import make_server

PACKS = [c for c in available_languages() if c not in ("en", "en-GB", "fr")]
BUILTIN = builtin_raw("all")
TEXTS = BUILTIN["translations"]
# The per-field texts of the built-in cookie and service, which the panel lists.
COOKIE = BUILTIN["categories"][0]["cookies"][0]
SERVICE = BUILTIN["categories"][2]["services"][0]

# Every button of a part: its label is not cut (no horizontal overflow) and it lies inside the
# viewport. Returns the labels that do not fit.
OVERFLOW = """var part = %s, bad = [];
part.querySelectorAll('button').forEach(function (b) {
  var r = b.getBoundingClientRect();
  if (r.width === 0) { return; }
  if (b.scrollWidth > b.clientWidth + 1 || r.left < 0 || r.right > window.innerWidth + 0.5) {
    bad.push(b.textContent + ' (' + b.scrollWidth + '/' + b.clientWidth + ', ' +
             Math.round(r.left) + '..' + Math.round(r.right) + ')');
  }
});
return bad;"""
# Scrolling boxes of a part that scroll sideways (a text wider than the panel), as descriptions.
SIDEWAYS = """var out = [];
%s.querySelectorAll('*').forEach(function (e) {
  if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible') {
    out.push(e.tagName + '.' + e.className + ' ' + e.scrollWidth + '/' + e.clientWidth);
  }
});
return out;"""


@pytest.fixture(scope="module")
def lang_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist-all-languages")
    bundle_mod.build(out_dir=str(out), log=lambda *_: None, languages="all")
    srv = make_server(PAGES, str(out), extra_routes={"/t/*": sentinel_route, "/__blank": BLANK})
    yield srv
    srv.shutdown()


def test_every_eea_language_of_the_issue_has_a_pack():
    assert sorted(PACKS) == sorted(["de", "es", "it", "nl", "pl", "pt", "sv", "da", "cs", "el",
                                    "ro", "fi"])


@pytest.mark.parametrize("lang", PACKS)
def test_language_at_320_px(browser, lang_site, axe_source, viewport, lang):  # noqa: F811
    texts = TEXTS[lang]
    viewport(320, 640)
    open_page(browser, lang_site, "ui-lang.html?lang=" + lang)
    assert browser.execute_script("return " + BANNER + ".textContent").count(
        texts["banner"]["title"]) == 1
    assert browser.execute_script(OVERFLOW % BANNER) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    screenshot(browser, SHOTS / ("lang-%s-banner-320-%s.png" % (lang, browser.browser_name)))
    assert axe(browser, axe_source) == []

    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    browser.execute_script(PANEL + ".querySelectorAll('details').forEach(function (x) { x.open = true; })")
    panel = browser.execute_script("return " + PANEL + ".textContent")
    for key in ("title", "save", "alwaysOn", "legitimateInterest"):
        assert texts["panel"][key] in panel, key
    assert texts["categories"]["analytics"]["title"] in panel
    for field in (COOKIE["purpose"], COOKIE["duration"], SERVICE["description"]):
        assert field[lang] in panel, field["en"]
    assert browser.execute_script(OVERFLOW % PANEL) == []
    assert browser.execute_script(SIDEWAYS % PANEL) == []
    screenshot(browser, SHOTS / ("lang-%s-panel-320-%s.png" % (lang, browser.browser_name)))
    violations = axe(browser, axe_source)
    assert violations == [], json.dumps(violations, indent=1)
