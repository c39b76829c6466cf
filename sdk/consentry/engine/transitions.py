"""Transitions: applying a visitor's (or page code's) choice, and the events it fires.

API
---
``apply_choice(config, state, method, decisions, now_ms, consent_id, gpc) -> result``

* ``config``: normalised configuration; ``state``: the current ``policy`` state.
* ``method``: ``"all"`` (every category and service on), ``"necessary"`` (only ``necessary``
  on; legitimate-interest categories are objected to), ``"dismiss"`` (same decisions as
  ``necessary``, recorded as ``dismiss``: what closing the banner does when ``ui.closeAction``
  is ``dismiss``; never an acceptance), ``"gpc"`` (the current state with every
  ``saleOrShare`` category refused), ``"custom"`` (the preferences panel) and ``"api"``
  (``Consentry.update()``).
* ``decisions`` (``custom``/``api`` only, ignored otherwise): a dict whose keys are category
  ids (``{"analytics": True}``) or ``"category/service"`` (``{"analytics/ga": False}``) and
  whose values are real booleans. Unnamed categories keep their current state. A named
  category's services follow it when its value changes, and otherwise keep their state; a
  named service overrides that. Granting a service of a refused, unnamed category turns the
  category on (its other services stay off). A service is never on while its category is off.
  ``necessary`` cannot be refused. Unknown ids, non-boolean values and ``necessary: false``
  are skipped and listed in ``result["ignored"]`` (never an exception: ``decisions`` comes
  from page code).
* ``now_ms``: int ms; ``consent_id``: a fresh random id (8..64 chars of ``A-Za-z0-9_-``),
  used only when there was no valid choice (a changed choice keeps its id);
  ``gpc``: the GPC signal (stored in the record's ``gpc`` flag).
* Raises ValueError for an unknown method, a bad ``now_ms`` or a bad ``consent_id``
  (programming errors of the caller).

``result``::

    {"record": record, "value": cookie value (record.encode), "maxAge": seconds,
     "state": the new policy state (showBanner False),
     "events": [[name, payload], ...],
     "changed": {category: new bool}, "changedServices": {cat: {svc: new bool}},
                                      # both {} for a first choice (it is not a change)
     "ignored": [key, ...]}

Events, in dispatch order:
1. ``["first-consent", view]`` and ``["consent", view]`` when the previous state had no valid
   choice (a page view with a valid choice fires ``consent`` once, at start-up or here);
2. ``["change", {category: new bool}]`` when a valid choice existed and any category or
   service changed (the payload lists the changed categories; service changes are in
   ``result["changedServices"]``); never ``consent`` again (contract section 5);
4. ``["category-accept", id]`` / ``["category-reject", id]`` for every category whose
   effective state flipped compared with the previous state (configuration order).

``view`` = ``consent_view(record)`` (a separate copy for each event).

Expiry: ``now + cookie.acceptDays`` when any non-necessary category is on, else
``now + cookie.rejectDays`` (both at most 395 days).

The same work in steps, for a caller that must act between them (the browser shell runs the
consented tags before it encodes the cookie and computes the events, because the visitor's
click waits for the tags): ``decide_choice(...)`` (same arguments) -> ``{"record", "state",
"maxAge", "ignored"}``; ``record.encode(record)``; ``events_between(config, old_state,
new_state) -> (events, changed, changedServices)``. ``apply_choice`` is exactly these
three.

``consent_view(record) -> dict | None``: the ``getConsent()`` object of contract section 5,
``{id, revision, givenAt, expiresAt, method, mode, gpc, categories, services}`` (copies).
"""

from .policy import evaluate
from .record import DAY_MS, MAX_DAYS, METHODS, VERSION, encode, is_consent_id
from .util import as_int


def consent_view(rec):
    """The getConsent() object for a record, or None."""
    if not isinstance(rec, dict):
        return None
    svcs = {}
    for c in rec["services"]:
        svcs[c] = dict(rec["services"][c])
    return {"id": rec["id"], "revision": rec["revision"], "givenAt": rec["givenAt"],
            "expiresAt": rec["expiresAt"], "method": rec["method"], "mode": rec["mode"],
            "gpc": rec["gpc"], "categories": dict(rec["categories"]), "services": svcs}


