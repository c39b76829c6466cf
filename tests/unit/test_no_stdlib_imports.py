"""The engine is compiled by Brython without a standard library: only relative imports of
sibling engine modules, at module top level, without cycles."""
import ast
import os

ENGINE = os.path.join(os.path.dirname(__file__), "..", "..", "sdk", "consentry", "engine")


def _modules():
    return sorted(f for f in os.listdir(ENGINE) if f.endswith(".py"))


def _imports(path):
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), filename=path)
    top = set(id(n) for n in tree.body)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.append((node, [a.name for a in node.names], None, id(node) in top))
        elif isinstance(node, ast.ImportFrom):
            found.append((node, [a.name for a in node.names], node, id(node) in top))
    return found


def test_engine_has_modules():
    assert "config.py" in _modules() and "record.py" in _modules()


def test_only_relative_top_level_imports_and_no_cycles():
    graph = {}
    problems = []
    for fname in _modules():
        mod = fname[:-3]
        graph[mod] = set()
        for node, names, frm, at_top in _imports(os.path.join(ENGINE, fname)):
            where = "%s:%d" % (fname, node.lineno)
            if not at_top:
                problems.append(where + " import not at module top level")
            if frm is None:
                problems.append(where + " absolute import of " + ", ".join(names))
                continue
            if frm.level == 0:
                if not (frm.module or "").startswith("consentry.engine"):
                    problems.append(where + " import from non-engine module " + str(frm.module))
                target = (frm.module or "").split(".")[-1]
            elif frm.level == 1:
                target = frm.module
            else:
                problems.append(where + " relative import leaves the engine package")
                continue
            if target is None:  # from . import x, y
                for n in names:
                    graph[mod].add(n)
            else:
                graph[mod].add(target)
    assert problems == []
    # every imported module exists and there is no cycle
    for mod, deps in graph.items():
        for d in deps:
            assert d in graph, "%s imports unknown engine module %s" % (mod, d)
    state = {}

    def visit(m, stack):
        if state.get(m) == "done":
            return
        assert state.get(m) != "active", "import cycle: " + " -> ".join(stack + [m])
        state[m] = "active"
        for d in sorted(graph[m]):
            visit(d, stack + [m])
        state[m] = "done"

    for m in graph:
        visit(m, [])


def test_detector_catches_bad_imports(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import re\nfrom json import loads\ndef f():\n    from . import util\n")
    kinds = [(frm is None, at_top) for _, _, frm, at_top in _imports(str(bad))]
    assert kinds == [(True, True), (False, True), (False, False)]
