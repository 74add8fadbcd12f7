"""The config file (`<config>/config.toml`, or `$GCAL_CONFIG`) and profiles.

The file holds defaults for the global options and for the agenda, at the top level and in a
`[profiles.NAME]` table per profile, which overrides the top level for that profile::

    format = "table"
    time_zone = "Europe/Berlin"

    [profiles.work]
    calendars = ["primary", "team@example.com"]
    no_declined = true

The command line wins over the environment, which wins over the profile's table, which wins
over the top level, which wins over gcal's built-in defaults. Every value is checked when the
file is read: an unknown key or a value of the wrong type is one line naming the file, the
line and the key (exit 2), so a typo never silently does nothing.

What the file may set is `gcal.configkeys`; profile names and folders are `gcal.profiles`.

Shared layer: this module imports nothing of gcal but `errors`, `paths`, `record`,
`configkeys` and `profiles`.
"""

from __future__ import annotations

import math
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple, Union

from gcal.configkeys import KEYS, KEYS_BY_NAME, Key
from gcal.errors import UsageError
from gcal.paths import config_folder
from gcal.profiles import DEFAULT_PROFILE, PROFILE_NAME, profile_dir, profiles_on_disk
from gcal.record import Record

if TYPE_CHECKING:  # reading the file needs no pathlib (nor its urllib.parse)
    from pathlib import Path

CONFIG_ENV = "GCAL_CONFIG"
CONFIG_NAME = "config.toml"


# --------------------------------------------------------------------------------------------
# Reading the file


def config_file() -> str:
    """The config file as a string: `$GCAL_CONFIG`, else `<config>/config.toml` (which may
    not exist)."""
    override = os.environ.get(CONFIG_ENV)
    if override:
        return os.path.expanduser(override)
    return os.path.join(config_folder(), CONFIG_NAME)


def config_path() -> Path:
    """The config file: `$GCAL_CONFIG`, else `<config>/config.toml` (which may not exist)."""
    from pathlib import Path

    return Path(config_file())


class Value(Record):
    """A value read from the file and where it was read."""

    __slots__ = ("line", "table", "value")

    def __init__(self, value: Any, line: int, table: Optional[str]) -> None:
        self.value = value
        self.line = line
        self.table = table  # None: top level; else the profile name


class ConfigFile(Record):
    """The checked content of a config file."""

    __slots__ = ("exists", "path", "profiles", "top")

    def __init__(
        self,
        path: Union[str, Path],
        exists: bool,
        top: Optional[Dict[str, Value]] = None,
        profiles: Optional[Dict[str, Dict[str, Value]]] = None,
    ) -> None:
        self.path = path
        self.exists = exists
        self.top: Dict[str, Value] = {} if top is None else top
        self.profiles: Dict[str, Dict[str, Value]] = {} if profiles is None else profiles

    def lookup(self, key: str, profile: str) -> Optional[Value]:
        """The profile table's value for `key`, else the top level's, else None."""
        table = self.profiles.get(profile, {})
        if key in table:
            return table[key]
        return self.top.get(key)


def _toml():
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    import tomli  # the same parser, for Python < 3.11

    return tomli


