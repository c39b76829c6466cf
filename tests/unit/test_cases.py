"""Runs the shared case tables of tests/cases/ in CPython.

The browser parity test runs the same tables in the compiled bundle with the same steps:

* every case: ``cfg = config.load(default_config, inputs["override"])["config"]``
  (the override must produce no override_errors);
* record_decode.json: ``rec, reason = record.decode(inputs["value"], cfg, inputs["now"])``;
  expected ``reason``, ``categories`` (``rec["categories"]`` or None) and any other listed
  record field;
* policy.json: the cookie (``inputs["value"]``, may be null) is decoded as above (reason
  "absent" when null), then ``policy.decide(cfg, rec, region, gpc, now, timezone, reason)``;
  every expected key must equal the state's value;
* transitions.json: the state as in policy.json, then for each step
  ``transitions.apply_choice(cfg, state, method, decisions, now, consentId, gpc)``; events are
  compared as names, with ``name:payload`` for category-accept / category-reject; the next step
  starts from ``result["state"]``.
"""
import pytest
from conftest import load_cases, load_default_raw

from consentry.engine import config, policy, record, transitions

DAY = 86400000


def _cfg(override):
    out = config.load(load_default_raw(), override)
    assert out["override_errors"] == []
    return out["config"]


def _state(inputs):
    cfg = _cfg(inputs["override"])
    if inputs["value"] is None:
        rec, why = None, "absent"
    else:
        rec, why = record.decode(inputs["value"], cfg, inputs["now"])
    st = policy.decide(cfg, rec, inputs["region"], inputs["gpc"], inputs["now"],
                       inputs.get("timezone"), why)
    return cfg, st


@pytest.mark.parametrize("case", load_cases("record_decode.json"), ids=lambda c: c["name"])
def test_record_decode_case(case):
    inp = case["inputs"]
    exp = case["expected"]
    cfg = _cfg(inp["override"])
    rec, reason = record.decode(inp["value"], cfg, inp["now"])
    assert reason == exp["reason"]
    assert (rec is None) == (exp["categories"] is None)
    if rec is not None:
        assert rec["categories"] == exp["categories"]
        for k in exp:
            if k not in ("reason", "categories"):
                assert rec[k] == exp[k], k
        # a valid value re-encodes canonically and decodes to the same record
        again, why = record.decode(record.encode(rec), cfg, inp["now"])
        assert why == "ok" and again == rec


@pytest.mark.parametrize("case", load_cases("policy.json"), ids=lambda c: c["name"])
def test_policy_case(case):
    cfg, st = _state(case["inputs"])
    for k, v in case["expected"].items():
        assert st[k] == v, k


@pytest.mark.parametrize("case", load_cases("transitions.json"), ids=lambda c: c["name"])
def test_transition_case(case):
    inp = case["inputs"]
    cfg, st = _state(inp)
    assert len(inp["steps"]) == len(case["expected"])
    for stp, exp in zip(inp["steps"], case["expected"]):
        res = transitions.apply_choice(cfg, st, stp["method"], stp["decisions"], inp["now"],
                                       stp["consentId"], inp["gpc"])
        names = []
        for name, payload in res["events"]:
            names.append(name + ":" + payload if name.startswith("category-") else name)
        assert names == exp["events"]
        assert res["state"]["categories"] == exp["categories"]
        assert res["record"]["method"] == exp["method"]
        assert res["changed"] == exp["changed"]
        change = [p for n, p in res["events"] if n == "change"]
        assert change == ([exp["changed"]] if exp["changed"] else [])
        assert res["ignored"] == exp["ignored"]
        rec = res["record"]
        assert rec["expiresAt"] - rec["givenAt"] == exp["expiresDays"] * DAY
        assert res["maxAge"] == exp["expiresDays"] * 86400
        if "id" in exp:
            assert rec["id"] == exp["id"]
        if "value" in exp:
            assert res["value"] == exp["value"]
        assert res["state"]["showBanner"] is False and res["state"]["reason"] == "choice"
        back, why = record.decode(res["value"], cfg, inp["now"])
        assert why == "ok" and back == rec
        st = res["state"]
