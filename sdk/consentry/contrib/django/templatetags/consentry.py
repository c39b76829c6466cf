"""``{% load consentry %}``: ``{% consentry_script %}`` and ``{% consentry_html_attrs %}``.

``{% consentry_script %}`` renders the bundle's ``<script>`` with its ``integrity`` and the
request's CSP nonce (``request.csp_nonce``, as django-csp sets it); ``{% consentry_script
config=page_config %}`` also renders the per-page configuration element, escaped as JSON.
``<html {% consentry_html_attrs %}>`` gives the page the region the server decided with.
"""

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from consentry.contrib.django.apps import get_site
from consentry.web.tags import region_attr

register = template.Library()


@register.simple_tag(takes_context=True)
def consentry_script(context: Any, config: Any = None) -> SafeString:
    request = context.get("request")
    nonce = getattr(request, "csp_nonce", None)
    markup = get_site().script(str(nonce) if nonce is not None else None, config)
    return mark_safe(markup)  # built from validated or escaped parts (consentry.web.tags)


@register.simple_tag(takes_context=True)
def consentry_html_attrs(context: Any) -> SafeString:
    consent = getattr(context.get("request"), "consent", None)
    return mark_safe(region_attr(consent.region) if consent is not None else "")
