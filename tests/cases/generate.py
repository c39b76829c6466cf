"""Writes the shared case tables (record_decode.json, policy.json, transitions.json).

Run: python tests/cases/generate.py. The expected values are written here BY HAND; only the
cookie strings are assembled (with an independent base-36 helper, not the engine's encoder).
Each table is a list of {"name", "inputs", "expected"}; tests/unit/test_cases.py runs them in
CPython and the browser parity test runs the same files in the compiled bundle.

Common inputs: "override" is merged over sdk/consentry/data/default-config.json with
config.load (null = none); "now" is ms since the epoch.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
NOW = 1750000000000
DAY = 86400000
GIVEN = NOW - DAY
EXPIRES = GIVEN + 182 * DAY
ID = "k3J9_x-7qP2mZ8aB"
ALL = {"necessary": True, "functionality": True, "analytics": True, "targeting": True,
       "site-analytics": True}
NECESSARY = {"necessary": True, "functionality": False, "analytics": False, "targeting": False,
             "site-analytics": False}
OPT_IN_DEFAULT = {"necessary": True, "functionality": True, "analytics": False,
                  "targeting": False, "site-analytics": False}
OPT_OUT_DEFAULT = {"necessary": True, "functionality": True, "analytics": True,
                   "targeting": True, "site-analytics": True}


def b36(n):
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while n:
        out = digits[n % 36] + out
        n //= 36
    return out or "0"


def cookie(decisions="necessaryY~functionalityY~analyticsYgaY~targetingY~site-analyticsY",
           version="1", cid=ID, rev="1", given=GIVEN, expires=EXPIRES, flags="ai0"):
    g = given if isinstance(given, str) else b36(given)
    e = expires if isinstance(expires, str) else b36(expires)
    return ".".join([version, cid, rev, g, e, flags, decisions])


VALID = cookie()
NEC = cookie("necessaryY~functionalityN~analyticsNgaN~targetingN~site-analyticsN", flags="ni0")


def dec(name, value, reason, categories=None, override=None, now=NOW, extra=None):
    exp = {"reason": reason, "categories": categories}
    if extra:
        exp.update(extra)
    return {"name": name, "inputs": {"value": value, "now": now, "override": override},
            "expected": exp}


record_cases = [
    dec("valid accept all", VALID, "ok", ALL,
        extra={"services": {"necessary": {}, "functionality": {}, "analytics": {"ga": True},
                            "targeting": {}, "site-analytics": {}},
               "method": "all", "mode": "opt-in", "gpc": False, "id": ID, "revision": 1,
               "givenAt": GIVEN, "expiresAt": EXPIRES}),
    dec("valid necessary only", NEC, "ok", NECESSARY, extra={"method": "necessary"}),
    dec("valid custom, service refused inside an accepted category",
        cookie("necessaryY~functionalityY~analyticsYgaN~targetingN~site-analyticsY", flags="co1"),
        "ok", {"necessary": True, "functionality": True, "analytics": True, "targeting": False,
               "site-analytics": True},
        extra={"services": {"necessary": {}, "functionality": {}, "analytics": {"ga": False},
                            "targeting": {}, "site-analytics": {}},
               "method": "custom", "mode": "opt-out", "gpc": True}),
    dec("categories in another order", cookie(
        "targetingN~site-analyticsN~analyticsNgaN~functionalityN~necessaryY", flags="ni0"),
        "ok", NECESSARY),
    dec("every method code", cookie(flags="pi0"), "ok", ALL, extra={"method": "api"}),
    dec("dismiss code", cookie(
        "necessaryY~functionalityN~analyticsNgaN~targetingN~site-analyticsN", flags="di0"),
        "ok", NECESSARY, extra={"method": "dismiss"}),
    dec("gpc code", cookie(
        "necessaryY~functionalityY~analyticsYgaY~targetingN~site-analyticsY", flags="go1"),
        "ok", {"necessary": True, "functionality": True, "analytics": True, "targeting": False,
               "site-analytics": True}, extra={"method": "gpc", "gpc": True}),
    dec("empty", "", "empty"),
    dec("not our format", "hello", "bad-format"),
    dec("truncated JSON", '{"v":1,"cat', "bad-encoding"),
    dec("bad percent encoding", "%E0%A4%A", "bad-encoding"),
    dec("lone percent", "%", "bad-encoding"),
    dec("lone surrogate", "\ud800", "bad-encoding"),
    dec("lone surrogate inside a valid value", VALID[:10] + "\udc00" + VALID[10:],
        "bad-encoding"),
    dec("JSON array", "[]", "bad-encoding"),
    dec("JSON null", "null", "bad-format"),
    dec("1500-deep nesting", "[" * 1500 + "]" * 1500, "bad-encoding"),
    dec("percent-encoded valid value", VALID.replace(".", "%2E"), "bad-encoding"),
    dec("padded with spaces", " " + VALID + " ", "bad-encoding"),
    dec("quoted", '"' + VALID + '"', "bad-encoding"),
    dec("comma inside", VALID.replace("~", ",", 1), "bad-encoding"),
    dec("semicolon inside", VALID + ";x=1", "bad-encoding"),
    dec("only a version", "1", "bad-format"),
    dec("unknown version", cookie(version="2"), "unknown-version"),
    dec("version zero-padded", cookie(version="01"), "bad-format"),
    dec("trailing field", VALID + ".x", "bad-format"),
    dec("missing field", VALID.rsplit(".", 1)[0], "bad-format"),
    dec("trailing group separator", VALID + "~", "bad-decisions"),
    dec("trailing id without a flag", VALID + "x", "bad-decisions"),
    dec("unknown flag letter", cookie(
        "necessaryQ~functionalityY~analyticsYgaY~targetingY~site-analyticsY"), "bad-decisions"),
    dec("flag without id", cookie(
        "Y~necessaryY~functionalityY~analyticsYgaY~targetingY~site-analyticsY"),
        "bad-decisions"),
    dec("id starting with a digit", cookie(
        "necessaryY~functionalityY~analyticsYgaY~targetingY~site-analyticsY~9xY"),
        "bad-decisions"),
    dec("duplicated category", cookie(
        "necessaryY~functionalityY~analyticsYgaY~targetingY~site-analyticsY~analyticsN"),
        "duplicate"),
    dec("duplicated service", cookie(
        "necessaryY~functionalityY~analyticsYgaYgaN~targetingY~site-analyticsY"), "duplicate"),
    dec("service on while its category is off", cookie(
        "necessaryY~functionalityY~analyticsNgaY~targetingY~site-analyticsY"), "inconsistent"),
    dec("category missing", cookie(
        "necessaryY~functionalityY~analyticsYgaY~targetingY"), "category-missing"),
    dec("service missing", cookie(
        "necessaryY~functionalityY~analyticsY~targetingY~site-analyticsY"), "service-missing"),
    dec("unknown extra category and service are ignored", cookie(
        "necessaryY~functionalityY~analyticsYgaYoldN~targetingY~site-analyticsY~retiredY"),
        "ok", ALL,
        extra={"services": {"necessary": {}, "functionality": {}, "analytics": {"ga": True},
                            "targeting": {}, "site-analytics": {}}}),
    dec("necessary refused", cookie(
        "necessaryN~functionalityY~analyticsYgaY~targetingY~site-analyticsY"),
        "necessary-refused"),
    dec("bad consent id (short)", cookie(cid="short"), "bad-id"),
    dec("bad consent id (empty)", cookie(cid=""), "bad-id"),
    dec("revision with a leading zero", cookie(rev="01"), "bad-revision"),
    dec("revision not a number", cookie(rev="x"), "bad-revision"),
    dec("time in upper case", cookie(given=b36(GIVEN).upper()), "bad-time"),
    dec("time with a leading zero", cookie(given="0" + b36(GIVEN)), "bad-time"),
    dec("time too large", cookie(expires="zzzzzzzzzzzz"), "bad-time"),
    dec("expires before given", cookie(expires=GIVEN - 1), "bad-time"),
    dec("lifetime longer than 395 days", cookie(expires=GIVEN + 400 * DAY), "bad-time"),
    dec("bad method flag", cookie(flags="xi0"), "bad-flags"),
    dec("bad mode flag", cookie(flags="ax0"), "bad-flags"),
    dec("bad gpc flag", cookie(flags="ai2"), "bad-flags"),
    dec("short flags", cookie(flags="ai"), "bad-flags"),
    dec("expired", cookie(expires=NOW - 1), "expired"),
    dec("expires exactly now", cookie(expires=NOW), "expired"),
    dec("from the future beyond the 5 minute skew", cookie(given=NOW + 5 * 60000 + 1),
        "future"),
    dec("from the future within the skew", cookie(given=NOW + 4 * 60000), "ok", ALL),
    dec("another revision", cookie(rev="2"), "revision"),
    dec("revision bumped by the page override", VALID, "revision", override={"revision": 2}),
    dec("category added without a revision bump", VALID, "category-missing",
        override={"categories": [{"id": "necessary", "basis": "necessary"},
                                 {"id": "functionality", "basis": "legitimate-interest"},
                                 {"id": "analytics", "services": [{"id": "ga"}]},
                                 {"id": "targeting", "saleOrShare": True},
                                 {"id": "site-analytics"}, {"id": "video"}]}),
    dec("category removed from the configuration", VALID, "ok",
        {"necessary": True, "analytics": True},
        override={"categories": [{"id": "necessary", "basis": "necessary"},
                                 {"id": "analytics", "services": [{"id": "ga"}]}],
                  "consentMode": {"map": {"functionality_storage": [],
                                          "personalization_storage": [],
                                          "ad_storage": [], "ad_user_data": [],
                                          "ad_personalization": []}}}),
    dec("oversize", "1." + "a" * 5000, "oversize"),
    dec("4096 characters of junk", "a" * 4096, "bad-format"),
]


def pol(name, expected, region=None, gpc=False, value=None, override=None, tz=None, now=NOW):
    return {"name": name, "inputs": {"region": region, "gpc": gpc, "value": value,
                                     "override": override, "timezone": tz, "now": now},
            "expected": expected}


def st(mode, region, source, show, reason, cats, honoured=False, services=None):
    out = {"mode": mode, "region": region, "regionSource": source, "showBanner": show,
           "reason": reason, "categories": cats, "gpcHonoured": honoured}
    if services is not None:
        out["services"] = services
    return out


US_GPC = dict(OPT_OUT_DEFAULT, targeting=False)
policy_cases = [
    pol("EEA country, no choice: opt-in, banner, consent categories off",
        st("opt-in", "FR", "attribute", True, "no-choice", OPT_IN_DEFAULT,
           services={"necessary": {}, "functionality": {}, "analytics": {"ga": False},
                     "targeting": {}, "site-analytics": {}}), region="FR"),
    pol("lower-case hint", st("opt-in", "DE", "attribute", True, "no-choice", OPT_IN_DEFAULT),
        region=" de "),
    pol("EEA hint", st("opt-in", "EEA", "attribute", True, "no-choice", OPT_IN_DEFAULT),
        region="EEA"),
    pol("Norway is EEA", st("opt-in", "NO", "attribute", True, "no-choice", OPT_IN_DEFAULT),
        region="NO"),
    pol("GB listed on its own", st("opt-in", "GB", "attribute", True, "no-choice",
                                   OPT_IN_DEFAULT), region="GB"),
    pol("US, no choice: opt-out, consent categories on, banner still shown",
        st("opt-out", "US", "attribute", True, "no-choice", OPT_OUT_DEFAULT,
           services={"necessary": {}, "functionality": {}, "analytics": {"ga": True},
                     "targeting": {}, "site-analytics": {}}), region="US"),
    pol("US state maps to US", st("opt-out", "US-CA", "attribute", True, "no-choice",
                                  OPT_OUT_DEFAULT), region="US-CA"),
    pol("US state listed itself wins over its country",
        st("opt-in", "US-CA", "attribute", True, "no-choice", OPT_IN_DEFAULT), region="us-ca",
        override={"mode": {"optInRegions": ["EEA", "US-CA"]}}),
    pol("US + GPC: sale-or-share refused without asking, signal honoured",
        st("opt-out", "US", "attribute", True, "no-choice", US_GPC, True), region="US",
        gpc=True),
    pol("US + GPC ignored when the config turns GPC off",
        st("opt-out", "US", "attribute", True, "no-choice", OPT_OUT_DEFAULT, False),
        region="US", gpc=True, override={"gpc": False}),
    pol("GPC must be exactly true", st("opt-out", "US", "attribute", True, "no-choice",
                                       OPT_OUT_DEFAULT, False), region="US", gpc="true"),
    pol("EEA + GPC: nothing pre-enabled anyway, GPC still reported",
        st("opt-in", "FR", "attribute", True, "no-choice", OPT_IN_DEFAULT, True),
        region="FR", gpc=True),
    pol("opt-out banner can be turned off",
        st("opt-out", "US", "attribute", False, "no-choice", OPT_OUT_DEFAULT),
        region="US", override={"mode": {"bannerInOptOut": False}}),
    pol("unlisted country: mode.default",
        st("opt-in", "JP", "attribute", True, "no-choice", OPT_IN_DEFAULT), region="JP"),
    pol("unlisted country with an opt-out default",
        st("opt-out", "JP", "attribute", True, "no-choice", OPT_OUT_DEFAULT), region="JP",
        override={"mode": {"default": "opt-out"}}),
    pol("no hint, no time zone: mode.default",
        st("opt-in", None, "default", True, "no-choice", OPT_IN_DEFAULT)),
    pol("time zone guess (EEA)",
        st("opt-in", "FR", "timezone", True, "no-choice", OPT_IN_DEFAULT),
        tz="Europe/Paris"),
    pol("time zone guess (US)",
        st("opt-out", "US", "timezone", True, "no-choice", OPT_OUT_DEFAULT),
        tz="America/Los_Angeles"),
    pol("time zone guess disabled",
        st("opt-in", None, "default", True, "no-choice", OPT_IN_DEFAULT),
        tz="America/New_York", override={"mode": {"detect": ["attribute"]}}),
    pol("hint ignored when attribute detection is off",
        st("opt-in", "FR", "timezone", True, "no-choice", OPT_IN_DEFAULT), region="US",
        tz="Europe/Paris", override={"mode": {"detect": ["timezone"]}}),
    pol("malformed hint falls back to the time zone",
        st("opt-out", "US", "timezone", True, "no-choice", OPT_OUT_DEFAULT),
        region="<script>", tz="America/Chicago"),
    pol("unknown time zone",
        st("opt-in", None, "default", True, "no-choice", OPT_IN_DEFAULT), tz="Mars/Olympus"),
    pol("hint wins over the time zone",
        st("opt-in", "FR", "attribute", True, "no-choice", OPT_IN_DEFAULT), region="FR",
        tz="America/Chicago"),
    pol("valid choice: no banner, decisions apply",
        st("opt-in", "FR", "attribute", False, "choice", ALL), region="FR", value=VALID),
    pol("valid reject in opt-out: explicit refusal wins",
        st("opt-out", "US", "attribute", False, "choice", NECESSARY), region="US", value=NEC),
    pol("choice made before GPC does not override the signal",
        st("opt-out", "US", "attribute", False, "choice", dict(ALL, targeting=False), True),
        region="US", gpc=True, value=VALID),
    pol("choice made with GPC on accepting targeting wins (explicit later choice)",
        st("opt-out", "US", "attribute", False, "choice", ALL, False), region="US", gpc=True,
        value=cookie(flags="ao1")),
    pol("service refused inside an accepted category",
        st("opt-in", "FR", "attribute", False, "choice", ALL,
           services={"necessary": {}, "functionality": {}, "analytics": {"ga": False},
                     "targeting": {}, "site-analytics": {}}),
        region="FR", value=cookie(
            "necessaryY~functionalityY~analyticsYgaN~targetingY~site-analyticsY", flags="ci0")),
    pol("expired choice: ask again, nothing granted",
        st("opt-in", "FR", "attribute", True, "expired", OPT_IN_DEFAULT), region="FR",
        value=cookie(expires=NOW - 1)),
    pol("future-dated choice: ask again",
        st("opt-in", "FR", "attribute", True, "future", OPT_IN_DEFAULT), region="FR",
        value=cookie(given=NOW + 3600000)),
    pol("revision bump: ask again",
        st("opt-in", "FR", "attribute", True, "revision", OPT_IN_DEFAULT), region="FR",
        value=VALID, override={"revision": 7}),
    pol("garbage cookie: ask again",
        st("opt-in", "FR", "attribute", True, "bad-format", OPT_IN_DEFAULT), region="FR",
        value="hello"),
    pol("garbage cookie in opt-out: defaults of the mode, banner",
        st("opt-out", "US", "attribute", True, "bad-encoding", OPT_OUT_DEFAULT), region="US",
        value="%"),
]


def tr(name, steps, expected, region="FR", gpc=False, value=None, override=None):
    return {"name": name, "inputs": {"region": region, "gpc": gpc, "value": value,
                                     "override": override, "now": NOW, "steps": steps},
            "expected": expected}


def step(method, decisions=None, consent_id="fresh-id-0001"):
    return {"method": method, "decisions": decisions, "consentId": consent_id}


def out(events, categories, method, changed=None, ignored=None, expires_days=182, cid=None,
        value=None):
    o = {"events": events, "categories": categories, "method": method,
         "changed": changed or {}, "ignored": ignored or [], "expiresDays": expires_days}
    if cid:
        o["id"] = cid
    if value:
        o["value"] = value
    return o


transition_cases = [
    tr("first accept all in opt-in", [step("all")], [out(
        ["first-consent", "consent", "category-accept:analytics", "category-accept:targeting",
         "category-accept:site-analytics"], ALL, "all", cid="fresh-id-0001",
        value="1.fresh-id-0001.1." + b36(NOW) + "." + b36(NOW + 182 * DAY) +
              ".ai0.necessaryY~functionalityY~analyticsYgaY~targetingY~site-analyticsY")]),
    tr("first reject all in opt-in objects to legitimate interest",
       [step("necessary")], [out(["first-consent", "consent", "category-reject:functionality"],
                                 NECESSARY, "necessary")]),
    tr("dismiss records necessary only", [step("dismiss")],
       [out(["first-consent", "consent", "category-reject:functionality"], NECESSARY,
            "dismiss")]),
    tr("first custom choice: unnamed categories keep their state",
       [step("custom", {"analytics": True})],
       [out(["first-consent", "consent", "category-accept:analytics"],
            dict(OPT_IN_DEFAULT, analytics=True), "custom")]),
    tr("then a change fires change with the changed categories, keeps the id",
       [step("all", None, "first-id-0001"), step("custom", {"targeting": False,
                                                           "analytics": True}, "second-id-001")],
       [out(["first-consent", "consent", "category-accept:analytics",
             "category-accept:targeting", "category-accept:site-analytics"], ALL, "all",
            cid="first-id-0001"),
        out(["change", "category-reject:targeting"], dict(ALL, targeting=False),
            "custom", changed={"targeting": False}, cid="first-id-0001")]),
    tr("same choice again: no event (consent fired with the first choice)",
       [step("all"), step("all")],
       [out(["first-consent", "consent", "category-accept:analytics",
             "category-accept:targeting", "category-accept:site-analytics"], ALL, "all"),
        out([], ALL, "all")]),
    tr("withdrawal in opt-out from the defaults",
       [step("necessary")],
       [out(["first-consent", "consent", "category-reject:functionality",
             "category-reject:analytics", "category-reject:targeting",
             "category-reject:site-analytics"], NECESSARY, "necessary")], region="US"),
    tr("api update with junk is ignored, never raises",
       [step("api", {"analytics": "yes", "necessary": False, "nope": True, "targeting": 1,
                     "site-analytics": True, "analytics/zz": True})],
       [out(["first-consent", "consent", "category-accept:site-analytics"],
            dict(OPT_IN_DEFAULT, **{"site-analytics": True}), "api",
            ignored=["analytics", "necessary", "nope", "targeting", "analytics/zz"])]),
    tr("granting a service turns its category on",
       [step("custom", {"analytics/ga": True})],
       [out(["first-consent", "consent", "category-accept:analytics"],
            dict(OPT_IN_DEFAULT, analytics=True), "custom")]),
    tr("gpc method refuses sale-or-share and keeps the rest",
       [step("gpc")], [out(["first-consent", "consent", "category-reject:targeting"],
                           dict(OPT_OUT_DEFAULT, targeting=False), "gpc")], region="US"),
    tr("accept all with GPC on is an explicit choice that wins",
       [step("all")], [out(["first-consent", "consent", "category-accept:targeting"],
                           ALL, "all")], region="US", gpc=True),
    tr("change of an existing valid cookie",
       [step("necessary")], [out(["change", "category-reject:functionality",
                                  "category-reject:analytics", "category-reject:targeting",
                                  "category-reject:site-analytics"], NECESSARY, "necessary",
                                 changed={"functionality": False, "analytics": False,
                                          "targeting": False, "site-analytics": False},
                                 cid=ID)], value=VALID),
    tr("expired cookie: the next choice is a first choice",
       [step("necessary")], [out(["first-consent", "consent",
                                  "category-reject:functionality"], NECESSARY, "necessary",
                                 cid="fresh-id-0001")], value=cookie(expires=NOW - 1)),
    tr("reject uses rejectDays, accept acceptDays",
       [step("necessary"), step("all")],
       [out(["first-consent", "consent", "category-reject:functionality"], NECESSARY,
            "necessary", expires_days=30),
        out(["change", "category-accept:functionality", "category-accept:analytics",
             "category-accept:targeting", "category-accept:site-analytics"], ALL, "all",
            changed={"functionality": True, "analytics": True, "targeting": True,
                     "site-analytics": True}, expires_days=395)],
       override={"cookie": {"rejectDays": 30, "acceptDays": 900}}),
]

for fname, table in (("record_decode.json", record_cases), ("policy.json", policy_cases),
                     ("transitions.json", transition_cases)):
    names = [c["name"] for c in table]
    assert len(names) == len(set(names)), fname
    with open(os.path.join(HERE, fname), "w", encoding="utf-8") as f:
        json.dump(table, f, indent=1, ensure_ascii=True)
        f.write("\n")
    print(fname, len(table))
