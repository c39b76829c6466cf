"""Make the sdk importable without installing it, and share the default configuration."""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SDK = os.path.join(ROOT, "sdk")
if SDK not in sys.path:
    sys.path.insert(0, SDK)

import pytest  # noqa: E402

DEFAULT_CONFIG_PATH = os.path.join(SDK, "consentry", "data", "default-config.json")
CASES_DIR = os.path.join(ROOT, "tests", "cases")


def load_default_raw():
    with open(DEFAULT_CONFIG_PATH, encoding="utf-8") as f:
        return json.load(f)


def load_cases(name):
    with open(os.path.join(CASES_DIR, name), encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def raw():
    return load_default_raw()


@pytest.fixture
def cfg():
    from consentry.engine import config
    out = config.validate(load_default_raw())
    assert out["errors"] == []
    return out["config"]
