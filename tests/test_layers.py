"""The package's layers: nothing imports upward, and no two modules import each other.

From the top: `cli` (options and wiring) -> `commands` (one module per command family) ->
`core` (pure functions), `google`, `store` and `render` (I/O) -> the shared modules at the top
of the package (`settings`, `errors`, `paths`, `logs`, ...). The emulator is a separate package
that the product imports only from `gcal.cli` (for `--demo` and `gcal emulator`).
"""

from __future__ import annotations

import ast
import pathlib
from typing import Dict, Set

import gcal

SRC = pathlib.Path(gcal.__file__).parent
RANK = {"shared": 0, "core": 1, "google": 2, "store": 2, "render": 2, "commands": 3, "cli": 4}


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (SRC / parts[1]).is_dir()):
        return parts[1]
    return "shared"


def _imports() -> Dict[str, Set[str]]:
    graph: Dict[str, Set[str]] = {}
    for path in SRC.rglob("*.py"):
        name = _module_name(path)
        targets: Set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module.startswith("gcal"):
                    for alias in node.names:
                        candidate = f"{node.module}.{alias.name}"
                        is_module = (SRC.parent / candidate.replace(".", "/")).with_suffix(
                            ".py"
                        ).exists() or (SRC.parent / candidate.replace(".", "/")).is_dir()
                        targets.add(candidate if is_module else node.module)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names if a.name.startswith("gcal"))
        graph[name] = {t for t in targets if t != name and t != "gcal"}
    return graph


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for module, targets in _imports().items():
        layer = _layer(module)
        if layer == "emulator" or module == "gcal.__main__":
            continue
        for target in targets:
            other = _layer(target)
            if other == "emulator":
                if layer != "cli":
                    wrong.append(f"{module} -> {target}")
            elif RANK.get(other, 0) > RANK.get(layer, 0):
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_the_emulator_imports_nothing_of_the_product_but_errors() -> None:
    for module, targets in _imports().items():
        if _layer(module) == "emulator":
            assert {t for t in targets if _layer(t) != "emulator"} <= {"gcal.errors"}, module


def test_no_import_cycles_in_the_product() -> None:
    graph = {m: t for m, t in _imports().items() if _layer(m) != "emulator"}
    state: Dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []
