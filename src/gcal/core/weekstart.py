"""The first day of the week, from an option or the locale: 0 (Monday) or 6 (Sunday).

Apart from the grids (`gcal.core.grid`), so that a command which only needs to know when a
week starts (the agenda reading `monday`) does not import the grid's layout.
"""

from __future__ import annotations

from typing import Mapping

__all__ = ["MONDAY", "SUNDAY", "locale_week_start", "locale_workweek_start"]

MONDAY, SUNDAY = 0, 6


# Territories whose weeks start on Sunday (CLDR's firstDay data); every other one starts
# on Monday here, as the views offer only those two.
_SUNDAY_TERRITORIES = frozenset(
    (  # noqa: SIM905 - a list of 56 codes reads better as one string
        "AG AS BD BR BS BT BW BZ CA CN CO DM DO ET GT GU HK HN ID IL IN JM JP KE KH KR LA MH MM "
        "MO MT MX MZ NI NP PA PE PH PK PR PT PY SA SG SV TH TT TW UM US VE VI WS YE ZA ZW"
    ).split()
)


def locale_week_start(environ: Mapping[str, str]) -> int:
    """SUNDAY or MONDAY from the locale in `environ` (LC_ALL, then LC_TIME, then LANG, as
    POSIX orders them): `en_US.UTF-8` starts on Sunday, `de_DE` and anything unknown on
    Monday."""
    return SUNDAY if _territory(environ) in _SUNDAY_TERRITORIES else MONDAY


# Territories whose working week starts on Sunday (weekend Friday and Saturday, CLDR's
# weekendStart); every other one works from Monday.
_SUNDAY_WORKWEEK = frozenset("BH DZ EG IL IQ JO KW LY OM QA SA SD SY YE".split())  # noqa: SIM905


def locale_workweek_start(environ: Mapping[str, str]) -> int:
    """The first working day from the locale in `environ`: SUNDAY where the weekend is Friday
    and Saturday (he_IL, ar_SA, ...), else MONDAY (en_US and de_DE alike)."""
    return SUNDAY if _territory(environ) in _SUNDAY_WORKWEEK else MONDAY


def _territory(environ: Mapping[str, str]) -> str:
    """The territory of the locale that decides dates (LC_ALL, then LC_TIME, then LANG, as
    POSIX orders them), in capitals: `US` for `en_US.UTF-8`; empty when none is named."""
    for name in ("LC_ALL", "LC_TIME", "LANG"):
        value = environ.get(name)
        if value:
            base = value.split(".")[0].split("@")[0]
            return base.split("_")[1].upper() if "_" in base else ""
    return ""
