"""Minify the assembled bundle with esbuild, a real JS parser (jsmin is not safe here: it drops
the newline after template literals that brython.js relies on, research/brython.md §1).

esbuild is a single native binary shipped inside the npm package ``@esbuild/<platform>``; it is
installed once with npm into a cache outside the repository and run directly (no Node needed at
build time). The whole browser suite runs on the minified output, which is what proves it safe.
Without npm (a bare machine running the demo) the build warns and ships the unminified bundle.
"""

import os
import platform
import re
import shutil
import subprocess

from .errors import BuildError

ESBUILD_VERSION = "0.28.2"
CACHE = os.environ.get("CONSENTRY_TOOLS_CACHE",
                       os.path.join(os.path.expanduser("~"), ".cache", "consentry", "minifier"))

# Compiled code sets `frame.positions` (column ranges for traceback carets) in every function.
# Brython only reads them together with the module's source text, which the bundle does not
# ship, so they are dead weight (every reader is guarded: `if(frame.positions)`).
POSITIONS_LINE = re.compile(r"^[ \t]*frame\.positions = \[[\[\],\d ]*\]\n", re.M)


def strip_positions(js):
    return POSITIONS_LINE.sub("", js)


def _platform_package():
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower())
    system = platform.system().lower()
    return f"@esbuild/{system}-{arch}" if arch else None


def esbuild_path():
    """The pinned esbuild binary, installing it with npm into the cache when missing."""
    override = os.environ.get("CONSENTRY_ESBUILD")
    if override:
        return override
    package = _platform_package()
    if package is None:
        return None
    binary = os.path.join(CACHE, "node_modules", *package.split("/"), "bin", "esbuild")
    if not os.path.exists(binary):
        npm = shutil.which("npm")
        if npm is None:
            return None
        os.makedirs(CACHE, exist_ok=True)
        done = subprocess.run([npm, "install", "--prefix", CACHE, "--no-audit", "--no-fund",
                               "--silent", f"esbuild@{ESBUILD_VERSION}"],
                              capture_output=True, text=True)
        if done.returncode != 0 or not os.path.exists(binary):
            return None
    return binary


def minify(js, log=print):
    """Minified JS; the input unchanged (with a warning) when esbuild is unavailable."""
    binary = esbuild_path()
    if binary is None:
        log("warning: esbuild unavailable (needs npm once); consentry.js is not minified")
        return js, None
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    if version != ESBUILD_VERSION:
        raise BuildError(f"esbuild {version} found at {binary}; the build is pinned to "
                         f"{ESBUILD_VERSION} (delete {CACHE} to reinstall)")
    done = subprocess.run([binary, "--minify", "--loader=js", "--charset=utf8",
                           "--legal-comments=inline", "--log-level=error"],
                          input=js, capture_output=True, text=True)
    if done.returncode != 0:
        raise BuildError("esbuild failed on the bundle:\n" + done.stderr[-2000:])
    return done.stdout, f"esbuild {version}"
