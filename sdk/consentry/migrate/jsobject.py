"""Read a vanilla-cookieconsent configuration: JSON, or the object literal of its ``run({...})``.

Sites write that configuration as JavaScript, so this reads the literal subset of JS that its
documentation uses, without evaluating anything (no eval, no Node): unquoted keys, single,
double and backtick quotes (a template without ``${}``), trailing commas, ``//`` and ``/* */``
comments, numbers in any JS notation, ``true``/``false``/``null``/``undefined``, regex literals
(kept as ``Regex``), and string or number constants declared before the call (``const CAT =
'ads'``) used as values or computed keys (``[CAT]: {...}``). Anything else in value position
(functions, arrow functions, calls, other identifiers, ``${}`` templates, spreads) is kept as
``Unsupported`` with its source text, so the converter can report it; it never stops the read.

``read(text) -> value`` raises ``ParseError`` (with line and column) on text that is not such a
configuration.
"""

import json
import re

IDENT_START = re.compile(r"[A-Za-z_$]")
IDENT = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
NUMBER = re.compile(r"-?(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|"
                    r"(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)")
CONST = re.compile(r"\b(?:const|let|var)\s+([A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*"
                   r"('(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"|-?\d+(?:\.\d+)?)\s*[;\n]")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
# a "/" after one of these (or at the start) begins a regex literal, not a division
REGEX_AFTER = "(,=:[!&|?{};+-*%<>~^"
WORDS = {"true": True, "false": False, "null": None, "undefined": None}


class ParseError(ValueError):
    pass


class Regex:
    """A JS regex literal ``/source/flags`` (a cookie name pattern in autoClear)."""

    def __init__(self, source, flags):
        self.source = source
        self.flags = flags

    def __repr__(self):
        return "/%s/%s" % (self.source, self.flags)

    def __eq__(self, other):
        return isinstance(other, Regex) and (self.source, self.flags) == (other.source, other.flags)


class Unsupported:
    """A value that is code, not data (a function, a call, a variable): its source text."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return "<code %s>" % self.text[:60]


def read(text):
    """The configuration object in ``text``. See the module docstring."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return json.loads(text)
    except ValueError:
        pass
    reader = _Reader(text)
    start = reader.find_run_object()
    value = reader.value(start)
    return value


