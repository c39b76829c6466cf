"""The first stage's engine (PScript, no runtime) against CPython, in V8 (mini-racer).

The same case tables as tests/unit/test_cases.py, hypothesis properties, and a seeded random
differential test of thousands of cookie values and headers: any mismatch fails. The browser
parity test runs the same comparison in Chromium and Firefox.
"""

import json
import os
import random
import re

import pytest
from conftest import ROOT, load_cases, load_default_raw
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_fuzz_record import ALPHABET, BASE, mutated

from consentry.engine import config, policy, record, region
from consentry.stage1 import gating
from consentry_build import fastpath
from consentry_build.errors import BuildError

NOW = 1750000000000
DAY = 86400000
CFG = config.validate(load_default_raw())["config"]


class Fast:
    """Calls the compiled engine in V8 with JSON-shaped arguments, one batch per call."""

    def __init__(self):
        from py_mini_racer import MiniRacer

        self.js = fastpath.compile_engine(exports=fastpath.TEST_EXPORTS)
        self.ctx = MiniRacer()
        self.ctx.eval("var __consentryEngine = (function () {\n'use strict';\n" + self.js +
                      "return __consentryEngine;\n})();")
        self.ctx.eval("var __batch = function (calls) { return JSON.stringify(JSON.parse(calls).map("
                      "function (c) { return __consentryEngine[c[0]].apply(null, c[1]); })); };")

    def batch(self, calls):
        return json.loads(self.ctx.call("__batch", json.dumps(calls)))


def _py(fn, args):
    mod = {"read": record, "decode": record, "needs_timezone": region, "safe_url": gating}.get(fn, policy)
    return json.loads(json.dumps(getattr(mod, fn)(*json.loads(json.dumps(args)))))


def _compare(fast, calls):
    expected = [_py(fn, args) for fn, args in calls]
    actual = fast.batch(calls)
    return [(c, e, a) for c, e, a in zip(calls, expected, actual) if e != a]


@pytest.fixture(scope="module")
def fast():
    return Fast()


def _cfg(override, cache={}):
    key = json.dumps(override, sort_keys=True)
    if key not in cache:
        out = config.load(load_default_raw(), override)
        assert out["override_errors"] == []
        cache[key] = out["config"]
    return cache[key]


def test_case_tables_agree_with_cpython(fast):
    calls = []
    for case in load_cases("record_decode.json"):
        inp = case["inputs"]
        calls.append(["decode", [inp["value"], _cfg(inp["override"]), inp["now"]]])
    for case in load_cases("policy.json") + load_cases("transitions.json"):
        inp = case["inputs"]
        cfg = _cfg(inp["override"])
        rec, why = (None, "absent") if inp["value"] is None else record.decode(inp["value"], cfg, inp["now"])
        args = [cfg, rec, inp["region"], inp["gpc"], inp["now"], inp.get("timezone"), why]
        calls.append(["decide", args])
        state = policy.decide(*json.loads(json.dumps(args)))
        calls.append(["consent_mode", [cfg, state]])
        for cat in cfg["categories"]:
            calls.append(["allowed", [state, cat["id"], None]])
            for svc in cat["services"]:
                calls.append(["allowed", [state, cat["id"], svc["id"]]])
        calls.append(["needs_timezone", [cfg, inp["region"]]])
    assert len(calls) > 300
    assert _compare(fast, calls) == []


def _random_value(rng):
    v = rng.choice(BASE)
    for _ in range(rng.randint(1, 4)):
        i = rng.randint(0, len(v))
        op = rng.choice("idrsc")
        if op == "i":
            v = v[:i] + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 4))) + v[i:]
        elif op == "d":
            v = v[:i] + v[i + rng.randint(1, 8):]
        elif op == "r" and i < len(v):
            v = v[:i] + rng.choice(ALPHABET) + v[i + 1:]
        elif op == "s":
            parts = v.split(".")
            k = rng.randrange(len(parts))
            parts.insert(k, parts[k])
            v = ".".join(parts)
        elif op == "c" and i < len(v):
            v = v[:i] + v[i].swapcase() + v[i + 1:]
    return v


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_seeded_random_differential(fast, seed):
    """2,000 mutated values (decode), 300 whole headers (read) and their decisions, per seed."""
    rng = random.Random(seed)
    calls = []
    for _ in range(2000):
        now = NOW + rng.randint(-400, 400) * DAY
        calls.append(["decode", [_random_value(rng), CFG, now]])
    for _ in range(300):
        cookies = ["consentry=" + _random_value(rng) for _ in range(rng.randint(1, 4))]
        cookies.insert(rng.randint(0, len(cookies)), "other=" + _random_value(rng))
        calls.append(["read", ["; ".join(cookies), CFG, NOW]])
    mismatches = _compare(fast, calls)
    assert mismatches == []
    decisions = []
    for fn, args in calls:
        rec, why = _py(fn, args)
        region = rng.choice([None, "FR", "US-CA", "GB", "BR", "xx"])
        decisions.append(["decide", [CFG, rec, region, rng.random() < 0.3, NOW, None, why]])
    assert _compare(fast, decisions) == []


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(value=st.one_of(mutated(), st.text(max_size=80)), days=st.integers(-500, 500))
def test_hypothesis_decode_agrees(fast, value, days):
    assert _compare(fast, [["decode", [value, CFG, NOW + days * DAY]]]) == []


