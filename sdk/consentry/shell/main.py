"""Start-up and the API core: feed the engine its inputs, carry out its decisions.

Started by the first stage (dist/consentry.js) when it attaches the SDK: reads the cookie,
region hint, GPC and language, asks the engine for the state, and hands every state to the
first stage's gate (the one gating engine, compiled without a runtime; ``host.set_state``).
The first stage already pushed the Consent Mode default (and update) for the built-in
configuration; after a page override it pushed a fail-closed default, so the SDK sends the
update. The UI is built lazily, only when something must be shown. The first stage wraps the
Core methods into the public API (contract §5).
"""

from browser import document, window

from ..engine import codes, i18n, policy, record, region, transitions
from ..engine import config as config_mod  # lazy (modules.LAZY): runs only for an override
from . import cookies
from . import ui as ui_mod  # lazy: runs when something is first shown

PREFIX = "[consentry] "
CHANNEL = "consentry"
# vanilla-cookieconsent's data-cc triggers, understood so its pages migrate unchanged
CC_ALIASES = {"show-preferencesModal": "preferences", "show-consentModal": "banner",
              "accept-all": "all", "accept-necessary": "necessary",
              "accept-custom": "preferences"}   # the panel is where a selection is saved


def _now():
    return int(window.Date.now())


def _warn(text):
    window.console.warn(PREFIX + text)


