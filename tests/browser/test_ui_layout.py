"""UI layout beyond the flows: right-to-left languages render mirrored with
English fallbacks for missing keys, reduced motion is honoured, and the banner stays usable at
200 % zoom (a 1280x800 window at 200 % is a 640x400 CSS-pixel viewport)."""

import pytest
from helpers import assert_clean_console, js, wait_js
from test_ui_flows import BANNER, ROOT, open_page, part, viewport  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("bundle")


def test_rtl_language_is_mirrored_and_falls_back_per_key(browser, site):
    open_page(browser, site, "ui-rtl.html")
    host = "document.querySelector('[data-consentry-root]')"
    assert js(browser, host + ".getAttribute('lang')") == "ar"
    assert js(browser, host + ".getAttribute('dir')") == "rtl"
    assert js(browser, "getComputedStyle(" + BANNER + ").direction") == "rtl"
    assert js(browser, BANNER + ".querySelector('h2, h1, [id]').textContent").startswith("اختيارك")
    assert js(browser, part("accept-all", BANNER) + ".textContent.trim()") == "قبول الكل"
    # Keys the site did not translate fall back to the default language, never to blank text.
    body = js(browser, BANNER + ".textContent")
    assert "cookies" in body
    reject = js(browser, part("reject-all", BANNER) + ".getBoundingClientRect().left")
    accept = js(browser, part("accept-all", BANNER) + ".getBoundingClientRect().left")
    assert reject > accept, "buttons are not mirrored (Reject all comes first in reading order)"
    assert_clean_console(browser)


def test_reduced_motion_turns_transitions_off(browser, site):
    if browser.browser_name != "chromium":
        pytest.skip("prefers-reduced-motion is emulated through CDP (Chromium only)")
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [
        {"name": "prefers-reduced-motion", "value": "reduce"}]})
    try:
        open_page(browser, site)
        browser.execute_script("Consentry.showPreferences();")
        wait_js(browser, ROOT + ".querySelector('.sw')")
        assert js(browser, "getComputedStyle(" + ROOT + ".querySelector('.sw')).transitionDuration") == "0s"
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})
    browser.get(site.url + "/ui.html")
    browser.execute_script("Consentry.showPreferences();")
    wait_js(browser, ROOT + ".querySelector('.sw')")
    assert js(browser, "getComputedStyle(" + ROOT + ".querySelector('.sw')).transitionDuration") != "0s"


def test_banner_is_usable_at_200_percent_zoom(browser, site, viewport):
    viewport(640, 400)
    open_page(browser, site)
    for name in ("reject-all", "accept-all", "customise", "close"):
        hit = js(browser, "(function () { var b = %s; b.scrollIntoView({block: 'center'});"
                          " var r = b.getBoundingClientRect();"
                          " var at = %s.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
                          " return {inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0"
                          " && r.right <= innerWidth, hits: !!at && (at === b || b.contains(at)),"
                          " w: r.width, h: r.height}; })()" % (part(name, BANNER), ROOT))
        assert hit["inView"] and hit["hits"], (name, hit)
        assert hit["w"] >= 24 and hit["h"] >= 24, (name, hit)
    browser.execute_script(part("accept-all", BANNER) + ".click();")
    wait_js(browser, "Consentry.allowed('analytics') === true")
