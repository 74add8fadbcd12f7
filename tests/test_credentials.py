"""The credentials file: formats, round trips with oauth2client and google-auth, safety."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcal.errors import CredentialsFileError, GcalError
from gcal.google.credentials import credentials_from_record
from gcal.google.credrecord import CredentialsRecord, parse_credentials, parse_expiry, serialize
from gcal.google.credstore import CredentialsStore

TOKEN_URI = "http://127.0.0.1:9/token"

OAUTH2CLIENT_FILE = {
    "_module": "oauth2client.client",
    "_class": "OAuth2Credentials",
    "access_token": "ya29.old-access",
    "client_id": "123.apps.googleusercontent.com",
    "client_secret": "old-secret",
    "refresh_token": "1//old-refresh",
    "token_expiry": "2024-01-01T00:00:00Z",
    "token_uri": TOKEN_URI,
    "user_agent": None,
    "revoke_uri": "https://oauth2.googleapis.com/revoke",
    "id_token": None,
    "token_response": {"access_token": "ya29.old-access", "expires_in": 3599},
    "scopes": ["https://www.googleapis.com/auth/calendar.readonly"],
    "token_info_uri": "https://oauth2.googleapis.com/tokeninfo",
    "invalid": False,
}

GOOGLE_AUTH_FILE = {
    "type": "authorized_user",
    "token": "ya29.ga-access",
    "refresh_token": "1//ga-refresh",
    "client_id": "123.apps.googleusercontent.com",
    "client_secret": "ga-secret",
    "token_uri": TOKEN_URI,
    "scopes": ["https://www.googleapis.com/auth/calendar.readonly"],
    "expiry": "2030-05-06T07:08:09.123456Z",
    "universe_domain": "googleapis.com",
    "account": "",
}


def raw(data: object) -> bytes:
    return json.dumps(data).encode()


def test_reads_oauth2client_format() -> None:
    record = parse_credentials(raw(OAUTH2CLIENT_FILE), "f")
    assert record.format == "oauth2client"
    assert record.token == "ya29.old-access"
    assert record.refresh_token == "1//old-refresh"
    assert record.expiry == dt.datetime(2024, 1, 1)
    assert record.token_uri == TOKEN_URI
    assert record.revoke_uri == "https://oauth2.googleapis.com/revoke"


def test_reads_google_auth_format() -> None:
    record = parse_credentials(raw(GOOGLE_AUTH_FILE), "f")
    assert record.format == "google-auth"
    assert record.token == "ya29.ga-access"
    assert record.expiry == dt.datetime(2030, 5, 6, 7, 8, 9, 123456)
    assert record.extra == {"universe_domain": "googleapis.com", "account": ""}


def test_written_file_loads_in_oauth2client_and_google_auth(tmp_path: Path) -> None:
    import google.oauth2.credentials
    from oauth2client.file import Storage

    record = parse_credentials(raw(OAUTH2CLIENT_FILE), "f")
    record.expiry = dt.datetime(2031, 2, 3, 4, 5, 6, 789)
    path = tmp_path / "calendar.dat"
    CredentialsStore(path).write(record)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    old = Storage(str(path)).get()
    assert old.access_token == "ya29.old-access"
    assert old.refresh_token == "1//old-refresh"
    assert old.token_uri == TOKEN_URI
    assert old.token_expiry == dt.datetime(2031, 2, 3, 4, 5, 6)

    new = google.oauth2.credentials.Credentials.from_authorized_user_file(str(path))
    assert new.token == "ya29.old-access"
    assert new.refresh_token == "1//old-refresh"
    assert new.expiry == dt.datetime(2031, 2, 3, 4, 5, 6)

    again = parse_credentials(path.read_bytes(), path)
    assert again.format == "gcal"
    assert again.token_uri == TOKEN_URI  # never replaced by Google's default


def test_credentials_object_keeps_token_uri_and_naive_expiry() -> None:
    record = parse_credentials(raw(GOOGLE_AUTH_FILE), "f")
    creds = credentials_from_record(record)
    assert creds.token_uri == TOKEN_URI
    assert creds.expiry.tzinfo is None
    assert creds.refresh_token == "1//ga-refresh"


def test_newest_of_both_spellings_wins() -> None:
    data = dict(OAUTH2CLIENT_FILE, type="authorized_user", token="ya29.newer")
    data["expiry"] = "2035-01-01T00:00:00Z"
    assert parse_credentials(raw(data), "f").token == "ya29.newer"
    data["expiry"] = "2000-01-01T00:00:00Z"
    assert parse_credentials(raw(data), "f").token == "ya29.old-access"


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b'{"_module": "oauth2client.client", "access', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"hello": "world"}', "does not hold OAuth credentials"),
        (raw({"type": "service_account", "client_id": "x"}), "service_account"),
        (raw(dict(OAUTH2CLIENT_FILE, client_id=None)), "no 'client_id'"),
        (raw(dict(OAUTH2CLIENT_FILE, refresh_token=7)), "non-string 'refresh_token'"),
        (raw(dict(OAUTH2CLIENT_FILE, access_token=None, refresh_token=None)), "neither"),
        (raw(dict(OAUTH2CLIENT_FILE, scopes=[1])), "scopes"),
        (raw(dict(OAUTH2CLIENT_FILE, _class="ServiceAccountCredentials")), "ServiceAccount"),
    ],
)
def test_malformed_files_give_one_line_naming_the_file(content: bytes, words: str) -> None:
    with pytest.raises(CredentialsFileError) as info:
        parse_credentials(content, "/some/calendar.dat")
    message = str(info.value)
    assert "/some/calendar.dat" in message and words in message
    assert "\n" not in message
    assert info.value.exit_code == 3


def test_unreadable_expiry_means_expired() -> None:
    record = parse_credentials(raw(dict(OAUTH2CLIENT_FILE, token_expiry="soon")), "f")
    assert record.expiry == dt.datetime(1970, 1, 1)
    assert not credentials_from_record(record).valid


def test_parse_expiry_forms() -> None:
    assert parse_expiry("2024-01-01T00:00:00Z") == dt.datetime(2024, 1, 1)
    assert parse_expiry("2024-01-01T02:00:00+02:00") == dt.datetime(2024, 1, 1)
    assert parse_expiry("2024-01-01T00:00:00.5Z") == dt.datetime(2024, 1, 1, 0, 0, 0, 500000)
    assert parse_expiry("2024-01-01T00:00:00") == dt.datetime(2024, 1, 1)


def test_store_missing_file_is_none(tmp_path: Path) -> None:
    assert CredentialsStore(tmp_path / "nope.dat").read() is None


def test_store_error_names_file_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "calendar.dat"
    path.write_bytes(b'{"truncated": ')
    with pytest.raises(CredentialsFileError, match=str(path)):
        CredentialsStore(path).read()
    assert path.read_bytes() == b'{"truncated": '


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(CredentialsFileError, match="cannot read credentials file"):
        CredentialsStore(tmp_path).read()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_loose_permissions_are_tightened_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "calendar.dat"
    path.write_bytes(raw(OAUTH2CLIENT_FILE))
    path.chmod(0o644)
    CredentialsStore(path).read()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "changed it to 600" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_refuses_to_write_through_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.dat"
    target.write_bytes(raw(OAUTH2CLIENT_FILE))
    link = tmp_path / "calendar.dat"
    link.symlink_to(target)
    store = CredentialsStore(link)
    record = store.read()  # reading through it is fine
    with pytest.raises(CredentialsFileError, match="symlink") as info:
        store.write(record)
    assert "\n" not in str(info.value)
    assert link.is_symlink() and target.read_bytes() == raw(OAUTH2CLIENT_FILE)


def test_write_creates_private_folder_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "new" / "calendar.dat"
    record = CredentialsRecord(client_id="c", client_secret="s", refresh_token="r")
    CredentialsStore(path).write(record)
    assert sorted(p.name for p in path.parent.iterdir()) == ["calendar.dat"]
    if os.name == "posix":
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert serialize(record) == path.read_bytes()


def test_lock_is_reentrant(tmp_path: Path) -> None:
    store = CredentialsStore(tmp_path / "calendar.dat")
    with store.lock(), store.lock():
        pass
    with store.lock():
        pass


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5)
    ),
    max_leaves=12,
)
credential_keys = st.sampled_from(
    sorted(set(OAUTH2CLIENT_FILE) | set(GOOGLE_AUTH_FILE) | {"id_token_jwt"})
)
near_valid = st.builds(
    lambda base, changes, drops: {
        **{k: v for k, v in base.items() if k not in drops},
        **changes,
    },
    st.sampled_from([OAUTH2CLIENT_FILE, GOOGLE_AUTH_FILE]),
    st.dictionaries(credential_keys, json_values, max_size=4),
    st.sets(credential_keys, max_size=4),
)


def _load_or_gcal_error(content: bytes) -> None:
    try:
        record = parse_credentials(content, "calendar.dat")
    except GcalError as exc:
        assert "\n" not in str(exc)
        return
    serialize(record)  # whatever loads can be written back
    credentials_from_record(record)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_load_or_raise_gcal_error(content: bytes) -> None:
    _load_or_gcal_error(content)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_arbitrary_json_loads_or_raises_gcal_error(value: object) -> None:
    _load_or_gcal_error(json.dumps(value).encode())


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid)
def test_mangled_credentials_load_or_raise_gcal_error(data: dict) -> None:
    _load_or_gcal_error(json.dumps(data).encode())


def test_stale_temp_files_are_cleaned_up(tmp_path: Path) -> None:
    path = tmp_path / "calendar.dat"
    old = tmp_path / ".calendar.dat.abc123.tmp"
    fresh = tmp_path / ".calendar.dat.def456.tmp"
    old.write_text("{")
    fresh.write_text("{")
    os.utime(old, (0, 0))
    CredentialsStore(path).write(CredentialsRecord(client_id="c", client_secret="s", token="t"))
    assert not old.exists() and fresh.exists()
