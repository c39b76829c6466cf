"""consentry.web without a framework: the WSGI and ASGI middleware, the bundle files, the geo
headers, the re-issued cookie, and bad input (driven by werkzeug's and Starlette's test clients,
which speak plain WSGI / ASGI)."""

import gzip
import json
import os
import time
from importlib import resources

import pytest
from server_kit import choice_value
from starlette.testclient import TestClient
from werkzeug.test import Client

from consentry import server
from consentry.server import ConfigError
from consentry.web import ConsentryASGI, ConsentryWSGI, Site, geo
from consentry.web import bundle as bundle_mod

HTML = "text/html; charset=utf-8"


def shipped(bundle_dir, name):
    """A bundle file's bytes, read independently of consentry.web."""
    if bundle_dir is None:
        return resources.files("consentry").joinpath("static", name).read_bytes()
    with open(os.path.join(bundle_dir, name), "rb") as f:
        return f.read()


def page_app(headers=(("Content-Type", HTML),)):
    """A WSGI app that publishes the request's decision (when asked to) as JSON in HTML."""
    def app(environ, start_response):
        consent = environ["consentry"]
        body = b"untouched"
        if "peek" in environ.get("QUERY_STRING", ""):
            st = consent.state
            body = json.dumps({"reason": st["reason"], "mode": st["mode"], "region": st["region"],
                               "analytics": consent.allowed("analytics"), "gpc": consent.gpc,
                               "view": consent.view}).encode()
        start_response("200 OK", list(headers))
        return [body]
    return app


async def asgi_page(scope, receive, send):
    consent = scope["consentry"]
    st = consent.state
    body = json.dumps({"reason": st["reason"], "region": st["region"]}).encode()
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/html; charset=utf-8")]})
    await send({"type": "http.response.body", "body": body})


@pytest.fixture(scope="module")
def site(bundle_dir):
    return Site(bundle_dir=bundle_dir, reissue_cookie=True)


@pytest.fixture
def wsgi(site):
    return Client(ConsentryWSGI(page_app(), site), use_cookies=False)


# --------------------------------------------------------------------------- the decision
def test_decision_is_lazy_and_matches_the_engine(site):
    seen = {}

    def app(environ, start_response):
        seen["consent"] = environ["consentry"]
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    Client(ConsentryWSGI(app, site), use_cookies=False).get("/", headers={"Cookie": "consentry=" + choice_value()})
    assert seen["consent"]._state is None            # nobody asked: nothing was decided
    assert seen["consent"].state["reason"] == "choice"


def test_returning_visitor_region_and_gpc(wsgi):
    value = choice_value(decisions=None, method="necessary")
    r = wsgi.get("/?peek", headers={"Cookie": "a=1; consentry=" + value, "CF-IPCountry": "de",
                                    "Sec-GPC": "1"})
    data = json.loads(r.data)
    assert data["reason"] == "choice" and data["analytics"] is False
    assert data["region"] == "DE" and data["gpc"] is True
    assert data["view"]["method"] == "necessary" and "v" not in data["view"]


def test_no_cookie_follows_the_region(wsgi):
    us = json.loads(wsgi.get("/?peek", headers={"CloudFront-Viewer-Country": "US",
                                                 "CloudFront-Viewer-Country-Region": "CA"}).data)
    assert us == {"reason": "no-choice", "mode": "opt-out", "region": "US-CA", "analytics": True,
                  "gpc": False, "view": None}
    fr = json.loads(wsgi.get("/?peek", headers={"X-Vercel-IP-Country": "FR"}).data)
    assert fr["mode"] == "opt-in" and fr["analytics"] is False


def test_memoised_states_still_expire_and_stay_private(site):
    now = int(time.time() * 1000)
    old = now - 181 * 86400 * 1000           # accepted 181 days ago: valid for one more day
    value = choice_value(now_ms=old)
    header = "x=1; consentry=" + value
    state, raw = site.decider.decide(header, "FR", False, now)
    assert state["reason"] == "choice" and raw == value
    state["categories"]["analytics"] = False           # a caller's change never reaches the memo
    state["record"]["services"]["analytics"]["ga"] = False
    again, _ = site.decider.decide(header, "FR", False, now)
    assert again == site.decider.decide(header, "FR", False, now)[0]
    assert again["categories"]["analytics"] is True and again["record"]["services"]["analytics"]["ga"] is True
    later, raw = site.decider.decide(header, "FR", False, now + 2 * 86400 * 1000)
    assert later["reason"] == "expired" and later["record"] is None and raw is None
    # the memo answers exactly what the engine answers, for a choice and without a cookie
    for h in (header, "x=1", "consentry=", "consentry=" + value + "; consentry=2"):
        for region, gpc in (("US", True), ("FR", True), (None, False)):
            engine = server.consent_state(h, region=region, gpc=gpc, now_ms=now)
            assert site.decider.decide(h, region, gpc, now)[0] == engine, (h, region)
            assert site.decider.decide(h, region, gpc, now)[0] == engine, (h, region)


