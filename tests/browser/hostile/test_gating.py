"""Catalogue group C: script-gating bypass.

Principle: only an explicit visitor action or an explicit API call grants consent. Before any
choice (also when the SDK is missing or blocked), after a refusal, and for anything page markup,
forged events or messages say, gated scripts, iframes and images stay inert. Revived scripts run
in order, once, with their own attributes (never a borrowed nonce), and only allow-listed types.
"""

from __future__ import annotations

import pytest
from helpers import assert_clean_console, diag, js, problems, wait_js
from hostile_kit import (
    all_gates,
    assert_inert,
    banner_shown,
    click_part,
    consent_cookies,
    gated,
    no_grant,
    page,
    part,
    ready,
    set_cookie,
    value_for,
)
from shell_common import barrier, page_run

pytestmark = pytest.mark.usefixtures("bundle")

USABLE = ("<script>document.getElementById('plain-button').addEventListener('click', function () {"
          " window.__clicked = (window.__clicked || 0) + 1; });</script>")


def _usable(browser):
    assert js(browser, """(function () {
      var b = document.getElementById('plain-button'), r = b.getBoundingClientRect();
      return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b; })()""")
    browser.find_element("id", "plain-button").click()
    wait_js(browser, "window.__clicked === 1")
    assert js(browser, "getComputedStyle(document.documentElement).overflow !== 'hidden' && "
                       "getComputedStyle(document.body).overflow !== 'hidden'")


# ------------------------------------------------------------------ C1 before any choice / SDK missing

def test_before_any_choice_nothing_gated_runs(browser, site, third_party, hpage):
    path = hpage(page(head=all_gates(third_party.url) + all_gates(site.url).replace("/t/ext-", "/t/same-")))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    no_grant(browser)
    assert_inert(browser, third_party)
    assert site.requests_for("/t/same-*") == [] and site.requests_for("/t/frame.html") == []
    assert js(browser, "Array.prototype.every.call(document.querySelectorAll('iframe[data-category], img[data-category]'),"
                       " function (e) { return !e.getAttribute('src'); })")
    assert_clean_console(browser)


@pytest.mark.parametrize("how", ["404", "csp-blocked", "empty-file", "syntax-error"])
def test_sdk_that_cannot_start_leaves_the_page_usable_and_inert(browser, site, third_party, hpage, how):
    headers = {}
    src = "/consentry.js"
    if how == "404":
        src = "/h/missing-consentry.js"
    elif how == "empty-file":
        src = hpage("", name="empty.js")
    elif how == "syntax-error":
        src = hpage("window.Consentry = ;", name="broken.js")
    elif how == "csp-blocked":
        # only nonce'd scripts may run: diag.js gets the nonce, the SDK does not
        headers = {"Content-Security-Policy": "script-src 'nonce-hostile1'; style-src 'self'"}
    html = page(sdk=src, head=all_gates(third_party.url), body=USABLE.replace("<script>", '<script nonce="hostile1">'))
    if how == "csp-blocked":
        html = html.replace('<script src="/diag.js">', '<script nonce="hostile1" src="/diag.js">')
    path = hpage(html, headers=headers)
    browser.get(site.url + path)
    wait_js(browser, "document.readyState === 'complete'")
    assert js(browser, "typeof window.Consentry") in ("undefined",) or how == "syntax-error"
    assert js(browser, "document.querySelector('[data-consentry-root]')") is None
    assert_inert(browser, third_party) if how != "csp-blocked" else None
    assert third_party.requests_for("/t/ext-*") == [] and third_party.requests_for("/t/frame.html") == []
    assert [r for r in (js(browser, "window.__ran || []")) if r != "barrier"] == []
    _usable(browser)
    d = diag(browser)
    found = problems(browser, allow_resource_errors=True)
    if how == "404":
        assert [r["url"].endswith("missing-consentry.js") for r in d["resources"]] == [True], d
        assert found == [], found
    elif how == "csp-blocked":
        assert [c["blockedURI"].endswith("/consentry.js") for c in d["csp"]] == [True], d["csp"]
        assert all(p.startswith("CSP violation") for p in found), found
    elif how == "syntax-error":
        assert len(d["errors"]) == 1 and "broken.js" in d["errors"][0]["source"], d
    else:
        assert found == [], found


