"""Start-up: gating happens as the parser inserts elements, images are
gated like scripts, and duplicate consent cookies are resolved and cleaned up."""

import pytest
from helpers import assert_clean_console, js, wait_js, wait_ready

pytestmark = pytest.mark.usefixtures("bundle")


def test_first_visit_blocks_while_parsing(browser, site, third_party):
    browser.get(site.url + "/shell-parse.html")
    wait_ready(browser)
    probe = js(browser, "window.__probe")
    assert probe["readyState"] == "loading"
    assert probe["ran"] == []
    assert probe["gatedState"] == "blocked"   # classified before the next parser-inserted script
    assert js(browser, "document.getElementById('pixel').getAttribute('src')") is None
    assert_clean_console(browser)


def test_returning_visitor_runs_gated_code_before_the_next_script(browser, site):
    browser.get(site.url + "/shell-parse.html")
    wait_ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "document.getElementById('pixel').getAttribute('src') === '/t/pixel.gif'")
    browser.refresh()
    wait_ready(browser)
    probe = js(browser, "window.__probe")
    assert probe["readyState"] == "loading"
    assert probe["ran"] == ["inline"]          # revived during parsing, not at DOMContentLoaded
    assert js(browser, "document.getElementById('pixel').getAttribute('src')") == "/t/pixel.gif"
    assert js(browser, "document.getElementById('badpixel').getAttribute('src')") is None
    assert_clean_console(browser, allow_warnings_prefix="[consentry]")


def test_duplicate_consent_cookies_are_cleaned_up_on_the_next_write(browser, site):
    browser.get(site.url + "/shell-parse.html")
    wait_ready(browser)
    browser.execute_script("Consentry.rejectAll();")
    value = js(browser, "document.cookie.split('; ').filter(function (c) {"
                        " return c.indexOf('consentry=') === 0; })[0].slice(10)")
    # A stale copy on another path, as an older deployment might have written it.
    browser.execute_script("document.cookie = 'consentry=' + arguments[0] + '; path=/shell-parse.html';",
                           value)
    assert js(browser, "document.cookie.split('consentry=').length - 1") == 2
    browser.execute_script("Consentry.acceptAll();")
    assert js(browser, "document.cookie.split('consentry=').length - 1") == 1
    assert js(browser, "Consentry.allowed('analytics')") is True
    browser.refresh()
    wait_ready(browser)
    assert js(browser, "Consentry.getConsent().method") == "all"
