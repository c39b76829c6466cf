"""The FastAPI test site (TestClient and uvicorn --factory)."""

from common import PAGE, PAGE_CONFIG, bundle_dir, csp, nonce, server_state
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from consentry.contrib.fastapi import Consent, Consentry, ConsentState


def create_app(**settings):
    app = FastAPI()
    settings.setdefault("bundle_dir", bundle_dir())
    settings.setdefault("reissue_cookie", True)
    consentry = Consentry(app, **settings)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, consent: Consent):
        request.state.csp_nonce = nonce()
        html = PAGE % {"attrs": consentry.html_attrs(request), "title": "fastapi",
                       "script": consentry.script(request, PAGE_CONFIG),
                       "state": server_state(consent)}
        return HTMLResponse(html, headers={"Content-Security-Policy": csp(request.state.csp_nonce)})

    @app.get("/api")
    def api(state: ConsentState):
        return {"analytics": state["categories"]["analytics"], "reason": state["reason"]}

    return app
