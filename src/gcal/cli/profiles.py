"""The profiles a reading command merges (`--profile` repeated, or `--all-profiles`) and where
each profile's events come from (the API, or its own store with --offline / --cached).

`gcal agenda`, `gcal next`, `gcal week` and `gcal month` share these, so that they choose the
same profiles and read them the same way; `gcal sync` chooses the profiles it syncs so too.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Optional

import click

from gcal.errors import UsageError


def all_profiles_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--all-profiles",
        is_flag=True,
        default=False,
        help="Merge every logged-in profile (see also --profile, repeatable).",
    )(command)


def chosen_profiles(ctx: click.Context, all_profiles: bool, *, offline: bool = False) -> List[Any]:
    """The Settings of each profile to read: --all-profiles (those logged in), or every
    --profile given; a single one is the plain command. With `offline` the first profile's
    settings start no --demo emulator."""
    from gcal.cli.runsettings import prepare, state_of

    settings = prepare(ctx, several_profiles=True, network=not offline)
    state = state_of(ctx)
    if settings.demo:  # the demo's one account; the user's profiles are not looked at
        return [settings]
    if all_profiles:
        if len(settings.profiles) > 1 or state.sources.get("profile") == "command line":
            raise UsageError("--all-profiles cannot be combined with --profile")
        from gcal import config
        from gcal.paths import credentials_path

        chosen = []
        for name in config.known_profiles(state.config()):
            candidate = state.build(name)
            if credentials_path(candidate.credentials).exists():
                chosen.append(candidate)
        if not chosen:
            from gcal.errors import AuthError

            raise AuthError("--all-profiles: no profile is logged in; run `gcal auth login`")
        names = tuple(s.profile for s in chosen)
        return [s.replace(profiles=names, interactive=False) for s in chosen]
    if len(settings.profiles) <= 1:
        return [settings]
    return [settings.replace(interactive=False)] + [
        state.build(name).replace(interactive=False) for name in settings.profiles[1:]
    ]


def source_for(
    filters: Dict[str, Any],
    *,
    offline: bool,
    cached: bool,
    max_age: float,
    several: bool = False,
) -> Optional[Callable[[Any], Any]]:
    """What reads each profile's events: None for the API, else a function giving each
    profile its own store (`--offline`, or `--cached`: synced first when older than
    `max_age`). With `several`, a store's warnings name their profile. Checks first that the
    store can answer `filters`."""
    if not (offline or cached):
        return None
    from gcal.commands import stored

    stored.check_answerable(filters)

    def store_of(settings: Any) -> Any:
        label = f"profile {settings.profile}: " if several else ""
        return stored.StoreSource(settings, offline=offline, max_age=max_age, label=label)

    return store_of
