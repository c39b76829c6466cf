"""Consentry for FastAPI (and Starlette): the ASGI middleware plus dependencies.

    from consentry.contrib.fastapi import Consentry, ConsentState
    consentry = Consentry(app)                  # keyword arguments: consentry.web.Site's

    @app.get("/")
    def home(consent: ConsentState): ...        # the policy state (a dict, see consentry.types)

``Consent`` gives the lazy ``RequestConsent`` itself; ``consentry.script(request)`` and
``consentry.html_attrs(request)`` render the markup (e.g. as Jinja2Templates globals). The CSP
nonce is ``request.state.csp_nonce`` when the app sets one.
"""

from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request

from consentry.types import State
from consentry.web import ConsentryASGI, RequestConsent, Site
from consentry.web.asgi import SCOPE_KEY
from consentry.web.tags import region_attr


class Consentry:
    """Adds the middleware to ``app`` and builds the ``Site`` (ConfigError at start-up)."""

    def __init__(self, app: FastAPI, **settings: Any) -> None:
        self.site = Site(**settings)
        app.add_middleware(ConsentryASGI, site=self.site)
        app.state.consentry = self

    def script(self, request: Request, config: Any = None) -> str:
        """The ``<script>`` markup for this request (mark it safe in your template engine)."""
        return self.site.script(getattr(request.state, "csp_nonce", None), config)

    def html_attrs(self, request: Request) -> str:
        """``data-consentry-region="…"`` for the ``<html>`` element."""
        return region_attr(get_consent(request).region)


def get_consent(request: Request) -> RequestConsent:
    """Dependency: the request's lazy decision (needs the middleware: ``Consentry(app)``)."""
    try:
        return request.scope[SCOPE_KEY]  # type: ignore[no-any-return]
    except KeyError:
        raise RuntimeError("consentry: no decision on this request; create "
                           "consentry.contrib.fastapi.Consentry(app) at start-up") from None


def get_consent_state(request: Request) -> State:
    """Dependency: the policy state the page computes for this request."""
    return get_consent(request).state


Consent = Annotated[RequestConsent, Depends(get_consent)]
ConsentState = Annotated[State, Depends(get_consent_state)]
