"""WSGI middleware: the consent decision per request, the bundle files, the re-issued cookie.

    from consentry.web import ConsentryWSGI, Site
    app = ConsentryWSGI(app, Site(config="consentry-site.json", reissue_cookie=True))

The wrapped application finds the request's ``RequestConsent`` at ``environ["consentry"]``.
"""

from typing import Any, Callable, Iterable, Optional

from consentry.web.reissue import qualifies
from consentry.web.site import Site

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
ENVIRON_KEY = "consentry"


def _header(headers: list[tuple[str, str]], name: str) -> Optional[str]:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


class ConsentryWSGI:
    """Wrap a WSGI application (Flask's ``app.wsgi_app``, any WSGI callable)."""

    def __init__(self, app: WSGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        site = self.site
        rest = site.bundle_path(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", ""))
        if rest is not None:
            resp = site.bundle.respond(environ.get("REQUEST_METHOD", "GET"), rest,
                                       environ.get("HTTP_ACCEPT_ENCODING"),
                                       environ.get("HTTP_IF_NONE_MATCH"))
            start_response("%d %s" % (resp.status, resp.reason), resp.headers)
            return [resp.body]
        consent = site.consent_from_environ(environ)
        environ[ENVIRON_KEY] = consent
        if not site.reissue_cookie:
            return self.app(environ, start_response)
        name = site.config["cookie"]["name"]

        def reissuing_start_response(status: str, headers: list[tuple[str, str]],
                                     exc_info: Any = None) -> Any:
            try:
                code = int(status.split(" ", 1)[0])
                if qualifies(code, _header(headers, "content-type"),
                             _header(headers, "cache-control"),
                             [v for k, v in headers if k.lower() == "set-cookie"], name):
                    cookie = consent.reissue()
                    if cookie is not None:
                        headers = list(headers) + [("Set-Cookie", cookie.header())]
            except Exception:     # never let the re-issue break a response
                pass
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        return self.app(environ, reissuing_start_response)
