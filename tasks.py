"""Invoke tasks: thin wrappers around consentry_build (the `consentry` CLI calls the same code)."""

import os
import shutil
import sys

from invoke import task

ROOT = os.path.dirname(os.path.abspath(__file__))
DIST = os.path.join(ROOT, "dist")


@task(help={"config": "site configuration JSON merged over the built-in one",
            "out": "output folder (default: dist)",
            "no_minify": "skip terser (readable output for debugging)",
            "single_file": "one consentry.js holding both stages",
            "languages": "built-in texts to embed: codes like en,de,fr or 'all' (default en,en-GB,fr)"})
def build(c, config=None, out=DIST, no_minify=False, single_file=False, languages=None):
    """Build dist/consentry.js and the SDK file it loads (+ .d.ts, manifest.json)."""
    from consentry_build.bundle import build as build_bundle
    from consentry_build.errors import BuildError

    try:
        if languages and languages != "all":
            languages = languages.split(",")
        build_bundle(config_path=config, out_dir=out, minified=not no_minify, single_file=single_file,
                     languages=languages)
    except BuildError as exc:
        sys.exit(f"build failed: {exc}")


@task(pre=[build], help={"port": "port on 127.0.0.1 (default 8000)"})
def demo(c, port=8000):
    """Build, then serve the demo site on http://127.0.0.1:8000/."""
    from consentry_build.devserver import serve_forever

    serve_forever(os.path.join(ROOT, "demo_site"), DIST, int(port))


@task(pre=[build], help={"browser": "chromium or firefox (default: both)",
                         "require_browsers": "fail instead of skipping a missing browser",
                         "require_services": "fail instead of skipping when PostgreSQL is missing",
                         "k": "pytest -k expression"})
def test(c, browser=None, require_browsers=False, require_services=False, k=None):
    """Build, then run the whole test suite (CPython unit tests + both browsers)."""
    args = [sys.executable, "-m", "pytest", "tests"]
    if browser:
        args += ["--browser", browser]
    if require_browsers:
        args.append("--require-browsers")
    if require_services:
        args.append("--require-services")
    if k:
        args += ["-k", k]
    c.run(" ".join(args), pty=False)


@task
def clean(c):
    """Remove build output and caches."""
    for path in ("dist", ".pytest_cache", ".hypothesis", "test-artifacts"):
        shutil.rmtree(os.path.join(ROOT, path), ignore_errors=True)


@task(help={"samples": "samples per row (default 15)", "out": "e.g. docs/performance.md (raw JSON next to it)",
            "cpu_throttle": "CDP CPU throttling rate, e.g. 4", "only": "comma-separated rows",
            "warm": "measure the warm-cache returning visitor (--no-warm to skip)"})
def bench(c, samples=15, out=None, cpu_throttle=1.0, only=None, warm=True):
    """Benchmark Consentry against vanilla-cookieconsent, klaro and tarteaucitron (one interleaved run)."""
    from consentry_build.bench import run
    print(run(samples=int(samples), out=out, cpu_throttle=float(cpu_throttle), only=only, warm=warm))


# --- scan: `consentry scan` (audit a site's cookies and trackers) ---------------------------
@task(help={"url": "the page to start from", "pages": "same-origin pages to follow (default 5)",
            "config": "the site's configuration JSON", "out": "report folder (default: report)",
            "fail_on": "high, medium, low, info or none (default: high)",
            "ignore_robots": "scan what the site's robots.txt disallows (your own site only)"})
def scan(c, url, pages=5, config=None, out="report", fail_on="high", ignore_robots=False):
    """Scan a site before a choice, after Reject all and after Accept all (same as `consentry scan`)."""
    from consentry.cli import main

    args = ["scan", url, "--pages", str(pages), "--out", out, "--fail-on", fail_on]
    if config:
        args += ["--config", config]
    if ignore_robots:
        args.append("--ignore-robots")
    status = main(args)
    if status:
        sys.exit(status)


# --- server integrations: the Python package (docs/server.md) ---
PKG = os.path.join(DIST, "pkg")


@task(help={"out": "output folder for the wheel and the sdist (default: dist/pkg)"})
def wheel(c, out=PKG):
    """Build the default bundle into the package data (sdk/consentry/static), then the sdist and
    the wheel from that sdist (so a wheel built from the sdist alone is what we test)."""
    from consentry_build.bundle import build as build_bundle
    from consentry_build.errors import BuildError

    static = os.path.join(ROOT, "sdk", "consentry", "static")
    shutil.rmtree(static, ignore_errors=True)
    try:
        build_bundle(out_dir=static)
    except BuildError as exc:
        sys.exit(f"build failed: {exc}")
    shutil.rmtree(os.path.join(ROOT, ".setuptools-build"), ignore_errors=True)  # no stale modules
    c.run(f"{sys.executable} -m build --no-isolation --outdir {out} {ROOT}", pty=False, hide="out")
    for name in sorted(os.listdir(out)):
        print(os.path.join(out, name))
