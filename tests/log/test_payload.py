"""The beacon parser: exactly what the SDK sends is accepted; anything else gets a reason."""

import json
import re

from beacons import beacon, encode
from hypothesis import given, settings
from hypothesis import strategies as st

from consentry.log.payload import BEACON_KEYS, parse_beacon


def test_the_sdk_beacon_is_accepted_and_mapped_to_columns():
    entry, reason = parse_beacon(encode(beacon(consent_id="Ab-_0123456789", given_at=1764625000000)))
    assert reason == "ok"
    assert entry == {"consent_id": "Ab-_0123456789", "given_at": 1764625000000, "revision": 1,
                     "method": "all", "mode": "opt-in", "gpc": False,
                     "categories": {"necessary": True, "analytics": True},
                     "services": {"necessary": {}, "analytics": {"ga": True}}, "path": "/qa.html"}


def test_the_keys_are_those_the_sdk_sends():
    # shell/main.py builds the payload; if it gains or loses a key, the receiver must follow.
    import pathlib

    import consentry
    src = (pathlib.Path(consentry.__file__).parent / "shell" / "main.py").read_text()
    start = src.index("payload = {", src.index("def _log("))
    payload_src = src[start:src.index("}", src.index('"path"', start)) + 1]
    keys = set(k.strip('"') for k in re.findall(r'"(\w+)":', payload_src))
    assert keys == BEACON_KEYS


BAD = [
    (b"\xff\xfe", "bad-encoding"),
    (b"{", "bad-json"),
    (b"", "bad-json"),
    (b"[]", "bad-fields"),
    (b"null", "bad-fields"),
    (b'"x"', "bad-fields"),
    (b"[" * 100000, "bad-json"),
    (b'{"id": NaN}', "bad-json"),
    (b'{"a": 1, "a": 2}', "duplicate-key"),
]


def test_malformed_bodies_are_refused_with_a_reason():
    for body, reason in BAD:
        assert parse_beacon(body) == (None, reason), body[:40]


def _changed(**changes):
    return parse_beacon(encode(beacon(**changes)))[1]


def test_wrong_types_and_forged_fields_are_refused():
    assert _changed(id="short") == "bad-id"
    assert _changed(id="x' OR '1'='1' --") == "bad-id"
    assert _changed(id="abc;DROP TABLE consent_log") == "bad-id"
    assert _changed(revision="1") == "bad-revision"
    assert _changed(revision=True) == "bad-revision"
    assert _changed(revision=-1) == "bad-revision"
    assert _changed(given_at=1.5) == "bad-time"
    assert _changed(given_at=-5) == "bad-time"
    assert _changed(given_at=2 ** 60) == "bad-time"
    assert _changed(method="always") == "bad-flags"
    assert _changed(mode="opt-maybe") == "bad-flags"
    assert _changed(gpc=1) == "bad-flags"
    assert _changed(gpc="false") == "bad-flags"
    assert _changed(categories={"necessary": "yes"}) == "bad-decisions"
    assert _changed(categories={"Bad Id": True}) == "bad-decisions"
    assert _changed(services={"ghost": {}}) == "bad-decisions"
    assert _changed(categories={"necessary": True, "analytics": False},
                    services={"analytics": {"ga": True}}) == "inconsistent"
    assert _changed(path="qa.html") == "bad-path"
    assert _changed(path="/a\nb") == "bad-path"
    assert _changed(path="/" + "a" * 5000) == "bad-path"
    assert _changed(path=None) == "bad-path"
    assert _changed(path="/a\ud800b") == "bad-path"       # a lone surrogate: not storable text
    assert _changed(path="/caf\u00e9/\U0001f600") == "ok"  # any real character is
    forged = beacon()
    forged["ip"] = "1.2.3.4"
    assert parse_beacon(encode(forged)) == (None, "bad-fields")
    missing = beacon()
    del missing["path"]
    assert parse_beacon(encode(missing)) == (None, "bad-fields")
    with_expiry = beacon(v=1)
    assert parse_beacon(encode(with_expiry)) == (None, "bad-fields")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_fuzz_any_bytes_never_raise(body):
    entry, reason = parse_beacon(body)
    assert (entry is None) == (reason != "ok")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4),
    max_leaves=12)


@settings(max_examples=400, deadline=None)
@given(key=st.sampled_from(sorted(BEACON_KEYS)), value=json_values)
def test_fuzz_one_field_replaced_by_any_json_value(key, value):
    body = beacon()
    body[key] = value
    entry, reason = parse_beacon(json.dumps(body).encode())
    if entry is not None:       # accepted only when the value is one the SDK could send
        assert entry[{"id": "consent_id", "givenAt": "given_at"}.get(key, key)] == value
        assert reason == "ok"
    else:
        assert reason != "ok"
