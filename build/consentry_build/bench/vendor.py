"""The comparison libraries, installed from npm into a cache OUTSIDE the repository.

``~/.cache/consentry/bench-vendor`` (override: ``$CONSENTRY_BENCH_VENDOR``) gets a throw-away
``package.json`` and ``npm install --no-audit --no-fund --ignore-scripts <pkg>@<version> ...``.
Nothing is installed when every package is already there at the pinned version. The libraries'
code is never copied into the repository: the bench server maps ``/vendor/`` to that
``node_modules``.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

PACKAGES = {
    "vanilla-cookieconsent": "3.1.0",
    "klaro": "0.7.22",
    "tarteaucitronjs": "1.34.0",
}


def vendor_root() -> Path:
    return Path(os.environ.get("CONSENTRY_BENCH_VENDOR") or Path.home() / ".cache/consentry/bench-vendor")


def installed_version(pkg: str, root: Path | None = None) -> str | None:
    try:
        return json.loads(((root or vendor_root()) / "node_modules" / pkg / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def ensure_vendor(log=print) -> Path:
    """Install the pinned packages if any is missing; returns the ``node_modules`` directory."""
    root = vendor_root()
    missing = [f"{p}@{v}" for p, v in PACKAGES.items() if installed_version(p, root) != v]
    if missing:
        npm = shutil.which("npm")
        if not npm:
            raise RuntimeError("npm not found: it is needed once to install " + ", ".join(missing))
        root.mkdir(parents=True, exist_ok=True)
        if not (root / "package.json").exists():
            (root / "package.json").write_text(json.dumps(
                {"name": "consentry-bench-vendor", "private": True, "version": "0.0.0"}, indent=1) + "\n")
        log(f"bench: npm install {' '.join(missing)} into {root}")
        cmd = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", *missing]
        r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stderr[-2000:]}")
        still = [p for p, v in PACKAGES.items() if installed_version(p, root) != v]
        if still:
            raise RuntimeError(f"npm install finished but these are missing or at another version: {still}")
    return root / "node_modules"
