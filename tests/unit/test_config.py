"""Configuration validation, merge and load (contract section 3)."""
import copy

import pytest
from conftest import load_default_raw

from consentry.engine import config


def errors_of(raw):
    out = config.validate(raw)
    if out["errors"]:
        assert out["config"] is None
    return out["errors"]


def paths(issues):
    return [e["path"] for e in issues]


def with_(raw, path, value):
    """Copy of raw with raw[a][b]... = value (path is a list of keys/indices)."""
    raw = copy.deepcopy(raw)
    cur = raw
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    return raw


def without(raw, path):
    raw = copy.deepcopy(raw)
    cur = raw
    for k in path[:-1]:
        cur = cur[k]
    del cur[path[-1]]
    return raw


def test_default_config_is_valid_and_complete(raw):
    out = config.validate(raw)
    assert out["errors"] == [] and out["warnings"] == []
    cfg = out["config"]
    assert [c["id"] for c in cfg["categories"]] == [
        "necessary", "functionality", "analytics", "targeting", "site-analytics"]
    assert [c["basis"] for c in cfg["categories"]] == [
        "necessary", "legitimate-interest", "consent", "consent", "consent"]
    assert cfg["categories"][3]["saleOrShare"] is True
    assert sorted(cfg["translations"]) == ["en", "en-GB", "fr"]
    assert cfg["consentMode"]["map"]["security_storage"] == ["necessary"]
    assert cfg["ui"] == {"layout": "bar", "position": "bottom", "theme": "auto",
                         "closeAction": "reject", "noticeUrl": None}


def test_defaults_filled_for_a_minimal_config():
    raw = {"categories": [{"id": "necessary", "basis": "necessary"}, {"id": "stats"}],
           "translations": {"en": load_default_raw()["translations"]["en"]}}
    out = config.validate(raw)
    assert out["errors"] == []
    cfg = out["config"]
    assert cfg["revision"] == 1
    assert cfg["cookie"] == {"name": "consentry", "domain": None, "path": "/",
                             "sameSite": "Lax", "acceptDays": 182, "rejectDays": 182,
                             "partitioned": False}
    assert cfg["mode"]["default"] == "opt-in"
    assert cfg["gpc"] is True
    assert cfg["categories"][1] == {"id": "stats", "basis": "consent", "saleOrShare": False,
                                    "noticeUrl": None, "cookies": [], "services": []}
    assert set(cfg["consentMode"]["map"]) == set(config.SIGNALS)
    assert cfg["consentMode"]["map"]["ad_storage"] == []
    assert cfg["log"] == {"endpoint": None}
    # untranslated category: warning and the id as title
    assert cfg["translations"]["en"]["categories"]["stats"] == {"title": "stats",
                                                                "description": ""}
    assert "$.translations.en.categories.stats.title" in paths(out["warnings"])


@pytest.mark.parametrize("value", [None, [], "x", 3, True])
def test_top_level_must_be_an_object(value):
    errs = errors_of(value)
    assert paths(errs) == ["$"]


def test_unknown_keys_are_errors_with_suggestions(raw):
    raw["categores"] = []
    raw["cookie"]["sameSte"] = "Lax"
    errs = errors_of(raw)
    msgs = {e["path"]: e["message"] for e in errs}
    assert "Did you mean 'categories'?" in msgs["$.categores"]
    assert "Did you mean 'sameSite'?" in msgs["$.cookie.sameSte"]


def test_unknown_key_without_close_match_has_no_suggestion(raw):
    raw["zzzzzzzz"] = 1
    errs = errors_of(raw)
    assert errs[0]["path"] == "$.zzzzzzzz" and "Did you mean" not in errs[0]["message"]


def test_errors_are_collected_not_raised_one_at_a_time(raw):
    raw["revision"] = "3"
    raw["cookie"]["acceptDays"] = "365"
    raw["categories"] = {"necessary": {}}
    errs = errors_of(raw)
    assert {"$.revision", "$.cookie.acceptDays", "$.categories"} <= set(paths(errs))


