"""Text as iCalendar carries it: event text made safe for a TEXT value (`safe_text`), escaped
(`escape_text`) and folded at 75 octets (`fold`) as RFC 5545 says, parameter values and URIs
cleaned of what would break a content line.

Separate from the event mapping (`gcal.core.icsevent`) because it is the one place that stands
between hostile event text and the file: both writers (direct lines and icalendar's) and the
calendar header go through it.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Optional

#: the control characters RFC 5545 TEXT excludes (C1 too: a terminal acts on them)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_URI_BAD = re.compile(r"[\x00-\x20\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def safe_text(value: Any) -> str:
    """Text iCalendar can carry: line breaks as newlines (escaped by the writer as ``\\n``),
    other control characters removed (RFC 5545 TEXT excludes them), lone surrogates (which
    UTF-8 cannot encode) replaced."""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = CONTROL.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


@functools.cache
def _exact_text_type() -> type:
    """A TEXT value type that escapes exactly as RFC 5545 says, backslash first.

    icalendar's own TEXT escaping reads a literal backslash-N in the input as a line break (a
    documented convenience of its ``vText``), so a summary such as ``C:\\New folder`` would
    come back as two lines. Built on first use so that importing this module stays cheap."""
    from icalendar import vText

    class ExactText(vText):
        def to_ical(self) -> bytes:
            text = (
                str(self)
                .replace("\\", "\\\\")
                .replace(";", "\\;")
                .replace(",", "\\,")
                .replace("\n", "\\n")
            )
            return text.encode(self.encoding)

    return ExactText


def text_value(value: Any) -> Any:
    """`safe_text(value)` as a TEXT property value that survives any printable text."""
    return _exact_text_type()(safe_text(value))


def param(value: Any) -> str:
    """A parameter value (CN, LABEL, FILENAME): one line, no double quote. RFC 5545 parameter
    values cannot hold either, and only newer icalendar versions escape them (RFC 6868)."""
    return " ".join(safe_text(value).split("\n")).replace('"', "'")


def uri(value: Any) -> Optional[str]:
    if not isinstance(value, str):
        return None
    text = _URI_BAD.sub("", _SURROGATE.sub("", value))
    return text or None


def escape_text(text: str) -> str:
    """A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newline escaped,
    backslash first. `text` has been through `safe_text` (no other line break or control)."""
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: bytes, limit: int = 75) -> bytes:
    """A content line folded at `limit` octets (RFC 5545 3.1): CRLF and a space before each
    continuation, which counts towards its line's octets. A fold never splits a UTF-8
    character, nor a backslash escape (some importers read folds before escapes)."""
    size = len(line)
    if size <= limit:
        return line
    parts = []
    pos = 0
    room = limit
    while size - pos > room:
        end = pos + room
        while line[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte: back to the lead byte
            end -= 1
        run = end
        while run > pos and line[run - 1] == 0x5C:
            run -= 1
        if (end - run) % 2:  # the line would end on the first half of an escape
            end -= 1
        parts.append(line[pos:end])
        pos = end
        room = limit - 1
    parts.append(line[pos:])
    return b"\r\n ".join(parts)
