"""`consentry migrate`: the object-literal reader, the converter on configurations from
vanilla-cookieconsent's documentation (fixtures in migrate_fixtures/, written from its docs) and
the command."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from consentry import cli, server
from consentry.migrate.convert import convert, migrate
from consentry.migrate.jsobject import ParseError, Regex, Unsupported, read

FIXTURES = Path(__file__).parent / "migrate_fixtures"
BUILTIN = server.load_default_config()


def _fixture(name):
    return (FIXTURES / name).read_text(encoding="utf-8")


def _paths(notes):
    return [n["path"] for n in notes]


# ---------------------------------------------------------------- reader

def test_reads_the_object_literal_subset():
    v = read("""
        import x from 'y';            // before the call: ignored
        const CAT = 'ads';
        CookieConsent.run({
            a: 'it\\'s', "b": "\\u00e9\\x41\\u{1F600}", c: `multi
            line`, d: 1e3, e: .5, f: 0x1F, g: -2, h: [1, , 2,], i: true, j: null, k: undefined,
            /* comment */ [CAT]: {x: CAT}, l: /^(_ga|_gid)/g,
            m: () => { return {a: 1}; }, n(arg) { return arg / 2; }, o: `x${y}`,
            p: CookieConsent.acceptedCategory('a') ? 'b' : 'c', 'q-r': {}, 12: 'twelve',
        });
    """)
    assert v["a"] == "it's" and v["b"] == "\u00e9A\U0001F600" and v["c"].startswith("multi\n")
    assert (v["d"], v["e"], v["f"], v["g"]) == (1000, 0.5, 31, -2)
    assert v["h"] == [1, 2] and v["i"] is True and v["j"] is None and v["k"] is None
    assert v["ads"] == {"x": "ads"} and v["l"] == Regex("^(_ga|_gid)", "g")
    for k in ("m", "n", "o", "p"):
        assert isinstance(v[k], Unsupported), k
    assert v["n"].text.startswith("n(arg)") and v["q-r"] == {} and v["12"] == "twelve"


def test_reads_json_and_a_bare_literal():
    assert read('\ufeff{"categories": {"necessary": {}}}') == {"categories": {"necessary": {}}}
    assert read("export default {mode: 'opt-out',}") == {"mode": "opt-out"}


@pytest.mark.parametrize("text, where", [
    ("CookieConsent.run({a: 'x})", "line 1, column 23"),
    ("run({\n  a 'x'\n})", "line 2, column 5"),
    ("run({a: 1,, b: 2})", "line 1, column 11"),
    ("run({[notAConst]: 1})", "line 1, column 6"),
    ("var x = 1;", "line 1, column 1"),
    ("run({a: [1, 2})", "line 1"),
    ("/* open", "line 1, column 1"),
])
def test_malformed_input_is_a_parse_error_with_its_place(text, where):
    with pytest.raises(ParseError) as exc:
        read(text)
    assert where in str(exc.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}[](),:;'\"`/\\*=>$ \n\tabrun0.-!", max_size=60))
def test_reader_raises_only_parse_errors(text):
    try:
        read(text)
    except ParseError:
        pass


# ---------------------------------------------------------------- converter

def test_getting_started_example_converts_to_a_valid_configuration():
    r = migrate(_fixture("getting-started.js"), BUILTIN)
    assert r["errors"] == []
    cfg = r["config"]
    assert cfg["cookie"] == {"name": "cc_cookie"}
    assert cfg["mode"] == {"default": "opt-in", "optOutRegions": []}
    assert cfg["language"] == {"default": "en", "detect": []}
    assert cfg["ui"] == {"layout": "box", "position": "center"}
    assert [c["id"] for c in cfg["categories"]] == ["necessary", "analytics", "ads"]
    analytics = cfg["categories"][1]
    assert analytics["cookies"] == ["/^_ga/", "_gid"]
    assert analytics["services"] == [{"id": "ga", "label": "Google Analytics"},
                                     {"id": "youtube", "label": "Youtube Embed"}]
    en = cfg["translations"]["en"]
    assert en["banner"] == {"title": "We use cookies",
                            "text": "We use cookies to measure visits and to show ads.",
                            "acceptAll": "Accept all", "rejectAll": "Reject all",
                            "customise": "Manage Individual preferences"}
    assert en["panel"]["save"] == "Accept current selection" and en["panel"]["services"] == "Services"
    assert en["panel"]["text"].startswith("Here you can say which cookies")
    assert en["categories"]["ads"] == {"title": "Targeting and Advertising",
                                       "description": "Ads that are relevant to you."}
    paths = _paths(r["notes"])
    for p in ("onFirstConsent", "onConsent", "onChange", "onModalReady",
              "categories.analytics.services.ga.onAccept",
              "language.translations.en.consentModal.footer",
              "language.translations.en.preferencesModal.sections[2].cookieTable",
              "language.translations.en.preferencesModal.sections[4]",
              "guiOptions.consentModal.equalWeightButtons", "guiOptions.preferencesModal"):
        assert p in paths, p
    assert [w["path"] for w in r["warnings"]] == ["$.consentMode.map"]


def test_google_consent_mode_example_with_constants_and_computed_keys():
    r = migrate(_fixture("google-consent-mode.js"), BUILTIN)
    assert r["errors"] == []
    cats = r["config"]["categories"]
    assert [c["id"] for c in cats] == ["necessary", "analytics", "advertisement",
                                       "functionality", "security"]
    assert [s["id"] for s in cats[2]["services"]] == ["ad_storage", "ad_user_data",
                                                      "ad_personalization"]
    texts = r["config"]["translations"]["en"]["categories"]
    assert texts["security"] == {"title": "Security", "description": "Sign-in protection."}
    msg = r["warnings"][0]["message"]
    assert "advertisement -> ad_storage, ad_user_data, ad_personalization" in msg
    assert "security -> security_storage" in msg


def test_json_configuration_reference_options():
    r = migrate(_fixture("config-reference.json"), BUILTIN)
    assert r["errors"] == []
    cfg = r["config"]
    assert cfg["revision"] == 3
    assert cfg["mode"] == {"default": "opt-out", "optInRegions": []}
    assert cfg["cookie"] == {"name": "site_consent", "domain": "example.com", "path": "/",
                             "sameSite": "Strict", "acceptDays": 365, "rejectDays": 365}
    assert cfg["ui"] == {"layout": "bar", "position": "top"}
    assert cfg["language"] == {"default": "en", "detect": ["browser"]}
    assert cfg["translations"]["en"]["banner"]["text"] == "Cookies & you"
    assert "de" not in cfg["translations"]
    assert cfg["categories"][1]["services"][0] == {"id": "ga", "label": "Google Analytics",
                                                   "cookies": ["_ga"]}
    assert cfg["categories"][1]["services"][1]["id"] == "new_service"
    paths = _paths(r["notes"])
    for p in ("autoShow", "cookie.useLocalStorage", "categories.analytics.enabled",
              "categories.analytics.autoClear.reloadPage", "language.rtl",
              "language.translations.de", "language.translations.en.consentModal.label"):
        assert p in paths, p


def test_names_that_are_not_ids_are_renamed_and_reported():
    out = convert({"categories": {"essential": {"readOnly": True},
                                  "Marketing Stuff": {"services": {"Google Ads": {}}}},
                   "language": {"default": "en"}})
    cats = out["config"]["categories"]
    assert [c["id"] for c in cats] == ["necessary", "marketing-stuff"]
    assert cats[1]["services"] == [{"id": "google-ads", "label": "Google Ads"}]
    messages = " ".join(n["message"] for n in out["notes"])
    assert "data-category=\"necessary\"" in messages
    assert "data-service='Google Ads' to data-service='google-ads'" in messages


def test_regex_cookie_names():
    out = convert({"categories": {"necessary": {"readOnly": True}, "analytics": {"autoClear": {
        "cookies": [{"name": Regex("^(_ga|_gid)", "")}, {"name": Regex("^_hj\\.x$", "")},
                    {"name": Regex("_ga$", "")}, {"name": Regex("^_pk", "i")},
                    {"name": Regex("^(?:_fbp|_fbc)$", "")}, {"name": Regex("^_ga.*", "")},
                    {"name": "_ga", "domain": ".example.com"}]}}}})
    assert out["config"]["categories"][1]["cookies"] == ["/^_ga/", "/^_gid/", "_hj.x", "_fbp",
                                                         "_fbc", "_ga"]
    paths = _paths(out["notes"])
    assert "categories.analytics.autoClear.cookies[2].name" in paths
    assert "categories.analytics.autoClear.cookies[3].name" in paths
    assert "categories.analytics.autoClear.cookies[5].name" in paths      # "." is not literal
    assert "categories.analytics.autoClear.cookies[6].domain" in paths


def test_missing_necessary_is_added_and_html_is_stripped():
    out = convert({"categories": {"analytics": {}}, "language": {"default": "en", "translations": {
        "en": {"consentModal": {"description": "Read <a href='/p'>our policy</a> &amp; more"}}}}})
    assert out["config"]["categories"][0] == {"id": "necessary", "basis": "necessary"}
    assert out["config"]["translations"]["en"]["banner"]["text"] == "Read our policy & more"


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6) |
                    st.builds(Unsupported, st.text(max_size=5)),
                    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(
                        st.sampled_from(["categories", "language", "translations", "en",
                                         "consentModal", "preferencesModal", "sections",
                                         "services", "autoClear", "cookies", "name", "readOnly",
                                         "guiOptions", "consentModal", "layout", "cookie",
                                         "linkedCategory", "x y", "expiresAfterDays", "revision",
                                         "mode", "autoDetect", "default", "position"]), kids, max_size=4),
                    max_leaves=25))
