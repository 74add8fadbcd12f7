"""`gcal auth setup|login|list|status|logout|doctor`."""

from __future__ import annotations

from typing import Optional

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import prepare


@click.group(context_settings=CONTEXT_SETTINGS)
def auth() -> None:
    """Set up, log in, show the stored logins, check them, or log out.

    \b
    Examples:
      gcal auth setup                            (the first time: a guided set-up)
      gcal auth login
      gcal auth login --noauth-local-webserver   (headless, e.g. over SSH)
      gcal auth status
      gcal auth doctor                           (when logging in goes wrong)
      gcal auth list
    """


@auth.command("setup", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--client-secrets-file",
    "client_secrets_file",
    metavar="PATH",
    help="The OAuth client JSON downloaded from the Cloud console: install it without a question.",
)
@click.option("--no-login", is_flag=True, help="Install the client file only; log in later.")
@global_options
@click.pass_context
def auth_setup(ctx: click.Context, client_secrets_file: Optional[str], no_login: bool) -> None:
    """From nothing to your own calendar: make an OAuth client, install it, log in.

    On a terminal, gcal walks you through the Google Cloud console one step at a time (each
    with its link and what to click: a project, the Calendar API, the consent screen, a
    "Desktop app" client, its JSON), then offers the newest client_secret*.json in your
    Downloads folder or asks for the file's path. The file is checked (one line saying what
    to do about each problem, exit 2, nothing installed), installed with mode 600 in the
    config folder (a profile's own folder with --profile), where login finds it, and the
    login runs: in your browser, or by pasting the redirected URL when there is no display or
    over SSH. It ends with how to keep logins from ending after 7 days (an app left in
    Testing).

    Exit status: 0 done, 2 a file that cannot serve (or no terminal and no
    --client-secrets-file), 3 the login failed (the file stays installed), 7 the file
    could not be written.

    \b
    Examples:
      gcal auth setup
      gcal auth setup --client-secrets-file ~/Downloads/client_secret_1234.json
      gcal auth setup --client-secrets-file client_secret.json --no-login --profile work
    """
    from gcal.commands.setup import run_setup

    run_setup(prepare(ctx), client_secrets_file, login=not no_login)


@auth.command("login", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@click.option(
    "--write",
    is_flag=True,
    help="Also ask for the permission to change events (add, edit, delete, rsvp, ...).",
)
@global_options
@click.pass_context
def auth_login(ctx: click.Context, write: bool) -> None:
    """Log in with your Google account and store the token (always a new login).

    Opens a browser on this machine; on a headless machine use --noauth-local-webserver and
    paste the URL your browser ends on. With --profile NAME the login is kept apart, so that
    several accounts (work, personal) can be used side by side. gcal asks only to read your
    calendars; --write adds the permission to change their events (Google keeps what was
    granted before; if you untick it, reading still works).

    \b
    Examples:
      gcal auth login
      gcal auth login --write
      gcal auth login --profile work
      gcal auth login --noauth-local-webserver --write
    """
    from gcal.commands.accounts import login

    login(prepare(ctx), write=write)


@auth.command("list", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_list(ctx: click.Context) -> None:
    """List the profiles: each one's account, token file and token state (never a token).

    A profile exists once it has a folder under the config folder or a [profiles.NAME] table
    in config.toml; `default` is always listed. Nothing is sent to Google.

    \b
    Examples:
      gcal auth list
      gcal auth list --format json
    """
    from gcal import config
    from gcal.cli.runsettings import state_of
    from gcal.commands.accounts import list_profiles

    settings = prepare(ctx)
    state = state_of(ctx)
    if settings.demo:  # the demo's one account only: the user's profiles are not looked at
        rows = list_profiles(lambda _name: settings, [settings.profile])
    else:
        rows = list_profiles(state.build, config.known_profiles(state.config()))
    if settings.format in ("json", "ndjson"):
        import json

        if settings.format == "json":
            click.echo(json.dumps(rows, indent=2))
        else:
            for row in rows:
                click.echo(json.dumps(row))
        return
    if settings.format in ("csv", "tsv"):
        import sys

        from gcal.render.formats import RowWriter
        from gcal.render.terminal import isatty

        # the listings' one row writer: tsv one line a row, cells sanitised on a terminal
        writer = RowWriter(sys.stdout, settings.format, terminal=isatty(sys.stdout))
        columns = ["profile", "account", "state", "credentials_file", "detail"]
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in columns])
        return
    from gcal.core.sanitize import one_line

    width = max(len(row["profile"]) for row in rows)
    for row in rows:
        account = one_line(row.get("account") or "-")  # read from the file: text like any
        detail = f" ({one_line(row['detail'])})" if row.get("detail") else ""
        click.echo(f"{row['profile']:<{width}}  {account}  {row['state']}{detail}")
        click.echo(f"{'':<{width}}  {one_line(row.get('credentials_file', ''))}")


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
        from gcal.core.sanitize import one_line

        for key, value in info.items():
            if isinstance(value, (list, tuple)):
                value = " ".join(str(v) for v in value)
            # the file's account and scopes are text like any other: no escape reaches a terminal
            click.echo(one_line(f"{key}: {'-' if value is None else value}"))
    if not info.get("logged_in"):
        from gcal.google.auth import nothing_set_up

        profile = "" if settings.profile in (None, "default") else f" --profile {settings.profile}"
        if nothing_set_up(settings):  # a login would only fail for want of a client file
            raise AuthError(
                f"not logged in (no credentials at {info['credentials_file']}) and no OAuth "
                f"client file; run `gcal auth setup{profile}`"
            )
        raise AuthError(
            f"not logged in (no credentials at {info['credentials_file']}); "
            f"run `gcal auth login{profile}`"
        )


@auth.command("logout", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_logout(ctx: click.Context) -> None:
    """Revoke the stored token at Google and delete the token file.

    \b
    Examples:
      gcal auth logout
      gcal auth logout --profile work
    """
    from gcal.google import auth as auth_module

    auth_module.logout(prepare(ctx))


@auth.command("doctor", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def auth_doctor(ctx: click.Context) -> None:
    """Check the login step by step and say what to do about each problem.

    \b
    Checks, each one line (ok, warn, fail or skip):
      client secrets  the OAuth client file exists and can serve (a Desktop app client, not
                      the unedited example, every field a download has)
      token file      found, readable (either format), not readable by others
      token refresh   the token endpoint gives a new access token (a refresh token
                      refused about 7 days after the login: the consent screen is in
                      Testing, and how to publish the app)
      scopes          the login granted the calendar scope gcal needs
      clock           this machine's clock against the token endpoint's Date header
      Calendar API    one cheap call (the calendar list)

    Exit status: 0 when nothing failed, 3 when a check failed, 5 when the network did.

    \b
    Examples:
      gcal auth doctor
      gcal auth doctor --profile work
      gcal auth doctor --format json
    """
    from gcal.commands import doctor
    from gcal.errors import GcalError

    settings = prepare(ctx).replace(interactive=False)
    as_json = settings.format in ("json", "ndjson")
    from gcal.core.sanitize import one_line  # a line may quote a file's or a server's text

    results = doctor.run_checks(
        settings,
        (lambda check: None) if as_json else (lambda check: click.echo(one_line(check.line()))),
    )
    if as_json:
        import json

        click.echo(
            json.dumps(doctor.summary(results), indent=2 if settings.format == "json" else None)
        )
    code = doctor.exit_code(results)
    if code:
        failed = [r.name for r in results if r.status == doctor.FAIL]
        raise GcalError(f"auth doctor: {', '.join(failed)} failed", exit_code=code)
