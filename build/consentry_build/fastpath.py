"""The engine compiled a second way: plain JavaScript with no runtime, for the first stage.

Also compiled here: the gating engine (sdk/consentry/stage1/gating.py), which only this stage runs.

A returning visitor's decision is ``record.read`` + ``policy.decide`` + ``policy.consent_mode``:
small, pure Python. PScript (pinned exactly) translates those modules to plain JS, so the first
stage decides with the SAME source the Brython SDK and CPython run, with no runtime in front.

PScript is not Python: some constructs compile to JS with other semantics and no error. Three
kinds of defence keep the three runtimes equal:

* ``check_portable`` refuses, at build time, engine code that uses a construct from the trap list
  (``TRAPS``, also in docs/architecture.md);
* a parser subclass gives ``len()`` and ``isinstance(x, int | float)`` Python's meaning;
* the PScript helpers that dispatch on ``x.constructor`` (which a dict key ``"constructor"``
  shadows) or read inherited properties are rewritten, and the build fails if a pattern it
  rewrites is no longer found (a PScript upgrade must be reviewed, not absorbed).

The case tables and a seeded random differential test run this output against CPython in CI.
"""

import ast
import os
import re

from . import modules as modlib
from .errors import BuildError

PSCRIPT_VERSION = "0.8.1"
# Dependency order; each module only uses names of the modules before it. The engine's decision
# modules, then the gating engine (sdk/consentry/stage1/gating.py), which calls policy.allowed.
MODULES = ("engine/util", "engine/codes", "engine/record", "engine/region", "engine/policy",
           "stage1/gating")
# The functions the first stage calls (everything else stays internal to one closure), and the
# ones only test builds and the unit tests call besides.
EXPORTS = ("read", "decide", "consent_mode", "allowed", "needs_timezone",
           "new_gate", "gate_watch", "gate_apply", "gate_set_state", "gate_set_embed_hooks",
           "gate_revived", "gate_allow_once")
TEST_EXPORTS = EXPORTS + ("decode", "safe_url")

TRAPS = {
    "import": "an import other than `from .module import name` (modules are joined into one scope)",
    "set": "sets (no JS equivalent with Python semantics)",
    "class": "classes",
    "generator": "generators, `yield`, `async`, `await`",
    "with": "`with` statements",
    "star": "`*args` / `**kwargs` in a definition or a call",
    "keyword": "keyword arguments in a call (PScript passes them as an object)",
    "mod": "the `%` operator (JS keeps the sign of the dividend; Python of the divisor)",
    "repeat": "`*` with a str or list operand (compiled as arithmetic)",
    "is": "`is` / `is not` with anything but None, True or False (JS compares values)",
    "dict-key": "a dict literal key that is not a string constant (JS keys are strings)",
    "isinstance": "isinstance() with a type other than str, bool, dict, list, int or float",
    "comprehension": "set and dict comprehensions, and comprehensions with several `for`",
    "global": "`global` / `nonlocal`",
    "del": "`del` (JS `delete` differs on lists)",
    "chained": "`for ... else` / `while ... else`",
    "duplicate": "the same top-level name in two compiled modules (one scope)",
    "builtin": "a builtin other than len, isinstance, str, int, range, list, min, max, print",
}
_ALLOWED_BUILTINS = {"len", "isinstance", "str", "int", "range", "list", "min", "max", "print",
                     "Exception", "ValueError", "None", "True", "False"}
_ALLOWED_TYPES = {"str", "bool", "dict", "list", "int", "float"}


def _pscript():
    try:
        import pscript
    except ImportError as exc:
        raise BuildError("PScript is needed for the first stage: pip install "
                         f"pscript=={PSCRIPT_VERSION}") from exc
    if pscript.__version__ != PSCRIPT_VERSION:
        raise BuildError(f"PScript {pscript.__version__} found; the build is pinned to "
                         f"{PSCRIPT_VERSION} (its helpers are patched by exact pattern)")
    return pscript


def sources(root=None):
    """[(filename, source)] of the compiled modules, in MODULES order."""
    base = os.path.join(root or modlib.sdk_root(), modlib.PACKAGE)
    out = []
    for name in MODULES:
        with open(os.path.join(base, *name.split("/")) + ".py", encoding="utf-8") as f:
            out.append((modlib.PACKAGE + "/" + name + ".py", f.read()))
    return out


