"""A line for a person, folded to the terminal's width: the one-line-per-event listings
(search hits, conflicts, changes, invitations) break between their fields (the parts a double
space separates: the time, the title, "· the calendar") and inside a field only at a word,
each further line indented, rather than letting the terminal cut a word in two."""

from __future__ import annotations

import re
from typing import List, Optional

from gcal.core.wrap import cell_width, wrap

__all__ = ["fold"]

_SGR = re.compile(r"\x1b\[[0-9;]*m")
#: a narrower room than this is not worth folding into
_NARROWEST = 16


def _shown(text: str) -> int:
    """Display cells of `text`, its colour codes (a search hit's bold) taking none."""
    return cell_width(_SGR.sub("", text))


def fold(line: str, width: Optional[int], indent: int = 4) -> str:
    """`line` unchanged when it fits `width` cells (or the width is unknown); otherwise as
    several lines joined by newlines, broken between fields, then at words, each line after
    the first indented `indent` spaces more than the line's own leading spaces."""
    if not width or _shown(line) <= width:
        return line
    lead = len(line) - len(line.lstrip(" "))
    first, hang = " " * lead, " " * (lead + indent)
    room = width - len(hang)
    if room < _NARROWEST:
        return line
    done: List[str] = []
    current: Optional[str] = None
    for field in line[lead:].split("  "):
        if not field:
            continue
        if current is not None and _shown(current + "  " + field) <= width:
            current += "  " + field
            continue
        if current is not None and _shown(hang + field.lstrip(" ")) > width:
            # too long for a line of its own too: it starts beside what is there
            rest = width - _shown(current) - 2
            pieces = wrap(field, room, first_width=rest, width_of=_shown)
            if len(pieces) > 1 and pieces[0]:
                done.append(current + "  " + pieces[0])
                done.extend(hang + piece for piece in pieces[1:])
                current = done.pop()
                continue
        if current is not None:
            done.append(current)
        prefix = hang if done else first
        field = field.lstrip(" ") if done else field
        if _shown(prefix + field) <= width:
            current = prefix + field
            continue
        pieces = wrap(field, room, width_of=_shown) or [""]
        done.extend(prefix + piece if i == 0 else hang + piece for i, piece in enumerate(pieces))
        current = done.pop()
    if current is not None:
        done.append(current)
    return "\n".join(done)
