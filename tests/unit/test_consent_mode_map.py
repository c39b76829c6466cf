"""A site that brings its own categories: the derived Consent Mode map and the dropped texts
(engine.consent_mode_map, engine.site_categories and their hook in config.load / the build)."""

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from consentry import server
from consentry.engine import config
from consentry.engine.consent_mode_map import derive, signals_for
from consentry.engine.site_categories import rebase
from consentry_build import config_input

BUILTIN = json.loads(open(config_input.default_config_path(), encoding="utf-8").read())
ADS = ["ad_storage", "ad_user_data", "ad_personalization"]
THREE = [{"id": "necessary", "basis": "necessary"}, {"id": "analytics"}, {"id": "ads"}]


def test_rule_by_words_of_the_id():
    assert signals_for("necessary") == ["security_storage"]
    assert signals_for("analytics") == ["analytics_storage"]
    assert signals_for("site-analytics") == ["analytics_storage"]
    assert signals_for("performance") == ["analytics_storage"]
    for cid in ("ads", "google_ads", "marketing", "targeting", "advertisement"):
        assert signals_for(cid) == ADS, cid
    assert signals_for("functionality") == ["functionality_storage", "personalization_storage"]
    assert signals_for("ads-analytics") == ADS + ["analytics_storage"]
    # words, not substrings: "adsense" and "badge" name no purpose
    assert signals_for("adsense") == [] and signals_for("badge") == []


def test_derive_lists_guesses_and_unmapped_and_skips_junk():
    d = derive(THREE + [{"id": "video"}, "junk", {"id": 3}, {"id": "ads"}])
    assert d["map"]["ad_storage"] == ["ads"] and d["map"]["security_storage"] == ["necessary"]
    assert d["map"]["functionality_storage"] == []
    assert d["guessed"] == [["necessary", ["security_storage"]], ["analytics", ["analytics_storage"]],
                            ["ads", ADS]]
    assert d["unmapped"] == ["video"]
    assert derive(None)["map"]["analytics_storage"] == []


def test_page_override_with_three_categories_applies_with_one_warning():
    r = config.load(BUILTIN, {"categories": THREE,
                              "translations": {"en": {"categories": {"ads": {"title": "Ads"}}}}})
    assert r["override_errors"] == []
    cfg = r["config"]
    assert [c["id"] for c in cfg["categories"]] == ["necessary", "analytics", "ads"]
    assert cfg["consentMode"]["map"]["ad_user_data"] == ["ads"]
    assert cfg["consentMode"]["map"]["functionality_storage"] == []
    assert len(r["warnings"]) == 1, r["warnings"]
    msg = r["warnings"][0]["message"]
    assert r["warnings"][0]["path"] == "$.consentMode.map"
    assert "ads -> ad_storage, ad_user_data, ad_personalization" in msg
    assert "Dropped from the built-in map: targeting, functionality." in msg
    # the built-in texts of the kept categories still apply, in every language
    for lang in ("en", "en-GB", "fr"):
        assert set(cfg["translations"][lang]["categories"]) == {"necessary", "analytics", "ads"}
    assert cfg["translations"]["fr"]["categories"]["analytics"]["title"] == \
        BUILTIN["translations"]["fr"]["categories"]["analytics"]["title"]


def test_explicit_map_is_kept_and_unknown_category_in_it_is_still_an_error():
    good = {"categories": THREE, "consentMode": {"map": {"analytics_storage": ["analytics"]}}}
    r = config.load(BUILTIN, good)
    assert r["override_errors"] == []
    assert r["config"]["consentMode"]["map"]["ad_storage"] == []
    assert not any(w["path"] == "$.consentMode.map" for w in r["warnings"])
    bad = {"categories": THREE, "consentMode": {"map": {"ad_storage": ["targeting"]}}}
    r = config.load(BUILTIN, bad)
    assert [e["path"] for e in r["override_errors"]] == ["$.consentMode.map.ad_storage[0]"]


def test_site_texts_for_unknown_categories_still_warn():
    over = {"categories": THREE,
            "translations": {"en": {"categories": {"targeting": {"title": "Ads"}}}}}
    paths = [w["path"] for w in config.load(BUILTIN, over)["warnings"]]
    assert "$.translations.en.categories.targeting" in paths


def test_override_without_categories_changes_nothing():
    assert rebase(BUILTIN, {"revision": 2}) == {"base": BUILTIN, "warnings": []}
    r = config.load(BUILTIN, {"revision": 2})
    assert r["warnings"] == [] and r["config"]["consentMode"]["map"]["ad_storage"] == ["targeting"]


def test_build_validate_and_server_use_the_same_rule(tmp_path):
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"categories": THREE}))
    result = config_input.validate_file(str(site))
    assert result["errors"] == [] and result["warnings"][0]["path"] == "$.consentMode.map"
    embedded = config_input.load_site_config(str(site))
    assert embedded["config"]["consentMode"]["map"]["ad_storage"] == ["ads"]
    assert "targeting" not in embedded["raw"]["translations"]["fr"]["categories"]
    assert server.load_config({"categories": THREE})["consentMode"]["map"]["ad_storage"] == ["ads"]


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda kids: st.lists(kids, max_size=4) |
                    st.dictionaries(st.sampled_from(["id", "categories", "consentMode", "map",
                                                     "translations", "en"]), kids, max_size=4),
                    max_leaves=20))
def test_rebase_is_total_and_leaves_its_inputs_alone(override):
    base = copy.deepcopy(BUILTIN)
    out = rebase(base, override)
    assert base == BUILTIN
    config.validate(config.merge(out["base"], override))
    if isinstance(override, dict) and isinstance(override.get("categories"), list):
        derive(override["categories"])
