"""The server-set consent cookie: re-issue the visitor's own choice from an HTTP response.

Safari caps the lifetime of cookies written by JavaScript (``document.cookie``) at 7 days, so a
choice made in the banner would be asked again a week later. A cookie set by the site's own
HTTP response is not capped that way. When a request carries a valid choice, the HTML response
sets the same cookie again: the same value and the same absolute expiry (``Max-Age`` is the
time left, rounded down, so the cookie is never extended: contract section 4), with the
attributes the browser SDK uses (``Path``, ``SameSite``, ``Secure`` on https or with
``SameSite=None``, ``Domain`` and ``Partitioned`` when configured). See docs/server.md for
what this does and does not fix.

Only HTML responses qualify (one re-issue per page view, not per image or API call), and
never a response that a shared cache may store (``public`` / ``s-maxage``): a cached
``Set-Cookie`` would hand one visitor's choice to the next.
"""

from typing import NamedTuple, Optional

from consentry.types import CookieConfig


class Cookie(NamedTuple):
    """A cookie to set, attribute by attribute (each framework writes it its own way)."""

    name: str
    value: str
    max_age: int
    path: str
    domain: Optional[str]
    same_site: str
    secure: bool
    partitioned: bool

    def header(self) -> str:
        """The ``Set-Cookie`` value, attributes in the order the browser SDK writes them."""
        out = "%s=%s; Path=%s; Max-Age=%d; SameSite=%s" % (
            self.name, self.value, self.path, self.max_age, self.same_site)
        if self.secure:
            out += "; Secure"
        if self.partitioned:
            out += "; Partitioned"
        if self.domain:
            out += "; Domain=" + self.domain
        return out


def cookie(cfg: CookieConfig, value: str, expires_at: int, now: int,
           https: bool) -> Optional[Cookie]:
    """The cookie re-issuing ``value`` (valid until ``expires_at``, ms); None when less than a
    second is left."""
    max_age = (expires_at - now) // 1000
    if max_age <= 0:
        return None
    secure = https or cfg["sameSite"] == "None"
    return Cookie(cfg["name"], value, max_age, cfg["path"], cfg["domain"], cfg["sameSite"],
                  secure, bool(cfg["partitioned"]) and https)


def is_html(content_type: Optional[str]) -> bool:
    """True for ``text/html`` (any parameters, any case)."""
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "text/html"


def shared_cacheable(cache_control: Optional[str]) -> bool:
    """True when ``Cache-Control`` lets a shared cache (CDN, proxy) store the response."""
    if not cache_control:
        return False
    for directive in cache_control.lower().split(","):
        name = directive.split("=", 1)[0].strip()
        if name in ("public", "s-maxage"):
            return True
    return False


def sets_cookie(set_cookie_values: list[str], name: str) -> bool:
    """True when the response already sets (or deletes) the cookie ``name`` itself."""
    prefix = name + "="
    return any(v.lstrip().startswith(prefix) for v in set_cookie_values)


def qualifies(status: int, content_type: Optional[str], cache_control: Optional[str],
              set_cookie_values: list[str], name: str) -> bool:
    """Whether a response may carry the re-issued cookie."""
    return (200 <= status < 300 and is_html(content_type) and not shared_cacheable(cache_control)
            and not sets_cookie(set_cookie_values, name))
