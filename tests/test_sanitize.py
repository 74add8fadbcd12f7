"""The one sanitiser: nothing from event text can drive a terminal or crash a writer."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gcal.core.sanitize import encodable, for_terminal, one_line

FORBIDDEN = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]} | {
    chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def test_escapes_are_shown_not_sent() -> None:
    assert for_terminal("\x1b]0;PWNED\x07") == "\\x1b]0;PWNED\\x07"
    assert for_terminal("a\x9bb") == "a\\x9bb"
    assert for_terminal("abc\u202edef") == "abc\\u202edef"
    assert for_terminal("two\nlines") == "two\nlines"
    assert for_terminal("two\nlines", keep_newlines=False) == "two lines"
    assert one_line("a\tb\r\nc") == "a b c"
    assert for_terminal(None) == "" and for_terminal(42) == "42"


def test_lone_surrogates_become_replacement_characters() -> None:
    assert for_terminal("bad \ud800 title") == "bad \ufffd title"
    assert one_line("bad \udfff") == "bad \ufffd"


def test_encodable_replaces_what_the_stream_cannot_hold() -> None:
    assert encodable("Café 東京", "ascii") == "Caf? ??"
    assert encodable("Café", "utf-8") == "Café"
    assert encodable("x", "no-such-codec") == "x"


@given(st.text())
def test_no_control_byte_survives(text: str) -> None:
    out = one_line(text)
    assert not (set(out) & FORBIDDEN)
    out.encode("utf-8")  # never raises
    kept = for_terminal(text)
    assert not (set(kept) & (FORBIDDEN - {"\n"}))
    kept.encode("utf-8")


def test_json_for_a_terminal_escapes_c1_and_bidi() -> None:
    import json

    from gcal.core.sanitize import json_text

    value = {"summary": "a\x1b]0;x\x07\x9b\u202eb", "bad": "\ud800"}
    shown = json_text(value, terminal=True)
    assert shown.isascii() and json.loads(shown) == value
    piped = json_text({"s": "Café \x9b"}, terminal=False)
    assert "Café" in piped  # a program gets UTF-8 as it is
    assert json.loads(json_text(value, terminal=False)) == value  # never raises


def test_spreadsheet_cells_never_start_a_formula() -> None:
    from gcal.core.sanitize import spreadsheet_cell

    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_cell(text) == "'" + text
        assert spreadsheet_cell(text, raw=True) == text
    assert spreadsheet_cell("a=1") == "a=1"
    assert spreadsheet_cell("nul\x00") == "nul\ufffd"
    assert spreadsheet_cell("nul\x00", raw=True) == "nul\ufffd"
    assert spreadsheet_cell("\ud800") == "\ufffd"


@given(st.text())
def test_tsv_fields_are_one_line_and_come_back(text: str) -> None:
    import re

    from gcal.core.sanitize import tsv_field

    field = tsv_field(text)
    assert not set(field) & {"\t", "\n", "\r", "\x00"}
    back = re.sub(
        r"\\[\\tnr0]",
        lambda m: {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r", "\\0": "\0"}[m.group()],
        field,
    )
    assert back == text
