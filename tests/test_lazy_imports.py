"""Every name gcal imports resolves, wherever the import sits.

Start-up stays light because most of gcal's imports sit inside the function that needs them; such
an import runs only when that path runs. After a module is split or a function moves, a stale
`from gcal.old_home import moved_name` in a rarely taken branch would fail only in front of a
user. This walks the source, imports every module and name an `import` statement names (at the top
of a file or inside a function), every command module `gcal.cli.app.COMMANDS` lists, every
`module.attribute` read through a module bound by an import, and the console script.
"""

from __future__ import annotations

import ast
import importlib
import pathlib
from typing import Dict, Iterator, List, Tuple

import pytest

import gcal
from gcal.cli.app import COMMANDS, cli

SRC = pathlib.Path(gcal.__file__).parent


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _absolute(path: pathlib.Path, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    package = _module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    package = package[: len(package) - (node.level - 1)]
    return ".".join(package + ([node.module] if node.module else []))


def _resolves(module: str, name: str = "") -> str:
    """'' when `from module import name` (or `import module`) would work, else why not."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        return f"{type(exc).__name__}: {exc}"
    if not name or hasattr(loaded, name):
        return ""
    try:
        importlib.import_module(f"{module}.{name}")
    except ImportError:
        return f"{module} has no {name}"
    return ""


def _gcal_imports() -> Iterator[Tuple[str, int, str, str, Dict[str, str]]]:
    """(file, line, module, name, {local alias: module} of the enclosing scope) per import."""
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = str(path.relative_to(SRC.parent))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                module = _absolute(path, node)
                if module.split(".")[0] != "gcal":
                    continue
                for alias in node.names:
                    if alias.name != "*":
                        yield where, node.lineno, module, alias.name, {}
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "gcal":
                        yield where, node.lineno, alias.name, "", {}


def test_every_imported_gcal_name_resolves() -> None:
    seen = 0
    broken: List[str] = []
    for where, line, module, name, _ in _gcal_imports():
        seen += 1
        why = _resolves(module, name)
        if why:
            broken.append(f"{where}:{line}: {module} {name}: {why}")
    assert seen > 300  # the walk found the imports (most of them inside functions)
    assert not broken, "\n".join(broken)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of one function (or module), not those of the functions nested in it."""
    todo = list(ast.iter_child_nodes(scope))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, _SCOPES):
            todo.extend(ast.iter_child_nodes(node))


def _module_aliases(path: pathlib.Path, scope: ast.AST) -> Dict[str, str]:
    """Local names bound to a gcal module by the imports directly in this scope."""
    aliases: Dict[str, str] = {}
    for node in _own_nodes(scope):
        if isinstance(node, ast.ImportFrom):
            module = _absolute(path, node)
            if module.split(".")[0] != "gcal":
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                spec_path = SRC.parent / candidate.replace(".", "/")
                if spec_path.with_suffix(".py").exists() or spec_path.is_dir():
                    aliases[alias.asname or alias.name] = candidate
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name.split(".")[0] == "gcal":
                    aliases[alias.asname] = alias.name
    return aliases


def _attribute_reads(
    path: pathlib.Path, scope: ast.AST, outer: Dict[str, str]
) -> Iterator[Tuple[int, str, str]]:
    """(line, module, attribute) for each `alias.attribute` read in this scope and those nested
    in it, with the aliases the enclosing scopes bound (shadowing by other assignments aside)."""
    aliases = {**outer, **_module_aliases(path, scope)}
    for node in _own_nodes(scope):
        if isinstance(node, _SCOPES):
            yield from _attribute_reads(path, node, aliases)
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and isinstance(node.ctx, ast.Load)
        ):
            yield node.lineno, aliases[node.value.id], node.attr


def test_every_attribute_read_from_an_imported_gcal_module_exists() -> None:
    """`from gcal.store import db` then `db.moved_function(...)` fails only when run."""
    broken: List[str] = []
    checked = 0
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for line, module, attribute in _attribute_reads(path, tree, {}):
            checked += 1
            if _resolves(module, attribute):
                broken.append(f"{path.relative_to(SRC.parent)}:{line}: {module}.{attribute}")
    assert checked > 50
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_lazily_loaded_command_resolves(name: str) -> None:
    module, _, attr = COMMANDS[name].partition(":")
    assert _resolves(module, attr) == ""
    command = cli.get_command(None, name)  # type: ignore[arg-type]
    assert command is not None and command.name is not None


def test_the_console_script_resolves() -> None:
    pyproject = (SRC.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    scripts = pyproject.split("[project.scripts]", 1)[1].split("\n[", 1)[0]
    targets = [
        line.split("=", 1)[1].strip().strip('"') for line in scripts.splitlines() if "=" in line
    ]
    assert targets
    for target in targets:
        module, _, attr = target.partition(":")
        assert _resolves(module, attr) == "", target
