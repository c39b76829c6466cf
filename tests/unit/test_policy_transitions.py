"""Policy and transitions rules not covered by the shared case tables."""
import pytest
from conftest import load_default_raw

from consentry.engine import config, policy, record, transitions

NOW = 1750000000000
DAY = 86400000


def state(cfg, region="FR", gpc=False, rec=None):
    return policy.decide(cfg, rec, region, gpc, NOW)


def choose(cfg, st, method, decisions=None, gpc=False):
    return transitions.apply_choice(cfg, st, method, decisions, NOW, "consent-id-01", gpc)


def test_necessary_always_on_and_cannot_be_refused(cfg):
    st = state(cfg)
    for method, dec in [("necessary", None), ("custom", {"necessary": False}),
                        ("api", {"necessary": False}), ("dismiss", None), ("gpc", None)]:
        res = choose(cfg, st, method, dec)
        assert res["state"]["categories"]["necessary"] is True
        assert res["record"]["categories"]["necessary"] is True


def test_legitimate_interest_on_until_objected(cfg):
    st = state(cfg)
    assert st["categories"]["functionality"] is True
    res = choose(cfg, st, "custom", {"functionality": False})
    assert res["state"]["categories"]["functionality"] is False
    assert ["category-reject", "functionality"] in res["events"]


def test_consent_basis_by_mode(cfg):
    assert state(cfg, "FR")["categories"]["analytics"] is False
    assert state(cfg, "US")["categories"]["analytics"] is True


def test_service_follows_category_unless_explicit(cfg):
    st = state(cfg)
    res = choose(cfg, st, "custom", {"analytics": True})
    assert res["state"]["services"]["analytics"]["ga"] is True
    res = choose(cfg, res["state"], "custom", {"analytics/ga": False})
    assert res["state"]["categories"]["analytics"] is True
    assert res["state"]["services"]["analytics"]["ga"] is False
    assert res["changed"] == {} and res["changedServices"] == {"analytics": {"ga": False}}
    assert [e[0] for e in res["events"]] == ["change"]   # a change is not a second consent
    # unchanged category named again: the explicit service decision is kept
    res = choose(cfg, res["state"], "custom", {"analytics": True})
    assert res["state"]["services"]["analytics"]["ga"] is False
    # category off: services off; back on: services follow it again
    res = choose(cfg, res["state"], "custom", {"analytics": False})
    assert res["state"]["services"]["analytics"]["ga"] is False
    res = choose(cfg, res["state"], "custom", {"analytics": True})
    assert res["state"]["services"]["analytics"]["ga"] is True


def test_service_cannot_be_on_when_category_explicitly_off(cfg):
    res = choose(cfg, state(cfg), "custom", {"analytics": False, "analytics/ga": True})
    assert res["state"]["categories"]["analytics"] is False
    assert res["state"]["services"]["analytics"]["ga"] is False


def test_allowed_is_strictly_boolean(cfg):
    st = choose(cfg, state(cfg), "all")["state"]
    assert policy.allowed(st, "analytics") is True
    assert policy.allowed(st, "analytics", "ga") is True
    assert policy.allowed(st, "analytics", "nope") is False
    assert policy.allowed(st, "nope") is False
    assert policy.allowed(st, "analytics", 3) is False
    for bad in (None, 1, ["analytics"], {"x": 1}, True):
        assert policy.allowed(st, bad) is False
    assert policy.allowed(None, "analytics") is False
    assert policy.allowed({"categories": {"analytics": "yes"}}, "analytics") is False


def test_consent_mode_signals(cfg):
    st = state(cfg, "FR")
    cm = policy.consent_mode(cfg, st)
    assert set(cm) == set(config.SIGNALS)
    assert cm["security_storage"] == "granted"
    assert cm["functionality_storage"] == "granted"  # legitimate interest
    assert cm["analytics_storage"] == "denied" and cm["ad_storage"] == "denied"
    us = policy.consent_mode(cfg, state(cfg, "US", gpc=True))
    assert us["analytics_storage"] == "granted"
    assert us["ad_storage"] == us["ad_user_data"] == us["ad_personalization"] == "denied"
    raw = load_default_raw()
    raw["consentMode"]["map"]["ad_storage"] = []
    raw["consentMode"]["map"]["analytics_storage"] = ["analytics", "site-analytics"]
    c2 = config.validate(raw)["config"]
    st = choose(c2, state(c2), "custom", {"analytics": True})["state"]
    cm = policy.consent_mode(c2, st)
    assert cm["ad_storage"] == "denied"  # mapped to nothing
    assert cm["analytics_storage"] == "denied"  # every mapped category must be on


