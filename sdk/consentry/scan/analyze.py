"""The functional core of a scan: observations in, the report's states and findings out.

No browser and no I/O: :mod:`consentry.scan.crawl` records what the browser saw (CDP cookies,
requests, storage names, DOM facts) and this module decides what it means against the site's
configuration and the tracker table. Everything here is a pure function of its arguments, so
every rule is unit-tested on hand-written observations.
"""

from __future__ import annotations

import copy
import datetime
import ipaddress

from consentry.engine import config as engine_config
from consentry.engine import schema
from consentry.engine.util import only_chars

from . import trackers

SEVERITIES = ("high", "medium", "low", "info")
STATES = ("no-choice", "reject-all", "accept-all")


# ---------------------------------------------------------------------------- sites
def site_base(host: str) -> str:
    """The host a site's own subdomains hang off (``www.`` dropped); an IP address is itself."""
    host = host.lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        return host[4:] if host.startswith("www.") else host


def same_site(host: str, site_host: str) -> bool:
    """Whether ``host`` belongs to the scanned site (the host, or a subdomain of its base)."""
    host, base = host.lower().lstrip(".").rstrip("."), site_base(site_host)
    return host == site_host.lower() or host == base or host.endswith("." + base)


# ---------------------------------------------------------------------------- declarations
def declared_in(config: dict, name: str) -> dict | None:
    """``{"category", "service", "basis"}`` of the category (or service) declaring cookie ``name``."""
    for cat in config["categories"]:
        for entry in cat["cookies"]:
            if engine_config.cookie_matches(entry, name):
                return {"category": cat["id"], "service": None, "basis": cat["basis"]}
        for svc in cat["services"]:
            for entry in svc["cookies"]:
                if engine_config.cookie_matches(entry, name):
                    return {"category": cat["id"], "service": svc["id"], "basis": cat["basis"]}
    return None


def _iso(epoch) -> str | None:
    if epoch is None or epoch < 0:
        return None
    try:
        return datetime.datetime.fromtimestamp(epoch, datetime.timezone.utc).replace(microsecond=0).isoformat()
    except (OverflowError, OSError, ValueError):
        return None


def cookie_row(cookie: dict, site_host: str, config: dict, setters: dict) -> dict:
    """One report row for a CDP cookie."""
    name, domain = cookie["name"], cookie.get("domain", "")
    known = trackers.cookie_vendor(name)
    declared = declared_in(config, name)
    return {
        "name": name, "domain": domain, "path": cookie.get("path", "/"),
        "expires": None if cookie.get("session") else _iso(cookie.get("expires")),
        "httpOnly": bool(cookie.get("httpOnly")), "secure": bool(cookie.get("secure")),
        "sameSite": cookie.get("sameSite"), "thirdParty": not same_site(domain, site_host),
        "setBy": setters.get(name, []),
        "vendor": known and known["vendor"], "vendorCategory": known and known["category"],
        "declared": declared,
    }


def necessary(row: dict) -> bool:
    """Storage that needs no consent: declared under a necessary category, or a consent
    manager's own record (the table's necessary entries)."""
    if row.get("declared"):
        return row["declared"]["basis"] == "necessary"
    return row.get("vendorCategory") == "necessary"


def storage_row(item: dict, site_host: str, config: dict) -> dict:
    from urllib.parse import urlsplit

    known = trackers.cookie_vendor(item["name"])
    return {**item, "thirdParty": not same_site(urlsplit(item["origin"]).hostname or "", site_host),
            "vendor": known and known["vendor"], "vendorCategory": known and known["category"],
            "declared": declared_in(config, item["name"])}


def request_row(req: dict) -> dict:
    known = trackers.host_vendor(req["host"])
    return {**req, "vendor": known and known["vendor"], "vendorCategory": known and known["category"]}


