"""The Django app: builds the ``Site`` from ``settings.CONSENTRY`` when Django starts, so a
broken configuration stops start-up (``ConfigError``) instead of failing a request."""

from typing import Any, Optional

from django.apps import AppConfig
from django.conf import settings
from django.core.signals import setting_changed

from consentry.server import ConfigError
from consentry.web import Site

SETTINGS = ("config", "region_headers", "static_path", "bundle_dir", "script_url", "reissue_cookie")
_site: Optional[Site] = None


def build_site(options: Any) -> Site:
    """A Site from the ``CONSENTRY`` setting; unknown keys are errors (typos must not pass)."""
    if not isinstance(options, dict):
        raise ConfigError([{"path": "CONSENTRY", "message": "must be a dict"}])
    unknown = sorted(str(k) for k in options if k not in SETTINGS)
    if unknown:
        raise ConfigError([{"path": "CONSENTRY." + k, "message": "unknown setting (known: %s)"
                            % ", ".join(SETTINGS)} for k in unknown])
    site = Site(**options)
    if site.reissue_cookie and site.config["cookie"]["partitioned"]:
        # Django writes cookies through http.cookies, which cannot write Partitioned before
        # Python 3.14: re-issuing would drop an attribute the browser SDK sets.
        raise ConfigError([{"path": "CONSENTRY.reissue_cookie",
                            "message": "not available with cookie.partitioned under Django"}])
    return site


def get_site() -> Site:
    """The site built at start-up."""
    global _site
    if _site is None:
        _site = build_site(getattr(settings, "CONSENTRY", {}))
    return _site


def _settings_changed(setting: str, **kwargs: Any) -> None:
    """``override_settings(CONSENTRY=...)`` (tests): build the site again on next use."""
    global _site
    if setting == "CONSENTRY":
        _site = None


setting_changed.connect(_settings_changed)


class ConsentryConfig(AppConfig):
    name = "consentry.contrib.django"
    label = "consentry"
    verbose_name = "Consentry"

    def ready(self) -> None:
        get_site()
