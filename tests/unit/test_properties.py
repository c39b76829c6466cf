"""Property-based tests (hypothesis): the reader and the validator are total, the reader never
grants what its input does not grant, encode/decode round-trips, and a category is only ever
allowed by its basis or an explicit choice."""
import copy
import re
import time

from conftest import load_default_raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consentry.engine import config, i18n, policy, record, region, transitions

RAW = load_default_raw()
CFG = config.validate(RAW)["config"]
NOW = 1750000000000
DAY = 86400000
SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- strategies

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
consent_ids = st.from_regex(r"[A-Za-z0-9_-]{8,64}", fullmatch=True)
# any character, with lone surrogates (category Cs) mixed in on purpose
all_chars = st.one_of(st.characters(), st.characters(categories=["Cs"]))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                         st.text(all_chars, max_size=30))
json_like = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(st.text(all_chars, max_size=12),
                                                      st.sampled_from(config.TOP_KEYS +
                                                                      config.CATEGORY_KEYS)),
                                            inner, max_size=5)),
    max_leaves=40)
python_values = st.one_of(json_like, st.binary(max_size=20), st.tuples(st.integers()),
                          st.sets(st.integers(), max_size=3), st.just(object()),
                          st.just(float("nan")), st.just(float("inf")))


def _valid_record(draw_cats, svcs, given, days, cid, method, mode, gpc):
    return {"v": 1, "id": cid, "revision": 1, "givenAt": given,
            "expiresAt": given + days * DAY, "method": method, "mode": mode, "gpc": gpc,
            "categories": draw_cats, "services": svcs}


@st.composite
def default_records(draw):
    cats = {}
    svcs = {}
    for cat in CFG["categories"]:
        cid = cat["id"]
        on = True if cat["basis"] == "necessary" else draw(st.booleans())
        cats[cid] = on
        svcs[cid] = {}
        for s in cat["services"]:
            svcs[cid][s["id"]] = (draw(st.booleans()) if on else False)
    given = draw(st.integers(NOW - 395 * DAY + 1, NOW + 5 * 60000))
    min_days = (NOW - given) // DAY + 1
    days = draw(st.integers(max(1, min_days), 395))
    return _valid_record(cats, svcs, given, days, draw(consent_ids),
                         draw(st.sampled_from(record.METHODS)),
                         draw(st.sampled_from(record.MODES)), draw(st.booleans()))


CHARS = record.VALUE_CHARS + ",; \"\\%=\x00\ud800é"


@st.composite
def mutated_values(draw):
    value = record.encode(draw(default_records()))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(value)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "swapflag"]))
        c = draw(st.sampled_from(CHARS))
        if op == "insert":
            value = value[:i] + c + value[i:]
        elif op == "delete":
            value = value[:i] + value[i + 1:]
        elif op == "replace":
            value = value[:i] + c + value[i + 1:]
        else:
            value = value.replace("N", "Y", 1) if "N" in value else value
    return value


cookie_values = st.one_of(mutated_values(), st.text(st.sampled_from(CHARS), max_size=200),
                          st.text(all_chars, max_size=60),
                          default_records().map(record.encode))


def literal_grants(value):
    """{category: set of services} that the raw text literally marks as granted."""
    grants = {}
    decisions = value.split(".")[-1]
    for group in decisions.split("~"):
        tokens = re.findall(r"([a-z][a-z0-9_-]*)([YN])", group)
        if not tokens or not group.startswith(tokens[0][0] + tokens[0][1]):
            continue
        if tokens[0][1] == "Y":
            grants[tokens[0][0]] = set(t for t, f in tokens[1:] if f == "Y")
    return grants


# ---------------------------------------------------------------- the reader

@SETTINGS
@given(cookie_values, st.integers(0, 2 ** 53))
def test_reader_never_raises_and_never_grants_what_input_does_not(value, now):
    rec, reason = record._decode(value, CFG, now)  # the unguarded reader: must not raise
    assert isinstance(reason, str)
    if rec is None:
        assert reason != "ok"
        return
    assert reason == "ok"
    grants = literal_grants(value)
    for cid, on in rec["categories"].items():
        if on:
            assert cid in grants
    for cid, m in rec["services"].items():
        for sid, on in m.items():
            if on:
                assert sid in grants[cid]


@SETTINGS
@given(python_values, python_values, python_values)
def test_reader_is_total_on_any_python_values(value, cfg, now):
    rec, reason = record._decode(value, cfg, now)
    assert rec is None and isinstance(reason, str)
    rec, reason = record.decode(value, CFG, now)
    assert reason != "internal-error"
    assert record.read(value, CFG, now)[1] != "internal-error"
    assert policy.allowed(value, cfg) is False or isinstance(value, dict)