def test_weird_keys_get_a_safe_path(raw):
    raw[5] = 1
    raw["a\nb"] = 1
    errs = errors_of(raw)
    assert "$" in paths(errs)
    assert '$["a?b"]' in paths(errs)


@pytest.mark.parametrize("key", ["onAccept", "onConsent", "callback"])
def test_callbacks_given_as_strings_are_rejected(raw, key):
    raw[key] = "alert(1)"
    raw["categories"][2]["services"][0][key] = "alert(1)"
    errs = errors_of(raw)
    assert len(errs) == 2
    assert all("Callbacks cannot be given" in e["message"] for e in errs)


@pytest.mark.parametrize("bad", ["Analytics", "1abc", "", "a" * 41, "a b", "a.b", "a/b", "a;b",
                                 "__proto__", 3, None, "é"])
def test_category_ids_are_restricted(raw, bad):
    raw["categories"][2]["id"] = bad
    assert "$.categories[2].id" in paths(errors_of(raw))


def test_category_id_forty_chars_is_fine(raw):
    raw["categories"][4]["id"] = "s" + "x-_9" * 9 + "abc"
    assert len(raw["categories"][4]["id"]) == 40
    raw["translations"] = {k: without(v, ["categories", "site-analytics"])
                           for k, v in raw["translations"].items()}
    assert errors_of(raw) == []


def test_duplicate_category_ids(raw):
    raw["categories"].append({"id": "analytics", "basis": "consent"})
    errs = errors_of(raw)
    assert paths(errs) == ["$.categories[5].id"] and "twice" in errs[0]["message"]


def test_duplicate_service_ids_across_categories(raw):
    raw["categories"][3]["services"] = [{"id": "ga"}]
    assert paths(errors_of(raw)) == ["$.categories[3].services[0].id"]


def test_bad_service_id(raw):
    raw["categories"][2]["services"][0]["id"] = "GA"
    assert paths(errors_of(raw)) == ["$.categories[2].services[0].id"]


def test_exactly_one_necessary_category(raw):
    r1 = copy.deepcopy(raw)
    del r1["categories"][0]
    r1["translations"] = {k: without(v, ["categories", "necessary"])
                          for k, v in r1["translations"].items()}
    r1["consentMode"]["map"]["security_storage"] = []
    assert paths(errors_of(r1)) == ["$.categories"]
    r2 = with_(raw, ["categories", 1, "basis"], "necessary")
    assert paths(errors_of(r2)) == ["$.categories[1].basis"]
    r3 = with_(raw, ["categories", 0, "basis"], "consent")
    assert paths(errors_of(r3)) == ["$.categories[0].basis"]
    r4 = with_(raw, ["categories", 0, "saleOrShare"], True)
    assert paths(errors_of(r4)) == ["$.categories[0].saleOrShare"]


def test_basis_must_be_known(raw):
    raw["categories"][2]["basis"] = "consnet"
    errs = errors_of(raw)
    assert paths(errs) == ["$.categories[2].basis"]
    assert "Did you mean 'consent'?" in errs[0]["message"]


def test_missing_categories(raw):
    del raw["categories"]
    assert "$" in paths(errors_of(raw))


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", "\tjavascript:alert(1)", " javascript:x",
    "java\nscript:alert(1)", "javascript\x00:alert(1)", "data:text/html,<b>x</b>",
    "vbscript:msgbox", "//evil.test", "/\\evil.test", "\\\\evil.test", "https://", "http:///x",
    "ftp://example.com", "privacy.html", "", 3, "https://exa mple.com", "\u2028/x",
    "https:evil.test",
])
def test_bad_urls_are_rejected(raw, url):
    raw["ui"]["noticeUrl"] = url
    assert paths(errors_of(raw)) == ["$.ui.noticeUrl"]


@pytest.mark.parametrize("url", ["https://example.com/privacy", "http://example.com",
                                 "/privacy#cookies", "HTTPS://EXAMPLE.COM/x?y=1", None])
def test_good_urls_are_accepted(raw, url):
    raw["ui"]["noticeUrl"] = url
    raw["categories"][2]["services"][0]["noticeUrl"] = url
    raw["categories"][2]["noticeUrl"] = url
    out = config.validate(raw)
    assert out["errors"] == []
    assert out["config"]["ui"]["noticeUrl"] == url