def test_misconfigured_gate_without_text_plain_runs_and_is_named_in_one_warning(browser, site, third_party, hpage):
    """C1: <script data-category> without type=text/plain cannot be blocked; it is reported once."""
    path = hpage(page(head='<script data-category="analytics">(window.__ran = window.__ran || []).push("ungated");</script>'
                           '<script data-category="analytics">(window.__ran = window.__ran || []).push("ungated2");</script>'))
    browser.get(site.url + path)
    ready(browser)
    assert js(browser, "window.__ran") == ["ungated", "ungated2"]
    warns = [c["message"] for c in diag(browser)["console"] if "without type" in c["message"]]
    assert len(warns) == 1 and warns[0].startswith("[consentry]"), warns
    assert js(browser, "Consentry.allowed('analytics')") is False
    assert_clean_console(browser)


# ------------------------------------------------------------------ C2 reject + reload

def test_reject_then_reload_stays_inert_and_negated_runs_once_per_page(browser, site, third_party, hpage):
    neg = '<script type="text/plain" data-category="!analytics">(window.__ran = window.__ran || []).push("neg");</script>'
    path = hpage(page(head=all_gates(third_party.url) + neg))
    browser.get(site.url + path)
    ready(browser)
    click_part(browser, "reject-all")
    wait_js(browser, "window.__ran && window.__ran.indexOf('neg') !== -1")
    assert_inert(browser, third_party, expected=["neg"])
    for _ in range(3):
        browser.get(site.url + path)
        ready(browser)
        assert_inert(browser, third_party, expected=["neg"])
        assert js(browser, "document.querySelector('[data-consentry-root]') === null || !(%s)"
                  % __import__("shell_common").BANNER_SHOWN)
        assert_clean_console(browser)


# ------------------------------------------------------------------ C3 order with a failing script

def test_order_survives_a_failing_external_script(browser, site, third_party, hpage):
    head = (gated("analytics", src=third_party.url + "/t/missing-a.txt")
            + gated("analytics", name="B")
            + gated("analytics", src=third_party.url + "/t/C.js")
            + gated("analytics", name="D"))
    path = hpage(page(head=head))
    browser.get(site.url + path)
    ready(browser)
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "window.__ran && window.__ran.length === 3")
    assert js(browser, "window.__ran") == ["B", "C", "D"]
    assert js(browser, "Array.prototype.every.call(document.querySelectorAll('script[src*=\"/t/\"]'),"
                       " function (s) { return s.async === false; })")
    assert_clean_console(browser, allow_resource_errors=True)


# ------------------------------------------------------------------ C4 attribute fidelity and types

NONCE = "hostileNonce42"


def test_a_borrowed_nonce_is_never_copied(browser, site, third_party, hpage):
    """I3/C4: only the gated element's OWN nonce goes to the revived script."""
    csp = "script-src 'self' 'nonce-%s'; style-src 'self'" % NONCE
    head = ('<script nonce="%s">window.__pageNonce = true;</script>' % NONCE
            + '<script type="text/plain" data-category="analytics" nonce="%s">(window.__ran = window.__ran || []).push("own");</script>' % NONCE
            + '<script type="text/plain" data-category="analytics">(window.__ran = window.__ran || []).push("injected");</script>')
    html = page(head=head).replace('<script src="/diag.js">', '<script nonce="%s" src="/diag.js">' % NONCE)
    path = hpage(html, headers={"Content-Security-Policy": csp})
    browser.get(site.url + path)
    ready(browser)
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "window.__ran && window.__ran.indexOf('own') !== -1")
    barrier(browser, site.url)
    assert js(browser, "window.__ran.filter(function (x) { return x !== 'barrier'; })") == ["own"]
    nonces = js(browser, "Array.prototype.map.call(document.querySelectorAll('script[data-consentry-state=revived]'),"
                         " function (s) { return s.nonce || ''; })")
    assert sorted(nonces) == ["", NONCE], nonces
    d = diag(browser)
    assert len(d["csp"]) == 1 and d["csp"][0]["directive"].startswith("script-src"), d["csp"]
    assert [p for p in problems(browser) if not p.startswith("CSP violation")] == []


BAD_TYPES = ["text/python", "TEXT/PYTHON", "text/html", "application/x-foo", "text/plain", "application/json",
             "text/javascript; charset=x", "module ", " text/javascript", "text/babel", "importmap", "speculationrules",
             "webbundle", "text/x-brython"]