@pytest.mark.parametrize("header, region", [
    ({"CF-IPCountry": "XX", "X-Vercel-IP-Country": "BE"}, "BE"),       # unknown: next entry
    ({"CF-IPCountry": "T1"}, None),                                     # Tor
    ({"CF-IPCountry": "F R"}, None),
    ({"CF-IPCountry": "fr\r\nSet-Cookie: x=1"}, None),
    ({"CF-IPCountry": "<script>"}, None),
    ({"CF-IPCountry": "FR" * 2000}, None),
    ({"CF-IPCountry": "us", "CF-Region-Code": "US-NY"}, "US-NY"),
    ({"CF-IPCountry": "US", "CF-Region-Code": "\"><b>"}, "US"),         # bad subdivision: country only
    ({"CF-IPCountry": "\u00e9\u00e9"}, None),
])
def test_hostile_geo_headers(header, region):
    class H:
        def get(self, name):
            for k, v in header.items():
                if k.lower() == name:
                    return v
            return None
    assert geo.region(H(), geo.normalize(geo.DEFAULT_REGION_HEADERS)) == region


@pytest.mark.parametrize("cookie", [
    "consentry=' OR 1=1 --", "consentry=" + "A" * 100_000, "consentry=\udcff\udcfe",
    "consentry=1.x.1.a.b.ai0.necessaryY", ";;;;=;=;consentry", "consentry=" + "[" * 5000,
    "consentry=%00%ff; consentry=; consentry",
])
def test_hostile_cookie_headers_are_no_choice(wsgi, cookie):
    r = wsgi.get("/?peek", headers={"Cookie": cookie})
    data = json.loads(r.data)
    assert r.status_code == 200 and data["view"] is None and data["analytics"] is False
    assert "Set-Cookie" not in r.headers


def test_raw_non_latin1_bytes_in_asgi_headers(site):
    """An ASGI server hands over raw bytes; none of them can break the decision."""
    app = ConsentryASGI(asgi_page, site)
    client = TestClient(app)
    r = client.get("/", headers=[(b"cookie", b"consentry=\xff\xfe\x00"),
                                 (b"cf-ipcountry", b"\xc3\xa9\xc3\xa9"), (b"sec-gpc", b"\xff")])
    assert r.status_code == 200 and r.json() == {"reason": "bad-encoding", "region": None}


# --------------------------------------------------------------------------- start-up errors
@pytest.mark.parametrize("kwargs, path", [
    ({"config": {"revision": "two"}}, "$.revision"),
    ({"config": {"categories": [{"id": "Bad Id", "basis": "consent"}]}}, "$.categories[0].id"),
    ({"region_headers": "CF-IPCountry"}, "region_headers"),
    ({"region_headers": [("CF IPCountry", None)]}, "region_headers"),
    ({"static_path": "static"}, "static_path"),
    ({"static_path": None}, "script_url"),
    ({"reissue_cookie": "yes"}, "reissue_cookie"),
])
def test_broken_settings_raise_at_start_up(bundle_dir, kwargs, path):
    with pytest.raises(ConfigError) as ei:
        Site(bundle_dir=bundle_dir, **kwargs)
    assert any(e["path"].startswith(path) for e in ei.value.errors), ei.value.errors


def test_config_file_errors(tmp_path, bundle_dir):
    bad = tmp_path / "site.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid JSON"):
        Site(config=bad, bundle_dir=bundle_dir)
    with pytest.raises(ConfigError, match="cannot read"):
        Site(config=tmp_path / "missing.json", bundle_dir=bundle_dir)
    good = tmp_path / "good.json"
    good.write_text('{"revision": 4}', encoding="utf-8")
    assert Site(config=str(good), bundle_dir=bundle_dir).config["revision"] == 4


def test_missing_or_stale_bundle(tmp_path, bundle_dir):
    with pytest.raises(ConfigError, match="no consentry.js"):
        Site(bundle_dir=tmp_path)
    (tmp_path / "consentry.js").write_bytes(shipped(bundle_dir, "consentry.js") + b"\n")
    (tmp_path / "manifest.json").write_bytes(shipped(bundle_dir, "manifest.json"))
    with pytest.raises(ConfigError, match="does not match manifest.json"):
        Site(bundle_dir=tmp_path)