@pytest.mark.parametrize("name", ["a;b", "a=b", "a b", "a,b", "a\r\nb", "", "x" * 65, 3, None,
                                  "é", "a\x00"])
def test_cookie_name_smuggling_is_rejected(raw, name):
    raw["cookie"]["name"] = name
    assert paths(errors_of(raw)) == ["$.cookie.name"]


@pytest.mark.parametrize("domain", ["example.com;x", "a b.com", "ex,ample.com", "exa\nmple.com",
                                    "example.com:8080", "..", ".", "-a.com", 3, ""])
def test_cookie_domain_smuggling_is_rejected(raw, domain):
    raw["cookie"]["domain"] = domain
    assert paths(errors_of(raw)) == ["$.cookie.domain"]


def test_cookie_domain_is_normalised(raw):
    raw["cookie"]["domain"] = ".Example.COM"
    assert config.validate(raw)["config"]["cookie"]["domain"] == ".example.com"


@pytest.mark.parametrize("path", ["nope", "/a;b", "/a b", "/a,b", "/a\r\n", "", "/é", 1])
def test_cookie_path_smuggling_is_rejected(raw, path):
    raw["cookie"]["path"] = path
    assert paths(errors_of(raw)) == ["$.cookie.path"]


@pytest.mark.parametrize("value,expected", [("Lax", "Lax"), ("strict", "Strict"),
                                            ("NONE", "None")])
def test_same_site_values(raw, value, expected):
    raw["cookie"]["sameSite"] = value
    assert config.validate(raw)["config"]["cookie"]["sameSite"] == expected


@pytest.mark.parametrize("value", ["Lax; Secure", "", None, 1])
def test_same_site_bad_values(raw, value):
    raw["cookie"]["sameSite"] = value
    assert paths(errors_of(raw)) == ["$.cookie.sameSite"]


def test_lifetime_is_clamped_with_a_warning(raw):
    raw["cookie"]["acceptDays"] = 730
    out = config.validate(raw)
    assert out["errors"] == []
    assert out["config"]["cookie"]["acceptDays"] == 395
    assert paths(out["warnings"]) == ["$.cookie.acceptDays"]


@pytest.mark.parametrize("days", [0, -1, "365", True, 1.5, float("nan"), float("inf"), None])
def test_lifetime_must_be_positive_whole_days(raw, days):
    raw["cookie"]["rejectDays"] = days
    assert paths(errors_of(raw)) == ["$.cookie.rejectDays"]


def test_integral_float_from_js_is_an_int(raw):
    raw["cookie"]["rejectDays"] = 30.0
    raw["revision"] = 3.0
    cfg = config.validate(raw)["config"]
    assert cfg["cookie"]["rejectDays"] == 30 and type(cfg["revision"]) is int


@pytest.mark.parametrize("rev", [True, -1, "1", 1.5, 2 ** 40])
def test_revision_must_be_a_small_whole_number(raw, rev):
    raw["revision"] = rev
    assert paths(errors_of(raw)) == ["$.revision"]


def test_host_prefix_rules(raw):
    raw["cookie"]["name"] = "__Host-consentry"
    raw["cookie"]["domain"] = "example.com"
    assert paths(errors_of(raw)) == ["$.cookie.name"]


def test_partitioned_needs_same_site_none(raw):
    raw["cookie"]["partitioned"] = True
    assert paths(errors_of(raw)) == ["$.cookie.partitioned"]
    raw["cookie"]["sameSite"] = "None"
    out = config.validate(raw)
    assert out["errors"] == [] and "$.cookie.sameSite" in paths(out["warnings"])


def test_consent_mode_map_only_known_signals_and_categories(raw):
    raw["consentMode"]["map"]["ad_storag"] = ["targeting"]
    raw["consentMode"]["map"]["analytics_storage"] = ["analytics", "stats", 3]
    errs = errors_of(raw)
    assert set(paths(errs)) == {"$.consentMode.map.ad_storag",
                                "$.consentMode.map.analytics_storage[1]",
                                "$.consentMode.map.analytics_storage[2]"}
    assert "Did you mean 'ad_storage'?" in [e for e in errs
                                            if e["path"].endswith("ad_storag")][0]["message"]


