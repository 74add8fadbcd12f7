"""`gcal config path|show`: where the config file is, and what it makes of each setting."""

from __future__ import annotations

import click

from gcal.cli.options import CONTEXT_SETTINGS, GLOBAL_EPILOG, global_options
from gcal.cli.runsettings import prepare


@click.group("config", context_settings=CONTEXT_SETTINGS)
def config_group() -> None:
    """The config file (config.toml): defaults for the global options and the agenda, and a
    [profiles.NAME] table per profile.

    \b
    Precedence: command line, then environment, then the profile's table, then the top level.
    Example config.toml:
      format = "table"
      time_zone = "Europe/Berlin"
      [profiles.work]
      calendars = ["primary", "team@example.com"]
      no_declined = true
    """


@config_group.command("path", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
def config_path() -> None:
    """Print the config file's path ($GCAL_CONFIG, else <config>/config.toml).

    \b
    Example:
      $EDITOR "$(gcal config path)"
    """
    from gcal import config
    from gcal.cli.runsettings import refuse_typed_format

    refuse_typed_format(click.get_current_context())  # it prints a path, in no other format
    path = config.config_path()
    click.echo(str(path))
    if not path.exists():
        click.echo("gcal: (the file does not exist yet)", err=True)


@config_group.command("show", epilog=GLOBAL_EPILOG, context_settings=CONTEXT_SETTINGS)
@global_options
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Show the effective settings of the profile and where each one came from.

    \b
    Examples:
      gcal config show
      gcal config show --profile work --format json
    """
    from gcal import configkeys
    from gcal.cli.runsettings import state_of

    settings = prepare(ctx)
    state = state_of(ctx)
    resolved = state.resolve(settings.profile)
    rows = []
    for key in configkeys.KEYS:
        value = resolved.values[key.name]
        if isinstance(value, tuple):
            value = list(value)
        if value is None and not isinstance(key.builtin, str):
            value = key.builtin
        rows.append({"key": key.name, "value": value, "source": resolved.sources[key.name]})
    from gcal.config import known_profiles

    # a profile named for the first time is shown what it would get, and told it is new
    profile_exists = resolved.profile in known_profiles(state.config())
    if settings.format in ("json", "ndjson"):
        import json

        document = {
            "profile": resolved.profile,
            "profile_exists": profile_exists,
            "config_file": str(state.config().path),
            "config_file_exists": state.config().exists,
            "settings": rows,
        }
        click.echo(json.dumps(document, indent=2 if settings.format == "json" else None))
        return
    click.echo(f"# profile: {resolved.profile}")
    if not profile_exists:
        click.echo(
            f"# (no profile {resolved.profile} yet: no folder and no [profiles.{resolved.profile}]"
            " table; below is what it would get)"
        )
    exists = "" if state.config().exists else " (does not exist)"
    click.echo(f"# config file: {state.config().path}{exists}")
    width = max(len(row["key"]) for row in rows)
    for row in rows:
        value = row["value"]
        if value is None:
            builtin = configkeys.KEYS_BY_NAME[row["key"]].builtin
            shown = _toml_value(builtin) if not isinstance(builtin, str) else f"({builtin})"
        else:
            shown = _toml_value(value)
        click.echo(f"{row['key']:<{width}} = {shown}  # {row['source']}")


def _toml_value(value: object) -> str:
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)
