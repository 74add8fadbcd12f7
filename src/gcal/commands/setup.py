"""`gcal auth setup`: from nothing to a working login, once.

On a terminal it walks through the Google Cloud console one step at a time (each with its direct
link and what to click), then asks for the downloaded client file: a path typed or dropped onto
the terminal, or the newest `client_secret*.json` in the Downloads folder, offered for
confirmation. The file is checked with the rules login and doctor use
(`gcal.google.client_secrets`), installed as the profile's client file (mode 0600, in the config
folder, where login looks by default) and the login runs: in the browser, or by pasting the
redirected URL when there is no display or the session is over SSH.

`--client-secrets-file PATH` does the same without a question. A file that cannot serve is one
line saying what to do (exit 2) and nothing is installed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shlex
import sys
import tempfile
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from gcal import logs
from gcal.errors import AuthError, GcalError, UsageError
from gcal.settings import Settings


class ClientFileUsageError(UsageError):
    """A client file setup cannot install: the one line of the shared rules, exit 2."""


CONSOLE = "https://console.cloud.google.com"
# (what, link, what to click)
STEPS: Sequence[Tuple[str, str, str]] = (
    (
        "Create a project (or pick one you have)",
        f"{CONSOLE}/projectcreate",
        'Name it "gcal", click Create, and keep it selected in the bar at the top.',
    ),
    (
        "Enable the Google Calendar API",
        f"{CONSOLE}/apis/library/calendar-json.googleapis.com",
        "Click Enable.",
    ),
    (
        "Configure the consent screen",
        f"{CONSOLE}/auth/overview",
        'Click Get started: app name "gcal", your address as support email, Next;\n'
        "Audience External, Next; your address as contact, Next; agree, Create.\n"
        "Then Audience > Test users > Add users: your own address, Save.",
    ),
    (
        "Create an OAuth client of type Desktop app",
        f"{CONSOLE}/auth/clients/create",
        'Application type "Desktop app", name "gcal", Create.',
    ),
    (
        "Download its JSON",
        f"{CONSOLE}/auth/clients",
        "Click Download JSON in the dialog that shows the new client (or the download\n"
        "icon on its row): a file named client_secret_....json.",
    ),
)
TESTING_TRAP = (
    "Note: while the app is in Testing, Google ends each login after 7 days (gcal then says",
    "invalid_grant and `gcal auth doctor` explains it). To stay logged in, publish it once:",
    f"  {CONSOLE}/auth/audience > Publish app > Confirm",
    "For your own use no verification is needed; at the next login Google warns that the app",
    'is unverified: click Advanced > "Go to gcal (unsafe)" (it is your own app).',
)
ATTEMPTS = 3


def _say(line: str = "") -> None:
    from gcal.core.sanitize import one_line  # a file name in Downloads may carry escapes

    sys.stderr.write(one_line(line) + "\n")
    sys.stderr.flush()


def _ask(prompt: str) -> str:
    """One answer from stdin; UsageError at the end of input."""
    try:
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
    except KeyboardInterrupt:
        _say()
        raise
    if not line:
        _say()
        raise UsageError(
            "no answer (end of input); run `gcal auth setup --client-secrets-file PATH` with "
            "the downloaded file"
        )
    return line.strip()


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (AttributeError, ValueError, OSError):
        return False


# --------------------------------------------------------------------------------------------
# Where things are


def downloads_dir() -> Optional[Path]:
    """The user's Downloads folder: `$XDG_DOWNLOAD_DIR`, else platformdirs' answer."""
    given = os.environ.get("XDG_DOWNLOAD_DIR")
    if given:
        return Path(given).expanduser()
    try:
        import platformdirs

        return Path(platformdirs.user_downloads_dir())
    except Exception:  # an odd platform: no offer, the path is asked for
        return None


def newest_download(folder: Optional[Path]) -> Optional[Path]:
    """The newest `client_secret*.json` in `folder`, if any."""
    if folder is None:
        return None
    found = []
    with contextlib.suppress(OSError):
        for path in folder.glob("client_secret*.json"):
            with contextlib.suppress(OSError):
                if path.is_file():
                    found.append((path.stat().st_mtime, path))
    return max(found)[1] if found else None


def install_path(settings: Settings) -> Path:
    """Where the profile's client file goes: the config folder (a profile's own folder), or
    the demo's temporary folder."""
    from gcal.paths import CLIENT_SECRETS_NAME, config_dir
    from gcal.profiles import DEFAULT_PROFILE, profile_dir

    if settings.demo and settings.client_secrets:
        return Path(settings.client_secrets)
    if settings.profile and settings.profile != DEFAULT_PROFILE:
        return profile_dir(settings.profile) / CLIENT_SECRETS_NAME
    return config_dir() / CLIENT_SECRETS_NAME


