"""Region and mode resolution (contract section 3, "Region").

API
---
``resolve(config, region_hint, timezone=None) -> {"mode": "opt-in"|"opt-out",
"region": str|None, "source": "attribute"|"timezone"|"default"}``

1. ``region_hint`` (the ``data-consentry-region`` attribute: a two-letter country such as
   ``FR``, ``EEA``, or a subdivision such as ``US-CA``; case-insensitive), used only when
   ``mode.detect`` contains ``"attribute"``. A malformed hint is ignored.
2. else, when ``mode.detect`` contains ``"timezone"``, a guess from the IANA time zone
   (``Intl.DateTimeFormat().resolvedOptions().timeZone``) through a small built-in table
   covering the EEA, GB, CH, the US and Canada.
3. The region is classified most specific first: the exact code (``US-CA``), then its
   country (``US``), then ``EEA`` for EEA countries. The first of these found in
   ``mode.optInRegions`` (checked first: strict wins) or ``mode.optOutRegions`` gives the mode.
4. Otherwise -- no region, or a region in neither list -- ``mode.default`` (itself
   ``opt-in`` unless configured). Anything unreadable means ``opt-in``.

``timezone_region(tz) -> str|None`` and ``classify(config, region) -> mode|None`` are the
two steps, exported for tests.

``needs_timezone(config, region_hint) -> bool``: whether ``resolve`` would look at the time
zone. Reading it costs the browser a cold ICU time-zone lookup (tens of ms on a first visit),
so the shell asks first: a page that sets a valid region attribute never pays it.
"""

from .codes import EEA, canonical_region

# IANA zone -> ISO 3166 code. Small on purpose: the zones that decide between the regions the
# default configuration names (EEA, GB, CH, US) plus Canada.
TZ_TABLE = (
    "Europe/Vienna=AT Europe/Brussels=BE Europe/Sofia=BG Europe/Zagreb=HR Asia/Nicosia=CY "
    "Europe/Nicosia=CY Asia/Famagusta=CY Europe/Prague=CZ Europe/Copenhagen=DK "
    "Europe/Tallinn=EE Europe/Helsinki=FI Europe/Mariehamn=FI Europe/Paris=FR Europe/Berlin=DE "
    "Europe/Busingen=DE Europe/Athens=GR Europe/Budapest=HU Europe/Dublin=IE Europe/Rome=IT "
    "Europe/Riga=LV Europe/Vilnius=LT Europe/Luxembourg=LU Europe/Malta=MT "
    "Europe/Amsterdam=NL Europe/Warsaw=PL Europe/Lisbon=PT Atlantic/Madeira=PT "
    "Atlantic/Azores=PT Europe/Bucharest=RO Europe/Bratislava=SK Europe/Ljubljana=SI "
    "Europe/Madrid=ES Africa/Ceuta=ES Atlantic/Canary=ES Europe/Stockholm=SE "
    "America/Cayenne=GF America/Guadeloupe=GP America/Martinique=MQ Indian/Reunion=RE "
    "Indian/Mayotte=YT America/Marigot=MF "
    "Atlantic/Reykjavik=IS Europe/Vaduz=LI Europe/Oslo=NO Arctic/Longyearbyen=NO "
    "Europe/London=GB Europe/Belfast=GB Europe/Zurich=CH Europe/Monaco=MC "
    "Europe/San_Marino=SM Europe/Vatican=VA Europe/Andorra=AD Europe/Gibraltar=GI "
    "Europe/Guernsey=GG Europe/Jersey=JE Europe/Isle_of_Man=IM "
    "America/New_York=US America/Chicago=US America/Denver=US America/Los_Angeles=US "
    "America/Phoenix=US America/Anchorage=US America/Juneau=US America/Sitka=US "
    "America/Yakutat=US America/Nome=US America/Metlakatla=US America/Adak=US "
    "America/Boise=US America/Detroit=US America/Menominee=US America/Indiana/Indianapolis=US "
    "America/Indianapolis=US America/Kentucky/Louisville=US America/Louisville=US "
    "America/North_Dakota/Center=US Pacific/Honolulu=US "
    "America/Toronto=CA America/Montreal=CA America/Vancouver=CA America/Edmonton=CA "
    "America/Winnipeg=CA America/Regina=CA America/Halifax=CA America/St_Johns=CA "
    "America/Moncton=CA America/Whitehorse=CA America/Yellowknife=CA America/Iqaluit=CA"
)

_tz = {}


def _table():
    if len(_tz) == 0:
        for pair in TZ_TABLE.split(" "):
            eq = pair.find("=")
            if eq > 0:
                _tz[pair[0:eq]] = pair[eq + 1:]
    return _tz


def timezone_region(tz):
    """The ISO 3166 country for an IANA time zone name, or None."""
    if not isinstance(tz, str) or len(tz) == 0 or len(tz) > 64:
        return None
    t = _table()
    if tz in t:
        return t[tz]
    if tz[0:3] == "US/":
        return "US"
    if tz[0:7] == "Canada/":
        return "CA"
    return None


def classify(config, region):
    """The mode the configuration gives ``region`` (most specific code first), or None."""
    r = canonical_region(region)
    if r is None:
        return None
    cands = [r]
    if len(r) > 3 and r[2] == "-":
        cands.append(r[0:2])
    if cands[-1] in EEA:
        cands.append("EEA")
    mode = config["mode"]
    for c in cands:
        if c in mode["optInRegions"]:
            return "opt-in"
        if c in mode["optOutRegions"]:
            return "opt-out"
    return None


def _default_mode(config):
    try:
        d = config["mode"]["default"]
    except Exception:
        return "opt-in"
    if d == "opt-out":
        return "opt-out"
    return "opt-in"


def _detect(config):
    try:
        detect = config["mode"]["detect"]
    except Exception:
        return None
    return detect if isinstance(detect, list) else []


def _hint_region(detect, region_hint):
    if "attribute" in detect and isinstance(region_hint, str):
        return canonical_region(region_hint.strip(" \t\r\n"))
    return None


def needs_timezone(config, region_hint):
    """True when resolve(config, region_hint, tz) depends on tz. Total."""
    detect = _detect(config)
    return detect is not None and "timezone" in detect and _hint_region(detect, region_hint) is None


def resolve(config, region_hint, timezone=None):
    """{"mode", "region", "source"} for this page view. Total."""
    detect = _detect(config)
    if detect is None:
        return {"mode": "opt-in", "region": None, "source": "default"}
    source = "default"
    region = _hint_region(detect, region_hint)
    if region is not None:
        source = "attribute"
    if region is None and "timezone" in detect:
        region = timezone_region(timezone)
        if region is not None:
            source = "timezone"
    if region is not None:
        try:
            m = classify(config, region)
        except Exception:
            m = None
        if m is not None:
            return {"mode": m, "region": region, "source": source}
    return {"mode": _default_mode(config), "region": region, "source": source}
