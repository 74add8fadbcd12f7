"""Wrapping text into a narrow column by display width, as a person would break it.

Pure: text and widths in, line positions out. Used by the week grid, whose columns are often
ten or fifteen cells wide, so where a line breaks decides whether a title can be read:

* a line breaks at a space (the spaces at the break are dropped) or after a hyphen inside a
  word (`Design-` / `review`);
* in CJK text where the script changes (kanji, hiragana, katakana, other text: `東京|との|定例`)
  by choice, and between any two wide characters by display width when a run does not fit
  (filling a line that is less than half full, as Japanese and Chinese text is set); never
  before a character that must not begin a line (`ー`, small kana, closing brackets and
  punctuation: the rule Japanese calls kinsoku) nor after an opening bracket;
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


def _script(char: str) -> str:
    """The kind of a character, for where CJK text prefers to break: between kanji and kana,
    or katakana and hiragana (`東京|との|定例`), rather than inside a run of one."""
    if not _wide(char):
        return "narrow"
    if char in "ーヽヾ":
        return "katakana"
    if char in "々〻ゝゞ":
        return "han"
    name = unicodedata.name(char, "")
    for script in ("HIRAGANA", "KATAKANA", "HANGUL"):
        if script in name:
            return script.lower()
    if name.startswith("CJK UNIFIED") or name.startswith("CJK COMPATIBILITY IDEOGRAPH"):
        return "han"
    return "wide"  # punctuation, fullwidth forms, emoji: each a piece of its own


def _cjk_break(before: str, after: str) -> bool:
    """Whether a line may break between these two characters, one of them wide (kinsoku:
    never before `ー`, small kana or closing punctuation, never after an opening bracket)."""
    return before not in _NO_END and after not in _NO_START


def _breaks(text: str) -> List[Tuple[int, int]]:
    """The places a line breaks by choice: (end of the line before, start of the line after).
    At spaces (skipped), after a word's hyphen, and where CJK text changes script or meets
    other text; inside a run of one CJK script a line breaks only by width (`_fill`)."""
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
            kinds = _script(char), _script(after)
            # beside a wide character, where the kind changes (or between two symbols)
            cjk = kinds != ("narrow", "narrow") and (kinds[0] != kinds[1] or kinds[0] == "wide")
            if hyphen or (cjk and _cjk_break(char, after)):
                result.append((k + 1, k + 1))
        k += 1
    return result


def _words(text: str) -> List[Tuple[int, int]]:
    """The pieces of `text` (start, end) between the places a line breaks by choice."""
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
    """The display width of the widest piece of `text` that `wrap` would rather not break (a
    word, or a run of one CJK script): a caller can choose a wider column, or a layout without
    an indent, so that nothing is cut."""
    return max((width_of(text[a:b]) for a, b in _words(text)), default=0)


def _fill(
    text: str, start: int, end: int, budget: int, width_of: Width, *, force: bool = False
) -> int:
    """Where to cut text[start:end] so that its first part fits `budget` cells: after as many
    characters as fit, never through a wide character, and only beside a wide character and
    not against kinsoku (a word of narrow letters is not cut to fill a line). With `force`
    (the piece is wider than a whole line) any place will do when there is no such one.
    `start` when nothing fits."""
    used = 0
    cut = start
    for k in range(start, end):
        w = width_of(text[k])
        if used + w > budget:
            break
        used += w
        cut = k + 1
    if cut >= end:
        return cut
    for k in range(cut, start, -1):
        before, after = text[k - 1], text[k]
        if (_wide(before) or _wide(after)) and _cjk_break(before, after):
            return k
    return cut if force else start


def _is_cjk(piece: str) -> bool:
    return bool(piece) and _wide(piece[0])


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
    A line is wider than its column only when it is a single character wider than it.

    Words are kept whole unless one alone is wider than a line. A run of CJK text that does
    not fit the rest of a line goes to the next line when the line is at least half full, and
    otherwise fills it, broken by width (Japanese and Chinese break between characters)."""
    width = max(width, 1)
    budget = width if first_width is None else max(first_width, 0)
    lines: List[Tuple[int, int]] = []
    line_start: Optional[int] = None
    line_end = 0
    used = 0
    for a, b in _words(text):
        while a < b:
            w = width_of(text[a:b])
            gap = width_of(text[line_end:a]) if line_start is not None else 0
            if line_start is not None and used + gap + w <= budget:
                line_end, used = b, used + gap + w
                break
            if line_start is not None:
                if _is_cjk(text[a:b]) and not gap and used * 2 < budget:
                    cut = _fill(text, a, b, budget - used, width_of)
                    if cut > a:  # the line's rest filled with the run's first characters
                        line_end = cut
                        a = cut
                lines.append((line_start, line_end))
                budget, line_start, used = width, None, 0
                continue
            # a fresh line: the piece fits it, or is cut (the first line may be narrower
            # than the rest: a piece that fits a whole line goes to the next one instead)
            if w <= budget:
                line_start, line_end, used = a, b, w
                break
            if budget < width and (w <= width or width_of(text[a]) > budget):
                lines.append((a, a))  # an empty first line: the piece starts on the next
                budget = width
                continue
            cut = _fill(text, a, b, budget, width_of, force=True)
            if cut == a:  # not even one character fits: it has a line of its own
                cut = a + 1
            lines.append((a, cut))
            budget = width
            a = cut
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
