"""Parity: the shared case tables (tests/cases/*.json) give the same results in the compiled
bundle, in a real browser, as in CPython (tests/unit/test_cases.py runs them there).

A test build (``test_hooks=True``, never shipped) exposes ``Consentry.__engine(module, fn,
argsJson)``, which calls an engine function inside the bundle with JSON arguments and returns
its JSON result. The steps below mirror tests/unit/test_cases.py.
"""

import json
import os

import pytest
from helpers import wait_js, wait_ready

from consentry.engine import config, policy, record, transitions
from consentry_build import bundle as bundle_mod
from consentry_build.devserver import make_server

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(os.path.dirname(HERE), "cases")
DEFAULT = os.path.join(os.path.dirname(os.path.dirname(HERE)), "sdk", "consentry", "data",
                       "default-config.json")


def _load(name):
    with open(os.path.join(CASES, name), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="module")
def test_build_server(tmp_path_factory):
    out = tmp_path_factory.mktemp("parity-dist")
    bundle_mod.build(out_dir=str(out), log=lambda *_: None, test_hooks=True)
    srv = make_server(os.path.join(HERE, "pages"), str(out))
    yield srv
    srv.shutdown()


class Runtime:
    """Calls engine functions either in CPython or in the bundle, with JSON-shaped values."""

    def __init__(self, driver=None):
        self.driver = driver

    def call(self, module, fn, *args):
        args = json.loads(json.dumps(args))
        if self.driver is None:
            mod = {"config": config, "policy": policy, "record": record,
                   "transitions": transitions}[module]
            return json.loads(json.dumps(getattr(mod, fn)(*args)))
        out = self.driver.execute_script(
            "return Consentry.__engine(arguments[0], arguments[1], arguments[2])",
            module, fn, json.dumps(args))
        return json.loads(out)


def _run_all(rt):
    """Every case of every table, in one runtime: a JSON-able list of results."""
    with open(DEFAULT, encoding="utf-8") as f:
        default = json.load(f)
    results = []
    configs = {}

    def cfg_for(override):
        key = json.dumps(override, sort_keys=True)
        if key not in configs:
            configs[key] = rt.call("config", "load", default, override)["config"]
        return configs[key]

    def state_for(inp):
        cfg = cfg_for(inp["override"])
        if inp["value"] is None:
            rec, why = None, "absent"
        else:
            rec, why = rt.call("record", "decode", inp["value"], cfg, inp["now"])
        return cfg, rt.call("policy", "decide", cfg, rec, inp["region"], inp["gpc"],
                            inp["now"], inp.get("timezone"), why)

    for case in _load("record_decode.json"):
        inp = case["inputs"]
        results.append(["decode", case["name"],
                        rt.call("record", "decode", inp["value"], cfg_for(inp["override"]),
                                inp["now"])])
    for case in _load("policy.json"):
        results.append(["policy", case["name"], state_for(case["inputs"])[1]])
    for case in _load("transitions.json"):
        inp = case["inputs"]
        cfg, st = state_for(inp)
        steps = []
        for stp in inp["steps"]:
            res = rt.call("transitions", "apply_choice", cfg, st, stp["method"],
                          stp["decisions"], inp["now"], stp["consentId"], inp["gpc"])
            steps.append(res)
            st = res["state"]
        results.append(["transitions", case["name"], steps])
    return results


def test_case_tables_agree_between_cpython_and_the_bundle(browser, test_build_server):
    browser.get(test_build_server.url + "/globals.html")
    browser.set_script_timeout(60)
    expected = _run_all(Runtime())
    actual = _run_all(Runtime(browser))
    assert len(actual) == len(expected) > 50
    mismatches = [(e[0], e[1]) for e, a in zip(expected, actual) if e != a]
    assert mismatches == []


def _first_stage_calls():
    """decode, decide, consent_mode and allowed over every case table, with CPython's answers.
    The first stage gets the normalised configuration (it never validates one)."""
    with open(DEFAULT, encoding="utf-8") as f:
        default = json.load(f)
    calls = []
    for case in _load("record_decode.json"):
        inp = case["inputs"]
        calls.append(["decode", [inp["value"], config.load(default, inp["override"])["config"], inp["now"]]])
    for case in _load("policy.json") + _load("transitions.json"):
        inp = case["inputs"]
        cfg = config.load(default, inp["override"])["config"]
        if inp["value"] is None:
            rec, why = None, "absent"
        else:
            calls.append(["decode", [inp["value"], cfg, inp["now"]]])
            rec, why = record.decode(inp["value"], cfg, inp["now"])
        args = [cfg, rec, inp["region"], inp["gpc"], inp["now"], inp.get("timezone"), why]
        calls.append(["decide", args])
        state = policy.decide(*args)
        calls.append(["consent_mode", [cfg, state]])
        for cat in cfg["categories"]:
            calls.append(["allowed", [state, cat["id"], None]])
    calls = json.loads(json.dumps(calls))
    mods = {"decode": record.decode, "decide": policy.decide, "consent_mode": policy.consent_mode,
            "allowed": policy.allowed}
    expected = [json.loads(json.dumps(mods[fn](*args))) for fn, args in calls]
    return calls, expected


def test_case_tables_agree_between_cpython_and_the_first_stage(browser, test_build_server):
    """The engine compiled by PScript into consentry.js, in this browser's JS engine."""
    browser.get(test_build_server.url + "/globals.html")
    browser.set_script_timeout(60)
    calls, expected = _first_stage_calls()
    actual = json.loads(browser.execute_script(
        "return JSON.stringify(JSON.parse(arguments[0]).map(function (c) {"
        " return JSON.parse(Consentry.__fast(c[0], JSON.stringify(c[1]))); }))", json.dumps(calls)))
    assert len(actual) == len(expected) > 300
    mismatches = [c[0] for c, e, a in zip(calls, expected, actual) if e != a]
    assert mismatches == []


LAZY_UNTIL_USED = ["consentry.engine.config", "consentry.engine.i18n", "consentry.shell.ui"]


def test_lazy_modules_run_only_when_a_page_view_needs_them(browser, test_build_server):
    """modules.LAZY: the validator only for a page override, the UI only when shown."""
    def executed():
        return browser.execute_script("return Consentry.__executed()")

    browser.get(test_build_server.url + "/globals.html")
    browser.delete_all_cookies()
    browser.refresh()
    wait_ready(browser)
    wait_js(browser, "Consentry.__executed().indexOf('consentry.shell.ui') >= 0",
            message="the banner of a first visit did not load the UI module")
    first = executed()
    assert "consentry.engine.config" not in first and "consentry.engine.i18n" in first
    browser.execute_script("Consentry.acceptAll()")

    browser.refresh()                                   # returning visitor, valid choice
    wait_ready(browser)
    assert [m for m in LAZY_UNTIL_USED if m in executed()] == []
    browser.execute_script("Consentry.showPreferences()")
    assert executed()[-2:] == ["consentry.engine.i18n", "consentry.shell.ui"]

    browser.get(test_build_server.url + "/ui-dark.html")  # a page override: validated
    wait_ready(browser)
    assert "consentry.engine.config" in executed()
    browser.delete_all_cookies()
