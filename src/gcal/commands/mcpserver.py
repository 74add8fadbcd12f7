"""`gcal mcp`: the tools of `gcal.commands.mcptools` served over stdio with the official MCP
Python SDK (the optional extra `gcal[mcp]`).

The SDK is imported here only, when `gcal mcp` runs: no other command pays for it. Each tool
call runs on a worker thread, one at a time (the commands write to buffers and the store is
one SQLite file), so the protocol stays answered while a sync runs. A tool's failure is a tool
error (`isError`) with one plain line; the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Dict

from gcal import __version__
from gcal.commands.mcptools import ToolContext, ToolError, call, tools
from gcal.errors import GcalError

INSTALL_HINT = "gcal mcp needs the MCP SDK: pip install 'gcal[mcp]' (Python 3.10 or newer)"

INSTRUCTIONS = (
    "gcal answers questions about the user's Google Calendar from a local store kept current "
    "with the Calendar API. Times are RFC 3339; every answer names the user's time zone "
    "(timeZone). Answers are cut at 'limit' rows and say so (truncated)."
)


def available() -> bool:
    """Whether the SDK can be imported (it needs Python 3.10 or newer)."""
    import importlib.util

    try:
        return importlib.util.find_spec("mcp") is not None
    except (ImportError, ValueError):
        return False


def serve(ctx: ToolContext) -> None:
    """Serve the tools on stdin/stdout until the client closes the connection."""
    try:
        import anyio

        from gcal.commands import mcpsdk

        types, Server, stdio_server = mcpsdk.load()
    except ImportError:
        raise GcalError(INSTALL_HINT, exit_code=2) from None

    lock = threading.Lock()
    log = logging.getLogger("gcal")

    def run_tool(name: str, arguments: Any) -> Dict[str, Any]:
        with lock:
            return call(ctx, name, arguments)

    async def list_tools(_ctx: Any, _params: Any) -> Any:
        return types.ListToolsResult(
            tools=[
                types.Tool(
                    name=tool.name,
                    description=tool.description,
                    input_schema=tool.schema,
                    annotations=types.ToolAnnotations(
                        read_only_hint=not tool.writes,
                        destructive_hint=tool.name == "delete_event",
                        idempotent_hint=not tool.writes,
                        open_world_hint=False,
                    ),
                )
                for tool in tools(ctx.writes)
            ]
        )

    async def call_tool(_ctx: Any, params: Any) -> Any:
        try:
            data = await anyio.to_thread.run_sync(run_tool, params.name, params.arguments)
        except ToolError as exc:
            return _error(types, str(exc))
        except Exception as exc:  # a bug: one line, the traceback only in the debug log
            log.debug("tool %s failed", params.name, exc_info=True)
            return _error(types, f"gcal could not answer: unexpected {type(exc).__name__}")
        summary = str(data.get("summary") or "")
        body = json.dumps(data, ensure_ascii=False)
        return types.CallToolResult(
            content=[types.TextContent(text=summary), types.TextContent(text=body)],
            structured_content=data,
        )

    server: Any = Server(
        "gcal",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def _error(types: Any, message: str) -> Any:
    return types.CallToolResult(content=[types.TextContent(text=message)], is_error=True)