@pytest.mark.parametrize("data_type", BAD_TYPES)
def test_data_type_outside_the_allow_list_is_never_revived(browser, site, third_party, hpage, data_type):
    py = "from browser import window\nwindow.__ran.append('py')\n"
    body = '<script>window.__ran = [];</script>'
    head = ('<script type="text/plain" data-category="analytics" data-type="%s">%s</script>' % (data_type, py)
            + '<script type="text/plain" data-category="analytics" data-type="%s">window.__ran.push("js");</script>' % data_type
            + gated("analytics", src=third_party.url + "/t/typed.js", data_type=data_type))
    path = hpage(page(before_sdk=body, head=head))
    browser.get(site.url + path)
    ready(browser)
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "Consentry.allowed('analytics')")
    assert_inert(browser, third_party)
    assert js(browser, "window.__ran.filter(function (x) { return x !== 'barrier'; })") == []
    assert js(browser, "document.querySelectorAll('script[type=\"text/plain\"][data-category]').length") == 3
    assert_clean_console(browser)


# ------------------------------------------------------------------ C5 exactly once

def test_every_gated_script_runs_exactly_once_through_repeated_choices(browser, site, third_party, hpage):
    head = (gated("analytics", src=third_party.url + "/t/once-a.js") + gated("analytics", name="a-inline")
            + gated("targeting", name="t-inline") + gated("site-analytics", src=site.url + "/t/once-s.js"))
    path = hpage(page(head=head, body='<a href="#" id="prefs" data-consentry="preferences">Cookie settings</a>'))
    browser.get(site.url + path)
    ready(browser)
    browser.execute_script("window.__loads = 0; window.addEventListener('load', function () { window.__loads++; }); "
                           "document.addEventListener('DOMContentLoaded', function () { window.__dcl = (window.__dcl || 0) + 1; });")
    js(browser, "Consentry.update({analytics: true}) || true")
    wait_js(browser, "window.__ran && window.__ran.indexOf('once-a') !== -1 && window.__ran.indexOf('a-inline') !== -1")
    js(browser, "Consentry.update({analytics: true}) || true")
    js(browser, "Consentry.acceptAll() || true")
    js(browser, "Consentry.acceptAll() || true")
    wait_js(browser, "window.__ran.length >= 4")
    browser.find_element("id", "prefs").click()
    click_part(browser, "save")
    js(browser, "Consentry.update({targeting: true, analytics: true}) || true")
    barrier(browser, site.url)
    ran = [r for r in js(browser, "window.__ran") if r != "barrier"]
    assert sorted(ran) == sorted(["once-a", "a-inline", "t-inline", "once-s"]), ran
    assert len(third_party.requests_for("/t/once-a.js")) == 1 and len(site.requests_for("/t/once-s.js")) == 1
    assert js(browser, "window.__loads") == 0 and js(browser, "window.__dcl || 0") == 0
    assert_clean_console(browser)


# ------------------------------------------------------------------ C6 late insertion

INSERT = """
var kind = arguments[0], origin = arguments[1], el;
if (kind === 'script-ext') { el = document.createElement('script'); el.type = 'text/plain';
  el.setAttribute('data-category', 'analytics'); el.setAttribute('data-src', origin + '/t/late-ext.js'); }
if (kind === 'script-inline') { el = document.createElement('script'); el.type = 'text/plain';
  el.setAttribute('data-category', 'analytics'); el.text = '(window.__ran = window.__ran || []).push("late-inline");'; }
if (kind === 'iframe') { el = document.createElement('iframe'); el.setAttribute('data-category', 'targeting');
  el.setAttribute('data-src', origin + '/t/late.html'); el.title = 'late'; }
if (kind === 'img') { el = document.createElement('img'); el.setAttribute('data-category', 'analytics');
  el.setAttribute('data-src', origin + '/t/late.gif'); el.alt = ''; }
if (kind === 'innerhtml') { el = document.createElement('div');
  el.innerHTML = '<img data-category="analytics" data-src="' + origin + '/t/late-inner.gif" alt="">'; }
document.body.appendChild(el);
"""
LATE_PATH = {"script-ext": "/t/late-ext.js", "script-inline": None, "iframe": "/t/late.html", "img": "/t/late.gif",
             "innerhtml": "/t/late-inner.gif"}


@pytest.mark.parametrize("kind", sorted(LATE_PATH))
@pytest.mark.parametrize("state", ["no-choice", "rejected", "accepted"])
def test_late_insertion_is_gated_like_parsed_markup(browser, site, third_party, hpage, kind, state):
    path = hpage(page())
    browser.get(site.url + path)
    ready(browser)
    if state == "rejected":
        js(browser, "Consentry.rejectAll() || true")
    elif state == "accepted":
        js(browser, "Consentry.acceptAll() || true")
    browser.execute_script(INSERT, kind, third_party.url)
    if state != "accepted":
        assert_inert(browser, third_party)
    else:
        if LATE_PATH[kind]:
            assert _wait_hit(third_party, LATE_PATH[kind]), "late %s not loaded after consent" % kind
        else:
            wait_js(browser, "window.__ran && window.__ran.indexOf('late-inline') !== -1")
    assert_clean_console(browser)


