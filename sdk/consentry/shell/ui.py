"""The visible part: banner, preferences panel, embed placeholders, status messages.

Everything lives in open shadow roots styled by ONE constructable stylesheet (CSP-safe: no
<style> text, no style attributes; only CSSOM calls). Every string is set as text
(``el.text`` = textContent), links only from URLs the engine validated. Built lazily: the
root on the first show, the panel each time it opens. See docs/theming.md.
"""

from browser import document, window

from ..engine import i18n  # lazy (modules.LAZY): its names are looked up when used

# Focusable elements of a dialog, in DOM order; the first and last are always visible.
FOCUSABLE = "button, input:not([disabled]), summary, a[href]"


def _el(tag, parent, cls=None, text=None, attrs=None):
    e = document.createElement(tag)
    if cls:
        e.setAttribute("class", cls)
    if text is not None:
        e.text = text
    if attrs:
        # a flat [name, value, ...] list: a `for` over a dict ends in a raised StopIteration
        # in Brython, a range() loop does not
        for i in range(0, len(attrs), 2):
            e.setAttribute(attrs[i], attrs[i + 1])
    if parent is not None:
        parent.appendChild(e)
    return e


def _button(parent, part, text, action, label=None):
    b = _el("button", parent, "x" if part == "close" else "btn", text,
            ["type", "button", "part", "button " + part, "data-a", action])
    if label:
        b.setAttribute("aria-label", label)
    return b


def _link(parent, url, text):
    if url:
        p = _el("p", parent, "more")
        a = _el("a", p, None, text)
        a.setAttribute("href", url)


