"""Browser side of the benchmark: Selenium + Chrome DevTools Protocol, headless Chromium.

One *sample* of one row is three browser sessions:

1. **first visit** (fresh profile = empty HTTP cache and V8 code cache): load the page, wait for the
   banner, settle, read CDP metrics (ScriptDuration delta, JSHeapUsedSize after a forced GC), the
   long tasks, Resource Timing (bytes); click accept-all; wait for the gated tag; keep the origin's
   cookies + localStorage as the "accepted all" seed.
2. **returning, cold** (another fresh profile): replay the seed, load the page, time until the
   consented tag ran. Then load the page ``WARM_PRIMING_LOADS`` more times in that profile and quit
   (the HTTP cache and the V8 code cache are written to the profile directory).
3. **returning, warm** (same profile, new browser process, i.e. a visitor coming back later): replay
   the seed again (idempotent), load the page, time until the consented tag ran.

Every session first loads a same-origin blank page so that browser start-up work is not inside the
measured load. Rows run round-robin per sample (the starting row rotates), after one untimed round.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never download anything

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

from .server import BenchServer, compressed_sizes  # noqa: E402

CHROMIUM = os.environ.get("CONSENTRY_BENCH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("CONSENTRY_BENCH_CHROMEDRIVER", "/usr/bin/chromedriver")
CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions",
    "--window-size=1280,800",
]
OBSERVER_JS = (Path(__file__).resolve().parent / "observer.js").read_text()
IDLE_S = 0.3             # on the blank warm-up page before a measured load
IDLE_WARM_S = 1.0        # same, for the warm session: a restarted browser has more start-up work
SETTLE_S = 0.5           # after the banner / the tag, before metrics are read
WARM_PRIMING_LOADS = 2   # page loads in the profile before the measured warm load (cold load + these)

RESOURCES_JS = """return performance.getEntriesByType('resource').map(e => ({
  url: e.name, transfer: e.transferSize, encoded: e.encodedBodySize, decoded: e.decodedBodySize}));"""


class Cfg:
    def __init__(self, server: BenchServer, cpu_throttle: float = 1.0, warm: bool = True):
        self.server = server
        self.base = server.url
        self.cpu_throttle = float(cpu_throttle or 1.0)
        self.warm = warm
        self.timeout_s = 10.0 + 5.0 * max(1.0, self.cpu_throttle)
        self.browser_version = None


# ----------------------------------------------------------------------------- browser helpers
def new_driver(cfg: Cfg, profile: str | None = None):
    profile = profile or tempfile.mkdtemp(prefix="consentry-bench-prof-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for f in CHROME_FLAGS + [f"--user-data-dir={profile}"]:
        opts.add_argument(f)
    opts.page_load_strategy = "normal"
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    cfg.browser_version = cfg.browser_version or d.capabilities.get("browserVersion")
    d.set_script_timeout(cfg.timeout_s + 10)
    d.set_page_load_timeout(60 * max(1.0, cfg.cpu_throttle))
    if cfg.cpu_throttle > 1:
        d.execute_cdp_cmd("Emulation.setCPUThrottlingRate", {"rate": cfg.cpu_throttle})
    return d, profile


def quit_driver(d) -> None:
    try:
        d.quit()
    except Exception:
        pass


def warm_up(d, cfg: Cfg, idle: float = IDLE_S) -> None:
    """Same-origin blank page first: the browser finishes its own start-up work (on 2 cores that
    otherwise lands inside the measured load) and the renderer process exists already."""
    d.get(cfg.base + "/pages/blank.html")  # also loads a cacheable file: the disk cache is open
    time.sleep(idle)


def install_observer(d, row: dict) -> None:
    src = (OBSERVER_JS.replace("__BANNER__", json.dumps(row.get("banner")))
                      .replace("__ACCEPT__", json.dumps(row.get("accept_all"))))
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": src})


def cdp_metrics(d) -> dict:
    return {m["name"]: m["value"] for m in d.execute_cdp_cmd("Performance.getMetrics", {})["metrics"]}


def metric_delta(m0: dict, m1: dict, key: str) -> float:
    """ms; the counters live in the renderer and restart at 0 if the navigation swapped process."""
    delta = m1.get(key, 0) - m0.get(key, 0)
    return (delta if delta >= 0 else m1.get(key, 0)) * 1000.0


def await_bench(d, promise: str, timeout_s: float):
    """Wait in the page for window.__bench.<promise>; its value, or None on timeout."""
    return d.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"const p = window.__bench && window.__bench.{promise};"
        "if (!p) { done(null); return; }"
        f"Promise.race([p, new Promise(r => setTimeout(() => r(null), {int(timeout_s * 1000)}))]).then(done);")


def find_target(d, target: dict):
    if target.get("host"):
        host = d.find_element(By.CSS_SELECTOR, target["host"])
        return host.shadow_root.find_element(By.CSS_SELECTOR, target["css"])
    return d.find_element(By.CSS_SELECTOR, target["css"])


def long_tasks(d):
    lt = d.execute_script("return window.__bench ? window.__bench.longTasks : null")
    if lt is None:
        return None, None
    return (max((t["duration"] for t in lt), default=0.0), len(lt))


def page_diagnosis(d, row: dict) -> str:
    """Why a banner / tag did not show: page errors, console errors, what exists of the UI."""
    parts = []
    try:
        info = d.execute_script(
            "const b = window.__bench || {}; const t = arguments[0];"
            "const host = t && t.host ? document.querySelector(t.host) : null;"
            "return {errors: b.errors || [], consentry: typeof window.Consentry,"
            " host: t && t.host ? !!host : null, shadow: host ? !!host.shadowRoot : null,"
            " shadowChildren: host && host.shadowRoot ? host.shadowRoot.childElementCount : null,"
            " inDom: b.bannerInDom, readyState: document.readyState}", row.get("banner"))
        if row["name"] == "consentry":
            parts.append(f"window.Consentry is {info['consentry']}")
        if info.get("host") is not None:
            parts.append("UI host " + ("present" if info["host"] else "absent")
                         + ("" if not info["host"] else
                            ", shadow root " + ("open with %s children" % info["shadowChildren"]
                                                if info["shadow"] else "missing (closed or not attached)")))
        if info.get("inDom") is not None:
            parts.append(f"banner in DOM at {info['inDom']:.0f} ms but never visible")
        if info["errors"]:
            parts.append("page errors: " + " | ".join(info["errors"][:2]))
    except Exception as e:
        parts.append(f"diagnosis failed: {type(e).__name__}")
    try:
        sev = [e["message"] for e in d.get_log("browser") if e.get("level") == "SEVERE"]
        if sev:
            parts.append("console: " + " | ".join(m[:200] for m in sev[:2]))
    except Exception:
        pass
    return "; ".join(parts)


def err(e: Exception) -> str:
    return f"{type(e).__name__}: {(str(e).strip().splitlines() or [''])[0][:200]}"


# ----------------------------------------------------------------------------- phases
def first_visit(cfg: Cfg, row: dict) -> dict:
    url = cfg.base + row["page"]
    out: dict = {"ok": False, "na": {}}
    d, prof = new_driver(cfg)
    try:
        warm_up(d, cfg)
        install_observer(d, row)
        d.execute_cdp_cmd("Performance.enable", {"timeDomain": "timeTicks"})
        m0 = cdp_metrics(d)
        d.get(url)  # returns after the load event
        if row.get("banner"):
            out["banner_visible_ms"] = await_bench(d, "bannerPromise", cfg.timeout_s)
            if out["banner_visible_ms"] is None:
                out["na"]["banner_visible_ms"] = (f"banner not visible within {cfg.timeout_s:.0f} s: "
                                                  + page_diagnosis(d, row))
                d.execute_script("window.__bench && window.__bench.stop && window.__bench.stop()")
        else:
            await_bench(d, "analyticsPromise", cfg.timeout_s)
        time.sleep(SETTLE_S)  # late work (timers, lazy rendering) belongs to the load
        m1 = cdp_metrics(d)
        d.execute_cdp_cmd("HeapProfiler.enable", {})
        d.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        m2 = cdp_metrics(d)
        for k in ("ScriptDuration", "V8CompileDuration", "TaskDuration", "LayoutDuration", "RecalcStyleDuration"):
            out[k] = metric_delta(m0, m1, k)
        out["heap_used_bytes"] = m2["JSHeapUsedSize"]
        out["heap_used_bytes_nogc"] = m1["JSHeapUsedSize"]
        out["longest_task_ms"], out["long_tasks"] = long_tasks(d)
        if out["longest_task_ms"] is None:
            out["na"]["longest_task_ms"] = "PerformanceObserver 'longtask' not supported"
        b = d.execute_script("return {inDom: __bench.bannerInDom, ran: window.__analyticsRan,"
                             " nav: performance.getEntriesByType('navigation')[0].toJSON()}")
        out["banner_in_dom_ms"] = b["inDom"]
        out["dcl_ms"] = b["nav"]["domContentLoadedEventEnd"]
        out["load_ms"] = b["nav"]["loadEventEnd"]
        out["analytics_before_consent"] = bool(row.get("accept_all")) and b["ran"] is not None

        res = d.execute_script(RESOURCES_JS)
        pats = [re.compile(p) for p in row.get("assets", [])]
        files = []
        for r in res:
            if not any(p.search(r["url"]) for p in pats):
                continue
            local = cfg.server.resolve(r["url"])
            sizes = compressed_sizes(local) if local else {"raw": None, "gzip": None, "brotli": None}
            pre = {ext: (local.with_name(local.name + "." + ext).stat().st_size
                         if local and local.with_name(local.name + "." + ext).is_file() else None)
                   for ext in ("br", "gz")}
            files.append({"url": r["url"].replace(cfg.base, ""), "raw": r["decoded"], "gzip": r["encoded"],
                          "brotli": sizes["brotli"], "local_gzip9": sizes["gzip"],
                          "shipped_br": pre["br"], "shipped_gz": pre["gz"]})
        out["files"] = files
        out["requests"] = len(files)
        if files:
            out["bytes_raw"] = sum(f["raw"] for f in files)
            out["bytes_gzip"] = sum(f["gzip"] for f in files)
            out["bytes_brotli"] = (sum(f["brotli"] for f in files)
                                   if all(f["brotli"] is not None for f in files) else None)
        elif pats:
            out["na"]["bytes_raw"] = "no resource matched the row's asset patterns"
        else:
            out["bytes_raw"] = out["bytes_gzip"] = out["bytes_brotli"] = 0

        if row.get("accept_all"):
            seed_how = None
            try:
                find_target(d, row["accept_all"]).click()
                ran = await_bench(d, "analyticsPromise", cfg.timeout_s)
                click = d.execute_script("return __bench.acceptClick")
                if ran is not None and click is not None:
                    out["accept_to_analytics_ms"] = ran - click
                    seed_how = "click"
                else:
                    out["na"]["accept_to_analytics_ms"] = (
                        "clicked, but " + ("no click reached the accept-all target" if click is None else
                                           f"the gated tag did not run within {cfg.timeout_s:.0f} s"))
            except Exception as e:
                out["na"]["accept_to_analytics_ms"] = "accept-all not clickable: " + err(e)
            if seed_how is None and row.get("seed_api"):
                r = d.execute_async_script(row["seed_api"])
                if r is True:
                    seed_how = "api"
                    await_bench(d, "analyticsPromise", 2.0)
                    out["na"]["accept_to_analytics_ms"] = (out["na"].get("accept_to_analytics_ms", "")
                                                           + " (returning visitor seeded through the JS API instead)")
                else:
                    out["seed_error"] = f"seed through the API failed: {r}"
            if seed_how:
                time.sleep(0.2)  # let the library finish writing its state
                out["seed"] = {
                    "cookies": d.execute_cdp_cmd("Network.getCookies", {"urls": [cfg.base]})["cookies"],
                    "local_storage": d.execute_script("return Object.fromEntries(Object.entries(localStorage))"),
                }
                out["seed_how"] = seed_how
        out["ok"] = True
    except Exception as e:  # recorded and reported; the run goes on
        out["error"] = err(e)
    finally:
        quit_driver(d)
        shutil.rmtree(prof, ignore_errors=True)
    return out


def cookie_params(c: dict, origin: str) -> dict:
    p = {k: c[k] for k in ("name", "value", "path", "secure", "httpOnly", "sameSite") if k in c}
    if c.get("domain", "").startswith("."):
        p["domain"] = c["domain"]
    else:
        p["url"] = origin
    if not c.get("session", False) and c.get("expires", -1) > 0:
        p["expires"] = c["expires"]
    return p


def apply_seed(d, cfg: Cfg, seed: dict) -> None:
    for c in seed.get("cookies", []):
        d.execute_cdp_cmd("Network.setCookie", cookie_params(c, cfg.base))
    ls = seed.get("local_storage") or {}
    if ls:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source":
            f"(() => {{ const s = {json.dumps(ls)}; for (const k in s)"
            " if (localStorage.getItem(k) === null) localStorage.setItem(k, s[k]); })();"})


def measured_return(d, cfg: Cfg, row: dict, seed: dict, prefix: str, out: dict) -> None:
    warm_up(d, cfg, IDLE_WARM_S if prefix == "warm" else IDLE_S)
    install_observer(d, row)
    apply_seed(d, cfg, seed)
    d.execute_cdp_cmd("Performance.enable", {"timeDomain": "timeTicks"})
    m0 = cdp_metrics(d)
    d.get(cfg.base + row["page"])
    ran = await_bench(d, "analyticsPromise", cfg.timeout_s)
    time.sleep(0.3)
    m1 = cdp_metrics(d)
    out[f"{prefix}_analytics_ms"] = ran
    if ran is None:
        out["na"][f"{prefix}_analytics_ms"] = (f"gated tag did not run within {cfg.timeout_s:.0f} s: "
                                               + page_diagnosis(d, row))
    out[f"{prefix}_script_ms"] = metric_delta(m0, m1, "ScriptDuration")
    out[f"{prefix}_longest_task_ms"], _ = long_tasks(d)
    out[f"{prefix}_banner_shown"] = d.execute_script("return __bench.bannerVisible") is not None
    res = d.execute_script(RESOURCES_JS)
    pats = [re.compile(p) for p in row.get("assets", [])]
    mine = [r for r in res if any(p.search(r["url"]) for p in pats)]
    out[f"{prefix}_files"] = len(mine)
    out[f"{prefix}_from_cache"] = sum(1 for r in mine if r["transfer"] == 0 and r["decoded"] > 0)


def returning_visit(cfg: Cfg, row: dict, seed: dict) -> dict:
    out: dict = {"ok": False, "na": {}}
    prof = tempfile.mkdtemp(prefix="consentry-bench-ret-")
    try:
        d, _ = new_driver(cfg, prof)
        try:
            measured_return(d, cfg, row, seed, "cold", out)
            if cfg.warm:
                for _ in range(WARM_PRIMING_LOADS - 1):  # the cold load was the first priming load
                    d.get(cfg.base + "/pages/blank.html")
                    d.get(cfg.base + row["page"])
                    await_bench(d, "analyticsPromise", cfg.timeout_s)
                time.sleep(0.5)  # code cache is written after execution, off the load path
                d.get(cfg.base + "/pages/blank.html")
        finally:
            quit_driver(d)
        if cfg.warm:
            d, _ = new_driver(cfg, prof)
            try:
                measured_return(d, cfg, row, seed, "warm", out)
            finally:
                quit_driver(d)
            cc = Path(prof) / "Default" / "Code Cache" / "js"
            out["code_cache_bytes"] = sum(f.stat().st_size for f in cc.rglob("*") if f.is_file()) if cc.is_dir() else 0
        out["ok"] = True
    except Exception as e:
        out["error"] = err(e)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    return out


# ----------------------------------------------------------------------------- the run
def foreign_browser_processes() -> int | None:
    """Browser processes on the machine that are not ours (call while none of ours is open)."""
    n = 0
    try:
        for p in Path("/proc").iterdir():
            if p.name.isdigit():
                try:
                    comm = (p / "comm").read_text().strip()
                except OSError:
                    continue
                if comm in ("chromium", "chrome", "firefox-esr", "firefox", "geckodriver", "chromedriver"):
                    n += 1
    except OSError:
        return None
    return n


def run_rows(cfg: Cfg, rows: list[dict], samples: int, warmup_rounds: int = 1, log=print) -> list[dict]:
    """Round-robin over rows for warmup_rounds + samples rounds; returns one result per row."""
    results = [{"row": r, "first": [], "returning": [], "skipped": r.get("skip")} for r in rows]
    active = [r for r in results if not r["skipped"]]
    for i in range(warmup_rounds + samples):
        warm_round = i < warmup_rounds
        k = i % max(1, len(active))
        for r in active[k:] + active[:k]:  # rotate the starting row: no row always runs first
            row = r["row"]
            t0 = time.perf_counter()
            fv = first_visit(cfg, row)
            fv["loadavg1"] = os.getloadavg()[0]
            fv["foreign_browsers"] = foreign_browser_processes()  # ours are all closed at this point
            rv = None
            if row.get("accept_all") is None:
                rv = returning_visit(cfg, row, {})  # baseline: the tag runs unconditionally
            elif fv.get("seed"):
                rv = returning_visit(cfg, row, fv["seed"])
            else:
                rv = {"ok": False, "na": {}, "error": "no returning visit: no 'accepted all' seed ("
                      + (fv.get("seed_error") or fv["na"].get("accept_to_analytics_ms") or fv.get("error") or "?") + ")"}
            fv.pop("seed", None)
            if not warm_round:
                r["first"].append(fv)
                r["returning"].append(rv)
            f = lambda x, nd=0: "–" if x is None else f"{x:.{nd}f}"  # noqa: E731
            errs = [e for e in (fv.get("error"), rv.get("error")) if e] + list(fv["na"].values())[:1]
            log(f"[{'warm-up' if warm_round else f'{i - warmup_rounds + 1}/{samples}'}] {row['name']:22} "
                f"banner {f(fv.get('banner_visible_ms'))} ms, script {f(fv.get('ScriptDuration'), 1)} ms, "
                f"heap {f((fv.get('heap_used_bytes') or 0) / 1048576, 2)} MiB, "
                f"click->tag {f(fv.get('accept_to_analytics_ms'), 1)} ms, "
                f"returning cold {f(rv.get('cold_analytics_ms'))} / warm {f(rv.get('warm_analytics_ms'))} ms "
                f"({time.perf_counter() - t0:.1f} s)" + (f"  !! {errs[0][:160]}" if errs else ""))
    return results


def quantile(xs, p: int):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    if p == 50:
        return statistics.median(xs)
    if len(xs) == 1:
        return xs[0]
    return statistics.quantiles(xs, n=100, method="inclusive")[p - 1]