def _line_of(lines: Sequence[str], key: str, table: Optional[Tuple[str, ...]]) -> int:
    """The 1-based line where `key` is set in `table` (None: the top level); 1 if unknown.

    tomllib gives no positions, so the text is scanned: table headers and `key =` lines. A
    key set as a dotted key or inline table is found by its own name, anywhere.
    """
    current: Tuple[str, ...] = ()
    header = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(#.*)?$")
    assign = re.compile(r"""^\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*=""")
    fallback = 0
    for number, text in enumerate(lines, 1):
        match = header.match(text)
        if match:
            current = tuple(part.strip().strip("\"'") for part in match.group(1).split("."))
            continue
        match = assign.match(text)
        if not match:
            continue
        name = next(group for group in match.groups() if group is not None)
        if name == key:
            if current == (table or ()):
                return number
            fallback = fallback or number
    return fallback or 1


def _check(key: Key, value: Any) -> Optional[str]:
    """None if `value` suits `key`, else what was expected."""
    kind = key.kind
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "int":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "number":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif kind == "str":
        ok = isinstance(value, str) and value.strip() != ""
    elif kind == "strings":
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    elif kind == "ports":
        ok = isinstance(value, list) and all(
            isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 65535 for v in value
        )
    elif kind == "choice":
        ok = isinstance(value, str) and value.lower() in {c.lower() for c in key.choices}
    elif kind == "zone":
        ok = isinstance(value, str) and _is_zone(value)
    else:  # pragma: no cover - a KEYS entry with an unknown kind
        ok = False
    if ok and isinstance(value, (int, float)) and (key.minimum, key.maximum) != (None, None):
        low = -math.inf if key.minimum is None else key.minimum
        high = math.inf if key.maximum is None else key.maximum
        if not (math.isfinite(value) and low <= value <= high):  # nan and inf too
            if key.maximum is None:
                return f"{key.describe()} of at least {key.minimum:g}"
            return f"{key.describe()} from {low:g} to {high:g}"
    return None if ok else key.describe()


def _is_zone(name: str) -> bool:
    """Whether the tz database knows `name` (checked here, so the error names the file)."""
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _shown(value: Any) -> str:
    """What the file holds, for an error: the value itself when it is a short scalar of the
    right type but a wrong value ('xml', 0), so the message says what to change."""
    if isinstance(value, str) and value.strip() and len(value) <= 60:
        return repr(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value!r}"
    return _type_name(value)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _normalize(key: Key, value: Any) -> Any:
    if key.kind == "choice":
        for choice in key.choices:
            if choice.lower() == str(value).lower():
                return choice
    if key.kind == "number":
        return float(value)
    if key.kind in ("strings", "ports"):
        return tuple(value)
    return value


def load(path: Union[str, Path, None] = None) -> ConfigFile:
    """Read and check the config file; a missing default file is an empty config.

    A file named by `$GCAL_CONFIG` must exist. Every problem is a UsageError of one line
    naming the file, the line and the key.
    """
    explicit = path is not None or bool(os.environ.get(CONFIG_ENV))
    path = path or config_file()
    try:
        from gcal.files import read_capped

        raw = read_capped(path)
    except FileNotFoundError:
        if explicit:
            raise UsageError(
                f"config file {path} does not exist (named by ${CONFIG_ENV})"
            ) from None
        return ConfigFile(path, exists=False)
    except OSError as exc:
        raise UsageError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"config file {path}: not UTF-8 text") from None
    toml = _toml()
    try:
        data = toml.loads(text)
    except RecursionError:  # e.g. thousands of nested brackets
        raise UsageError(f"{path}: invalid TOML: nested too deeply") from None
    except toml.TOMLDecodeError as exc:
        detail = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", detail)
        where = f", line {match.group(1)}" if match else ""
        detail = re.sub(r"\s*\(at line \d+, column \d+\)", "", detail)
        raise UsageError(f"{path}{where}: invalid TOML: {detail}") from None
    lines = text.splitlines()
    config = ConfigFile(path, exists=True)
    for name, value in data.items():
        if name == "profiles":
            if not isinstance(value, dict):
                line = _line_of(lines, "profiles", None)
                raise UsageError(
                    f"{path}, line {line}: key 'profiles' must be a table of profiles "
                    "([profiles.NAME]), not " + _type_name(value)
                )
            for profile, table in value.items():
                line = _line_of(lines, profile, ("profiles",))
                if not PROFILE_NAME.match(profile):
                    raise UsageError(f"{path}, line {line}: invalid profile name {profile!r}")
                if not isinstance(table, dict):
                    raise UsageError(
                        f"{path}, line {line}: key 'profiles.{profile}' must be a table, "
                        f"not {_type_name(table)}"
                    )
                config.profiles[profile] = _read_table(
                    path, lines, table, ("profiles", profile), profile
                )
            continue
        config.top.update(_read_table(path, lines, {name: value}, None, None))
    return config


