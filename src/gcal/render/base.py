"""What every writer shares: the Writer interface and a stream that survives any text.

Kept apart from the formats so that the table writer and the plain writers both build on it
without importing each other.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from typing import Any, Dict, Iterable, List, TextIO


def _items(response: Any) -> Iterable[Any]:
    """A page's items: a list, or an iterator (an offline listing streamed from the store)."""
    items = response.get("items") if isinstance(response, dict) else None
    if isinstance(items, (list, Iterator)):
        return items
    return ()


# What stands for a symbol where the output cannot encode it (see `_Sink.displayable`).
_ASCII_LOOKALIKES = {
    "\u2192": "->",  # →
    "\u2013": "-",  # –
    "\u2014": "-",  # —
    "\u2500": "-",  # ─
    "\u2026": "...",  # …
    "\u21bb": "(r)",  # ↻
    "\u2717": "x",  # ✗
    "\u25cf": "*",  # ●
    "\u00b7": "-",  # ·
    "\u2302": "@",  # ⌂ a working location
    "\U0001f382": "b-day",  # 🎂 a birthday
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
}


class _Sink:
    """The output stream, made safe for text the stream's encoding cannot hold.

    API data can contain anything (even lone surrogates, which json.loads produces from
    `\\ud800` escapes); writing it to a cp1252 or ASCII stdout must degrade to escapes, not
    crash halfway through a listing.
    """

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self.encoding = (getattr(out, "encoding", None) or "utf-8").lower()

    def write(self, text: str) -> int:
        try:
            return self._out.write(text)
        except UnicodeEncodeError:
            safe = text.encode(self.encoding, "backslashreplace").decode(self.encoding)
            return self._out.write(safe)

    def displayable(self, text: str) -> str:
        """`text` with what the stream cannot encode replaced: common symbols by ASCII look-
        alikes (`→` as `->`), anything else by `?`. Views for people call this on cell text
        before the layout, so that columns still line up on a C or Latin-1 terminal (escapes
        added at write time would widen their cells)."""
        if self.encodable(text):
            return text
        return "".join(ch if self.encodable(ch) else _ASCII_LOOKALIKES.get(ch, "?") for ch in text)

    def encodable(self, text: str) -> bool:
        if text.isascii():
            return True
        try:
            text.encode(self.encoding)
        except (UnicodeEncodeError, LookupError):
            return False
        return True

    def flush(self) -> None:
        flush = getattr(self._out, "flush", None)
        if flush is not None:
            flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:  # rich probes this; it must not see the real terminal
        raise OSError("not a terminal")


class _TrimmedSink(_Sink):
    """A `_Sink` that drops the spaces a table pads its lines with: what is written into a
    pipe or a file has no trailing whitespace (a line is held until its newline arrives)."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(out)
        self._tail = ""

    def write(self, text: str) -> int:
        if "\n" not in text:
            self._tail += text
            return len(text)
        text, self._tail = self._tail + text, ""
        head, _, tail = text.rpartition("\n")
        self._tail = tail
        super().write("\n".join(line.rstrip(" ") for line in head.split("\n")) + "\n")
        return len(text)

    def write_lines(self, text: str) -> int:
        """Whole lines that have no trailing spaces already: written as they are."""
        if self._tail:
            return self.write(text)
        return super().write(text)

    def flush(self) -> None:
        if self._tail.strip(" "):
            super().write(self._tail)
            self._tail = ""
        super().flush()


class _Utf8Stream:
    """A text stream's underlying bytes, written as UTF-8 whatever the stream's encoding."""

    encoding = "utf-8"

    def __init__(self, text: Any) -> None:
        text.flush()  # what was written through the text layer goes first
        self._text = text
        self._buffer = text.buffer

    def write(self, data: str) -> int:
        self._buffer.write(data.encode("utf-8"))  # UnicodeEncodeError: _Sink escapes the text
        return len(data)

    def flush(self) -> None:
        self._buffer.flush()

    def isatty(self) -> bool:
        return bool(self._text.isatty())


def utf8_output(out: TextIO) -> TextIO:
    """`out`, or its bytes as UTF-8 when its encoding is another (a C or Latin-1 locale).

    Machine formats (json, ndjson, csv, tsv) are read by programs, which expect UTF-8 rather
    than whatever the locale of the writing terminal happened to be; escaping what the locale
    cannot hold would change the data.
    """
    encoding = getattr(out, "encoding", None) or "utf-8"
    try:
        if codecs.lookup(encoding).name == "utf-8":
            return out
    except LookupError:
        pass
    if getattr(out, "buffer", None) is None:
        return out
    return _Utf8Stream(out)  # type: ignore[return-value]


class Writer:
    """Writes pages of one listing to one stream. `close()` is called exactly once."""

    def __init__(self, kind: str, out: TextIO) -> None:
        self.kind = kind
        self._sink = _Sink(out)
        self._closed = False

    def write_page(self, response: dict) -> int:
        """Write the items of one API list response; return how many were written."""
        raise NotImplementedError

    def missing_series(self, response: dict) -> List[str]:
        """Ids of the series whose titles this writer would show for the page's items but
        does not know (a cancelled instance carries only its series' id). The caller may look
        them up and pass them to `add_series_titles` before `write_page`. Machine formats
        print what the API sent and want none."""
        return []

    def add_series_titles(self, titles: Dict[str, str]) -> None:
        """Titles of series by id, as `missing_series` asked for."""

    def close(self, *, complete: bool = True) -> None:
        """Finish the output. With complete=False (the listing failed) the output is still left
        well-formed, and errors of the stream itself are swallowed so the original failure is
        the one reported."""
        if self._closed:
            return
        self._closed = True
        try:
            self._finish(complete)
            self._sink.flush()
        except (OSError, ValueError):
            if complete:
                raise

    def _finish(self, complete: bool) -> None:
        pass