def test_banner_rules(cfg):
    assert state(cfg, "FR")["showBanner"] is True
    assert state(cfg, "US")["showBanner"] is True
    raw = load_default_raw()
    raw["mode"]["bannerInOptOut"] = False
    c2 = config.validate(raw)["config"]
    assert policy.decide(c2, None, "US", False, NOW)["showBanner"] is False
    assert policy.decide(c2, None, "FR", False, NOW)["showBanner"] is True
    res = choose(cfg, state(cfg), "necessary")
    assert res["state"]["showBanner"] is False


def test_in_memory_record_is_rechecked(cfg):
    rec = choose(cfg, state(cfg), "all")["record"]
    later = policy.decide(cfg, rec, "FR", False, rec["expiresAt"])
    assert later["record"] is None and later["reason"] == "expired"
    assert later["categories"]["analytics"] is False
    forged = dict(rec, categories=dict(rec["categories"], analytics="yes"))
    st = policy.decide(cfg, forged, "FR", False, NOW)
    assert st["record"] is None and st["categories"]["analytics"] is False


def test_record_reason_reaches_the_state(cfg):
    rec, why = record.decode("garbage", cfg, NOW)
    st = policy.decide(cfg, rec, "FR", False, NOW, None, why)
    assert st["reason"] == "bad-format"
    assert policy.decide(cfg, None, "FR", False, NOW, None, "absent")["reason"] == "no-choice"


def test_dismiss_is_never_an_acceptance(cfg):
    for region in ("FR", "US"):
        res = choose(cfg, state(cfg, region), "dismiss")
        assert res["record"]["method"] == "dismiss"
        assert [c for c, v in res["state"]["categories"].items() if v] == ["necessary"]


def test_gpc_flag_is_recorded(cfg):
    res = choose(cfg, state(cfg, "US", gpc=True), "custom", {"analytics": False}, gpc=True)
    assert res["record"]["gpc"] is True
    assert res["state"]["categories"]["targeting"] is False  # never pre-enabled, kept off
    assert res["state"]["gpcHonoured"] is True


def test_events_order_and_payloads(cfg):
    res = choose(cfg, state(cfg), "all")
    assert res["events"][0] == ["first-consent", transitions.consent_view(res["record"])]
    assert res["events"][1][0] == "consent"
    view = res["events"][1][1]
    assert sorted(view) == ["categories", "expiresAt", "givenAt", "gpc", "id", "method",
                            "mode", "revision", "services"]
    view["categories"]["analytics"] = False  # a copy, not shared with the record
    assert res["record"]["categories"]["analytics"] is True
    assert res["events"][0][1]["categories"]["analytics"] is True  # nor between events
    assert transitions.consent_view(None) is None


def test_expiry_uses_accept_or_reject_days():
    raw = load_default_raw()
    raw["cookie"]["acceptDays"] = 300
    raw["cookie"]["rejectDays"] = 30
    cfg = config.validate(raw)["config"]
    st = state(cfg)
    assert choose(cfg, st, "all")["record"]["expiresAt"] == NOW + 300 * DAY
    assert choose(cfg, st, "necessary")["record"]["expiresAt"] == NOW + 30 * DAY
    # legitimate interest kept on counts as an acceptance
    assert choose(cfg, st, "custom", {})["record"]["expiresAt"] == NOW + 300 * DAY


@pytest.mark.parametrize("args", [("nope", "consent-id-01", NOW), ("all", "short", NOW),
                                  ("all", None, NOW), ("all", "consent-id-01", "now"),
                                  ("all", "consent-id-01", -5), ("all", "bad id;x=1", NOW)])
def test_apply_choice_programming_errors_raise_value_error(cfg, args):
    method, cid, now = args
    with pytest.raises(ValueError):
        transitions.apply_choice(cfg, state(cfg), method, None, now, cid, False)


@pytest.mark.parametrize("decisions", [None, [], "analytics", 3, {"analytics": None},
                                       {("a",): True}, {"a" * 200: True}])
def test_api_decisions_from_page_code_never_raise(cfg, decisions):
    res = choose(cfg, state(cfg), "api", decisions)
    assert res["state"]["categories"]["analytics"] is False
