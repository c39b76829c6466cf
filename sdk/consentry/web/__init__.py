"""Consentry for Python web apps, framework-neutral (standard library only).

``Site`` holds the settings (checked at start-up); ``ConsentryWSGI`` / ``ConsentryASGI`` attach
a lazy ``RequestConsent`` to every request, serve the bundle files and, when asked, re-issue the
consent cookie from HTML responses. The Django, Flask and FastAPI integrations in
``consentry.contrib`` are thin layers over these. Guide: docs/server.md.
"""

from consentry.server import ConfigError
from consentry.web.asgi import ConsentryASGI
from consentry.web.geo import DEFAULT_REGION_HEADERS
from consentry.web.request import RequestConsent
from consentry.web.site import Site
from consentry.web.wsgi import ConsentryWSGI

__all__ = ["ConfigError", "ConsentryASGI", "ConsentryWSGI", "DEFAULT_REGION_HEADERS",
           "RequestConsent", "Site"]
