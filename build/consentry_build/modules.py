"""Find the SDK's modules, check their imports, and order them for the eager AOT loader.

The bundle carries no Brython standard library: an import of anything else would become a
synchronous XHR (and a 404) on every page view. So every import is checked here, at build time,
and the modules are ordered so that each one runs after the modules it imports.
"""

import ast
import importlib.util
import os

from .errors import BuildError

PACKAGE = "consentry"
# The only parts of the package compiled into the bundle: the package itself, the functional core
# and the browser shell. Everything else (the server reader, the CLI, framework integrations, the
# consent log, the scanner) runs only in CPython and may use the standard library.
BUNDLED_PACKAGES = ("consentry.engine", "consentry.shell")


def is_bundled(name):
    """True for the modules the browser runs: ``consentry`` and the packages above."""
    return name == PACKAGE or any(name == p or name.startswith(p + ".") for p in BUNDLED_PACKAGES)

# What shell modules may import from Brython's built-in modules. browser.html is left out on
# purpose: its tag constructors treat a string argument as HTML.
BROWSER_IMPORTS = {"browser": {"window", "document", "console"}, "javascript": None}


class Module:
    def __init__(self, name, path, is_package, source):
        self.name = name
        self.path = path
        self.is_package = is_package
        self.source = source
        self.deps = set()

    @property
    def filename(self):
        """The path Brython shows in tracebacks: relative, stable across machines."""
        return self.name.replace(".", "/") + ("/__init__.py" if self.is_package else ".py")


def without_docstrings(source):
    """The source with every docstring emptied, line numbers unchanged.

    Docstrings say why for readers of the Python; in the bundle they would only be shipped as
    `__doc__` strings to every visitor. Each one is replaced by an empty string padded with the
    same number of newlines, so tracebacks still point at the right lines.
    """
    tree = ast.parse(source)
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and \
                    isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                spans.append(body[0].value)
    if not spans:
        return source
    lines = source.split("\n")
    for node in sorted(spans, key=lambda n: (n.lineno, n.col_offset), reverse=True):
        first, last = node.lineno - 1, node.end_lineno - 1
        head = lines[first][:node.col_offset]
        tail = lines[last][node.end_col_offset:]
        lines[first:last + 1] = [head + '""' + tail] + [""] * (last - first)
    return "\n".join(lines)


# Top-level names of bundled modules that only the build reads: engine.schema's JSON Schema
# patterns (the rules they describe are checked in code in the browser). Cut from the bundle,
# like docstrings, so writing them next to the rules they mirror costs visitors nothing;
# check_build_only refuses a bundled module that would use one at run time.
BUILD_ONLY = {"consentry.engine.schema": ("_URL_CHAR", "PATTERNS")}


def without_build_only(name, source, build_only=BUILD_ONLY):
    """The source of module ``name`` with its top-level assignments to BUILD_ONLY names
    replaced by empty lines (line numbers unchanged)."""
    names = build_only.get(name, ())
    if not names:
        return source
    lines = source.split("\n")
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and all(
                isinstance(t, ast.Name) and t.id in names for t in node.targets):
            lines[node.lineno - 1:node.end_lineno] = [""] * (node.end_lineno - node.lineno + 1)
    return "\n".join(lines)


def check_build_only(modules, build_only=BUILD_ONLY):
    """Refuse a bundled module that reads a BUILD_ONLY name (it would fail in the browser),
    and a BUILD_ONLY name that is no longer assigned (a stale entry)."""
    names = {n for ns in build_only.values() for n in ns}
    problems = []
    for mod in modules.values():
        source = without_build_only(mod.name, mod.source, build_only)
        if mod.name in build_only and source == mod.source:
            problems.append(f"{mod.filename}: assigns none of {', '.join(build_only[mod.name])}")
        for node in ast.walk(ast.parse(source, filename=mod.filename)):
            used = node.id if isinstance(node, ast.Name) else \
                node.attr if isinstance(node, ast.Attribute) else None
            if used in names:
                problems.append(f"{mod.filename}:{node.lineno}: uses {used}, which only the "
                                f"build has (modules.BUILD_ONLY)")
    if problems:
        raise BuildError("build-only names:\n  " + "\n  ".join(problems))


