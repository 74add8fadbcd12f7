"""Wrapping text into a narrow column by display width, as a person would break it.

Pure: text and widths in, line positions out. Used by the week grid, whose columns are often
ten or fifteen cells wide, so where a line breaks decides whether a title can be read:

* a line breaks at a space (the spaces at the break are dropped) or after a hyphen inside a
  word (`Design-` / `review`);
* between two wide (CJK) characters, by display width, as Japanese and Chinese text is set,
  except before a character that must not begin a line (`ー`, small kana, closing brackets and
  punctuation: the rule Japanese calls kinsoku) or after an opening bracket;
* a word is broken inside only when it alone is wider than the column; then it is cut by
  display width, never through a wide character.

Widths are display cells: wide characters count 2, combining marks 0 (`cell_width`); a caller
that draws with another width function (rich's) passes it, so both agree on what fits.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, List, Optional, Sequence, Tuple

__all__ = ["cell_width", "clip", "longest_word", "wrap", "wrap_spans"]

Width = Callable[[str], int]

# Characters that must not begin a line (Japanese kinsoku shori, the common set) and that
# must not end one.
_NO_START = set(
    "ー‐–〜ゝゞヽヾ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ"
    "、。，．・：；？！）］｝〕〉》」』】〙〗〟’”｠»,.:;?!)]}・゛゜"
)
_NO_END = set("（［｛〔〈《「『【〘〖〝‘“｟«([{")


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """Display cells of `text`: 2 for each wide (CJK, most emoji) character, 0 for combining
    marks and format characters, 1 for the rest."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _breaks(text: str) -> List[Tuple[int, int]]:
    """The places a line may break: (end of the line before, start of the line after). A
    break at spaces skips them; the others are between two characters (end == start)."""
    result: List[Tuple[int, int]] = []
    n = len(text)
    k = 0
    while k < n:
        char = text[k]
        if char.isspace():
            stop = k
            while stop < n and text[stop].isspace():
                stop += 1
            if k > 0 and stop < n:
                result.append((k, stop))
            k = stop
            continue
        if k + 1 < n and not text[k + 1].isspace():
            after = text[k + 1]
            hyphen = char in "-‐" and k > 0 and text[k - 1].isalnum() and after.isalnum()
            cjk = (_wide(char) or _wide(after)) and char not in _NO_END and after not in _NO_START
            if hyphen or cjk:
                result.append((k + 1, k + 1))
        k += 1
    return result


def _words(text: str) -> List[Tuple[int, int]]:
    """The unbreakable pieces of `text` (start, end), between its break places."""
    pieces = []
    start = len(text) - len(text.lstrip())
    for end, after in _breaks(text):
        pieces.append((start, end))
        start = after
    stripped = len(text.rstrip())
    if start < stripped:
        pieces.append((start, stripped))
    return pieces


def longest_word(text: str, width_of: Width = cell_width) -> int:
    """The display width of the widest piece of `text` that `wrap` would not break (a caller
    can choose a wider column, or a layout without an indent, so that nothing is cut)."""
    return max((width_of(text[a:b]) for a, b in _words(text)), default=0)


def _fold(text: str, start: int, end: int, room: int, first: int, width_of: Width) -> List[int]:
    """Cut points inside the word text[start:end], wider than the column, so that each piece
    fits (the first in `first` cells, the others in `room`); a wide character never split."""
    cuts = []
    budget = first
    used = 0
    for k in range(start, end):
        w = width_of(text[k])
        if used + w > budget and used > 0:
            cuts.append(k)
            budget, used = room, 0
        used += w
    return cuts


def wrap_spans(
    text: str,
    width: int,
    *,
    first_width: Optional[int] = None,
    width_of: Width = cell_width,
) -> List[Tuple[int, int]]:
    """The lines of `text` in a column `width` cells wide (the first line `first_width` wide,
    when given, e.g. beside a time), as (start, end) positions in `text`. Between two lines
    there is only whitespace (`text[end:next_start]`), and no line begins or ends with a space.
    A line is wider than its column only when it is a single character wider than it."""
    width = max(width, 1)
    budget = width if first_width is None else max(first_width, 0)
    lines: List[Tuple[int, int]] = []
    line_start: Optional[int] = None
    line_end = 0
    used = 0
    for a, b in _words(text):
        w = width_of(text[a:b])
        gap = width_of(text[line_end:a]) if line_start is not None else 0
        if line_start is not None and used + gap + w <= budget:
            line_end, used = b, used + gap + w
            continue
        if line_start is not None:
            lines.append((line_start, line_end))
            budget, line_start, used = width, None, 0
        # a fresh line: the word fits it, or is cut (the first line may be narrower than the
        # rest: a word that fits a whole line goes to the next one rather than being cut)
        if w > budget:
            if budget < width and (w <= width or width_of(text[a]) > budget):
                lines.append((a, a))  # an empty first line: the word starts on the next
                budget = width
            if w > budget:
                cuts = _fold(text, a, b, width, budget, width_of)
                starts = [a, *cuts]
                ends = [*cuts, b]
                for s, e in zip(starts[:-1], ends[:-1]):
                    lines.append((s, e))
                a = starts[-1]
                budget = width
                w = width_of(text[a:b])
        line_start, line_end, used = a, b, w
    if line_start is not None:
        lines.append((line_start, line_end))
    return lines


def wrap(
    text: str,
    width: int,
    *,
    first_width: Optional[int] = None,
    width_of: Width = cell_width,
) -> List[str]:
    """`text` as lines of at most `width` cells (see `wrap_spans`)."""
    return [
        text[a:b] for a, b in wrap_spans(text, width, first_width=first_width, width_of=width_of)
    ]


def clip(
    lines: Sequence[str],
    max_lines: int,
    width: int,
    *,
    ellipsis: str = "…",
    width_of: Width = cell_width,
) -> List[str]:
    """At most `max_lines` of `lines`; when some are left out, the last one kept ends with
    `ellipsis` on the same line, cut (by display width, never through a wide character, with
    no space before the mark) so that it still fits `width`."""
    if max_lines <= 0:
        return []
    if len(lines) <= max_lines:
        return list(lines)
    kept = list(lines[:max_lines])
    last = kept[-1]
    room = max(width - width_of(ellipsis), 0)
    while last and width_of(last) > room:
        last = last[:-1]
    kept[-1] = last.rstrip() + ellipsis
    return kept
