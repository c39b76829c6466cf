"""Write a scan's report: ``report.json``, the screenshots, a self-contained ``report.html``, and
the one-screen console summary. Every string from the scanned site is escaped on the way into
HTML (``html.escape``); the page has no script at all."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

STATE_TITLES = {"no-choice": "No choice", "reject-all": "After Reject all", "accept-all": "After Accept all"}
SHOT_TITLES = {"page": "Start page", "banner": "Banner", "panel": "Preferences panel"}

CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6em;margin:.2em 0}h2{margin-top:1.6em;border-bottom:2px solid #dde1e6;padding-bottom:.2em}
.verdict{padding:14px 18px;border-radius:8px;font-weight:600;font-size:1.15em}
.pass{background:#dff5e3;color:#0d5a1c}.fail{background:#fde2e1;color:#8a1212}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:14px 0}
.card{background:#fff;border:1px solid #dde1e6;border-radius:8px;padding:10px 14px;min-width:150px}
.card b{display:block;font-size:1.5em}
table{border-collapse:collapse;width:100%;background:#fff;margin:8px 0 16px;font-size:.9em}
th,td{border:1px solid #dde1e6;padding:5px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#eef0f3}
.sev{display:inline-block;border-radius:4px;padding:1px 7px;font-size:.8em;font-weight:700;text-transform:uppercase}
.high{background:#b3261e;color:#fff}.medium{background:#e8a100;color:#1b1f24}.low{background:#3b6fb6;color:#fff}.info{background:#888;color:#fff}
.finding{background:#fff;border:1px solid #dde1e6;border-left-width:6px;border-radius:6px;padding:8px 14px;margin:10px 0}
.f-high{border-left-color:#b3261e}.f-medium{border-left-color:#e8a100}.f-low{border-left-color:#3b6fb6}.f-info{border-left-color:#888}
pre{background:#f0f2f5;padding:10px;overflow:auto;font-size:.85em}
figure{display:inline-block;margin:0 16px 16px 0;vertical-align:top}
figure img{max-width:520px;border:1px solid #ccc;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.muted{color:#5b636d}
"""


def write(report: dict, shots: dict, out_dir: Path) -> dict:
    """Write everything into ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = {}
    for key, png in shots.items():
        names[key] = "%s.png" % key
        (out_dir / names[key]).write_bytes(png)
    report["screenshots"] = names
    (out_dir / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / "report.html").write_text(render_html(report, shots), encoding="utf-8")
    return {"json": out_dir / "report.json", "html": out_dir / "report.html"}


def console_summary(report: dict, out_dir: Path | None = None) -> str:
    s = report["summary"]
    lines = ["consentry scan %s: %s (%d page%s, %.0fs, consent manager: %s)" % (
        report["url"], "PASS" if s["passed"] else "FAIL (findings at or above %s)" % s["failOn"],
        s["pages"], "" if s["pages"] == 1 else "s", report["seconds"], report["consentManager"] or "none found")]
    for name, st in s["states"].items():
        if st["status"] != "done":
            reason = report["states"][name]["reason"]
            lines.append("  %-12s not run: %s" % (name, reason))
        else:
            lines.append("  %-12s %3d cookies  %3d storage  %3d other-site requests  gated: %d ran, %d inert" % (
                name, st["cookies"], st["storage"], st["otherSiteRequests"], st["gatedRan"], st["gatedInert"]))
    for f in report["findings"]:
        first = f["items"][0] if f["items"] else ""
        more = " (+%d more)" % (len(f["items"]) - 1) if len(f["items"]) > 1 else ""
        lines.append("  [%s] %s: %s%s" % (f["severity"].upper(), f["title"], first[:90], more))
    lines.append("  robots.txt %s" % robots_summary(report["robots"]))
    if report["skipped"]:
        lines.append("  skipped: %d item(s) (limits, robots.txt; see the report)" % len(report["skipped"]))
    if out_dir is not None:
        lines.append("  report: %s" % (out_dir / "report.html"))
    return "\n".join(lines)


def robots_summary(robots: dict) -> str:
    """One sentence: what the site's robots.txt said and what the scan did with it."""
    answer = "HTTP %d" % robots["status"] if robots["status"] else "no answer"
    if robots["error"]:
        answer += " (%s)" % robots["error"]
    said = {"rules": "%d rule(s) for user-agent %s" % (robots["rules"], robots["group"]) if robots["group"]
            else "no group for the scanner or *",
            "unavailable": "unavailable, so everything is allowed (RFC 9309)",
            "unreachable": "unreachable, so everything is disallowed (RFC 9309)",
            "redirected": "redirected where the scan does not follow, so everything is disallowed"
            }[robots["outcome"]]
    if robots["truncated"]:
        said += ", read up to the size limit"
    if robots["ignored"]:
        done = "ignored (--ignore-robots)" + (
            "; the start page is disallowed by %s" % robots["startDisallowedBy"] if robots["startDisallowedBy"] else "")
    else:
        done = "rules applied" if robots["rulesApplied"] else "nothing restricted"
    delay = "%gs between page loads (Crawl-delay: %s)" % (
        robots["delayUsed"], "%gs" % robots["crawlDelay"] if robots["crawlDelay"] is not None else "none")
    return "%s: %s, %s; %s; %s" % (robots["url"], answer, said, done, delay)


