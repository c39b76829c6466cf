"""What the build derives from the schema: JSON Schema, TypeScript types, the docs table.

A bound changed in the schema shows up in all of them (and in the validator: see
test_config_schema.py); the JSON Schema accepts the built-in configuration and refuses what
the validator refuses; the generated d.ts type-checks and makes a misspelt category id a type
error (tsc from npm, like terser)."""
import json
import os
import shutil
import subprocess

import jsonschema
import pytest

from consentry.engine import config, schema
from consentry_build import minify, package, schema_out

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCS = os.path.join(ROOT, "docs", "configuration.md")
TYPESCRIPT = "typescript@5.9.3"


def _validator():
    js = schema_out.json_schema()
    jsonschema.Draft202012Validator.check_schema(js)
    return jsonschema.Draft202012Validator(js)


def test_every_key_of_the_schema_has_a_description_and_no_description_is_stale():
    paths = [p for p, _, _ in schema_out.walk(schema.ROOT)]
    assert sorted(schema_out.DESCRIPTIONS) == sorted(paths + schema.ROOT["annotations"])


def test_the_reference_in_docs_is_current():
    with open(DOCS, encoding="utf-8") as f:
        text = f.read()
    assert schema_out.reference() in text, (
        "docs/configuration.md is stale: python -m consentry_build.schema_out "
        "docs/configuration.md")


def test_a_bound_changed_in_the_schema_changes_every_output(monkeypatch, raw):
    wait = schema.ROOT["properties"]["consentMode"]["properties"]["waitForUpdate"]
    before = (schema_out.reference(), schema_out.config_types())
    assert "0 … 10000" in before[0] and "0 … 10000" in before[1]
    monkeypatch.setitem(wait, "maximum", 20000)
    cm = schema_out.json_schema()["properties"]["consentMode"]["properties"]
    assert cm["waitForUpdate"]["maximum"] == 20000
    assert "0 … 20000" in schema_out.reference() and "0 … 10000" not in schema_out.reference()
    assert "0 … 20000" in schema_out.config_types()
    raw["consentMode"]["waitForUpdate"] = 15000
    assert config.validate(raw)["errors"] == []
    assert list(_validator().iter_errors(raw)) == []


def test_the_json_schema_accepts_the_builtin_configuration(raw):
    raw["$schema"] = "consentry.schema.json"
    assert [e.message for e in _validator().iter_errors(raw)] == []


@pytest.mark.parametrize("path, value", [
    (["revision"], -1), (["revision"], "2"), (["cookie", "name"], "a b"),
    (["cookie", "sameSite"], "lenient"), (["cookie", "path"], "nope"),
    (["cookie", "domain"], "exa mple.com"), (["mode", "detect"], ["ip"]),
    (["consentMode", "waitForUpdate"], 10001), (["consentMode", "map", "ad_storag"], []),
    (["ui", "layout"], "popup"), (["ui", "noticeUrl"], "javascript:alert(1)"),
    (["log", "endpoint"], "https://elsewhere.example/log"), (["callback"], "x"),
    (["categories", 1, "id"], "constructor"), (["categories", 1, "id"], "Bad"),
    (["categories", 2, "services", 0, "cookies"], ["/_ga.*/"]),
    (["translations", "english"], {}),
])
def test_the_json_schema_refuses_what_the_validator_refuses(raw, path, value):
    cur = raw
    for k in path[:-1]:
        cur = cur[k]
    cur[path[-1]] = value
    assert config.validate(raw)["errors"] != []
    assert list(_validator().iter_errors(raw)) != []


def _typecheck(tmp_path, raw, source):
    """tsc --strict on ``source`` next to the d.ts built for ``raw``; the finished process."""
    tsc = os.path.join(minify.CACHE, "node_modules", "typescript", "bin", "tsc")
    if not minify._npm_install(TYPESCRIPT, tsc):
        pytest.skip("npm is needed once to install " + TYPESCRIPT)
    built = config.validate(raw)["config"]
    (tmp_path / "consentry.d.ts").write_text(package.dts(built), encoding="utf-8")
    (tmp_path / "use.ts").write_text(source, encoding="utf-8")
    return subprocess.run([shutil.which("node"), tsc, "--noEmit", "--strict", "--lib",
                           "es2020,dom", str(tmp_path / "use.ts")],
                          capture_output=True, text=True, cwd=tmp_path)


def test_the_generated_types_check_and_catch_a_misspelt_category_id(tmp_path, raw):
    run = _typecheck(tmp_path, raw, """import type { ConsentryConfig } from "./consentry";
const api = window.Consentry;
const yes: boolean = api.allowed("analytics", "ga");
api.update({ targeting: false });
// @ts-expect-error: a misspelt category id
api.allowed("analytcs");
// @ts-expect-error: a service id that is not configured
api.allowed("analytics", "gaa");
const site: ConsentryConfig = { $schema: "consentry.schema.json", ui: { layout: "box" } };
// @ts-expect-error: not a layout
const bad: ConsentryConfig = { ui: { layout: "popup" } };
console.log(yes, site, bad, api.version.length);
""")
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_type_error_is_reported(tmp_path, raw):
    """The check above can fail: the same call without the expectation is an error."""
    run = _typecheck(tmp_path, raw, 'import "./consentry";\n'
                                    'window.Consentry.allowed("analytcs");\n')
    assert run.returncode != 0 and "analytcs" in run.stdout


def test_the_json_schema_is_valid_json_schema_2020_12():
    js = schema_out.json_schema()
    assert js["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(js)
    json.dumps(js)
