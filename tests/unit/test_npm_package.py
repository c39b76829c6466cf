"""dist/ as a complete distribution: an npm package (`npm pack`), the licences (Brython's
BSD-3-Clause notice in the bundle and in THIRD-PARTY-NOTICES), the generated d.ts and JSON
Schema, the copy-paste script tag and ``Consentry.version``."""
import json
import os
import shutil
import subprocess

import pytest

import consentry
from consentry.engine.codes import SIGNALS
from consentry_build import bundle, package

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    lines = []
    site = out / "site.json"
    site.write_text(json.dumps({"$schema": "consentry.schema.json",
                                "categories": [{"id": "necessary", "basis": "necessary"},
                                               {"id": "stats", "services": [{"id": "plausible"}]}],
                                "consentMode": {"map": {s: [] for s in SIGNALS}}}))
    manifest = bundle.build(config_path=str(site), out_dir=str(out / "dist"), log=lines.append)
    return out / "dist", manifest, lines


def _sdk_file(manifest):
    return [name for name in manifest["files"] if name.startswith("consentry-sdk.")][0]


def test_the_sdk_file_carries_the_brython_notice_and_the_version(dist):
    out, manifest, _ = dist
    head = (out / _sdk_file(manifest)).read_text(encoding="utf-8")[:300]
    assert head.startswith("/*! Consentry " + consentry.__version__ + " SDK | MIT")
    assert "Brython" in head and package.BRYTHON_COPYRIGHT in head and "BSD-3-Clause" in head
    assert (out / "consentry.js").read_text(encoding="utf-8").startswith(
        "/*! Consentry " + consentry.__version__ + " | MIT")
    assert manifest["version"] == consentry.__version__


def test_licences_are_written(dist):
    out, _, _ = dist
    notices = (out / "THIRD-PARTY-NOTICES").read_text(encoding="utf-8")
    assert package.BRYTHON_COPYRIGHT in notices and "Redistribution and use" in notices
    with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as f:
        assert (out / "LICENSE").read_text(encoding="utf-8") == f.read()


def test_the_types_name_the_built_ids(dist):
    out, _, _ = dist
    dts = (out / "consentry.d.ts").read_text(encoding="utf-8")
    assert 'export type CategoryId = "necessary" | "stats";' in dts
    assert 'export type ServiceId = "plausible";' in dts
    assert "export interface ConsentryConfig" in dts


def test_the_build_prints_the_script_tag_with_integrity(dist):
    _, manifest, lines = dist
    tag = '<script src="/consentry.js" integrity="%s"></script>' % (
        manifest["files"]["consentry.js"]["integrity"])
    assert tag in lines


def test_npm_pack_ships_the_script_types_schema_and_licences(dist, tmp_path):
    out, manifest, _ = dist
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed")
    run = subprocess.run([npm, "pack", "--json", "--pack-destination", str(tmp_path)],
                         cwd=out, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    info = json.loads(run.stdout)[0]
    assert info["name"] == "consentry" and info["version"] == manifest["version"]
    expected = [_sdk_file(manifest) if "*" in f else f for f in package.FILES]
    assert sorted(f["path"] for f in info["files"]) == sorted(expected + ["package.json"])
    pkg = json.loads((out / "package.json").read_text())
    assert pkg["types"] == "consentry.d.ts"
    for target in pkg["exports"]["."].values():
        assert (out / target).is_file()
    assert (out / pkg["exports"]["./consentry.schema.json"]).is_file()
    assert os.path.isfile(tmp_path / info["filename"])
