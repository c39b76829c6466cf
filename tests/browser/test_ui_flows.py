"""UI: banner, preferences panel, placeholders (contract §1, §2).

Keyboard-only flows, focus trap and return, text-only rendering of hostile strings, equal weight
of the first-layer buttons, focus not obscured (WCAG 2.4.11), 320 px, and screenshots for review
in ``test-artifacts/screenshots/``. Every wait is on a condition. The helpers at the top are
shared with ``test_ui_axe.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import assert_clean_console, diag, js, wait_js
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

pytestmark = pytest.mark.usefixtures("bundle")

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
ROOT = "document.querySelector('[data-consentry-root]').shadowRoot"
BANNER = ROOT + ".querySelector('[part~=\"banner\"]')"
PANEL = ROOT + ".querySelector('[part~=\"panel\"]')"
STATUS = ROOT + ".querySelector('[part~=\"status\"]')"
# The focused element, looking through shadow roots; described for assertions.
ACTIVE = """(function () {
  var a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; }
  return a;
})()"""
DESCRIBE = """var a = %s;
return a ? {tag: a.tagName.toLowerCase(), part: a.getAttribute('part'), id: a.id,
            key: a.getAttribute('data-k'), text: (a.textContent || '').trim().slice(0, 60),
            inPanel: !!(%s && %s.contains(a)), inBanner: !!(%s && %s.contains(a))} : null;""" % (
    ACTIVE, PANEL, PANEL, BANNER, BANNER)


def part(name, where=ROOT):
    return where + ".querySelector('[part~=\"%s\"]')" % name


def open_page(driver, site, page="ui.html", banner=True):
    frame = getattr(driver, "ui_frame", None)
    if frame:
        # Firefox windows cannot be narrower than 500 px: load the page in an iframe that size.
        driver.switch_to.default_content()
        driver.get(site.url + "/__blank")
        driver.execute_script("var f = document.createElement('iframe'); f.width = arguments[0];"
                              " f.height = arguments[1]; f.style.border = '0'; f.src = arguments[2];"
                              " document.body.style.margin = '0'; document.body.appendChild(f);",
                              frame[0], frame[1], site.url + "/" + page)
        driver.switch_to.frame(driver.find_element("css selector", "iframe"))
        wait_js(driver, "document.readyState !== 'loading' && window.innerWidth === %d" % frame[0])
    else:
        driver.get(site.url + "/" + page)
    wait_js(driver, "window.Consentry && window.Consentry.getConsent !== undefined")
    if banner:
        wait_js(driver, "document.querySelector('[data-consentry-root]') && " + BANNER,
                message="banner not shown")


def press(driver, *keys):
    chain = ActionChains(driver)
    for k in keys:
        chain.send_keys(k)
    chain.perform()


def shift_tab(driver):
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()


def active(driver):
    return driver.execute_script(DESCRIBE)


def consent(driver):
    return js(driver, "Consentry.getConsent()")


def tab_to(driver, pred, limit=40):
    """Press Tab until ``pred(active)``; fail after ``limit`` presses."""
    for _ in range(limit):
        press(driver, Keys.TAB)
        a = active(driver)
        if a and pred(a):
            return a
    raise AssertionError("never reached the wanted element by Tab; last: %r" % active(driver))


def set_viewport(driver, width, height):
    """Make the viewport (innerWidth x innerHeight) exactly this size."""
    if driver.browser_name == "chromium":
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    elif width < 500:
        driver.ui_frame = (width, height)
        return
    else:
        driver.set_window_size(width, height)
        dw, dh = driver.execute_script("return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight]")
        driver.set_window_size(width + dw, height + dh)
    wait_js(driver, "window.innerWidth === %d" % width, message="viewport width not applied")


@pytest.fixture
def viewport(browser):
    """Resize with ``viewport(w, h)``; the browser's normal size is restored afterwards."""
    yield lambda w, h: set_viewport(browser, w, h)
    if browser.browser_name == "chromium":
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    else:
        browser.ui_frame = None
        browser.switch_to.default_content()
        browser.set_window_size(1280, 900)


