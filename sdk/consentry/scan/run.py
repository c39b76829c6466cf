"""The ``consentry scan`` command: check the arguments, read robots.txt, crawl, analyze, write, pick
the exit status."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

from consentry.engine import config as engine_config

from . import analyze, report, robots, robots_fetch
from .browser import USER_AGENT_TAG, BrowserError
from .crawl import Limits, ScanError, scan

BUILTIN = Path(__file__).resolve().parents[1] / "data" / "default-config.json"


class UsageError(Exception):
    """Bad arguments or a bad configuration file: exit status 2, nothing scanned."""


def site_config(path: str | None) -> tuple[dict, str]:
    """The raw configuration the scan judges against: the built-in one, with ``path`` merged over it."""
    raw = json.loads(BUILTIN.read_text(encoding="utf-8"))
    if not path:
        return raw, "built-in"
    try:
        site = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError("cannot read %s: %s" % (path, exc.strerror)) from None
    except ValueError as exc:
        raise UsageError("%s is not valid JSON: %s" % (path, exc)) from None
    merged = engine_config.merge(raw, site)
    problems = engine_config.validate(merged)["errors"]
    if problems:
        raise UsageError("%s is not a valid configuration:\n%s" % (
            path, "\n".join("  %s: %s" % (e["path"], e["message"]) for e in problems)))
    return merged, path


def with_page_override(raw: dict, source: str, page_text: str | None, skipped: list) -> tuple[dict, dict, str]:
    """Merge the start page's inline ``#consentry-config`` as the browser does: an invalid one is
    ignored whole (and said so)."""
    base = engine_config.validate(raw)["config"]
    if not page_text:
        return raw, base, source
    try:
        merged = engine_config.merge(raw, json.loads(page_text))
    except ValueError:
        skipped.append({"state": "no-choice", "what": "the page's #consentry-config", "why": "not valid JSON; ignored"})
        return raw, base, source
    result = engine_config.validate(merged)
    if result["errors"]:
        skipped.append({"state": "no-choice", "what": "the page's #consentry-config",
                        "why": "invalid (%s); ignored, as the browser does" % result["errors"][0]["message"]})
        return raw, base, source
    return merged, result["config"], source + " + the page's #consentry-config"


def check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError("%r is not an http(s) URL" % url)
    return url if parts.path else url + "/"


def robots_policy(url: str, ignore: bool) -> tuple[robots.Policy, dict]:
    """Fetch and read the site's robots.txt once; refuse a start page it disallows (ScanError, exit
    status 2) unless ``ignore`` (``--ignore-robots``). Returns the policy and the report's section."""
    parts = urlsplit(url)
    fetched = robots_fetch.fetch("%s://%s" % (parts.scheme, parts.netloc), USER_AGENT_TAG)
    policy = robots.from_fetch(fetched["status"], fetched["body"], robots.product_token(USER_AGENT_TAG))
    start = robots.verdict(policy, url)
    section = {"url": fetched["url"], "status": fetched["status"], "error": fetched["error"],
               "truncated": fetched["truncated"], "outcome": policy.source, "group": policy.group,
               "rules": len(policy.rules), "ignored": ignore,
               "rulesApplied": not ignore and (policy.disallow_all or bool(policy.rules)),
               "startDisallowedBy": start.line() if start else None, "crawlDelay": policy.crawl_delay}
    if start and not ignore:
        if policy.source == "unreachable":
            why = "could not be fetched (%s), and RFC 9309 says an unreachable robots.txt disallows everything" % (
                "HTTP %d" % fetched["status"] if fetched["status"] else fetched["error"])
        elif policy.source == "redirected":
            why = ("was %s, so its rules could not be read; if the site lives on another host, scan that "
                   "host's URL instead" % fetched["error"])
        else:
            why = "disallows %s for %s (%s)" % (url, USER_AGENT_TAG.split("/")[0], start.line())
        raise ScanError("%s %s; nothing was scanned. Pass --ignore-robots only if you may scan this site anyway "
                        "(it is yours, or its owner agreed)." % (fetched["url"], why))
    return policy, section


def run_scan(args) -> int:
    log = (lambda *a: None) if args.quiet else (lambda msg: print(msg, file=sys.stderr))
    try:
        url = check_url(args.url)
        raw_config, source = site_config(args.config)
        if bool(args.reject_selector) != bool(args.accept_selector):
            raise UsageError("--reject-selector and --accept-selector go together")
        policy, robots_section = robots_policy(url, args.ignore_robots)
        limits = Limits(pages=args.pages, delay=robots.delay_to_use(args.delay, policy.crawl_delay),
                        page_timeout=args.page_timeout, budget=args.budget,
                        cap=args.max_items, allow_third_party=args.allow_third_party,
                        accept_selector=args.accept_selector, reject_selector=args.reject_selector)
        if args.ignore_robots:
            disallowed = None
        else:
            def disallowed(link):
                rule = robots.verdict(policy, link)
                return rule.line() if rule else None
        raw = scan(url, limits, log=log, disallowed=disallowed)
    except UsageError as exc:
        print("consentry scan: %s" % exc, file=sys.stderr)
        return 2
    except (ScanError, BrowserError) as exc:
        print("consentry scan: %s" % exc, file=sys.stderr)
        return 2
    first = raw["states"][0]["pages"][0].get("facts") or {}
    raw_config, config, source = with_page_override(raw_config, source, first.get("pageConfig"), raw["skipped"])
    raw["configSource"] = source
    raw["robots"] = dict(robots_section, delayUsed=raw["delay"])
    raw["options"] = {"pages": args.pages, "delay": args.delay, "pageTimeout": args.page_timeout,
                      "budget": args.budget, "maxItems": args.max_items, "allowThirdParty": args.allow_third_party,
                      "rejectSelector": args.reject_selector, "acceptSelector": args.accept_selector,
                      "ignoreRobots": args.ignore_robots}
    result = analyze.analyze(raw, raw_config, config, args.fail_on)
    out = Path(args.out)
    report.write(result, raw["screenshots"], out)
    print(report.console_summary(result, out))
    return analyze.exit_status(result)