# ---------------------------------------------------------------------------- states
def setters_of(raw_state: dict) -> dict:
    """Cookie name -> where it was set: ``response <url>`` or ``script <url>`` (de-duplicated)."""
    out: dict = {}
    for sc in raw_state.get("setCookies", []):
        out.setdefault(sc["name"], [])
        label = "response " + (sc["url"] or "?")
        if label not in out[sc["name"]]:
            out[sc["name"]].append(label)
    for page in raw_state.get("pages", []):
        for write in (page.get("facts") or {}).get("cookieWrites", []):
            label = "script " + (write.get("script") or "(inline or unknown)")
            out.setdefault(write["name"], [])
            if label not in out[write["name"]]:
                out[write["name"]].append(label)
    return out


def build_state(raw_state: dict, site_host: str, config: dict) -> dict:
    """The report's view of one state: rows for cookies, storage, other-site requests, gated elements."""
    setters = setters_of(raw_state)
    cookies = [cookie_row(c, site_host, config, setters) for c in raw_state.get("cookies", [])]
    storage = [storage_row(s, site_host, config) for s in raw_state.get("storage", [])]
    requests = [request_row(r) for r in raw_state.get("requests", []) if not same_site(r["host"], site_host)]
    gated = {"ran": [], "inert": []}
    seen = set()
    for page in raw_state.get("pages", []):
        for el in (page.get("facts") or {}).get("gated", []):
            key = (el["tag"], el["category"], el.get("service"), el.get("src"), el["ran"])
            if key not in seen:
                seen.add(key)
                gated["ran" if el["ran"] else "inert"].append(
                    {k: el.get(k) for k in ("tag", "category", "service", "src", "state")})
    pages = [{k: p.get(k) for k in ("url", "finalUrl", "title", "timedOut", "error")} for p in raw_state.get("pages", [])]
    return {"status": raw_state["status"], "reason": raw_state.get("reason"), "pages": pages,
            "cookies": cookies, "storage": storage, "requests": requests, "gated": gated}


# ---------------------------------------------------------------------------- findings
def _finding(rule, severity, state, title, detail, items, **extra) -> dict:
    return {"rule": rule, "severity": severity, "state": state, "title": title, "detail": detail,
            "items": items, **extra}


def _label(row: dict) -> str:
    if "domain" in row:
        what = "cookie %s (%s)" % (row["name"], row["domain"])
    else:
        what = "%s %s (%s)" % (row["kind"], row["name"], row["origin"])
    return what + (" - %s" % row["vendor"] if row.get("vendor") else "")


def _req_label(row: dict) -> str:
    by = row["initiator"]
    who = by["url"] if by.get("url") else by["type"]
    return "%s %s, initiated by %s%s" % (row["method"], row["url"], who,
                                         " - %s" % row["vendor"] if row.get("vendor") else "")


def before_choice(state: dict) -> list[dict]:
    """Storage and other-site requests in the no-choice state beyond what is declared necessary."""
    stored = [r for r in state["cookies"] + state["storage"] if not necessary(r)]
    out = []
    known = [r for r in stored if r.get("vendorCategory")]
    unknown = [r for r in stored if not r.get("vendorCategory")]
    if known:
        out.append(_finding("tracker-storage-before-choice", "high", "no-choice",
                            "Known tracker storage before a choice",
                            "A visitor who has not chosen yet already carries a well-known tracker's cookie or storage.",
                            [_label(r) for r in known]))
    if unknown:
        out.append(_finding("storage-before-choice", "medium", "no-choice", "Storage before a choice",
                            "Stored before the visitor chose, and not declared under a necessary category.",
                            [_label(r) for r in unknown]))
    known_req = [r for r in state["requests"] if r.get("vendor")]
    other_req = [r for r in state["requests"] if not r.get("vendor")]
    if known_req:
        out.append(_finding("tracker-request-before-choice", "high", "no-choice",
                            "Known tracker contacted before a choice",
                            "The page asked a well-known tracker's host for something before the visitor chose.",
                            [_req_label(r) for r in known_req]))
    if other_req:
        out.append(_finding("third-party-request-before-choice", "medium", "no-choice",
                            "Other sites contacted before a choice",
                            "Requests to other sites before the visitor chose (each tells that site the visitor's IP address).",
                            [_req_label(r) for r in other_req]))
    return out


