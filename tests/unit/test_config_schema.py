"""The schema (engine/schema.py) as the validator's single source: reserved ids, the `$schema`
key, and that a bound changed in the schema changes what the validator accepts."""
import copy

import pytest

from consentry.engine import config, schema

RESERVED = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf",
            "isPrototypeOf", "propertyIsEnumerable", "toLocaleString", "__defineGetter__",
            "__defineSetter__", "__lookupGetter__", "__lookupSetter__"]


def _errors(raw):
    return config.validate(raw)["errors"]


@pytest.mark.parametrize("name", RESERVED)
def test_category_ids_that_every_js_object_has_are_refused(raw, name):
    raw["categories"].append({"id": name})
    errs = _errors(raw)
    assert [e["path"] for e in errs] == ["$.categories[5].id"]


def test_constructor_names_a_js_object_member_and_is_refused_with_that_reason(raw):
    raw["categories"][2]["services"].append({"id": "constructor"})
    errs = _errors(raw)
    assert [e["path"] for e in errs] == ["$.categories[2].services[1].id"]
    assert "JavaScript object" in errs[0]["message"]


def test_the_schema_key_is_accepted_and_not_part_of_the_configuration(raw):
    raw["$schema"] = "./node_modules/consentry/consentry.schema.json"
    out = config.validate(raw)
    assert out["errors"] == [] and "$schema" not in out["config"]
    raw["category"] = []
    assert [e["path"] for e in _errors(raw)] == ["$.category"]     # only that key is ignored


def test_a_bound_changed_in_the_schema_changes_the_validator(raw, monkeypatch):
    wait = schema.ROOT["properties"]["consentMode"]["properties"]["waitForUpdate"]
    raw["consentMode"]["waitForUpdate"] = 15000
    assert [e["path"] for e in _errors(raw)] == ["$.consentMode.waitForUpdate"]
    assert "between 0 and 10000" in _errors(raw)[0]["message"]
    monkeypatch.setitem(wait, "maximum", 20000)
    assert _errors(raw) == []
    raw["consentMode"]["waitForUpdate"] = 25000
    assert "between 0 and 20000" in _errors(raw)[0]["message"]


def test_defaults_come_from_the_schema(raw, monkeypatch):
    layout = schema.ROOT["properties"]["ui"]["properties"]["layout"]
    monkeypatch.setitem(layout, "default", "box")
    minimal = {"categories": [{"id": "necessary", "basis": "necessary"}],
               "translations": {"en": copy.deepcopy(raw["translations"]["en"])}}
    del minimal["translations"]["en"]["categories"]
    ui = config.validate(minimal)["config"]["ui"]
    assert ui["layout"] == "box" and ui["position"] == "bottom-right"


def test_an_id_length_changed_in_the_schema_changes_the_validator(raw, monkeypatch):
    raw["categories"][4]["id"] = "a" * 41
    raw["consentMode"]["map"] = {}
    assert [e["path"] for e in _errors(raw)] == ["$.categories[4].id"]
    monkeypatch.setitem(schema.ID, "maxLength", 41)
    assert _errors(raw) == []
