"""Mounting the receiver in Django, Flask and FastAPI, through each framework's test client.

Each framework is optional: its test is skipped when it is not installed (they all are with the
``dev`` extra).
"""

import pytest
from beacons import beacon, encode

from consentry.log.app import ConsentLog

TEXT = "text/plain;charset=UTF-8"


def test_fastapi_mount(sqlite_url):
    fastapi = pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    log = ConsentLog(sqlite_url)
    app = fastapi.FastAPI()
    app.mount("/consent-log", log.asgi)

    @app.get("/")
    def home():
        return {"page": "home"}

    client = TestClient(app)
    r = client.post("/consent-log", content=encode(beacon()),
                    headers={"Content-Type": TEXT, "Origin": "http://testserver"})
    assert r.status_code == 204
    r = client.post("/consent-log", content=b"{}",
                    headers={"Content-Type": TEXT, "Origin": "http://testserver"})
    assert (r.status_code, r.text) == (400, "bad-fields\n")
    assert client.get("/").json() == {"page": "home"}
    assert log.store.count() == 1
    log.close()


def test_flask_mount(sqlite_url):
    flask = pytest.importorskip("flask")
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    log = ConsentLog(sqlite_url)
    app = flask.Flask("site")
    app.add_url_rule("/", "home", lambda: "home")
    app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/consent-log": log.wsgi})
    client = app.test_client()
    r = client.post("/consent-log", data=encode(beacon()),
                    headers={"Content-Type": TEXT, "Origin": "http://localhost"})
    assert r.status_code == 204
    r = client.post("/consent-log", data=encode(beacon()),
                    headers={"Content-Type": TEXT, "Origin": "http://evil.example"})
    assert r.status_code == 403
    assert client.get("/").data == b"home"
    assert log.store.count() == 1
    log.close()


def test_django_view(sqlite_url):
    pytest.importorskip("django")
    from django.conf import settings

    if not settings.configured:
        # TIME_ZONE: Django's default (America/Chicago) would reach $TZ, and the browsers
        settings.configure(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"], TIME_ZONE="UTC",
                           MIDDLEWARE=["django.middleware.csrf.CsrfViewMiddleware"],
                           SECRET_KEY="test-only")
        import django
        django.setup()
    from django.test import Client
    from django.urls import clear_url_caches, path

    from consentry.log.frameworks import django_view

    log = ConsentLog(sqlite_url)
    global urlpatterns
    urlpatterns = [path("consent-log", django_view(log))]
    clear_url_caches()
    client = Client()
    r = client.post("/consent-log", data=encode(beacon()), content_type=TEXT,
                    headers={"Origin": "http://testserver"})
    assert r.status_code == 204
    r = client.post("/consent-log", data=b"[]", content_type=TEXT,
                    headers={"Origin": "http://testserver"})
    assert (r.status_code, r.content) == (400, b"bad-fields\n")
    assert client.get("/consent-log").status_code == 405
    assert log.store.count() == 1
    log.close()


urlpatterns = []
