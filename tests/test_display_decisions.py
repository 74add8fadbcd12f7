"""The shared decisions every view for people uses: display zone, colour, width."""

from __future__ import annotations

import io

import pytest

from gcal.core.displayzone import resolve_display_zone, zone_label
from gcal.errors import UsageError
from gcal.render.terminal import color_enabled, terminal_width


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_display_zone_option_then_tz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert resolve_display_zone(None).name == "Asia/Tokyo"
    assert resolve_display_zone("europe/london").name == "Europe/London"
    with pytest.raises(UsageError):
        resolve_display_zone("Nowhere/Zone")
    assert resolve_display_zone("Nowhere/Zone", strict=False).name == "Asia/Tokyo"
    monkeypatch.setenv("TZ", ":America/Denver")
    assert resolve_display_zone(None).name == "America/Denver"
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    assert resolve_display_zone(None).name == "CET-1CEST,M3.5.0,M10.5.0/3"


def test_zone_label_without_a_key() -> None:
    import datetime

    assert zone_label(datetime.timezone.utc) == "UTC"
    assert zone_label(datetime.timezone(datetime.timedelta(hours=5, minutes=30))) == "UTC+05:30"


@pytest.mark.parametrize(
    "env, tty, expected",
    [
        ({}, True, True),
        ({}, False, False),
        ({"NO_COLOR": ""}, True, True),
        ({"NO_COLOR": "1"}, True, False),
        ({"NO_COLOR": "0"}, True, False),  # any value, even "0"
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_color(env: dict, tty: bool, expected: bool) -> None:
    assert color_enabled(Tty() if tty else io.StringIO(), env) is expected


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"COLUMNS": "72"}, 72),
        ({"COLUMNS": " 72 "}, 72),
        ({"COLUMNS": "0"}, None),
        ({"COLUMNS": "wide"}, None),
        ({}, None),
    ],
)
def test_width_into_a_pipe(env: dict, expected: object) -> None:
    assert terminal_width(io.StringIO(), env) == expected
