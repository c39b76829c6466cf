"""ASGI middleware: the consent decision per request, the bundle files, the re-issued cookie.

    from consentry.web import ConsentryASGI, Site
    app = ConsentryASGI(app, Site(config="consentry-site.json", reissue_cookie=True))

The wrapped application finds the request's ``RequestConsent`` at ``scope["consentry"]``
(Starlette/FastAPI: ``request.scope["consentry"]``; ``consentry.contrib.fastapi`` wraps it).
"""

from typing import Any, Awaitable, Callable, MutableMapping, Optional

from consentry.web.headers import ScopeHeaders
from consentry.web.reissue import qualifies
from consentry.web.site import Site

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
SCOPE_KEY = "consentry"


def _latin1(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]


class ConsentryASGI:
    """Wrap an ASGI application (FastAPI, Starlette, any ASGI 3 callable)."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        site = self.site
        headers = ScopeHeaders(scope.get("headers") or ())
        rest = site.bundle_path(scope.get("path", ""))
        if rest is not None:
            resp = site.bundle.respond(scope.get("method", "GET"), rest,
                                       headers.get("accept-encoding"), headers.get("if-none-match"))
            await send({"type": "http.response.start", "status": resp.status,
                        "headers": _latin1(resp.headers)})
            await send({"type": "http.response.body", "body": resp.body})
            return
        consent = site.consent(headers, scope.get("scheme") in ("https", "wss"))
        scope[SCOPE_KEY] = consent
        if not site.reissue_cookie:
            await self.app(scope, receive, send)
            return
        name = site.config["cookie"]["name"]

        async def reissuing_send(message: Message) -> None:
            if message.get("type") == "http.response.start":
                try:
                    raw = list(message.get("headers") or ())
                    found: dict[bytes, Optional[str]] = {b"content-type": None, b"cache-control": None}
                    set_cookies = []
                    for k, v in raw:
                        key = bytes(k).lower()
                        if key in found:
                            found[key] = bytes(v).decode("latin-1")
                        elif key == b"set-cookie":
                            set_cookies.append(bytes(v).decode("latin-1"))
                    if qualifies(int(message.get("status", 200)), found[b"content-type"],
                                 found[b"cache-control"], set_cookies, name):
                        cookie = consent.reissue()
                        if cookie is not None:
                            raw.append((b"set-cookie", cookie.header().encode("latin-1")))
                            message = dict(message, headers=raw)
                except Exception:     # never let the re-issue break a response
                    pass
            await send(message)

        await self.app(scope, receive, reissuing_send)
