"""The browser side of a scan: one headless Chromium profile, read through the DevTools protocol.

Thin shell around Selenium: it starts a fresh profile, loads pages, and returns plain dicts (CDP
cookies, performance-log network events, storage names, the facts ``facts.js`` reads from the
DOM). Deciding what any of it means is :mod:`consentry.scan.analyze`'s job.

Why these choices:

* Cookies come from ``Network.getAllCookies`` (HttpOnly and other sites' cookies included, which
  ``document.cookie`` never shows); requests and their initiators from Chromium's performance log
  (``Network.requestWillBeSent``), ``Set-Cookie`` response headers from
  ``Network.responseReceivedExtraInfo``; script-set cookies from ``hook.js``.
* The scan sends nothing anywhere but the scanned site: unless ``allow_third_party`` is set, every
  other host goes to a proxy address where nothing listens (``127.0.0.1:9``), so those requests are
  still seen by the browser (and reported, with their initiator) but never leave the machine.
  Background networking, sync and component updates are off, so the browser originates nothing
  of its own either.
* Drivers are found, never downloaded (``SE_OFFLINE=true``, an explicit chromedriver path).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
USER_AGENT_TAG = "ConsentryScan/1.0 (+cookie audit; one page at a time)"
DEAD_PROXY = "http://127.0.0.1:9"   # the discard port: nothing listens, nothing leaves the machine


class BrowserError(Exception):
    """The browser or its driver is missing or did not start; the message says how to fix it."""


def _flags(profile: str, site_host: str, allow_third_party: bool) -> list[str]:
    flags = [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-extensions", "--disable-default-apps", "--no-first-run",
        "--no-default-browser-check", "--disable-domain-reliability", "--metrics-recording-only",
        "--window-size=1280,900", "--user-data-dir=" + profile,
    ]
    if not allow_third_party:
        base = site_host[4:] if site_host.startswith("www.") else site_host
        # <-loopback> first: Chromium never proxies loopback otherwise, and a local "tracker" on
        # another loopback host must be held back like any other site.
        bypass = ["<-loopback>", site_host, base, "*." + base]
        flags += ["--proxy-server=" + DEAD_PROXY, "--proxy-bypass-list=" + ";".join(dict.fromkeys(bypass))]
    return flags


class Browser:
    """One fresh Chromium profile (deleted on :meth:`close`)."""

    def __init__(self, site_host: str, allow_third_party: bool, page_timeout: float):
        os.environ.setdefault("SE_OFFLINE", "true")   # before selenium is imported
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service

        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        driver = os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver")
        if not binary:
            raise BrowserError("chromium is not installed (apt-get install -y chromium chromium-driver)")
        if not driver:
            raise BrowserError("chromedriver is not installed (apt-get install -y chromium-driver)")
        self.profile = tempfile.mkdtemp(prefix="consentry-scan-")
        options = webdriver.ChromeOptions()
        options.binary_location = binary
        for flag in _flags(self.profile, site_host, allow_third_party):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        try:
            self.driver = webdriver.Chrome(service=Service(driver, log_output=os.devnull), options=options)
        except WebDriverException as exc:
            shutil.rmtree(self.profile, ignore_errors=True)
            raise BrowserError("chromium did not start: %s" % str(exc).strip().splitlines()[0]) from None
        self.driver.set_page_load_timeout(page_timeout)
        self.driver.set_script_timeout(max(5.0, page_timeout))
        self.cdp("Network.enable", {})
        agent = self.driver.execute_script("return navigator.userAgent")
        self.cdp("Network.setUserAgentOverride", {"userAgent": agent + " " + USER_AGENT_TAG})
        self.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": (HERE / "hook.js").read_text()})
        self._facts = (HERE / "facts.js").read_text()
        self.version = self.driver.capabilities.get("browserVersion", "")
        self.events: list[dict] = []   # performance-log Network events not yet taken

    def cdp(self, method: str, params: dict) -> dict:
        return self.driver.execute_cdp_cmd(method, params)

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)

    # ------------------------------------------------------------------ network events
    def pump(self) -> int:
        """Move new performance-log network events into ``self.events``; returns how many."""
        n = 0
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method", "").startswith("Network."):
                self.events.append(message)
                n += 1
        return n

    def take_events(self) -> list[dict]:
        self.pump()
        out, self.events = self.events, []
        return out

    def settle(self, quiet: float, limit: float) -> bool:
        """Wait until no network event arrives for ``quiet`` seconds (at most ``limit``).

        Trackers set cookies and fire beacons after the load event; recording at "load" would
        miss them. Returns False when the page was still busy at the limit.
        """
        end = time.monotonic() + limit
        last = time.monotonic()
        while time.monotonic() < end:
            if self.pump():
                last = time.monotonic()
            elif time.monotonic() - last >= quiet:
                return True
            time.sleep(0.1)
        return False

    # ------------------------------------------------------------------ pages
    def load(self, url: str) -> dict:
        """Navigate; returns ``{"timedOut": bool, "error": str|None}`` (never raises for the page's sake)."""
        from selenium.common.exceptions import TimeoutException, WebDriverException

        try:
            self.driver.get(url)
            return {"timedOut": False, "error": None}
        except TimeoutException:
            try:
                self.cdp("Page.stopLoading", {})
            except WebDriverException:
                pass
            return {"timedOut": True, "error": None}
        except WebDriverException as exc:
            return {"timedOut": False, "error": str(exc).strip().splitlines()[0][:300]}

    def current_url(self) -> str:
        return self.driver.execute_script("return location.href")

    def facts(self, cap: int) -> dict:
        return self.driver.execute_script(self._facts, cap)

    def close_popups(self) -> int:
        """Close every window but the first; returns how many there were."""
        handles = self.driver.window_handles
        for extra in handles[1:]:
            self.driver.switch_to.window(extra)
            self.driver.close()
        self.driver.switch_to.window(handles[0])
        return len(handles) - 1

    def cookies(self) -> list[dict]:
        return self.cdp("Network.getAllCookies", {}).get("cookies", [])

    def frame_origins(self) -> list[str]:
        """Origins of the current page and all its frames."""
        origins: list[str] = []

        def walk(node):
            origin = node["frame"].get("securityOrigin") or ""
            if origin.startswith("http") and origin not in origins:
                origins.append(origin)
            for child in node.get("childFrames", []):
                walk(child)

        walk(self.cdp("Page.getFrameTree", {})["frameTree"])
        return origins

    def storage(self, origin: str) -> list[dict]:
        """localStorage, sessionStorage keys and IndexedDB database names of ``origin``."""
        from selenium.common.exceptions import WebDriverException

        out = []
        for kind, local in (("localStorage", True), ("sessionStorage", False)):
            try:
                entries = self.cdp("DOMStorage.getDOMStorageItems",
                                   {"storageId": {"securityOrigin": origin, "isLocalStorage": local}})["entries"]
            except WebDriverException:
                entries = []
            out += [{"origin": origin, "kind": kind, "name": key} for key, _value in entries]
        try:
            names = self.cdp("IndexedDB.requestDatabaseNames", {"securityOrigin": origin})["databaseNames"]
        except WebDriverException:
            names = []
        out += [{"origin": origin, "kind": "indexedDB", "name": name} for name in names]
        return out

    # ------------------------------------------------------------------ Consentry UI
    def consentry_part(self, part: str):
        """The element with ``part~=part`` in Consentry's shadow root, or None."""
        return self.driver.execute_script(
            "var r = document.querySelector('[data-consentry-root]');"
            "var el = r && r.shadowRoot && r.shadowRoot.querySelector('[part~=\"' + arguments[0] + '\"]');"
            "return el && el.getClientRects().length ? el : null;", part)

    def wait_for(self, fn, limit: float):
        """Poll ``fn()`` until it returns something truthy (or ``limit`` seconds pass)."""
        from selenium.common.exceptions import WebDriverException

        end = time.monotonic() + limit
        while True:
            try:
                value = fn()
            except WebDriverException:
                value = None
            if value or time.monotonic() >= end:
                return value
            time.sleep(0.1)

    def has_choice(self) -> bool:
        return bool(self.driver.execute_script(
            "return !!(window.Consentry && Consentry.getConsent && Consentry.getConsent());"))

    def screenshot(self, element=None) -> bytes:
        return element.screenshot_as_png if element is not None else self.driver.get_screenshot_as_png()