class _Checker(ast.NodeVisitor):
    def __init__(self, filename, problems, defined):
        self.filename = filename
        self.problems = problems
        self.defined = defined        # names defined at top level by any compiled module
        self.local_names = set()

    def trap(self, node, kind):
        self.problems.append(f"{self.filename}:{getattr(node, 'lineno', 0)}: {TRAPS[kind]}")

    def visit_Import(self, node):
        self.trap(node, "import")

    def visit_ImportFrom(self, node):
        if node.level != 1 or any(a.name == "*" or a.asname for a in node.names):
            self.trap(node, "import")

    def visit_Set(self, node):
        self.trap(node, "set")
        self.generic_visit(node)

    def visit_SetComp(self, node):
        self.trap(node, "set")

    def visit_DictComp(self, node):
        self.trap(node, "comprehension")

    def visit_ListComp(self, node):
        if len(node.generators) != 1:
            self.trap(node, "comprehension")
        self.generic_visit(node)

    visit_GeneratorExp = visit_SetComp

    def visit_ClassDef(self, node):
        self.trap(node, "class")

    def visit_Yield(self, node):
        self.trap(node, "generator")

    visit_YieldFrom = visit_Await = visit_AsyncFunctionDef = visit_Yield

    def visit_With(self, node):
        self.trap(node, "with")

    def visit_Global(self, node):
        self.trap(node, "global")

    visit_Nonlocal = visit_Global

    def visit_Delete(self, node):
        self.trap(node, "del")

    def visit_For(self, node):
        if node.orelse:
            self.trap(node, "chained")
        self.generic_visit(node)

    visit_While = visit_For

    def visit_FunctionDef(self, node):
        a = node.args
        if a.vararg or a.kwarg or a.kwonlyargs or a.posonlyargs:
            self.trap(node, "star")
        if node.decorator_list:
            self.trap(node, "class")
        self.generic_visit(node)

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.Mod):
            self.trap(node, "mod")
        if isinstance(node.op, ast.Mult) and any(
                isinstance(x, (ast.List, ast.JoinedStr)) or
                (isinstance(x, ast.Constant) and isinstance(x.value, str))
                for x in (node.left, node.right)):
            self.trap(node, "repeat")
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        if isinstance(node.op, ast.Mod):
            self.trap(node, "mod")
        self.generic_visit(node)

    def visit_Compare(self, node):
        for op, right in zip(node.ops, node.comparators):
            if isinstance(op, (ast.Is, ast.IsNot)) and not (
                    isinstance(right, ast.Constant) and right.value in (None, True, False)):
                self.trap(node, "is")
        self.generic_visit(node)

    def visit_Dict(self, node):
        for k in node.keys:
            if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                self.trap(node, "dict-key")
        self.generic_visit(node)

    def visit_Call(self, node):
        if node.keywords:
            self.trap(node, "keyword")
        if any(isinstance(a, ast.Starred) for a in node.args):
            self.trap(node, "star")
        f = node.func
        if isinstance(f, ast.Name):
            if f.id == "isinstance":
                t = node.args[1] if len(node.args) == 2 else None
                if not (isinstance(t, ast.Name) and t.id in _ALLOWED_TYPES):
                    self.trap(node, "isinstance")
            elif f.id not in _ALLOWED_BUILTINS and f.id not in self.defined \
                    and f.id not in self.local_names:
                self.trap(node, "builtin")
        self.generic_visit(node)


def _top_level_names(node):
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    return []


def reachable(sources, exports=EXPORTS):
    """[(filename, [top-level statements])]: only what the exports use, transitively.

    The validator's message helpers (``util.clip`` ...) share modules with the decision but
    never run in the first stage; they are neither compiled nor held to the trap list.
    """
    parsed = [(filename, ast.parse(source, filename).body) for filename, source in sources]
    defs = {}
    for _filename, body in parsed:
        for node in body:
            for name in _top_level_names(node):
                defs[name] = node
    missing = [name for name in exports if name not in defs]
    if missing:
        raise BuildError("first-stage exports not defined by the engine: " + ", ".join(missing))
    todo = list(exports)
    seen = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for sub in ast.walk(defs[name]):
            if isinstance(sub, ast.Name) and sub.id in defs and sub.id not in seen:
                todo.append(sub.id)
    keep = {id(defs[name]) for name in seen}
    return [(filename, [node for node in body if id(node) in keep]) for filename, body in parsed]


def check_portable(sources, exports=EXPORTS):
    """Refuse engine code PScript would translate with other semantics. Raises BuildError."""
    problems = []
    owner = {}
    for filename, source in sources:
        for node in ast.parse(source, filename).body:
            for name in _top_level_names(node):
                if name in owner and owner[name] != filename:
                    problems.append(f"{filename}:{node.lineno}: {TRAPS['duplicate']}: {name!r} "
                                    f"is also defined in {owner[name]}")
                owner.setdefault(name, filename)
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and (
                    node.level != 1 or any(a.name == "*" or a.asname for a in node.names))):
                problems.append(f"{filename}:{node.lineno}: {TRAPS['import']}")
    for filename, body in reachable(sources, exports):
        checker = _Checker(filename, problems, set(owner))
        for node in body:
            for sub in ast.walk(node):
                if isinstance(sub, ast.FunctionDef):
                    checker.local_names.update(a.arg for a in sub.args.args)
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    checker.local_names.add(sub.id)
            checker.visit(node)
    if problems:
        raise BuildError("engine code the first stage's compiler (PScript) would translate "
                         "with other semantics:\n  " + "\n  ".join(problems))


