"""Tiny helpers shared by the engine modules (no imports at all).

Everything here is total (never raises on any input) and runs in CPython and, compiled by
Brython, in the browser. Brython has no standard library in the bundle, so character classes
are plain constant strings checked with ``in``.

Public helpers:

* ``is_bool(x)``, ``is_str(x)``, ``is_dict(x)``, ``is_list(x)`` -- strict type checks
  (``True`` is a bool, never an int).
* ``as_int(x)`` -> int or None: an int (not a bool), or an integral finite float within
  +-2**53 (JSON numbers coming from JS may be floats).
* ``only_chars(s, allowed)`` -> bool: every character of ``s`` is in ``allowed``.
* ``is_id(s)`` -> bool: ``[a-z][a-z0-9_-]{0,39}``.
* ``edit_distance(a, b)`` -> int (Levenshtein, inputs capped at 64 chars).
* ``suggest(word, candidates)`` -> the closest candidate or None.
* ``child_path(path, key)`` / ``index_path(path, i)`` -> JSON paths like ``$.categories[2].id``.
* ``clip(s)`` -> a short printable form of any value for messages.
* ``parse_uint(s, digits, max_len)`` -> int or None (strict: no sign, no leading zero).
* ``format_uint(n, digits)`` -> str.
"""

LOWER = "abcdefghijklmnopqrstuvwxyz"
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"
ID_CHARS = LOWER + DIGITS + "_-"
ALNUM = LOWER + UPPER + DIGITS
PATH_KEY_CHARS = ALNUM + "_-"
MAX_SAFE_INT = 9007199254740991


def is_bool(x):
    return x is True or x is False


def is_str(x):
    return isinstance(x, str)


def is_dict(x):
    return isinstance(x, dict)


def is_list(x):
    return isinstance(x, list)


def as_int(x):
    """An int for ints (not bools) and integral finite floats in +-2**53, else None."""
    if x is True or x is False:
        return None
    if isinstance(x, int):
        if x > MAX_SAFE_INT or x < -MAX_SAFE_INT:
            return None
        return x
    if isinstance(x, float):
        if x != x:
            return None
        if x > MAX_SAFE_INT or x < -MAX_SAFE_INT:
            return None
        n = int(x)
        if n != x:
            return None
        return n
    return None


def only_chars(s, allowed):
    if isinstance(s, str):
        # str.strip runs natively in Brython; a Python loop over a str ends in a raised
        # StopIteration there (see docs/performance.md, Levers).
        return s.strip(allowed) == ""
    for c in s:
        if c not in allowed:
            return False
    return True


def is_id(s):
    if not isinstance(s, str):
        return False
    n = len(s)
    if n < 1 or n > 40:
        return False
    if s[0] not in LOWER:
        return False
    return only_chars(s, ID_CHARS)


def edit_distance(a, b):
    a = a[:64]
    b = b[:64]
    prev = list(range(len(b) + 1))
    i = 0
    for ca in a:
        i += 1
        cur = [i]
        j = 0
        for cb in b:
            j += 1
            cost = 0 if ca == cb else 1
            best = prev[j] + 1
            if cur[j - 1] + 1 < best:
                best = cur[j - 1] + 1
            if prev[j - 1] + cost < best:
                best = prev[j - 1] + cost
            cur.append(best)
        prev = cur
    return prev[len(b)]


def suggest(word, candidates):
    """The closest candidate to ``word`` (case-insensitive), or None when nothing is close."""
    if not isinstance(word, str) or len(word) > 64 or len(word) == 0:
        return None
    low = word.lower()
    best = None
    best_d = 999
    for cand in candidates:
        d = edit_distance(low, cand.lower())
        if d < best_d:
            best = cand
            best_d = d
    limit = 2
    if len(word) > 9:
        limit = 3
    if len(word) <= 3:
        limit = 1
    if best is not None and best_d <= limit:
        return best
    return None


def clip(x):
    """A short, printable, quoted form of any value, for messages."""
    if isinstance(x, str):
        out = []
        n = 0
        for c in x:
            n += 1
            if n > 40:
                out.append("...")
                break
            o = ord(c)
            if o < 32 or o == 127 or c == '"' or c == "\\" or (o >= 0xD800 and o <= 0xDFFF):
                out.append("?")
            else:
                out.append(c)
        return '"' + "".join(out) + '"'
    if x is None:
        return "null"
    if x is True:
        return "true"
    if x is False:
        return "false"
    if isinstance(x, int) or isinstance(x, float):
        if isinstance(x, float) and x != x:
            return "NaN"
        s = str(x)
        if len(s) > 40:
            s = s[:40] + "..."
        return s
    if isinstance(x, dict):
        return "an object"
    if isinstance(x, list):
        return "a list"
    return "a value of an unsupported type"


def child_path(path, key):
    if isinstance(key, str) and len(key) > 0 and len(key) <= 60 and key[0] not in DIGITS and \
            only_chars(key, PATH_KEY_CHARS):
        return path + "." + key
    return path + "[" + clip(key) + "]"


def index_path(path, i):
    return path + "[" + str(i) + "]"


def parse_uint(s, digits, max_len):
    """Strict unsigned integer in the given digit alphabet (e.g. DIGITS or BASE36): non-empty,
    at most ``max_len`` characters, no sign, no leading zero (except "0" itself)."""
    if not isinstance(s, str):
        return None
    n = len(s)
    if n == 0 or n > max_len:
        return None
    if n > 1 and s[0] == "0":
        return None
    base = len(digits)
    v = 0
    for i in range(n):
        d = digits.find(s[i])
        if d < 0:
            return None
        v = v * base + d
    return v


def format_uint(n, digits):
    base = len(digits)
    if n == 0:
        return digits[0]
    out = []
    while n > 0:
        out.append(digits[n % base])
        n = n // base
    out.reverse()
    return "".join(out)
