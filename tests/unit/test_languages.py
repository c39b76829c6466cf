"""The built-in language packs (sdk/consentry/data/i18n/<code>.json), the per-field texts of the
built-in cookies and services (default-config.json), and the build option that chooses which
built-in texts a bundle embeds (with the bytes saved in manifest.json)."""
import json
import re

import pytest

from consentry.engine import config, i18n
from consentry_build import bundle
from consentry_build.config_input import (
    available_languages,
    builtin_raw,
    default_config_path,
    languages_report,
    load_site_config,
    per_field_texts,
)
from consentry_build.errors import BuildError

PACKS = [c for c in available_languages() if c not in ("en", "en-GB", "fr")]
ALL = builtin_raw("all")
EN = ALL["translations"]["en"]


def _texts(translation):
    for sec, keys in translation.items():
        for key, value in keys.items():
            if isinstance(value, dict):
                for k, v in value.items():
                    yield (sec, key, k), v
            else:
                yield (sec, key), value


@pytest.mark.parametrize("lang", PACKS)
def test_a_pack_gives_every_text_of_the_english_one_and_only_those(lang):
    pack = ALL["translations"][lang]
    assert sorted(k for k, _ in _texts(pack)) == sorted(k for k, _ in _texts(EN))


@pytest.mark.parametrize("lang", PACKS)
def test_a_pack_keeps_the_placeholders_and_is_translated(lang):
    en = dict(_texts(EN))
    for key, text in _texts(ALL["translations"][lang]):
        assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", en[key]), key
        assert text.strip() == text and text != "", key
        if len(en[key]) > 20:
            assert text != en[key], ("untranslated", key)


def _shipped_fields():
    with open(default_config_path(), encoding="utf-8") as f:
        return list(per_field_texts(config.ROOT, json.load(f)))


def test_the_per_field_texts_are_found():
    """The walk the tests below and the build's language filter rely on finds the built-in
    cookie's purpose and duration and the example service's description."""
    english = sorted(field["en"] for field in _shipped_fields())
    assert english == ["6 months", "Counts visits and shows which pages are read most.",
                       "Remembers your cookie choices."]


def test_every_per_field_text_is_in_every_shipped_language_and_only_those():
    for field in _shipped_fields():
        assert sorted(field) == sorted(available_languages()), field["en"]


@pytest.mark.parametrize("lang", PACKS)
def test_a_per_field_text_is_translated(lang):
    for field in _shipped_fields():
        text = field[lang]
        assert text.strip() == text and text != "", (lang, field["en"])
        if len(field["en"]) > 20:
            assert text != field["en"], ("untranslated", lang, field["en"])


def test_the_build_keeps_the_per_field_texts_of_the_embedded_languages_only():
    def langs(raw):
        return [sorted(field) for field in per_field_texts(config.ROOT, raw)]

    assert langs(builtin_raw()) == [["en", "en-GB", "fr"]] * 3
    assert langs(builtin_raw(["en", "de"])) == [["de", "en"]] * 3
    assert langs(builtin_raw("all")) == [sorted(available_languages())] * 3


def test_a_page_in_a_pack_language_shows_the_cookie_and_service_texts_in_it():
    cfg = load_site_config(None, ["en", "de"])["config"]
    cookie = cfg["categories"][0]["cookies"][0]
    service = cfg["categories"][2]["services"][0]
    assert i18n.localize(cookie["purpose"], "de-AT", "en") == "Speichert Ihre Auswahl zu Cookies."
    assert i18n.localize(cookie["duration"], "de", "en") == "6 Monate"
    assert i18n.localize(service["description"], "de", "en").startswith("Zählt Besuche")


def test_every_language_validates_without_a_warning():
    out = config.validate(ALL)
    assert out["errors"] == [] and out["warnings"] == []
    assert sorted(out["config"]["translations"]) == sorted(available_languages())


def test_the_default_build_embeds_what_it_always_did_and_reports_the_bytes_it_saves():
    cfg = load_site_config(None)
    report = languages_report(None, cfg, bundle.sizes)
    assert report["included"] == ["en", "en-GB", "fr"]
    assert set(PACKS) <= set(report["available"])
    assert report["savedBytes"]["gzip"] > 1000 and report["savedBytes"]["brotli"] > 1000
    assert languages_report(None, load_site_config(None, "all"), bundle.sizes)["savedBytes"] == \
        {"raw": 0, "gzip": 0, "brotli": 0}


def test_only_some_languages():
    cfg = load_site_config(None, ["en", "de"])
    assert sorted(cfg["config"]["translations"]) == ["de", "en"]
    assert cfg["config"]["translations"]["de"]["banner"]["acceptAll"] == "Alle akzeptieren"


def test_a_language_without_built_in_texts_is_a_build_error():
    with pytest.raises(BuildError, match="no built-in texts for xx"):
        load_site_config(None, ["en", "xx"])
