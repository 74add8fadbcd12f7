"""Regular expressions compiled on first use, not at import.

Compiling a pattern costs tens to hundreds of microseconds; a module with a dozen of them makes
every start of gcal pay for patterns most answers never use (an offline agenda reads one date).
`LazyPattern(pattern, flags)` stands where `re.compile(pattern, flags)` stood: its methods
(`fullmatch`, `match`, `search`, `finditer`, `sub`, ...) are the compiled pattern's, compiled
the first time one is called. Code that compares a match's pattern by identity
(`m.re is X`) uses `X.compiled`.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional


class LazyPattern:
    """`re.compile(pattern, flags)`, done when first needed."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: Optional[re.Pattern[str]] = None

    @property
    def compiled(self) -> re.Pattern[str]:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = re.compile(self.pattern, self.flags)
        return compiled

    # the usual methods, without a failed attribute lookup each call
    def fullmatch(self, string: str, *args: int) -> Optional[re.Match[str]]:
        return self.compiled.fullmatch(string, *args)

    def match(self, string: str, *args: int) -> Optional[re.Match[str]]:
        return self.compiled.match(string, *args)

    def search(self, string: str, *args: int) -> Optional[re.Match[str]]:
        return self.compiled.search(string, *args)

    def finditer(self, string: str, *args: int) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string, *args)

    def sub(self, repl: Any, string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def __getattr__(self, name: str) -> Any:
        # only names not on this object get here: the compiled pattern's methods
        return getattr(self.compiled, name)
