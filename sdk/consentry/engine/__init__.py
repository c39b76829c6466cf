"""Consentry's pure-Python consent engine (runs in CPython and, compiled, in the bundle).

Modules: ``config`` (validation, merge, load), ``record`` (cookie value), ``region`` (mode
from region hint / time zone), ``policy`` (state of a page view), ``transitions`` (choices
and events), ``i18n`` (language and texts), ``util`` (tiny helpers). This package module
imports nothing so the bundle's eager loader can order the submodules freely.
"""