@SETTINGS
@given(default_records())
def test_encode_decode_round_trip(rec):
    value = record.encode(rec)
    assert len(value) <= 4096
    assert all(c in record.VALUE_CHARS for c in value)
    back, reason = record.decode(value, CFG, NOW)
    assert reason == "ok"
    assert back == rec


@SETTINGS
@given(st.lists(st.tuples(ids, st.lists(ids, max_size=6, unique=True)), max_size=20,
                unique_by=lambda t: t[0]), st.data())
def test_round_trip_with_generated_configs(cats, data):
    raw = copy.deepcopy(RAW)
    seen = set()
    extra = []
    for cid, svcs in cats:
        if cid in ("necessary", "functionality", "analytics", "targeting", "site-analytics"):
            continue
        svcs = [s for s in svcs if s not in seen and s != "ga"]
        seen.update(svcs)
        extra.append({"id": cid, "basis": data.draw(st.sampled_from(config.BASES[1:])),
                      "services": [{"id": s} for s in svcs]})
    raw["categories"] = raw["categories"] + extra
    out = config.validate(raw)
    assert out["errors"] == []
    cfg = out["config"]
    state = policy.decide(cfg, None, data.draw(st.sampled_from(["FR", "US", None])), False, NOW)
    decisions = {}
    for c in cfg["categories"]:
        decisions[c["id"]] = data.draw(st.booleans())
        for s in c["services"]:
            decisions[c["id"] + "/" + s["id"]] = data.draw(st.booleans())
    res = transitions.apply_choice(cfg, state, "custom", decisions, NOW, "abcdefgh", False)
    back, reason = record.decode(res["value"], cfg, NOW + 1000)
    assert reason == "ok" and back == res["record"]


# ---------------------------------------------------------------- the validator

@SETTINGS
@given(json_like)
def test_validator_never_raises_on_json_like_trees(raw):
    out = config.validate(raw)
    assert set(out) == {"config", "errors", "warnings"}
    assert (out["config"] is None) == (len(out["errors"]) > 0)
    for issue in out["errors"] + out["warnings"]:
        assert isinstance(issue["path"], str) and issue["path"].startswith("$")
        assert isinstance(issue["message"], str) and issue["message"]


PATHS = [[], ["cookie"], ["mode"], ["categories"], ["categories", 2],
         ["categories", 2, "services"], ["categories", 2, "services", 0],
         ["consentMode"], ["consentMode", "map"], ["translations"], ["translations", "fr"],
         ["translations", "fr", "banner"], ["ui"], ["log"], ["language"]]


@SETTINGS
@given(st.sampled_from(PATHS), st.one_of(st.text(all_chars, max_size=12),
                                         st.sampled_from(config.TOP_KEYS + config.UI_KEYS +
                                                         config.COOKIE_KEYS + ["id", "banner"])),
       python_values)
def test_validator_never_raises_on_mutated_default_config(path, key, junk):
    raw = copy.deepcopy(RAW)
    cur = raw
    for k in path:
        cur = cur[k]
    if isinstance(cur, dict):
        cur[key] = junk
    else:
        cur.append(junk)
    out = config.validate(raw)
    assert (out["config"] is None) == (len(out["errors"]) > 0)
    merged = config.load(RAW, {key: junk})
    assert merged["config"] is not None


def test_validator_survives_deep_nesting_everywhere():
    deep_list = []
    cur = deep_list
    for _ in range(100000):
        nxt = []
        cur.append(nxt)
        cur = nxt
    deep_dict = {}
    cur = deep_dict
    for _ in range(100000):
        cur["categories"] = {}
        cur = cur["categories"]
    for junk in (deep_list, deep_dict):
        for path in PATHS:
            raw = copy.deepcopy(RAW) if path else {}
            cur = raw
            for k in path:
                cur = cur[k]
            if isinstance(cur, dict):
                cur["id" if "id" in cur else "title" if "title" in cur else "categories"] = junk
            else:
                cur.append(junk)
            out = config.validate(raw)
            assert (out["config"] is None) == (len(out["errors"]) > 0)
            if junk is deep_list:
                assert out["config"] is None
        assert config.load(RAW, junk)["config"] is not None
        assert config.merge(junk, junk) is not None


# ---------------------------------------------------------------- policy

