"""Codes and names the engine modules share: region and language codes, the EEA, the Consent
Mode v2 signal names, and how a declared cookie matches a cookie name.

Apart from the configuration validator (``config``) so that a page view without a page
override never loads the validator: ``policy``, ``region`` and ``i18n`` only need these.
``config`` re-exports every name.
"""

from .util import ALNUM, LOWER, UPPER, only_chars

SIGNALS = ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage",
           "functionality_storage", "personalization_storage", "security_storage"]

# EEA = the 27 EU member states (GR also as EL), the EU outermost regions that have their own
# ISO 3166 codes (French overseas departments, Saint-Martin) + Iceland, Liechtenstein, Norway.
EEA = ("AT BE BG HR CY CZ DK EE FI FR DE GR EL HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE "
       "GF GP MQ RE YT MF IS LI NO").split(" ")


def canonical_language(code):
    """'EN-gb' -> 'en-GB', 'zh-hant-tw' -> 'zh-Hant-TW'; None when not BCP47-ish
    ([a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*, at most 35 characters)."""
    if not isinstance(code, str) or len(code) == 0 or len(code) > 35:
        return None
    parts = code.split("-")
    first = parts[0]
    if len(first) < 2 or len(first) > 3 or not only_chars(first, LOWER + UPPER):
        return None
    out = [first.lower()]
    for p in parts[1:]:
        if len(p) < 2 or len(p) > 8 or not only_chars(p, ALNUM):
            return None
        if len(p) == 2 and only_chars(p, LOWER + UPPER):
            out.append(p.upper())
        elif len(p) == 4 and only_chars(p, LOWER + UPPER):
            out.append(p[0].upper() + p[1:].lower())
        else:
            out.append(p.lower())
    return "-".join(out)


def canonical_region(code):
    """'fr' -> 'FR', 'eea' -> 'EEA', 'us-ca' -> 'US-CA'; None when not a region code."""
    if not isinstance(code, str) or len(code) == 0 or len(code) > 6:
        return None
    up = code.upper()
    if up == "EEA":
        return up
    # checked before upper-casing: str.upper turns 'ß' into 'SS' and 'ı' into 'I'
    if len(code) >= 2 and only_chars(code[0:2], LOWER + UPPER):
        if len(code) == 2:
            return up
        if code[2] == "-" and len(code) >= 4 and only_chars(code[3:], ALNUM):
            return up
    return None


def cookie_matches(entry, name):
    """True when the cookie called ``name`` is covered by the normalised cookie ``entry``."""
    if not isinstance(entry, dict) or not isinstance(name, str):
        return False
    lit = entry.get("name")
    if not isinstance(lit, str) or lit == "":
        return False
    if entry.get("prefix") is True:
        return name[0:len(lit)] == lit
    return name == lit