def screenshot(driver, path):
    """The viewport, or the iframe standing in for a narrow viewport."""
    if getattr(driver, "ui_frame", None):
        driver.switch_to.default_content()
        driver.find_element("css selector", "iframe").screenshot(str(path))
        driver.switch_to.frame(driver.find_element("css selector", "iframe"))
    else:
        driver.save_screenshot(str(path))


def wait_status(driver):
    """The first line of the status message (role=status) once there is one."""
    return wait_js(driver, STATUS + " && " + STATUS + ".querySelector('p') && " + STATUS
                   + ".querySelector('p').textContent", message="no status message")


# ------------------------------------------------------------------------------ banner
def test_banner_semantics_and_tab_order(browser, site):
    open_page(browser, site)
    host = browser.execute_script("var h = document.querySelector('[data-consentry-root]'); "
                       "return {parent: h.parentNode === document.body, lang: h.lang, dir: h.dir, open: h.shadowRoot.mode}")
    assert host == {"parent": True, "lang": "en", "dir": "ltr", "open": "open"}
    b = browser.execute_script("var b = %s; return {role: b.getAttribute('role'), name: b.shadowRoot ? null : "
                    "b.getRootNode().getElementById(b.getAttribute('aria-labelledby')).textContent}" % BANNER)
    assert b == {"role": "region", "name": "Your choice about cookies"}
    # The banner takes focus when the page had none, so the next Tab reaches its first action.
    assert active(browser)["part"] == "banner"
    order = []
    for _ in range(4):
        press(browser, Keys.TAB)
        order.append(active(browser)["part"])
    assert order == ["button reject-all", "button accept-all", "button customise", "button close"]
    assert consent(browser) is None
    assert_clean_console(browser)


def test_keyboard_reject_needs_no_more_keys_than_accept(browser, site):
    open_page(browser, site)
    press(browser, Keys.TAB, Keys.ENTER)          # 2 keys: Reject all is the first action
    wait_js(browser, "Consentry.getConsent() !== null")
    c = consent(browser)
    assert c["method"] == "necessary"
    assert c["categories"] == {"necessary": True, "functionality": False, "analytics": False,
                               "targeting": False, "site-analytics": False}
    wait_js(browser, "!" + BANNER, message="banner still open after Reject all")
    assert wait_status(browser) == "Your choices have been saved."
    assert js(browser, STATUS + ".getAttribute('role')") == "status"
    assert active(browser)["part"] == "status", "focus was lost to <body> after the choice"
    assert_clean_console(browser)


def test_keyboard_accept_with_space(browser, site):
    open_page(browser, site)
    press(browser, Keys.TAB, Keys.TAB, Keys.SPACE)  # 3 keys
    wait_js(browser, "Consentry.getConsent() !== null")
    assert consent(browser)["method"] == "all"
    assert all(consent(browser)["categories"].values())
    wait_js(browser, "!" + BANNER)
    assert_clean_console(browser)


def test_keyboard_customise_switches_do_not_save_until_save(browser, site):
    open_page(browser, site)
    press(browser, Keys.TAB, Keys.TAB, Keys.TAB, Keys.ENTER)
    wait_js(browser, PANEL, message="Customise did not open the panel")
    p = browser.execute_script("""var p = %s, r = p.getRootNode();
      return {role: p.getAttribute('role'), modal: p.getAttribute('aria-modal'),
              label: r.getElementById(p.getAttribute('aria-labelledby')).textContent,
              desc: r.getElementById(p.getAttribute('aria-describedby')).textContent.length > 0}""" % PANEL)
    assert p == {"role": "dialog", "modal": "true", "label": "Cookie preferences", "desc": True}
    assert active(browser)["inPanel"], "focus did not move into the panel"
    sw = tab_to(browser, lambda a: a["key"] == "analytics")
    assert sw["tag"] == "input"
    press(browser, Keys.SPACE)
    assert js(browser, PANEL + ".querySelector('[data-k=analytics]').checked") is True
    assert consent(browser) is None, "a switch saved by itself"
    assert js(browser, "!!" + PANEL), "a switch closed the panel"
    tab_to(browser, lambda a: a["part"] == "button save")
    press(browser, Keys.ENTER)
    wait_js(browser, "Consentry.getConsent() !== null")
    c = consent(browser)
    assert c["method"] == "custom"
    assert c["categories"]["analytics"] is True and c["categories"]["targeting"] is False
    assert c["categories"]["functionality"] is True   # legitimate interest: on unless switched off
    wait_js(browser, "!" + PANEL + " && !" + BANNER)
    assert wait_status(browser) == "Your choices have been saved."
    assert_clean_console(browser)


