"""robots.txt as RFC 9309 (the Robots Exclusion Protocol) defines it: parse a file, pick the rules
for the scanner's product token, decide whether a URL may be crawled, and what an unreachable or
missing file means. Pure functions; fetching the file is :mod:`consentry.scan.robots_fetch`'s job.

Why not the standard library's ``urllib.robotparser``: it applies the *first* rule that matches in
file order, where RFC 9309 asks for the *most specific* (longest) match with Allow winning a tie;
it knows neither ``*`` nor ``$`` in paths; it keeps only the first group for an agent (and the first
``*`` group) where the RFC merges every group naming it; and its ``read()`` turns a 401/403 into
"disallow all", where the RFC says every 4xx means "no robots.txt" (allow all). Each of those would
make the scan visit what a site forbids, or skip what it allows, so this module follows the RFC:

* Groups start with ``user-agent`` lines and end at the next ``user-agent`` line after a rule.
  Every group whose ``user-agent`` names the product token (case-insensitive) applies, merged;
  without one, every ``*`` group, merged; without those, nothing is restricted.
* A rule's path (and the URL's path + query) is compared after percent-encoding normalization:
  non-ASCII octets and controls are encoded, an encoded unreserved character is decoded, escapes
  are upper-cased. ``*`` matches any run of characters, a final ``$`` the end of the URL.
* The longest matching pattern wins; on a tie Allow wins; no match means allowed; an empty
  ``Disallow:`` is no rule; ``/robots.txt`` itself is always allowed.
* 2xx: the rules apply. 4xx: unavailable, i.e. allow all. 5xx or no answer at all: unreachable,
  i.e. disallow all. A 3xx left over (a redirect to another host, which the scan does not follow,
  or more than five): "redirected", disallow all. RFC 9309 lets a crawler follow such redirects
  or call the file unavailable; following would send a request to a host the user did not name,
  and "unavailable" would allow everything when the real rules may live on the other host
  (``example.com/robots.txt`` -> ``www.example.com/robots.txt``), so the scan stops and says
  which host to scan instead.
* ``Crawl-delay`` is not part of RFC 9309 (which lets crawlers read other records); the scan
  reads it from the applying groups (the largest, when several say it) and slows down to it.
"""

from __future__ import annotations

import math
import re
import string
from dataclasses import dataclass, field
from urllib.parse import urlsplit

UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")
HEX = frozenset(string.hexdigits.encode())
MAX_CRAWL_DELAY = 30.0   # seconds: a larger Crawl-delay is honoured only up to this


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str      # normalized, as compared

    def line(self) -> str:
        return "%s: %s" % ("Allow" if self.allow else "Disallow", self.pattern)


@dataclass
class Group:
    agents: list[str] = field(default_factory=list)   # lower-cased product tokens, or "*"
    rules: list[Rule] = field(default_factory=list)
    crawl_delay: float | None = None
    closed: bool = False   # a rule was seen: the next user-agent line starts another group


@dataclass(frozen=True)
class Policy:
    """What the scan may do: ``rules`` apply unless ``disallow_all``; ``source`` says why."""
    rules: tuple = ()
    disallow_all: bool = False
    crawl_delay: float | None = None
    group: str | None = None    # the user-agent the applying rules were written for, if any
    source: str = "rules"       # "rules" | "unavailable" | "unreachable" | "redirected"


def normalize(text: str) -> str:
    """RFC 9309 2.2.2: percent-encode what must be, decode what must not be, upper-case escapes."""
    data = text.encode("utf-8")
    out, i = [], 0
    while i < len(data):
        b = data[i]
        if b == 0x25 and i + 2 < len(data) and data[i + 1] in HEX and data[i + 2] in HEX:
            char = chr(int(data[i + 1:i + 3], 16))
            out.append(char if char in UNRESERVED else "%" + data[i + 1:i + 3].decode().upper())
            i += 3
            continue
        out.append("%%%02X" % b if b >= 0x7F or b <= 0x20 else chr(b))
        i += 1
    return "".join(out)


def product_token(value: str) -> str:
    """The product token a ``user-agent`` value names (``FooBot/1.2`` -> ``foobot``), lower-cased."""
    value = value.strip()
    if value == "*":
        return "*"
    match = re.match(r"[A-Za-z_-]+", value)
    return match.group(0).lower() if match else ""


def parse(text: str) -> list[Group]:
    """The groups of a robots.txt file, in file order (lines outside any group are ignored)."""
    groups: list[Group] = []
    current: Group | None = None
    for raw in text.lstrip("\ufeff").splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if current is None or current.closed:
                current = Group()
                groups.append(current)
            current.agents.append(product_token(value))
        elif current is None:
            continue
        elif key in ("allow", "disallow"):
            current.closed = True
            if value.startswith(("/", "*")):
                current.rules.append(Rule(key == "allow", normalize(value)))
        elif key == "crawl-delay":
            current.closed = True
            try:
                delay = float(value)
            except ValueError:
                continue
            if math.isfinite(delay) and delay >= 0:
                current.crawl_delay = max(current.crawl_delay or 0.0, delay)
    return groups


def select(groups: list[Group], token: str) -> Policy:
    """The merged groups for ``token`` (else the merged ``*`` groups, else none)."""
    token = token.lower()
    for wanted in (token, "*"):
        chosen = [g for g in groups if wanted in g.agents]
        if chosen:
            delays = [g.crawl_delay for g in chosen if g.crawl_delay is not None]
            return Policy(rules=tuple(r for g in chosen for r in g.rules), crawl_delay=max(delays) if delays else None,
                          group=wanted)
    return Policy()


def from_fetch(status: int | None, body: bytes | None, token: str) -> Policy:
    """RFC 9309 2.3.1: what the answer to ``GET /robots.txt`` means for the crawl."""
    if status is not None and 200 <= status < 300:
        return select(parse((body or b"").decode("utf-8", "replace")), token)
    if status is not None and 300 <= status < 400:
        return Policy(disallow_all=True, source="redirected")
    if status is not None and 400 <= status < 500:
        return Policy(source="unavailable")
    return Policy(disallow_all=True, source="unreachable")


def _matches(pattern: str, path: str) -> bool:
    anchored = pattern.endswith("$")
    body = pattern[:-1] if anchored else pattern
    regex = ".*".join(re.escape(piece) for piece in body.split("*")) + (r"\Z" if anchored else "")
    return re.match(regex, path, re.DOTALL) is not None


def path_of(url: str) -> str:
    """The part of a URL robots.txt rules are matched against: the path (``/`` if empty) and query."""
    parts = urlsplit(url)
    return normalize((parts.path or "/") + ("?" + parts.query if parts.query else ""))


def verdict(policy: Policy, url: str) -> Rule | None:
    """None when ``url`` may be crawled, else the rule that forbids it (``Disallow: /`` for an
    unreachable robots.txt)."""
    path = path_of(url)
    if path == "/robots.txt":
        return None
    if policy.disallow_all:
        return Rule(False, "/")
    best: Rule | None = None
    for rule in policy.rules:
        if _matches(rule.pattern, path) and (
                best is None or len(rule.pattern) > len(best.pattern)
                or (len(rule.pattern) == len(best.pattern) and rule.allow)):
            best = rule
    return best if best is not None and not best.allow else None


def delay_to_use(user_delay: float, crawl_delay: float | None) -> float:
    """The pause between page loads: the user's, raised to the site's Crawl-delay (at most 30 s)."""
    return max(user_delay, min(crawl_delay or 0.0, MAX_CRAWL_DELAY))
