"""The build pipeline: patches assert their match, imports are checked, errors are readable,
the output is reproducible and contains no code-evaluation call."""

import json
import os
import re

import pytest

from consentry_build import bundle, modules, runtime
from consentry_build.errors import BuildError
from consentry_build.translator import Translator

EVAL_CALL = re.compile(r"(?<![\w$.])(?:new\s+Function|Function|eval)\s*\(")


def _sdk(tmp_path, files):
    for rel, text in files.items():
        path = tmp_path / "consentry" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return str(tmp_path)


def test_every_runtime_patch_matches_exactly_once():
    stock = runtime.read_stock()
    for name, old, _new in runtime.PATCHES:
        assert stock.count(old) == 1, name


def test_a_patch_that_no_longer_matches_fails_the_build():
    with pytest.raises(BuildError, match="matched 0 times"):
        runtime.apply_patches("nothing here", [("demo", "absent text", "x")])


def test_runtime_has_no_eval_call_and_no_auto_start():
    text = runtime.build_runtime()
    assert EVAL_CALL.findall(text) == []
    assert "if(false){var startup_observer=" in text       # no page-wide observer
    assert "if(false){\npython_scripts" in text               # no onload hijack, no custom element
    assert "globalThis.brython=" not in text
    assert "var __BRYTHON__={}" in text
    assert "// >>> brython compiler chain" not in text
    assert "$B.tokenizer=function(){$B.$no_eval()}" in text    # runtime.SPANS applied
    assert "pattern_match" not in text and "idb_load" not in text and "makeTagClass" not in text
    assert "localStorage" not in text and "tz_name" not in text     # start-up costs patched out
    assert "$B.$TimSort=function(array,compare){array.sort(compare)}" in text


def test_a_span_whose_start_is_gone_fails_the_build():
    with pytest.raises(BuildError, match="span 'demo'"):
        runtime.replace_spans("nothing here", [("demo", "absent", "end", "")])


def test_syntax_error_is_reported_with_file_line_and_caret():
    with pytest.raises(BuildError) as info:
        Translator().translate("x = 1\ndef f(:\n    pass\n", "consentry/bad.py", "consentry.bad")
    text = str(info.value)
    assert "consentry/bad.py:2" in text and "SyntaxError" in text
    assert "def f(:" in text and "^" in text


def test_translation_is_reproducible():
    src = "def f(x):\n    return [i * x for i in range(3)]\nclass A:\n    pass\n"
    a = Translator().translate(src, "consentry/a.py", "consentry.a")
    b = Translator().translate(src, "consentry/a.py", "consentry.a")
    assert a == b


@pytest.mark.parametrize("line, where", [
    ("import json\n", "standard library"),
    ("from re import compile\n", "standard library"),
    ("from browser import html\n", "not allowed"),
    ("match 1:\n    case 1:\n        pass\n", "'match' statement"),
    ("eval('1')\n", "no code evaluation"),
    ("exec('x = 1')\n", "no code evaluation"),
])
def test_code_the_bundle_cannot_run_fails_the_build(tmp_path, line, where):
    root = _sdk(tmp_path, {"__init__.py": "", "shell/__init__.py": "", "shell/x.py": line})
    mods = modules.discover(root)
    with pytest.raises(BuildError, match=where):
        modules.check_imports(mods)


def test_engine_modules_may_not_import_the_browser(tmp_path):
    root = _sdk(tmp_path, {"__init__.py": "", "engine/__init__.py": "",
                           "engine/x.py": "from browser import window\n"})
    with pytest.raises(BuildError, match="engine modules must not import the browser"):
        modules.check_imports(modules.discover(root))


def test_only_the_package_engine_and_shell_are_bundled(tmp_path):
    root = _sdk(tmp_path, {"__init__.py": "", "engine/__init__.py": "", "shell/__init__.py": "",
                           "cli.py": "import argparse\n", "log/__init__.py": "import sqlite3\n"})
    assert sorted(modules.discover(root)) == ["consentry", "consentry.engine", "consentry.shell"]


def test_import_cycles_are_rejected(tmp_path):
    root = _sdk(tmp_path, {"__init__.py": "", "shell/__init__.py": "", "shell/a.py": "from . import b\n",
                           "shell/b.py": "from . import a\n"})
    mods = modules.discover(root)
    modules.check_imports(mods)
    with pytest.raises(BuildError, match="import cycle"):
        modules.ordered(mods)


def test_modules_are_ordered_dependencies_first(tmp_path):
    root = _sdk(tmp_path, {"__init__.py": "", "shell/__init__.py": "", "shell/z.py": "",
                           "shell/a.py": "from .z import *\n"})
    mods = modules.discover(root)
    modules.check_imports(mods)
    names = [m.name for m in modules.ordered(mods)]
    assert names.index("consentry.shell.z") < names.index("consentry.shell.a")
    assert names[0] == "consentry"


def test_an_eager_module_may_not_import_names_from_a_lazy_one(tmp_path):
    root = _sdk(tmp_path, {"__init__.py": "", "shell/__init__.py": "", "shell/v.py": "X = 1\n",
                           "shell/b.py": "from . import v\n"})
    modules.check_lazy(modules.discover(root), ("consentry.shell.v",))   # the module object is fine
    (tmp_path / "consentry" / "shell" / "a.py").write_text("from .v import X\n")
    with pytest.raises(BuildError) as info:
        modules.check_lazy(modules.discover(root), ("consentry.shell.v",))
    assert "a.py:1: imports names from the lazy module 'consentry.shell.v'" in str(info.value)
    assert "b.py" not in str(info.value)
    with pytest.raises(BuildError, match="not an SDK module"):
        modules.check_lazy(modules.discover(root), ("consentry.nothing",))


