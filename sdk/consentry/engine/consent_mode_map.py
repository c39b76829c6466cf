"""The Consent Mode map derived from a site's own categories (when the site sets none).

A site that brings its own ``categories`` (a migrating site's ``necessary``, ``analytics``,
``ads``) cannot use the built-in ``consentMode.map``: it names the built-in categories. Rather
than refusing the whole configuration, the map is derived from the category ids by one rule:

* an id is split into words at ``-`` and ``_`` (``google-ads`` -> ``google``, ``ads``);
* a category whose words name a purpose below gets that purpose's signals (every purpose it
  names, so ``ads-analytics`` gets both);
* a signal fed by several categories is granted only when all of them are (``policy``).

======================================================  =========================================
words in the id                                          signals
======================================================  =========================================
necessary, security                                      security_storage
analytics, analytic, statistics, stats, performance,     analytics_storage
measurement
ads, ad, advertising, advertisement, marketing,          ad_storage, ad_user_data,
targeting, remarketing, retargeting                      ad_personalization
functionality, functional, preferences, personalization  functionality_storage,
personalisation                                          personalization_storage
======================================================  =========================================

A category matching no purpose feeds no signal (listed as "not mapped"); a signal fed by no
category stays denied. A site that wants anything else sets ``consentMode.map`` itself.

API
---
``derive(categories) -> {"map": {signal: [id]}, "guessed": [[id, [signal]]], "unmapped": [id]}``
    ``categories`` is the raw list of the configuration (anything: items that are not objects
    with a string id are skipped, the validator reports them). Every signal is a key of
    ``map``. Total.
"""

from .codes import SIGNALS

# purpose words -> signals; a table of strings split at import (no big literals in the bundle)
PURPOSES = [
    ["necessary security", "security_storage"],
    ["analytics analytic statistics stats performance measurement", "analytics_storage"],
    ["ads ad advertising advertisement marketing targeting remarketing retargeting",
     "ad_storage ad_user_data ad_personalization"],
    ["functionality functional preferences personalization personalisation",
     "functionality_storage personalization_storage"],
]


def _words(cid):
    return cid.replace("_", "-").split("-")


def signals_for(cid):
    """The signals the rule gives the category ``cid`` (a str), in ``SIGNALS`` order."""
    found = []
    words = _words(cid)
    for row in PURPOSES:
        names = row[0].split(" ")
        for w in words:
            if w in names:
                for s in row[1].split(" "):
                    if s not in found:
                        found.append(s)
                break
    out = []
    for s in SIGNALS:
        if s in found:
            out.append(s)
    return out


def derive(categories):
    """The derived map, what was guessed and what stays unmapped. See the module docstring."""
    mp = {}
    for s in SIGNALS:
        mp[s] = []
    guessed = []
    unmapped = []
    if not isinstance(categories, list):
        return {"map": mp, "guessed": guessed, "unmapped": unmapped}
    for item in categories:
        if not isinstance(item, dict):
            continue
        cid = item.get("id")
        if not isinstance(cid, str) or cid == "" or len(cid) > 40:
            continue
        sigs = signals_for(cid)
        if len(sigs) == 0:
            if cid not in unmapped:
                unmapped.append(cid)
            continue
        added = False
        for s in sigs:
            if cid not in mp[s]:
                mp[s].append(cid)
                added = True
        if added:
            guessed.append([cid, sigs])
    return {"map": mp, "guessed": guessed, "unmapped": unmapped}
