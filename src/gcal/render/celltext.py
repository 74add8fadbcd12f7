"""The text of a table's cells, shared by the views for people (the events table, the agenda,
the grids, the detail view): what a missing title reads, the marks, the one cleaning of event
text for a cell, and `_Plain`, the cell of an output without colour (a plain string where rich
would hold a `Text`)."""

from __future__ import annotations

from typing import Any, List, Sequence

from gcal.core.sanitize import for_terminal
from gcal.lazyre import LazyPattern

NO_TITLE = "(no title)"
UNTITLED_CANCELLED = "(title not sent)"
BUSY = "busy"  # an event on a calendar shared as free/busy only: its details are not sent
# The marks (`_Sink.displayable` gives their ASCII stand-ins where the output needs them).
RECURRING_MARK = "↻"
CANCELLED_MARK = "✗"
ARROW = "→"


def _clean(value: Any) -> str:
    """Cell text for a terminal: tabs as spaces, then the one sanitiser (`gcal.core.sanitize`:
    controls, C1 and bidi overrides escaped, lone surrogates replaced)."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    return for_terminal(text.replace("\t", " ").replace("\r\n", "\n"))


# Where a raw recurrence line may break: after the separators of its parts and values.
_TOKEN_RE = LazyPattern(r"[^;,:]*[;,:]|[^;,:]+")


def wrap_tokens(text: str, width: int) -> str:
    """`text` broken into lines of at most `width` only after `;`, `,` or `:`, so that a raw
    RRULE never breaks inside `BYDAY=TU` or `COUNT=12` (a single part longer than the width
    is left for the table to fold)."""
    if width <= 0 or len(text) <= width:
        return text
    lines: List[str] = []
    line = ""
    for token in _TOKEN_RE.findall(text):
        if line and len(line) + len(token) > width:
            lines.append(line)
            line = ""
        line += token
    lines.append(line)
    return "\n".join(lines)


class _Plain:
    """A cell without style, for outputs without colour: what `rich.text.Text` would hold,
    as a plain string (a `Text` costs its construction and a control-code pass per append;
    the text here has been through `_clean` already). Handed to rich as a `Text` when a row
    must be laid out by it (`_rich_cells`)."""

    __slots__ = ("plain",)
    spans = ()
    style = ""

    def __init__(self, text: str = "", style: Any = None) -> None:
        self.plain = text

    def append(self, text: str, style: Any = None) -> None:
        self.plain += text

    def stylize(self, style: Any) -> None:
        pass


def _rich_cells(cells: Sequence[Any]) -> List[Any]:
    """Cells for rich: a plain string or `_Plain` as a `Text` (never parsed as markup)."""
    from rich.text import Text

    out = []
    for cell in cells:
        if isinstance(cell, _Plain):
            cell = cell.plain
        out.append(Text(cell) if isinstance(cell, str) else cell)
    return out


def _plain_texts(cells: Sequence[Any]) -> List[str]:
    """The text of cells built without colour (`_Plain`, or already strings)."""
    return [cell if isinstance(cell, str) else cell.plain for cell in cells]
