"""The consent log on the demo site: ``invoke demo`` turns it on, and so does its browser test.

``dev_options(db)`` gives the dev server (``consentry_build.devserver``) what it needs:

* ``extra_routes``: ``POST /consent-log``, the receiver itself (its WSGI steps, run on the dev
  server's request), and ``GET /qa/consent-log``, the last entries as JSON for the QA panel;
* ``head_html``: the page override that turns the SDK's beacon on (``log.endpoint``), put first
  in ``<head>`` of every page that has no override of its own.

The dev server is a development tool on 127.0.0.1; production runs ``consentry log serve`` or
mounts the receiver in the site's framework (docs/consent-log.md).
"""

import io
import json

from .app import DEFAULT_PATH, ConsentLog

RECENT_PATH = "/qa/consent-log"
RECENT_COUNT = 10
PAGE_CONFIG = (b'<script type="application/json" id="consentry-config">'
               b'{"log": {"endpoint": "' + DEFAULT_PATH.encode() + b'"}}</script>')


def dev_options(db):
    """``{"extra_routes", "head_html", "consent_log"}`` for a dev server logging to ``db``."""
    log = ConsentLog(db)

    def receive(req):
        environ = {"REQUEST_METHOD": req.method, "PATH_INFO": req.path, "SCRIPT_NAME": "",
                   "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(req.body)}
        for name, value in req.headers.items():
            key = name.upper().replace("-", "_")
            environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
        status, headers, body = log.response(*log.wsgi_decide(environ))
        return status, dict(headers), body

    def recent(req):
        rows = log.store.recent(RECENT_COUNT)
        return 200, {"Content-Type": "application/json; charset=utf-8",
                     "Cache-Control": "no-store"}, json.dumps(rows).encode()

    return {"extra_routes": {DEFAULT_PATH: receive, RECENT_PATH: recent},
            "head_html": PAGE_CONFIG, "consent_log": log}
