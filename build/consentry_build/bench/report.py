"""Statistics and the markdown report of a benchmark run."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .harness import quantile
from .rows import BASELINE, REFERENCE, STAGE1

KIB, MIB = 1024.0, 1048576.0
LEVERS_START = "<!-- levers:start (hand-written; kept when the file is regenerated) -->"
LEVERS_END = "<!-- levers:end -->"

# key, phase, label, scale, decimals, deterministic (one value, no p90)
METRICS = [
    ("bytes_raw", "first", "library bytes, raw (KiB)", 1 / KIB, 1, True),
    ("bytes_gzip", "first", "library bytes, gzip -9 (KiB)", 1 / KIB, 1, True),
    ("bytes_brotli", "first", "library bytes, brotli q11 (KiB)", 1 / KIB, 1, True),
    ("requests", "first", "library requests", 1, 0, True),
    ("banner_visible_ms", "first", "banner visible, first visit, cold (ms)", 1, 0, False),
    ("cold_analytics_ms", "returning", "returning visitor: consented tag ran, cold cache (ms)", 1, 0, False),
    ("warm_analytics_ms", "returning", "returning visitor: consented tag ran, warm HTTP + V8 code cache (ms)", 1, 0, False),
    ("ScriptDuration", "first", "main-thread script time, first visit (ms)", 1, 1, False),
    ("longest_task_ms", "first", "longest task, first visit (ms; 0 = none ≥ 50 ms)", 1, 0, False),
    ("heap_used_bytes", "first", "JS heap after load + forced GC (MiB)", 1 / MIB, 2, False),
    ("heap_delta", "first", "JS heap over the baseline page (MiB)", 1 / MIB, 2, False),
    ("accept_to_analytics_ms", "first", "click accept-all → consented tag ran (ms)", 1, 1, False),
]


def fmt(x, nd=0):
    return "–" if x is None else f"{x:,.{nd}f}"


def values(res: dict, key: str, phase: str, base_heap=None) -> list:
    if key == "heap_delta":
        if base_heap is None:
            return []
        return [s["heap_used_bytes"] - base_heap for s in res["first"] if s.get("heap_used_bytes") is not None]
    return [s.get(key) for s in res[phase] if s.get(key) is not None]


def na_reasons(res: dict, key: str, phase: str) -> Counter:
    c: Counter = Counter()
    for s in res[phase]:
        if s.get(key) is None:
            c[(s.get("na") or {}).get(key) or s.get("error") or "not measured"] += 1
    return c


def stat(res, key, phase, base_heap=None):
    xs = values(res, key, phase, base_heap)
    return quantile(xs, 50), quantile(xs, 90), len(xs)


def applicable(row: dict, key: str) -> bool:
    if key in ("banner_visible_ms", "accept_to_analytics_ms"):
        return bool(row.get("banner") if key == "banner_visible_ms" else row.get("accept_all"))
    if key in ("heap_delta",) and row["name"] == BASELINE:
        return False
    return True


def cell(res, key, phase, scale, nd, det, ref_med, base_heap, notes) -> str:
    row = res["row"]
    if res.get("skipped"):
        return "n/a"
    if not applicable(row, key):
        return "–"
    med, p90, n = stat(res, key, phase, base_heap)
    total = len(res[phase])
    if med is None:
        reasons = na_reasons(res, key, phase) if key != "heap_delta" else Counter({"baseline heap missing": 1})
        notes.append((row["name"], key, reasons))
        return f"n/a [{len(notes)}]"
    s = fmt(med * scale, nd) if det else f"{fmt(med * scale, nd)} / {fmt(p90 * scale, nd)}"
    if ref_med not in (None, 0) and row["name"] not in (REFERENCE, BASELINE) and key != "requests":
        s += f" ({med / ref_med:.2f}×)"
    if n < total:
        notes.append((row["name"], key, na_reasons(res, key, phase)))
        s += f" ({n}/{total}) [{len(notes)}]"
    return s


def build_cell(build: dict | None, row_name: str) -> str:
    if row_name != "consentry":
        return "–"
    if not build or build.get("skipped"):
        return "n/a (build not timed)"
    if build.get("ok"):
        return f"{build['seconds']:.2f}"
    return "n/a (build failed)"


def main_table(results, build, notes, warm=True) -> list[str]:
    by = {r["row"]["name"]: r for r in results}
    base_heap = stat(by[BASELINE], "heap_used_bytes", "first")[0] if BASELINE in by else None
    ref = by.get(REFERENCE)
    names = [r["row"]["name"] for r in results]
    lines = ["| metric (median / p90, (× vanilla-cookieconsent)) | " + " | ".join(names) + " |",
             "|---|" + "--:|" * len(names)]
    for key, phase, label, scale, nd, det in METRICS:
        if key.startswith("warm_") and not warm:
            lines.append(f"| {label} | " + " | ".join(["not measured (warm=False)"] * len(names)) + " |")
            continue
        ref_med = stat(ref, key, phase, base_heap)[0] if ref and not ref.get("skipped") else None
        cells = [cell(r, key, phase, scale, nd, det, ref_med, base_heap, notes) for r in results]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    if any(r["row"]["name"] == "consentry" for r in results):
        lines.append("| `invoke build` wall time, once per run (s) | "
                     + " | ".join(build_cell(build, n) for n in names) + " |")
    return lines


def targets_table(results, build) -> list[str]:
    """The two-stage targets: Consentry as a whole (row ``consentry``) and its first stage alone
    (row ``consentry-stage1``), against vanilla-cookieconsent and the baseline of the same run."""
    by = {r["row"]["name"]: r for r in results}
    c, v, b = by.get("consentry"), by.get(REFERENCE), by.get(BASELINE)
    s1 = by.get(STAGE1)
    if not c or c.get("skipped"):
        return []
    base_heap = stat(b, "heap_used_bytes", "first")[0] if b else None

    def med(r, key, phase="first"):
        return stat(r, key, phase, base_heap)[0] if r and not r.get("skipped") else None

    def ratio(r, key, phase="first"):
        a, z = med(r, key, phase), med(v, key, phase)
        return None if a is None or not z else a / z

    def times(x):
        return fmt(x, 2) + "×" if x is not None else "n/a"

    def ms(x, nd=0):
        return f"{fmt(x, nd)} ms" if x is not None else "n/a"

    rows = []

    def add(name, target, measured, ok, stage1="–"):
        rows.append(f"| {name} | {target} | {measured} | {'–' if ok is None else ('yes' if ok else '**no**')} "
                    f"| {stage1} |")

    for key, lim, name in (("cold_analytics_ms", 1.0, "returning visitor, cold: consented tag ran"),
                           ("warm_analytics_ms", 0.9, "returning visitor, warm")):
        r = ratio(c, key, "returning")
        add(name, f"≤ {lim:g} × vanilla", times(r), None if r is None else r <= lim,
            times(ratio(s1, key, "returning")))
    g = med(s1, "bytes_gzip") if s1 else None
    stage1_gzip = None                # gzip -9 of /consentry.js as the run served it
    for sample in c.get("first", []):
        for f in sample.get("files") or []:
            if f["url"].endswith("/consentry.js") and f.get("local_gzip9"):
                stage1_gzip = f["local_gzip9"]
    add("bytes before the first tag can run (gzip)", "≤ 10 KB (10,000 B)",
        f"{fmt(stage1_gzip)} B" if stage1_gzip is not None else "see the build's manifest",
        None if stage1_gzip is None else stage1_gzip <= 10_000,
        f"{fmt(g)} B with the SDK a first visit loads" if g is not None else "–")
    a, z = med(c, "cold_script_ms", "returning"), med(v, "cold_script_ms", "returning")
    a1 = med(s1, "cold_script_ms", "returning")
    add("returning visitor: main-thread script (cold)", f"≤ vanilla's ({ms(z, 1)})", ms(a, 1),
        None if a1 is None or z is None else a1 <= z, ms(a1, 1) + " (the SDK never loads)")
    r = ratio(c, "banner_visible_ms")
    add("first visit: banner visible", "≤ 1.0 × vanilla", times(r), None if r is None else r <= 1.0)
    a = med(c, "longest_task_ms")
    add("first visit: longest task", "≤ 50 ms", ms(a), None if a is None else a <= 50)
    a = med(c, "accept_to_analytics_ms")
    add("click → tag", "≤ 12 ms", ms(a, 1), None if a is None else a <= 12)
    a, z = med(c, "dcl_ms"), med(b, "dcl_ms")
    add("host page's DOMContentLoaded, first visit", f"≤ baseline + 10 ms ({ms(z)} + 10)",
        ms(a) + (f" (+{fmt(a - z)})" if a is not None and z is not None else ""),
        None if a is None or z is None else a <= z + 10)
    if build and build.get("ok"):
        add("`invoke build`", "≤ 10 s", f"{build['seconds']:.2f} s", build["seconds"] <= 10)
    return ["| target | limit | Consentry (medians) | met | first stage alone (row "
            f"`{STAGE1}`, same run) |", "|---|---|--:|:-:|--:|", *rows]


def details_table(results) -> list[str]:
    lines = ["| row | banner in DOM ms | DOMContentLoaded ms | load ms | V8 compile ms (main thread) "
             "| all main-thread tasks ms | style + layout ms | long tasks (count) | heap without forced GC MiB "
             "| returning cold: script ms / longest task ms | returning warm: script ms / longest task ms "
             "| warm: library files from cache | V8 code cache in profile KiB | tag ran before consent "
             "| banner shown to returning visitor | seed | ok (first, returning) |",
             "|---|" + "--:|" * 16]

    def mp(r, key, phase="first", nd=0, scale=1.0):
        med, p90, n = stat(r, key, phase)
        return "–" if med is None else f"{fmt(med * scale, nd)} / {fmt(p90 * scale, nd)}"

    for r in results:
        row = r["row"]
        if r.get("skipped"):
            lines.append(f"| {row['name']} | " + " | ".join(["n/a"] * 16) + " |")
            continue
        f, rv = r["first"], r["returning"]
        sl = [(s.get("LayoutDuration") or 0) + (s.get("RecalcStyleDuration") or 0) for s in f if s.get("ok")]
        sl_med = quantile(sl, 50)
        cached = [(s.get("warm_from_cache"), s.get("warm_files")) for s in rv if s.get("warm_files") is not None]
        cached_s = (f"{sum(a for a, _ in cached)}/{sum(b for _, b in cached)}" if cached else "–")
        leak = sum(1 for s in f if s.get("analytics_before_consent"))
        again = sum(1 for s in rv if s.get("cold_banner_shown") or s.get("warm_banner_shown"))
        seeds = Counter(s.get("seed_how") or "none" for s in f)
        has_consent = bool(row.get("accept_all"))
        lines.append(
            f"| {row['name']} | {mp(r, 'banner_in_dom_ms') if row.get('banner') else '–'} | {mp(r, 'dcl_ms')} "
            f"| {mp(r, 'load_ms')} | {mp(r, 'V8CompileDuration', nd=1)} | {mp(r, 'TaskDuration')} "
            f"| {fmt(sl_med, 1)} | {fmt(quantile([s.get('long_tasks') for s in f], 50))} "
            f"| {fmt((quantile([s.get('heap_used_bytes_nogc') for s in f], 50) or 0) / MIB, 2)} "
            f"| {fmt(quantile([s.get('cold_script_ms') for s in rv], 50), 1)} / {fmt(quantile([s.get('cold_longest_task_ms') for s in rv], 50))} "
            f"| {fmt(quantile([s.get('warm_script_ms') for s in rv], 50), 1)} / {fmt(quantile([s.get('warm_longest_task_ms') for s in rv], 50))} "
            f"| {cached_s} | {fmt((quantile([s.get('code_cache_bytes') for s in rv], 50) or 0) / KIB, 0)} "
            f"| {leak if has_consent else '–'} | {again if has_consent else '–'} "
            f"| {', '.join(f'{k} {v}' for k, v in seeds.items()) if has_consent else '–'} "
            f"| {sum(1 for s in f if s.get('ok'))}/{len(f)}, {sum(1 for s in rv if s.get('ok'))}/{len(rv)} |")
    return lines


def files_table(results) -> list[str]:
    lines = ["| row | file | raw B | gzip -9 B (served) | brotli q11 B (local) | precompressed `.br` / `.gz` next to the file B |",
             "|---|---|--:|--:|--:|--:|"]
    for r in results:
        s = next((s for s in r["first"] if s.get("files")), None)
        for fl in (s or {}).get("files", []):
            pre = ("–" if fl.get("shipped_br") is None and fl.get("shipped_gz") is None
                   else f"{fmt(fl.get('shipped_br'))} / {fmt(fl.get('shipped_gz'))}")
            lines.append(f"| {r['row']['name']} | `{fl['url']}` | {fmt(fl['raw'])} | {fmt(fl['gzip'])} "
                         f"| {fmt(fl['brotli'])} | {pre} |")
    return lines


def header(meta: dict) -> list[str]:
    la = meta.get("loadavg", {})
    vers = ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items())
    b = meta.get("bundle") or {}
    return [
        f"- date: {meta['date']}; repository at `{meta.get('git', '?')}`",
        f"- browser: Chromium {meta.get('browser', '?')} (headless=new), {meta.get('chromedriver', '?')}, "
        f"Selenium {meta.get('selenium', '?')}, Python {meta.get('python', '?')}",
        f"- machine: {meta.get('cpu', '?')}, {meta.get('memory', '?')} RAM, {meta.get('os', '?')}",
        f"- 1-minute load average: {fmt(la.get('before'), 2)} before the run; during the run median "
        f"{fmt(la.get('median'), 2)}, max {fmt(la.get('max'), 2)} on {meta.get('cores', '?')} cores "
        "(the research's anchor harness, which also starts a Chromium per session, showed about 4-5 alone on "
        "this machine; clearly more means another workload competed); other browser/driver processes on the machine between samples "
        f"(none of ours open): median {fmt((meta.get('foreign_browsers') or {}).get('median'))}, "
        f"max {fmt((meta.get('foreign_browsers') or {}).get('max'))}",
        f"- samples: N = {meta['samples']} per row, rows round-robin, after {meta['warmup_rounds']} untimed round; "
        f"warm-cache returning visitor: {'measured' if meta['warm'] else 'not measured (warm=False)'}",
        f"- CPU throttling: {meta['cpu_throttle']:g}× (CDP Emulation.setCPUThrottlingRate); network: loopback, unthrottled",
        f"- libraries: {vers}",
        f"- bundle: `{b.get('path', '?')}`" + (f", {b['bytes']:,} B, sha256 {b.get('sha256', '?')[:16]}…, built {b['mtime']}; "
                                               "a copy taken at the start of the run was measured"
                                               + (" (the file in dist/ was rebuilt during the run)" if b.get("changed_during_run") else "")
                                               if b.get("bytes") else " (missing)"),
        f"- total wall time: {meta.get('wall_min', 0):.1f} min",
    ]


def render(results: list[dict], build: dict | None, meta: dict, method_md: str, levers: str | None) -> str:
    notes: list = []
    main = main_table(results, build, notes, warm=meta.get("warm", True))
    out = [
        "# Consentry performance",
        "",
        "Generated by `invoke bench --out docs/performance.md` (`consentry_build.bench.run`); the sections "
        "between the markers at the end are hand-written and kept when the file is regenerated. "
        "Method and metric definitions: [Method](#method).",
        "",
        "## Latest run",
        "",
        *header(meta),
        "",
        *main,
        "",
        "Cells: median / p90 of the N samples; (×) = ratio of the medians to vanilla-cookieconsent's; "
        "`(k/N)` = only k samples gave a value; `[n]` = see note n below; `–` = does not apply to the row. "
        "Byte rows are deterministic: one value.",
        "",
    ]
    if build is not None:
        if build.get("skipped"):
            out += [f"Build: not timed ({build.get('reason', 'build_cmd disabled')}).", ""]
        elif build.get("ok"):
            out += [f"Build: `{build['cmd']}` took {build['seconds']:.2f} s (wall, once, before the browser runs, "
                    "not CPU-throttled).", ""]
        else:
            out += [f"Build: `{build['cmd']}` **failed** (exit {build.get('rc')}) after {build.get('seconds', 0):.1f} s; "
                    f"the build column is skipped. Last output: `{build.get('tail', '').strip()[-300:]}`", ""]
    tt = targets_table(results, build)
    if tt:
        out += ["### Consentry against its targets", "", *tt, "",
                "KB = 1000 bytes (the stricter reading). Ratios and limits use the medians of this run.", ""]
    if notes:
        out += ["### Notes on missing values", ""]
        for i, (name, key, reasons) in enumerate(notes, 1):
            rs = "; ".join(f"{why} ({n}×)" for why, n in reasons.most_common(3))
            out.append(f"{i}. {name}, `{key}`: {rs}")
        out.append("")
    skipped = [r for r in results if r.get("skipped")]
    for r in skipped:
        out += [f"- row **{r['row']['name']}** not run: {r['skipped']}"]
    if skipped:
        out.append("")
    errs = []
    for r in results:
        for phase in ("first", "returning"):
            for s in r[phase]:
                if s.get("error"):
                    errs.append(f"{r['row']['name']} ({phase}): {s['error']}")
    if errs:
        out += ["### Errors", ""] + [f"- {e} ({n}×)" for e, n in Counter(errs).most_common(20)] + [""]
    out += ["### Details (median / p90)", "", *details_table(results), "",
            "### Files (first successful sample)", "", *files_table(results), ""]
    out += [method_md.strip(), ""]
    out += [LEVERS_START, (levers or "## Levers\n\n(What each optimisation gave, measured with this harness: hand-written.)").strip(),
            LEVERS_END, ""]
    return "\n".join(out)


def kept_levers(path: Path) -> str | None:
    try:
        text = path.read_text()
    except OSError:
        return None
    i, j = text.find(LEVERS_START), text.find(LEVERS_END)
    if i < 0 or j < i:
        return None
    return text[i + len(LEVERS_START):j].strip("\n")
