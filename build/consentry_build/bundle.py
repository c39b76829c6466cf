"""Assemble the two files of a build: dist/consentry.js (the first stage) and the SDK file.

``consentry.js`` (stage 1, no runtime; one scope, no globals but the API's)::

    (function(){ <engine + gating compiled by PScript: var __consentryEngine = ...>
                 <stage1.js: built-ins, Consent Mode default, decision, gate, API, loads stage 2> })();

``consentry-sdk.<hash>.js`` (stage 2, loaded by stage 1 from the same folder with integrity)::

    (function(){
      var __consentryRuntime=(function(){ "use strict"; <patched brython.js>; return __BRYTHON__ });
      var __consentryModules=(function(){ return [[name, is_package, file, function($B){<js>}, lazy], ...] });
      <dom.js>         // __consentryDom: the document built-ins the shell reads, from the prototypes
      <loader.js>      // defines __consentryStart(host, data)
      <stage2.js>      // hands __consentryStart to the first stage (Consentry.__attach)
    })();

``single_file=True`` writes both in one consentry.js (the first stage then loads nothing).
Generated module code runs in sloppy mode, exactly as Brython's own ``new Function`` would run
it; the runtime and the hand-written parts are strict.
"""

import base64
import gzip
import hashlib
import json
import os
import time

import brotli

from consentry import __version__

from . import fastpath, minify, package, runtime
from . import modules as modlib
from .errors import BuildError
from .translator import Translator

VERSION = __version__
HERE = os.path.dirname(os.path.abspath(__file__))
SIZE_BUDGET_GZIP = 220_000          # the SDK file: "≤ 220 KB gzip" (KB = 1000 B, the stricter reading)
STAGE1_BUDGET_GZIP = 10_000         # consentry.js, what a page waits for before its first tag
STAGE1 = "consentry.js"


