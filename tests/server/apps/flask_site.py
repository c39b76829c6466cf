"""The Flask test site (test client and ``flask run``)."""

from common import PAGE_CONFIG, REVISED_CONFIG, bundle_dir, csp, nonce, server_state
from flask import Flask, g, render_template_string

from consentry.contrib.flask import Consentry

TEMPLATE = """<!doctype html>
<html lang="en" {{ consentry_html_attrs() }}>
<head><meta charset="utf-8"><title>flask</title>
{{ consentry_script(config=page_config) }}
</head>
<body><h1>flask</h1>
<script type="application/json" id="server-state">{{ state|safe }}</script>
</body></html>
"""


def create_app(**settings):
    app = Flask(__name__)
    settings.setdefault("bundle_dir", bundle_dir())
    settings.setdefault("reissue_cookie", True)
    consentry = Consentry(app, **settings)

    @app.before_request
    def set_nonce():
        g.csp_nonce = nonce()

    @app.after_request
    def set_csp(response):
        response.headers["Content-Security-Policy"] = csp(g.csp_nonce)
        return response

    @app.get("/")
    def home():
        return render_template_string(TEMPLATE, state=server_state(consentry.consent),
                                      page_config=PAGE_CONFIG)

    @app.get("/revised")
    def revised():
        return render_template_string(TEMPLATE, state=server_state(consentry.consent.for_page(REVISED_CONFIG)),
                                      page_config=REVISED_CONFIG)

    @app.get("/api")
    def api():
        return {"analytics": consentry.consent.allowed("analytics")}

    return app