def _read_table(
    path: Path,
    lines: Sequence[str],
    table: Dict[str, Any],
    where: Optional[Tuple[str, ...]],
    profile: Optional[str],
) -> Dict[str, Value]:
    values: Dict[str, Value] = {}
    prefix = "" if profile is None else f"profiles.{profile}."
    for name, value in table.items():
        line = _line_of(lines, name, where)
        key = KEYS_BY_NAME.get(name)
        if key is None:
            hint = _did_you_mean(name)
            raise UsageError(
                f"{path}, line {line}: unknown key '{prefix}{name}'"
                + (f" (did you mean '{hint}'?)" if hint else "")
            )
        expected = _check(key, value)
        if expected is not None:
            raise UsageError(
                f"{path}, line {line}: key '{prefix}{name}' must be {expected}, not {_shown(value)}"
            )
        values[name] = Value(_normalize(key, value), line, profile)
    return values


def _did_you_mean(name: str) -> Optional[str]:
    import difflib

    close = difflib.get_close_matches(name, list(KEYS_BY_NAME), n=1, cutoff=0.6)
    return close[0] if close else None


# --------------------------------------------------------------------------------------------
# Precedence

#: The environment variable of each key that has one (the others are command line only).
ENV_OF: Dict[str, str] = {
    "format": "GCAL_FORMAT",
    "client_secrets": "GCAL_CLIENT_SECRETS",
    "credentials": "GCAL_CREDENTIALS",
    "api_endpoint": "GCAL_API_ENDPOINT",
    "timeout": "GCAL_TIMEOUT",
    "retries": "GCAL_RETRIES",
    "retry_max_time": "GCAL_RETRY_MAX_TIME",
}
COMMAND_LINE = "command line"
ENVIRONMENT = "environment"
DEFAULT = "default"


class Resolved(Record):
    """The effective value of every key for one profile, and where each came from."""

    __slots__ = ("profile", "sources", "values")

    def __init__(self, profile: str, values: Dict[str, Any], sources: Dict[str, str]) -> None:
        self.profile = profile
        self.values = values  # key -> value; None: gcal's built-in default
        self.sources = sources  # key -> "command line", "environment (VAR)", "FILE, line N", ...


def source_of(value: Value, path: Path) -> str:
    where = f"{path}, line {value.line}"
    return where + (f" [profiles.{value.table}]" if value.table else "")


def resolve(given: Dict[str, Tuple[Any, str]], profile: str, config: ConfigFile) -> Resolved:
    """Each key's value: `given` (key -> (value, COMMAND_LINE or ENVIRONMENT)) first, then the
    profile's table, then the file's top level, then the built-in default (None).

    A profile other than `default` keeps its token file in its own folder unless a level above
    names one; `default` keeps today's paths, so nothing existing moves.
    """
    from gcal.paths import CLIENT_SECRETS_NAME, CREDENTIALS_NAME

    values: Dict[str, Any] = {}
    sources: Dict[str, str] = {}
    for key in KEYS:
        if key.name in given:
            value, origin = given[key.name]
            values[key.name] = value
            env = ENV_OF.get(key.name)
            sources[key.name] = (
                f"{ENVIRONMENT} ({env})" if origin == ENVIRONMENT and env else origin
            )
            continue
        found = config.lookup(key.name, profile)
        if found is not None:
            values[key.name] = found.value
            sources[key.name] = source_of(found, config.path)
        else:
            values[key.name] = None
            sources[key.name] = DEFAULT
    if profile != DEFAULT_PROFILE and values.get("credentials") is None:
        values["credentials"] = str(profile_dir(profile) / CREDENTIALS_NAME)
        sources["credentials"] = f"profile {profile}"
    if profile != DEFAULT_PROFILE and values.get("client_secrets") is None:
        own = profile_dir(profile) / CLIENT_SECRETS_NAME  # installed by `gcal auth setup`
        if own.is_file():
            values["client_secrets"] = str(own)
            sources["client_secrets"] = f"profile {profile}"
    return Resolved(profile, values, sources)


def known_profiles(config: Optional[ConfigFile] = None) -> List[str]:
    """`default`, then every profile with a folder or a table in the config file, sorted."""
    names = set(profiles_on_disk())
    if config is not None:
        names.update(config.profiles)
    names.discard(DEFAULT_PROFILE)
    return [DEFAULT_PROFILE, *sorted(names)]
