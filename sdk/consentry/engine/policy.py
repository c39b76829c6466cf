"""Policy: the state of every category and service on this page view (contract section 3).

API
---
``decide(config, record_or_None, region_hint, gpc, now_ms, timezone=None, record_reason=None,
checked=False) -> state`` -- resolves the mode with ``region.resolve`` and then calls
``evaluate``. ``checked=True``: the record is what ``record.read``/``record.decode`` returned for
this same config and ``now_ms`` (already checked; not checked again).

``evaluate(config, record_or_None, mode, region, gpc, now_ms, record_reason=None, source=None,
checked=False) -> state`` -- the same with the mode already known (used after a choice).

``state``::

    {"mode": "opt-in"|"opt-out", "region": str|None, "regionSource": str,
     "categories": {id: bool}, "services": {cat: {svc: bool}},
     "showBanner": bool, "reason": str, "record": record|None,
     "gpc": bool,            # the GPC signal is on AND the config honours GPC
     "gpcHonoured": bool}    # gpc and every sale-or-share category is refused

Rules
* ``necessary`` is always on (and so are its services).
* Without a valid choice: ``legitimate-interest`` categories are on (until the visitor objects);
  ``consent`` categories are off in opt-in mode and on in opt-out mode, except
  ``saleOrShare`` categories while GPC is on (never pre-enabled).
* With a valid choice (the record passes ``record.check`` against the config and the clock):
  the recorded decisions apply, except that while GPC is on, a ``saleOrShare`` category is
  only on when the choice accepting it was itself made with GPC on (the record's ``gpc``
  flag): an explicit LATER choice wins, an earlier one does not override the signal.
* Any invalid record (revision bump, new category or service, expired, future-dated, bad
  encoding ...) counts as no choice: nothing is granted from it and the banner shows.
* A service is on only when its category is on: it follows its category unless the record has
  an explicit decision for it.
* ``showBanner``: no valid choice and (opt-in mode, or opt-out mode with
  ``mode.bannerInOptOut``, true by default).
* ``reason``: ``"choice"`` with a valid record, else ``"no-choice"`` when there is no cookie,
  else the reader's reason (``"expired"``, ``"revision"``, ``"category-missing"`` ...).

``allowed(state, category, service=None) -> bool`` (false for anything unknown or not a str).

``consent_mode(config, state) -> {signal: "granted"|"denied"}`` for the seven Consent Mode v2
signals: granted when the signal maps to at least one category and every mapped category is on.
"""

from .codes import SIGNALS
from .record import check
from .region import resolve


def _baseline(config, mode, gpc_on):
    cats = {}
    for cat in config["categories"]:
        basis = cat["basis"]
        if basis == "necessary" or basis == "legitimate-interest":
            on = True
        elif mode == "opt-out":
            on = not (gpc_on and cat["saleOrShare"])
        else:
            on = False
        cats[cat["id"]] = on
    return cats


def _services(config, cats, rec, gpc_override):
    out = {}
    for cat in config["categories"]:
        cid = cat["id"]
        m = {}
        have = {}
        if rec is not None:
            have = rec["services"].get(cid, {})
        for svc in cat["services"]:
            sid = svc["id"]
            v = cats[cid]
            if v and sid in have and cid not in gpc_override:
                v = have[sid] is True
            m[sid] = v
        out[cid] = m
    return out


def evaluate(config, record, mode, region, gpc, now_ms, record_reason=None, source=None,
             checked=False):
    """The state for an already resolved mode. See the module docstring."""
    if mode != "opt-out":
        mode = "opt-in"
    gpc_on = gpc is True and config["gpc"] is True
    rec = None
    if record is None:
        reason = "no-choice"
        if isinstance(record_reason, str) and record_reason != "absent" and \
                record_reason != "ok":
            reason = record_reason
    elif checked:
        rec = record
        reason = "choice"
    else:
        rec, why = check(record, config, now_ms)
        reason = "choice" if rec is not None else why
    override = {}
    if rec is None:
        cats = _baseline(config, mode, gpc_on)
    else:
        cats = {}
        for cat in config["categories"]:
            cid = cat["id"]
            v = rec["categories"][cid] is True or cat["basis"] == "necessary"
            if v and gpc_on and cat["saleOrShare"] and rec["gpc"] is not True:
                v = False
                override[cid] = True
            cats[cid] = v
    svcs = _services(config, cats, rec, override)
    show = False
    if rec is None:
        show = mode == "opt-in" or config["mode"]["bannerInOptOut"] is True
    sale = 0
    refused = 0
    for cat in config["categories"]:
        if cat["saleOrShare"]:
            sale += 1
            if not cats[cat["id"]]:
                refused += 1
    return {"mode": mode, "region": region, "regionSource": source or "default",
            "categories": cats, "services": svcs, "showBanner": show, "reason": reason,
            "record": rec, "gpc": gpc_on, "gpcHonoured": gpc_on and sale > 0 and refused == sale}


def decide(config, record, region_hint, gpc, now_ms, timezone=None, record_reason=None,
           checked=False):
    """The state of this page view. See the module docstring."""
    reg = resolve(config, region_hint, timezone)
    return evaluate(config, record, reg["mode"], reg["region"], gpc, now_ms, record_reason,
                    reg["source"], checked)


def allowed(state, category, service=None):
    """True only for a known, allowed category (and service); False for anything else."""
    if not isinstance(state, dict) or not isinstance(category, str):
        return False
    cats = state.get("categories")
    if not isinstance(cats, dict) or cats.get(category) is not True:
        return False
    if service is None:
        return True
    if not isinstance(service, str):
        return False
    svcs = state.get("services")
    if not isinstance(svcs, dict):
        return False
    m = svcs.get(category)
    if not isinstance(m, dict):
        return False
    return m.get(service) is True


def consent_mode(config, state):
    """{signal: "granted"|"denied"} for the seven Consent Mode v2 signals."""
    out = {}
    mp = config["consentMode"]["map"]
    cats = state["categories"]
    for s in SIGNALS:
        ids = mp.get(s, [])
        ok = len(ids) > 0
        for cid in ids:
            if cats.get(cid) is not True:     # allowed(state, cid), inlined
                ok = False
        out[s] = "granted" if ok else "denied"
    return out
