"""Assemble dist/consentry.js: runtime + AOT modules + loader + façade + config + CSS, in one scope.

Layout of the output (everything inside one function, so the page gains no globals but the
ones the façade sets on purpose):

    (function(){
      var __consentryRuntime=(function(){ "use strict"; <patched brython.js>; return __BRYTHON__ });
      var __consentryModules=(function(){ return [[name, is_package, file, function($B){<js>}, lazy], ...] });
      <loader.js>      // defines __consentryStart(host)
      <facade.js>      // window.Consentry, consentryQueue; calls __consentryStart
    })();

Generated module code runs in sloppy mode, exactly as Brython's own ``new Function`` would run
it; only the runtime and the façade are strict.
"""

import base64
import gzip
import hashlib
import json
import os
import shutil
import time

import brotli
import jsmin

from . import minify
from . import modules as modlib
from . import runtime
from .errors import BuildError
from .translator import Translator

VERSION = "0.1.0"
HERE = os.path.dirname(os.path.abspath(__file__))
SIZE_BUDGET_GZIP = 220_000          # issue 6: "≤ 220 KB gzip" (KB = 1000 B, the stricter reading)


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
        source = modlib.without_docstrings(mod.source)
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
    """The hand-written JS (no template literals, so jsmin is safe on it; terser in production)."""
    return minify.terser(js) if production else jsmin.jsmin(js)


def _js_literal(value):
    """JSON that is also safe inside a <script> element and a JS string context."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


# Test builds only (tests/browser/test_parity.py): call an engine function with JSON arguments
# inside the compiled bundle, so the same case tables run in both runtimes. Never in dist/.
TEST_HOOK = """api.__engine = function (mod, fn, argsJson) {
      var f = $B.$getattr($B.imported['consentry.engine.' + mod], fn);
      var args = JSON.parse(argsJson).map(function (x) { return $B.structuredclone2pyobj(x); });
      return JSON.stringify($B.pyobj2structuredclone($B.$call.apply(null, [f].concat(args))));
    };
    api.__executed = function () { return started.executed.slice(); };"""


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


def assemble(config, css, test_hooks=False, production=True):
    """The bundle's text. Production builds drop per-statement line tracking and go through
    terser (runtime, modules and façade separately, each cached by content)."""
    mods = modlib.discover()
    modlib.check_imports(mods)
    modlib.check_lazy(mods)
    order = modlib.ordered(mods)
    translator = Translator()
    facade = _read("facade.js")
    if production:
        css = minify.css(css)
    for marker, value in (("/*@CONFIG@*/null", _js_literal(config)),
                          ("/*@CSS@*/''", _js_literal(css)),
                          ("/*@TESTHOOK@*/", TEST_HOOK if test_hooks else ""),
                          ("/*@VERSION@*/''", _js_literal(VERSION))):
        if facade.count(marker) != 1:
            raise BuildError(f"façade placeholder {marker} not found exactly once")
        facade = facade.replace(marker, value)
    header = (f"/*! Consentry {VERSION} | MIT | includes Brython {runtime.BRYTHON_VERSION} "
              "(BSD-3-Clause, brython.info) */\n")
    body = (
        "(function(){\nvar __BRYTHON__;\n" + _runtime_function(production) +
        _module_table(order, translator, production) +
        _small(_read("loader.js") + facade, production) + "\n"
        "})();\n"
    )
    return header + body, [m.name for m in order]


def sizes(data):
    return {
        "raw": len(data),
        "gzip": len(gzip.compress(data, compresslevel=9, mtime=0)),
        "brotli": len(brotli.compress(data, quality=11)),
    }


def sri(data):
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def build(config_path=None, out_dir="dist", log=print, test_hooks=False, minified=True):
    """Build dist/consentry.js, .d.ts and manifest.json; return the manifest."""
    from .config_input import load_site_config  # imports the engine, which CPython runs too

    started = time.perf_counter()
    config = load_site_config(config_path)
    if minified and minify.terser_bundle() is None:
        log("warning: terser unavailable (npm is needed once); consentry.js is not minified")
        minified = False
    js, module_names = assemble(config, _css(), test_hooks, minified)
    data = js.encode("utf-8")
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "consentry.js"), "wb") as f:
        f.write(data)
    with open(os.path.join(out_dir, "consentry.js.gz"), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
    with open(os.path.join(out_dir, "consentry.js.br"), "wb") as f:
        f.write(brotli.compress(data, quality=11))
    shutil.copyfile(os.path.join(HERE, "consentry.d.ts"), os.path.join(out_dir, "consentry.d.ts"))
    size = sizes(data)
    manifest = {
        "name": "consentry",
        "version": VERSION,
        "brython": runtime.BRYTHON_VERSION,
        "files": {"consentry.js": dict(size, integrity=sri(data))},
        "modules": module_names,
        "minifier": f"terser {minify.TERSER_VERSION}" if minified else None,
        "config": "built-in" if config_path is None else os.path.basename(config_path),
        "budget": {"gzip": SIZE_BUDGET_GZIP, "withinBudget": size["gzip"] <= SIZE_BUDGET_GZIP},
    }
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")
    elapsed = time.perf_counter() - started
    log(f"consentry.js: {size['raw']:,} bytes raw, {size['gzip']:,} gzip, "
        f"{size['brotli']:,} brotli ({len(module_names)} modules) in {elapsed:.1f}s")
    log(f"integrity: {manifest['files']['consentry.js']['integrity']}")
    if size["gzip"] > SIZE_BUDGET_GZIP:
        log(f"warning: consentry.js is {size['gzip']:,} bytes gzip, over the "
            f"{SIZE_BUDGET_GZIP:,}-byte budget (see docs/performance.md)")
    return manifest
