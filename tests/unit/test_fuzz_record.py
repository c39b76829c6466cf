"""Fuzzing the cookie reader: record.parse/decode/read and the server reader.

Bigger budgets than tests/unit/test_properties.py and different inputs: mutations of VALID cookie
values (the interesting neighbourhood), whole Cookie headers with duplicates and junk, and
1 MB inputs. Oracles: never an unhandled exception; a decoded record never grants a category or
service that the input string did not literally mark "Y" for that exact id; the newest valid
duplicate wins; bounded time.
"""

import re
import time

from conftest import load_default_raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consentry import server
from consentry.engine import config, record

CFG = config.validate(load_default_raw())["config"]
NOW = 1750000000000
DAY = 86400000
BIG = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
MEDIUM = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))


def valid_value(grants, given=NOW - DAY, cid="fuzzconsentid001"):
    cats, svcs = {}, {}
    for c in CFG["categories"]:
        on = c["basis"] == "necessary" or c["id"] in grants
        cats[c["id"]] = on
        svcs[c["id"]] = {s["id"]: on for s in c["services"]}
    rec = {"v": 1, "id": cid, "revision": CFG["revision"], "givenAt": given, "expiresAt": given + 30 * DAY,
           "method": "custom", "mode": "opt-in", "gpc": False, "categories": cats, "services": svcs}
    return record.encode(rec)


BASE = [valid_value(g) for g in ((), ("analytics",), ("targeting", "site-analytics"), ("analytics", "targeting"))]
ALPHABET = "Aa0.~-_YNyn%;=,\" \t\x00\u00e9\ud800" + "".join(chr(c) for c in range(33, 127, 7))


@st.composite
def mutated(draw):
    """A valid value with a few edits: insert, delete, replace, duplicate or swap segments."""
    v = draw(st.sampled_from(BASE))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["ins", "del", "rep", "dup", "swap", "case"]))
        i = draw(st.integers(0, len(v)))
        if op == "ins":
            v = v[:i] + draw(st.text(st.sampled_from(ALPHABET), min_size=1, max_size=4)) + v[i:]
        elif op == "del" and v:
            j = draw(st.integers(i, min(len(v), i + 8)))
            v = v[:i] + v[j:]
        elif op == "rep" and i < len(v):
            v = v[:i] + draw(st.sampled_from(ALPHABET)) + v[i + 1:]
        elif op == "dup":
            parts = v.split(".")
            k = draw(st.integers(0, len(parts) - 1))
            parts.insert(k, parts[k])
            v = ".".join(parts)
        elif op == "swap":
            parts = v.split("~")
            if len(parts) > 1:
                a, b = draw(st.integers(0, len(parts) - 1)), draw(st.integers(0, len(parts) - 1))
                parts[a], parts[b] = parts[b], parts[a]
            v = "~".join(parts)
        elif op == "case" and i < len(v):
            v = v[:i] + v[i].swapcase() + v[i + 1:]
    return v


def literal_grants(value):
    """Independent oracle: {category: granted, (category, service): granted} as literally written."""
    out = {}
    try:
        groups = value.split(".")[6].split("~")
    except IndexError:
        return out
    for g in groups:
        toks = re.findall(r"([a-z][a-z0-9_-]*)([YN])", g)
        if not toks:
            continue
        cat = toks[0][0]
        out[cat] = toks[0][1] == "Y"
        for sid, flag in toks[1:]:
            out[(cat, sid)] = flag == "Y"
    return out


def assert_no_invented_grant(rec, value):
    lit = literal_grants(value)
    for cat, on in rec["categories"].items():
        if on:
            assert lit.get(cat) is True, (cat, value)
    for cat, m in rec["services"].items():
        for sid, on in m.items():
            if on:
                assert lit.get((cat, sid)) is True and rec["categories"][cat] is True, (cat, sid, value)


@BIG
@given(mutated(), st.integers(NOW - 40 * DAY, NOW + 40 * DAY))
def test_mutated_values_never_raise_or_invent_a_grant(value, now):
    rec, reason = record.decode(value, CFG, now)
    assert isinstance(reason, str) and reason != "internal-error", (reason, value)
    if rec is None:
        return
    assert reason == "ok"
    assert_no_invented_grant(rec, value)
    # a valid record re-encodes to a value the reader agrees with
    again, why = record.decode(record.encode(rec), CFG, now)
    assert why == "ok" and again["categories"] == rec["categories"]


