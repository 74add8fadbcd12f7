"""The benchmark's emulator: one process serving a calendar per size, until stdin closes.

Run by `bench.run` in a separate process (so that the emulator's memory and CPU never count
against the client being measured)::

    python -m bench.server --sizes 1000,10000,100000 --client-secrets-out secrets.json

It prints one line, ``READY <base_url>``, once every calendar is generated and the server
listens. Calendar ``events-N`` holds exactly N generated events (eight a day, an hour apart),
so a listing of it has a known length; the primary calendar is empty.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any, Dict, List, Optional, Sequence

USER = "bench@example.com"
ZONE = "Europe/Berlin"


def calendar_id(size: int) -> str:
    """The id of the calendar holding `size` events."""
    return f"events-{size}"


def bench_data(sizes: Sequence[int]) -> Dict[str, Any]:
    """An account with an empty primary calendar and one empty calendar per size."""
    calendars: List[Dict[str, Any]] = [
        {"id": USER, "summary": "Bench", "timeZone": ZONE, "accessRole": "owner", "primary": True}
    ]
    for size in sizes:
        calendars.append(
            {
                "id": calendar_id(size),
                "summary": f"{size} events",
                "timeZone": ZONE,
                "accessRole": "owner",
            }
        )
    return {"user": {"email": USER, "displayName": "Bench"}, "calendars": calendars}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.server", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--client-secrets-out", required=True)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]

    from gcal.emulator import Emulator
    from gcal.emulator.demo import add_generated_events

    emu = Emulator(bench_data(sizes), port=args.port)
    for size in sizes:
        add_generated_events(emu.store, size, calendar_id(size))
    # The events live as long as the process: keep the cyclic GC from rescanning them.
    gc.collect()
    gc.freeze()
    emu.start()
    emu.write_client_secrets(args.client_secrets_out)
    print(f"READY {emu.base_url}", flush=True)
    try:
        sys.stdin.read()  # the parent closes our stdin (or dies) to stop us
    except KeyboardInterrupt:
        pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