def _joined(sources, exports=EXPORTS):
    """One Python source: the reachable top-level statements of every module, in order."""
    return "\n\n".join(ast.unparse(node) for _f, body in reachable(sources, exports)
                       for node in body)


def _parser_class(pscript):
    class Parser(pscript.Parser):
        """PScript with Python's meaning for len() and isinstance(x, int | float), and shorter
        code for type tests and comparisons with a string literal."""

        def function_len(self, node):
            if len(node.arg_nodes) != 1:
                return None
            return "_cz_len(", pscript.parser0.unify(self.parse(node.arg_nodes[0])), ")"

        def function_isinstance(self, node):
            kind = getattr(node.arg_nodes[1], "name", None) if len(node.arg_nodes) == 2 else None
            if kind in _TYPE_TESTS:
                ob = pscript.parser0.unify(self.parse(node.arg_nodes[0]))
                return _TYPE_TESTS[kind] + "(", ob, ")"
            return super().function_isinstance(node)

        # str methods called with string literals are the JS methods of the same meaning: no
        # PScript helper (which dispatches on the receiver's type at run time) is needed.
        def _literal_args(self, node, count):
            args = node.arg_nodes
            if node.kwarg_nodes or len(args) != count or \
                    not all(isinstance(a, pscript.commonast.Str) for a in args) or args[0].value == "":
                return None     # the first one non-empty: "".split("") differs from Python
            return [pscript.parser0.unify(self.parse(a)) for a in args]

        def method_split(self, node, base):
            args = self._literal_args(node, 1)
            if args is None:
                return super().method_split(node, base)
            return "%s.split(%s)" % (base, args[0])

        def method_replace(self, node, base):
            args = self._literal_args(node, 2)   # Python replaces every occurrence
            if args is None:
                return super().method_replace(node, base)
            return "%s.split(%s).join(%s)" % (base, args[0], args[1])

        def method_startswith(self, node, base):
            args = self._literal_args(node, 1)
            if args is None:
                return super().method_startswith(node, base)
            return "%s.startsWith(%s)" % (base, args[0])

        def method_find(self, node, base):
            args = self._literal_args(node, 1)
            if args is None:
                return super().method_find(node, base)
            return "%s.indexOf(%s)" % (base, args[0])

        def method_lower(self, node, base):
            return super().method_lower(node, base) if node.arg_nodes else "%s.toLowerCase()" % base

        def method_upper(self, node, base):
            return super().method_upper(node, base) if node.arg_nodes else "%s.toUpperCase()" % base

        def parse_BinOp(self, node):
            # `*` is arithmetic only (the trap list refuses str and list repetition)
            if node.op == node.OPS.Mult:
                left = pscript.parser0.unify(self.parse(node.left_node))
                right = pscript.parser0.unify(self.parse(node.right_node))
                return "(%s * %s)" % (left, right)
            return super().parse_BinOp(node)

        def parse_Compare(self, node):
            # `x == "literal"` is `x === "literal"` in both languages (PScript calls a deep
            # equality helper for every ==)
            if node.op in (node.COMP.Eq, node.COMP.NotEq) and (
                    isinstance(node.left_node, pscript.commonast.Str) or
                    isinstance(node.right_node, pscript.commonast.Str)):
                left = pscript.parser0.unify(self.parse(node.left_node))
                right = pscript.parser0.unify(self.parse(node.right_node))
                return "(%s %s %s)" % (left, "===" if node.op == node.COMP.Eq else "!==", right)
            return super().parse_Compare(node)

    return Parser


# isinstance(x, T) -> these tests (PScript's own is a long Object.prototype.toString idiom).
_TYPE_TESTS = {"int": "_cz_is_int", "float": "_cz_is_float", "str": "_cz_is_str",
               "bool": "_cz_is_bool", "dict": "_cz_isdict", "list": "Array.isArray"}

