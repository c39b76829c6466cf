"""``invoke bench``: Consentry against the best consent managers, in one interleaved browser run.

    from consentry_build.bench import run
    md = run(samples=15, out="docs/performance.md", cpu_throttle=1.0, only=None, warm=True, build_cmd=None)

A benchmark, not a test: nothing here runs in CI or under pytest. See ``harness.py`` for what one
sample is, ``rows.py`` for the rows, ``method.md`` for what each number means.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

__all__ = ["run", "rerender"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2] if (HERE.parents[2] / "pyproject.toml").exists() else Path.cwd()
WARMUP_ROUNDS = 1


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def default_build_cmd() -> list[str]:
    return [sys.executable, "-m", "consentry_build", "build"]


def _sha256(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def bundle_path() -> Path:
    return Path(os.environ.get("CONSENTRY_BENCH_BUNDLE") or REPO / "dist" / "consentry.js")


def time_build(build_cmd, log=_log) -> dict:
    """Run the build once (before any browser starts) and time it; never raises."""
    if build_cmd is False or build_cmd == []:
        return {"skipped": True, "reason": "build_cmd disabled"}
    cmd = list(build_cmd or default_build_cmd())
    log(f"bench: timing the build: {' '.join(cmd)}")
    t0 = time.perf_counter()
    try:
        r = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    except Exception as e:  # command missing, timeout
        return {"cmd": " ".join(cmd), "ok": False, "rc": None, "seconds": time.perf_counter() - t0,
                "tail": f"{type(e).__name__}: {e}"}
    secs = time.perf_counter() - t0
    tail = "\n".join((r.stderr or r.stdout or "").strip().splitlines()[-5:])
    log(f"bench: build exit {r.returncode} in {secs:.2f} s" + (f": {tail}" if r.returncode else ""))
    return {"cmd": " ".join(str(c) for c in cmd), "ok": r.returncode == 0, "rc": r.returncode,
            "seconds": secs, "tail": tail}


def _cmd(args) -> str:
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=30).stdout.strip()
    except Exception:
        return "?"


def machine_meta() -> dict:
    import selenium

    from .harness import CHROMEDRIVER
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except Exception:
        pass
    mem = "?"
    try:
        kb = int(next(l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")))
        mem = f"{kb / 1048576:.1f} GiB"
    except Exception:
        pass
    return {
        "cpu": f"{os.cpu_count()} × {cpu}", "cores": os.cpu_count(), "memory": mem,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(), "selenium": selenium.__version__,
        "chromedriver": _cmd([CHROMEDRIVER, "--version"]).split(" (")[0],
        "git": _cmd(["git", "-C", str(REPO), "describe", "--always", "--dirty"]),
    }


def run(samples: int = 15, out=None, cpu_throttle: float = 1.0, only=None, warm: bool = True,
        build_cmd=None) -> str:
    """Run the benchmark; return the markdown report (and write it to ``out`` with ``out``.json
    holding the raw samples).

    samples       N measured rounds (after one untimed warm-up round); every round runs every row
    out           path of the markdown file to (re)write, e.g. ``docs/performance.md``; the
                  hand-written "levers" section between its markers is kept
    cpu_throttle  CDP Emulation.setCPUThrottlingRate (4 ≈ mid-range phone); 1 = off
    only          "a,b" or an iterable of row names; baseline and vanilla-cookieconsent always run
    warm          also measure the returning visitor with a warm HTTP + V8 code cache (one more
                  browser session per sample)
    build_cmd     argv timed once before the browser runs (default: python -m consentry_build build);
                  False or [] to skip. A failing build does not stop the run: the column says n/a
                  and the last bundle on disk is measured.
    """
    from . import report
    from .harness import Cfg, run_rows
    from .rows import FLOOR, select
    from .server import BenchServer
    from .vendor import PACKAGES, ensure_vendor, installed_version

    samples = int(samples)
    if samples < 1:
        raise ValueError("samples must be ≥ 1")
    rows = [dict(r) for r in select(only)]
    node_modules = ensure_vendor(log=_log)
    load_before = os.getloadavg()[0]
    t_start = time.time()

    build = time_build(build_cmd) if any(r["name"] == "consentry" for r in rows) else None
    bundle = bundle_path()
    bundle_meta = {"path": str(bundle.relative_to(REPO)) if bundle.is_relative_to(REPO) else str(bundle)}
    snap_dir = Path(tempfile.mkdtemp(prefix="consentry-bench-bundle-"))
    served = None
    if bundle.is_file():
        # measure a snapshot: other people may rebuild dist/ while the run goes on
        # the first stage and the SDK file it names (consentry-sdk.<hash>.js) beside it
        names = [bundle.name] + [p.name for p in bundle.parent.glob("consentry-sdk.*.js")]
        for name in names:
            for suffix in ("", ".br", ".gz"):
                if (bundle.parent / (name + suffix)).is_file():
                    target = "consentry.js" if name == bundle.name else name
                    shutil.copy2(bundle.parent / (name + suffix), snap_dir / (target + suffix))
        served = snap_dir / "consentry.js"
        st = served.stat()
        bundle_meta.update(bytes=st.st_size, sha256=_sha256(served),
                           mtime=dt.datetime.fromtimestamp(st.st_mtime, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))
    for r in rows:
        if r["name"] == "consentry" and served is None:
            r["skip"] = f"{bundle} does not exist (build failed or not run yet)"
    runtime_only = None
    if any(r["name"] == FLOOR for r in rows):
        from ..bundle import runtime_only_script
        runtime_only = snap_dir / "brython-runtime.js"
        runtime_only.write_text(runtime_only_script(), encoding="utf-8")

    server = BenchServer(node_modules, served, runtime_only=runtime_only)
    cfg = Cfg(server, cpu_throttle=cpu_throttle, warm=warm)
    _log(f"bench: server {server.url}, rows {[r['name'] for r in rows]}, N={samples}, "
         f"CPU throttle {cfg.cpu_throttle:g}×, warm={warm}")
    try:
        results = run_rows(cfg, rows, samples, warmup_rounds=WARMUP_ROUNDS, log=_log)
    finally:
        server.shutdown()
        shutil.rmtree(snap_dir, ignore_errors=True)
    if served is not None:
        now = _sha256(bundle) if bundle.is_file() else None
        bundle_meta["changed_during_run"] = now != bundle_meta["sha256"]

    loads = [s.get("loadavg1") for r in results for s in r["first"] if s.get("loadavg1") is not None]
    foreign = [s.get("foreign_browsers") for r in results for s in r["first"] if s.get("foreign_browsers") is not None]
    from .harness import quantile
    meta = machine_meta()
    meta.update(
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        browser=cfg.browser_version or "?", samples=samples, warmup_rounds=WARMUP_ROUNDS, warm=warm,
        cpu_throttle=cfg.cpu_throttle, wall_min=(time.time() - t_start) / 60, bundle=bundle_meta,
        loadavg={"before": load_before, "median": quantile(loads, 50), "max": max(loads) if loads else None},
        foreign_browsers={"median": quantile(foreign, 50), "max": max(foreign) if foreign else None},
        versions={p: installed_version(p) or "?" for p in PACKAGES},
    )
    method = (HERE / "method.md").read_text()
    levers = report.kept_levers(Path(out)) if out else None
    md = report.render(results, build, meta, method, levers)
    if out:
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(md)
        raw = {"meta": meta, "build": build,
               "results": [{"row": {k: v for k, v in r["row"].items() if k != "seed_api"},
                            "skipped": r.get("skipped"), "first": r["first"], "returning": r["returning"]}
                           for r in results]}
        out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str) + "\n")
        _log(f"bench: wrote {out} and {out.with_suffix('.json')}")
    return md


def rerender(raw_json, out=None) -> str:
    """Markdown again from a run's raw JSON (e.g. after editing ``method.md``), without re-measuring."""
    from . import report
    raw = json.loads(Path(raw_json).read_text())
    results = [{"row": r["row"], "skipped": r.get("skipped"), "first": r["first"], "returning": r["returning"]}
               for r in raw["results"]]
    levers = report.kept_levers(Path(out)) if out else None
    md = report.render(results, raw.get("build"), raw["meta"], (HERE / "method.md").read_text(), levers)
    if out:
        Path(out).write_text(md)
    return md
