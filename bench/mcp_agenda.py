"""An MCP client as small as one can be, for the bench: start `gcal mcp`, ask one `agenda`.

    python bench/mcp_agenda.py GCAL START CALENDAR [GCAL_ARGS...]

Starts `GCAL [GCAL_ARGS...] mcp --offline`, sends `initialize`, `notifications/initialized`
and one `tools/call` of `agenda` (START, that week, CALENDAR, the largest limit), reads the
answer, writes its rows as NDJSON on stdout (so the bench counts them as it counts a
listing's), and stops the server at once: the process lasts from starting `gcal mcp` to the
answer. Only the standard library is imported, so the client itself costs no more than
`python -c pass`.
"""

from __future__ import annotations

import json
import subprocess
import sys


def _send(proc: subprocess.Popen, message: dict) -> None:
    assert proc.stdin is not None
    proc.stdin.write(json.dumps(message) + "\n")
    proc.stdin.flush()


def _answer(proc: subprocess.Popen, wanted: int) -> dict:
    assert proc.stdout is not None
    for line in proc.stdout:
        message = json.loads(line)
        if message.get("id") == wanted:
            return message
    raise SystemExit(f"mcp_agenda: the server ended before answering request {wanted}")


def main(argv: list) -> int:
    gcal, start, calendar, *more = argv
    proc = subprocess.Popen(
        [gcal, *more, "mcp", "--offline"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        _send(
            proc,
            {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "protocolVersion": "2025-06-18",
                    "capabilities": {},
                    "clientInfo": {"name": "gcal-bench", "version": "1"},
                },
            },
        )
        _answer(proc, 1)
        _send(proc, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        arguments = {"start": start, "calendars": [calendar], "limit": 2000}
        _send(
            proc,
            {
                "jsonrpc": "2.0",
                "id": 2,
                "method": "tools/call",
                "params": {"name": "agenda", "arguments": arguments},
            },
        )
        answer = _answer(proc, 2)
    finally:
        proc.kill()
        proc.wait()
    result = answer.get("result") or {}
    if result.get("isError") or "structuredContent" not in result:
        print(json.dumps(answer)[:500], file=sys.stderr)
        return 1
    for row in result["structuredContent"]["rows"]:
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