def _read(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return f.read()


def _css():
    path = os.path.join(modlib.sdk_root(), "consentry", "data", "consentry.css")
    if not os.path.exists(path):
        return ""
    with open(path, encoding="utf-8") as f:
        return f.read()


def _module_table(ordered, translator, production):
    parts = []
    for mod in ordered:
        source = modlib.without_docstrings(
            modlib.without_build_only(mod.name, mod.source))
        js = minify.strip_positions(
            translator.translate(source, mod.filename, mod.name, mod.is_package))
        if production:
            js = minify.strip_line_tracking(js)
        parts.append("[%s,%s,%s,function($B){\n%s\n},%s]" % (
            json.dumps(mod.name), "true" if mod.is_package else "false",
            json.dumps(mod.filename), js, "true" if mod.name in modlib.LAZY else "false"))
    table = "function __consentryModules(){return [\n" + ",\n".join(parts) + "]}\n"
    return _eager(minify.terser(table) if production else table, "__consentryModules")


def _small(js, production):
    """The hand-written JS: through terser in production, as written otherwise (like every
    other part of a `--no-minify` build)."""
    return minify.terser(js) if production else js


def _js_literal(value):
    """JSON that is also safe inside a <script> element and a JS string context."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


# Test builds only (tests/browser/test_parity.py): call an engine function with JSON arguments
# inside the Brython SDK (__engine) or the first stage (__fast), so the same case tables run in
# every runtime; list the SDK modules that ran (__executed). Never in dist/.
TEST_HOOK_SDK = """function (api, started) {
      var $B = started.$B;
      api.__engine = function (mod, fn, argsJson) {
        var f = $B.$getattr($B.imported['consentry.engine.' + mod], fn);
        var args = JSON.parse(argsJson).map(function (x) { return $B.structuredclone2pyobj(x); });
        return JSON.stringify($B.pyobj2structuredclone($B.$call.apply(null, [f].concat(args))));
      };
      api.__executed = function () { return started.executed.slice(); };
    }"""
TEST_HOOK_STAGE1 = """Object.defineProperty(api, '__fast', {value: function (fn, argsJson) {
    return JSON.stringify(__consentryEngine[fn].apply(null, JSON.parse(argsJson)));
  }});"""


def _fill(text, what, values):
    for marker, value in values:
        if text.count(marker) != 1:
            raise BuildError(f"{what}: placeholder {marker} not found exactly once")
        text = text.replace(marker, value)
    return text


def _eager(text, name):
    """``function NAME(){...}`` -> ``var NAME=(function(){...});``.

    V8 compiles a parenthesised function expression eagerly, during the streaming compile on a
    background thread, while a function declaration is only pre-parsed there and compiled on
    the main thread when first called. Both functions run at start-up, so that compile belongs
    off the main thread (measured: first-visit script 263 -> 221 ms, banner 463 -> 441 ms).
    """
    text = text.strip()
    head = "function " + name + "(){"
    if not text.startswith(head) or not text.endswith("}"):
        raise BuildError(f"{name}: unexpected shape after minification")
    return "var " + name + "=(function(){" + text[len(head):] + ");\n"


def _runtime_function(production):
    text = ("function __consentryRuntime(){\"use strict\";\n" + runtime.build_runtime() +
            "\nreturn __BRYTHON__}\n")
    return _eager(minify.terser(text) if production else text, "__consentryRuntime")


def runtime_only_script():
    """The bundle's Brython runtime alone, started and nothing else (no SDK module, no config).

    The benchmark's floor row: what any SDK compiled with this runtime pays before its first
    line of Python runs. Same text and minification as in dist/consentry.js.
    """
    return ("(function(){\nvar __BRYTHON__;\n" + _runtime_function(True) +
            "__consentryRuntime();\n})();\n")


def _header(sdk):
    if sdk:
        # Added after terser, so the licence notice always survives minification.
        return (f"/*! Consentry {VERSION} SDK | MIT | includes Brython {runtime.BRYTHON_VERSION}, "
                f"{package.BRYTHON_COPYRIGHT}, BSD-3-Clause: see THIRD-PARTY-NOTICES */\n")
    return f"/*! Consentry {VERSION} | MIT */\n"


def assemble_sdk(config, css, test_hooks=False, production=True, split=True):
    """The SDK file (stage 2): runtime, AOT modules, loader and the hand-over to stage 1.
    ``split``: start in several tasks (the two-file build), else in one go (--single-file)."""
    mods = modlib.discover()
    modlib.check_imports(mods)
    modlib.check_lazy(mods)
    modlib.check_build_only(mods)
    order = modlib.ordered(mods)
    translator = Translator()
    if production:
        css = minify.css(css)
    tail = _fill(_read("stage2.js"), "stage2.js", (
        ("/*@CONFIG@*/null", _js_literal(config)),
        ("/*@CSS@*/''", _js_literal(css)),
        ("/*@VERSION@*/''", _js_literal(VERSION)),
        ("/*@SPLIT@*/false", "true" if split else "false"),
        ("/*@TESTHOOK2@*/null", TEST_HOOK_SDK if test_hooks else "null")))
    body = (
        "(function(){\nvar __BRYTHON__;\n" + _runtime_function(production) +
        _module_table(order, translator, production) +
        _small(_read("dom.js") + _read("loader.js") + tail, production) + "\n"
        "})();\n"
    )
    return _header(True) + body, [m.name for m in order]


def assemble_stage1(config, sdk_file, test_hooks=False, production=True):
    """consentry.js: the compiled engine and gating, and the hand-written first stage.

    ``sdk_file`` is ``{"src", "integrity"}`` of the SDK file, or None when it follows in the
    same file (--single-file).
    """
    shell = _fill(_read("stage1.js"), "stage1.js", (
        ("/*@STAGE2@*/null", _js_literal(sdk_file)),
        ("/*@DECISION_CONFIG@*/null", _js_literal(fastpath.decision_config(config["config"]))),
        ("/*@VERSION@*/''", _js_literal(VERSION)),
        ("/*@TESTHOOK1@*/", TEST_HOOK_STAGE1 if test_hooks else "")))
    exports = fastpath.TEST_EXPORTS if test_hooks else fastpath.EXPORTS
    engine = fastpath.compile_engine(exports=exports)
    js = "(function(){\n'use strict';\n" + engine + fastpath.link(shell, exports) + "})();\n"
    return _header(False) + (minify.terser(js) if production else js) + "\n"


def sdk_name(data):
    """consentry-sdk.<content hash>.js: a new name for new content, so it can be cached forever."""
    return "consentry-sdk." + hashlib.sha256(data).hexdigest()[:12] + ".js"


def sizes(data):
    return {
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "brotli": len(brotli.compress(data, quality=11)),
    }


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def _write(out_dir, name, data):
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(data)
    with open(os.path.join(out_dir, name + ".gz"), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    with open(os.path.join(out_dir, name + ".br"), "wb") as f:
        f.write(brotli.compress(data, quality=11))
    return dict(sizes(data), integrity=sri(data))


def _remove_stale_sdk_files(out_dir, keep):
    for name in os.listdir(out_dir):
        if name.startswith("consentry-sdk.") and not name.startswith(keep):
            os.remove(os.path.join(out_dir, name))


def build(config_path=None, out_dir="dist", log=print, test_hooks=False, minified=True,
          single_file=False, languages=None):
    """Build dist/consentry.js (+ the SDK file), .d.ts and manifest.json; return the manifest.
    ``languages``: the built-in texts to embed (config_input.builtin_raw)."""
    # imports the engine, which CPython runs too
    from .config_input import languages_report, load_site_config

    started = time.perf_counter()
    config = load_site_config(config_path, languages)
    if minified and minify.terser_bundle() is None:
        log("warning: terser unavailable (npm is needed once); consentry.js is not minified")
        minified = False
    sdk_js, module_names = assemble_sdk(config, _css(), test_hooks, minified, split=not single_file)
    sdk_data = sdk_js.encode("utf-8")
    os.makedirs(out_dir, exist_ok=True)
    files = {}
    if single_file:
        data = (assemble_stage1(config, None, test_hooks, minified) + sdk_js).encode("utf-8")
        _remove_stale_sdk_files(out_dir, "\0")
        sdk = None
    else:
        sdk = sdk_name(sdk_data)
        files[sdk] = _write(out_dir, sdk, sdk_data)
        _remove_stale_sdk_files(out_dir, sdk)
        data = assemble_stage1(config, {"src": sdk, "integrity": files[sdk]["integrity"]},
                               test_hooks, minified).encode("utf-8")
    files[STAGE1] = _write(out_dir, STAGE1, data)
    # a single file carries both stages: both budgets
    sdk_size = files[sdk] if sdk else files[STAGE1]
    sdk_budget = SIZE_BUDGET_GZIP if sdk else SIZE_BUDGET_GZIP + STAGE1_BUDGET_GZIP
    stage1_size = files[STAGE1]
    manifest = {
        "name": "consentry",
        "version": VERSION,
        "brython": runtime.BRYTHON_VERSION,
        "pscript": fastpath.PSCRIPT_VERSION,
        "files": files,
        "sdk": sdk,
        "modules": module_names,
        "minifier": f"terser {minify.TERSER_VERSION}" if minified else None,
        "config": "built-in" if config_path is None else os.path.basename(config_path),
        "languages": languages_report(config_path, config, sizes),
        "budget": {"gzip": sdk_budget, "withinBudget": sdk_size["gzip"] <= sdk_budget,
                   "firstStageGzip": STAGE1_BUDGET_GZIP,
                   "firstStageWithinBudget": single_file or stage1_size["gzip"] <= STAGE1_BUDGET_GZIP},
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    package.write(out_dir, manifest, config["config"])
    elapsed = time.perf_counter() - started
    for name, size in sorted(files.items()):
        log(f"{name}: {size['raw']:,} bytes raw, {size['gzip']:,} gzip, {size['brotli']:,} brotli")
    log(f"{len(module_names)} SDK modules, built in {elapsed:.1f}s")
    log(f'<script src="/{STAGE1}" integrity="{stage1_size["integrity"]}"></script>')
    if sdk_size["gzip"] > sdk_budget:
        log(f"warning: the SDK is {sdk_size['gzip']:,} bytes gzip, over the "
            f"{sdk_budget:,}-byte budget (see docs/performance.md)")
    if not single_file and stage1_size["gzip"] > STAGE1_BUDGET_GZIP:
        log(f"warning: consentry.js is {stage1_size['gzip']:,} bytes gzip, over the "
            f"{STAGE1_BUDGET_GZIP:,}-byte budget of the first stage")
    return manifest
