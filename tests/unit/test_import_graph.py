"""The project's import graph: no circles, arrows one way (demo -> assistant -> flight_search -> languages),
gradio only in the UI layer.

Every project .py file is parsed with `ast`; imports inside functions count (they run sooner or
later), imports under `if TYPE_CHECKING:` do not (they never run). Importing `a.b.c` also runs the
`__init__` of `a.b` and `a`, so those count as arrows too, except a module's own parent packages
(already running by the time the module is imported).
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

from ..conftest import ROOT

LAYERS = ("languages", "flight_search", "assistant", "demo")   # an arrow may only point to the left
UI_ONLY = ("gradio", "fastrtc")    # fastrtc imports gradio
BELOW_UI = ("languages", "flight_search", "assistant")


def module_name(path: Path) -> str:
    """The dotted name Python gives the file: its package chain, or the bare stem outside a package
    (bench scripts run with their own folder on sys.path)."""
    parts = [path.stem] if path.name != "__init__.py" else []
    folder = path.parent
    while folder != ROOT and (folder / "__init__.py").exists():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts)


@lru_cache(maxsize=1)
def project_modules() -> dict[str, Path]:
    files = [p for p in ROOT.rglob("*.py") if not any(part.startswith(".") or part == "__pycache__"
                                                      for part in p.relative_to(ROOT).parts)]
    return {module_name(p): p for p in files}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Import nodes that run, skipping the bodies of `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def _absolute(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imported_names(module: str, path: Path) -> set[str]:
    """Every dotted name the module's imports run (project or not), parent packages included."""
    explicit: set[str] = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            explicit.update(alias.name for alias in node.names)
            continue
        source = _absolute(module, path.name == "__init__.py", node)
        explicit.update(f"{source}.{alias.name}" if f"{source}.{alias.name}" in project_modules() else source
                        for alias in node.names)
    parents = {".".join(name.split(".")[:i]) for name in explicit for i in range(1, name.count(".") + 1)}
    own_parents = {".".join(module.split(".")[:i]) for i in range(1, module.count(".") + 1)}
    return (explicit | (parents - own_parents)) - {module}


@lru_cache(maxsize=1)
def graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: {t for t in imported_names(name, path) if t in modules} for name, path in modules.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None."""
    state: dict[str, int] = {}   # 1 on the current path, 2 finished
    for start in sorted(edges):
        if state.get(start):
            continue
        path, stack = [start], [iter(sorted(edges[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges[nxt])))
    return None


def layer(module: str) -> int | None:
    top = module.split(".")[0]
    return LAYERS.index(top) if top in LAYERS else None


def test_the_walker_counts_what_runs(tmp_path):
    source = tmp_path / "probe.py"
    source.write_text(
        "from typing import TYPE_CHECKING\n"
        "from ..events import Event\n"
        "from . import vad\n"
        "if TYPE_CHECKING:\n"
        "    from ..session import Session\n"
        "def later():\n"
        "    from flight_search.providers.http import redact\n", encoding="utf-8")
    names = imported_names("assistant.voice.probe", source)
    assert {"assistant.events", "assistant.voice.vad", "flight_search.providers.http", "flight_search.providers",
            "flight_search", "typing"} <= names
    assert "assistant.session" not in names                  # only for the type checker
    assert not {"assistant", "assistant.voice"} & names       # its own packages are already running


def test_the_walker_sees_the_project():
    edges = graph()
    assert {"languages.registry", "assistant.voice.channel", "demo.ui", "app", "fixed_latency"} <= edges.keys()
    assert edges["languages.registry"] == {"languages.configfile"}
    assert {"assistant.voice", "assistant.voice.voices"} <= edges["assistant.session"]   # one import in a function


def test_the_cycle_finder_reports_the_circle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_circles():
    cycle = find_cycle(graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or [])


def test_imports_point_one_way():
    wrong = sorted(f"{source} -> {target}" for source, targets in graph().items() for target in targets
                   if layer(source) is not None and layer(target) is not None and layer(target) > layer(source))
    assert not wrong, "imports against demo -> assistant -> flight_search -> languages: " + ", ".join(wrong)


def test_only_the_ui_imports_gradio():
    wrong = sorted(f"{name} imports {ui}" for name, path in project_modules().items()
                   if name.split(".")[0] in BELOW_UI
                   for ui in UI_ONLY if ui in imported_names(name, path))
    assert not wrong, "gradio belongs to demo/ and app.py: " + ", ".join(wrong)