def test_close_button_records_close_action(browser, site):
    open_page(browser, site)
    tab_to(browser, lambda a: a["part"] == "button close")
    press(browser, Keys.ENTER)
    wait_js(browser, "Consentry.getConsent() !== null")
    assert consent(browser)["method"] == "necessary"      # default closeAction: reject
    wait_js(browser, "!" + BANNER)


def test_escape_on_banner_records_close_action(browser, site):
    open_page(browser, site)
    press(browser, Keys.ESCAPE)
    wait_js(browser, "Consentry.getConsent() !== null")
    assert consent(browser)["method"] == "necessary"
    wait_js(browser, "!" + BANNER)
    assert_clean_console(browser)


def test_modal_layout_traps_focus_and_escape_dismisses(browser, site):
    open_page(browser, site, "ui-modal.html")
    assert js(browser, BANNER + ".getAttribute('role')") == "dialog"
    assert js(browser, BANNER + ".getAttribute('aria-modal')") == "true"
    assert active(browser)["inBanner"]
    for _ in range(8):
        press(browser, Keys.TAB)
        assert active(browser)["inBanner"], "Tab left the modal banner"
    press(browser, Keys.ESCAPE)
    wait_js(browser, "Consentry.getConsent() !== null")
    assert consent(browser)["method"] == "dismiss"        # this page sets closeAction: dismiss
    wait_js(browser, "!" + BANNER)
    assert_clean_console(browser)


# ------------------------------------------------------------------------------ panel
def _open_from_footer(browser):
    browser.execute_script("document.getElementById('prefs-link').focus()")
    press(browser, Keys.ENTER)
    wait_js(browser, "document.querySelector('[data-consentry-root]') && " + PANEL,
            message="the footer link did not open the panel")


def test_reopen_from_footer_link_escape_returns_focus_without_saving(browser, site):
    open_page(browser, site)
    browser.execute_script("Consentry.rejectAll()")
    before = consent(browser)
    open_page(browser, site, banner=False)
    assert js(browser, "!document.querySelector('[data-consentry-root]') || !" + BANNER)
    _open_from_footer(browser)
    assert active(browser)["inPanel"]
    states = browser.execute_script("var o = {}; %s.querySelectorAll('input[data-k]').forEach(function (i) {"
                         " o[i.getAttribute('data-k')] = [i.checked, i.disabled]; }); return o" % PANEL)
    assert states["necessary"] == [True, True]
    assert states["analytics"] == [False, False]
    assert states["functionality"] == [False, False]
    tab_to(browser, lambda a: a["key"] == "targeting")
    press(browser, Keys.SPACE)
    press(browser, Keys.ESCAPE)
    wait_js(browser, "!" + PANEL, message="Esc did not close the panel")
    assert active(browser)["id"] == "prefs-link", "focus did not return to the opener"
    assert consent(browser) == before, "Esc saved something"
    assert_clean_console(browser)


