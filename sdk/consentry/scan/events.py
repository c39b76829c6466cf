"""Digest Chromium's performance-log network events into requests and Set-Cookie sources.

Pure functions over the CDP messages (``{"method": "Network.requestWillBeSent", "params": ...}``);
no browser here, so they are unit-tested on recorded shapes.
"""

from __future__ import annotations

from urllib.parse import urlsplit


def initiator_of(initiator: dict | None) -> dict:
    """``{"type", "url"}``: the script on the call stack for script-initiated requests (the
    innermost frame with a URL, through async parents), else the document that asked for it."""
    initiator = initiator or {}
    kind = initiator.get("type") or "other"
    stack = initiator.get("stack")
    while stack:
        for frame in stack.get("callFrames", []):
            if frame.get("url"):
                return {"type": "script", "url": frame["url"]}
        stack = stack.get("parent")
    return {"type": kind, "url": initiator.get("url") or None}


def _cookie_names(header: str) -> list[str]:
    names = []
    for line in header.split("\n"):
        name = line.split(";", 1)[0].split("=", 1)[0].strip()
        if name:
            names.append(name)
    return names


def digest(events: list[dict], page: str) -> dict:
    """``{"requests": [...], "setCookies": [{"name", "url"}], "documentError": str|None}``.

    ``requests`` are http(s) requests in the order they were sent (a redirect hop is its own
    request), each ``{"url", "host", "method", "type", "initiator", "page", "error"}``;
    ``error`` is the browser's net error (a blocked third-party request shows
    ``net::ERR_PROXY_CONNECTION_FAILED``). ``documentError`` is the error of ``page``'s own load.
    """
    requests: list[dict] = []
    by_id: dict = {}
    set_cookies: list[dict] = []
    document_error = None
    for message in events:
        method, params = message.get("method"), message.get("params") or {}
        rid = params.get("requestId")
        if method == "Network.requestWillBeSent":
            url = (params.get("request") or {}).get("url") or ""
            if not url.startswith(("http://", "https://")):
                continue
            entry = {"url": url, "host": urlsplit(url).hostname or "", "method": params["request"].get("method", "GET"),
                     "type": params.get("type") or "Other", "initiator": initiator_of(params.get("initiator")),
                     "page": page, "error": None}
            requests.append(entry)
            by_id[rid] = entry
        elif method == "Network.loadingFailed" and rid in by_id:
            entry = by_id[rid]
            entry["error"] = params.get("errorText") or params.get("blockedReason") or "failed"
            if entry["type"] == "Document" and entry["url"].split("#")[0] == page.split("#")[0]:
                document_error = entry["error"]
        elif method == "Network.responseReceivedExtraInfo":
            headers = params.get("headers") or {}
            for key, value in headers.items():
                if key.lower() == "set-cookie":
                    url = by_id[rid]["url"] if rid in by_id else None
                    set_cookies += [{"name": n, "url": url} for n in _cookie_names(value)]
    return {"requests": requests, "setCookies": set_cookies, "documentError": document_error}


