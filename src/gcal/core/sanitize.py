"""The one sanitiser for text from the calendar on its way to a person or another program.

Event text is attacker-controlled: anyone can send an invitation, and its title, place and
description land in your terminal, your status bar, a spreadsheet, a notification. Every writer
that shows such text to a terminal or hands it to another program passes it through here, so the
rules live in one place:

- C0 controls (except newline, when kept), DEL and C1 controls are shown escaped (`\\x1b`), so an
  invitation cannot clear the screen, retitle the window or write the clipboard (OSC 52);
- bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) are escaped too, so a
  title cannot reorder what is shown around it;
- lone surrogates, which no encoder accepts, become U+FFFD, so a writer never dies on them.

Pure string functions, cheap to import (one regex compiled on first use).
"""

from __future__ import annotations

import functools
import re
from typing import Any, Optional, Pattern

_BIDI = "\u202a-\u202e\u2066-\u2069"


@functools.cache
def _pattern(keep_newlines: bool) -> Pattern[str]:
    controls = "\x00-\x09\x0b-\x1f" if keep_newlines else "\x00-\x1f"
    return re.compile(f"[{controls}\x7f-\x9f{_BIDI}]")


@functools.cache
def _surrogates() -> Pattern[str]:
    return re.compile("[\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def for_terminal(value: Any, *, keep_newlines: bool = True) -> str:
    """`value` as text safe to write to a terminal: controls and bidi overrides escaped, lone
    surrogates replaced. Newlines stay unless `keep_newlines` is false (one-line outputs: a
    status bar, an error line): there each line break becomes a space, since it is layout, and
    a one-line field has none."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    if not keep_newlines:
        text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = _surrogates().sub("\ufffd", text)
    return _pattern(keep_newlines).sub(_escape, text)


def one_line(value: Any) -> str:
    """`value` for a single line of output (status bars, notifications' titles, error lines):
    line breaks and tabs become spaces, everything else as `for_terminal`."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    return for_terminal(text.replace("\t", " "), keep_newlines=False)


def encodable(text: str, encoding: Optional[str]) -> str:
    """`text` with what `encoding` cannot represent replaced by `?`, so that writing it to a
    stream of that encoding cannot raise UnicodeEncodeError."""
    if not encoding:
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return text.encode(encoding, "replace").decode(encoding, "replace")
    except LookupError:
        return text


def json_text(value: Any, *, terminal: bool, **options: Any) -> str:
    """`value` as JSON text that can be written anywhere: on a terminal every non-ASCII
    character is a `\\uXXXX` escape (JSON escapes C0 controls itself, but not C1 controls or
    bidi overrides, which a terminal would act on); elsewhere UTF-8 as it is, unless a lone
    surrogate (which no encoder takes) makes the escaped form necessary."""
    import json

    if terminal:
        return json.dumps(value, ensure_ascii=True, **options)
    text = json.dumps(value, ensure_ascii=False, **options)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(value, ensure_ascii=True, **options)
    return text


#: what a spreadsheet reads as the start of a formula (OWASP's list: = + - @, tab, CR)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(text: str, *, raw: bool = False) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a `'` in front
    (OWASP's advice against CSV injection) unless `raw`; NUL and lone surrogates become
    U+FFFD either way (no reader wants them)."""
    if "\x00" in text:
        text = text.replace("\x00", "\ufffd")
    if not text.isascii():
        text = _surrogates().sub("\ufffd", text)
    if not raw and text.startswith(_FORMULA_START):
        return "'" + text
    return text


_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x00": "\\0"}


@functools.cache
def _tsv_pattern() -> Pattern[str]:
    return re.compile("[\\\\\t\n\r\x00]")


def tsv_field(text: str) -> str:
    """A TSV field on one line: backslash, tab, newline, CR and NUL written as `\\\\`, `\\t`,
    `\\n`, `\\r` and `\\0` (the common TSV convention, which cut, awk and `read` keep whole);
    lone surrogates become U+FFFD."""
    if not text.isascii():
        text = _surrogates().sub("\ufffd", text)
    if not _tsv_pattern().search(text):
        return text
    return _tsv_pattern().sub(lambda m: _TSV_ESCAPES[m.group()], text)
