"""The consent record: format, strictness details, cookie header reading, and size."""
import copy

import pytest
from conftest import load_default_raw

from consentry.engine import config, policy, record, transitions

NOW = 1750000000000
DAY = 86400000


def make(cfg, method="all", gpc=False, region="FR", decisions=None, cid="AbCdEfGh-1234_xyz"):
    st = policy.decide(cfg, None, region, gpc, NOW)
    return transitions.apply_choice(cfg, st, method, decisions, NOW, cid, gpc)


def test_value_uses_only_unreserved_cookie_octets(cfg):
    for method in record.METHODS:
        v = make(cfg, method)["value"]
        assert all(c in record.VALUE_CHARS for c in v)
        for bad in ' ,;"\\%=':
            assert bad not in v


def test_value_layout(cfg):
    v = make(cfg, "custom", gpc=True, region="US", decisions={"analytics/ga": False})["value"]
    parts = v.split(".")
    assert parts[0] == "1" and parts[1] == "AbCdEfGh-1234_xyz" and parts[2] == "1"
    assert int(parts[3], 36) == NOW and int(parts[4], 36) == NOW + 182 * DAY
    assert parts[5] == "co1"
    assert parts[6] == "necessaryY~functionalityY~analyticsYgaN~targetingN~site-analyticsY"


def test_encode_rejects_malformed_records(cfg):
    rec = make(cfg)["record"]
    for key, bad in [("v", 2), ("id", "x"), ("id", "a" * 65), ("revision", True),
                     ("givenAt", -1), ("givenAt", 1.5), ("method", "accept"),
                     ("mode", "strict"), ("gpc", 1), ("categories", {"Bad": True}),
                     ("categories", {"analytics": "yes"}), ("services", {"nope": {}}),
                     ("services", {"analytics": {"ga": 1}})]:
        r = copy.deepcopy(rec)
        r[key] = bad
        with pytest.raises(ValueError):
            record.encode(r)
    r = copy.deepcopy(rec)
    r["extra"] = 1
    with pytest.raises(ValueError):
        record.encode(r)
    r = copy.deepcopy(rec)
    r["categories"]["analytics"] = False  # ga still True: inconsistent
    with pytest.raises(ValueError):
        record.encode(r)


def test_check_accepts_the_dict_form_and_rejects_tampering(cfg):
    rec = make(cfg)["record"]
    assert record.check(rec, cfg, NOW)[1] == "ok"
    r = copy.deepcopy(rec)
    r["categories"]["necessary"] = False
    assert record.check(r, cfg, NOW) == (None, "necessary-refused")
    assert record.check(rec, None, NOW) == (None, "no-config")
    assert record.check(rec, cfg, "now") == (None, "bad-clock")
    assert record.check(rec, cfg, True) == (None, "bad-clock")


def test_decode_drops_categories_no_longer_configured(cfg):
    v = make(cfg)["value"] + "~retiredY"
    rec, why = record.decode(v, cfg, NOW)
    assert why == "ok" and "retired" not in rec["categories"]


def test_necessary_service_must_be_granted():
    raw = load_default_raw()
    raw["categories"][0]["services"] = [{"id": "session"}]
    cfg = config.validate(raw)["config"]
    v = make(cfg, "necessary")["value"]
    assert "necessaryYsessionY" in v
    assert record.decode(v, cfg, NOW)[1] == "ok"
    assert record.decode(v.replace("sessionY", "sessionN"), cfg, NOW) == \
        (None, "necessary-refused")


def test_read_picks_the_newest_valid_duplicate(cfg):
    old = make(cfg, "all", cid="old-id-000")["record"]
    new = dict(old, givenAt=NOW + 1000, expiresAt=NOW + 1000 + 30 * DAY, id="new-id-000",
               categories=dict(old["categories"], targeting=False))
    header = "x=%A8; consentry=" + record.encode(old) + "; other=1; consentry=" + \
        record.encode(new) + "; consentry=garbage"
    rec, why = record.read(header, cfg, NOW + 2000)
    assert why == "ok" and rec["id"] == "new-id-000"
    assert record.read("x=1; consentryx=1", cfg, NOW) == (None, "absent")
    assert record.read("consentry=hello", cfg, NOW) == (None, "bad-format")
    assert record.read(None, cfg, NOW) == (None, "absent")
    assert record.read("consentry=x", None, NOW) == (None, "no-config")


def test_read_uses_the_configured_cookie_name():
    raw = load_default_raw()
    raw["cookie"]["name"] = "__Host-cc"
    cfg = config.validate(raw)["config"]
    v = make(cfg)["value"]
    assert record.read("consentry=" + v, cfg, NOW)[1] == "absent"
    assert record.read("__Host-cc=" + v, cfg, NOW)[1] == "ok"


def _fifty_service_config():
    raw = load_default_raw()
    names = ["service-%02d" % i for i in range(50)]
    raw["categories"][2]["services"] = [{"id": n} for n in names[:20]]
    raw["categories"][3]["services"] = [{"id": n} for n in names[20:40]]
    raw["categories"][4]["services"] = [{"id": n} for n in names[40:]]
    out = config.validate(raw)
    assert out["errors"] == []
    return out["config"]


def test_measured_sizes(cfg, capsys):
    """Sizes of the cookie value (the name and '=' add len(cookie.name) + 1)."""
    uuid_like = "3f2c9a7e-5b1d-4c8e-9f0a-6d2b8e4c1a7f"
    sizes = {}
    for label, c in (("default config", cfg), ("50 services", _fifty_service_config())):
        for method in ("all", "necessary", "custom"):
            v = make(c, method, cid=uuid_like, decisions={"analytics": True})["value"]
            sizes[(label, method)] = len(v)
            assert record.decode(v, c, NOW)[1] == "ok"
    with capsys.disabled():
        print()
        for (label, method), n in sizes.items():
            print("consent cookie value, %s, method %s: %d bytes" % (label, method, n))
    assert max(n for (label, _), n in sizes.items() if label == "default config") < 200
    assert max(n for (label, _), n in sizes.items() if label == "50 services") < 1500


def test_service_ids_of_forty_chars_still_fit():
    raw = load_default_raw()
    raw["categories"][2]["services"] = [{"id": ("s%02d" % i) + "x" * 37} for i in range(60)]
    cfg = config.validate(raw)["config"]
    v = make(cfg)["value"]
    assert len(v) < 4096 and record.decode(v, cfg, NOW)[1] == "ok"


def test_decode_never_mutates_or_trusts_config_shape(cfg):
    rec = make(cfg)["record"]
    v = record.encode(rec)
    weird = dict(cfg, categories=[1, None])
    assert record.decode(v, weird, NOW) == (None, "no-config")
    weird = dict(cfg, categories=[{"id": "necessary", "services": "x"}])
    assert record.decode(v, weird, NOW)[1] == "ok"
