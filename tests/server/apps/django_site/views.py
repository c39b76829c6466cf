"""Views of the Django test site, and a stand-in for django-csp: ``request.csp_nonce``."""

from common import PAGE_CONFIG, REVISED_CONFIG, csp, nonce, server_state
from django.http import JsonResponse
from django.shortcuts import render


class NonceMiddleware:
    """Sets ``request.csp_nonce`` and the matching header, as django-csp does."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = nonce()
        response = self.get_response(request)
        response["Content-Security-Policy"] = csp(request.csp_nonce)
        return response


def home(request):
    return render(request, "page.html", {"state": server_state(request.consent),
                                         "page_config": PAGE_CONFIG})


def revised(request):
    return render(request, "page.html", {"state": server_state(request.consent.for_page(REVISED_CONFIG)),
                                         "page_config": REVISED_CONFIG})


def api(request):
    return JsonResponse({"analytics": request.consent.allowed("analytics")})
