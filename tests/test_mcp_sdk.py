"""`gcal.commands.mcpsdk`: the SDK's stdio server imported without the rest of the SDK, the rest
still there when asked for, and the plain import whenever the lean one cannot be done.

Each case runs in a fresh interpreter: what it checks is what an import leaves in
`sys.modules`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("mcp", reason="the MCP SDK (gcal[mcp]) needs Python 3.10 or newer")


def fresh(code: str) -> dict:
    """Run `code` in a new interpreter; the JSON it prints last."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_stdio_server_comes_without_the_rest_of_the_sdk() -> None:
    seen = fresh(
        """
        import json, sys
        from gcal.commands import mcpsdk
        types, Server, stdio_server = mcpsdk.load()
        print(json.dumps({
            "server": Server.__module__,
            "stdio": stdio_server.__module__,
            "types": types.__name__,
            "client": "mcp.client" in sys.modules,
            "mcpserver": "mcp.server.mcpserver" in sys.modules,
        }))
        """
    )
    assert seen == {
        "server": "mcp.server.lowlevel.server",
        "stdio": "mcp.server.stdio",
        "types": "mcp_types",
        "client": False,
        "mcpserver": False,
    }


def test_the_rest_of_the_sdk_is_there_when_asked_for() -> None:
    seen = fresh(
        """
        import json, sys
        from gcal.commands import mcpsdk
        mcpsdk.load()
        from mcp import ClientSession, stdio_client          # the package's own names
        import mcp, mcp.server
        from mcp.server import MCPServer
        from mcp.client.session import ClientSession as Direct
        print(json.dumps({
            "same": ClientSession is Direct,
            "client": "mcp.client" in sys.modules,
            "names": all(hasattr(mcp, n) for n in mcp.__all__),
            "server": all(hasattr(mcp.server, n) for n in mcp.server.__all__),
            "mcpserver": MCPServer.__module__.startswith("mcp.server.mcpserver"),
        }))
        """
    )
    assert seen == dict.fromkeys(("same", "client", "names", "server", "mcpserver"), True)


def test_a_failed_lean_import_falls_back_to_the_plain_one() -> None:
    # the SDK laid out otherwise: its stdio transport cannot be imported while `mcp` has not run
    # its __init__ (here: the first attempt fails); the plain import must still serve
    seen = fresh(
        """
        import importlib.abc, json, sys
        tried = []

        class Once(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "mcp.server.stdio" and not tried:
                    tried.append(name)
                    raise ImportError("laid out otherwise")
                return None

        sys.meta_path.insert(0, Once())
        from gcal.commands import mcpsdk
        types, Server, stdio_server = mcpsdk.load()
        import mcp
        print(json.dumps({
            "tried": tried,
            "stdio": stdio_server.__module__,
            "plain": "mcp.client" in sys.modules and hasattr(mcp, "ClientSession"),
        }))
        """
    )
    assert seen == {"tried": ["mcp.server.stdio"], "stdio": "mcp.server.stdio", "plain": True}


MODELS = """
import gc, json
from pydantic import BaseModel, ValidationError
from gcal.commands import mcpsdk
{load}

class Later(BaseModel):
    x: int

result = types.CallToolResult(
    content=[types.TextContent(text="hi")], structured_content={{"a": 1}}
)
errors = []
for bad in ({{"content": "not a list"}}, {{"content": [{{"type": "text"}}]}}):
    try:
        types.CallToolResult.model_validate(bad)
    except ValidationError as exc:
        errors.append(exc.errors(include_url=False))
print(json.dumps({{
    "dumped": result.model_dump(by_alias=True, exclude_none=True),
    "schema": types.Tool.model_json_schema(),
    "errors": errors,
    "base": "defer_build" in BaseModel.model_config,
    "later": Later.__pydantic_complete__,
    "collecting": gc.isenabled(),
}}, default=str))
"""


def test_the_sdk_models_validate_as_before_and_pydantic_is_left_as_it_was() -> None:
    lean = fresh(MODELS.format(load="types, Server, stdio_server = mcpsdk.load()"))
    plain = fresh(MODELS.format(load="import mcp_types as types, mcp.server.lowlevel"))
    assert lean == plain
    assert lean["dumped"]["content"] == [{"type": "text", "text": "hi"}]
    assert len(lean["errors"]) == 2
    assert lean["base"] is False  # set only while the SDK was imported
    assert lean["later"] is True  # a model defined afterwards is built at once, as usual
    assert lean["collecting"] is True  # the garbage collector runs again after the import
