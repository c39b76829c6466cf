"""Gating: keep tagged scripts, iframes and images inert, and revive them once allowed.

The ONE gating engine of the SDK. It is compiled by PScript (not Brython) into the runtime-free
first stage, so a returning visitor's consented tags run before any runtime starts; the Brython
SDK drives it later through the first stage's host object. It follows the first stage's trap
list (consentry_build.fastpath): plain functions over a state dict, no classes, no keywords.

Markup is contract §2. Revived scripts run in document order, an external one finishing (load
or error) before the next starts, each at most once per page. Page markup can never grant
consent: it only tells which category an element belongs to. The decision is the engine's
``allowed(state, category, service)`` on the state the gate holds.

``dom`` is the first stage's object of built-ins captured from the prototypes at start-up (page
markup cannot shadow them): ``query_all(selector)``, ``observe(callback)``,
``create_script()``, ``load_script(script, src, code)`` (the only sink; Trusted-Types aware),
``parsing()`` (the parser still runs), ``own_nonce`` and ``warn(text)``.
"""

# The gated elements not classified yet: a scan after each mutation batch only looks at these.
FRESH = ("script[data-category]:not([data-consentry-state]), "
         "iframe[data-category]:not([data-consentry-state]), "
         "img[data-category]:not([data-consentry-state]), "
         "embed[data-category]:not([data-consentry-state])")
RUNNABLE_TYPES = ["", "text/javascript", "application/javascript", "module"]
# Attributes that describe the gate itself and are not copied to the revived script.
GATE_ATTRS = ["type", "data-type", "data-src", "data-consentry-state", "nonce"]
STATE = "data-consentry-state"


def safe_url(url):
    """Only http(s) or relative URLs are ever loaded (no javascript:, data:, //host ...)."""
    if not isinstance(url, str):
        return False
    # a URL parser strips C0 controls and spaces from both ends (WHATWG); str.strip() would
    # strip other characters, in Python and in JS differently
    start = 0
    end = len(url)
    while start < end and url[start] <= " ":
        start += 1
    while end > start and url[end - 1] <= " ":
        end -= 1
    # browsers drop tabs and newlines inside URLs ("java\tscript:") and read a backslash as a
    # slash in http(s) URLs ("/\\evil.test" is "//evil.test")
    u = url[start:end].lower().replace("\t", "").replace("\n", "").replace("\r", "")
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


def new_gate(dom, known, state):
    """A gate for this page: ``known`` category ids, ``state`` the engine's policy state."""
    return {"dom": dom, "known": known, "state": state, "pending": [], "queue": [],
            "running": False, "warned": {}, "revived": {}, "observer": None,
            "on_blocked_embed": None, "on_revived_embed": None}


def gate_watch(gate):
    """Gate elements as the parser (or page code) inserts them, for the page's life."""
    gate_scan(gate)
    gate["observer"] = gate["dom"].observe(lambda: gate_scan(gate))


def gate_scan(gate):
    nodes = gate["dom"].query_all(FRESH)
    n = nodes.length
    if n == 0:
        return
    for i in range(n):
        _classify(gate, nodes[i])
    gate_apply(gate)


def _warn_once(gate, key, text):
    if gate["warned"].get(key) is None:
        gate["warned"][key] = True
        gate["dom"].warn(text)


def _classify(gate, el):
    cat = el.getAttribute("data-category") or ""
    name = cat[1:] if cat.startswith("!") else cat
    if el.tagName == "SCRIPT":
        if (el.getAttribute("type") or "").lower() != "text/plain":
            el.setAttribute(STATE, "ungated")   # not blocked by the markup: cannot be gated
            _warn_once(gate, "ungated:" + name, "a <script data-category=\"" + name +
                       "\"> without type=\"text/plain\" was not blocked and ran")
            return
        own = gate["dom"].own_nonce
        if own and not gate["dom"].parsing() and el.nonce != own:
            # contract §2: HTML inserted after parsing never gains the power to run code
            el.setAttribute(STATE, "refused-nonce")
            _warn_once(gate, "nonce", "a gated <script> inserted after the page was parsed "
                       "without this page's nonce is never revived")
            return
    if gate["known"].indexOf(name) < 0:
        el.setAttribute(STATE, "unknown")
        _warn_once(gate, "unknown:" + name, "unknown category \"" + name +
                   "\" on a gated element: it stays blocked")
        return
    el.setAttribute(STATE, "blocked")
    gate["pending"].append(el)


def gate_set_state(gate, state):
    """A new policy state (a choice, another tab, stage 2's own reading); then gate_apply."""
    gate["state"] = state


def gate_set_embed_hooks(gate, on_blocked, on_revived):
    """The UI's placeholder hooks; embeds blocked before the UI existed get theirs now."""
    gate["on_blocked_embed"] = on_blocked
    gate["on_revived_embed"] = on_revived
    for el in gate["pending"]:
        if el.getAttribute("data-consentry-hidden") == "1":
            on_blocked(el)


