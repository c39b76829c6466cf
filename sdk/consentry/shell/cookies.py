"""Cookie I/O for the consent record: the only place that touches document.cookie.

Reading and writing can throw (sandboxed frames, disabled storage); every access is guarded so
that the SDK falls back to an in-memory choice for this page and no error reaches the page.
"""

from browser import document, window

from ..engine.record import cookie_values


def read_all():
    """The page's cookie string, or "" when cookies cannot be read here."""
    try:
        value = document.cookie
        return value if isinstance(value, str) else ""
    except Exception:
        return ""


def _domains():
    """Host-only (None), then the host and each parent domain: where a cookie may live."""
    out = [None]
    host = window.location.hostname
    if not host or host[0].isdigit() or ":" in host:
        return out
    parts = host.split(".")
    for i in range(len(parts) - 1):
        out.append("." + ".".join(parts[i:]))
    return out


def _paths():
    """"/" and every prefix of the current path (with and without a trailing slash), the page's
    own path included: the paths a tracker on this page may have set a cookie for."""
    out = ["/"]
    acc = ""
    for part in window.location.pathname.split("/")[1:]:
        if part:
            acc = acc + "/" + part
            out.append(acc)
            out.append(acc + "/")
    return out


def _secure():
    return window.location.protocol == "https:"


def expire(name):
    """Delete every path/domain variant of a cookie (we cannot see where it was set).

    On https every deletion repeats `Secure` (a `__Host-`/`__Secure-` name needs it, and it
    deletes a plain cookie just as well) and is made once more with `Partitioned`: a partitioned
    cookie lives in its own jar, which only a `Partitioned` write reaches.
    """
    tails = ["; Secure", "; Secure; Partitioned"] if _secure() else [""]
    for domain in _domains():
        for path in _paths():
            attrs = name + "=; Max-Age=0; Path=" + path
            if domain is not None:
                attrs = attrs + "; Domain=" + domain
            for tail in tails:
                try:
                    document.cookie = attrs + tail
                except Exception:
                    return


def names():
    out = []
    for part in read_all().split(";"):
        eq = part.find("=")
        name = (part if eq < 0 else part[:eq]).strip()
        if name:
            out.append(name)
    return out


def write(cookie_cfg, value, max_age):
    """Write the consent cookie with the contract's attributes; True when it reads back."""
    name = cookie_cfg["name"]
    if len(cookie_values(read_all(), name)) > 1:
        expire(name)  # duplicates from another path/domain: clean up before the new write
    attrs = name + "=" + value + "; Path=" + cookie_cfg["path"] + "; Max-Age=" + str(max_age)
    attrs = attrs + "; SameSite=" + cookie_cfg["sameSite"]
    secure = _secure()
    if secure or cookie_cfg["sameSite"] == "None":
        attrs = attrs + "; Secure"
    if cookie_cfg["partitioned"] and secure:
        attrs = attrs + "; Partitioned"
    if cookie_cfg["domain"]:
        attrs = attrs + "; Domain=" + cookie_cfg["domain"]
    try:
        document.cookie = attrs
    except Exception:
        return False
    return value in cookie_values(read_all(), name)   # this exact name, not a longer one
