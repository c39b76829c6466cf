"""The table of well-known tracker cookies and hosts (``trackers.json``, written by us from the
vendors' public documentation): which vendor a cookie name or a request host likely belongs to,
and in which category it would be declared."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def table() -> dict:
    data = json.loads((Path(__file__).resolve().parent / "trackers.json").read_text(encoding="utf-8"))
    return {"cookies": data["cookies"], "hosts": data["hosts"]}


def cookie_vendor(name: str) -> dict | None:
    """``{"vendor", "category"}`` for a known cookie name (exact, or a documented prefix)."""
    for entry in table()["cookies"]:
        if name == entry["name"] or (entry.get("prefix") and name.startswith(entry["name"])):
            return {"vendor": entry["vendor"], "category": entry["category"]}
    return None


def host_vendor(host: str) -> dict | None:
    """``{"vendor", "category"}`` for a known tracker host or any of its subdomains."""
    host = host.lower().rstrip(".")
    for entry in table()["hosts"]:
        if host == entry["host"] or host.endswith("." + entry["host"]):
            return {"vendor": entry["vendor"], "category": entry["category"]}
    return None
