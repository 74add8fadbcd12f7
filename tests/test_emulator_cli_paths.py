"""`gcal emulator --client-secrets-out`: a path that cannot be written fails before listening."""

from __future__ import annotations

import pytest

from runner import run_subprocess


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("missing/x.json", "does not exist"),
        ("folder", "it is a directory"),
        ("", "the path is empty"),
    ],
)
def test_an_unwritable_client_secrets_out_is_a_usage_error(tmp_path, name: str, why: str) -> None:
    (tmp_path / "folder").mkdir()
    path = str(tmp_path / name) if name else ""
    args = ["emulator", "--port", "0", "--client-secrets-out", path]
    result = run_subprocess(args, timeout=30)
    assert result.code == 2, result
    assert "listening" not in result.out
    assert len(result.err.strip().splitlines()) == 1
    assert result.err.startswith("gcal: error: cannot write the client secrets to ")
    assert why in result.err