# --------------------------------------------------------------------------- bundle files
def test_bundle_files_negotiated_and_cached(site, bundle_dir):
    client = Client(ConsentryWSGI(page_app(), site), use_cookies=False)
    js_bytes = shipped(bundle_dir, "consentry.js")
    url = site.script_url
    assert url == "/_consentry/%s/consentry.js" % site.bundle.fingerprint

    r = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br;q=0.9"})
    assert r.headers["Content-Encoding"] == "br" and r.data == shipped(bundle_dir, "consentry.js.br")
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert r.headers["Vary"] == "Accept-Encoding" and r.headers["Content-Type"].startswith("text/javascript")
    br_etag = r.headers["ETag"]

    r = client.get(url, headers={"Accept-Encoding": "br;q=0, gzip"})
    assert r.headers["Content-Encoding"] == "gzip" and gzip.decompress(r.data) == js_bytes
    assert r.headers["ETag"] != br_etag

    r = client.get("/_consentry/consentry.js", headers={"Accept-Encoding": "identity"})
    assert r.data == js_bytes and "Content-Encoding" not in r.headers
    assert r.headers["Cache-Control"] == "public, no-cache"
    assert int(r.headers["Content-Length"]) == len(js_bytes)

    r = client.get("/_consentry/consentry.js", headers={"If-None-Match": 'W/"x", ' + br_etag,
                                                        "Accept-Encoding": "br"})
    assert r.status_code == 304 and r.data == b"" and r.headers["ETag"] == br_etag

    r = client.head(url, headers={"Accept-Encoding": "*"})
    assert r.status_code == 200 and r.data == b"" and r.headers["Content-Encoding"] == "br"

    manifest = json.loads(client.get("/_consentry/manifest.json").data)
    assert manifest["files"]["consentry.js"]["integrity"] == site.bundle.integrity
    for name in manifest["files"]:        # the SDK file that consentry.js loads from its folder
        r = client.get("/_consentry/%s/%s" % (site.bundle.fingerprint, name),
                       headers={"Accept-Encoding": "gzip"})
        assert gzip.decompress(r.data) == shipped(bundle_dir, name), name
    assert client.get("/_consentry/consentry.d.ts").data == shipped(bundle_dir, "consentry.d.ts")
    assert client.get("/_consentry/../server.py").status_code == 404
    assert client.get("/_consentry/stale0000000/consentry.js").status_code == 404
    assert client.post(url).status_code == 405


