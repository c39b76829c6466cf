"""Consentry for Django: add ``"consentry.contrib.django"`` to ``INSTALLED_APPS`` and
``"consentry.contrib.django.middleware.ConsentryMiddleware"`` to ``MIDDLEWARE``; settings in
``CONSENTRY`` (a dict of ``consentry.web.Site`` arguments). Views get ``request.consent``
(a lazy ``RequestConsent``); templates ``{% load consentry %}`` with ``{% consentry_script %}``
and ``<html {% consentry_html_attrs %}>``. Guide: docs/server.md.
"""