def gate_apply(gate):
    """Revive every pending element whose condition now holds, in document order."""
    keep = []
    for el in gate["pending"]:
        if el.getAttribute(STATE) != "blocked":
            continue
        if _due(gate, el):
            _revive(gate, el)
        else:
            keep.append(el)
            if (el.tagName == "IFRAME" or el.tagName == "EMBED") and \
                    el.getAttribute("data-consentry-hidden") is None:
                el.setAttribute("data-consentry-hidden", "1")
                el.setAttribute("hidden", "")
                if gate["on_blocked_embed"] is not None:
                    gate["on_blocked_embed"](el)
    gate["pending"] = keep
    _run_next(gate)


def gate_refused(gate, category):
    """Refused by a valid choice, or withdrawn by reset() (the SDK lists those in the state's
    ``withdrawn``): what `!category` fallbacks wait for."""
    state = gate["state"]
    return state is not None and not allowed(state, category, None) and (
        state["record"] is not None or state.get("withdrawn", {}).get(category) is True)


def _due(gate, el):
    cat = el.getAttribute("data-category")
    if cat.startswith("!"):
        return gate_refused(gate, cat[1:])
    state = gate["state"]
    return state is not None and allowed(state, cat, el.getAttribute("data-service"))


def gate_revived(gate, category):
    """True when gated code of this category ran on this page (only a reload can stop it)."""
    return gate["revived"].get(category) is True


def _revive(gate, el):
    cat = el.getAttribute("data-category")
    if el.tagName == "SCRIPT":
        kind = (el.getAttribute("data-type") or "").lower()
        if RUNNABLE_TYPES.indexOf(kind) < 0:
            el.setAttribute(STATE, "refused-type")
            _warn_once(gate, "type:" + kind, "data-type \"" + kind + "\" is never revived")
            return
        el.setAttribute(STATE, "queued")
        gate["queue"].append(el)
        return
    src = el.getAttribute("data-src")
    if _refused_url(gate, el, src):
        return
    _ran(gate, cat)
    el.setAttribute(STATE, "revived")
    if src is not None:
        el.setAttribute("src", src)
    if el.getAttribute("data-consentry-hidden") == "1":
        el.removeAttribute("hidden")
        el.removeAttribute("data-consentry-hidden")
        if gate["on_revived_embed"] is not None:
            gate["on_revived_embed"](el)


def _refused_url(gate, el, src):
    """A data-src that is not http(s) or relative is never loaded (one warning)."""
    if src is None or safe_url(src):
        return False
    el.setAttribute(STATE, "refused-url")
    _warn_once(gate, "url:" + src[:40], "refused to load a data-src that is not http(s) or relative")
    return True


def _ran(gate, cat):
    if not cat.startswith("!"):
        gate["revived"][cat] = True


def gate_allow_once(gate, el):
    """An embed the visitor allowed for this page view only."""
    if el.getAttribute(STATE) == "blocked":
        _revive(gate, el)


def _run_next(gate):
    if gate["running"]:
        return
    while len(gate["queue"]) > 0:
        el = gate["queue"].pop(0)
        src = el.getAttribute("data-src")
        if _refused_url(gate, el, src):
            continue
        script = _clone(gate, el)
        el.setAttribute(STATE, "revived")
        if src is not None:
            gate["running"] = True
            script.addEventListener("load", lambda event: _finished(gate))
            script.addEventListener("error", lambda event: _finished(gate))
            if _load(gate, script, src, ""):
                _ran(gate, el.getAttribute("data-category"))
                el.replaceWith(script)
                return
            gate["running"] = False
            continue
        if _load(gate, script, "", el.text):
            _ran(gate, el.getAttribute("data-category"))
            el.replaceWith(script)


def _load(gate, script, src, code):
    """Give the clone its code; False (one warning) when the page's policy refuses it."""
    try:
        gate["dom"].load_script(script, src, code)
        return True
    except Exception:
        _warn_once(gate, "sink", "a gated script could not be revived: the page's Trusted Types "
                   "policy refused it (allow the policy name 'consentry')")
        return False


def _finished(gate):
    gate["running"] = False
    _run_next(gate)


def _clone(gate, el):
    script = gate["dom"].create_script()
    attrs = el.attributes
    for i in range(attrs.length):
        attr = attrs[i]
        if GATE_ATTRS.indexOf(attr.name) < 0:
            script.setAttribute(attr.name, attr.value)
    if (el.getAttribute("data-type") or "").lower() == "module":
        script.setAttribute("type", "module")
    script.setAttribute(STATE, "revived")
    if el.nonce:
        script.nonce = el.nonce
    script["async"] = False
    return script
