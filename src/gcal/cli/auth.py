"""`gcal auth login|status|logout`."""

from __future__ import annotations

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options, prepare


@click.group(context_settings=CONTEXT_SETTINGS)
def auth() -> None:
    """Log in, show the stored login, or log out."""


@auth.command("login", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_login(ctx: click.Context) -> None:
    """Log in with your Google account and store the token (always a new login).

    Opens a browser on this machine; on a headless machine use --noauth-local-webserver and
    paste the URL your browser ends on.
    """
    from gcal.google import auth as auth_module

    auth_module.login(prepare(ctx))


@auth.command("status", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_status(ctx: click.Context) -> None:
    """Show which token file is used, for which account, client and scopes, and until when
    (no secrets).

    The account is the login's email (from its id token) or else the primary calendar's id,
    which takes one API call. Exit status 3 when not logged in.

    \b
    Examples:
      gcal auth status
      gcal auth status --format json
    """
    from gcal.commands.accounts import status_with_account
    from gcal.errors import AuthError

    settings = prepare(ctx)
    info = status_with_account(settings)
    if settings.format in ("json", "ndjson"):
        import json

        click.echo(json.dumps(info, indent=None if settings.format == "ndjson" else 2))
    else:
        for key, value in info.items():
            if isinstance(value, (list, tuple)):
                value = " ".join(str(v) for v in value)
            click.echo(f"{key}: {'-' if value is None else value}")
    if not info.get("logged_in"):
        raise AuthError(
            f"not logged in (no credentials at {info['credentials_file']}); run `gcal auth login`"
        )


@auth.command("logout", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_logout(ctx: click.Context) -> None:
    """Revoke the stored token at Google and delete the token file."""
    from gcal.google import auth as auth_module

    auth_module.logout(prepare(ctx))
