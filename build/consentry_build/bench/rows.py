"""The rows of the benchmark: one dict per page.

Keys
----
name        row label (also what ``only=`` matches)
package     npm package under the vendor cache (version printed in the report); None for ours
page        URL path of the page on the bench server (``pages/<row>/index.html``)
banner      where the first-layer banner is: ``{"css": selector}`` for light DOM, or
            ``{"host": selector, "css": selector}`` for a banner inside the OPEN shadow root of
            ``host`` (Consentry). None: no banner expected (baseline).
accept_all  the "accept all" button, same form as ``banner``. None: no consent step.
assets      regexes matched against resource URLs: what counts as "the library" in the byte
            columns (JS, CSS and whatever the library loads by itself, e.g. language packs)
seed_api    optional JS (async, gets ``done``) used ONLY when clicking accept-all failed (e.g. the
            UI is not built yet): it records "accept all" through the library's API so that the
            returning-visitor columns can still be measured; the report says so when it was used.

A returning visitor's state (cookies + localStorage of the origin) always comes from a real first
visit: accept all once, keep the state, replay it into the next fresh browser.
"""
from __future__ import annotations

BASELINE = "baseline"
REFERENCE = "vanilla-cookieconsent"  # every ratio in the report is "row / this row"
FLOOR = "brython-runtime"  # Consentry's Brython runtime alone: the floor under any Brython-built SDK
STAGE1 = "consentry-stage1"  # Consentry's runtime-free first stage alone (returning visitors)

ROWS = [
    dict(
        name=BASELINE,
        package=None,
        page="/pages/baseline/index.html",
        banner=None,
        accept_all=None,
        assets=[],
    ),
    dict(
        name="vanilla-cookieconsent",
        package="vanilla-cookieconsent",
        page="/pages/vanilla-cookieconsent/index.html",
        banner={"css": "#cc-main .cm"},
        accept_all={"css": "#cc-main .cm [data-role='all']"},
        assets=[r"/vendor/vanilla-cookieconsent/"],
    ),
    dict(
        name="klaro",
        package="klaro",
        page="/pages/klaro/index.html",
        banner={"css": "#klaro-cookie-notice"},
        accept_all={"css": "#klaro-cookie-notice .cm-btn-success"},
        assets=[r"/vendor/klaro/"],
    ),
    dict(
        name="tarteaucitronjs",
        package="tarteaucitronjs",
        page="/pages/tarteaucitronjs/index.html",
        banner={"css": "#tarteaucitronAlertBig"},
        accept_all={"css": "#tarteaucitronPersonalize2"},
        assets=[r"/vendor/tarteaucitronjs/"],
    ),
    dict(
        # Not a consent manager: the baseline page plus dist/consentry.js's own Brython runtime,
        # started and nothing else (no SDK module, no config, no banner; the tag is not blocked).
        # Its columns are what Consentry pays before its first line of Python.
        name=FLOOR,
        package=None,
        page="/pages/brython-runtime/index.html",
        banner=None,
        accept_all=None,
        assets=[r"/brython-runtime\.js$"],
    ),
    dict(
        # The first stage alone for a returning visitor (data-load="lazy": the SDK file is never
        # fetched when the first stage can decide); a first visit loads the SDK for the banner.
        name=STAGE1,
        package=None,
        page="/pages/consentry-stage1/index.html",
        banner={"host": "[data-consentry-root]", "css": '[part~="banner"]'},
        accept_all={"host": "[data-consentry-root]", "css": '[part~="banner"] [part~="accept-all"]'},
        assets=[r"/consentry\.js$", r"/consentry-sdk\.[0-9a-f]+\.js$"],
    ),
    dict(
        # Consentry as a whole: the first stage, then the SDK file when the page is idle.
        name="consentry",
        package=None,
        page="/pages/consentry/index.html",
        banner={"host": "[data-consentry-root]", "css": '[part~="banner"]'},
        accept_all={"host": "[data-consentry-root]", "css": '[part~="banner"] [part~="accept-all"]'},
        assets=[r"/consentry\.js$", r"/consentry-sdk\.[0-9a-f]+\.js$"],
        seed_api=(
            "const done = arguments[arguments.length - 1];"
            "if (!window.Consentry || !window.Consentry.ready) { done('window.Consentry.ready missing'); return; }"
            "Promise.race([Consentry.ready.then(api => { (api || Consentry).acceptAll(); return true; }),"
            "              new Promise(r => setTimeout(() => r('Consentry.ready did not resolve in 5 s'), 5000))])"
            ".then(done, e => done(String(e && e.message || e)));"
        ),
    ),
]


def select(only=None) -> list[dict]:
    """Rows named in ``only`` (comma-separated str or iterable); baseline and the reference row are
    always kept (the floor for deltas, the denominator for ratios)."""
    if not only:
        return list(ROWS)
    want = {s.strip() for s in (only.split(",") if isinstance(only, str) else only) if s and s.strip()}
    unknown = want - {r["name"] for r in ROWS}
    if unknown:
        raise ValueError(f"unknown bench rows {sorted(unknown)}; known: {[r['name'] for r in ROWS]}")
    return [r for r in ROWS if r["name"] in want or r["name"] in (BASELINE, REFERENCE)]
