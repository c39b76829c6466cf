"""Shared bits of the shell browser tests: JS snippets used by several test files."""

from __future__ import annotations

# True when the banner part is rendered in the SDK's shadow root.
BANNER_SHOWN = """(function () {
  var r = document.querySelector('[data-consentry-root]');
  var b = r && r.shadowRoot && r.shadowRoot.querySelector('[part~="banner"]');
  return !!(b && !b.hidden && b.getClientRects().length);
})()"""

# Do something (args[1] is a JS body run first), then wait a macrotask and one network round trip
# (a fresh, ungated sentinel script): any revival the action triggered has been started by then.
BARRIER = """
try { (new Function(args[1]))(); } catch (e) { done({error: String(e && e.message || e)}); return; }
setTimeout(function () {
  var s = document.createElement('script');
  s.src = args[0] + '?' + Math.random();
  s.onload = s.onerror = function () { setTimeout(function () { done({ran: window.__ran || null}); }, 0); };
  document.head.appendChild(s);
}, 0);
"""


def barrier(driver, origin: str, action: str = "", name: str = "barrier"):
    from helpers import async_js

    result = async_js(driver, BARRIER, "%s/t/%s.js" % (origin, name), action)
    assert "error" not in result, result
    return result["ran"]


def page_run(driver, code: str):
    """Run ``code`` as a page <script> (the page's own realm: in Firefox, objects created by WebDriver
    scripts live in another compartment, so `instanceof Error` or Object.prototype would not match)."""
    driver.execute_script(
        "var s = document.createElement('script'); s.text = arguments[0]; document.head.appendChild(s); s.remove();",
        code)