def test_panel_focus_trap_wraps_both_ways(browser, site):
    open_page(browser, site)
    browser.execute_script("Consentry.acceptAll()")
    _open_from_footer(browser)
    browser.execute_script(PANEL + ".querySelectorAll('details').forEach(function (d) { d.open = true; })")
    seen = set()
    for _ in range(45):
        press(browser, Keys.TAB)
        a = active(browser)
        assert a["inPanel"], "Tab left the modal panel: %r" % a
        seen.add(a["part"] or a["key"] or a["tag"])
    assert {"button close", "button save", "analytics", "analytics/ga", "summary"} <= seen
    # Shift+Tab from the first control wraps to the last one, and Tab from the last to the first.
    browser.execute_script(part("close", PANEL) + ".focus()")
    shift_tab(browser)
    assert active(browser)["part"] == "button save"
    press(browser, Keys.TAB)
    assert active(browser)["part"] == "button close"
    press(browser, Keys.ENTER)
    wait_js(browser, "!" + PANEL)
    assert active(browser)["id"] == "prefs-link"
    assert_clean_console(browser)


def test_panel_lists_categories_services_and_cookies(browser, site):
    open_page(browser, site)
    press(browser, Keys.TAB, Keys.TAB, Keys.TAB, Keys.ENTER)
    wait_js(browser, PANEL)
    info = browser.execute_script("""var p = %s, out = {};
      p.querySelectorAll('input[data-k]').forEach(function (i) {
        out[i.getAttribute('data-k')] = {name: i.labels[0].textContent, role: i.getAttribute('role'),
          type: i.type, desc: i.getAttribute('aria-describedby').split(' ').map(function (id) {
            return p.getRootNode().getElementById(id).textContent; })};
      });
      return out;""" % PANEL)
    assert info["necessary"]["name"] == "Strictly necessary"
    assert info["necessary"]["desc"][-1] == "Always on"
    assert info["functionality"]["desc"][-1] == "On unless you turn it off"
    assert info["analytics"]["role"] == "switch" and info["analytics"]["type"] == "checkbox"
    assert info["analytics/ga"]["name"] == "Example Analytics"
    # Services are collapsed until asked for, and hold a cookie table.
    summary = tab_to(browser, lambda a: a["tag"] == "summary" and "Services" in a["text"])
    assert summary
    press(browser, Keys.ENTER)
    heads = js(browser, "return Array.from(%s.querySelectorAll('details[open] th')).map(function (t) {"
                        " return t.textContent; })" % PANEL)
    assert heads[:3] == ["Name", "Purpose", "Kept for"]
    cells = js(browser, "return Array.from(%s.querySelectorAll('details[open] td')).map(function (t) {"
                        " return t.textContent; })" % PANEL)
    assert "_ga" in cells and "_ga_*" in cells
    assert_clean_console(browser)


def test_panel_under_strict_csp(browser, site):
    open_page(browser, site, "strict-csp.html")
    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    assert js(browser, "getComputedStyle(%s).position" % BANNER) == "fixed", "stylesheet not adopted"
    assert js(browser, "getComputedStyle(%s).display" % PANEL) == "flex"
    assert diag(browser)["csp"] == []
    assert_clean_console(browser)


# ------------------------------------------------------------------------------ placeholder
PH_HOST = "document.querySelector('[data-consentry-placeholder]')"
PH = PH_HOST + ".shadowRoot.querySelector('[part~=\"placeholder\"]')"


def test_placeholder_allow_once_and_always(browser, site):
    open_page(browser, site)
    wait_js(browser, PH_HOST, message="no placeholder for the blocked iframe")
    ph = browser.execute_script("""var h = %s, f = document.querySelector('iframe[data-category]'), p = %s;
      return {next: h.nextElementSibling === f, hidden: f.hidden, role: p.getAttribute('role'),
              text: p.textContent, buttons: Array.from(p.querySelectorAll('button')).map(function (b) {
                return b.getAttribute('part'); })}""" % (PH_HOST, PH))
    assert ph["next"] and ph["hidden"] and ph["role"] == "group"
    assert "Example video" in ph["text"] and "Targeting and advertising" in ph["text"]
    assert ph["buttons"] == ["button allow-once", "button always-allow"]
    browser.execute_script(PH + ".querySelector('[part~=\"allow-once\"]').focus()")
    press(browser, Keys.ENTER)
    wait_js(browser, "!" + PH_HOST + " && !!document.querySelector('iframe[data-category]').src",
            message="Allow once did not load the iframe")
    assert consent(browser) is None, "Allow once recorded a choice"
    open_page(browser, site)
    wait_js(browser, PH_HOST)
    browser.execute_script(PH + ".querySelector('[part~=\"always-allow\"]').focus()")
    press(browser, Keys.ENTER)
    wait_js(browser, "Consentry.getConsent() !== null")
    assert consent(browser)["categories"]["targeting"] is True
    assert consent(browser)["categories"]["analytics"] is False
    wait_js(browser, "!" + PH_HOST)