# ---------------------------------------------------------------------------- HTML
def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _table(headers: list[str], rows: list[list], empty: str) -> str:
    if not rows:
        return "<p class=muted>%s</p>" % _e(empty)
    head = "".join("<th>%s</th>" % _e(h) for h in headers)
    body = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % _e(c) for c in row) for row in rows)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (head, body)


def _declared(row) -> str:
    d = row.get("declared")
    if not d:
        return "not declared"
    return d["category"] + ("/" + d["service"] if d["service"] else "")


def _state_html(name: str, st: dict) -> str:
    parts = ["<h2 id=\"%s\">%s</h2>" % (_e(name), _e(STATE_TITLES[name]))]
    if st["status"] != "done":
        return parts[0] + "<p class=muted>Not run: %s</p>" % _e(st["reason"])
    parts.append("<p class=muted>Pages: %s</p>" % _e(", ".join(p["url"] for p in st["pages"])))
    parts.append("<h3>Cookies</h3>" + _table(
        ["name", "domain", "expires", "flags", "set by", "likely vendor", "declared"],
        [[c["name"], c["domain"] + (" (other site)" if c["thirdParty"] else ""), c["expires"] or "session",
          " ".join(f for f, on in (("HttpOnly", c["httpOnly"]), ("Secure", c["secure"]), (c["sameSite"] or "", True)) if on and f),
          "; ".join(c["setBy"]) or "unknown", c["vendor"] and "%s (%s)" % (c["vendor"], c["vendorCategory"]) or "",
          _declared(c)] for c in st["cookies"]], "No cookies."))
    parts.append("<h3>Storage</h3>" + _table(
        ["kind", "name", "origin", "likely vendor", "declared"],
        [[s["kind"], s["name"], s["origin"], s["vendor"] or "", _declared(s)] for s in st["storage"]],
        "No localStorage, sessionStorage or IndexedDB."))
    parts.append("<h3>Requests to other sites</h3>" + _table(
        ["request", "initiated by", "on page", "likely vendor", "outcome"],
        [[r["method"] + " " + r["url"], r["initiator"]["url"] or r["initiator"]["type"], r["page"],
          r["vendor"] or "", r["error"] or "sent"] for r in st["requests"]],
        "No requests to other sites."))
    gated = [["ran", g["tag"], g["category"], g["service"] or "", g["src"] or "(inline)", g["state"] or ""] for g in st["gated"]["ran"]]
    gated += [["inert", g["tag"], g["category"], g["service"] or "", g["src"] or "(inline)", g["state"] or ""] for g in st["gated"]["inert"]]
    parts.append("<h3>Gated elements</h3>" + _table(["", "element", "category", "service", "source", "state"], gated,
                                                    "No element with data-category."))
    return "\n".join(parts)


