"""Catalogue group H: privacy.

Principle: before a choice the SDK makes no request to any origin other than loading itself,
stores nothing anywhere; after a refusal the only thing stored is the consent cookie; and it never
touches fingerprinting APIs.
"""

from __future__ import annotations

import json

import pytest
from helpers import DIST, assert_clean_console, async_js, js, wait_js
from hostile_kit import all_gates, assert_inert, banner_shown, click_part, page, part, ready

pytestmark = pytest.mark.usefixtures("bundle")

STORAGE = """
var out = {cookie: document.cookie, local: localStorage.length, session: sessionStorage.length, idb: null, caches: null};
var p1 = indexedDB.databases ? indexedDB.databases().then(function (d) { out.idb = d.map(function (x) { return x.name; }); })
                             : Promise.resolve(out.idb = 'unsupported');
var p2 = window.caches ? caches.keys().then(function (k) { out.caches = k; }, function () { out.caches = 'unavailable'; })
                       : Promise.resolve(out.caches = 'unavailable');
Promise.all([p1, p2]).then(function () { done(out); }, function (e) { done({error: String(e)}); });
"""


def _storage(browser):
    s = async_js(browser, STORAGE)
    assert "error" not in s, s
    return s


def sdk_file_name():
    with open(DIST / "manifest.json", encoding="utf-8") as f:
        return json.load(f)["sdk"]


def _own_requests(site, path):
    """What the page fetched from its own site beyond the page, the test scaffolding, and the
    two files of the build: consentry.js and the SDK file it names (contract §1)."""
    return sorted({r.path for r in site.requests} - {path, "/diag.js", "/consentry.js", "/favicon.ico", "/__blank",
                                                      "/" + sdk_file_name()})


@pytest.mark.parametrize("choice", ["none", "reject", "close", "panel-save"])
def test_no_request_and_no_storage_beyond_the_choice(browser, site, third_party, hpage, choice):
    path = hpage(page(head=all_gates(third_party.url),
                      body='<a href="#" id="prefs" data-consentry="preferences">settings</a>'))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    if choice == "reject":
        click_part(browser, "reject-all")
    elif choice == "close":
        click_part(browser, "close")
    elif choice == "panel-save":
        browser.find_element("id", "prefs").click()
        wait_js(browser, part("panel"))
        click_part(browser, "save")
    if choice != "none":
        wait_js(browser, "Consentry.getConsent() !== null")
    assert_inert(browser, third_party)
    assert [r.path for r in third_party.requests if not r.path.startswith("/t/barrier")] == []
    assert _own_requests(site, path) == [], "the SDK fetched something: %r" % _own_requests(site, path)
    s = _storage(browser)
    assert s["local"] == 0 and s["session"] == 0, s
    assert s["idb"] in ([], "unsupported") and s["caches"] in ([], "unavailable"), s
    names = sorted(c["name"] for c in browser.get_cookies())
    assert names == ([] if choice == "none" else ["consentry"]), names
    assert all(r.method == "GET" for r in site.requests), "a beacon or POST was sent"
    assert_clean_console(browser)


def test_accept_stores_only_the_consent_cookie_itself(browser, site, third_party, hpage):
    path = hpage(page())
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "accept-all")
    wait_js(browser, "Consentry.getConsent() !== null")
    s = _storage(browser)
    assert s["local"] == 0 and s["session"] == 0 and s["idb"] in ([], "unsupported"), s
    assert [c["name"] for c in browser.get_cookies()] == ["consentry"]
    assert _own_requests(site, path) == []
    assert_clean_console(browser)


