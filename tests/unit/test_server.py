"""The CPython server-side reader (A12: hostile cookie values on the server)."""
import pytest

from consentry import server
from consentry.engine import policy, record, transitions

NOW = 1750000000000


def _cookie_value(method="all"):
    cfg = server.load_config()
    st = policy.decide(cfg, None, "FR", False, NOW)
    return transitions.apply_choice(cfg, st, method, None, NOW, "server-test-id", False)["value"]


def test_default_config_loads_from_json():
    raw = server.load_default_config()
    assert raw["categories"][0]["id"] == "necessary"
    assert server.load_config()["revision"] == 1


def test_load_config_raises_with_every_problem():
    with pytest.raises(server.ConfigError) as ei:
        server.load_config({"revision": "x", "ui": {"noticeUrl": "javascript:1"}})
    assert [e["path"] for e in ei.value.errors] == ["$.revision", "$.ui.noticeUrl"]
    assert "$.ui.noticeUrl" in str(ei.value)


def test_read_consent_and_state():
    v = _cookie_value()
    rec, why = server.read_consent("a=1; consentry=" + v, now_ms=NOW)
    assert why == "ok" and rec["method"] == "all"
    st = server.consent_state(b"consentry=" + v.encode(), region="FR", now_ms=NOW)
    assert server.allowed(st, "analytics") and st["showBanner"] is False
    assert server.consent_view(rec)["id"] == "server-test-id"


def test_read_consent_uses_the_clock_by_default():
    rec, why = server.read_consent("consentry=" + _cookie_value())
    assert why == "expired"  # NOW is in the past of the real clock (+182 days)


@pytest.mark.parametrize("header", [
    "consentry=' OR 1=1 --", "consentry=<script>alert(1)</script>", "consentry=" + "A" * 4096,
    b"consentry=\xff\xfe\x00", "consentry=%00%ff", None, 42, b"", "consentry",
    "consentry=1.x'.1.a.b.ai0.necessaryY", "consentry=\ud800",
])
def test_hostile_headers_are_no_choice(header):
    rec, why = server.read_consent(header, now_ms=NOW)
    assert rec is None and why != "ok"
    st = server.consent_state(header, region="US", gpc=True, now_ms=NOW)
    assert st["record"] is None and st["categories"]["targeting"] is False


def test_state_of_a_hostile_header_in_opt_in_grants_nothing():
    st = server.consent_state("consentry=" + _cookie_value().replace("1.", "2.", 1),
                              region="DE", now_ms=NOW)
    assert st["reason"] == "unknown-version"
    assert [c for c, on in st["categories"].items() if on] == ["necessary", "functionality"]


def test_server_reader_is_the_engine_reader():
    v = _cookie_value("necessary")
    cfg = server.load_config()
    assert server.read_consent("consentry=" + v, now_ms=NOW) == record.decode(v, cfg, NOW)