def test_consent_mode_map_value_must_be_a_list(raw):
    raw["consentMode"]["map"]["ad_storage"] = "targeting"
    assert paths(errors_of(raw)) == ["$.consentMode.map.ad_storage"]


def test_regions(raw):
    raw["mode"]["optInRegions"] = ["eea", "gb", "ch", "us-ca"]
    raw["mode"]["optOutRegions"] = ["us"]
    cfg = config.validate(raw)["config"]
    assert cfg["mode"]["optInRegions"] == ["EEA", "GB", "CH", "US-CA"]
    raw["mode"]["optOutRegions"] = ["US", "GB"]
    assert paths(errors_of(raw)) == ["$.mode.optOutRegions"]
    raw["mode"]["optOutRegions"] = ["USA", "<b>"]
    assert paths(errors_of(raw)) == ["$.mode.optOutRegions[0]", "$.mode.optOutRegions[1]"]


@pytest.mark.parametrize("key,value", [("default", "opt_in"), ("detect", ["ip"]),
                                       ("detect", "attribute"), ("bannerInOptOut", "yes")])
def test_mode_values(raw, key, value):
    raw["mode"][key] = value
    assert paths(errors_of(raw))[0].startswith("$.mode." + key)


@pytest.mark.parametrize("key,value", [("layout", "popup"), ("theme", "blue"),
                                       ("closeAction", "accept"),
                                       ("position", "middle"), ("noticeUrl", "javascript:x")])
def test_ui_values(raw, key, value):
    raw["ui"][key] = value
    assert paths(errors_of(raw)) == ["$.ui." + key]


@pytest.mark.parametrize("layout,position,expected,warned", [
    ("bar", "top", "top", False), ("bar", "bottom-left", "bottom", True),
    ("box", "top-left", "top-left", False), ("box", "bottom", "bottom-right", True),
    ("modal", "center", "center", False), ("bar", "center", "bottom", True),
])
def test_ui_position_is_lenient_but_validated(raw, layout, position, expected, warned):
    raw["ui"]["layout"] = layout
    raw["ui"]["position"] = position
    out = config.validate(raw)
    assert out["errors"] == []
    assert out["config"]["ui"]["position"] == expected
    assert (paths(out["warnings"]) == ["$.ui.position"]) == warned


def test_ui_default_position_follows_layout(raw):
    del raw["ui"]["position"]
    raw["ui"]["layout"] = "modal"
    assert config.validate(raw)["config"]["ui"]["position"] == "center"


@pytest.mark.parametrize("endpoint", ["https://example.com/log", "//evil/log", "log",
                                      "javascript:x", 5])
def test_log_endpoint_same_origin_only(raw, endpoint):
    raw["log"]["endpoint"] = endpoint
    assert paths(errors_of(raw)) == ["$.log.endpoint"]


def test_log_endpoint_path_ok(raw):
    raw["log"]["endpoint"] = "/consent-log"
    assert config.validate(raw)["config"]["log"]["endpoint"] == "/consent-log"


def test_size_caps_are_errors_not_hangs(raw):
    raw["categories"] = raw["categories"] + [{"id": "c%d" % i} for i in range(300)]
    errs = errors_of(raw)
    assert paths(errs)[0] == "$.categories" and "too many" in errs[0]["message"]
    raw = load_default_raw()
    raw["categories"][2]["services"] = [{"id": "s%d" % i} for i in range(1001)]
    assert paths(errors_of(raw)) == ["$.categories[2].services"]
    raw = load_default_raw()
    raw["translations"]["en"]["banner"]["text"] = "x" * 2001
    errs = errors_of(raw)
    assert paths(errs) == ["$.translations.en.banner.text"] and "too long" in errs[0]["message"]