FP_SPY = """<script>
window.__fp = [];
(function () {
  function spyGetter(proto, name, label) {
    var d = proto && Object.getOwnPropertyDescriptor(proto, name);
    if (!d || !d.get || !d.configurable) { return; }
    Object.defineProperty(proto, name, {configurable: true, enumerable: d.enumerable,
      get: function () { window.__fp.push(label); return d.get.call(this); }});
  }
  function spyMethod(proto, name, label) {
    var f = proto && proto[name];
    if (typeof f !== 'function') { return; }
    proto[name] = function () { window.__fp.push(label); return f.apply(this, arguments); };
  }
  ['plugins', 'mimeTypes', 'hardwareConcurrency', 'deviceMemory', 'platform', 'vendor', 'maxTouchPoints',
   'connection', 'userAgentData', 'doNotTrack', 'oscpu', 'buildID', 'cpuClass', 'mediaDevices', 'keyboard'].forEach(function (n) {
    spyGetter(Navigator.prototype, n, 'navigator.' + n); });
  ['width', 'height', 'availWidth', 'availHeight', 'colorDepth', 'pixelDepth', 'orientation'].forEach(function (n) {
    spyGetter(Screen.prototype, n, 'screen.' + n); });
  spyGetter(Window.prototype, 'devicePixelRatio', 'devicePixelRatio');
  spyMethod(Navigator.prototype, 'getBattery', 'getBattery');
  spyMethod(Navigator.prototype, 'getGamepads', 'getGamepads');
  spyMethod(HTMLCanvasElement.prototype, 'toDataURL', 'canvas.toDataURL');
  spyMethod(HTMLCanvasElement.prototype, 'toBlob', 'canvas.toBlob');
  spyMethod(HTMLCanvasElement.prototype, 'getContext', 'canvas.getContext');
  if (window.OffscreenCanvas) { spyMethod(OffscreenCanvas.prototype, 'getContext', 'offscreen.getContext'); }
  spyMethod(CanvasRenderingContext2D.prototype, 'getImageData', 'ctx.getImageData');
  spyMethod(CanvasRenderingContext2D.prototype, 'measureText', 'ctx.measureText');
  if (window.WebGLRenderingContext) { spyMethod(WebGLRenderingContext.prototype, 'getParameter', 'webgl.getParameter'); }
  if (window.AudioContext) { window.AudioContext = new Proxy(window.AudioContext, {construct: function (t, a) { window.__fp.push('AudioContext'); return Reflect.construct(t, a); }}); }
  if (window.OfflineAudioContext) { window.OfflineAudioContext = new Proxy(window.OfflineAudioContext, {construct: function (t, a) { window.__fp.push('OfflineAudioContext'); return Reflect.construct(t, a); }}); }
  if (window.RTCPeerConnection) { window.RTCPeerConnection = new Proxy(window.RTCPeerConnection, {construct: function (t, a) { window.__fp.push('RTCPeerConnection'); return Reflect.construct(t, a); }}); }
  if (document.fonts) { spyMethod(Object.getPrototypeOf(document.fonts), 'check', 'fonts.check'); }
  if (navigator.storage) { spyMethod(Object.getPrototypeOf(navigator.storage), 'estimate', 'storage.estimate'); }
  if (navigator.permissions) { spyMethod(Object.getPrototypeOf(navigator.permissions), 'query', 'permissions.query'); }
})();
</script>"""


def test_no_fingerprinting_apis_through_a_full_flow(browser, site, third_party, hpage):
    path = hpage(page(before_sdk=FP_SPY, head=all_gates(site.url).replace("/t/", "/t/fp-"),
                      body='<a href="#" id="prefs" data-consentry="preferences">settings</a>'))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    click_part(browser, "customise")
    wait_js(browser, part("panel"))
    click_part(browser, "save")
    wait_js(browser, "Consentry.getConsent() !== null")
    js(browser, "Consentry.acceptAll() || true")
    js(browser, "Consentry.getConsent() && Consentry.allowed('analytics')")
    js(browser, "Consentry.reset() || true")
    banner_shown(browser)
    assert js(browser, "window.__fp") == [], "fingerprinting APIs touched: %r" % js(browser, "window.__fp")
    assert_clean_console(browser, allow_resource_errors=True)