def _finding_html(f: dict) -> str:
    items = "".join("<li>%s</li>" % _e(i) for i in f["items"][:200])
    if len(f["items"]) > 200:
        items += "<li>... %d more in report.json</li>" % (len(f["items"]) - 200)
    out = "<div class=\"finding f-%s\"><p><span class=\"sev %s\">%s</span> <b>%s</b> <span class=muted>(%s)</span></p><p>%s</p><ul>%s</ul>" % (
        _e(f["severity"]), _e(f["severity"]), _e(f["severity"]), _e(f["title"]), _e(STATE_TITLES.get(f["state"], "every state")),
        _e(f["detail"]), items)
    if "suggestion" in f:
        sugg = f["suggestion"]
        out += "<p>Suggested configuration fragment (%s):</p><pre>%s</pre>" % (
            "valid: checked by Consentry's validator" if sugg["valid"] else "INVALID: " + _e("; ".join(sugg["errors"])),
            _e(json.dumps(sugg["fragment"], indent=1, ensure_ascii=False)))
    return out + "</div>"


def _robots_html(robots: dict) -> str:
    rows = [["URL", robots["url"]],
            ["HTTP status", robots["status"] if robots["status"] else "no answer"],
            ["error", robots["error"] or ""],
            ["outcome", robots["outcome"] + (" (read up to the size limit)" if robots["truncated"] else "")],
            ["group used", robots["group"] or "none"],
            ["rules in that group", robots["rules"]],
            ["rules applied", "yes" if robots["rulesApplied"] else "no"],
            ["--ignore-robots", "yes" if robots["ignored"] else "no"],
            ["start page disallowed by", robots["startDisallowedBy"] or "nothing"],
            ["Crawl-delay in the file", "none" if robots["crawlDelay"] is None else "%gs" % robots["crawlDelay"]],
            ["delay between page loads used", "%gs" % robots["delayUsed"]]]
    return "<p>%s</p>%s" % (_e(robots_summary(robots)), _table(["", ""], rows, ""))


def render_html(report: dict, shots: dict) -> str:
    s = report["summary"]
    verdict = ("<div class=\"verdict pass\">Pass: no finding at or above &ldquo;%s&rdquo;</div>" % _e(s["failOn"])
               if s["passed"] else
               "<div class=\"verdict fail\">Fail: findings at or above &ldquo;%s&rdquo;</div>" % _e(s["failOn"]))
    cards = "".join("<div class=card>%s<b>%d</b></div>" % (_e(sev), n) for sev, n in s["counts"].items())
    rows = [[STATE_TITLES[n], st["status"], st["cookies"], st["storage"], st["otherSiteRequests"],
             "%d ran / %d inert" % (st["gatedRan"], st["gatedInert"])] for n, st in s["states"].items()]
    figures = "".join(
        "<figure><img alt=\"%s\" src=\"data:image/png;base64,%s\"><figcaption>%s</figcaption></figure>" % (
            _e(SHOT_TITLES.get(k, k)), base64.b64encode(png).decode("ascii"), _e(SHOT_TITLES.get(k, k)))
        for k, png in shots.items())
    skipped = _table(["state", "what", "why"], [[x["state"], x["what"], x["why"]] for x in report["skipped"]],
                     "Nothing was skipped.")
    return """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Consentry scan: %(site)s</title><style>%(css)s</style></head>
<body><main>
<h1>Cookie and tracker scan</h1>
<p class=muted>%(url)s &middot; %(when)s &middot; %(secs)ss &middot; %(browser)s &middot; consent manager: %(cm)s &middot; configuration: %(cfg)s</p>
%(verdict)s
<div class=cards>%(cards)s</div>
%(states)s
<h2>Findings</h2>%(findings)s
<h2>Screenshots</h2>%(figures)s
%(tables)s
<h2>robots.txt</h2>%(robots)s
<h2>Skipped by the scan's limits and robots.txt</h2>%(skipped)s
</main></body></html>
""" % {
        "site": _e(report["site"]), "css": CSS, "url": _e(report["url"]), "when": _e(report["startedAt"]),
        "secs": _e(report["seconds"]), "browser": _e(report["browser"]), "cm": _e(report["consentManager"] or "none found"),
        "cfg": _e(report["config"]), "verdict": verdict, "cards": cards,
        "states": _table(["state", "status", "cookies", "storage", "other-site requests", "gated elements"], rows, ""),
        "findings": "".join(_finding_html(f) for f in report["findings"]) or "<p>No findings.</p>",
        "figures": figures or "<p class=muted>No screenshots.</p>",
        "tables": "\n".join(_state_html(n, st) for n, st in report["states"].items()),
        "skipped": skipped,
        "robots": _robots_html(report["robots"]),
    }