def sdk_root():
    """The folder holding the consentry package: ``sdk/`` in a checkout (editable install),
    ``site-packages`` once installed from a wheel; a bare checkout falls back to ``sdk/``."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is not None and spec.origin:
        return os.path.dirname(os.path.dirname(spec.origin))
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(os.path.dirname(os.path.dirname(here)), "sdk")


def discover(root=None):
    root = root or sdk_root()
    pkg_dir = os.path.join(root, PACKAGE)
    modules = {}
    for dirpath, dirnames, filenames in os.walk(pkg_dir):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(("_", ".")))
        rel = os.path.relpath(dirpath, root).replace(os.sep, ".")
        for fn in sorted(filenames):
            if not fn.endswith(".py"):
                continue
            is_package = fn == "__init__.py"
            name = rel if is_package else f"{rel}.{fn[:-3]}"
            if not is_bundled(name):
                continue
            path = os.path.join(dirpath, fn)
            with open(path, encoding="utf-8") as f:
                modules[name] = Module(name, path, is_package, f.read())
    if PACKAGE not in modules:
        raise BuildError(f"no {PACKAGE}/__init__.py under {root}")
    return modules


def _resolve_relative(module, level, target):
    base = module.name.split(".")
    if not module.is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def check_imports(modules):
    """Record each module's dependencies; reject any import the bundle cannot satisfy."""
    problems = []
    for mod in modules.values():
        try:
            tree = ast.parse(mod.source, filename=mod.filename)
        except SyntaxError as exc:
            line = (exc.text or "").rstrip("\n")
            caret = " " * max((exc.offset or 1) - 1, 0) + "^"
            raise BuildError(f"{mod.filename}:{exc.lineno}: SyntaxError: {exc.msg}\n"
                             f"    {line}\n    {caret}") from None
        in_engine = mod.name.startswith(PACKAGE + ".engine")
        for node in ast.walk(tree):
            if isinstance(node, ast.Match):
                problems.append(f"{mod.filename}:{node.lineno}: 'match' statement (the runtime "
                                f"is built without pattern matching: runtime.SPANS)")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                    node.func.id in ("eval", "exec", "compile"):
                problems.append(f"{mod.filename}:{node.lineno}: {node.func.id}() (no code "
                                f"evaluation at run time)")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    _check_absolute(mod, alias.name, None, node, in_engine, modules, problems)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    target = _resolve_relative(mod, node.level, node.module)
                    for alias in node.names:
                        sub = f"{target}.{alias.name}"
                        dep = sub if sub in modules else target
                        _add_dep(mod, dep, node, modules, problems)
                else:
                    names = [a.name for a in node.names]
                    _check_absolute(mod, node.module, names, node, in_engine, modules, problems)
    if problems:
        raise BuildError("code the bundle cannot run (no Brython stdlib is shipped, no "
                         "run-time compilation):\n  "
                         + "\n  ".join(problems))


def _add_dep(mod, dep, node, modules, problems):
    if dep not in modules:
        problems.append(f"{mod.filename}:{node.lineno}: imports unknown module '{dep}'")
    elif dep != mod.name:
        mod.deps.add(dep)


def _check_absolute(mod, name, fromlist, node, in_engine, modules, problems):
    top = name.split(".")[0]
    if top == PACKAGE:
        if fromlist:
            for item in fromlist:
                sub = f"{name}.{item}"
                _add_dep(mod, sub if sub in modules else name, node, modules, problems)
        else:
            _add_dep(mod, name, node, modules, problems)
        return
    if top in BROWSER_IMPORTS and not in_engine:
        allowed = BROWSER_IMPORTS[top]
        if name != top:
            problems.append(f"{mod.filename}:{node.lineno}: '{name}' is not allowed")
        elif allowed is not None and fromlist and not set(fromlist) <= allowed:
            bad = ", ".join(sorted(set(fromlist) - allowed))
            problems.append(f"{mod.filename}:{node.lineno}: 'from {name} import {bad}' is not "
                            f"allowed (only {', '.join(sorted(allowed))})")
        return
    where = "engine modules must not import the browser" if top in BROWSER_IMPORTS else \
        "the bundle ships no standard library"
    problems.append(f"{mod.filename}:{node.lineno}: import of '{name}' ({where})")


# Modules whose code runs on first use instead of at start-up (loader.js, deferred()): what many
# page views never need. The validator runs only for a page override; the UI and its texts only
# when something is shown (never for a returning visitor with a valid choice).
LAZY = ("consentry.engine.config", "consentry.engine.schema", "consentry.engine.i18n",
        "consentry.shell.ui", "consentry.engine.site_categories", "consentry.engine.consent_mode_map")


def check_lazy(modules, lazy=LAZY):
    """Refuse a module-level `from <lazy module> import name` anywhere: in an eager module it
    would run the lazy module at start-up anyway, silently losing what LAZY is for; in another
    lazy module it fails at run time, since Brython's import does not consult the module-level
    ``__getattr__`` that runs a lazy module."""
    problems = []
    for name in lazy:
        if name not in modules:
            problems.append(f"LAZY names '{name}', which is not an SDK module")
    for mod in modules.values():
        for node in ast.parse(mod.source, filename=mod.filename).body:
            if not isinstance(node, ast.ImportFrom):
                continue
            target = _resolve_relative(mod, node.level, node.module) if node.level else node.module
            if target in lazy:
                problems.append(f"{mod.filename}:{node.lineno}: imports names from the lazy module "
                                f"'{target}' (import the module and use it later)")
    if problems:
        raise BuildError("lazy modules:\n  " + "\n  ".join(problems))


def ordered(modules):
    """Dependencies first; parents before children; ties broken by name (reproducible)."""
    for mod in modules.values():
        parent = mod.name.rpartition(".")[0]
        if parent:
            mod.deps.add(parent)
    order, state = [], {}

    def visit(name, chain):
        if state.get(name) == "done":
            return
        if state.get(name) == "active":
            cycle = " -> ".join(chain[chain.index(name):] + [name])
            raise BuildError(f"import cycle: {cycle} (the bundle loads modules eagerly)")
        state[name] = "active"
        for dep in sorted(modules[name].deps):
            visit(dep, chain + [name])
        state[name] = "done"
        order.append(modules[name])

    for name in sorted(modules):
        visit(name, [])
    return order
