"""Coverage-guided fuzzing of the cookie reader and the config loader with atheris.

Not collected by pytest (the name does not start with test_). Run it by hand, bounded:

    pip install atheris                       # 3.0.0 installed here from a manylinux wheel
    python tests/fuzz/fuzz_atheris.py -atheris_runs=200000          # or -max_total_time=60
    python tests/fuzz/fuzz_atheris.py -max_total_time=60 tests/fuzz/corpus   # keep a corpus

One input drives three targets: record.read on the bytes as a Cookie header (latin-1, as the
server reader decodes it), record.decode on the bytes as a value, and config.load on the bytes
as a JSON override. Oracles (a failure raises, atheris stops and writes crash-<hash>):
  * no exception escapes (every reader is total);
  * a decoded record grants only categories the value literally marks "<id>Y";
  * an override with errors leaves exactly the built-in configuration;
  * each call takes < 2 s.
"""

import json
import re
import sys
import time
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from consentry.engine import config, record

RAW = json.loads((Path(__file__).resolve().parents[2] / "sdk" / "consentry" / "data" / "default-config.json")
                 .read_text(encoding="utf-8"))
BUILTIN = config.validate(RAW)["config"]
NOW = 1750000000000


def _literal(value):
    out = {}
    parts = value.split(".")
    if len(parts) < 7:
        return out
    for g in parts[6].split("~"):
        m = re.match(r"([a-z][a-z0-9_-]*)([YN])", g)
        if m:
            out[m.group(1)] = m.group(2) == "Y"
    return out


def _bounded(fn, *args):
    t = time.perf_counter()
    result = fn(*args)
    assert time.perf_counter() - t < 2.0, "slow input (%d bytes)" % len(str(args[0]))
    return result


def test_one_input(data):
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes() // 2)
    rest = fdp.ConsumeBytes(fdp.remaining_bytes())
    rec, reason = _bounded(record.read, rest.decode("latin-1"), BUILTIN, NOW)
    assert reason != "internal-error"
    for value in (text, "1." + text):
        rec, reason = _bounded(record.decode, value, BUILTIN, NOW)
        assert reason != "internal-error", value
        if rec is not None:
            lit = _literal(value)
            for cat, on in rec["categories"].items():
                assert not on or lit.get(cat) is True, (cat, value)
    try:
        override = json.loads(text)
    except (ValueError, RecursionError):
        return
    res = _bounded(config.load, RAW, override)
    if res["override_errors"]:
        assert res["config"] == BUILTIN


def main():
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