def test_bundle_over_asgi(site, bundle_dir):
    client = TestClient(ConsentryASGI(asgi_page, site))
    r = client.get(site.script_url, headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.content == shipped(bundle_dir, "consentry.js")       # httpx decodes gzip
    assert r.headers["cache-control"].endswith("immutable")


@pytest.mark.parametrize("header, want", [
    (None, "identity"), ("", "identity"), ("gzip", "gzip"), ("br, gzip", "br"),
    ("BR;Q=0.5", "br"), ("br;q=0, gzip;q=0", "identity"), ("*;q=0", "identity"),
    ("*", "br"), ("br;q=abc, gzip", "gzip"), ("br;q=7, x-gzip", "gzip"),
    ("identity", "identity"), (",,,;;;=", "identity"), ("gzip;level=1", "identity"),
])
def test_negotiate(header, want):
    assert bundle_mod.negotiate(header, {"identity": b"", "gzip": b"", "br": b""}) == want


# --------------------------------------------------------------------------- re-issued cookie
def test_reissue_same_value_never_extended(wsgi):
    given = int(time.time() * 1000) - 3 * 86400 * 1000       # chosen three days ago
    value = choice_value(now_ms=given)
    expires = given + 182 * 86400 * 1000
    before = int(time.time() * 1000)
    r = wsgi.get("/", headers={"Cookie": "consentry=" + value},
                 environ_overrides={"wsgi.url_scheme": "https"})
    after = int(time.time() * 1000)
    header = r.headers["Set-Cookie"]
    name_value, *attrs = header.split("; ")
    assert name_value == "consentry=" + value
    max_age = int(next(a for a in attrs if a.startswith("Max-Age="))[8:])
    # the time left when the response was made, rounded down: never more
    assert (expires - after) // 1000 <= max_age <= (expires - before) // 1000
    assert attrs[0] == "Path=/" and "SameSite=Lax" in attrs and "Secure" in attrs
    assert not any(a.startswith(("Domain=", "Expires=")) for a in attrs)


def test_reissue_only_on_html_private_responses(site):
    value = choice_value()
    cookie = {"Cookie": "consentry=" + value}
    cases = [
        ((("Content-Type", "application/json"),), False),
        ((("Content-Type", HTML), ("Cache-Control", "public, max-age=60")), False),
        ((("Content-Type", HTML), ("Cache-Control", "max-age=0, s-maxage=600")), False),
        ((("Content-Type", HTML), ("Set-Cookie", "consentry=; Max-Age=0")), False),
        ((("Content-Type", "TEXT/HTML"), ("Cache-Control", "private")), True),
    ]
    for headers, expected in cases:
        r = Client(ConsentryWSGI(page_app(headers), site), use_cookies=False).get("/", headers=cookie)
        ours = [v for v in r.headers.getlist("Set-Cookie") if v.startswith("consentry=" + value)]
        assert bool(ours) is expected, headers
        assert "Secure" not in (ours[0] if ours else "")      # plain http


def test_no_reissue_without_a_valid_choice_or_when_off(site, bundle_dir):
    client = Client(ConsentryWSGI(page_app(), site), use_cookies=False)
    assert "Set-Cookie" not in client.get("/").headers
    expired = choice_value(now_ms=int(time.time() * 1000) - 200 * 86400 * 1000)
    assert "Set-Cookie" not in client.get("/", headers={"Cookie": "consentry=" + expired}).headers
    off = Client(ConsentryWSGI(page_app(), Site(bundle_dir=bundle_dir)), use_cookies=False)
    assert "Set-Cookie" not in off.get("/", headers={"Cookie": "consentry=" + choice_value()}).headers


def test_reissue_over_asgi_with_site_cookie_attributes(bundle_dir):
    site = Site(bundle_dir=bundle_dir, reissue_cookie=True,
                config={"cookie": {"name": "cc", "domain": "example.org", "sameSite": "None"}})
    value = choice_value()
    client = TestClient(ConsentryASGI(asgi_page, site))
    r = client.get("/", headers={"Cookie": "cc=" + value})
    header = r.headers["set-cookie"]
    # SameSite=None needs Secure, as in the browser; the value is this site's cookie
    assert header.startswith("cc=" + value + "; Path=/; Max-Age=")
    assert header.endswith("; SameSite=None; Secure; Domain=example.org")


def test_script_markup(site):
    tag = site.script(nonce="abc123==", page_config={"ui": {"noticeUrl": "/a</script><b>&"}})
    assert '<script type="application/json" id="consentry-config" nonce="abc123==">' in tag
    assert "</script><b>" not in tag and "\\u003c/script\\u003e\\u003cb\\u003e\\u0026" in tag
    assert tag.endswith('<script src="%s" integrity="%s" crossorigin="anonymous" nonce="abc123=="></script>'
                        % (site.script_url, site.bundle.integrity))
    hostile = site.script(nonce='"><script>alert(1)</script>')
    assert "nonce" not in hostile and "alert" not in hostile


@pytest.mark.parametrize("page_config", [{"revision": -1}, {"ui": {1, 2}}, {"revision": float("nan")},
                                         {"categories": "none"}])
def test_invalid_page_config_is_left_out(site, caplog, page_config):
    assert "consentry-config" not in site.script(page_config=page_config)
    assert "per-page configuration left out" in caplog.text


def test_site_with_its_own_categories(bundle_dir, caplog):
    """The server builds the configuration as the build and the browser do (the built-in
    categories' texts and Consent Mode map give way to the site's own categories)."""
    own = {"categories": [{"id": "necessary", "basis": "necessary"}, {"id": "stats", "basis": "consent"}]}
    site = Site(config=own, bundle_dir=bundle_dir)
    assert [c["id"] for c in site.config["categories"]] == ["necessary", "stats"]
    state, _ = site.decider.decide("", "US", False, int(time.time() * 1000))
    assert state["categories"] == {"necessary": True, "stats": True}   # opt-out in the US
    assert "consentry-config" in site.script(page_config={"ui": {"position": "top"}})
    assert "left out" not in caplog.text


def test_for_page_decides_as_the_page_with_its_configuration(site, caplog):
    """A page whose script tag carries its own configuration decides on the site's with the
    page's merged over it; ``for_page`` is that decision, on the same request."""
    headers = {"cookie": "consentry=" + choice_value(), "cf-ipcountry": "FR"}
    consent = site.consent(headers, https=False)
    assert consent.state["reason"] == "choice" and consent.allowed("analytics") is True

    revised = consent.for_page({"revision": 2})              # the page asks again
    assert revised is not consent
    assert revised.state["reason"] == "revision" and revised.show_banner is True
    assert revised.allowed("analytics") is False and revised.view is None
    assert revised.region == "FR"
    assert consent.state["reason"] == "choice"               # the site's decision is unchanged
    assert consent.for_page({"revision": 2}).decider is revised.decider   # made once

    own = consent.for_page({"categories": [{"id": "necessary", "basis": "necessary"},
                                           {"id": "stats", "basis": "consent"}]})
    assert own.state["categories"] == {"necessary": True, "stats": False}   # opt-in in FR
    assert own.allowed("analytics") is False

    presentation = consent.for_page({"ui": {"position": "top"}})
    assert presentation.state["reason"] == "choice" and presentation.allowed("analytics") is True

    assert consent.for_page(None) is consent
    assert consent.for_page({"revision": -7}) is consent     # left out of the page: the site's
    assert "per-page configuration left out" in caplog.text