cookie_names = st.sampled_from(["consentry", "Consentry", "consentry ", " consentry", "consentry2", "x", "", "consentry\t"])
junk_values = st.one_of(mutated(), st.sampled_from(BASE), st.text(st.sampled_from(ALPHABET), max_size=40))


@BIG
@given(st.lists(st.tuples(cookie_names, st.sampled_from(["=", "==", "", "= "]), junk_values), max_size=12),
       st.sampled_from(["; ", ";", " ;", ";;", "\n"]))
def test_whole_headers_never_raise_and_pick_a_literal_choice(cookies, sep):
    header = sep.join(n + eq + v for n, eq, v in cookies)
    rec, reason = record.read(header, CFG, NOW)
    assert reason != "internal-error"
    if rec is not None:
        candidates = record.cookie_values(header, "consentry")
        ok = [v for v in candidates if record.decode(v, CFG, NOW)[0] is not None]
        assert ok, header
        best = max((record.decode(v, CFG, NOW)[0] for v in ok), key=lambda r: r["givenAt"])
        assert rec["givenAt"] == best["givenAt"] and rec["categories"] == best["categories"]
        assert any(record.decode(v, CFG, NOW)[0]["id"] == rec["id"] for v in ok)


@MEDIUM
@given(st.permutations([valid_value(("analytics",), given=NOW - 3 * DAY, cid="olderolderolder1"),
                        valid_value((), given=NOW - DAY, cid="newernewernewer1"),
                        "garbage", "1.x.1", valid_value(("targeting",), given=NOW - 2 * DAY, cid="middlemiddle0001")]))
def test_newest_valid_duplicate_wins_in_any_order(values):
    header = "; ".join("consentry=" + v for v in values)
    rec, reason = record.read(header, CFG, NOW)
    assert reason == "ok" and rec["id"] == "newernewernewer1" and rec["categories"]["analytics"] is False


@MEDIUM
@given(st.one_of(st.binary(max_size=300), st.text(max_size=300), st.none(), st.integers(), st.lists(st.text(max_size=5))),
       st.sampled_from(["'; DROP TABLE consent;--", "<script>alert(1)</script>", "%00%ff", "\u202e", "${jndi:ldap://x}"]))
def test_server_reader_is_total_on_any_header(header, meta):
    for h in (header, ("consentry=" + meta) if isinstance(header, str) else header,
              (b"consentry=" + meta.encode("utf-8", "surrogatepass") + b"\xff\xfe") if isinstance(header, bytes) else header):
        rec, reason = server.read_consent(h, CFG, NOW)
        assert rec is None and isinstance(reason, str)
        state = server.consent_state(h, CFG, region="FR", now_ms=NOW)
        for c in ("analytics", "targeting", "site-analytics"):
            assert server.allowed(state, c) is False


def _timed(fn, *args):
    t = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t


def test_one_megabyte_inputs_are_bounded():
    mb = 1_000_000
    headers = [
        "consentry=" + "a" * mb,
        "consentry=" + BASE[1] + "~" * mb,
        ("consentry=" + BASE[1] + "; ") * (mb // (len(BASE[1]) + 12)),
        ";" * mb, "=" * mb, "consentry" * (mb // 9), "consentry=1." * (mb // 12),
        "consentry=1." + "Y" * mb, "consentry=1.aaaaaaaa.1.1.1.ai0." + "aY" * (mb // 2),
        "consentry=1.aaaaaaaa.1.1.1.ai0." + "a" * mb + "Y",
    ]
    for h in headers:
        assert _timed(record.read, h, CFG, NOW) < 2.0, h[:60]
        assert _timed(server.read_consent, h.encode(), CFG, NOW) < 2.0, h[:60]
    for v in ("1." + "a" * mb, "1.a.1.1.1.ai0." + "aYbN" * (mb // 4), "9" * mb):
        assert _timed(record.parse, v) < 2.0
        assert _timed(record.decode, v, CFG, NOW) < 2.0