class Core:
    """One per page. Holds the state; every change goes through choose()/_adopt()."""

    def __init__(self, host, builtin, builtin_raw):
        self.host = host
        self.ui = None

        self.memory_value = None  # the choice, when cookies could not be written
        self.withdrawn = {}       # categories on before a reset() (here or in another tab), off now
        # data-cc accept triggers choose only when the site's own script tag says so (read by
        # the first stage while it ran in <head>: content injected into <body> cannot fake it)
        self.cc_accept = isinstance(host.cc_accept, str)
        self.config = self._load_config(builtin, builtin_raw)
        cfg = self.config
        self.gpc = getattr(window.navigator, "globalPrivacyControl", None) is True
        self.region_hint = document.documentElement.getAttribute("data-consentry-region")
        self.timezone = None
        if region.needs_timezone(cfg, self.region_hint):
            try:
                self.timezone = window.Intl.DateTimeFormat().resolvedOptions().timeZone
            except Exception:
                self.timezone = None
        # The language and the texts are only needed by the UI: _ensure_ui() picks them from
        # the inputs read here (a returning visitor with a valid choice never builds them).
        self.lang = None
        self.texts = None
        self.doc_lang = document.documentElement.getAttribute("lang")
        langs = []
        try:
            for code in window.navigator.languages:
                langs.append(code)
        except Exception:
            langs = []
        self.browser_langs = langs
        self.cookie_string = cookies.read_all()
        self.state = self._compute()
        self.revision_changed = self.state["reason"] == "revision"
        if not host.decided:
            self._consent_mode("update")
        self.known = [c["id"] for c in cfg["categories"]]
        host.set_state(self.known, self.state)
        host.gate_embed_hooks(self._blocked_embed, self._revived_embed)
        document.addEventListener("click", self._clicked, True)
        window.addEventListener("pageshow", self._pageshow)
        window.addEventListener("pagehide", self._pagehide)
        document.addEventListener("visibilitychange", self._visible)
        self.channel = None
        self._open_channel()
        if self.state["showBanner"]:
            self._show("banner")

    # -- inputs ---------------------------------------------------------------------------

    def _load_config(self, builtin, builtin_raw):
        node = document.querySelector('script#consentry-config[type="application/json"]')
        if not node:
            return builtin
        override = self.host.parse_json(node.text)
        if override is None:
            window.console.error(PREFIX + "the #consentry-config script is not valid JSON; the "
                                 "built-in configuration applies")
            return builtin
        result = config_mod.load(builtin_raw, override)
        errors = result.get("override_errors") or []
        if errors:
            lines = []
            for e in errors[:20]:
                lines.append(e["path"] + ": " + e["message"])
            window.console.error(PREFIX + "invalid #consentry-config, ignored as a whole "
                                 "(the built-in configuration applies):\n" + "\n".join(lines))
        for w in result.get("warnings") or []:
            _warn(w["path"] + ": " + w["message"])
        return result["config"]

    def _current_record(self, now):
        rec, reason = record.read(self.cookie_string, self.config, now)
        if rec is None and self.memory_value is not None:
            rec, reason = record.decode(self.memory_value, self.config, now)
        return rec, reason

    def _compute(self):
        now = _now()
        rec, reason = self._current_record(now)
        # rec comes from record.read/decode with this config and clock: already checked
        return policy.decide(self.config, rec, self.region_hint, self.gpc, now, self.timezone,
                             reason, True)

    # -- decisions ------------------------------------------------------------------------

    def _consent_mode(self, kind):
        cm = self.config["consentMode"]
        if not cm["enabled"]:
            return
        signals = policy.consent_mode(self.config, self.state)
        if kind == "default":
            signals["wait_for_update"] = cm["waitForUpdate"]
        self.host.gtag("consent", kind, signals)

    def choose(self, method, decisions=None):
        """Record a choice made by the visitor (UI) or page code (API).

        The consented tags run first, right after the engine's decision: they are what the
        visitor's click is waiting for. Storing the cookie, the UI and the events follow in the
        same task, so nothing else can run in between.
        """
        old = self.state
        prev = old["record"]
        choice = transitions.decide_choice(self.config, old, method, decisions or {}, _now(),
                                           self.host.random_id() if prev is None else prev["id"],
                                           self.gpc)
        for key in choice["ignored"]:
            _warn("update(): ignored \"" + str(key) + "\" (unknown id or not a boolean)")
        withdrawn = self._enforce(choice["state"])
        rec = choice["record"]
        self._store(record.encode(rec), choice["maxAge"])
        events = transitions.events_between(self.config, old, choice["state"])[0]
        self._announce(withdrawn, events)
        self._log(rec)
        self._tell_tabs()

    def _tell_tabs(self):
        """Other tabs re-read the cookie (the message carries nothing they would trust)."""
        if self.channel is not None:
            try:
                self.channel.postMessage("choice")
            except Exception:
                pass

    def _store(self, value, max_age):
        """The cookie, or this page's memory when the browser refuses it."""
        if cookies.write(self.config["cookie"], value, max_age):
            self.memory_value = None
        else:
            self.memory_value = value
            _warn("the choice could not be stored in a cookie; it applies to this page only")
        self.cookie_string = cookies.read_all()

    def _adopt(self, new_state, events):
        """Apply a state that arrived from elsewhere (another tab, a bfcache restore)."""
        self._announce(self._enforce(new_state), events)
        if new_state["showBanner"]:
            self._show("banner")     # the choice was reset elsewhere

    def _enforce(self, new_state):
        """Make the page follow a new state: withdrawal, Consent Mode, gating.

        Returns the refused categories whose code already ran on this page (only a reload can
        stop it).
        """
        old = self.state
        self.state = new_state
        refused = []        # allowed before, refused now: their cookies go, wherever they came from
        withdrawn = []
        for cat in self.config["categories"]:
            cid = cat["id"]
            if old["categories"][cid] and not new_state["categories"][cid]:
                refused.append(cid)
                if new_state["record"] is None:
                    self.withdrawn[cid] = True      # the gate runs their `!category` fallbacks
                if self.host.gate_revived(cid):
                    withdrawn.append(cid)
        if refused:
            self._withdraw(refused)
        self._consent_mode("update")
        try:
            new_state["withdrawn"] = self.withdrawn
            self.host.set_state(self.known, new_state)
        except Exception as exc:    # a page policy (e.g. Trusted Types) refused a revival
            window.console.error(PREFIX + "could not run gated code: " + str(exc))
        return withdrawn

    def _announce(self, withdrawn, events):
        """After a state change: the UI follows, then the callbacks and DOM events fire."""
        if self.ui is not None:
            self.ui.refresh()
            if withdrawn:
                self.ui.offer_reload(withdrawn)
        elif withdrawn:
            self._show("reload", withdrawn)
        self.host.dispatch(events, transitions.consent_view(self.state["record"]))

    def _withdraw(self, category_ids):
        """Delete the cookies declared for refused categories (set on this or an earlier page)."""
        entries = []
        for cat in self.config["categories"]:
            if cat["id"] in category_ids:
                entries = entries + cat["cookies"]
                for svc in cat["services"]:
                    entries = entries + svc["cookies"]
        if not entries:
            return
        for name in cookies.names():
            for entry in entries:
                if codes.cookie_matches(entry, name):
                    cookies.expire(name)
                    break

    def _log(self, rec):
        endpoint = self.config["log"]["endpoint"]
        if not endpoint or getattr(window.navigator, "sendBeacon", None) is None:
            return
        payload = {"id": rec["id"], "revision": rec["revision"], "method": rec["method"],
                   "mode": rec["mode"], "givenAt": rec["givenAt"], "gpc": rec["gpc"],
                   "categories": rec["categories"], "services": rec["services"],
                   "path": window.location.pathname}
        try:
            window.navigator.sendBeacon(endpoint, self.host.to_json(payload))
        except Exception:
            _warn("the proof-of-consent beacon could not be sent")

    def _recheck(self):
        """Another tab or a bfcache restore: the cookie may hold a newer choice."""
        current = cookies.read_all()
        if current == self.cookie_string:
            return
        self.cookie_string = current
        new_state = self._compute()
        events = transitions.events_between(self.config, self.state, new_state)[0]
        self._adopt(new_state, events)

    def _message(self, event):
        self._recheck()

    def _visible(self, event):
        if document.visibilityState == "visible":
            self._recheck()

    def _open_channel(self):
        if getattr(window, "BroadcastChannel", None) is not None:
            try:
                self.channel = window.BroadcastChannel.new(CHANNEL)
                self.channel.addEventListener("message", self._message)
            except Exception:
                self.channel = None

    def _pagehide(self, event):
        """An open BroadcastChannel keeps a page out of the back/forward cache: close it."""
        if self.channel is not None:
            self.channel.close()
            self.channel = None

    def _pageshow(self, event):
        if event.persisted:
            self._open_channel()
            self._recheck()

    # -- UI -------------------------------------------------------------------------------

    def _ensure_ui(self):
        if self.ui is None:
            if self.texts is None:
                self.lang = i18n.pick_language(self.config, self.doc_lang, self.browser_langs)
                self.texts = i18n.texts(self.config, self.lang)
            self.ui = ui_mod.Ui(self)
        return self.ui

    def _show(self, what, arg=None):
        ui = self._ensure_ui()
        if what == "banner":
            ui.show_banner()
        elif what == "preferences":
            ui.show_preferences(arg)
        elif what == "reload":
            ui.offer_reload(arg)

    def _blocked_embed(self, el):
        self._ensure_ui().placeholder(el, el.getAttribute("data-category"))

    def _revived_embed(self, el):
        if self.ui is not None:
            self.ui.remove_placeholder(el)

    def allow_once(self, el):
        self.host.gate_allow_once(el)

    def open_from_markup(self, el):
        """A data-consentry (or data-cc) element clicked before the SDK was there (the first
        stage kept it; an accept trigger only when it was a visitor's click)."""
        self._follow_markup(el, True)

    def _clicked(self, event):
        target = event.target
        if target is None or getattr(target, "closest", None) is None:
            return
        try:
            el = target.closest("[data-consentry], [data-cc]")
        except KeyError:        # Brython's closest() raises KeyError instead of returning None
            return
        if el is not None and self._follow_markup(el, event.isTrusted is True):
            event.preventDefault()

    def _follow_markup(self, el, trusted):
        """Open the UI for data-consentry / data-cc markup, or take a data-cc accept trigger;
        whether the element was one of ours."""
        kind = el.getAttribute("data-consentry")
        alias = None
        if kind is None:
            alias = el.getAttribute("data-cc")
            kind = CC_ALIASES.get(alias)
        if kind == "preferences" or kind == "banner":
            self._show(kind, el)
        elif alias is not None and kind is not None:
            self._cc_accept(kind, trusted, alias)
        else:
            return False
        return True

    def _cc_accept(self, kind, trusted, alias):
        """vanilla-cookieconsent's accept triggers. Page markup can open UI, never grant: they
        choose only on a visitor's own click (never page code's el.click()) and only when the
        consentry.js script tag carries data-consentry-cc-accept (the site vouches that no
        untrusted HTML on its pages can carry data-cc)."""
        if not self.cc_accept:
            _warn("data-cc=\"" + alias + "\" ignored: page markup cannot choose unless the "
                  "consentry.js script tag has data-consentry-cc-accept")
        elif not trusted:
            _warn("data-cc=\"" + alias + "\" ignored: not a visitor's click")
        else:
            if self.ui is not None:
                self.ui.hide()
            self.choose(kind)

    # -- API (wrapped by the JS façade) ---------------------------------------------------

    def accept_all(self):
        self.choose("all")

    def reject_all(self):
        self.choose("necessary")

    def update(self, choices):
        self.choose("api", choices)

    def allowed(self, category, service):
        return policy.allowed(self.state, category, service)

    def get_consent(self):
        return transitions.consent_view(self.state["record"])

    def show_banner(self):
        self._show("banner")

    def show_preferences(self):
        self._show("preferences")

    def hide(self):
        if self.ui is not None:
            self.ui.hide()

    def reset(self):
        """Forget the choice: what it allowed is withdrawn exactly as by a refusal (declared
        cookies, onCategory reject callbacks, `!category` fallbacks), other tabs follow, the
        banner shows (contract section 5)."""
        cookies.expire(self.config["cookie"]["name"])
        self.memory_value = None
        self.cookie_string = cookies.read_all()
        old = self.state
        new_state = self._compute()
        self._announce(self._enforce(new_state),
                       transitions.events_between(self.config, old, new_state)[0])
        self._tell_tabs()
        self._show("banner")

    def start_events(self):
        events = [["ready", None]]
        if self.state["record"] is not None:
            events.append(["consent", None])
        for cat in self.config["categories"]:
            if self.state["categories"][cat["id"]]:
                events.append(["category-accept", cat["id"]])
        return events


def start(host, embedded):
    return Core(host, embedded["config"], embedded["raw"])
