"""axe-core on every UI state: zero violations, WCAG 2.0/2.1/2.2 A+AA with ``target-size``.

axe-core is pinned and installed from npm into a cache OUTSIDE the repo
(``~/.cache/consentry/axe``) on first use; without npm the tests skip with the install command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import async_js, wait_js
from test_ui_flows import BANNER, PANEL, open_page, part, viewport, wait_status  # noqa: F401 (fixture)

pytestmark = pytest.mark.usefixtures("bundle")

AXE_VERSION = "4.14.1"
AXE_DIR = Path(os.environ.get("CONSENTRY_AXE_DIR", Path.home() / ".cache" / "consentry" / "axe"))
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
INSTALL = "npm install --no-audit --no-fund --prefix %s axe-core@%s" % (AXE_DIR, AXE_VERSION)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN = """
var ctx = {include: [['[data-consentry-root]'], ['[data-consentry-placeholder]']]};
axe.run(ctx, {runOnly: {type: 'tag', values: args[0]}, rules: {'target-size': {enabled: true}},
              resultTypes: ['violations']})
  .then(function (r) {
    done({passes: r.passes.map(function (p) { return p.id; }), violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.map(function (n) { return [n.target, n.failureSummary]; })};
    })});
  }, function (e) { done({error: String(e)}); });
"""


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_JS.is_file():
        if not shutil.which("npm"):
            pytest.skip("axe-core is not installed and npm is unavailable -> " + INSTALL)
        subprocess.run(INSTALL.split(), check=True, capture_output=True, timeout=300)
    pkg = (AXE_DIR / "node_modules" / "axe-core" / "package.json").read_text()
    assert '"version": "%s"' % AXE_VERSION in pkg, "axe-core in %s is not %s" % (AXE_DIR, AXE_VERSION)
    return AXE_JS.read_text(encoding="utf-8")


def axe(driver, source):
    if not driver.execute_script("return !!window.axe"):
        driver.execute_script(source)
    result = async_js(driver, RUN, TAGS)
    assert "error" not in result, result
    # axe really looked inside the shadow roots: these rules found nodes there and passed them.
    assert {"color-contrast", "target-size", "button-name"} <= set(result["passes"]), result["passes"]
    return result["violations"]


def _banner(d):
    wait_js(d, BANNER)


def _panel(d):
    d.execute_script("Consentry.showPreferences()")
    wait_js(d, PANEL)
    d.execute_script(PANEL + ".querySelectorAll('details').forEach(function (x) { x.open = true; })")


def _status(d):
    d.execute_script(part("accept-all", BANNER) + ".click()")
    wait_status(d)


STATES = {"banner": _banner, "panel": _panel, "status": _status}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("page,width", [("ui.html", 1280), ("ui-dark.html", 1280), ("ui.html", 320),
                                        ("ui-dark.html", 320), ("ui-modal.html", 1280)],
                         ids=["light", "dark", "light-320", "dark-320", "modal"])
def test_axe_zero_violations(browser, site, axe_source, viewport, page, width, state):
    """Banner, panel (services open), status after a choice, placeholder (always on the page)."""
    if width != 1280:
        viewport(width, 640)
    open_page(browser, site, page)
    wait_js(browser, "document.querySelector('[data-consentry-placeholder]')")
    STATES[state](browser)
    violations = axe(browser, axe_source)
    assert violations == [], "axe violations (%s, %s, %d px):\n%s" % (
        page, state, width, "\n".join("%(id)s (%(impact)s): %(help)s\n    %(nodes)s" % v for v in violations))
