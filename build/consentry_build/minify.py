"""Minify the bundle with a real JS parser: terser (a character-level minifier such as jsmin is
not safe here: it drops the newline after template literals that brython.js relies on).

The Brython runtime, the compiled modules and the hand-written loader and façade each go
through terser (compress + mangle). terser is plain JS from npm, run inside mini-racer's V8 (no
Node); it is slow, so each output is cached by content hash (the runtime only changes with
Brython; the modules when the SDK does).

terser is pinned and installed once with npm into a cache outside the repository. The whole
browser suite runs on the minified output, which is what proves it safe. Without npm (a bare
machine running the demo) the build warns and ships the unminified bundle, exactly as
`--no-minify` does.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import time

from .errors import BuildError

TERSER_VERSION = "5.51.4"
TERSER_OPTIONS = {"compress": {"passes": 2}, "mangle": True, "format": {"comments": False}}
CACHE = os.environ.get("CONSENTRY_TOOLS_CACHE",
                       os.path.join(os.path.expanduser("~"), ".cache", "consentry", "minifier"))

# Compiled code sets `frame.positions` (column ranges for traceback carets) in every function.
# Brython only reads them together with the module's source text, which the bundle does not
# ship, so they are dead weight (every reader is guarded: `if(frame.positions)`).
POSITIONS_LINE = re.compile(r"^[ \t]*frame\.positions = \[[\[\],\d ]*\]\n", re.M)


# `$B.set_lineno(frame, N)` before each statement only keeps tracebacks on the exact line;
# `enter_frame` already records each function's first line, and nothing but diagnostics reads
# it. Production (minified) builds drop the statements; `--no-minify` builds keep them.
LINENO_LINE = re.compile(r"^[ \t]*\$B\.set_lineno\(frame, \d+(?:, '\w+')?\)\n", re.M)


def strip_positions(js):
    return POSITIONS_LINE.sub("", js)


def strip_line_tracking(js):
    return LINENO_LINE.sub("", js)


def _npm_install(spec, marker):
    """Install an npm package into the cache once; True when ``marker`` (a path) exists."""
    if os.path.exists(marker):
        return True
    npm = shutil.which("npm")
    if npm is None:
        return False
    os.makedirs(CACHE, exist_ok=True)
    subprocess.run([npm, "install", "--prefix", CACHE, "--no-audit", "--no-fund", "--silent",
                    spec], capture_output=True, text=True)
    return os.path.exists(marker)


def css(text):
    """Our own stylesheet without comments and layout whitespace (it has no strings or urls
    that such spacing could matter in)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s*([{};,>])\s*", r"\1", text)
    return text.replace(";}", "}").strip()


def terser_bundle():
    """Path of the pinned terser (installed with npm on first use), or None without npm."""
    package = os.path.join(CACHE, "node_modules", "terser")
    bundle = os.path.join(package, "dist", "bundle.min.js")
    if not _npm_install(f"terser@{TERSER_VERSION}", bundle):
        return None
    with open(os.path.join(package, "package.json"), encoding="utf-8") as f:
        version = json.load(f)["version"]
    if version != TERSER_VERSION:
        raise BuildError(f"terser {version} in {package}; the build is pinned to "
                         f"{TERSER_VERSION} (delete {CACHE} to reinstall)")
    return bundle


def terser(js):
    """terser output for ``js``, from the cache when this exact input was minified before."""
    key = hashlib.sha256((TERSER_VERSION + json.dumps(TERSER_OPTIONS, sort_keys=True) + js)
                         .encode("utf-8")).hexdigest()
    cached = os.path.join(CACHE, "terser-out", key + ".js")
    if os.path.exists(cached):
        with open(cached, encoding="utf-8") as f:
            return f.read()
    bundle = terser_bundle()
    if bundle is None:
        raise BuildError("terser is not installed (npm is needed once)")
    from py_mini_racer import MiniRacer

    ctx = MiniRacer()
    ctx.eval("var self = this, globalThis = this;")
    with open(bundle, encoding="utf-8") as f:
        ctx.eval(f.read())
    ctx.eval("var __out = null, __err = null;")
    run = ctx.eval("(function (code, opts) { Terser.minify(code, JSON.parse(opts)).then("
                   "function (r) { __out = r.code; }, function (e) { __err = String(e); }); })")
    run(js, json.dumps(TERSER_OPTIONS))
    while ctx.eval("__out === null && __err === null"):
        time.sleep(0.02)     # mini-racer settles the promise on its own thread
    err = ctx.eval("__err")
    if err:
        raise BuildError("terser failed on the runtime: " + err)
    out = ctx.eval("__out")
    os.makedirs(os.path.dirname(cached), exist_ok=True)
    with open(cached + ".tmp", "w", encoding="utf-8") as f:
        f.write(out)
    os.replace(cached + ".tmp", cached)
    return out
