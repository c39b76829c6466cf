"""Gating: keep tagged scripts, iframes and images inert, and revive them once allowed.

Markup is contract §2. Revived scripts run in document order, an external one finishing (load
or error) before the next starts, each at most once per page. Page markup can never grant
consent: it only tells us which category an element belongs to.
"""

from browser import document, window

# The gated elements (contract §2) not classified yet: the scan after each mutation batch does no Python work
# for elements it has already seen.
FRESH = ("script[data-category]:not([data-consentry-state]), "
         "iframe[data-category]:not([data-consentry-state]), "
         "img[data-category]:not([data-consentry-state]), "
         "embed[data-category]:not([data-consentry-state])")
RUNNABLE_TYPES = ["", "text/javascript", "application/javascript", "module"]
# Attributes that describe the gate itself and are not copied to the revived script.
GATE_ATTRS = ["type", "data-type", "data-src", "data-consentry-state"]
STATE = "data-consentry-state"


def safe_url(url):
    """Only http(s) or relative URLs are ever loaded (no javascript:, data:, //host ...)."""
    if not isinstance(url, str):
        return False
    # browsers drop tabs and newlines inside URLs ("java\tscript:") and read a backslash as a
    # slash in http(s) URLs ("/\\evil.test" is "//evil.test")
    u = url.strip().lower().replace("\t", "").replace("\n", "").replace("\r", "")
    u = u.replace("\\", "/")
    if u == "" or u.startswith("//"):
        return False
    for i in range(len(u)):
        ch = u[i]
        if ch == ":":
            return u.startswith("http:") or u.startswith("https:")
        if ch == "/" or ch == "?" or ch == "#":
            return True
    return True


class Gate:
    """Tracks every gated element of the page and what has run."""

    def __init__(self, is_allowed, is_refused, known, on_blocked_embed, on_revived_embed, warn,
                 load_script):
        self.is_allowed = is_allowed          # fn(category, service) -> bool
        self.is_refused = is_refused          # fn(category) -> bool: refused by a valid choice
        self.known = known                    # category ids of the configuration
        self.on_blocked_embed = on_blocked_embed
        self.on_revived_embed = on_revived_embed
        self.warn = warn
        self.load_script = load_script        # fn(script, src, code): the JS sink, Trusted-Types aware
        self.pending = []                     # elements seen, not yet revived (doc order)
        self.queue = []                       # scripts waiting to run, in order
        self.running = False
        self.warned = {}
        self.observer = None
        self.revived = {}                     # categories whose gated code ran on this page

    def watch(self):
        """Gate elements as the parser (or page code) inserts them, for the page's life."""
        self.scan()
        self.observer = window.MutationObserver.new(self._mutated)
        self.observer.observe(document.documentElement, {"childList": True, "subtree": True})

    def _mutated(self, records, observer):
        self.scan()

    def scan(self):
        # Index loops over NodeLists: iterating a JS collection with `for` ends in a raised
        # StopIteration in Brython.
        nodes = document.querySelectorAll(FRESH)
        n = nodes.length
        if n == 0:
            return
        for i in range(n):
            self._classify(nodes.item(i))
        self.apply()

    def _classify(self, el):
        cat = el.getAttribute("data-category") or ""
        name = cat[1:] if cat.startswith("!") else cat
        tag = el.tagName
        if tag == "SCRIPT" and (el.getAttribute("type") or "").lower() != "text/plain":
            el.setAttribute(STATE, "ungated")   # not blocked by the markup: cannot be gated
            self._warn_once("ungated:" + name, "a <script data-category=\"" + name +
                            "\"> without type=\"text/plain\" was not blocked and ran")
            return
        if name not in self.known:
            el.setAttribute(STATE, "unknown")
            self._warn_once("unknown:" + name, "unknown category \"" + name +
                            "\" on a gated element: it stays blocked")
            return
        el.setAttribute(STATE, "blocked")
        self.pending.append(el)

    def _warn_once(self, key, text):
        if key not in self.warned:
            self.warned[key] = True
            self.warn(text)

    def apply(self):
        """Revive every pending element whose condition now holds, in document order."""
        keep = []
        for el in self.pending:
            if el.getAttribute(STATE) != "blocked":
                continue
            if self._due(el):
                self._revive(el)
            else:
                keep.append(el)
                if (el.tagName == "IFRAME" or el.tagName == "EMBED") and \
                        el.getAttribute("data-consentry-hidden") is None:
                    el.setAttribute("data-consentry-hidden", "1")
                    el.setAttribute("hidden", "")
                    self.on_blocked_embed(el)
        self.pending = keep
        self._run_next()

    def _due(self, el):
        cat = el.getAttribute("data-category")
        if cat.startswith("!"):
            return self.is_refused(cat[1:])
        return self.is_allowed(cat, el.getAttribute("data-service"))

    def _revive(self, el):
        cat = el.getAttribute("data-category")
        if not cat.startswith("!"):
            self.revived[cat] = True
        tag = el.tagName
        if tag == "SCRIPT":
            kind = (el.getAttribute("data-type") or "").lower()
            if kind not in RUNNABLE_TYPES:
                el.setAttribute(STATE, "refused-type")
                self._warn_once("type:" + kind, "data-type \"" + kind + "\" is never revived")
                return
            el.setAttribute(STATE, "queued")
            self.queue.append(el)
            return
        src = el.getAttribute("data-src")
        if src is not None and not safe_url(src):
            el.setAttribute(STATE, "refused-url")
            self._warn_once("url:" + src[:40], "refused to load a data-src that is not http(s) "
                            "or relative")
            return
        el.setAttribute(STATE, "revived")
        if src is not None:
            el.setAttribute("src", src)
        if el.getAttribute("data-consentry-hidden") == "1":
            el.removeAttribute("hidden")
            el.removeAttribute("data-consentry-hidden")
            self.on_revived_embed(el)

    def allow_once(self, el):
        """An embed the visitor allowed for this page view only."""
        if el.getAttribute(STATE) == "blocked":
            self._revive(el)

    def _run_next(self):
        if self.running:
            return
        while self.queue:
            el = self.queue.pop(0)
            script = self._clone(el)
            src = el.getAttribute("data-src")
            el.setAttribute(STATE, "revived")
            if src is not None:
                if not safe_url(src):
                    continue
                self.running = True
                script.addEventListener("load", self._finished)
                script.addEventListener("error", self._finished)
                if self._load(script, src, ""):
                    el.replaceWith(script)
                    return
                self.running = False
                continue
            if self._load(script, "", el.text):
                el.replaceWith(script)

    def _load(self, script, src, code):
        """Give the clone its code; False (one warning) when the page's policy refuses it."""
        try:
            self.load_script(script, src, code)
            return True
        except Exception:
            self._warn_once("sink", "a gated script could not be revived: the page's Trusted Types "
                            "policy refused it (allow the policy name 'consentry')")
            return False

    def _finished(self, event):
        self.running = False
        self._run_next()

    def _clone(self, el):
        script = document.createElement("script")
        attrs = el.attributes
        for i in range(attrs.length):
            attr = attrs.item(i)
            name = attr.name
            if name not in GATE_ATTRS and name != "nonce":
                script.setAttribute(name, attr.value)
        kind = (el.getAttribute("data-type") or "").lower()
        if kind == "module":
            script.setAttribute("type", "module")
        script.setAttribute(STATE, "revived")
        nonce = el.nonce
        if nonce:
            script.nonce = nonce
        setattr(script, "async", False)
        return script