def _justified(cfg, before, after, method, decisions, gpc):
    """A category may be on after a choice only by its basis, an explicit grant, or because
    it was already on and the method keeps unnamed categories."""
    for cat in cfg["categories"]:
        cid = cat["id"]
        if not after["categories"][cid]:
            continue
        if cat["basis"] == "necessary" or method == "all":
            continue
        if method in ("custom", "api"):
            d = decisions or {}
            if d.get(cid) is True:
                continue
            if any(d.get(cid + "/" + s["id"]) is True for s in cat["services"]) and \
                    d.get(cid) is not False:
                continue
            if before["categories"][cid] and d.get(cid) is not False:
                continue
        if method == "gpc" and before["categories"][cid] and not cat["saleOrShare"]:
            continue
        return cid
    return None


decision_maps = st.dictionaries(
    st.sampled_from([c["id"] for c in CFG["categories"]] + ["analytics/ga", "nope", 3]),
    st.one_of(st.booleans(), st.none(), st.integers(0, 1)), max_size=6)


@SETTINGS
@given(st.one_of(st.none(), default_records()), st.sampled_from(["FR", "US", "JP", None, "x"]),
       st.booleans(), st.booleans(),
       st.lists(st.tuples(st.sampled_from(record.METHODS), decision_maps), max_size=4))
def test_categories_only_allowed_by_basis_or_explicit_choice(rec, hint, gpc, honour, steps):
    raw = copy.deepcopy(RAW)
    raw["gpc"] = honour
    cfg = config.validate(raw)["config"]
    state = policy.decide(cfg, rec, hint, gpc, NOW)
    gpc_on = gpc and honour
    for cat in cfg["categories"]:
        cid = cat["id"]
        on = state["categories"][cid]
        if cat["basis"] == "necessary":
            assert on
        elif state["record"] is not None:
            assert on == (state["record"]["categories"][cid] and
                          not (gpc_on and cat["saleOrShare"] and not state["record"]["gpc"]))
        elif cat["basis"] == "legitimate-interest":
            assert on
        else:
            assert on == (state["mode"] == "opt-out" and not (gpc_on and cat["saleOrShare"]))
        for sid, son in state["services"][cid].items():
            assert not son or on
    assert state["showBanner"] == (state["record"] is None)
    for method, decisions in steps:
        res = transitions.apply_choice(cfg, state, method, decisions, NOW, "consent-id-1", gpc)
        assert _justified(cfg, state, res["state"], method, decisions, gpc) is None
        for cid, m in res["state"]["services"].items():
            for sid, son in m.items():
                assert not son or res["state"]["categories"][cid]
        flips = [p for n, p in res["events"] if n.startswith("category-")]
        assert flips == [c["id"] for c in cfg["categories"]
                         if state["categories"][c["id"]] != res["state"]["categories"][c["id"]]]
        state = res["state"]


# ---------------------------------------------------------------- bounded time

def _timed(fn, *args):
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def test_bounded_time_on_one_megabyte_strings():
    mb = "a" * (1 << 20)
    mb_mixed = ("1.abcdefgh.1.0.0.ai0.necessaryY~" * 40000)[: 1 << 20]
    raw = copy.deepcopy(RAW)
    raw["ui"]["noticeUrl"] = "https://x/" + mb
    raw["cookie"]["name"] = mb
    raw["translations"]["fr"]["banner"]["title"] = mb
    raw["categories"][2]["id"] = mb
    raw[mb] = mb
    budget = 2.0  # seconds; generous on a loaded CI machine, real cost is milliseconds
    assert _timed(config.validate, raw) < budget
    assert _timed(record.decode, mb, CFG, NOW) < budget
    assert _timed(record.decode, mb_mixed, CFG, NOW) < budget
    assert _timed(record.read, ("consentry=" + mb_mixed + "; ") * 4, CFG, NOW) < budget
    assert _timed(region.resolve, CFG, mb, mb) < budget
    assert _timed(i18n.pick_language, CFG, mb, [mb] * 1000) < budget
    assert _timed(transitions.apply_choice, CFG, policy.decide(CFG, None, "FR", False, NOW),
                  "api", {mb: True, "analytics/" + mb: True}, NOW, "abcdefgh", False) < budget
    assert config.validate(raw)["config"] is None


def test_bounded_time_on_many_keys():
    raw = copy.deepcopy(RAW)
    for i in range(20000):
        raw["k%d" % i] = i
    raw["categories"] = raw["categories"] + [{"id": "x%d" % i} for i in range(5000)]
    assert _timed(config.validate, raw) < 2.0
    out = config.validate(raw)
    assert len(out["errors"]) <= config.MAX_ISSUES + 1


def test_hypothesis_includes_surrogates():
    # guard: the character strategy really produces lone surrogates
    found = []

    @settings(max_examples=500, deadline=None)
    @given(st.text(all_chars, min_size=1, max_size=5))
    def probe(s):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in s):
            found.append(s)

    probe()
    assert found