# ------------------------------------------------------------------------------ text is text
COLLECT = """
var roots = [document.querySelector('[data-consentry-root]').shadowRoot];
document.querySelectorAll('[data-consentry-placeholder]').forEach(function (h) { roots.push(h.shadowRoot); });
var text = '', attrs = '', bad = [];
roots.forEach(function (r) {
  r.querySelectorAll('*').forEach(function (el) {
    var tag = el.tagName.toLowerCase();
    if (['script', 'img', 'svg', 'iframe', 'object', 'embed', 'style', 'b'].indexOf(tag) >= 0) { bad.push(tag); }
    for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      if (a.name.indexOf('on') === 0 || a.name === 'style') { bad.push(tag + '[' + a.name + ']'); }
      if (a.name === 'href' && !/^(https?:|\\/)/i.test(a.value)) { bad.push('href=' + a.value); }
      attrs += '\\n' + a.value;
    }
  });
  text += '\\n' + r.textContent;
});
return {text: text, attrs: attrs, bad: bad, calls: window.__xssCalls};
"""


def _strings(value, out):
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, out)
    elif isinstance(value, list):
        for v in value:
            _strings(v, out)
    return out


def test_hostile_strings_render_as_text_and_never_run(browser, site):
    open_page(browser, site, "ui-xss.html")
    config = json.loads(js(browser, "document.getElementById('consentry-config').textContent"))
    tr = config["translations"]["en"]
    assert js(browser, BANNER + ".querySelector('h2').textContent") == tr["banner"]["title"]
    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    browser.execute_script(PANEL + ".querySelectorAll('details').forEach(function (d) { d.open = true; })")
    wait_js(browser, "document.querySelector('[data-consentry-placeholder]')")
    seen = browser.execute_script(COLLECT)
    # Not on screen in this state: the revision and GPC notes, and the reload offer (below).
    hidden = {tr["banner"]["revisionNote"], tr["panel"]["gpcHonoured"], tr["reload"]["text"],
              tr["reload"]["button"], tr["placeholder"]["text"], tr["placeholder"]["alwaysAllow"],
              tr["panel"]["saved"]}
    expected = [s for s in _strings(tr, []) if s not in hidden]
    for cat in config["categories"]:
        for svc in cat.get("services", []):
            expected += [svc["label"], svc["description"]]
            expected += [c["purpose"] for c in svc["cookies"] if isinstance(c, dict)]
        expected += [c["purpose"] for c in cat.get("cookies", [])] + [c["duration"] for c in cat.get("cookies", [])]
    everything = seen["text"] + seen["attrs"]
    missing = [s for s in expected if s not in everything]
    assert not missing, "strings not rendered verbatim as text: %r" % missing
    title = tr["categories"]["targeting"]["title"]
    assert tr["placeholder"]["text"].replace("{category}", title) in seen["text"]
    assert seen["bad"] == [], "markup or handlers from strings: %r" % seen["bad"]
    # Withdraw a category whose code ran: the reload offer shows its strings as text too.
    browser.execute_script(part("accept-all", PANEL) + ".click()")
    wait_js(browser, "Consentry.getConsent() !== null")
    assert wait_status(browser) == tr["panel"]["saved"]
    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    browser.execute_script(part("reject-all", PANEL) + ".click()")
    wait_js(browser, STATUS + ".textContent.indexOf(%s) >= 0" % json.dumps(tr["reload"]["text"]),
            message="no reload offer after withdrawal")
    seen = browser.execute_script(COLLECT)
    assert tr["reload"]["button"] in seen["text"]
    assert seen["bad"] == [] and seen["calls"] == [], seen
    assert js(browser, "window.__xssCalls") == []


