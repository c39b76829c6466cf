"""The JSON Schema patterns (engine/schema.py ``PATTERNS``) agree with the engine's checkers.

The syntax of language codes, region codes and links is checked in code by the engine (no
regular expressions in the bundle) and written once more, as a pattern, for the JSON Schema
that editors use. Here both judge the same valid and invalid strings, tricky ones included, so
a change to either one alone fails. Each pattern is run as editors run it (ECMA-262 in V8, with
the ``u`` flag) and as the jsonschema package runs it (Python's ``re``), and the whole JSON
Schema node (with its length bound) is checked too. The patterns are build-only: cut from the
bundle (modules.BUILD_ONLY)."""
import re

import jsonschema
import pytest
from py_mini_racer import MiniRacer

from consentry.engine import codes, config, schema
from consentry_build import modules, schema_out
from consentry_build.errors import BuildError

LANGUAGES = ["en", "EN", "en-GB", "en-gb", "zh-Hant-TW", "fil", "de-1996", "sl-rozaj-biske",
             "x" * 2 + "-abcdefgh", "en-" + "-".join(["ab"] * 10) + "-abcdef",
             # invalid
             "", "e", "engl", "en-", "-en", "en--GB", "en_GB", "en-G", "en-abcdefghi", "e1",
             "en GB", " en", "en ", "en\n", "\nen", "en-GB\n", "ｅｎ", "én", "ıt", "en-ß",
             "en-" + "-".join(["ab"] * 11), "*", "en-\u0130", "en\u2028"]

REGIONS = ["FR", "fr", "Fr", "EEA", "eea", "eEa", "US-CA", "us-ca", "GB-ENG", "CN-11", "FR-2",
           # invalid
           "", "F", "FRA", "EEAA", "EE", "US-", "US-CAXX", "US_CA", "U1", "12", "-CA", "US-C-",
           "FR\n", "EEA\n", " FR", "FR ", "ß", "ßa", "ıt", "ſe", "ﬀ", "ＦＲ", "us-ß", "us-ıa",
           "EEA-1", "fr-ca\n"]

URLS = ["/", "/privacy", "/a?b=c#d", "https://example.com", "HTTPS://EXAMPLE.COM/x",
        "http://a", "https://a:8080/p", "https://xn--bcher-kva.example/", "/ünïcödé",
        "/emoji-\U0001F600", "https://例え.jp/パス", "/%20encoded", "https://a/b\u00a1",
        # invalid
        "", "//evil.example", "///x", "https://", "http://", "https:///x", "https://?x",
        "https://#x", "https://@evil", "ftp://example.com", "javascript:alert(1)",
        "example.com", "https:/x", "https:example.com", "/a b", "/a\tb", "/a\nb", "/a\n",
        "https://a\n", "/a\\b", "\\\\evil", "/\\evil", "https://a\u00a0b", "/\u2028",
        "/a\u3000", "/\x7f", "/\x85", "/a\u200b", "https://a/\ufeff", "/\ud800",
        " /x", "/x ", "https://\u1680a", "/" + "a" * (schema.MAX_STRING - 1),
        "/" + "a" * schema.MAX_STRING]


def _language_ok(s):
    return codes.canonical_language(s) is not None


def _region_ok(s):
    return codes.canonical_region(s) is not None


def _url_ok(s):
    return config.url_problem(s) is None


def _same_origin_ok(s):
    return config.url_problem(s) is None and s[0:1] == "/"


_P = schema_out.json_schema()["properties"]
CASES = [
    ("language", _language_ok, schema_out._js(config.ROOT["properties"]["language"]
                                              ["properties"]["default"], ""), LANGUAGES),
    ("region", _region_ok, _P["mode"]["properties"]["optInRegions"]["items"], REGIONS),
    ("url", _url_ok, _P["ui"]["properties"]["noticeUrl"], URLS),
    ("sameOriginUrl", _same_origin_ok, _P["log"]["properties"]["endpoint"], URLS),
]


@pytest.fixture(scope="module")
def v8():
    ctx = MiniRacer()
    ctx.eval("var matches = (p, s) => new RegExp(p, 'u').test(s)")
    return ctx


@pytest.mark.parametrize("name, ok, node, samples", CASES, ids=[c[0] for c in CASES])
def test_the_pattern_and_the_engine_agree(v8, name, ok, node, samples):
    pattern = schema.PATTERNS[name]
    assert node["pattern"] == pattern      # the JSON Schema output uses the schema's pattern
    checker = jsonschema.Draft202012Validator(node)
    accepted = [s for s in samples if ok(s)]
    assert 3 <= len(accepted) <= len(samples) - 3     # both sides are exercised
    for s in samples:
        assert checker.is_valid(s) == ok(s), (name, s)
        if len(s) <= node.get("maxLength", len(s)):     # longer: the node's bound refuses it
            in_v8 = v8.call("matches", pattern, s)
            in_python = re.search(pattern, s) is not None
            assert (in_v8, in_python) == (ok(s), ok(s)), (name, s)


def test_a_region_is_ascii_before_it_is_upper_cased():
    """str.upper turns 'ß' into 'SS' and 'ı' into 'I': those are not region codes."""
    assert [codes.canonical_region(s) for s in ("ß", "ıt", "ſe", "us-ıa")] == [None] * 4
    assert codes.canonical_region("us-ca") == "US-CA"


def test_the_patterns_are_cut_from_the_bundle_without_moving_lines():
    mods = modules.discover()
    src = mods["consentry.engine.schema"].source
    out = modules.without_build_only("consentry.engine.schema", src)
    assert "PATTERNS" in src and "PATTERNS" not in out and "_URL_CHAR" not in out
    assert out.count("\n") == src.count("\n")
    assert out.split("\n")[-20:] == src.split("\n")[-20:]
    modules.check_build_only(mods)


def test_a_bundled_module_that_reads_a_build_only_name_is_a_build_error():
    mods = modules.discover()
    ui = mods["consentry.shell.ui"]
    ui.source += "\nfrom ..engine import schema as _s\nP = _s.PATTERNS\n"
    with pytest.raises(BuildError, match="ui.py:[0-9]+: uses PATTERNS"):
        modules.check_build_only(mods)