# What the patched helpers and the parser subclass call. A JS number is an "int" when it is
# integral (JSON cannot tell 1.0 from 1), a "float" otherwise; a bool is an int, as in Python.
PRELUDE = """var _cz_own = Object.prototype.hasOwnProperty;
var _cz_isdict = function (x) {
    return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
};
var _cz_len = function (x) {
    return (typeof x === 'string' || Array.isArray(x)) ? x.length : Object.keys(x).length;
};
var _cz_is_int = function (x) { return typeof x === 'boolean' || Number.isInteger(x); };
var _cz_is_float = function (x) { return typeof x === 'number' && !Number.isInteger(x); };
var _cz_is_str = function (x) { return typeof x === 'string'; };
var _cz_is_bool = function (x) { return typeof x === 'boolean'; };
var _cz_iter = function (s) {
    return (typeof s === 'object' && !Array.isArray(s)) ? Object.keys(s) : s;
};
"""

# PScript's `for x in seq` first turns a dict into its keys, in four lines per loop; one helper.
_LOOP_KEYS = re.compile(r'if \(\(typeof (\w+) === "object"\) && \(!Array\.isArray\(\1\)\)\) '
                        r'\{ \1 = Object\.keys\(\1\);\}')

# (pattern, replacement): rewrites of PScript's helper text. `x.constructor` is shadowed by a
# dict key "constructor"; `this[key] !== undefined` finds inherited members ("toString").
_HELPER_PATCHES = (
    (r"(\b[\w.]+)\.constructor (?:===|==) Object", r"_cz_isdict(\1)"),
    (r"(\b[\w.]+)\.constructor !== Object", r"!_cz_isdict(\1)"),
    (r"(\b[\w.]+)\.constructor (?:===|==) String", r"(typeof \1 === 'string')"),
    (r"(\b[\w.]+)\.constructor !== String", r"(typeof \1 !== 'string')"),
    (r"if \(this\[key\] !== undefined\)", r"if (_cz_own.call(this, key) && this[key] !== undefined)"),
    (r"var res = this\[i\]\n", r"var res = _cz_own.call(this, i) ? this[i] : undefined;\n"),
    (r"for \(var k in b\) \{if \(a == k\) return true;\}",
     r"if (typeof a === 'string' && _cz_own.call(b, a)) return true;"),
)


def _patched_helpers(pscript, functions, methods):
    text = pscript.stdlib.get_partial_std_lib(functions, methods)
    for pattern, replacement in _HELPER_PATCHES:
        text = re.sub(pattern, replacement, text)
    left = re.findall(r".{0,30}\.constructor\b.{0,20}", text)
    if left:
        raise BuildError("PScript helper dispatches on .constructor after patching (upgrade?): "
                         + "; ".join(left))
    if re.search(r"for \(var \w+ in ", text):
        raise BuildError("PScript helper iterates with for-in (inherited keys) after patching")
    return text


def compile_engine(root=None, exports=EXPORTS):
    """JS statements (unminified, strict) defining the exports and ``__consentryEngine``.

    They go in the same function scope as the first stage (see ``link``); the object is for
    tests, and the minifier drops it from production builds."""
    pscript = _pscript()
    found = sources(root)
    check_portable(found, TEST_EXPORTS)
    parser = _parser_class(pscript)(_joined(found, exports), "consentry/stage1", inline_stdlib=False)
    code = _LOOP_KEYS.sub(r"\1 = _cz_iter(\1);", parser.dump())
    helpers = _patched_helpers(pscript, parser._std_functions, parser._std_methods)
    aliases = ", ".join(f"__e_{name} = {name}" for name in exports)
    table = ", ".join(f"{name}: {name}" for name in exports)
    return (PRELUDE + helpers + "\n" + code + "\nvar " + aliases + ";\n"
            + "var __consentryEngine = {" + table + "};\n")


def link(shell, exports=EXPORTS):
    """The first stage's shell calls the engine as ``E.name(...)``; each becomes the local alias
    ``__e_name`` (which the minifier shortens; an object's properties it would keep)."""
    used = set(re.findall(r"\bE\.(\w+)", re.sub(r"//[^\n]*", "", shell)))   # code, not comments
    unknown = sorted(used - set(exports))
    if unknown:
        raise BuildError("stage1.js calls engine functions that are not exported: " + ", ".join(unknown))
    return re.sub(r"\bE\.(\w+)", r"__e_\1", shell)


def decision_config(config):
    """The fields of a normalised configuration that the first stage's decision and Consent Mode
    read; texts, UI and cookie declarations stay in the SDK file. Same decisions as the whole
    configuration (tests/unit/test_fastpath.py checks it on every case table)."""
    cats = []
    for cat in config["categories"]:
        cats.append({"id": cat["id"], "basis": cat["basis"], "saleOrShare": cat["saleOrShare"],
                     "services": [{"id": svc["id"]} for svc in cat["services"]]})
    return {"revision": config["revision"], "cookie": {"name": config["cookie"]["name"]},
            "mode": config["mode"],
            "gpc": config["gpc"], "categories": cats, "consentMode": config["consentMode"]}
