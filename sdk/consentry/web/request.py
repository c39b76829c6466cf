"""``RequestConsent``: the consent decision of one request, computed on first use.

The middleware attaches one to every request for the price of an object; the cookie is read
and the policy decided only when something asks (a view, a template tag, the re-issued cookie),
and at most once. Nothing here raises into the host application: the engine's reader is total,
the geo headers are validated, and if anything still fails the request gets the state of a
visitor without a valid choice (nothing optional allowed) and the error is logged.
"""

import logging
import time
from typing import TYPE_CHECKING, Any, Optional, cast

from consentry.server import consent_view, header_text
from consentry.types import ConsentView, Record, State
from consentry.web import geo
from consentry.web.reissue import Cookie, cookie

if TYPE_CHECKING:
    from consentry.web.decision import Decider
    from consentry.web.site import Site

log = logging.getLogger("consentry")


class RequestConsent:
    """The visitor's consent as this request shows it (the same state the page computes)."""

    __slots__ = ("site", "headers", "https", "decider", "_state", "_value", "_now", "_region")

    def __init__(self, site: "Site", headers: geo.Headers, https: bool,
                 decider: Optional["Decider"] = None) -> None:
        self.site = site
        self.headers = headers
        self.https = https
        self.decider = site.decider if decider is None else decider
        self._state: Optional[State] = None
        self._value: Optional[str] = None
        self._now = 0
        self._region: Any = False          # False: not looked up yet (None is a result)

    @property
    def region(self) -> Optional[str]:
        """The region from the edge's geo headers ('FR', 'US-CA'), or None."""
        if self._region is False:
            try:
                self._region = geo.region(self.headers, self.site.region_headers)
            except Exception:           # a header object of the host that misbehaves
                log.exception("consentry: could not read the geo headers")
                self._region = None
        return cast(Optional[str], self._region)

    @property
    def gpc(self) -> bool:
        """The browser sends Global Privacy Control (``Sec-GPC: 1``)."""
        try:
            value = self.headers.get("sec-gpc")
        except Exception:
            return False
        return value is not None and value.strip() == "1"

    @property
    def state(self) -> State:
        """The policy state (computed once; see consentry.engine.policy)."""
        if self._state is None:
            self._state = self._decide()
        return self._state

    def for_page(self, page_config: Any) -> "RequestConsent":
        """The decision of a page that carries this per-page configuration.

        ``page_config`` is what the page's script tag carries (``consentry_script(config=...)``):
        the browser merges it over the site configuration, so a page that changes a decision
        (a ``revision``, its own ``categories``, the ``mode`` rules, the ``cookie``) decides
        differently from the site. This is that decision, on the same request. An invalid
        configuration is left out of the page (and logged), so the site's decision stands:
        ``self`` is returned, as it is for ``None``.
        """
        if page_config is None:
            return self
        try:
            decider = self.site.page_decider(page_config)
        except Exception:
            log.exception("consentry: per-page decision failed; the site's decision applies")
            return self
        if decider is None:
            return self
        page = RequestConsent(self.site, self.headers, self.https, decider)
        page._region = self._region
        return page

    def _decide(self) -> State:
        decider = self.decider
        now = int(time.time() * 1000)
        self._now = now
        try:
            header = header_text(self.headers.get("cookie"))
            state, self._value = decider.decide(header, self.region, self.gpc, now)
            return state
        except Exception:
            log.exception("consentry: consent decision failed; treating it as no choice")
            return decider.no_choice(now)

    def allowed(self, category: str, service: Optional[str] = None) -> bool:
        """True only for a known, allowed category (and service), like ``Consentry.allowed``."""
        st = self.state
        cats = st["categories"]
        if not isinstance(category, str) or cats.get(category) is not True:
            return False
        if service is None:
            return True
        return isinstance(service, str) and st["services"].get(category, {}).get(service) is True

    @property
    def record(self) -> Optional[Record]:
        """The valid choice, or None."""
        return self.state["record"]

    @property
    def view(self) -> Optional[ConsentView]:
        """What ``Consentry.getConsent()`` returns in the page: the record without ``v``."""
        return consent_view(self.state["record"])

    @property
    def show_banner(self) -> bool:
        """The page will show the banner (no valid choice and the mode asks for one)."""
        return self.state["showBanner"]

    def reissue(self) -> Optional[Cookie]:
        """The cookie that re-issues this request's valid choice, or None."""
        st = self.state
        rec = st["record"]
        if rec is None or self._value is None:
            return None
        return cookie(self.decider.config["cookie"], self._value, rec["expiresAt"],
                      self._now, self.https)