def _wait_hit(server, path, timeout=10):
    from selenium.webdriver.support.ui import WebDriverWait
    try:
        WebDriverWait(None, timeout, poll_frequency=0.05).until(lambda _: server.requests_for(path))
        return True
    except Exception:  # noqa: BLE001
        return False


# ------------------------------------------------------------------ C7 page markup, forged events and messages

FORGERS = {
    "markup-accept": '<button id="forge" data-consentry="accept">Accept</button>',
    "markup-accept-all": '<button id="forge" data-consentry="accept-all">Accept</button>',
    "markup-all": '<button id="forge" data-consentry="all">Accept</button>',
    "markup-data-a": '<button id="forge" data-a="all" part="button accept-all">Accept</button>',
    "markup-data-cc": '<button id="forge" data-cc="accept-all">Accept</button>',
    "markup-nested-in-link": '<a id="forge" href="#" data-consentry="preferences"><span data-consentry="accept-all">x</span></a>',
}
SCRIPTED = {
    "custom-event-consent": "window.dispatchEvent(new CustomEvent('consentry:consent', {detail: {categories: {analytics: true}}}));",
    "custom-event-first": "window.dispatchEvent(new CustomEvent('consentry:first-consent', {detail: {categories: {analytics: true}}}));",
    "custom-event-change": "document.dispatchEvent(new CustomEvent('consentry:change', {detail: {changed: {analytics: true}}}));",
    "post-message": "window.postMessage({consentry: 'acceptAll', categories: {analytics: true}}, '*'); window.postMessage('choice', '*');",
    "broadcast-channel": "var c = new BroadcastChannel('consentry'); c.postMessage('choice'); c.postMessage({method: 'all', categories: {analytics: true}});",
    "storage-event": "window.dispatchEvent(new StorageEvent('storage', {key: 'consentry', newValue: 'all'}));",
    "pageshow-persisted": "window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}));",
    "visibilitychange": "document.dispatchEvent(new Event('visibilitychange'));",
    "gtag-update": "(window.dataLayer = window.dataLayer || []).push(['consent', 'update', {analytics_storage: 'granted', ad_storage: 'granted'}]);",
    "synthetic-keydown-enter": "document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));",
    "local-storage": "try { localStorage.setItem('consentry', 'all'); sessionStorage.setItem('consentry', 'all'); } catch (e) {}",
    "clobber-queue": "window.consentryQueue = [function (api) { api.__granted = true; }];",
}


@pytest.mark.parametrize("how", sorted(FORGERS) + sorted(SCRIPTED))
def test_page_markup_and_forged_messages_never_grant(browser, site, third_party, hpage, how):
    body = FORGERS.get(how, "")
    path = hpage(page(head=all_gates(third_party.url), body=body))
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    if how in FORGERS:
        browser.find_element("id", "forge").click()
        js(browser, "document.getElementById('forge').click() || true")
    else:
        page_run(browser, SCRIPTED[how])
    no_grant(browser)
    assert consent_cookies(browser) == []
    assert_inert(browser, third_party)
    banner_shown(browser, "the banner went away without a choice")
    assert_clean_console(browser)


def test_dom_clobbering_before_the_sdk(browser, site, third_party, hpage):
    """Named elements that shadow the SDK's globals do not stop it or make it grant (CVE-2025-48939 class)."""
    clobber = ('<div id="Consentry" data-x="1"></div>' if False else "")
    html = page(head=all_gates(third_party.url)).replace(
        "<body>", '<body>\n<form name="consentryQueue"><input name="push"></form><img name="currentScript" alt="">'
                  '<img name="cookie" alt=""><a id="dataLayer" href="#"></a>', 1)
    # put an element with id=Consentry BEFORE the SDK: in <head> that is impossible, so use a noscript-free trick:
    # an <object> with that name is not allowed in head either; the <html> id is the only early element.
    html = html.replace("<html ", '<html id="Consentry" ', 1) + clobber
    path = hpage(html)
    browser.get(site.url + path)
    ready(browser)
    banner_shown(browser)
    assert js(browser, "window.Consentry.__consentry === true")
    no_grant(browser)
    assert_inert(browser, third_party)
    assert_clean_console(browser)


# ------------------------------------------------------------------ C9 API before start

