"""`gcal emulator`: serve the bundled Calendar API emulator."""

from __future__ import annotations

from typing import Optional

import click

from gcal.cli.options import CONTEXT_SETTINGS


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8085, show_default=True, help="0: any."
)
@click.option(
    "--data",
    type=click.Path(exists=True, dir_okay=False),
    help="Calendars and events as JSON (default: the demo account).",
)
@click.option(
    "--events",
    "extra_events",
    type=click.IntRange(min=0, max=10_000_000),  # more would fill the memory, not serve
    default=0,
    help="Add N generated events to the primary calendar (for benchmarks; at most 10,000,000).",
)
@click.option(
    "--client-secrets-out",
    metavar="PATH",
    help="Write a client-secrets file that points gcal at this emulator.",
)
@click.option(
    "--token-lifetime",
    type=click.IntRange(min=1),
    default=3600,
    show_default=True,
    help="Seconds an access token stays valid.",
)
def emulator(
    host: str,
    port: int,
    data: Optional[str],
    extra_events: int,
    client_secrets_out: Optional[str],
    token_lifetime: int,
) -> None:
    """Serve the bundled Calendar API emulator (OAuth endpoints, reads and event writes).

    \b
    Try:  gcal emulator --port 8085 --client-secrets-out emu.json
    then: gcal --client-secrets emu.json --credentials emu.dat \\
               --api-endpoint http://127.0.0.1:8085/calendar/v3/ calendars
    """
    from gcal.emulator.__main__ import serve

    serve(
        host=host,
        port=port,
        data=data,
        events=extra_events,
        client_secrets_out=client_secrets_out,
        token_lifetime=token_lifetime,
    )
