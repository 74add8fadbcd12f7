"""Profile names and folders: a name is checked once (`check_profile_name`: it names a folder
too), a profile other than `default` keeps its own files under `<config>/profiles/NAME`
(`profile_dir`), and the folders there are the profiles on disk (`profiles_on_disk`).

Separate from the config file (`gcal.config`) because a profile's folder is needed where no
config file is read (`gcal auth setup`, the store's path).

Shared layer: this module imports nothing of gcal but `errors` and `paths`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, List

from gcal.errors import UsageError
from gcal.paths import config_dir

if TYPE_CHECKING:
    from pathlib import Path

PROFILE_ENV = "GCAL_PROFILE"
DEFAULT_PROFILE = "default"
PROFILES_FOLDER = "profiles"
PROFILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_profile_name(name: str) -> str:
    """`name` if it can name a profile (and a folder); UsageError otherwise."""
    if not PROFILE_NAME.match(name or ""):
        raise UsageError(
            f"invalid profile name {name!r}: use letters, digits, '.', '_' and '-' "
            "(starting with a letter or digit)"
        )
    return name


def profile_dir(name: str) -> Path:
    """The folder of a profile's own files (`default` has none: it keeps today's paths)."""
    return config_dir() / PROFILES_FOLDER / check_profile_name(name)


def profiles_on_disk() -> List[str]:
    """Profiles that have a folder under `<config>/profiles`."""
    folder = config_dir() / PROFILES_FOLDER
    try:
        names = sorted(p.name for p in folder.iterdir() if p.is_dir())
    except OSError:
        return []
    return [name for name in names if PROFILE_NAME.match(name)]
