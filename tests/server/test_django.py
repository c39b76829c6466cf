"""Django: the app, the middleware, ``request.consent`` and the template tags (Django's test
client; the real server process is in test_e2e.py)."""

import os
import subprocess
import sys
import time

import pytest
from framework_checks import check_bundle, check_page
from server_kit import APPS, child_env, choice_value

from consentry.server import ConfigError


@pytest.fixture(scope="module")
def client(bundle_dir):
    """Django's test client on the test site's settings, applied with override_settings and
    undone after this module: Django's settings are per process, and other suites in the same
    session (tests/log) configure them too, before or after this one."""
    import django
    from django.conf import settings
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils.functional import empty
    from django_site import settings as site_settings
    values = {k: getattr(site_settings, k) for k in dir(site_settings) if k.isupper()}
    if settings.configured:
        # override_settings installs INSTALLED_APPS before it swaps the other settings in, and our
        # app builds the Site (from CONSENTRY) when it is installed: CONSENTRY goes in first
        apps = values.pop("INSTALLED_APPS")
        tz = os.environ.get("TZ")
        with override_settings(**values), override_settings(INSTALLED_APPS=apps):
            yield Client()
        # Leaving the override sets $TZ to the earlier TIME_ZONE (Django's default is
        # America/Chicago): a browser started later would inherit it and guess a US region.
        if tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = tz
        time.tzset()
        return
    settings.configure(**values)
    django.setup()
    yield Client()
    settings._wrapped = empty           # leave Django unconfigured, as this module found it


@pytest.fixture(scope="module")
def site(client):
    from consentry.contrib.django.apps import get_site
    return get_site()


def test_page_with_tags_and_reissued_cookie(client, site):
    value = choice_value()
    client.cookies["consentry"] = value
    r = client.get("/", headers={"CF-IPCountry": "DE"})
    assert r.status_code == 200
    check_page(r.content.decode(), r["Content-Security-Policy"], site)
    morsel = r.cookies["consentry"]
    assert morsel.value == value and morsel["path"] == "/" and morsel["samesite"] == "Lax"
    assert 0 < int(morsel["max-age"]) <= 182 * 86400 and not morsel["secure"]


def test_request_consent_in_a_view_and_no_reissue_on_json(client):
    client.cookies["consentry"] = choice_value(method="necessary")
    r = client.get("/api")
    assert r.json() == {"analytics": False} and "consentry" not in r.cookies
    client.cookies["consentry"] = "1.%3Cscript%3E"
    assert client.get("/api").json() == {"analytics": False}


def test_secure_follows_request_is_secure(client):
    client.cookies["consentry"] = choice_value()
    r = client.get("/", secure=True)
    assert r.cookies["consentry"]["secure"] is True


def test_bundle_served_by_the_middleware(client, site):
    r = client.get(site.script_url, headers={"Accept-Encoding": "br"})
    check_bundle(r.status_code, {k.lower(): v for k, v in r.items()}, r.content, site)


def test_unknown_setting_is_a_start_up_error():
    from consentry.contrib.django.apps import build_site
    with pytest.raises(ConfigError, match="CONSENTRY.reissue_cookies"):
        build_site({"reissue_cookies": True})


def test_broken_site_config_stops_django_start_up(bundle_dir):
    env = dict(child_env(), CONSENTRY_TEST_BROKEN_CONFIG="1", DJANGO_SETTINGS_MODULE="django_site.settings")
    out = subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=str(APPS),
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode != 0
    assert "ConfigError" in out.stderr and "$.revision" in out.stderr and "$.categories[0]" in out.stderr
