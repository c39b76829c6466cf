"""The visitor's region from the edge's geo headers: a list of header names, first valid one wins.

CDNs and platforms tell the origin the visitor's country (and often the subdivision) in request
headers. The browser SDK gets the same region from ``<html data-consentry-region>``, so the
server and the page decide with the same input. Every value is validated: a header that is
absent, too long, not an ISO 3166 code or a "country unknown" placeholder is no match, and the
next entry is tried.
"""

import re
from typing import Optional, Protocol, Sequence, Union

# (country header, subdivision header or None), in lookup order. Header names are matched
# case-insensitively. A client that talks to the origin directly can send these headers itself:
# list only the headers your edge sets (and overwrites).
DEFAULT_REGION_HEADERS: tuple[tuple[str, Optional[str]], ...] = (
    ("CF-IPCountry", "CF-Region-Code"),                              # Cloudflare
    ("CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region"),  # Amazon CloudFront
    ("X-Vercel-IP-Country", "X-Vercel-IP-Country-Region"),          # Vercel
    ("X-AppEngine-Country", "X-AppEngine-Region"),                  # Google App Engine
    ("Fastly-Geo-Country", None),                                   # Fastly (set in VCL)
)

RegionHeaderSpec = Union[str, Sequence[Optional[str]]]

# Codes geo databases use for "unknown", "anonymous proxy", "Europe"/"Asia-Pacific" (no country).
_NOT_A_COUNTRY = frozenset(("XX", "ZZ", "EU", "AP", "T1", "A1", "A2", "O1"))
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}")
_COUNTRY = re.compile(r"[A-Za-z]{2}")
_SUBDIVISION = re.compile(r"[A-Za-z0-9]{1,3}")


class Headers(Protocol):
    """What the region lookup needs from a request: a header by lower-case name, or None."""

    def get(self, name: str) -> Optional[str]: ...


def normalize(specs: object) -> tuple[tuple[str, Optional[str]], ...]:
    """The header list as lower-case (country, subdivision) pairs; ValueError names the first
    bad entry. Called once, at start-up."""
    if isinstance(specs, (str, bytes)) or not isinstance(specs, (list, tuple)):
        raise ValueError("must be a list of header names or (country, subdivision) pairs")
    out = []
    for i, spec in enumerate(specs):
        pair = (spec, None) if isinstance(spec, str) else spec
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValueError("[%d]: a header name or a (country, subdivision) pair" % i)
        country, sub = pair
        for name in (country, sub):
            if name is not None and (not isinstance(name, str) or not _HEADER_NAME.fullmatch(name)):
                raise ValueError("[%d]: %r is not a header name" % (i, name))
        if country is None:
            raise ValueError("[%d]: the country header is missing" % i)
        out.append((country.lower(), sub.lower() if sub else None))
    return tuple(out)


def country_code(value: Optional[str]) -> Optional[str]:
    """'fr' -> 'FR'; None for anything but a two-letter country code."""
    if value is None or len(value) > 8:
        return None
    value = value.strip()
    if not _COUNTRY.fullmatch(value):
        return None
    up = value.upper()
    return None if up in _NOT_A_COUNTRY else up


def subdivision_code(country: str, value: Optional[str]) -> Optional[str]:
    """'CA' or 'US-CA' (for country 'US') -> 'CA'; None for anything else."""
    if value is None or len(value) > 8:
        return None
    value = value.strip().upper()
    if value.startswith(country + "-"):
        value = value[len(country) + 1:]
    return value if _SUBDIVISION.fullmatch(value) else None


def region(headers: Headers, specs: Sequence[tuple[str, Optional[str]]]) -> Optional[str]:
    """The first valid region among ``specs`` (normalised), e.g. 'FR' or 'US-CA'; else None."""
    for country_header, sub_header in specs:
        country = country_code(headers.get(country_header))
        if country is None:
            continue
        if sub_header is not None:
            sub = subdivision_code(country, headers.get(sub_header))
            if sub is not None:
                return country + "-" + sub
        return country
    return None
