"""Where gcal looks for its files: the OAuth client file and the credentials file.

`<config>` is `platformdirs.user_config_dir("gcal")`, or `$GCAL_CONFIG_DIR` when set.
Explicit paths (the `--client-secrets`/`--credentials` options, or their environment variables,
already merged by the CLI) always win.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, List, Optional

from gcal.errors import AuthError, LocalFileError

if TYPE_CHECKING:  # pathlib (with urllib.parse) is imported where a Path is made, not at start
    from pathlib import Path

CLIENT_SECRETS_NAME = "client_secrets.json"
CREDENTIALS_NAME = "calendar.dat"
CONSOLE_HINT = (
    "create one in the Google Cloud console > APIs & Services > Credentials > "
    "Create OAuth client ID > Desktop app > Download JSON"
)


def config_folder() -> str:
    """gcal's configuration folder as a string (not created here): what an answer that only
    reads needs, without importing pathlib."""
    override = os.environ.get("GCAL_CONFIG_DIR")
    if override:
        return os.path.expanduser(override)
    import platformdirs

    return platformdirs.user_config_dir("gcal")


def config_dir() -> Path:
    """gcal's configuration folder (not created here)."""
    from pathlib import Path

    return Path(config_folder())


def _explicit(path: Optional[str]) -> Optional[Path]:
    if path is None or str(path) == "":
        return None
    from pathlib import Path

    return Path(os.path.expanduser(str(path)))


def check_local_file(path: Path) -> Path:
    """`path`, a file found in the current directory, if it is safe to read: owned by this
    user and not writable by others (the link too, when it is one). A file planted in a shared
    folder (/tmp, a shared checkout) could otherwise send the login or the refresh token to
    its planter: AuthError (exit 3) naming the file."""
    if not hasattr(os, "geteuid"):  # Windows: no POSIX owners and modes
        return path
    import stat

    me = os.geteuid()
    try:
        entries = [os.lstat(path), os.stat(path)]
    except OSError:
        return path  # gone meanwhile: reading it fails with its own message
    for st in entries:
        if st.st_uid != me:
            problem = f"it belongs to another user (uid {st.st_uid})"
        elif not stat.S_ISLNK(st.st_mode) and st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            problem = f"others can write to it (mode {stat.S_IMODE(st.st_mode):o})"
        else:
            continue
        raise AuthError(
            f"will not use {path.absolute()} from the current directory: {problem}; "
            "pass the file you mean with --client-secrets/--credentials"
        )
    return path


def client_secrets_candidates(explicit: Optional[str] = None) -> List[Path]:
    """The places searched for the OAuth client file, in order."""
    given = _explicit(explicit)
    if given is not None:
        return [given]
    from pathlib import Path

    return [Path(CLIENT_SECRETS_NAME), config_dir() / CLIENT_SECRETS_NAME]


def find_client_secrets(explicit: Optional[str] = None) -> Path:
    """The OAuth client file to use; AuthError (exit 3) naming where gcal looked if none exists."""
    candidates = client_secrets_candidates(explicit)
    for candidate in candidates:
        if candidate.is_file():
            if not explicit and not candidate.is_absolute():  # ./client_secrets.json
                check_local_file(candidate)
            return candidate
    if explicit:
        where = f"{candidates[0]} does not exist or is not a file"
    else:
        where = "looked in " + " and ".join(str(c.absolute()) for c in candidates)
    raise AuthError(
        f"no OAuth client file ({CLIENT_SECRETS_NAME}): {where}; run `gcal auth setup` (it "
        "says where to get one and installs it), or pass one with --client-secrets PATH"
    )


def credentials_path(explicit: Optional[str] = None) -> Path:
    """The credentials file to read and write (it may not exist yet)."""
    given = _explicit(explicit)
    if given is not None:
        return given
    from pathlib import Path

    local = Path(CREDENTIALS_NAME)
    if local.exists() or local.is_symlink():
        return check_local_file(local)
    folder = config_dir()
    from gcal.files import folder_problem

    problem = folder_problem(folder)
    if problem:  # whoever can write there can swap the token file
        raise LocalFileError(f"will not use the folder {folder}: {problem}")
    return folder / CREDENTIALS_NAME
