"""Framework integrations (CPython only), each a thin layer over ``consentry.web``:
``consentry.contrib.django``, ``consentry.contrib.flask``, ``consentry.contrib.fastapi``.
Install the matching extra (``pip install "consentry[django]"`` ...). Guide: docs/server.md.
"""
