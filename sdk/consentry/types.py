"""The shapes of the values the server-side API hands out, as ``TypedDict``s (CPython only).

They describe the plain dicts the engine builds (it runs in the browser too, so it cannot use
``typing``); these declarations exist for type checkers and editors. See docs/engine.md and
docs/cookie.md for the meaning of every field.
"""

from typing import Literal, Optional, TypedDict

Method = Literal["all", "necessary", "custom", "dismiss", "gpc", "api"]
Mode = Literal["opt-in", "opt-out"]
RegionSource = Literal["attribute", "timezone", "default"]


class ConsentView(TypedDict):
    """The browser's ``Consentry.getConsent()`` object: the record without ``v``."""

    id: str
    revision: int
    givenAt: int
    expiresAt: int
    method: Method
    mode: Mode
    gpc: bool
    categories: dict[str, bool]
    services: dict[str, dict[str, bool]]


class Record(ConsentView):
    """A valid consent record, as decoded from the cookie: the consent view and its schema
    version."""

    v: int


class State(TypedDict):
    """The policy state of one page view (``consentry.engine.policy``)."""

    mode: Mode
    region: Optional[str]
    regionSource: RegionSource
    categories: dict[str, bool]
    services: dict[str, dict[str, bool]]
    showBanner: bool
    reason: str
    record: Optional[Record]
    gpc: bool
    gpcHonoured: bool


class ConfigIssue(TypedDict):
    """One problem found by the validator: a JSON path and a message."""

    path: str
    message: str


class CookieConfig(TypedDict):
    name: str
    domain: Optional[str]
    path: str
    sameSite: Literal["Lax", "Strict", "None"]
    acceptDays: int
    rejectDays: int
    partitioned: bool


class ServiceConfig(TypedDict, total=False):
    id: str
    label: object
    description: object
    noticeUrl: Optional[str]
    cookies: list[dict[str, object]]


class CategoryConfig(TypedDict, total=False):
    id: str
    basis: Literal["necessary", "legitimate-interest", "consent"]
    saleOrShare: bool
    noticeUrl: Optional[str]
    cookies: list[dict[str, object]]
    services: list[ServiceConfig]


class ModeConfig(TypedDict):
    default: Mode
    optOutRegions: list[str]
    optInRegions: list[str]
    detect: list[Literal["attribute", "timezone"]]
    bannerInOptOut: bool


class Config(TypedDict):
    """The normalised configuration (``load_config``): every key present, defaults filled in.
    The nested ``consentMode``, ``language``, ``translations``, ``ui`` and ``log`` parts are
    documented in docs/configuration.md."""

    revision: int
    cookie: CookieConfig
    mode: ModeConfig
    gpc: bool
    categories: list[CategoryConfig]
    consentMode: dict[str, object]
    language: dict[str, object]
    translations: dict[str, object]
    ui: dict[str, object]
    log: dict[str, object]
