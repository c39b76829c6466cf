"""The FastAPI test site (TestClient and uvicorn --factory)."""

from common import PAGE, PAGE_CONFIG, REVISED_CONFIG, bundle_dir, csp, nonce, server_state
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from consentry.contrib.fastapi import Consent, Consentry, ConsentState


def create_app(**settings):
    app = FastAPI()
    settings.setdefault("bundle_dir", bundle_dir())
    settings.setdefault("reissue_cookie", True)
    consentry = Consentry(app, **settings)

    def page(request, consent, page_config):
        request.state.csp_nonce = nonce()
        html = PAGE % {"attrs": consentry.html_attrs(request), "title": "fastapi",
                       "script": consentry.script(request, page_config),
                       "state": server_state(consent)}
        return HTMLResponse(html, headers={"Content-Security-Policy": csp(request.state.csp_nonce)})

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, consent: Consent):
        return page(request, consent, PAGE_CONFIG)

    @app.get("/revised", response_class=HTMLResponse)
    def revised(request: Request, consent: Consent):
        return page(request, consent.for_page(REVISED_CONFIG), REVISED_CONFIG)

    @app.get("/api")
    def api(state: ConsentState):
        return {"analytics": state["categories"]["analytics"], "reason": state["reason"]}

    return app
