"""Drive the three visits of a scan: no choice, after Reject all, after Accept all.

Each state is a fresh browser profile. The no-choice visit discovers the pages (same-origin links,
breadth first, in document order) and the two choice visits replay exactly that list, so the
three tables compare like with like; a choice visit records the start page right after the click,
then loads it again (the first page view that starts with the choice) before the other pages. Politeness and bounds: one page at a time, ``delay``
seconds between page loads, a per-page load limit, a time budget for the whole scan, caps on
every list; whatever a limit cut off is listed in ``skipped``. A link robots.txt disallows (the
``disallowed`` test :mod:`consentry.scan.run` hands in) is never added to the list, so no state
visits it; it is listed in ``skipped`` once, for all states.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urldefrag, urlsplit

from .browser import Browser
from .events import digest


class ScanError(Exception):
    """The site could not be scanned at all (e.g. the start page does not load): exit status 2."""


@dataclass
class Limits:
    pages: int = 5              # same-origin pages besides the start page
    delay: float = 1.0          # seconds between two page loads (politeness)
    page_timeout: float = 20.0  # seconds for one page load
    settle: float = 0.75        # quiet network time that ends a page visit
    settle_limit: float = 5.0   # at most this long waiting for quiet
    budget: float = 300.0       # seconds for the whole scan
    cap: int = 500              # entries kept per list (links, gated elements, cookies, requests)
    allow_third_party: bool = False
    accept_selector: str | None = None   # for sites with another consent manager
    reject_selector: str | None = None


@dataclass
class Clock:
    budget: float
    start: float = field(default_factory=time.monotonic)

    def left(self) -> float:
        return self.budget - (time.monotonic() - self.start)


def same_origin_links(links: list[str], origin: str) -> list[str]:
    """Crawlable same-origin http(s) page URLs (fragment dropped), in order, without repeats."""
    out = []
    for link in links:
        url = urldefrag(link)[0]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and "%s://%s" % (parts.scheme, parts.netloc) == origin and url not in out:
            out.append(url)
    return out


class StateRun:
    """One state's visit in one fresh profile; :meth:`run` returns its raw observations."""

    def __init__(self, name: str, urls: list[str], origin: str, limits: Limits, clock: Clock, shots: dict,
                 disallowed: Callable[[str], str | None] | None = None):
        self.name, self.urls, self.origin, self.limits, self.clock = name, urls, origin, limits, clock
        self.shots = shots          # name -> png bytes, filled by the no-choice state
        self.disallowed = disallowed   # url -> the robots.txt rule forbidding it, or None
        self.refused: set[str] = set()  # links robots.txt keeps the scan from
        self.skipped: list[dict] = []
        self.raw = {"name": name, "status": "done", "reason": None, "pages": [], "requests": [],
                    "setCookies": [], "cookies": [], "storage": []}
        self.origins = [origin]

    def skip(self, what: str, why: str, state: str | None = None) -> None:
        self.skipped.append({"state": state or self.name, "what": what, "why": why})

    # ------------------------------------------------------------------ one page
    def visit(self, browser: Browser, url: str, record_requests: bool = True) -> dict:
        nav = browser.load(url)
        if nav["timedOut"]:
            self.skip(url, "the load did not finish within %gs; recorded what had loaded" % self.limits.page_timeout)
        if not browser.settle(self.limits.settle, min(self.limits.settle_limit, max(0.5, self.clock.left()))):
            self.skip(url, "still busy on the network after %gs; later requests are not recorded" % self.limits.settle_limit)
        return self.record(browser, url, nav, record_requests)

    def record(self, browser: Browser, url: str, nav: dict, record_requests: bool) -> dict:
        from selenium.common.exceptions import WebDriverException

        seen = digest(browser.take_events(), url)
        self.raw["setCookies"] += seen["setCookies"]
        if record_requests:
            room = self.limits.cap - len(self.raw["requests"])
            if len(seen["requests"]) > room:
                self.skip(url, "%d requests beyond the cap of %d not listed" % (len(seen["requests"]) - max(room, 0), self.limits.cap))
            self.raw["requests"] += seen["requests"][:max(room, 0)]
        page = {"url": url, "finalUrl": None, "title": None, "timedOut": nav["timedOut"],
                "error": nav["error"] or seen["documentError"], "facts": None}
        try:
            popups = browser.close_popups()
            if popups:
                self.skip(url, "closed %d pop-up window(s) the page opened; not scanned" % popups)
            page["finalUrl"] = browser.current_url()
            if page["finalUrl"].startswith("chrome-error:"):
                page["error"] = page["error"] or "the page did not load"
                return page
            facts = browser.facts(self.limits.cap)
            page["facts"], page["title"] = facts, facts["title"]
            if facts["linksTotal"] > len(facts["links"]):
                self.skip(url, "%d links, only the first %d considered" % (facts["linksTotal"], len(facts["links"])))
            if facts["gatedTotal"] > len(facts["gated"]):
                self.skip(url, "%d gated elements, only the first %d listed" % (facts["gatedTotal"], len(facts["gated"])))
            for origin in browser.frame_origins():
                if origin not in self.origins:
                    self.origins.append(origin)
        except WebDriverException as exc:
            page["error"] = page["error"] or "could not read the page: " + str(exc).strip().splitlines()[0][:200]
        return page

    # ------------------------------------------------------------------ the choice
    def choose(self, browser: Browser) -> str | None:
        """Click the real Reject all / Accept all button; returns why it could not, or None."""
        part = "reject-all" if self.name == "reject-all" else "accept-all"
        selector = self.limits.reject_selector if self.name == "reject-all" else self.limits.accept_selector
        if selector:
            find = lambda: browser.driver.execute_script(  # noqa: E731
                "var el = document.querySelector(arguments[0]); return el && el.getClientRects().length ? el : null;", selector)
        else:
            find = lambda: browser.consentry_part(part)  # noqa: E731
        # A loaded machine can take seconds to start a consent manager: wait up to 20 s for its button.
        button = browser.wait_for(find, min(20.0, max(1.0, self.clock.left())))
        if not button:
            return ("no visible element matches %r" % selector) if selector else "no Consentry %s button appeared" % part
        button.click()
        if not selector and not browser.wait_for(browser.has_choice, 10.0):
            return "the click on %s recorded no choice" % part
        return None

    def screenshots(self, browser: Browser) -> None:
        """The start page, Consentry's banner, then its preferences panel (opened, never saved)."""
        from selenium.common.exceptions import WebDriverException

        try:
            self.shots["page"] = browser.screenshot()
            facts = self.raw["pages"][0]["facts"] or {}
            banner = browser.wait_for(lambda: browser.consentry_part("banner"), 3.0 if facts.get("consentry") else 0)
            if banner:
                self.shots["banner"] = browser.screenshot(banner)
                customise = browser.consentry_part("customise")
                if customise:
                    customise.click()
                    panel = browser.wait_for(lambda: browser.consentry_part("panel"), 3.0)
                    if panel:
                        self.shots["panel"] = browser.screenshot(panel)
        except WebDriverException as exc:
            self.skip("screenshots", "could not take them: " + str(exc).strip().splitlines()[0][:200])

    # ------------------------------------------------------------------ the visit
    def run(self, discover: bool) -> dict:
        browser = Browser(urlsplit(self.origin).hostname or "", self.limits.allow_third_party, self.limits.page_timeout)
        self.raw["browser"] = "chromium " + browser.version
        try:
            self._run(browser, discover)
            self._storage_and_cookies(browser)
        finally:
            browser.close()
        return self.raw

    def _run(self, browser: Browser, discover: bool) -> None:
        i = 0
        while i < len(self.urls):
            url = self.urls[i]
            if i > 0:
                time.sleep(min(self.limits.delay, max(0.0, self.clock.left())))
            if self.clock.left() <= 0:
                self.skip(", ".join(self.urls[i:]), "the scan's time budget of %gs was used up" % self.limits.budget)
                return
            if i == 0 and self.name != "no-choice":
                nav = browser.load(url)
                browser.settle(self.limits.settle, self.limits.settle_limit)
                self.record(browser, url, nav, record_requests=False)  # before the click: the no-choice state's job
                why = self.choose(browser)
                if why:
                    self.raw["status"], self.raw["reason"] = "not-run", why
                    return
                browser.settle(self.limits.settle, self.limits.settle_limit)
                self.raw["pages"].append(self.record(browser, url, {"timedOut": False, "error": None}, True))
                # The next page view is where a choice really shows: load the start page again.
                page = self.visit(browser, url)
            else:
                page = self.visit(browser, url)
            self.raw["pages"].append(page)
            if i == 0 and self.name == "no-choice":
                if page["error"]:
                    raise ScanError("cannot load %s: %s" % (url, page["error"]))
                self.screenshots(browser)
            if discover and page["facts"] and page["finalUrl"] and page["finalUrl"].startswith(self.origin):
                for link in same_origin_links(page["facts"]["links"], self.origin):
                    if link in self.urls or link in self.refused:
                        continue
                    rule = self.disallowed(link) if self.disallowed else None
                    if rule:
                        self.refused.add(link)   # listed once; at most --max-items links per page
                        self.skip(link, "robots.txt (%s)" % rule, "all")
                        continue
                    if len(self.urls) >= self.limits.pages + 1:
                        break
                    self.urls.append(link)
            i += 1

    def _storage_and_cookies(self, browser: Browser) -> None:
        from selenium.common.exceptions import WebDriverException

        try:
            cookies = browser.cookies()
            if len(cookies) > self.limits.cap:
                self.skip("cookies", "%d cookies, only the first %d listed" % (len(cookies), self.limits.cap))
            self.raw["cookies"] = cookies[:self.limits.cap]
            storage = []
            for origin in self.origins:
                storage += browser.storage(origin)
            if len(storage) > self.limits.cap:
                self.skip("storage", "%d storage entries, only the first %d listed" % (len(storage), self.limits.cap))
            self.raw["storage"] = storage[:self.limits.cap]
        except WebDriverException as exc:
            self.skip("cookies and storage", "could not read them: " + str(exc).strip().splitlines()[0][:200])


