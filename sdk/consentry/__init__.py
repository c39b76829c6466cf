"""Consentry: a cookie-consent SDK written in Python, compiled for the browser with Brython.

``consentry.engine`` is the functional core (runs in CPython and in the bundle);
``consentry.shell`` is the thin browser layer; ``consentry.server`` reads the cookie server-side.
"""

__version__ = "0.1.0"