def test_the_sdk_itself_passes_the_import_check():
    mods = modules.discover()
    modules.check_imports(mods)
    modules.check_lazy(mods)
    assert "consentry.server" not in mods          # CPython only
    assert "consentry.shell.main" in mods


def test_invalid_site_config_fails_with_json_paths(tmp_path):
    site = tmp_path / "site.json"
    site.write_text(json.dumps({"revision": "three", "cookie": {"nmae": "x"}}))
    with pytest.raises(BuildError) as info:
        bundle.build(config_path=str(site), out_dir=str(tmp_path / "out"), log=lambda *_: None)
    text = str(info.value)
    assert "$.revision" in text and "$.cookie.nmae" in text


def test_build_is_reproducible_and_reports_sizes(tmp_path):
    out1, out2 = tmp_path / "one", tmp_path / "two"
    m1 = bundle.build(out_dir=str(out1), log=lambda *_: None)
    m2 = bundle.build(out_dir=str(out2), log=lambda *_: None)
    sdk = m1["sdk"]
    assert re.fullmatch(r"consentry-sdk\.[0-9a-f]{12}\.js", sdk) and m2["sdk"] == sdk
    assert sorted(p.name for p in out1.glob("*.js")) == sorted(["consentry.js", sdk])
    for name in ("consentry.js", sdk):
        assert (out1 / name).read_bytes() == (out2 / name).read_bytes()
        info = m1["files"][name]
        assert info == m2["files"][name]
        assert info["integrity"].startswith("sha384-")
        assert info["raw"] > info["gzip"] > 0 and info["brotli"] > 0
        assert EVAL_CALL.findall((out1 / name).read_text()) == []
    stage1 = (out1 / "consentry.js").read_text()
    # the first stage names the SDK file and its integrity, and carries no runtime
    assert json.dumps(sdk) in stage1 and json.dumps(m1["files"][sdk]["integrity"]) in stage1
    assert "__BRYTHON__" not in stage1
    text = (out1 / sdk).read_text()
    # both start-up functions are parenthesised expressions: V8 compiles them off the main thread
    assert "var __consentryRuntime=(function(){" in text
    assert "var __consentryModules=(function(){" in text
    if m1["minifier"]:                      # the shipped (minified) files keep their budgets
        assert m1["files"][sdk]["gzip"] <= bundle.SIZE_BUDGET_GZIP
        assert m1["files"]["consentry.js"]["gzip"] <= bundle.STAGE1_BUDGET_GZIP
        assert m1["budget"]["withinBudget"] is True and m1["budget"]["firstStageWithinBudget"] is True
    assert os.path.exists(out1 / "consentry.d.ts")
    assert json.loads((out1 / "manifest.json").read_text())["brython"] == "3.15.0"


def test_single_file_build_is_both_stages_in_one_file(tmp_path):
    m = bundle.build(out_dir=str(tmp_path), log=lambda *_: None, single_file=True)
    assert m["sdk"] is None and sorted(p.name for p in tmp_path.glob("*.js")) == ["consentry.js"]
    text = (tmp_path / "consentry.js").read_text()
    assert "consentry-sdk." not in text and "var __consentryRuntime=(function(){" in text
    assert m["budget"]["withinBudget"] is True or not m["minifier"]


def test_a_rebuild_removes_the_previous_sdk_file(tmp_path):
    (tmp_path / "consentry-sdk.0123456789ab.js").write_text("old")
    m = bundle.build(out_dir=str(tmp_path), log=lambda *_: None)
    assert sorted(p.name for p in tmp_path.glob("consentry-sdk.*")) == sorted(
        [m["sdk"], m["sdk"] + ".br", m["sdk"] + ".gz"])


def test_docstrings_are_emptied_without_moving_lines():
    src = 'def f(x):\n    """Why f exists.\n\n    More.\n    """\n    return x\n'
    out = modules.without_docstrings(src)
    assert "Why" not in out
    assert out.count("\n") == src.count("\n")
    assert out.split("\n")[5] == "    return x"


def test_terser_is_pinned_and_mangles():
    from consentry_build import minify

    if minify.terser_bundle() is None:
        pytest.skip("terser unavailable (npm missing)")
    js = minify.terser("function keep(){var longName = 1; return longName + g()}")
    assert "longName" not in js and "keep" in js


def test_css_minifier_keeps_rules():
    from consentry_build import minify

    out = minify.css("/* c */\n:host {\n  color: red;\n}\n@media (x: y) {\n  a > b { top: 0 }\n}\n")
    assert out == ":host{color: red}@media (x: y){a>b{top: 0}}"


@pytest.mark.parametrize("cookie, refused", [
    ({"name": "__Host-consentry", "domain": "example.com"}, True),
    ({"name": "__Host-consentry", "path": "/shop"}, True),
    ({"name": "__Host-consentry"}, False),
    ({"name": "__Secure-consentry", "domain": "example.com"}, False),
])
def test_build_refuses_a_host_prefixed_cookie_with_a_domain_or_a_path(tmp_path, cookie, refused):
    """Browsers drop a __Host- cookie with a Domain or a Path other than "/": the build says so."""
    from consentry_build.config_input import load_site_config

    path = tmp_path / "site.json"
    path.write_text(json.dumps({"cookie": cookie}), encoding="utf-8")
    if refused:
        with pytest.raises(BuildError, match=r"\$\.cookie\.name: A __Host- cookie must have no domain"):
            load_site_config(str(path))
    else:
        assert load_site_config(str(path))["config"]["cookie"]["name"] == cookie["name"]