class _Reader:
    def __init__(self, text):
        self.text = text
        self.n = len(text)
        self.consts = {}
        for m in CONST.finditer(text):
            lit = m.group(2)
            self.consts[m.group(1)] = _Reader(lit).value(0) if lit[0] in "'\"" else \
                json.loads(lit)

    # -- positions and errors --------------------------------------------------------------

    def fail(self, i, message):
        line = self.text.count("\n", 0, i) + 1
        col = i - (self.text.rfind("\n", 0, i) + 1) + 1
        raise ParseError("line %d, column %d: %s" % (line, col, message))

    def skip(self, i):
        """Past whitespace and comments."""
        t = self.text
        while i < self.n:
            c = t[i]
            if c in " \t\r\n\ufeff\u00a0\u2028\u2029":
                i += 1
            elif t.startswith("//", i):
                j = t.find("\n", i)
                i = self.n if j < 0 else j + 1
            elif t.startswith("/*", i):
                j = t.find("*/", i + 2)
                if j < 0:
                    self.fail(i, "unterminated comment")
                i = j + 2
            else:
                break
        return i

    def find_run_object(self):
        """The ``{`` of the first ``run({`` (or ``run ( {``) outside strings and comments; the
        text's first ``{`` when there is no such call (a bare object literal)."""
        t = self.text
        i = 0
        first = None
        while i < self.n:
            i = self.skip(i)
            if i >= self.n:
                break
            c = t[i]
            if c in "'\"`":
                i = self.skip_string(i)
                continue
            if c == "{" and first is None:
                first = i
            if t.startswith("run", i) and (i == 0 or not re.match(r"[A-Za-z0-9_$]", t[i - 1])):
                j = self.skip(i + 3)
                if j < self.n and t[j] == "(":
                    k = self.skip(j + 1)
                    if k < self.n and t[k] == "{":
                        return k
            i += 1
        if first is None:
            self.fail(0, "no configuration object found (expected JSON or CookieConsent.run({...}))")
        return first

    # -- values ----------------------------------------------------------------------------

    def value(self, i):
        return self.value_at(i)[0]

    def value_at(self, i):
        """(value, index after it)."""
        t = self.text
        i = self.skip(i)
        if i >= self.n:
            self.fail(i, "a value was expected")
        c = t[i]
        if c == "{":
            return self.object_at(i)
        if c == "[":
            return self.array_at(i)
        if c in "'\"":
            return self.string_at(i)
        if c == "`":
            end = self.skip_string(i)
            body = t[i + 1:end - 1]
            if "${" in body:
                return Unsupported(t[i:end]), end
            return _unescape(body), end
        if c == "/":
            return self.regex_at(i)
        m = NUMBER.match(t, i)
        if m and (c.isdigit() or c in "-." and m.end() > i + 1):
            end = m.end()
            if end >= self.n or not IDENT_START.match(t[end]):
                if self._ends_value(end):
                    return _number(m.group(0)), end
        m = IDENT.match(t, i)
        if m and self._ends_value(m.end()):
            word = m.group(0)
            if word in WORDS:
                return WORDS[word], m.end()
            if word in self.consts:
                return self.consts[word], m.end()
        end = self.skip_expression(i)
        if end == i:
            self.fail(i, "unexpected %r" % c)
        return Unsupported(t[i:end].strip()), end

    def _ends_value(self, i):
        j = self.skip(i)
        return j >= self.n or self.text[j] in ",}])"

    def object_at(self, i):
        t = self.text
        out = {}
        i += 1
        while True:
            i = self.skip(i)
            if i >= self.n:
                self.fail(i, "unterminated object")
            if t[i] == "}":
                return out, i + 1
            if t.startswith("...", i):
                end = self.skip_expression(i + 3)
                out["..." + str(len(out))] = Unsupported(t[i:end].strip())
                i = self.after_item(end, "}")
                continue
            key, i = self.key_at(i)
            i = self.skip(i)
            if i < self.n and t[i] == ":":
                val, i = self.value_at(i + 1)
            elif i < self.n and t[i] == "(":       # method shorthand: name(...) {...}
                end = self.skip_expression(i)
                val, i = Unsupported(key + t[i:end].strip()), end
            elif i < self.n and t[i] in ",}":      # shorthand property {name}
                val = self.consts.get(key, Unsupported(key))
            else:
                self.fail(i, "':' expected after the key %r" % key)
            out[key] = val
            i = self.after_item(i, "}")

    def after_item(self, i, close):
        i = self.skip(i)
        if i < self.n and self.text[i] == ",":
            return i + 1
        if i < self.n and self.text[i] == close:
            return i
        self.fail(i, "',' or '%s' expected" % close)

    def key_at(self, i):
        t = self.text
        c = t[i]
        if c in "'\"":
            return self.string_at(i)
        if c == "[":
            val, j = self.value_at(i + 1)
            j = self.skip(j)
            if j >= self.n or t[j] != "]":
                self.fail(j, "']' expected after a computed key")
            if isinstance(val, (str, int, float)) and not isinstance(val, bool):
                return str(val), j + 1
            self.fail(i, "a computed key must be a string constant declared in the file")
        m = IDENT.match(t, i) or NUMBER.match(t, i)
        if not m:
            self.fail(i, "a key was expected")
        return m.group(0), m.end()

    def array_at(self, i):
        t = self.text
        out = []
        i += 1
        while True:
            i = self.skip(i)
            if i >= self.n:
                self.fail(i, "unterminated array")
            if t[i] == "]":
                return out, i + 1
            if t[i] == ",":                           # a hole
                i += 1
                continue
            val, i = self.value_at(i)
            out.append(val)
            i = self.after_item(i, "]")

    def string_at(self, i):
        end = self.skip_string(i)
        return _unescape(self.text[i + 1:end - 1]), end

    def skip_string(self, i):
        """Index after the string, template or regex starting at ``i`` (its quote)."""
        t = self.text
        q = t[i]
        j = i + 1
        while j < self.n:
            c = t[j]
            if c == "\\":
                j += 2
                continue
            if q == "`" and t.startswith("${", j):
                j = self.skip_expression(j + 2, "}") + 1
                continue
            if c == q:
                return j + 1
            if q != "`" and c == "\n":
                break
            j += 1
        self.fail(i, "unterminated string")

    def regex_at(self, i):
        t = self.text
        j = i + 1
        in_class = False
        while j < self.n:
            c = t[j]
            if c == "\\":
                j += 2
                continue
            if c == "\n":
                break
            if c == "[":
                in_class = True
            elif c == "]":
                in_class = False
            elif c == "/" and not in_class:
                m = re.compile(r"[a-z]*").match(t, j + 1)
                return Regex(t[i + 1:j], m.group(0)), m.end()
            j += 1
        self.fail(i, "unterminated regular expression")

    def skip_expression(self, i, close=None):
        """Index of the end of the expression at ``i``: the first ``,`` ``}`` ``]`` ``)`` at
        depth 0 (or ``close``), skipping nested brackets, strings, comments and regexes."""
        t = self.text
        depth = 0
        prev = "("
        while i < self.n:
            j = self.skip(i)
            if j != i:
                i = j
                continue
            c = t[i]
            if c in "'\"`":
                i = self.skip_string(i)
                prev = "a"
                continue
            if c == "/" and prev in REGEX_AFTER:
                i = self.regex_at(i)[1]
                prev = "a"
                continue
            if c in "([{":
                depth += 1
            elif c in ")]}":
                if depth == 0:
                    return i
                depth -= 1
            elif c == "," and depth == 0 and close is None:
                return i
            if not c.isspace():
                prev = c if not (c.isalnum() or c in "_$") else "a"
            i += 1
        if close is not None:
            self.fail(i, "unterminated ${...} in a template")
        return i


def _number(s):
    s = s.replace("_", "")
    low = s.lower().lstrip("-")
    sign = -1 if s.startswith("-") else 1
    if low.startswith("0x"):
        return sign * int(low[2:], 16)
    if low.startswith("0o"):
        return sign * int(low[2:], 8)
    if low.startswith("0b"):
        return sign * int(low[2:], 2)
    f = float(s)
    return int(f) if f.is_integer() and "." not in s and "e" not in low else f


def _unescape(body):
    out = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\" or i + 1 >= n:
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in ESCAPES:
            out.append(ESCAPES[e])
            i += 2
        elif e == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", body[i + 2:i + 4]):
            out.append(chr(int(body[i + 2:i + 4], 16)))
            i += 4
        elif e == "u" and re.match(r"\{[0-9a-fA-F]{1,6}\}", body[i + 2:]) and \
                int(body[i + 3:body.find("}", i)], 16) <= 0x10FFFF:
            j = body.find("}", i)
            out.append(chr(int(body[i + 3:j], 16)))
            i = j + 1
        elif e == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2:i + 6]):
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif e == "\n":                              # line continuation
            i += 2
        else:
            out.append(e)
            i += 2
    return "".join(out)