def typed_path(text: str) -> Path:
    """A path as typed or dropped onto a terminal: quoted ('/a b/x.json'), escaped (/a\\ b), or
    a file:// URL; `~` expanded."""
    text = text.strip()
    if text.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        text = unquote(urlsplit(text).path)
    elif text[:1] in ("'", '"') or ("\\" in text and os.name != "nt"):  # C:\ stays
        with contextlib.suppress(ValueError):
            words = shlex.split(text)
            if len(words) == 1:
                text = words[0]
    return Path(os.path.expanduser(text))


# --------------------------------------------------------------------------------------------
# Checking and installing


def check(path: Path, settings: Settings):
    """The client in `path` by the strict rules; ClientFileUsageError (exit 2) otherwise."""
    from gcal.google.client_secrets import (
        check_client_file,
        check_token_host,
        is_google_api,
        trusted_token_hosts,
    )

    if not path.exists():
        raise ClientFileUsageError(
            f"{path} does not exist; give the path of the JSON file downloaded from the console"
        )
    if path.is_dir():
        raise ClientFileUsageError(f"{path} is a folder; give the downloaded JSON file in it")
    try:
        client = check_client_file(
            path, google=is_google_api(settings.api_endpoint), ports=settings.auth_host_ports
        )
        check_token_host(client.token_uri, trusted_token_hosts(settings.api_endpoint), path)
    except AuthError as exc:  # a client file that cannot serve: a bad argument here
        raise ClientFileUsageError(exc.message) from None
    return client


def install(source: Path, target: Path) -> None:
    """Copy `source` to `target`, mode 0600, atomically (the folder made 0700 if new)."""
    from gcal.errors import LocalFileError
    from gcal.files import read_capped, write_private

    try:
        data = read_capped(source)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise LocalFileError(
            f"cannot install the client file as {target}: {exc.strerror or exc}"
        ) from None
    try:
        write_private(fd, data)
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise LocalFileError(
            f"cannot install the client file as {target}: {exc.strerror or exc}"
        ) from None


# --------------------------------------------------------------------------------------------
# The guided path


def guide() -> None:
    _say("gcal auth setup: connect gcal to your Google Calendar (a few minutes, once).")
    _say()
    _say("gcal logs in with an OAuth client of your own, made in the Google Cloud console.")
    _say("Open each link signed in with the Google account whose calendar you want.")
    for number, (what, link, click_text) in enumerate(STEPS, 1):
        _say()
        _say(f"Step {number} of {len(STEPS)}: {what}")
        _say(f"  {link}")
        for line in click_text.splitlines():
            _say(f"  {line}")
        if number < len(STEPS):
            _ask("Press Enter when done. ")


def _age(path: Path) -> str:
    try:
        seconds = max(0.0, dt.datetime.now().timestamp() - path.stat().st_mtime)
    except OSError:
        return ""
    if seconds < 120:
        return " (downloaded just now)"
    if seconds < 7200:
        return f" (downloaded {seconds / 60:.0f} minutes ago)"  # 2 to 119
    if seconds < 2 * 86400:
        return f" (downloaded {seconds / 3600:.0f} hours ago)"
    return f" (downloaded {seconds / 86400:.0f} days ago)"


