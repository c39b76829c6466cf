"""Flask: the extension, ``consentry.consent`` and the Jinja globals (Flask's test client)."""

import pytest
from flask_site import create_app
from framework_checks import check_bundle, check_page, reissued
from server_kit import choice_value

from consentry.server import ConfigError


@pytest.fixture(scope="module")
def app(bundle_dir):
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client(use_cookies=False)


def test_page_with_globals_and_reissued_cookie(app, client):
    value = choice_value()
    r = client.get("/", headers={"Cookie": "consentry=" + value, "CF-IPCountry": "de"})
    check_page(r.get_data(as_text=True), r.headers["Content-Security-Policy"],
               app.extensions["consentry"].site)
    assert len(reissued(r.headers.getlist("Set-Cookie"), value)) == 1


def test_consent_in_a_view_and_no_reissue_on_json(client):
    r = client.get("/api", headers={"Cookie": "consentry=" + choice_value(method="necessary")})
    assert r.get_json() == {"analytics": False} and "Set-Cookie" not in r.headers
    r = client.get("/api", headers={"Cookie": "consentry=" + choice_value()})
    assert r.get_json() == {"analytics": True}


def test_bundle_served(app, client):
    site = app.extensions["consentry"].site
    r = client.get(site.script_url, headers={"Accept-Encoding": "br"})
    check_bundle(r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.data, site)


def test_settings_from_app_config_and_start_up_errors(bundle_dir):
    from flask import Flask

    from consentry.contrib.flask import Consentry
    app = Flask("x")
    app.config["CONSENTRY"] = {"config": {"revision": 9}, "bundle_dir": bundle_dir}
    assert Consentry(app).site.config["revision"] == 9
    with pytest.raises(ConfigError, match=r"\$\.gpc"):
        Consentry(Flask("y"), config={"gpc": "yes"}, bundle_dir=bundle_dir)