def test_converter_is_total(cc):
    out = convert(cc)
    json.dumps(out["config"])
    migrate(json.dumps(out["config"]), BUILTIN)


# ---------------------------------------------------------------- command

def test_command_writes_the_configuration_and_reports(tmp_path, capsys):
    out = tmp_path / "consentry.json"
    assert cli.main(["migrate", str(FIXTURES / "getting-started.js"), "-o", str(out)]) == 0
    cfg = json.loads(out.read_text(encoding="utf-8"))
    assert cfg["categories"][2]["id"] == "ads"
    err = capsys.readouterr().err
    assert "note    onConsent: callback not converted" in err
    assert "converted to a valid configuration; 16 part(s) not converted, 1 warning(s)" in err


def test_command_fails_clearly_on_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.js"
    bad.write_text("CookieConsent.run({categories: {")
    assert cli.main(["migrate", str(bad)]) == 1
    assert "bad.js: line 1, column 33: unterminated object" in capsys.readouterr().err
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"categories": {"necessary": {"readOnly": True}},
                                   "language": {"default": "de"}}))
    assert cli.main(["migrate", str(invalid)]) == 1
    err = capsys.readouterr().err
    assert "error   $.translations" in err and "INVALID" in err
    assert cli.main(["migrate", str(tmp_path / "missing.js")]) == 1
    assert "cannot read" in capsys.readouterr().err