def after_reject(state: dict) -> list[dict]:
    """Everything non-necessary present or requested after Reject all."""
    stored = [r for r in state["cookies"] + state["storage"] if not necessary(r)]
    items = [_label(r) for r in stored] + [_req_label(r) for r in state["requests"]]
    if not items:
        return []
    return [_finding("survives-reject", "high", "reject-all", "Survives Reject all",
                     "Still stored, or requested from another site, after the visitor clicked Reject all.", items)]


def _pages_where(raw_state: dict, test) -> list[str]:
    return [p["url"] for p in raw_state.get("pages", []) if p.get("facts") and test(p["facts"])]


def page_checks(raw_state: dict, config: dict, requests: list[dict], manager: bool) -> list[dict]:
    """Script order, the settings link and Consent Mode, from the no-choice pages' DOM facts."""
    out = []
    late = _pages_where(raw_state, lambda f: f.get("consentryScript") and not f.get("consentryFirst"))
    if late:
        out.append(_finding("consentry-not-first", "medium", "no-choice", "Consentry is not the first script",
                            "Scripts before consentry.js run before any gate exists; move it to the top of <head>.",
                            late))
    if manager:
        missing = _pages_where(raw_state, lambda f: not f.get("settingsLink"))
        if missing:
            out.append(_finding("no-settings-link", "medium", "no-choice", "No cookie settings link",
                                "Visitors must be able to change their choice from every page, e.g. "
                                "<a href=\"#\" data-consentry=\"preferences\">Cookie settings</a>.", missing))
    google = any((r.get("vendor") or "").startswith("Google") for r in requests)
    consentry_cm = config["consentMode"]["enabled"]
    wanted = lambda f: (f["consentMode"]["dataLayer"] or google or (f.get("consentry") and consentry_cm))  # noqa: E731
    missing_cm = _pages_where(raw_state, lambda f: wanted(f) and f["consentMode"]["defaultAt"] < 0)
    late_cm = _pages_where(raw_state, lambda f: wanted(f) and 0 <= f["consentMode"]["firstOtherAt"] < f["consentMode"]["defaultAt"])
    if missing_cm:
        out.append(_finding("consent-mode-missing", "medium", "no-choice", "Consent Mode default missing",
                            "Google tags are (or may be) used but dataLayer has no gtag('consent', 'default', ...).",
                            missing_cm))
    if late_cm:
        out.append(_finding("consent-mode-late", "medium", "no-choice", "Consent Mode default too late",
                            "Another dataLayer entry comes before gtag('consent', 'default', ...): tags may "
                            "run before they know the consent state.", late_cm))
    return out


# ---------------------------------------------------------------------------- suggestion
def suggest_category(config: dict, row: dict, unconsented: bool) -> str:
    """Where an undeclared cookie most likely belongs (the table's category when the site has it)."""
    ids = [c["id"] for c in config["categories"]]
    if row.get("vendorCategory") in ids:
        return row["vendorCategory"]
    basis = "necessary" if unconsented else "consent"
    for cat in config["categories"]:
        if cat["basis"] == basis:
            return cat["id"]
    return ids[0]


