"""``ConsentryMiddleware``: ``request.consent``, the bundle files, the re-issued cookie.

Place it early in ``MIDDLEWARE`` (before anything that renders pages). The decision is made
on first use of ``request.consent``; bundle requests are answered here without reaching a view.
"""

from typing import Any, Callable

from django.http import HttpRequest, HttpResponse

from consentry.contrib.django.apps import get_site
from consentry.web.headers import EnvironHeaders
from consentry.web.reissue import qualifies


class ConsentryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.site = get_site()

    def __call__(self, request: HttpRequest) -> Any:
        site = self.site
        rest = site.bundle_path(request.path)
        if rest is not None:
            resp = site.bundle.respond(request.method or "GET", rest,
                                       request.META.get("HTTP_ACCEPT_ENCODING"),
                                       request.META.get("HTTP_IF_NONE_MATCH"))
            out = HttpResponse(resp.body, status=resp.status)
            for key, value in resp.headers:
                out[key] = value
            return out
        consent = site.consent(EnvironHeaders(request.META), request.is_secure())
        request.consent = consent
        response = self.get_response(request)
        if site.reissue_cookie:
            self._reissue(consent, response)
        return response

    def _reissue(self, consent: Any, response: Any) -> None:
        name = self.site.config["cookie"]["name"]
        try:
            taken = [name + "="] if name in response.cookies else []
            if not qualifies(response.status_code, response.get("Content-Type"),
                             response.get("Cache-Control"), taken, name):
                return
            cookie = consent.reissue()
            if cookie is None:
                return
            response.cookies[name] = cookie.value
            morsel = response.cookies[name]
            morsel["path"] = cookie.path
            morsel["max-age"] = cookie.max_age
            morsel["samesite"] = cookie.same_site
            if cookie.secure:
                morsel["secure"] = True
            if cookie.domain:
                morsel["domain"] = cookie.domain
        except Exception:     # never let the re-issue break a response
            pass
