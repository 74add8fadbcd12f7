"""The rules for an OAuth client file, one function shared by setup, login and doctor: each
problem is one line that says what is wrong and what to do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gcal.google.client_secrets import (
    EXAMPLE_CLIENT_SECRET,
    ClientFileError,
    check_client_file,
    is_google_api,
    parse_client_secrets,
)

EXAMPLE = Path(__file__).resolve().parent.parent / "client_secrets.example.json"
GOOD = {
    "installed": {
        "client_id": "1234-abc.apps.googleusercontent.com",
        "project_id": "p",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "client_secret": "GOCSPX-a-real-looking-secret",
        "redirect_uris": ["http://localhost"],
    }
}


def changed(kind: str = "installed", **changes) -> dict:
    section = dict(GOOD["installed"])
    for key, value in changes.items():
        if value is None:
            section.pop(key, None)
        else:
            section[key] = value
    return {kind: section}


def problem(data, **kwargs) -> str:
    with pytest.raises(ClientFileError) as info:
        parse_client_secrets(data, "cs.json", strict=True, google=True, **kwargs)
    message = info.value.message
    assert "\n" not in message and info.value.exit_code == 3
    return message


def test_a_desktop_client_passes():
    client = parse_client_secrets(GOOD, "cs.json", strict=True, google=True)
    assert client.kind == "installed" and client.client_id.endswith(".googleusercontent.com")


@pytest.mark.parametrize(
    "data, words",
    [
        ([1], "JSON object"),
        ({"type": "service_account", "client_email": "x"}, "service account key"),
        ({"other": {}}, "no 'installed' section"),
        ({"installed": "x"}, "'installed' is not an object"),
        (changed(client_id=None), "'installed.client_id' is missing; download the client's JSON"),
        (changed(client_secret=""), "'installed.client_secret' is empty"),
        (changed(client_id=5), "'installed.client_id' is not text"),
        (changed(auth_uri=None), "'installed.auth_uri' is missing"),
        (changed(token_uri=None), "'installed.token_uri' is missing"),
        (changed(token_uri="http://example.com/token"), "plain-http"),
        (changed(client_secret=EXAMPLE_CLIENT_SECRET), "unedited example file"),
        (changed(client_id="1234-abc"), "not a Google OAuth client id"),
        (changed("web"), "'web' OAuth client"),
    ],
)
def test_each_problem_is_one_line_saying_what_to_do(data, words):
    message = problem(data)
    assert words in message
    assert any(hint in message for hint in ("Download JSON", "Desktop app", "download"))


def test_a_web_client_names_the_ports_gcal_uses():
    message = problem(changed("web"), ports=(8080, 8090))
    assert "Desktop app" in message
    assert "http://localhost:8080/ and http://localhost:8090/" in message
    assert "http://localhost:9000/" in problem(changed("web"), ports=(9000,))


def test_a_web_client_listing_the_loopback_redirects_is_accepted():
    uris = ["http://localhost:8080/", "http://localhost:8090/"]
    client = parse_client_secrets(
        changed("web", redirect_uris=uris), "cs.json", strict=True, google=True
    )
    assert client.kind == "web"


def test_login_is_lenient_where_it_always_was():
    # no auth_uri/token_uri: Google's; a web client: a warning at login, not a refusal
    client = parse_client_secrets(changed(auth_uri=None, token_uri=None), "cs.json")
    assert client.token_uri == "https://oauth2.googleapis.com/token"
    assert parse_client_secrets(changed("web"), "cs.json").kind == "web"
    with pytest.raises(ClientFileError, match="unedited example"):
        parse_client_secrets(changed(client_secret=EXAMPLE_CLIENT_SECRET), "cs.json")


def test_a_client_id_of_another_server_is_accepted_off_google():
    data = changed(client_id="emulator-client", token_uri="http://127.0.0.1:1/token")
    assert parse_client_secrets(data, "cs.json", strict=True, google=False).client_id
    assert is_google_api(None) and is_google_api("https://www.googleapis.com/calendar/v3/")
    assert not is_google_api("http://127.0.0.1:8085/calendar/v3/")


def test_the_example_file_shipped_is_refused(tmp_path):
    with pytest.raises(ClientFileError, match="unedited example file"):
        check_client_file(EXAMPLE, google=True)


def test_not_json_and_unreadable(tmp_path):
    path = tmp_path / "cs.json"
    path.write_bytes(b"{cut short")
    with pytest.raises(ClientFileError, match="not valid JSON"):
        check_client_file(path)
    with pytest.raises(ClientFileError, match="cannot read"):
        check_client_file(tmp_path / "missing.json")


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.none() | st.text(max_size=5) | st.integers(),
        lambda c: (
            st.dictionaries(
                st.sampled_from(
                    [
                        "installed",
                        "web",
                        "client_id",
                        "client_secret",
                        "auth_uri",
                        "token_uri",
                        "redirect_uris",
                    ]
                ),
                c,
                max_size=5,
            )
            | st.lists(c, max_size=3)
        ),
        max_leaves=12,
    )
)
def test_any_json_is_a_client_or_one_line(data):
    try:
        parse_client_secrets(json.loads(json.dumps(data)), "cs.json", strict=True, google=True)
    except ClientFileError as exc:
        assert "\n" not in exc.message and exc.message


def test_a_web_clients_warning_is_said_once_at_login(emulator, tmp_path):
    from runner import run

    secrets = dict(emulator.client_secrets_dict())
    secrets = {"web": secrets.get("installed") or secrets["web"]}
    path = tmp_path / "web.json"
    path.write_text(json.dumps(secrets))
    result = run(
        ["--client-secrets", str(path), "--credentials", str(tmp_path / "c.dat"),
         "--api-endpoint", emulator.api_endpoint, "auth", "login", "--noauth-local-webserver"],
        input="",
        env={"GCAL_CONFIG_DIR": str(tmp_path / "config")},
    )  # fmt: skip
    assert result.code == 3  # nothing pasted
    assert result.err.count("is a 'web' OAuth client") == 1, result.err