def test_a_cookie_naming_object_prototype_members_decides_like_cpython(fast):
    base = BASE[1]
    head, groups = base.rsplit(".", 1)
    values = [head + "." + groups.replace("analytics", name)
              for name in ("constructor", "tostring", "hasownproperty", "valueof", "proto")]
    values += [head + ".constructorY~" + groups]
    calls = [["decode", [v, CFG, NOW]] for v in values]
    calls += [["read", ["consentry=" + v, CFG, NOW]] for v in values]
    assert _compare(fast, calls) == []


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
@given(url=st.one_of(st.text(max_size=30),
                     st.text(st.sampled_from("htps:/\\\t\n\r jav.?#HTTPSa"), max_size=20)))
def test_safe_url_agrees(fast, url):
    """The gate's URL check, compiled, says what CPython says (the fuzz test checks CPython
    against the browser's URL parsing)."""
    assert _compare(fast, [["safe_url", [url]]]) == []


TRAP_SOURCES = [
    ("import os\n\ndef read(x):\n    return x\n", "an import other than"),
    ("def read(x):\n    return {1, 2}\n", "sets"),
    ("def read(x):\n    return x % 3\n", "the `%` operator"),
    ("def read(x):\n    return '-' * x\n", "`*` with a str or list operand"),
    ("def read(x):\n    return [0] * x\n", "`*` with a str or list operand"),
    ("def read(x):\n    return x is 'a'\n", "`is` / `is not`"),
    ("def read(x):\n    return {1: x}\n", "dict literal key"),
    ("def read(x):\n    return f(x, y=1)\n\ndef f(a, y):\n    return a\n", "keyword arguments"),
    ("def read(*x):\n    return x\n", "`*args`"),
    ("def read(x):\n    return isinstance(x, tuple)\n", "isinstance() with a type"),
    ("def read(x):\n    return sorted(x)\n", "a builtin other than"),
    ("def read(x):\n    del x[0]\n", "`del`"),
    ("def read(x):\n    for a in x:\n        pass\n    else:\n        return 1\n", "for ... else"),
    ("def read(x):\n    return {k: 1 for k in x}\n", "set and dict comprehensions"),
    ("class read:\n    pass\n", "classes"),
    ("def read(x):\n    yield x\n", "generators"),
]


@pytest.mark.parametrize("source,message", TRAP_SOURCES)
def test_the_build_refuses_each_trap(source, message):
    with pytest.raises(BuildError, match=re.escape(message)):
        fastpath.check_portable([("consentry/engine/x.py", source)], exports=("read",))


def test_only_code_the_exports_reach_is_held_to_the_trap_list():
    source = "def read(x):\n    return x\n\ndef unused(x):\n    return x % 2\n"
    fastpath.check_portable([("consentry/engine/x.py", source)], exports=("read",))


def test_a_name_defined_in_two_compiled_modules_is_refused():
    with pytest.raises(BuildError, match="also defined in"):
        fastpath.check_portable([("a.py", "def read(x):\n    return x\n"),
                                 ("b.py", "def read(x):\n    return 1\n")], exports=("read",))


def test_link_checks_the_shell_s_calls_not_its_comments():
    shell = "// E.anything(...) in a comment\nE.read(x); E.allowed(s, c, null);\n"
    assert fastpath.link(shell) == "// __e_anything(...) in a comment\n__e_read(x); __e_allowed(s, c, null);\n"
    with pytest.raises(BuildError, match="not exported: nothing"):
        fastpath.link("E.nothing();")


def test_pscript_is_pinned_exactly_where_it_is_installed():
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    assert f'"pscript=={fastpath.PSCRIPT_VERSION}"' in text
    import pscript
    assert pscript.__version__ == fastpath.PSCRIPT_VERSION


def test_no_pscript_helper_dispatches_on_constructor_or_iterates_inherited_keys(fast):
    assert ".constructor" not in fast.js
    assert not re.search(r"for \(var \w+ in ", fast.js)