# ------------------------------------------------------------------------------ layout
def _rects(browser, where, names):
    return js(browser, "return [%s].map(function (b) { var r = b.getBoundingClientRect();"
                       " return [Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10]; })"
              % ", ".join(part(n, where) for n in names))


@pytest.mark.parametrize("width,height", [(1280, 800), (320, 640)])
def test_first_layer_buttons_have_equal_size(browser, site, viewport, width, height):
    viewport(width, height)
    open_page(browser, site)
    accept, reject, custom = _rects(browser, BANNER, ["accept-all", "reject-all", "customise"])
    assert accept == reject == custom, (accept, reject, custom)
    assert accept[0] >= 24 and accept[1] >= 24
    assert browser.execute_script("var c = getComputedStyle(%s), d = getComputedStyle(%s);"
                       " return c.backgroundColor === d.backgroundColor && c.color === d.color"
                       " && c.fontWeight === d.fontWeight"
              % (part("accept-all", BANNER), part("reject-all", BANNER)))
    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    a, r, s = _rects(browser, PANEL, ["accept-all", "reject-all", "save"])
    assert a == r == s, (a, r, s)
    # Usable at this width: nothing wider than the viewport.
    assert js(browser, "%s.scrollWidth <= %s.clientWidth + 1 && %s.scrollWidth <= %s.clientWidth + 1"
              % (BANNER, BANNER, PANEL, PANEL))
    assert js(browser, "%s.getBoundingClientRect().right <= window.innerWidth" % PANEL)


def test_banner_never_hides_the_focused_element(browser, site, viewport):
    """WCAG 2.4.11: Tab through the page with the bar open; no focused element is fully covered."""
    viewport(1024, 600)
    open_page(browser, site)
    browser.execute_script("document.getElementById('skip').focus()")
    covered = []
    for _ in range(40):
        press(browser, Keys.TAB)
        r = browser.execute_script("""var a = document.activeElement; if (a === document.querySelector('[data-consentry-root]')) return null;
          var r = a.getBoundingClientRect(), b = %s.getBoundingClientRect();
          return {id: a.id, hidden: r.top >= b.top && r.bottom <= b.bottom}""" % BANNER)
        if r is None:
            break
        if r["hidden"]:
            covered.append(r["id"])
    assert not covered, "focused elements hidden under the banner: %r" % covered
    press(browser, Keys.ESCAPE)  # closes (records reject); focus goes to the status message
    wait_js(browser, "!" + BANNER)
    wait_status(browser)
    press(browser, Keys.ESCAPE)  # hides the status: the scroll padding and spacer must go away
    wait_js(browser, "document.documentElement.style.getPropertyValue('scroll-padding-bottom') === ''"
                     " && document.querySelector('[data-consentry-root]').style.height === ''")


# ------------------------------------------------------------------------------ screenshots
@pytest.mark.parametrize("theme,page", [("light", "ui.html"), ("dark", "ui-dark.html")])
@pytest.mark.parametrize("size", [(1280, 800), (375, 740)], ids=["desktop", "phone"])
def test_screenshots(browser, site, viewport, theme, page, size):
    viewport(*size)
    open_page(browser, site, page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = "%s-%s-%dx%d" % (browser.browser_name, theme, size[0], size[1])
    screenshot(browser, SHOTS / (stem + "-banner.png"))
    browser.execute_script("Consentry.showPreferences()")
    wait_js(browser, PANEL)
    browser.execute_script(PANEL + ".querySelector('details').open = true")
    screenshot(browser, SHOTS / (stem + "-panel.png"))
    assert (SHOTS / (stem + "-panel.png")).stat().st_size > 0
