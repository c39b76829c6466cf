"""Region/mode resolution and languages."""

import pytest
from conftest import load_default_raw

from consentry.engine import config, i18n, region


def cfg_with(**mode):
    raw = load_default_raw()
    raw["mode"].update(mode)
    return config.validate(raw)["config"]


@pytest.mark.parametrize("code", config.EEA)
def test_every_eea_country_is_opt_in(cfg, code):
    assert region.resolve(cfg, code)["mode"] == "opt-in"


@pytest.mark.parametrize("hint,mode", [("GB", "opt-in"), ("CH", "opt-in"), ("US", "opt-out"),
                                       ("US-CA", "opt-out"), ("us-ny", "opt-out"),
                                       ("EEA", "opt-in"), ("JP", "opt-in"), ("", "opt-in"),
                                       ("U", "opt-in"), ("USA", "opt-in"), (None, "opt-in"),
                                       (3, "opt-in"), ("FR\u0000", "opt-in")])
def test_hints(cfg, hint, mode):
    assert region.resolve(cfg, hint)["mode"] == mode


def test_unreadable_config_means_strict():
    assert region.resolve(None, "US") == {"mode": "opt-in", "region": None,
                                          "source": "default"}
    assert region.resolve({"mode": {"detect": ["attribute"]}}, "US")["mode"] == "opt-in"


def test_ch_and_gb_follow_the_config():
    cfg = cfg_with(optInRegions=["EEA"], optOutRegions=["US", "GB"])
    assert region.resolve(cfg, "GB")["mode"] == "opt-out"
    assert region.resolve(cfg, "CH")["mode"] == "opt-in"  # unlisted -> mode.default
    cfg = cfg_with(optInRegions=["EEA"], default="opt-out")
    assert region.resolve(cfg, "CH")["mode"] == "opt-out"
    assert region.resolve(cfg, "DE")["mode"] == "opt-in"


@pytest.mark.parametrize("tz,code", [("Europe/Paris", "FR"), ("Europe/London", "GB"),
                                     ("Europe/Zurich", "CH"), ("America/New_York", "US"),
                                     ("US/Pacific", "US"), ("Canada/Eastern", "CA"),
                                     ("Atlantic/Canary", "ES"), ("Asia/Tokyo", None),
                                     ("", None), (None, None), ("x" * 100, None)])
def test_timezone_table(tz, code):
    assert region.timezone_region(tz) == code


@pytest.mark.parametrize("hint", ["FR", "us-ca", " GB ", "EEA", "", "U", "USA", None, 3, "FR\u0000"])
@pytest.mark.parametrize("detect", [["attribute", "timezone"], ["timezone", "attribute"],
                                    ["attribute"], ["timezone"], []])
def test_needs_timezone_says_exactly_when_resolve_reads_the_time_zone(hint, detect):
    cfg = cfg_with(detect=detect)
    answers = {json_key(region.resolve(cfg, hint, tz))
               for tz in [None, "Europe/Paris", "America/Chicago", "Asia/Tokyo"]}
    assert region.needs_timezone(cfg, hint) == (len(answers) > 1)


def json_key(value):
    return repr(sorted(value.items()))


def test_needs_timezone_is_total():
    assert region.needs_timezone(None, "FR") is False
    assert region.needs_timezone({"mode": {"detect": "timezone"}}, None) is False


def test_timezone_only_when_enabled(cfg):
    assert region.resolve(cfg, None, "America/Chicago")["mode"] == "opt-out"
    off = cfg_with(detect=["attribute"])
    assert region.resolve(off, None, "America/Chicago") == {"mode": "opt-in", "region": None,
                                                            "source": "default"}


@pytest.mark.parametrize("doc,browser,expected", [
    ("en-US", [], "en"), ("en-GB", [], "en-GB"), ("en-gb", [], "en-GB"), ("EN", [], "en"),
    ("fr-CA", [], "fr"), ("de", ["fr-FR", "en"], "fr"), (None, "fr", "fr"),
    ("de", ["es"], "en"), ("", None, "en"), (3, [None, 4, "en-GB"], "en-GB"),
    ("en-AU", [], "en"), ("x" * 10000, ["y" * 10000], "en"), ("\ud800", [], "en"),
])
def test_pick_language(cfg, doc, browser, expected):
    assert i18n.pick_language(cfg, doc, browser) == expected


def test_pick_language_sibling_variant():
    raw = load_default_raw()
    raw["translations"]["pt-BR"] = {"banner": {"acceptAll": "Aceitar tudo"}}
    cfg = config.validate(raw)["config"]
    assert i18n.pick_language(cfg, "pt-PT", []) == "pt-BR"
    assert i18n.pick_language(cfg, "pt", []) == "pt-BR"


def test_pick_language_respects_detect_order():
    raw = load_default_raw()
    raw["language"]["detect"] = ["browser"]
    cfg = config.validate(raw)["config"]
    assert i18n.pick_language(cfg, "fr", ["en-GB"]) == "en-GB"
    raw["language"]["detect"] = []
    cfg = config.validate(raw)["config"]
    assert i18n.pick_language(cfg, "fr", ["fr"]) == "en"


def test_texts_are_complete_copies(cfg):
    for code in ("en", "en-GB", "fr", "nope", None):
        t = i18n.texts(cfg, code)
        for sec, keys in config.TEXT_KEYS.items():
            for k in keys:
                assert isinstance(t[sec][k], str) and t[sec][k].strip(), (code, sec, k)
        for c in cfg["categories"]:
            assert t["categories"][c["id"]]["title"].strip()
    t = i18n.texts(cfg, "fr")
    t["banner"]["acceptAll"] = "changed"
    t["categories"]["analytics"]["title"] = "changed"
    assert i18n.texts(cfg, "fr")["banner"]["acceptAll"] == "Tout accepter"
    assert i18n.texts(cfg, "fr")["categories"]["analytics"]["title"] != "changed"


def test_default_texts_spelling(cfg):
    us = i18n.texts(cfg, "en")
    uk = i18n.texts(cfg, "en-GB")
    assert uk["banner"]["customise"] == "Customise cookies"
    assert "personalised" in uk["categories"]["targeting"]["description"]
    assert "ise" not in us["banner"]["customise"]
    for t in (us, uk, i18n.texts(cfg, "fr")):
        assert "{category}" in t["placeholder"]["text"]
        assert "{category}" in t["placeholder"]["alwaysAllow"]


@pytest.mark.parametrize("code,rtl", [("ar", True), ("he-IL", True), ("fa", True),
                                      ("en", False), ("fr", False), ("uz-Arab", True),
                                      (None, False), ("", False)])
def test_is_rtl(code, rtl):
    assert i18n.is_rtl(code) is rtl


def test_localize_and_fill():
    v = {"en": "E", "fr": "F", "*": "A"}
    assert i18n.localize(v, "fr-CA", "en") == "F"
    assert i18n.localize(v, "de", "en") == "E"
    assert i18n.localize({"*": "A"}, "de", "en") == "A"
    assert i18n.localize(None, "de", "en") == ""
    assert i18n.fill("Allow {category} {x} {", {"category": "Analytics"}) == \
        "Allow Analytics {x} {"
    assert i18n.fill(None, {}) == ""