def undeclared(states: dict, raw_config: dict, config: dict) -> list[dict]:
    """First-party cookies no category declares, with a configuration fragment declaring them,
    checked by the engine's own validator (the same one the build and the browser use)."""
    rows: dict = {}
    unconsented: set = set()
    for name, state in states.items():
        if state["status"] != "done":
            continue
        for row in state["cookies"]:
            if row["thirdParty"] or row["declared"]:
                continue
            rows.setdefault(row["name"], row)
            if name in ("no-choice", "reject-all"):
                unconsented.add(row["name"])
    if not rows:
        return []
    categories = copy.deepcopy(raw_config.get("categories") or [])
    by_id = {c.get("id"): c for c in categories if isinstance(c, dict)}
    placed = {}
    for name, row in sorted(rows.items()):
        # what the configuration's schema allows a cookie name to be
        if len(name) > schema.COOKIES["nameMax"] or not only_chars(name, schema.TOKEN_CHARS):
            continue   # the configuration cannot name it; listed as such below
        target = suggest_category(config, row, name in unconsented)
        cat = by_id.get(target)
        if cat is None:
            continue
        cat.setdefault("cookies", [])
        cat["cookies"] = list(cat["cookies"]) + [name]
        placed[name] = target
    fragment = {"categories": categories}
    result = engine_config.validate(engine_config.merge(raw_config, fragment))
    valid = not result["errors"]
    items = ["%s -> %s%s" % (name, placed.get(name, "(cannot be declared: not a valid cookie name)"), " (%s)" % rows[name]["vendor"] if rows[name].get("vendor") else "")
             for name in sorted(rows)]
    return [_finding("undeclared-cookie", "low", "all", "Cookies no category declares",
                     "Declare them (or remove the code that sets them) so the preferences panel tells "
                     "visitors the truth. Review each suggested category.",
                     items, suggestion={"fragment": fragment, "valid": valid,
                                        "errors": [e["path"] + ": " + e["message"] for e in result["errors"]]})]


# ---------------------------------------------------------------------------- report
def analyze(raw: dict, raw_config: dict, config: dict, fail_on: str) -> dict:
    """The report dict (see docs/scan.md for the schema) from the crawl's observations."""
    site_host = raw["siteHost"]
    states = {}
    raw_states = {s["name"]: s for s in raw["states"]}
    for name in STATES:
        if name in raw_states:
            states[name] = build_state(raw_states[name], site_host, config)
    first = raw_states["no-choice"]["pages"][0].get("facts") or {} if raw_states["no-choice"]["pages"] else {}
    nc = states["no-choice"]
    all_cookie_rows = [r for s in states.values() for r in s["cookies"]]
    manager_vendors = sorted({r["vendor"] for r in all_cookie_rows if r.get("vendorCategory") == "necessary" and r.get("vendor")})
    manager = "Consentry" if first.get("consentry") else (manager_vendors[0] if manager_vendors else None)
    findings = before_choice(nc)
    if "reject-all" in states and states["reject-all"]["status"] == "done":
        findings += after_reject(states["reject-all"])
    for name in ("reject-all", "accept-all"):
        if first.get("consentry") and name in states and states[name]["status"] != "done":
            findings.append(_finding("choice-not-recorded", "medium", name, "A choice could not be made",
                                     "Consentry is on the page but the scan could not record this choice "
                                     "with its banner, so visitors probably cannot either.",
                                     [states[name]["reason"] or "unknown"]))
    findings += page_checks(raw_states["no-choice"], config, nc["requests"], manager is not None)
    findings += undeclared(states, raw_config, config)
    findings.sort(key=lambda f: SEVERITIES.index(f["severity"]))
    counts = {s: sum(1 for f in findings if f["severity"] == s) for s in SEVERITIES}
    failing = [f for f in findings if fail_on != "none" and SEVERITIES.index(f["severity"]) <= SEVERITIES.index(fail_on)]
    return {
        "schema": "consentry-scan/1",
        "url": raw["url"],
        "site": site_host,
        "startedAt": raw["startedAt"],
        "seconds": raw["seconds"],
        "browser": raw["browser"],
        "options": raw["options"],
        "consentManager": manager,
        "config": raw["configSource"],
        "summary": {"passed": not failing, "failOn": fail_on, "counts": counts,
                    "pages": len(nc["pages"]),
                    "states": {n: {"status": s["status"], "cookies": len(s["cookies"]), "storage": len(s["storage"]),
                                   "otherSiteRequests": len(s["requests"]), "gatedRan": len(s["gated"]["ran"]),
                                   "gatedInert": len(s["gated"]["inert"])} for n, s in states.items()}},
        "findings": findings,
        "states": states,
        "skipped": raw["skipped"],
        "robots": raw["robots"],
    }


def exit_status(report: dict) -> int:
    """0 when no finding reaches ``--fail-on``, else 1 (2 is for errors, decided by the CLI)."""
    return 0 if report["summary"]["passed"] else 1
