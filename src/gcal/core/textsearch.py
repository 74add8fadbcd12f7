"""Full-text search, the pure part: what the store's index holds of an event, and a person's
query turned into SQLite FTS5's query language.

The index is an FTS5 table with the `unicode61` tokenizer (`remove_diacritics 2`), which
folds case and accents (`cafe` finds `Café`). Two things it does not do are done here, the
same way for the indexed text and for the query: compatibility forms are unified (NFKC:
fullwidth `ＡＢＣ` is `ABC`), and every CJK character (Han, kana, Hangul) stands alone as a
word, since those scripts write no spaces between words; a CJK term is then a phrase of its
characters (`週會` matches the two characters side by side, inside `每週會議` too).

The query language (`parse`): words (each must occur, at the start of a word: `review` finds
`reviews`, as the API's `q` does; `word*` says the same), `"a phrase"` (those words exactly),
`title:`, `where:`, `who:`, `desc:` and `cal:` before a word, prefix or phrase (only in that
field), `-word` (must not occur), `OR` between two groups of words, `AND` (the default, may be
written). Everything a person types is quoted before it reaches FTS5, so no input is an FTS5
syntax error.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

#: the index's columns, in order
COLUMNS = ("title", "location", "people", "description", "calendar", "other")
#: query field prefixes and the column each searches
FIELDS = {
    "title": "title",
    "where": "location",
    "who": "people",
    "desc": "description",
    "cal": "calendar",
}

_CJK = (
    "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua960-\ua97f\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
)


# The CJK patterns take tens of milliseconds to compile (wide ranges): compiled on first use,
# not by every command that imports this module (the sync does, for the index).
@functools.cache
def _cjk_char() -> re.Pattern:
    return re.compile(f"([{_CJK}])")


@functools.cache
def _has_cjk() -> re.Pattern:
    return re.compile(f"[{_CJK}]")


@functools.cache
def _word() -> re.Pattern:
    return re.compile(rf"[{_CJK}]|[^\W_]+")


class QueryError(ValueError):
    """A query that asks for nothing (only excluded words, an empty field, a dangling OR)."""


def fold(text: Any) -> str:
    """Text as the index holds it (see the module docstring); ASCII passes unchanged."""
    if not isinstance(text, str) or not text:
        return ""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKC", text)
    if _has_cjk().search(text):
        text = _cjk_char().sub(r" \1 ", text)
    return text


def _join(parts: Iterable[Any]) -> str:
    return "\n".join([p for p in parts if isinstance(p, str) and p])


def _folded(text: Any) -> str:
    """`fold`, with the commonest case (ASCII text, unchanged) decided here: a sync folds six
    columns of every event."""
    if type(text) is str and text.isascii():
        return text
    return fold(text)


def index_row(event: Dict[str, Any], calendar_name: str = "") -> Tuple[str, ...]:
    """The index's columns of one event (see COLUMNS): what the API's `q` searches, and the
    calendar's name. A cancelled event is indexed too (the search leaves it out), so that the
    index always has one row per stored event."""
    people: List[Any] = []
    for person in event.get("attendees") or ():
        if isinstance(person, dict):
            people += [person.get("displayName"), person.get("email")]
    organizer = event.get("organizer")
    if isinstance(organizer, dict):
        people += [organizer.get("displayName"), organizer.get("email")]
    creator = event.get("creator")
    if isinstance(creator, dict) and creator != organizer:  # most often the same person
        people += [creator.get("displayName"), creator.get("email")]
    wl = event.get("workingLocationProperties")
    wl = wl if isinstance(wl, dict) else {}
    office = wl.get("officeLocation") if isinstance(wl.get("officeLocation"), dict) else {}
    custom = wl.get("customLocation") if isinstance(wl.get("customLocation"), dict) else {}
    other = [office.get("buildingId"), office.get("deskId"), office.get("label")]
    other.append(custom.get("label"))
    kind = event.get("eventType")
    if kind == "outOfOffice":
        other.append("out of office")
    elif kind == "focusTime":
        other.append("focus time")
    elif kind == "workingLocation":
        if "homeOffice" in wl:
            other.append("home")
        if "officeLocation" in wl:
            other.append("office")
    return (
        _folded(event.get("summary")),
        _folded(event.get("location")),
        _folded(_join(people)),
        _folded(event.get("description")),
        _folded(calendar_name),
        _folded(_join(other)),
    )


@dataclasses.dataclass(frozen=True)
class Term:
    """One thing to find: `text` (folded), a prefix or not, in one column or any."""

    text: str
    prefix: bool = False
    column: Optional[str] = None
    negated: bool = False

    def fts(self) -> str:
        quoted = '"' + self.text.replace('"', '""') + '"'
        if self.prefix:
            quoted += " *"
        if self.column:
            quoted = f"{self.column} : {quoted}"
        return quoted


@dataclasses.dataclass
class Query:
    """A parsed query: groups joined by OR, each a list of terms that must all hold."""

    groups: List[List[Term]]

    def fts(self) -> str:
        """The FTS5 MATCH expression."""
        parts = []
        for group in self.groups:
            wanted = [t.fts() for t in group if not t.negated]
            unwanted = [t.fts() for t in group if t.negated]
            text = "(" + " AND ".join(wanted) + ")"
            for term in unwanted:
                text += f" NOT {term}"
            parts.append(f"({text})")
        return " OR ".join(parts)

    def words(self) -> List[Term]:
        """The wanted terms, for highlighting."""
        return [t for g in self.groups for t in g if not t.negated]


_FIELD = re.compile(r"([A-Za-z]+):")
#: what a query cannot carry to SQLite: control characters and lone surrogates
_UNSAYABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


def _tokens(text: str) -> Iterable[Tuple[bool, Optional[str], str, bool, bool, str]]:
    """(negated, field, body, is_phrase, prefix, raw) of each item of a query."""
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return
        start = i
        negated = text[i] == "-" and i + 1 < n and not text[i + 1].isspace()
        if negated:
            i += 1
        field = None
        found = _FIELD.match(text, i)
        if found and found.group(1).lower() in FIELDS:
            field = found.group(1).lower()
            i = found.end()
        if i < n and text[i] == '"':
            close = text.find('"', i + 1)
            close = n if close < 0 else close
            body, i, phrase = text[i + 1 : close], close + 1, True
            prefix = i < n and text[i] == "*"
            if prefix:
                i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] != '"':
                j += 1
            body, i, phrase = text[i:j], j, False
            prefix = True  # a word finds the words it starts (review: reviews too)
            body = body.rstrip("*")
        yield negated, field, body, phrase, prefix, text[start:i]


def parse(text: str) -> Query:
    """A person's query as a Query; QueryError when it asks for nothing."""
    if not text or not text.strip():
        raise QueryError("the search is empty")
    groups: List[List[Term]] = [[]]
    for negated, field, body, _phrase, prefix, raw in _tokens(text):
        if raw == "OR":
            if not groups[-1]:
                raise QueryError("OR needs words on both sides")
            groups.append([])
            continue
        if raw == "AND":
            continue
        folded = " ".join(fold(_UNSAYABLE.sub(" ", body)).split())
        if not _has_word(folded):
            if field is not None:
                raise QueryError(f"{field}: needs a word after it")
            continue  # punctuation alone finds nothing: left out
        column = FIELDS[field] if field else None
        groups[-1].append(Term(folded, prefix=prefix, column=column, negated=negated))
    if len(groups) > 1 and not groups[-1]:
        raise QueryError("OR needs words on both sides")
    groups = [g for g in groups if g]
    if not groups:
        raise QueryError("the search has no word to look for")
    for group in groups:
        if all(t.negated for t in group):
            raise QueryError("a search needs a word to find, not only words to leave out")
    return Query(groups)


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


# -- highlighting --------------------------------------------------------------------------


def plain(text: str) -> str:
    """A word as the index compares it: accents removed, case folded."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def matched_spans(text: str, terms: Sequence[Term]) -> List[Tuple[int, int]]:
    """Where in `text` (a title, say) the words of `terms` occur: (start, end) of each word
    that equals a term's word (or starts with it, for a prefix). Used to highlight; the index
    decides what matches."""
    if not text or not terms:
        return []
    exact = set()
    prefixes = []
    for term in terms:
        words = [plain(w.group()) for w in _word().finditer(term.text)]
        for n, word in enumerate(words):
            if term.prefix and n == len(words) - 1:
                prefixes.append(word)
            else:
                exact.add(word)
    spans = []
    for found in _word().finditer(text):
        word = plain(found.group())
        if word in exact or any(word.startswith(p) for p in prefixes):
            spans.append(found.span())
    return spans
