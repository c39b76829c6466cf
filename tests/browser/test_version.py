"""`Consentry.version`: the package version (consentry.__version__), there from the first stage
on, before the SDK file is loaded."""
from helpers import js, wait_js

import consentry


def test_version_is_the_package_version(browser, site, bundle):
    browser.get(site.url + "/ui.html")
    wait_js(browser, "window.Consentry && typeof Consentry.version === 'string'",
            message="Consentry.version missing")
    assert js(browser, "Consentry.version") == consentry.__version__