def ask_for_file(settings: Settings) -> Path:
    """The client file, offered from Downloads or typed; each problem said, then asked again."""
    found = newest_download(downloads_dir())
    if found is not None:
        _say()
        _say(f"Found {found}{_age(found)}.")
        answer = _ask("Use it? [Y/n] ").lower()
        if answer in ("", "y", "yes"):
            try:
                check(found, settings)
                return found
            except ClientFileUsageError as exc:
                _say(f"gcal: {exc.message}")
    _say()
    for attempt in range(1, ATTEMPTS + 1):
        text = _ask("Path of the downloaded JSON file (type it, or drop the file here): ")
        if not text:
            continue
        path = typed_path(text)
        try:
            check(path, settings)
            return path
        except ClientFileUsageError as exc:
            if attempt == ATTEMPTS:
                raise
            _say(f"gcal: {exc.message}")
    raise ClientFileUsageError(
        f"no client file after {ATTEMPTS} answers; run `gcal auth setup --client-secrets-file "
        "PATH` with the downloaded file"
    )


def run_setup(
    settings: Settings, client_secrets_file: Optional[str], *, login: bool = True
) -> Path:
    """Check, install and (unless `login` is false) log in; returns the installed file."""
    if client_secrets_file:
        source = typed_path(client_secrets_file)
        check(source, settings)
    elif settings.demo and settings.client_secrets:
        source = Path(settings.client_secrets)  # the emulator's file: the demo's own client
        _say(f"gcal: --demo: using the emulator's client file {source}")
        check(source, settings)
    elif not _stdin_is_terminal():
        raise UsageError(
            "gcal auth setup asks questions and needs a terminal; in a script, run `gcal auth "
            "setup --client-secrets-file PATH` with the JSON file downloaded from the console"
        )
    else:
        guide()
        source = ask_for_file(settings)
    target = install_path(settings)
    if source.resolve() != target.resolve():
        install(source, target)
    else:
        with contextlib.suppress(OSError):
            os.chmod(target, 0o600)
    _say(f"gcal: installed the OAuth client file as {target} (mode 600)")
    for note in _shadowing(settings, target):
        logs.warn(note)
    if login:
        _login(settings.replace(client_secrets=str(target)))
    else:
        profile = "" if settings.profile in (None, "default") else f" --profile {settings.profile}"
        _say(f"gcal: log in when you are ready: gcal auth login{profile}")
    if not settings.demo:
        _say()
        for line in TESTING_TRAP:
            _say(line)
    return target


def _shadowing(settings: Settings, target: Path) -> List[str]:
    """Why a later login might read another client file than the one installed."""
    notes = []
    if settings.client_secrets and not settings.demo:
        given = Path(os.path.expanduser(settings.client_secrets))
        if given.absolute() != target.absolute():
            notes.append(
                f"the client file setting (--client-secrets, GCAL_CLIENT_SECRETS or config.toml) "
                f"names {given}, which gcal reads instead of {target}; remove that setting to "
                "use the installed file"
            )
    elif (settings.profile in (None, "default")) and Path("client_secrets.json").is_file():
        here = Path("client_secrets.json").absolute()
        if here != target.absolute():
            notes.append(
                f"{here} is read before {target} when gcal runs in this folder; remove or "
                "rename it to use the installed file here too"
            )
    return notes


def _login(settings: Settings) -> None:
    from gcal.commands.accounts import login

    if settings.demo:  # the scripted browser; any free port, none is registered
        settings = settings.replace(auth_host_ports=(0,))
    _say()
    try:
        login(settings)  # the paste flow over SSH or without a display, as `gcal auth login`
    except GcalError as exc:
        profile = "" if settings.profile in (None, "default") else f" --profile {settings.profile}"
        exc.message += f" (the client file is installed: `gcal auth login{profile}` tries again)"
        raise