def test_many_services_total_cap(raw):
    for k in range(2, 5):
        raw["categories"][k]["services"] = [{"id": "s%d_%d" % (k, i)} for i in range(400)]
    errs = errors_of(raw)
    assert "$.categories[4].services" in paths(errs)


def test_error_list_is_capped(raw):
    for i in range(500):
        raw["unknown%d" % i] = i
    errs = errors_of(raw)
    assert len(errs) == config.MAX_ISSUES + 1
    assert "more problems" in errs[-1]["message"]


def test_cookie_entries(raw):
    raw["categories"][2]["services"][0]["cookies"] = [
        "_ga", "/^_ga_/", {"name": "_gid", "purpose": "Counts", "duration": {"en": "1 day"}}]
    cfg = config.validate(raw)["config"]
    cookies = cfg["categories"][2]["services"][0]["cookies"]
    assert cookies[1] == {"name": "_ga_", "prefix": True, "purpose": {}, "duration": {}}
    assert cookies[2]["purpose"] == {"*": "Counts"}
    assert config.cookie_matches(cookies[1], "_ga_ABC") is True
    assert config.cookie_matches(cookies[1], "_gax") is False
    assert config.cookie_matches(cookies[0], "_ga") is True
    assert config.cookie_matches(cookies[0], "_ga_X") is False
    assert config.cookie_matches(None, "_ga") is False


@pytest.mark.parametrize("entry", ["/_ga.*/", "/^(a+)+$/", "a;b", "", 3, {"purpose": "x"},
                                   "/^/"])
def test_bad_cookie_entries(raw, entry):
    raw["categories"][2]["services"][0]["cookies"] = [entry]
    assert paths(errors_of(raw))[0].startswith("$.categories[2].services[0].cookies[0]")


def test_translations_unknown_keys_warn_non_strings_error(raw):
    raw["translations"]["fr"]["banner"]["acceptAl"] = "x"
    raw["translations"]["fr"]["extra"] = {}
    raw["translations"]["fr"]["categories"]["nope"] = {"title": "x"}
    out = config.validate(raw)
    assert out["errors"] == []
    assert set(paths(out["warnings"])) == {"$.translations.fr.banner.acceptAl",
                                           "$.translations.fr.extra",
                                           "$.translations.fr.categories.nope"}
    assert "acceptAl" not in out["config"]["translations"]["fr"]["banner"]
    raw["translations"]["fr"]["banner"]["title"] = 3
    raw["translations"]["fr"]["panel"] = "x"
    assert set(paths(errors_of(raw))) == {"$.translations.fr.banner.title",
                                          "$.translations.fr.panel"}


def test_buttons_are_never_blank(raw):
    raw["translations"]["fr"]["banner"]["acceptAll"] = "  "
    assert paths(errors_of(raw)) == ["$.translations.fr.banner.acceptAll"]


def test_other_languages_are_filled_from_the_default(raw):
    raw["translations"]["de"] = {"banner": {"acceptAll": "Alle akzeptieren"}}
    cfg = config.validate(raw)["config"]
    de = cfg["translations"]["de"]
    assert de["banner"]["acceptAll"] == "Alle akzeptieren"
    assert de["banner"]["rejectAll"] == "Reject all"
    assert de["categories"]["analytics"]["title"] == "Analytics and performance"


def test_default_language_must_exist_and_be_complete(raw):
    raw["language"]["default"] = "de"
    errs = errors_of(raw)
    assert paths(errs) == ["$.translations"]
    raw = load_default_raw()
    del raw["translations"]["en"]["panel"]["save"]
    assert paths(errors_of(raw)) == ["$.translations.en.panel.save"]


@pytest.mark.parametrize("code,ok", [("de", True), ("en-US", True), ("pt", True),
                                     ("zh-Hant-TW", True), ("gsw", True), ("e", False),
                                     ("english", False), ("en_GB", False), ("en-", False),
                                     ("en-G", False), ("1a", False)])
def test_translation_language_codes(raw, code, ok):
    raw["translations"][code] = {"banner": {"title": "T"}}
    assert (errors_of(raw) == []) == ok


