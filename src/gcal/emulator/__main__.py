"""`python -m gcal.emulator`: serve the emulator standalone until Ctrl-C.

`serve()` is also what `gcal emulator` calls, so both behave the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional, Union

from gcal.emulator.emulator import Emulator
from gcal.errors import GcalError, UsageError


def serve(
    host: str = "127.0.0.1",
    port: int = 8085,
    data: Union[str, Path, None] = None,
    events: int = 0,
    client_secrets_out: Union[str, Path, None] = None,
    token_lifetime: int = 3600,
) -> int:
    """Run an emulator in the foreground; print where it listens; return 0 after Ctrl-C.

    Data that cannot be loaded and an address that cannot be listened on are UsageErrors
    (exit 2), one line each, for `gcal emulator` and `python -m gcal.emulator` alike.
    """
    from gcal.emulator import clock

    if client_secrets_out is not None:
        _check_writable(str(client_secrets_out))
    try:
        clock.now()
    except ValueError as exc:  # a GCAL_EMULATOR_NOW that names no instant
        raise UsageError(str(exc)) from None
    try:
        emu = Emulator(
            data, extra_events=events, token_lifetime=token_lifetime, host=host, port=port
        )
    except OSError as exc:
        raise UsageError(f"cannot read the emulator data {data}: {exc.strerror or exc}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # ValueError covers bad JSON and the shape checks; the others, data whose values are
        # of the wrong kind deeper inside (say, a start without a date).
        raise UsageError(f"invalid emulator data {data}: {exc}") from None
    try:
        emu.start()
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    try:
        print(f"gcal emulator listening on {emu.base_url}", flush=True)
        print(f"API endpoint: {emu.api_endpoint}", flush=True)
        if client_secrets_out:
            try:
                path = emu.write_client_secrets(client_secrets_out)
            except OSError as exc:  # the folder changed since the check
                raise UsageError(
                    f"cannot write the client secrets to {client_secrets_out}: "
                    f"{exc.strerror or exc}"
                ) from None
            print(f"client secrets written to {path}", flush=True)
        print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)
        thread = emu._thread
        while thread is not None and thread.is_alive():
            thread.join(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


def _check_writable(path: str) -> None:
    """UsageError unless a file can be written at `path`: checked before listening, so a typo
    does not show up only after "listening" was printed."""
    import os

    def cannot(why: str) -> UsageError:
        return UsageError(f"cannot write the client secrets to {path}: {why}")

    if not path.strip():
        raise cannot("the path is empty")
    if os.path.isdir(path):
        raise cannot("it is a directory")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise cannot(f"the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK) or (
        os.path.exists(path) and not os.access(path, os.W_OK)
    ):
        raise cannot("permission denied")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gcal.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8085, help="0 picks a free port")
    parser.add_argument("--data", help="JSON data file (default: the built-in demo account)")
    parser.add_argument("--events", type=int, default=0, help="add N generated events")
    parser.add_argument("--client-secrets-out", help="write a client_secrets.json here")
    parser.add_argument("--token-lifetime", type=int, default=3600)
    args = parser.parse_args(argv)
    if not 0 <= args.events <= 10_000_000:  # more would fill the memory, not serve
        parser.error("--events takes 0 to 10,000,000")
    try:
        return serve(
            args.host,
            args.port,
            args.data,
            args.events,
            args.client_secrets_out,
            args.token_lifetime,
        )
    except KeyboardInterrupt:
        return 0
    except GcalError as exc:
        print(f"gcal emulator: error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(main())
