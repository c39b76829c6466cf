"""Fuzzing the configuration validator, the override loader, i18n and the URL checks.

Different from tests/unit/test_properties.py (random JSON trees, one mutated path of the default
config): hostile OVERRIDES merged over the built-in configuration, as a page would give them, with
prototype-pollution keys, callback-looking keys, hostile URLs and CSS-ish strings at every level,
plus 1 MB / 100k-key inputs. Oracles: never raises; an override with any error is ignored as a
whole (the result is exactly the built-in configuration); an accepted configuration only holds
safe URLs (http(s)://host or a same-origin path), no callbacks, and a same-origin log endpoint.
"""

import copy
import time
from urllib.parse import urljoin, urlsplit

from conftest import load_default_raw
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from consentry.engine import config, i18n

RAW = load_default_raw()
BUILTIN = config.validate(RAW)["config"]
BIG = settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
MEDIUM = settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))

HOSTILE_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "\tjavascript:x", " javascript:x", "java\nscript:x",
                "data:text/html,x", "vbscript:x", "//evil.test", "/\\evil.test", "\\\\evil.test", "https:evil.test",
                "https://", "https://@evil", "file:///etc/passwd", "/ok/path", "https://fine.test/p", "http://a",
                "/%2F%2Fevil.test", "/\u3000evil", "https://evil.test\u2028", "/a\x00b"]
HOSTILE_STRINGS = HOSTILE_URLS + ["red;position:fixed;inset:0", "url(javascript:alert(1))", "100%;height:100%",
                                  "alert(1)", "<img src=x onerror=alert(1)>", "", " ", "\ud800", "a" * 3000]
HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "onAccept", "onclick", "callback", "eval", "handler",
                "toString", "hasOwnProperty", "__class__", "__dict__", "noticeUrl", "endpoint", "id", "basis",
                "services", "cookies", "translations", "en", "banner", "title", "acceptAll"]
leaf = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.none(), st.booleans(), st.integers(-2 ** 63, 2 ** 63),
                 st.floats(allow_nan=True), st.text(max_size=20))
tree = st.recursive(leaf, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.one_of(st.sampled_from(HOSTILE_KEYS + config.TOP_KEYS), st.text(max_size=8)), inner, max_size=4)),
    max_leaves=30)


@st.composite
def overrides(draw):
    """A override shaped like the real one at the top, hostile below."""
    out = {}
    for k in draw(st.lists(st.sampled_from(config.TOP_KEYS + ["__proto__", "onAccept"]), max_size=4, unique=True)):
        base = RAW.get(k)
        if isinstance(base, dict) and draw(st.booleans()):
            sub = copy.deepcopy(base)
            for _ in range(draw(st.integers(1, 3))):
                key = draw(st.one_of(st.sampled_from(sorted(sub) or ["x"]), st.sampled_from(HOSTILE_KEYS)))
                sub[key] = draw(tree)
            out[k] = sub
        elif isinstance(base, list) and base and draw(st.booleans()):
            lst = copy.deepcopy(base)
            i = draw(st.integers(0, len(lst) - 1))
            if isinstance(lst[i], dict):
                lst[i][draw(st.sampled_from(HOSTILE_KEYS))] = draw(tree)
            out[k] = lst
        else:
            out[k] = draw(tree)
    return out


def _urls(cfg):
    yield cfg["ui"]["noticeUrl"]
    yield cfg["log"]["endpoint"]
    for c in cfg["categories"]:
        yield c["noticeUrl"]
        for s in c["services"]:
            yield s["noticeUrl"]


def _safe_link(u):
    if u is None:
        return True
    try:
        return _safe_link_inner(u)
    except ValueError:  # e.g. "https://[": a browser refuses to parse it, so it can go nowhere
        return u.lower().startswith(("https://", "http://"))


def _safe_link_inner(u):
    if u.startswith("/"):
        return not u.startswith("//") and "\\" not in u and urlsplit(urljoin("https://site.test/x/", u)).netloc == "site.test"
    parts = urlsplit(u)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and u == u.strip() and "\\" not in u


@BIG
@given(overrides())
def test_hostile_override_is_all_or_nothing_and_safe(override):
    res = config.load(RAW, override)
    assert isinstance(res["override_errors"], list)
    cfg = res["config"]
    assert cfg is not None, "the built-in configuration must always load"
    if res["override_errors"]:
        assert cfg == BUILTIN, "a rejected override leaked into the configuration"
        return
    for u in _urls(cfg):
        assert _safe_link(u), u
    ep = cfg["log"]["endpoint"]
    assert ep is None or (ep.startswith("/") and not ep.startswith("//"))
    assert set(cfg) == set(config.TOP_KEYS)
    for c in cfg["categories"]:
        assert set(c) == set(config.CATEGORY_KEYS)
    assert cfg["ui"]["theme"] in ("light", "dark", "auto") and cfg["ui"]["layout"] in config.LAYOUTS