def scan(url: str, limits: Limits, log=print, disallowed: Callable[[str], str | None] | None = None) -> dict:
    """Visit ``url`` in the three states; returns the raw observations for :func:`analyze.analyze`.
    ``disallowed(link)`` names the robots.txt rule that keeps a discovered link out, or None."""
    parts = urlsplit(url)
    origin = "%s://%s" % (parts.scheme, parts.netloc)
    clock = Clock(limits.budget)
    shots: dict = {}
    started = time.time()
    urls = [url]
    states, skipped, browser = [], [], None
    for name in ("no-choice", "reject-all", "accept-all"):
        run = StateRun(name, urls if name == "no-choice" else list(urls), origin, limits, clock, shots, disallowed)
        if name != "no-choice" and not (states[0]["pages"][0].get("facts") or {}).get("consentry") \
                and not (limits.accept_selector and limits.reject_selector):
            run.raw["status"] = "not-run"
            run.raw["reason"] = "the site does not use Consentry (give --reject-selector and --accept-selector for another consent manager)"
            states.append(run.raw)
            continue
        if clock.left() <= 0:
            run.raw["status"], run.raw["reason"] = "not-run", "the scan's time budget was used up"
            states.append(run.raw)
            continue
        log("scan: %s (%d page%s)" % (name, len(urls), "" if len(urls) == 1 else "s"))
        states.append(run.run(discover=name == "no-choice"))
        if not states[0]["pages"]:
            raise ScanError("the time budget of %gs ended before the first page" % limits.budget)
        browser = run.raw.pop("browser", browser)
        skipped += run.skipped
    return {"url": url, "siteHost": parts.hostname or "", "origin": origin, "states": states,
            "skipped": skipped, "screenshots": shots, "browser": browser, "delay": limits.delay,
            "startedAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
            "seconds": round(time.time() - started, 1)}
