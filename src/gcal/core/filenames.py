"""Safe, distinct file names for calendars (`gcal export --all-calendars --output-dir`).

Calendar ids are addresses such as ``en.german#holiday@group.v.calendar.google.com`` or
``c_1f2e...@group.calendar.google.com``: mostly safe, but they may hold characters that are
special to shells or forbidden on some file systems (``#``, ``/``, ``\\``, ``:``, ``*``, ...).
A name keeps the id's safe characters (so it stays recognisable) and, whenever anything had to
be changed, adds a short hash of the full id, so two ids that differ only in unsafe characters
never share a file. Names are also short enough for every common file system (255 bytes),
never hidden (no leading dot), and never a reserved Windows device name.
"""

from __future__ import annotations

import hashlib
import re
from typing import Dict, Iterable

__all__ = ["calendar_file_name", "calendar_file_names"]

SUFFIX = ".ics"
MAX_STEM = 120  # far below 255 bytes, leaving room for the hash, the suffix and temp prefixes
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")
_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?", re.IGNORECASE)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def calendar_file_name(calendar_id: str) -> str:
    """The file name for one calendar id: the id itself when it is already safe."""
    stem = _UNSAFE.sub("_", calendar_id).strip("._-") or "calendar"
    if stem != calendar_id or len(stem) > MAX_STEM or _RESERVED.fullmatch(stem):
        stem = f"{stem[:MAX_STEM]}-{_digest(calendar_id)}"
    return stem + SUFFIX


def calendar_file_names(calendar_ids: Iterable[str]) -> Dict[str, str]:
    """File names for several ids, distinct even on a case-insensitive file system."""
    names: Dict[str, str] = {}
    taken = set()
    for calendar_id in calendar_ids:
        if calendar_id in names:
            continue
        name = calendar_file_name(calendar_id)
        if name.casefold() in taken:
            name = f"{name[: -len(SUFFIX)]}-{_digest(calendar_id)}{SUFFIX}"
        taken.add(name.casefold())
        names[calendar_id] = name
    return names
