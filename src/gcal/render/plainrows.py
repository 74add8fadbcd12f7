"""Rows of a table written without rich's layout, into a pipe or a file.

rich lays out every cell of every row (wrapping, cropping, padding), about half a millisecond a
row, which makes a 100,000-event table take most of a minute. Without colour (a file or a pipe)
a row whose cells are plain, single-width text that fits its column needs none of that:
`_FastRows` writes it as rich would, padded to the same fixed widths. It proves itself on the
first rows of each listing (rich renders them too, and any difference turns the shortcut off for
the listing), and any row it cannot vouch for still goes through rich. A plain cell too long for
its column (a later page's title longer than the room the first page's layout gave it) is
wrapped there too, with rich's own break positions, once the listing's first such row came out
the same both ways.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Sequence

_CHECK_ROWS = 8  # rows of a listing rendered both ways before the shortcut is trusted


def _widest_rows(rows: List[List[Any]]) -> List[List[Any]]:
    """For each column, the first row holding its longest line (in terminal cells), in the
    rows' order: what a column's natural width is measured from."""
    from rich.cells import cell_len

    if not rows:
        return rows
    chosen: Dict[int, int] = {}
    for column in range(max(len(cells) for cells in rows)):
        best, at = -1, 0
        for n, cells in enumerate(rows):
            if column < len(cells):
                text = cells[column] if isinstance(cells[column], str) else cells[column].plain
                width = max(cell_len(line) for line in text.split("\n"))
                if width > best:
                    best, at = width, n
        chosen[at] = 1
    return [rows[n] for n in sorted(chosen)]


def _wrapped(part: str, width: int, divide_line: Any) -> List[str]:
    """`part` (single-width text) in lines of at most `width`, as rich's `Text.wrap` breaks
    it for a left-justified, folding column: rich's own break positions (`divide_line`), the
    whitespace a line ends with dropped only as far as it passes the width, then cropped."""
    bounds = [0, *divide_line(part, width, fold=True), len(part)]
    lines = []
    for start, end in zip(bounds, bounds[1:]):
        line = part[start:end]
        if len(line) > width:
            spaces = len(line) - len(line.rstrip())
            line = line[: len(line) - min(spaces, len(line) - width)]
        lines.append(line[:width])
    return lines


class _FastRows:
    """Plain rows of a rich table with fixed column widths, without rich's per-cell layout.

    `widths` are the table's column widths as rich computed them (padding included); cells
    are separated by rich's SIMPLE_HEAD layout: one space of padding on each inner side and a
    blank vertical rule, with no padding at the table's edges (pad_edge=False). `folds` says
    which columns wrap their text (and fold words longer than the column); the others' rows
    are left to rich when too long.

    A cell longer than its column is wrapped here too, as rich would wrap it, once the writer
    has seen one such row come out the same both ways (`wrap`: None until then, False when it
    did not): a listing whose later pages hold longer titles than the first page (whose
    content fixed the widths) would otherwise send each of those rows through rich's layout,
    about a millisecond a row.
    """

    def __init__(
        self, widths: Sequence[int], folds: Optional[Sequence[bool]] = None, *, trim: bool = False
    ) -> None:
        from rich.cells import cell_len

        self._cell_len = cell_len
        self.trim = trim  # lines without the padding of their last cells (into a pipe or file)
        last = len(widths) - 1
        self.content = [w - (i > 0) - (i < last) for i, w in enumerate(widths)]
        self.blank = [" " * w for w in self.content]
        self.folds = list(folds) if folds is not None else [False] * len(widths)
        self.wrap: Optional[bool] = None
        self.wrapped = False  # whether the last row `lines` returned wrapped a cell
        try:
            from rich._wrap import divide_line
        except ImportError:  # a rich without it (private): such rows go through rich
            divide_line = None
            self.wrap = False
        self._divide_line = divide_line

    def line(self, texts: Sequence[str]) -> Optional[str]:
        """The commonest row's text (one line ending in newline): every cell printable ASCII,
        one line, no leading, trailing or doubled space, and within its column; else None
        (`lines` then decides). The cells are checked joined, in a few passes over the row
        (a `|` beside a space, which this check cannot tell from a cell's edge, sends a row
        to `lines`)."""
        if len(texts) != len(self.content):
            return None
        row = "|".join(texts)
        if (
            not row.isascii()
            or not row.isprintable()
            or "  " in row
            or " |" in row
            or "| " in row
            or row[:1] == " "
            or row[-1:] == " "
            or any(map(int.__gt__, map(len, texts), self.content))
        ):
            return None
        line = "   ".join(map(str.ljust, texts, self.content))
        return (line.rstrip(" ") if self.trim else line) + "\n"

    def lines(self, texts: Sequence[str], wrap: bool = False) -> Optional[str]:
        """The row's text (lines ending in newline), or None when rich must lay it out.

        With `wrap`, a cell too long for its column is wrapped as rich would (`_wrapped`);
        `wrapped` then says whether any was."""
        cell_len = self._cell_len
        self.wrapped = False
        if len(texts) != len(self.content):
            return None
        wrap = wrap and self._divide_line is not None
        columns = []
        for text, width, folds in zip(texts, self.content, self.folds):
            parts = text.split("\n") if "\n" in text else [text]
            lines: List[str] = []
            for part in parts:
                if part != part.strip() or "  " in part:
                    return None  # whitespace rich may fold
                if not part.isascii() and (not part.isprintable() or cell_len(part) != len(part)):
                    return None  # wide or zero-width characters
                if len(part) <= width:
                    lines.append(part)
                elif wrap and folds and width > 0:
                    lines.extend(_wrapped(part, width, self._divide_line))
                    self.wrapped = True
                else:
                    return None  # would wrap: rich's job
            columns.append(lines)
        height = max(len(parts) for parts in columns)
        if height == 1:
            line = "   ".join(parts[0].ljust(width) for parts, width in zip(columns, self.content))
            return (line.rstrip(" ") if self.trim else line) + "\n"
        out = []
        for k in range(height):
            line = "   ".join(
                parts[k].ljust(width) if k < len(parts) else blank
                for parts, width, blank in zip(columns, self.content, self.blank)
            )
            out.append(line.rstrip(" ") if self.trim else line)
        return "\n".join(out) + "\n"