def _custom(config, state, decisions, ignored):
    cur_c = state["categories"]
    cur_s = state["services"]
    named = {}
    named_s = {}
    known = {}
    for cat in config["categories"]:
        known[cat["id"]] = cat
    if isinstance(decisions, dict):
        n = 0
        for k in decisions:
            n += 1
            if n > 2000:
                ignored.append("...")
                break
            v = decisions[k]
            if not isinstance(k, str) or len(k) > 90 or (v is not True and v is not False):
                ignored.append(k if isinstance(k, str) and len(k) <= 90 else "?")
                continue
            slash = k.find("/")
            if slash < 0:
                if k not in known or (known[k]["basis"] == "necessary" and v is False):
                    ignored.append(k)
                    continue
                named[k] = v
            else:
                c = k[0:slash]
                s = k[slash + 1:]
                ok = False
                if c in known:
                    for svc in known[c]["services"]:
                        if svc["id"] == s:
                            ok = True
                if not ok or (known[c]["basis"] == "necessary" and v is False):
                    ignored.append(k)
                    continue
                if c not in named_s:
                    named_s[c] = {}
                named_s[c][s] = v
    elif decisions is not None:
        ignored.append("?")
    cats = {}
    svcs = {}
    for cat in config["categories"]:
        cid = cat["id"]
        old = cur_c.get(cid) is True
        ns = named_s.get(cid, {})
        if cat["basis"] == "necessary":
            new = True
        elif cid in named:
            new = named[cid]
        else:
            new = old
            for s in ns:
                if ns[s] is True:
                    new = True
        cats[cid] = new
        m = {}
        old_m = cur_s.get(cid, {})
        for svc in cat["services"]:
            sid = svc["id"]
            if not new:
                v = False
            elif sid in ns:
                v = ns[sid]
            elif cid in named and named[cid] != old:
                v = new
            elif cat["basis"] == "necessary":
                v = True
            else:
                v = old_m.get(sid) is True
            m[sid] = v
        svcs[cid] = m
    return cats, svcs


def events_between(config, old, new):
    """The events for going from state ``old`` to state ``new`` (contract section 5), in dispatch
    order, with ``changed`` ({category: bool}) and ``changed_services`` ({cat: {svc: bool}}).

    Used for a choice made on this page and for one that arrives from another tab. With no
    valid choice in ``new`` only the category flips fire. A first choice fires
    ``first-consent`` and ``consent`` (and reports nothing as changed); a changed choice fires
    ``change`` only (``consent`` already fired on this page view); then ``category-accept`` /
    ``category-reject`` per flip.
    """
    changed = {}
    changed_s = {}
    flips = []
    for cat in config["categories"]:
        c = cat["id"]
        after = new["categories"][c]
        if (old["categories"].get(c) is True) != after:
            changed[c] = after
            flips.append(["category-accept" if after else "category-reject", c])
        old_m = old["services"].get(c, {})
        new_m = new["services"][c]
        for s in new_m:
            if (old_m.get(s) is True) != new_m[s]:
                if c not in changed_s:
                    changed_s[c] = {}
                changed_s[c][s] = new_m[s]
    rec = new["record"]
    events = []
    if rec is not None:
        if old["record"] is None:
            events.append(["first-consent", consent_view(rec)])
            events.append(["consent", consent_view(rec)])
            changed = {}
            changed_s = {}
        elif changed or changed_s:
            events.append(["change", changed])
    return events + flips, changed, changed_s


def decide_choice(config, state, method, decisions, now_ms, consent_id, gpc):
    """The record and the new state of a choice (apply_choice without encoding and events)."""
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError("unknown consent method: " + str(method)[:40])
    now = as_int(now_ms)
    if now is None or now < 0:
        raise ValueError("now_ms must be a non-negative integer of milliseconds")
    prev = state.get("record")
    if prev is not None:
        cid = prev["id"]
    else:
        cid = consent_id
    if not is_consent_id(cid):
        raise ValueError("the consent id must be 8 to 64 characters from A-Za-z0-9_-")
    ignored = []
    if method == "custom" or method == "api":
        cats, svcs = _custom(config, state, decisions, ignored)
    else:
        cats = {}
        svcs = {}
        for cat in config["categories"]:
            c = cat["id"]
            if method == "all" or cat["basis"] == "necessary":
                v = True
            elif method == "gpc":
                v = state["categories"].get(c) is True and not cat["saleOrShare"]
            else:
                v = False
            cats[c] = v
            m = {}
            for svc in cat["services"]:
                if method == "gpc" and v:
                    m[svc["id"]] = state["services"].get(c, {}).get(svc["id"]) is True
                else:
                    m[svc["id"]] = v
            svcs[c] = m
    any_on = False
    for cat in config["categories"]:
        if cat["basis"] != "necessary" and cats[cat["id"]]:
            any_on = True
    days = config["cookie"]["acceptDays"] if any_on else config["cookie"]["rejectDays"]
    if days > MAX_DAYS:
        days = MAX_DAYS
    if days < 1:
        days = 1
    rec = {"v": VERSION, "id": cid, "revision": config["revision"], "givenAt": now,
           "expiresAt": now + days * DAY_MS, "method": method, "mode": state["mode"],
           "gpc": gpc is True, "categories": cats, "services": svcs}
    # rec is built above from the config and the clock (every category and service, necessary
    # granted, 1 <= days <= MAX_DAYS, an id checked above): record.check would accept it
    new_state = evaluate(config, rec, state["mode"], state.get("region"), gpc, now, None,
                         state.get("regionSource"), True)
    return {"record": rec, "state": new_state, "maxAge": days * 86400, "ignored": ignored}


def apply_choice(config, state, method, decisions, now_ms, consent_id, gpc):
    """Apply a choice. See the module docstring."""
    choice = decide_choice(config, state, method, decisions, now_ms, consent_id, gpc)
    rec = choice["record"]
    value = encode(rec)
    events, changed, changed_s = events_between(config, state, choice["state"])
    return {"record": rec, "value": value, "maxAge": choice["maxAge"], "state": choice["state"],
            "events": events, "changed": changed, "changedServices": changed_s,
            "ignored": choice["ignored"]}