def test_api_before_start_and_queue_see_the_real_state(browser, site, third_party, hpage):
    """The queue runs once the SDK is there (after later head scripts: it loads without blocking
    the parser); the first stage answers allowed() from the real choice at once."""
    before = ("<script>window.__early = {type: typeof window.Consentry};"
              "(window.consentryQueue = window.consentryQueue || []).push(function (api) {"
              " window.__early.queue = [api.allowed('analytics'), api.allowed('targeting'),"
              " api.getConsent() === null]; });</script>")
    path = hpage(page(before_sdk=before, head="<script>window.__early.head = [Consentry.allowed('analytics'),"
                                               " Consentry.allowed('targeting')];</script>"))
    browser.get(site.url + "/__blank")
    set_cookie(browser, value_for(granted=("targeting",)))
    browser.get(site.url + path)
    ready(browser)
    assert js(browser, "window.__early") == {"type": "undefined", "head": [False, True],
                                             "queue": [False, True, False]}
    assert_clean_console(browser)


def test_webdriver_flag_does_not_grant_or_hide(browser, site, third_party, hpage):
    """S7: navigator.webdriver is true under Selenium: the SDK neither grants nor skips the banner."""
    path = hpage(page(head=all_gates(third_party.url)))
    browser.get(site.url + path)
    ready(browser)
    assert js(browser, "navigator.webdriver") is True
    banner_shown(browser)
    no_grant(browser)
    assert_inert(browser, third_party)
    assert_clean_console(browser)


# ------------------------------------------------------------------ C10 withdrawal

@pytest.mark.parametrize("tracker_on_page", [True, False])
def test_withdrawal_deletes_declared_cookies_on_every_path(browser, site, third_party, hpage, tracker_on_page):
    head = gated("analytics", name="a") if tracker_on_page else ""
    path = hpage(page(head=head), name="w/x/page%d.html" % tracker_on_page)
    browser.get(site.url + "/__blank")
    set_cookie(browser, value_for(granted=("analytics", "targeting", "site-analytics")))
    browser.get(site.url + path)
    ready(browser)
    if tracker_on_page:
        wait_js(browser, "window.__ran && window.__ran[0] === 'a'")
    for name, p in (("_ga", "/"), ("_ga", "/h/w"), ("_ga_ABC", "/"), ("_ga_XYZ", "/h/w/x"), ("other", "/")):
        set_cookie(browser, "1", name=name, attrs="Path=%s; Max-Age=3600" % p)
    assert js(browser, "document.cookie.split('_ga').length - 1") == 4
    js(browser, "Consentry.update({analytics: false}) || true")
    wait_js(browser, "document.cookie.indexOf('_ga') === -1", message="_ga cookies survived withdrawal")
    assert "other=1" in js(browser, "document.cookie") and len(consent_cookies(browser)) == 1
    assert js(browser, "Consentry.allowed('analytics')") is False
    assert_clean_console(browser)


# ------------------------------------------------------------------ C8 document.write in a revived script

def test_document_write_in_a_revived_inline_script_after_load_is_pinned(browser, site, third_party, hpage):
    """C8: a revived inline script that calls document.write after the page loaded. Pinned,
    documented limitation (docs/security.md): the SDK does not neutralise document.write, so in
    both browsers the write implicitly opens a new document and the page is replaced."""
    head = gated("analytics", name="w-before") + (
        '<script type="text/plain" data-category="analytics">document.write("<p id=written>written</p>");'
        '(window.__ran = window.__ran || []).push("w-after");</script>')
    path = hpage(page(head=head))
    browser.get(site.url + path)
    ready(browser)
    wait_js(browser, "document.readyState === 'complete'")
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "window.__ran === undefined || (window.__ran && window.__ran.indexOf('w-after') !== -1) "
                     "|| !document.getElementById('plain-button')")
    assert js(browser, "!!document.getElementById('plain-button')") is False, "page survived: update docs/security.md"
    assert js(browser, "document.getElementById('written') && document.getElementById('written').textContent") == "written"


def test_a_refused_script_url_does_not_count_as_code_that_ran(browser, site, third_party, hpage):
    """A gated script whose data-src is refused (not http(s) or relative) never ran, so
    withdrawing its category offers no reload."""
    path = hpage(page(head='<script type="text/plain" data-category="analytics" '
                           'data-src="javascript:window.__x=1"></script>'))
    browser.get(site.url + path)
    ready(browser)
    browser.execute_script("Consentry.acceptAll();")
    wait_js(browser, "document.querySelector('script[data-consentry-state=\"refused-url\"]') !== null")
    browser.execute_script("Consentry.update({analytics: false});")
    barrier(browser, third_party.url)
    assert js(browser, "!!%s" % part("reload")) is False, "a reload was offered for code that never ran"
    assert js(browser, "window.__x === undefined")
    assert_clean_console(browser)

