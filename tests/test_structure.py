"""The shape of briefing/: layers that point one way, kinds declared in one list."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "briefing"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """module -> the briefing modules it imports, from every import statement (in functions too)."""
    modules = _modules()
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parent = base[: len(base) - (node.level - 1)]
                    module = ".".join(parent + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets = [module] + [f"{module}.{alias.name}" for alias in node.names]
            graph[name] |= {t for t in targets if t in modules and t != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_briefing_has_no_import_loops():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_kinds_are_read_from_the_list_not_branched_on_or_discovered():
    """No `kind ==` branches, no kind named outside its module, no feature discovery with getattr."""
    from briefing import kinds

    names = list(kinds.by_name())
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"brief\.kind\s*[!=]=", text), path
        assert not any(f'"{name}"' in text for name in names) or path.parent.name == "kinds", path
        assert not re.search(r"(getattr|hasattr)\([^)]*(kind|KIND)", text), path
        assert "model_fields" not in text or path.name == "validate.py", path


def test_raw_ooxml_stays_in_the_ooxml_modules():
    for path in PACKAGE.rglob("*.py"):
        if not path.name.startswith("ooxml"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"\bqn\(|\bOxmlElement\b", text), path


def test_the_command_module_stays_small():
    assert len((PACKAGE / "cli.py").read_text(encoding="utf-8").splitlines()) < 250


def _top_level_names(path: Path) -> set[str]:
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _names_read(path: Path) -> set[str]:
    """Every name a module reads: plain names, attributes (module.NAME) and imported names."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.name.rpartition(".")[2])
    return found


def test_every_name_defined_in_briefing_is_used_somewhere():
    """Ruff sees unused names within a module; this sees across modules: a constant, function or class
    of briefing/ that no module, test, template or script reads is dead code (issue #21 found seven)."""
    code = [
        *PACKAGE.rglob("*.py"),
        *(ROOT / "tests").glob("*.py"),
        ROOT / "build.py",
        *(ROOT / "bench").glob("*.py"),
    ]
    read = set().union(*map(_names_read, code))
    templates = " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "templates").glob("*.j2"))
    unused = {
        f"{path.relative_to(ROOT)}: {name}"
        for path in PACKAGE.rglob("*.py")
        for name in _top_level_names(path)
        if not name.startswith("__") and name not in read and not re.search(rf"\b{name}\b", templates)
    }
    assert not unused, sorted(unused)


def test_the_unused_name_finder_finds_one(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("USED = 1\nUNUSED = 2\n\n\ndef f():\n    return USED\n", encoding="utf-8")
    assert _top_level_names(module) - _names_read(module) == {"UNUSED", "f"}
