"""Consentry for Flask: an extension over the WSGI middleware, with Jinja globals.

    from consentry.contrib.flask import Consentry
    consentry = Consentry(app)        # settings: app.config["CONSENTRY"] and/or keyword arguments

Views use ``consentry.consent`` (the request's lazy ``RequestConsent``); templates
``<html {{ consentry_html_attrs() }}>`` and ``{{ consentry_script() }}`` (or
``consentry_script(config={...})`` for a per-page configuration). The CSP nonce is
``request.csp_nonce`` (as flask-talisman sets it) or ``g.csp_nonce``.
"""

from typing import Any, Optional

from flask import Flask, g, request
from markupsafe import Markup

from consentry.web import ConsentryWSGI, RequestConsent, Site
from consentry.web.tags import region_attr
from consentry.web.wsgi import ENVIRON_KEY


class Consentry:
    """The extension; ``init_app`` builds the ``Site`` (ConfigError at start-up)."""

    def __init__(self, app: Optional[Flask] = None, **settings: Any) -> None:
        self.site: Optional[Site] = None
        if app is not None:
            self.init_app(app, **settings)

    def init_app(self, app: Flask, **settings: Any) -> None:
        options = dict(app.config.get("CONSENTRY") or {})
        options.update(settings)
        self.site = Site(**options)
        app.wsgi_app = ConsentryWSGI(app.wsgi_app, self.site)  # type: ignore[method-assign]
        app.extensions["consentry"] = self
        app.jinja_env.globals["consentry_script"] = self.script
        app.jinja_env.globals["consentry_html_attrs"] = self.html_attrs

    @property
    def consent(self) -> RequestConsent:
        """The current request's consent decision (lazy)."""
        return request.environ[ENVIRON_KEY]  # type: ignore[no-any-return]

    def script(self, config: Any = None) -> Markup:
        """The ``<script>`` markup for the current request."""
        assert self.site is not None, "Consentry.init_app(app) was not called"
        nonce = getattr(request, "csp_nonce", None) or g.get("csp_nonce")
        return Markup(self.site.script(nonce, config))  # validated/escaped parts only

    def html_attrs(self) -> Markup:
        """``data-consentry-region="…"`` for the ``<html>`` element."""
        return Markup(region_attr(self.consent.region))
