"""The HTML the integrations render: the script tag and the region attribute.

Everything that reaches the markup is either validated to a safe alphabet (region, nonce,
fingerprinted URL) or escaped for its context: attribute values are HTML-escaped, and the
per-page configuration is JSON with every ``<``, ``>``, ``&`` and line separator written as a
``\\uXXXX`` escape, so no text from it can close the ``<script>`` element or start a comment.
"""

import json
import re
from html import escape
from typing import Any, Optional

_NONCE = re.compile(r"[A-Za-z0-9+/_=-]{1,200}")


def safe_json(value: Any) -> str:
    """JSON that is inert inside a ``<script type="application/json">`` element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"), sort_keys=True,
                      allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def valid_nonce(nonce: object) -> Optional[str]:
    """The nonce when it is a CSP nonce (base64 / base64url characters), else None."""
    if isinstance(nonce, str) and _NONCE.fullmatch(nonce):
        return nonce
    return None


def script_tag(src: str, integrity: Optional[str], nonce: object = None,
               page_config: Any = None) -> str:
    """``<script src>`` (with SRI and the CSP nonce), preceded by the page's configuration
    element when ``page_config`` is given (already validated by the caller)."""
    n = valid_nonce(nonce)
    nonce_attr = ' nonce="%s"' % n if n else ""
    out = ""
    if page_config is not None:
        out = '<script type="application/json" id="consentry-config"%s>%s</script>\n' % (
            nonce_attr, safe_json(page_config))
    attrs = ' src="%s"' % escape(src, quote=True)
    if integrity:
        attrs += ' integrity="%s" crossorigin="anonymous"' % escape(integrity, quote=True)
    return out + "<script%s%s></script>" % (attrs, nonce_attr)


def region_attr(region: Optional[str]) -> str:
    """``data-consentry-region="FR"`` for the ``<html>`` element; "" for an unknown region."""
    if not region:
        return ""
    return 'data-consentry-region="%s"' % escape(region, quote=True)