@BIG
@given(st.one_of(st.sampled_from(HOSTILE_URLS), st.text(max_size=40),
                 st.builds(lambda a, b: a + b, st.sampled_from(["/", "//", "http://", "https://", "\\", "/\\", " "]),
                           st.text(max_size=20))))
@example("/\\evil.test")
@example("https://evil.test\\@site.test")
def test_url_problem_accepts_only_safe_links(u):
    if config.url_problem(u) is None:
        assert _safe_link(u), repr(u)


@MEDIUM
@given(st.one_of(st.none(), st.integers(), st.text(max_size=40), st.lists(st.text(max_size=10), max_size=30),
                 st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=5)),
       st.one_of(st.none(), st.integers(), st.text(max_size=40), st.lists(st.text(max_size=10), max_size=30),
                 st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), max_size=5)))
def test_language_choice_is_total_and_configured(doc, browser_langs):
    code = i18n.pick_language(BUILTIN, doc, browser_langs)
    assert code in BUILTIN["translations"]
    t = i18n.texts(BUILTIN, code)
    for sec in ("banner", "panel", "placeholder", "reload"):
        for k in config.BUTTON_KEYS:
            if k in t[sec]:
                assert t[sec][k].strip(), (code, sec, k)


@MEDIUM
@given(st.text(max_size=200), st.dictionaries(st.text(max_size=8), st.one_of(st.text(max_size=20), st.integers(), st.none()), max_size=5))
def test_fill_is_plain_text_substitution(template, values):
    out = i18n.fill(template, values)
    assert isinstance(out, str)
    # nothing appears that was neither in the template nor in a value
    allowed = set(template) | set("".join(v for v in values.values() if isinstance(v, str)))
    assert set(out) <= allowed
    for v in (i18n.localize(values, template, "en"), i18n.is_rtl(template)):
        assert v is not None


def _timed(fn, *a):
    t = time.perf_counter()
    fn(*a)
    return time.perf_counter() - t


def test_validator_and_loader_bounded_on_huge_inputs():
    mb = "A" * 1_000_000
    cases = [
        {"translations": {"en": {"banner": {"text": mb}}}},
        {"ui": {"noticeUrl": "/" + mb}},
        {"cookie": {"name": mb}},
        {mb: 1},
        {"categories": [{"id": "c%d" % i, "basis": "consent"} for i in range(5000)]},
        {"categories": [dict(c) for c in RAW["categories"]] + [{"id": "x", "services": [{"id": "s%d" % i} for i in range(20000)]}]},
        {"translations": {"x%d" % i: {} for i in range(100000)}},
        {"language": {"default": mb}},
        {"mode": {"optInRegions": ["FR"] * 200000}},
        {"consentMode": {"map": {"ad_storage": ["analytics"] * 200000}}},
    ]
    for over in cases:
        assert _timed(config.load, RAW, over) < 3.0, str(over)[:80]
    assert _timed(i18n.pick_language, BUILTIN, mb, [mb] * 1000) < 1.0
    assert _timed(config.canonical_language, mb) < 0.1


def test_fill_is_bounded_on_one_megabyte():
    assert _timed(i18n.fill, "{" * 1_000_000, {}) < 2.0


# ---------------------------------------------------------------- gating.safe_url
# The gating engine (compiled into the first stage by PScript) imports nothing: CPython runs it.
from consentry.stage1.gating import safe_url  # noqa: E402


def whatwg_scheme(url):
    """The scheme a browser would see (WHATWG URL: strip C0/space, drop tab/LF/CR), or None."""
    u = url.strip("".join(chr(c) for c in range(0x21)))
    u = u.replace("\t", "").replace("\n", "").replace("\r", "")
    i = 0
    if not u or not u[0].isascii() or not u[0].isalpha():
        return None
    while i < len(u) and u[i].isascii() and (u[i].isalnum() or u[i] in "+-."):
        i += 1
    return u[:i].lower() if i < len(u) and u[i] == ":" else None


@BIG
@given(st.one_of(st.sampled_from(HOSTILE_URLS), st.text(max_size=30),
                 st.builds(lambda pre, s, rest: pre + s + rest,
                           st.text(st.sampled_from("\x00\x01\x08\t\n\r \x0b\x0c\x1f"), max_size=3),
                           st.sampled_from(["javascript", "JAVASCRIPT", "java\tscript", "data", "vbscript", "http", "https",
                                            "blob", "file", "ftp", "ws"]),
                           st.sampled_from([":", "://x", ":alert(1)", "%3A", "\t:"]))))
def test_safe_url_never_lets_a_non_http_scheme_through(url):
    if safe_url(url):
        assert whatwg_scheme(url) in (None, "http", "https"), repr(url)


def test_safe_url_is_total():
    for v in (None, 1, b"https://x", ["https://x"], "", " ", "https://" + "a" * 1_000_000):
        assert safe_url(v) in (True, False)
    assert _timed(safe_url, "a" * 1_000_000) < 2.0


def test_safe_url_refuses_every_protocol_relative_spelling():
    for u in ("//evil.test", "\\\\evil.test", "/\\evil.test", "\\/evil.test", " //evil.test"):
        assert safe_url(u) is False, u
