"""``Site``: everything the integrations need, checked once at start-up.

A broken setting (an invalid site configuration, an unreadable JSON file, a bad header list or
URL path, a missing or stale bundle) raises ``ConfigError`` here, when the application starts,
with every problem listed; per request nothing is validated again and nothing can raise.
"""

import json
import logging
import os
from typing import Any, Optional, Union, cast

from consentry.engine import config as engine_config
from consentry.engine import site_categories
from consentry.server import ConfigError, load_config, load_default_config
from consentry.types import Config, ConfigIssue
from consentry.web import geo
from consentry.web.bundle import Bundle
from consentry.web.decision import Decider
from consentry.web.headers import EnvironHeaders
from consentry.web.request import RequestConsent
from consentry.web.tags import region_attr, safe_json, script_tag

log = logging.getLogger("consentry")
ConfigSource = Union[None, dict[str, Any], str, "os.PathLike[str]"]
PAGE_CONFIGS = 64     # distinct per-page configurations kept validated


def _site_raw(config: ConfigSource) -> Optional[dict[str, Any]]:
    if config is None or isinstance(config, dict):
        return config
    try:
        with open(os.fspath(config), encoding="utf-8") as f:
            raw = json.load(f)
    except OSError as exc:
        raise ConfigError([{"path": "$", "message": "cannot read %s: %s" % (config, exc.strerror)}]) from None
    except ValueError as exc:
        raise ConfigError([{"path": "$", "message": "%s is not valid JSON: %s" % (config, exc)}]) from None
    if not isinstance(raw, dict):
        raise ConfigError([{"path": "$", "message": "%s must hold a JSON object" % config}])
    return raw


class Site:
    """The site's Consentry settings. Create one at start-up and share it.

    ``config``: the site configuration merged over the built-in one, as a dict or the path of
    its JSON file (the same file the bundle was built with: ``consentry build --config``).
    ``region_headers``: the edge's geo headers, first valid one wins (see ``consentry.web.geo``).
    ``static_path``: the URL path the bundle is served under (None: not served here; then
    give ``script_url``). ``bundle_dir``: a ``consentry build`` output folder (default: the
    build shipped in the package). ``reissue_cookie``: re-issue a valid choice from HTML
    responses (see ``consentry.web.reissue``).
    """

    def __init__(self, config: ConfigSource = None, *,
                 region_headers: Any = geo.DEFAULT_REGION_HEADERS,
                 static_path: Optional[str] = "/_consentry/",
                 bundle_dir: Union[None, str, "os.PathLike[str]"] = None,
                 script_url: Optional[str] = None,
                 reissue_cookie: bool = False) -> None:
        problems: list[ConfigIssue] = []
        self.site_raw = _site_raw(config)
        self.config: Config = load_config(self.site_raw)        # ConfigError lists every problem
        self.decider = Decider(self.config)
        try:
            self.region_headers = geo.normalize(region_headers)
        except ValueError as exc:
            problems.append({"path": "region_headers", "message": str(exc)})
        if static_path is not None and (not isinstance(static_path, str) or
                                        not static_path.startswith("/") or
                                        not static_path.endswith("/") or '"' in static_path):
            problems.append({"path": "static_path",
                             "message": "a URL path that starts and ends with '/', or None"})
        if static_path is None and not script_url:
            problems.append({"path": "script_url",
                             "message": "required when the bundle is not served (static_path=None)"})
        if not isinstance(reissue_cookie, bool):
            problems.append({"path": "reissue_cookie", "message": "must be true or false"})
        if problems:
            raise ConfigError(problems)
        self.static_path = static_path
        self.reissue_cookie = reissue_cookie
        self.bundle = Bundle(bundle_dir)
        self.script_url = script_url or "%s%s/consentry.js" % (static_path, self.bundle.fingerprint)
        self._page_configs: dict[str, Optional[list[Any]]] = {}

    # -- per request ------------------------------------------------------------------------

    def consent(self, headers: geo.Headers, https: bool) -> RequestConsent:
        """The lazy decision for a request with these headers."""
        return RequestConsent(self, headers, https)

    def consent_from_environ(self, environ: dict[str, Any]) -> RequestConsent:
        """The lazy decision for a WSGI environ (Django's ``request.META`` works too)."""
        return RequestConsent(self, EnvironHeaders(environ), environ.get("wsgi.url_scheme") == "https")

    def bundle_path(self, path: str) -> Optional[str]:
        """The part of ``path`` after ``static_path`` when the bundle answers it, else None."""
        if self.static_path is not None and path.startswith(self.static_path):
            return path[len(self.static_path):]
        return None

    # -- markup -----------------------------------------------------------------------------

    def page_config(self, page_config: Any) -> Optional[Any]:
        """``page_config`` when it is a valid per-page override of the site configuration.

        An invalid one is logged and left out of the page: the browser would ignore it as a
        whole anyway (contract section 3), so the page and the server both keep the site
        configuration. Validated once per distinct configuration."""
        entry = self._page_entry(page_config)
        return None if entry is None else entry[0]

    def page_decider(self, page_config: Any) -> Optional[Decider]:
        """The decider of the configuration a page with ``page_config`` runs on (the site's
        with the page's merged over it, as the browser merges them), or None when the page
        configuration is left out (invalid). Made once per distinct configuration."""
        entry = self._page_entry(page_config)
        if entry is None:
            return None
        if entry[1] is None:
            entry[1] = Decider(cast(Config, engine_config.load(self.config_raw(), entry[0])["config"]))
        return cast(Decider, entry[1])

    def _page_entry(self, page_config: Any) -> Optional[list[Any]]:
        """``[the valid configuration, its decider or None until asked]``, or None when
        invalid. Kept for up to PAGE_CONFIGS distinct configurations."""
        try:
            key = safe_json(page_config)
        except (TypeError, ValueError) as exc:        # not JSON data (a set, a NaN, a cycle)
            log.error("consentry: per-page configuration left out: %s", exc)
            return None
        if key in self._page_configs:
            return self._page_configs[key]
        errors = engine_config.load(self.config_raw(), json.loads(key))["override_errors"]
        entry: Optional[list[Any]] = None
        if errors:
            log.error("consentry: per-page configuration left out: %s", ConfigError(errors))
        else:
            entry = [json.loads(key), None]
        if len(self._page_configs) < PAGE_CONFIGS:
            self._page_configs[key] = entry
        return entry

    def config_raw(self) -> dict[str, Any]:
        """The raw configuration the bundle embeds (the site's over the built-in one, the
        built-in categories' texts and Consent Mode map dropped when the site brings its own)."""
        base = load_default_config()
        if self.site_raw is None:
            return base
        rebased = site_categories.rebase(base, self.site_raw)["base"]
        return cast(dict[str, Any], engine_config.merge(rebased, self.site_raw))

    def script(self, nonce: object = None, page_config: Any = None) -> str:
        """The ``<script>`` markup: SRI, the CSP nonce, and the per-page configuration."""
        cfg = self.page_config(page_config) if page_config is not None else None
        return script_tag(self.script_url, self.bundle.integrity, nonce, cfg)

    @staticmethod
    def html_attrs(consent: RequestConsent) -> str:
        """The ``data-consentry-region`` attribute for ``<html>`` (empty without a region)."""
        return region_attr(consent.region)