class Ui:
    def __init__(self, core):
        self.core = core
        self.texts = core.texts
        ui = core.config["ui"]
        self.layout = ui["layout"]
        self.position = ui["position"]
        self.theme = "cy " + ui["theme"]
        self.dir = "rtl" if i18n.is_rtl(core.lang) else "ltr"
        self.host = None
        self.shadow = None
        self.banner = None
        self.panel = None
        self.toast = None
        self.opener = None
        self.reloading = False
        self.places = []
        self.n = 0
        self.sheet = None
        self.padded = False
        try:
            self.sheet = window.CSSStyleSheet.new()
            self.sheet.replaceSync(core.host.css)
        except Exception:
            self.sheet = None   # no constructable sheets: unstyled rather than unsafe

    # -- plumbing ------------------------------------------------------------------------

    def _adopt(self, shadow):
        if self.sheet is not None:
            try:
                shadow.adoptedStyleSheets = [self.sheet]
            except Exception:
                pass

    def _id(self):
        self.n += 1
        return "cy" + str(self.n)

    def _box(self, tag, parent, cls, part):
        return _el(tag, parent, self.theme + " " + cls,
                   None, ["part", part, "lang", self.core.lang, "dir", self.dir])

    def _root(self, then=None):
        """The host element and its shadow root; False (and ``then`` later) before <body>."""
        if self.shadow is not None:
            if not self.host.isConnected and document.body:
                # The page re-rendered <body> (SPA): serialising it copied our host without its
                # shadow root. Drop such empty copies and put the real one back.
                for copy in document.querySelectorAll("[data-consentry-root]"):
                    if not copy.shadowRoot:
                        copy.remove()
                document.body.appendChild(self.host)
            return True
        if not document.body:  # a JS null here, not None
            if then is None:
                return False
            def later(ev):
                then()
            document.addEventListener("DOMContentLoaded", later)
            return False
        host = _el("div", None, None, None, ["data-consentry-root", "", "lang", self.core.lang,
                                             "dir", self.dir])
        self.shadow = host.attachShadow({"mode": "open"})
        self._adopt(self.shadow)
        self.toast = self._box("div", self.shadow, "toast", "status")
        self.toast.setAttribute("role", "status")
        self.toast.setAttribute("tabindex", "-1")
        self.toast.addEventListener("click", self._click)
        self.toast.addEventListener("keydown", self._key)
        self.observer = window.ResizeObserver.new(self._pad)
        self.observer.observe(self.toast)
        document.body.appendChild(host)
        self.host = host
        return True

    def _pad(self, entries=None, obs=None):
        """Keep the page's focused element out from under the banner (WCAG 2.4.11)."""
        top = 0
        bottom = 0
        vh = window.innerHeight
        for box in [self.banner, self.toast]:
            if box is None or box.tagName == "DIALOG" or box.offsetHeight == 0:
                continue
            r = box.getBoundingClientRect()
            if r.top < vh - r.bottom:
                top = max(top, int(r.bottom) + 8)
            else:
                bottom = max(bottom, int(vh - r.top) + 8)
        if bottom > 0:      # room to scroll the end of the page out from under a bottom bar
            self.host.style.setProperty("height", str(bottom) + "px")
        else:
            self.host.style.removeProperty("height")
        style = document.documentElement.style
        for side, px in [["scroll-padding-top", top], ["scroll-padding-bottom", bottom]]:
            if px > 0:
                style.setProperty(side, str(px) + "px")
                self.padded = True
            elif self.padded:
                style.removeProperty(side)

    def _focus_lost(self):
        act = document.activeElement
        return act is None or act == document.body or act == document.documentElement

    def _choose(self, method, decisions=None):
        self.reloading = False
        self.core.choose(method, decisions)
        if not self.reloading and self._root():
            self._say(False)

    def _say(self, reload):
        """The status message (role=status): saved, and the reload offer when asked."""
        t = self.toast
        t.text = ""
        _el("p", t, None, self.texts["panel"]["saved"])
        if reload:
            _el("p", t, None, self.texts["reload"]["text"])
            _button(t, "reload", self.texts["reload"]["button"], "reload")
        _button(t, "close", "\u00d7", "hush", self.texts["panel"]["close"])
        if self._focus_lost():
            t.focus()
        self._pad()

    # -- banner --------------------------------------------------------------------------

    def show_banner(self):
        if not self._root(self.show_banner):
            return
        if self.banner is not None:
            self.banner.focus()
            return
        t = self.texts["banner"]
        modal = self.layout == "modal" or self.position == "center"
        b = self._box("dialog" if modal else "section", self.shadow,
                      "banner " + self.layout + " " + self.position, "banner")
        head = self._id()
        body = self._id()
        for k, v in [["role", "dialog" if modal else "region"], ["aria-labelledby", head],
                     ["aria-describedby", body], ["tabindex", "-1"]]:
            b.setAttribute(k, v)
        if modal:
            b.setAttribute("aria-modal", "true")
        inner = _el("div", b, "in")
        words = _el("div", inner, "words")
        _el("h2", words, None, t["title"], ["id", head])
        _el("p", words, None, t["text"], ["id", body])
        if self.core.revision_changed:
            _el("p", words, "note", t["revisionNote"])
        if self.core.state["gpcHonoured"]:
            _el("p", words, "note", self.texts["panel"]["gpcHonoured"])
        _link(words, self.core.config["ui"]["noticeUrl"], t["noticeLink"])
        acts = _el("div", inner, "acts")
        _button(acts, "reject-all", t["rejectAll"], "necessary")
        _button(acts, "accept-all", t["acceptAll"], "all")
        _button(acts, "customise", t["customise"], "customise")
        _button(b, "close", "\u00d7", "close", t["close"])
        b.addEventListener("click", self._click)
        b.addEventListener("keydown", self._key)
        b.addEventListener("cancel", self._cancel)
        self.banner = b
        if modal:
            b.showModal()
            b.focus()
        else:
            self.observer.observe(b)
            if self._focus_lost():
                b.focus({"preventScroll": True})

    def _close_banner(self):
        b = self.banner
        if b is None:
            return
        self.banner = None
        if b.tagName != "DIALOG":
            self.observer.unobserve(b)
        b.remove()
        self._pad()

    # -- preferences panel ---------------------------------------------------------------

    def show_preferences(self, opener=None):
        if not self._root(self.show_preferences):
            return
        if self.panel is not None:
            self.panel.focus()
            return
        if opener is None:
            opener = document.activeElement
            if opener == self.host:
                opener = self.shadow.activeElement
        self.opener = opener
        t = self.texts["panel"]
        core = self.core
        state = core.state
        lang = core.lang
        dflt = core.config["language"]["default"]
        p = self._box("dialog", self.shadow, "panel", "panel")
        head = self._id()
        body = self._id()
        for k, v in [["role", "dialog"], ["aria-modal", "true"], ["aria-labelledby", head],
                     ["aria-describedby", body], ["tabindex", "-1"]]:
            p.setAttribute(k, v)
        top = _el("div", p, "head")
        _el("h2", top, None, t["title"], ["id", head])
        _button(top, "close", "\u00d7", "close", t["close"])
        main = _el("div", p, "body")
        _el("p", main, None, t["text"], ["id", body])
        if state["gpcHonoured"]:
            _el("p", main, "note", t["gpcHonoured"])
        _link(main, core.config["ui"]["noticeUrl"], self.texts["banner"]["noticeLink"])
        for cat in core.config["categories"]:
            cid = cat["id"]
            words = self.texts["categories"][cid]
            box = _el("div", main, "cat")
            basis = cat["basis"]
            note = t["alwaysOn"] if basis == "necessary" else (
                t["legitimateInterest"] if basis == "legitimate-interest" else None)
            self._switch(box, "h3", words["title"], cid, state["categories"][cid],
                         basis == "necessary", words["description"], note)
            _link(box, cat["noticeUrl"], self.texts["banner"]["noticeLink"])
            services = cat["services"]
            if not services and not cat["cookies"]:
                continue
            more = _el("details", box)
            label = t["services"] if services else t["cookies"]
            _el("summary", more, None, label + " (" + str(len(services) or len(cat["cookies"]))
                + ")")
            self._table(more, cat["cookies"], lang, dflt)
            for svc in services:
                sbox = _el("div", more, "svc")
                self._switch(sbox, "h4", svc["label"], cid + "/" + svc["id"],
                             state["services"][cid][svc["id"]], basis == "necessary",
                             i18n.localize(svc["description"], lang, dflt), None)
                _link(sbox, svc["noticeUrl"], self.texts["banner"]["noticeLink"])
                self._table(sbox, svc["cookies"], lang, dflt)
        foot = _el("div", p, "acts foot")
        _button(foot, "reject-all", t["rejectAll"], "necessary")
        _button(foot, "accept-all", t["acceptAll"], "all")
        _button(foot, "save", t["save"], "save")
        p.addEventListener("click", self._click)
        p.addEventListener("keydown", self._key)
        p.addEventListener("cancel", self._cancel)
        self.panel = p
        p.showModal()
        p.focus()

    def _switch(self, parent, level, title, key, on, locked, text, note):
        sid = self._id()
        row = _el("div", parent, "row")
        _el("label", _el(level, row), None, title, ["for", sid])
        desc = sid + "d"
        box = _el("input", row, "sw", None, ["type", "checkbox", "role", "switch", "id", sid,
                                             "data-k", key, "aria-describedby", desc])
        box.checked = on or locked
        if locked:
            box.disabled = True
        st = _el("span", row, "st", None, ["aria-hidden", "true"])
        st.setAttribute("data-on", self.texts["panel"]["on"])
        st.setAttribute("data-off", self.texts["panel"]["off"])
        if text:
            _el("p", parent, None, text, ["id", desc])
        if note:
            _el("p", parent, "basis", note, ["id", sid + "n"])
            box.setAttribute("aria-describedby", desc + " " + sid + "n")

    def _table(self, parent, entries, lang, dflt):
        if not entries:
            return
        t = self.texts["panel"]
        table = _el("table", parent)
        _el("caption", table, None, t["cookies"])
        row = _el("tr", _el("thead", table))
        for k in ["cookieName", "cookiePurpose", "cookieDuration"]:
            _el("th", row, None, t[k], ["scope", "col"])
        rows = _el("tbody", table)
        for c in entries:
            row = _el("tr", rows)
            _el("td", row, "name", c["name"] + ("*" if c["prefix"] else ""))
            _el("td", row, None, i18n.localize(c["purpose"], lang, dflt))
            _el("td", row, None, i18n.localize(c["duration"], lang, dflt))

    def _close_panel(self):
        p = self.panel
        if p is None:
            return
        self.panel = None
        p.close()
        p.remove()
        o = self.opener
        self.opener = None
        if o is not None and o.isConnected:
            o.focus()
        elif self.banner is not None:
            self.banner.focus()

    def _sync(self):
        state = self.core.state
        for box in self.panel.querySelectorAll("input[data-k]"):
            k = box.getAttribute("data-k").split("/")
            if len(k) == 1:
                box.checked = state["categories"].get(k[0], False) or box.disabled
            else:
                box.checked = state["services"].get(k[0], {}).get(k[1], False)

    # -- events --------------------------------------------------------------------------

    def _click(self, ev):
        b = ev.target
        if b.tagName != "BUTTON":       # our buttons hold text only: the target is the button
            return
        a = b.getAttribute("data-a")
        box = ev.currentTarget
        if a == "close" and box == self.banner:
            self._close_action()
        elif a == "close":
            self._close_panel()
        elif a == "customise":
            self.show_preferences(b)
        elif a == "reload":
            window.location.reload()
        elif a == "hush":
            self.toast.text = ""
            self._pad()
        elif a == "save":
            out = {}
            for box in self.panel.querySelectorAll("input[data-k]"):
                if not box.disabled:
                    out[box.getAttribute("data-k")] = box.checked
            self._close_panel()
            self._choose("custom", out)
        elif a is not None:
            self._close_panel()
            self._choose(a)

    def _close_action(self):
        how = self.core.config["ui"]["closeAction"]
        self._choose("dismiss" if how == "dismiss" else "necessary")

    def _cancel(self, ev):
        ev.preventDefault()       # Esc is handled (once) by _key

    def _key(self, ev):
        box = ev.currentTarget
        if ev.key == "Escape" or ev.key == "Esc":
            ev.preventDefault()
            ev.stopPropagation()
            if box == self.panel:
                self._close_panel()
            elif box == self.banner:
                self._close_action()
            else:
                self.toast.text = ""
                self._pad()
        elif ev.key == "Tab" and box.tagName == "DIALOG":
            nodes = box.querySelectorAll(FOCUSABLE)
            first = nodes[0]
            last = nodes[nodes.length - 1]
            act = self.shadow.activeElement
            if ev.shiftKey and (act == first or act == box):
                last.focus()
                ev.preventDefault()
            elif not ev.shiftKey and act == last:
                first.focus()
                ev.preventDefault()

    # -- the shell's interface -----------------------------------------------------------

    def hide(self):
        self._close_panel()
        self._close_banner()

    def refresh(self):
        if self.banner is not None and not self.core.state["showBanner"]:
            self._close_banner()
        if self.panel is not None:
            self._sync()

    def offer_reload(self, category_ids):
        if not self._root(self._reload_later):
            return
        self.reloading = True
        self._say(True)

    def _reload_later(self):
        self.offer_reload([])

    def placeholder(self, el, category_id):
        self.remove_placeholder(el)
        t = self.texts["placeholder"]
        words = self.texts["categories"].get(category_id)
        name = words["title"] if words else category_id
        host = _el("div", None, None, None, ["data-consentry-placeholder", category_id])
        for side in ["width", "height"]:
            v = el.getAttribute(side) or ""
            if v.isdigit():
                host.style.setProperty("min-height" if side == "height" else side, v + "px")
        shadow = host.attachShadow({"mode": "open"})
        self._adopt(shadow)
        box = self._box("div", shadow, "ph", "placeholder")
        head = self._id()
        box.setAttribute("role", "group")
        box.setAttribute("aria-labelledby", head)
        _el("p", box, "ph-title", el.getAttribute("title") or name, ["id", head])
        _el("p", box, None, i18n.fill(t["text"], {"category": name}))
        acts = _el("div", box, "acts")
        _button(acts, "allow-once", t["allowOnce"], "once")
        _button(acts, "always-allow", i18n.fill(t["alwaysAllow"], {"category": name}), "always")

        def click(ev):
            b = ev.target
            if b.tagName != "BUTTON":
                return
            if b.getAttribute("data-a") == "once":
                self.core.allow_once(el)
            else:
                self._choose("custom", {category_id: True})

        box.addEventListener("click", click)
        el.parentNode.insertBefore(host, el)
        self.places.append([el, host])

    def remove_placeholder(self, el):
        keep = []
        for pair in self.places:
            if pair[0] == el:
                had = pair[1].shadowRoot.activeElement is not None
                pair[1].remove()
                if had:
                    el.focus()
            else:
                keep.append(pair)
        self.places = keep
