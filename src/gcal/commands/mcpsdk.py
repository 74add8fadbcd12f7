"""The MCP SDK's stdio server, imported without the parts of the SDK that serving over stdio
never runs.

`from mcp.server.lowlevel import Server` first runs `mcp/__init__.py` and `mcp/server/__init__.py`,
and these import the whole SDK: the client and its transports, the high-level `MCPServer`
with its resources and prompts, their HTTP libraries. A stdio server uses none of it, and
importing it is most of the time between starting `gcal mcp` and its first answer. `load()`
imports the low-level server and the stdio transport with those two package modules standing
in unexecuted: each runs its real `__init__` the first time something asks it for a name it
has not got (`from mcp import ClientSession`, `mcp.Client`), so nothing the SDK offers is
missing, only imported when asked for.

This relies on the SDK's layout (packages `mcp` and `mcp.server`, `mcp.server.lowlevel.Server`,
`mcp.server.stdio.stdio_server`, the types in `mcp_types`), which pyproject's `mcp` extra pins.
If the layout differs or the lean import fails in any way, `load()` forgets what it imported
of `mcp` and imports the plain way: slower, never broken.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import importlib.util
import logging
import sys
import threading
from types import ModuleType
from typing import Any, Callable, Iterator, Tuple

#: the package modules whose `__init__` imports the whole SDK, outermost first
PACKAGES = ("mcp", "mcp.server")

log = logging.getLogger("gcal")


class _Layout(Exception):
    """The SDK is not laid out as expected: import it the plain way."""


def load() -> Tuple[Any, Any, Any]:
    """The SDK's (types module, low-level `Server`, `stdio_server`); ImportError without it."""
    with _no_collection(), _models_built_when_first_used():
        before = set(sys.modules)
        try:
            _stand_in_packages()
            return _import()
        except Exception as exc:  # any surprise: the plain import, which tells its own errors
            log.debug("mcp: lean import of the SDK failed (%s); importing all of it", exc)
            _forget(before)
            return _import()


def _import() -> Tuple[Any, Any, Any]:
    import mcp_types
    from mcp.server.lowlevel import Server
    from mcp.server.stdio import stdio_server

    return mcp_types, Server, stdio_server


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while the SDK is imported: defining its classes
    makes hundreds of thousands of objects, almost none of them garbage, and the collector
    would walk them again and again (a few per cent of the import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextlib.contextmanager
def _models_built_when_first_used() -> Iterator[None]:
    """Pydantic's `defer_build` for the models the SDK defines while it is imported.

    The SDK's types are several hundred pydantic models (the protocol's messages, once as the
    SDK's own classes and once per protocol version's wire shape); building each one's
    validator when its class is defined is a quarter of the import. A session uses a few dozen,
    so these are built when first used instead ("Whether to defer model validator and
    serializer construction until the first model validation", pydantic's ConfigDict): the
    same validation, later. The setting is set on `BaseModel`'s config only while the SDK is
    imported (classes copy it when they are defined), and left alone if pydantic has no such
    setting or someone set it already.
    """
    try:
        from pydantic import BaseModel, ConfigDict

        config = BaseModel.model_config
        known = "defer_build" in getattr(ConfigDict, "__annotations__", {})
    except Exception:  # no pydantic (no SDK either), or one without it: nothing to set
        yield
        return
    if not known or not isinstance(config, dict) or "defer_build" in config:
        yield
        return
    config["defer_build"] = True
    try:
        yield
    finally:
        config.pop("defer_build", None)


def _stand_in_packages() -> None:
    if any(name in sys.modules for name in PACKAGES):
        return  # imported already (the whole SDK, or stand-ins of an earlier call)
    for name in PACKAGES:
        spec = importlib.util.find_spec(name)  # the parent is a stand-in by now: not executed
        loader = getattr(spec, "loader", None)
        if spec is None or spec.submodule_search_locations is None:
            raise _Layout(f"{name} is not a package")
        if not hasattr(loader, "exec_module"):
            raise _Layout(f"{name} has no loader to run later")
        module = importlib.util.module_from_spec(spec)
        module.__getattr__ = _completer(module, loader)  # type: ignore[attr-defined]
        sys.modules[name] = module
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, module)


def _completer(module: ModuleType, loader: Any) -> Callable[[str], Any]:
    """A module `__getattr__` (PEP 562, asked only for names the module has not got) that runs
    the package's real `__init__` once, then answers as the complete module does."""
    lock = threading.RLock()

    def complete(name: str) -> Any:
        with lock:
            if module.__dict__.get("__getattr__") is complete:
                del module.__dict__["__getattr__"]
                loader.exec_module(module)
        return getattr(module, name)

    return complete


def _forget(before: set) -> None:
    """Drop what a failed lean import left of the SDK's `mcp` package, so that the next import
    runs it from the start; modules of other packages it imported are complete and stay."""
    for name in set(sys.modules) - before:
        if name == "mcp" or name.startswith("mcp."):
            sys.modules.pop(name, None)
    importlib.invalidate_caches()
