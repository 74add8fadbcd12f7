"""Text measured in terminal cells without loading rich where it can: `cell_len` and
`set_cell_size` answer as rich's own do (a fast path for text of one-cell characters, rich's
width tables for the rest), and `PlainText` stands for `rich.text.Text` when a grid is drawn
without colour.

Separate from the drawing (`gcal.render.griddraw`) because it is a stand-in for rich, tested
against rich, and knows nothing of grids; it is what keeps a grid into a pipe from importing
rich's text machinery.
"""

from __future__ import annotations

import re
from typing import Any

# The control codes rich's Text drops from what it is given (rich.control.strip_control_codes).
_RICH_STRIPS = {7: None, 8: None, 11: None, 12: None, 13: None}

# Text made only of characters one cell wide by rich's measure (the ranges of rich's own fast
# path: Latin, Greek, Cyrillic, box drawing, braille; and the ellipsis and the arrow the grids
# draw; tests check rich agrees): measured, cut
# and padded here, as rich's own fast path does, so that a grid of such text never loads
# rich's width tables. Any other text is measured by rich.
_NARROW = re.compile(
    "[ -~\u00a0-\u00ac\u00ae-\u02ff\u0370-\u0482\u2500-\u25fc\u2800-\u28ff\u2026\u2192]*"
)


def cell_len(text: str) -> int:
    """`rich.cells.cell_len(text)`."""
    if _NARROW.fullmatch(text):
        return len(text)
    from rich.cells import cell_len as rich_cell_len

    return rich_cell_len(text)


def set_cell_size(text: str, total: int) -> str:
    """`rich.cells.set_cell_size(text, total)`."""
    if _NARROW.fullmatch(text):
        size = len(text)
        if size < total:
            return text + " " * (total - size)
        if total < 0 and ("\u2026" in text or "\u2192" in text):
            return ""  # rich's general path (these two are not in its fast set)
        return text[:total]
    from rich.cells import set_cell_size as rich_set_cell_size

    return rich_set_cell_size(text, total)


class PlainText:
    """What the drawing needs of `rich.text.Text`, as a plain string, for a grid drawn without
    colour (a pipe, a file): the same widths, cuts and padding (rich's own cell measures), no
    styles, and no import of rich's text machinery. The text is gcal's own or has been through
    `_clean` (rich would also drop BEL, BS, VT, FF and CR, which `_clean` escapes)."""

    __slots__ = ("plain",)

    def __init__(self, text: str = "", style: Any = None) -> None:
        self.plain = text if text.isprintable() else text.translate(_RICH_STRIPS)

    def __str__(self) -> str:
        return self.plain

    def __len__(self) -> int:
        return len(self.plain)

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def copy(self) -> PlainText:
        return PlainText(self.plain)

    def append(self, text: Any, style: Any = None) -> PlainText:
        if isinstance(text, str):
            self.plain += text if text.isprintable() else text.translate(_RICH_STRIPS)
        else:
            self.plain += text.plain
        return self

    def append_text(self, text: PlainText) -> PlainText:
        self.plain += text.plain
        return self

    def stylize(self, style: Any, start: int = 0, end: Any = None) -> None:
        pass

    def rstrip(self) -> None:
        self.plain = self.plain.rstrip()

    def truncate(self, max_width: int, *, overflow: Any = None, pad: bool = False) -> None:
        """As `Text.truncate` with its default overflow (fold: a plain cut to the cells)."""
        length = cell_len(self.plain)
        if length > max_width:
            if overflow == "ellipsis":
                self.plain = set_cell_size(self.plain, max_width - 1) + "…"
            else:
                self.plain = set_cell_size(self.plain, max_width)
        if pad and length < max_width:
            self.plain = self.plain + " " * (max_width - length)