def test_language_codes_are_canonicalised(raw):
    raw["translations"]["EN-gb"] = raw["translations"].pop("en-GB")
    raw["language"]["default"] = "EN"
    cfg = config.validate(raw)["config"]
    assert "en-GB" in cfg["translations"] and cfg["language"]["default"] == "en"
    raw["translations"]["en-gb"] = {}
    assert "twice" in errors_of(raw)[0]["message"]


def test_merge_dicts_recursively_lists_replaced(raw):
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    over = {"a": {"c": [3]}, "e": 2}
    assert config.merge(base, over) == {"a": {"b": 1, "c": [3]}, "d": 1, "e": 2}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}  # not modified
    merged = config.merge(raw, {"translations": {"fr": {"banner": {"acceptAll": "Oui"}}}})
    assert merged["translations"]["fr"]["banner"]["acceptAll"] == "Oui"
    assert merged["translations"]["fr"]["banner"]["rejectAll"] == "Tout refuser"
    assert raw["translations"]["fr"]["banner"]["acceptAll"] == "Tout accepter"
    assert config.merge(raw, None) is None
    assert config.merge(raw, [1]) == [1]


def test_merge_of_deep_override_does_not_recurse():
    deep = {}
    cur = deep
    for _ in range(5000):
        cur["a"] = {}
        cur = cur["a"]
    base = deep
    out = config.merge(base, deep)
    assert "a" in out


def test_load_override_ok(raw):
    out = config.load(raw, {"revision": 3, "ui": {"layout": "box"}})
    assert out["override_errors"] == []
    assert out["config"]["revision"] == 3 and out["config"]["ui"]["layout"] == "box"
    # the built-in bar position "bottom" does not fit a box: the box's own bottom corner, warned
    assert out["config"]["ui"]["position"] == "bottom-right"
    assert paths(out["warnings"]) == ["$.ui.position"]


def test_load_override_invalid_ignores_the_whole_override(raw):
    out = config.load(raw, {"revision": 3, "ui": {"noticeUrl": "javascript:alert(1)"}})
    assert out["config"]["revision"] == 1
    assert out["config"]["ui"]["noticeUrl"] is None
    assert paths(out["override_errors"]) == ["$.ui.noticeUrl"]


@pytest.mark.parametrize("override", [[], "x", 3, True])
def test_load_override_not_an_object(raw, override):
    out = config.load(raw, override)
    assert out["config"] is not None and paths(out["override_errors"]) == ["$"]


def test_load_without_override(raw):
    out = config.load(raw, None)
    assert out["config"] is not None and out["override_errors"] == []


def test_load_bad_builtin_fails_closed():
    out = config.load({"x": 1}, {"revision": 2})
    assert out["config"] is None and out["errors"]


@pytest.mark.parametrize("text,ok", [("a\nb\tc", True), ("a\x00b", False), ("a\x1bb", False),
                                     ("a\rb", False), ("a\x7fb", False), ("« ok »", True)])
def test_texts_reject_control_characters(raw, text, ok):
    raw["translations"]["fr"]["banner"]["text"] = text
    assert (errors_of(raw) == []) == ok


def test_load_validates_once_when_the_override_is_valid(raw, monkeypatch):
    calls = []
    real = config.validate
    monkeypatch.setattr(config, "validate", lambda r: calls.append(1) or real(r))
    config.load(raw, {"revision": 2})
    assert len(calls) == 1
    config.load(raw, {"revision": "x"})
    assert len(calls) == 3


def test_load_with_a_prevalidated_builtin_skips_validation(raw, monkeypatch):
    normalized = config.validate(raw)["config"]
    calls = []
    real = config.validate
    monkeypatch.setattr(config, "validate", lambda r: calls.append(1) or real(r))
    out = config.load(raw, None, normalized)
    assert calls == [] and out["config"] is normalized and out["override_errors"] == []
    out = config.load(raw, {"ui": {"theme": "pink"}}, normalized)
    assert calls == [1] and out["config"] is normalized
    assert [e["path"] for e in out["override_errors"]] == ["$.ui.theme"]
    out = config.load(raw, {"ui": {"theme": "dark"}}, normalized)
    assert out["config"]["ui"]["theme"] == "dark"
