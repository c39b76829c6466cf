"""FastAPI: the middleware, the ``ConsentState`` / ``Consent`` dependencies and the markup
(Starlette's TestClient)."""

import pytest
from fastapi_site import create_app
from framework_checks import check_bundle, check_page, reissued
from server_kit import choice_value
from starlette.testclient import TestClient

from consentry.server import ConfigError


@pytest.fixture(scope="module")
def app(bundle_dir):
    return create_app()


@pytest.fixture
def client(app):
    return TestClient(app)


def test_page_and_reissued_cookie(app, client):
    value = choice_value()
    r = client.get("/", headers={"Cookie": "consentry=" + value, "CF-IPCountry": "DE"})
    check_page(r.text, r.headers["content-security-policy"], app.state.consentry.site)
    assert len(reissued(r.headers.get_list("set-cookie"), value)) == 1


def test_state_dependency(client):
    r = client.get("/api", headers={"Cookie": "consentry=" + choice_value()})
    assert r.json() == {"analytics": True, "reason": "choice"} and "set-cookie" not in r.headers
    r = client.get("/api", headers={"Cookie": "consentry=" + choice_value()[:-3]})
    assert r.json() == {"analytics": False, "reason": "bad-decisions"}


def test_bundle_served(app, client):
    site = app.state.consentry.site
    with client.stream("GET", site.script_url, headers={"Accept-Encoding": "br"}) as r:
        raw = b"".join(r.iter_raw())          # the bytes on the wire, not decoded by httpx
    check_bundle(r.status_code, r.headers, raw, site)


def test_dependency_without_the_middleware_says_so():
    from fastapi import FastAPI

    from consentry.contrib.fastapi import ConsentState
    bare = FastAPI()

    @bare.get("/")
    def home(state: ConsentState):
        return state

    with pytest.raises(RuntimeError, match="Consentry\\(app\\)"):
        TestClient(bare).get("/")


def test_start_up_error(bundle_dir):
    with pytest.raises(ConfigError, match=r"\$\.cookie\.sameSite"):
        create_app(config={"cookie": {"sameSite": "lax; Domain=evil"}}, bundle_dir=bundle_dir)
