"""Where gcal looks for the OAuth client file and the credentials file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gcal import paths
from gcal.errors import AuthError


@pytest.fixture
def places(tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    config = tmp_path / "config"
    monkeypatch.chdir(work)
    monkeypatch.setenv("GCAL_CONFIG_DIR", str(config))
    return work, config


def test_config_dir_override_and_default(monkeypatch, tmp_path):
    monkeypatch.setenv("GCAL_CONFIG_DIR", str(tmp_path / "x"))
    assert paths.config_dir() == tmp_path / "x"
    monkeypatch.delenv("GCAL_CONFIG_DIR")
    import platformdirs

    assert paths.config_dir() == Path(platformdirs.user_config_dir("gcal"))


def test_client_secrets_lookup_order(places):
    work, config = places
    assert paths.client_secrets_candidates(None) == [
        Path("client_secrets.json"),
        config / "client_secrets.json",
    ]
    assert paths.client_secrets_candidates("~/cs.json") == [Path.home() / "cs.json"]
    config.mkdir()
    (config / "client_secrets.json").write_text("{}")
    assert paths.find_client_secrets(None) == config / "client_secrets.json"
    (work / "client_secrets.json").write_text("{}")
    assert paths.find_client_secrets(None) == Path("client_secrets.json")
    (work / "mine.json").write_text("{}")
    assert paths.find_client_secrets("mine.json") == Path("mine.json")


def test_missing_explicit_client_secrets(places):
    with pytest.raises(AuthError, match=r"nope\.json does not exist") as info:
        paths.find_client_secrets("nope.json")
    assert "gcal auth setup" in str(info.value) and info.value.exit_code == 3


def test_credentials_lookup_order(places):
    work, config = places
    assert paths.credentials_path(None) == config / "calendar.dat"
    (work / "calendar.dat").write_text("{}")
    assert paths.credentials_path(None) == Path("calendar.dat")
    assert paths.credentials_path("other.dat") == Path("other.dat")
