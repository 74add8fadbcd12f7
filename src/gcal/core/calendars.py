"""Choosing calendars from the calendar list: by default, by id, by name, or all of them.

The agenda and every view built on it read "my days" from the calendars the user shows in Google
Calendar (`selected: true` on the calendar list). `--calendar X` picks calendars by id or by the
name the user sees (`summaryOverride`, else `summary`), case-insensitively, or by the start of
that name (`ada` for "Ada Lovelace" when no other name starts with that word; then `eng` for
"Engineering" when no other name starts with those letters); an ambiguous or unknown name is a
usage error that lists the candidates, raised before any events request. Every command that
takes a calendar (`events`, `show`, `export`, the writes' CALENDAR, agenda's `-c` ...) resolves
it with `pick_calendar`.
`--all-calendars` takes every entry, hidden ones too.

Pure: the entries are CalendarListEntry dicts as received; nothing here talks to the API.
"""

from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

from gcal.errors import UsageError

__all__ = [
    "CALENDAR_LIST_FIELDS",
    "calendar_name",
    "looks_like_id",
    "my_own_calendars",
    "needs_calendar_list",
    "pick_calendar",
    "select_calendars",
]

# What the agenda reads of the calendar list (the request asks for nothing more); the zone
# and default reminders are for --format ics (a series' zone, alarms of useDefault events).
CALENDAR_LIST_FIELDS = (
    "nextPageToken,items(id,summary,summaryOverride,backgroundColor,selected,hidden,primary,"
    "accessRole,timeZone,defaultReminders)"
)


def chosen_names(
    given: Sequence[str], all_calendars: bool, configured: Sequence[str] = ()
) -> Tuple[str, ...]:
    """The calendar names a command goes by: those given on the command line; none with
    --all-calendars (it asks for every one); else config.toml's `calendars`. The config file
    supplies a default, so it must never turn an explicit --all-calendars into a usage error
    or into its own list."""
    if given:
        return tuple(given)
    if all_calendars:
        return ()
    return tuple(configured or ())


def calendar_name(entry: Dict[str, Any]) -> str:
    """The name the user sees for a calendar: their override, else its summary, else its id."""
    for key in ("summaryOverride", "summary", "id"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return "(no name)"


def _truthy(value: Any) -> bool:
    return value is True or value == "true"


def _describe(entry: Dict[str, Any]) -> str:
    name, cid = calendar_name(entry), str(entry.get("id", ""))
    return repr(name) if name == cid else f"{name!r} ({cid})"


def _candidates(entries: Sequence[Dict[str, Any]]) -> str:
    shown = [_describe(e) for e in entries[:12]]
    more = len(entries) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def looks_like_id(text: str) -> bool:
    """Calendar ids are e-mail-like (`x@group.calendar.google.com`); names rarely contain @."""
    return "@" in text and " " not in text.strip()


_looks_like_id = looks_like_id  # the name other modules imported first


def needs_calendar_list(text: str) -> bool:
    """Whether `text` (a calendar argument) can only be resolved with the calendar list: not
    `primary` and not an id. Ids and `primary` cost no request."""
    key = _as_typed(text).strip()
    return bool(key) and key.casefold() != "primary" and not looks_like_id(key)


def pick_calendar(
    entries: Sequence[Dict[str, Any]], text: str, *, what: str = "--calendar", or_id: bool = False
) -> Dict[str, Any]:
    """The calendar-list entry `text` names (an id, `primary`, a name or the start of one), as
    `--calendar` does; `what` names the option or argument in the error. With `or_id`, text
    that names no calendar is taken as an id the list does not hold (the API then answers for
    it, e.g. a public calendar's id), rather than a usage error."""
    entries = [e for e in entries if isinstance(e, dict) and e.get("id")]
    entries = [e for e in entries if not _truthy(e.get("deleted"))]
    try:
        return _pick(entries, text)
    except UsageError as exc:
        key = _as_typed(text).strip()
        if or_id and key and "matches no calendar" in exc.message:
            return {"id": key}
        if what != "--calendar":
            raise UsageError(exc.message.replace("--calendar ", f"{what} ", 1)) from None
        raise


def select_calendars(
    entries: Sequence[Dict[str, Any]],
    wanted: Sequence[str] = (),
    *,
    all_calendars: bool = False,
) -> List[Dict[str, Any]]:
    """The calendar-list entries to read, in order, without duplicates.

    `entries` is the whole calendar list (hidden entries included, deleted ones not). With no
    `wanted` and not `all_calendars`: the selected, non-hidden entries. `wanted` names
    calendars by id (`primary` meaning the primary calendar) or by name; an id that is not on
    the list (a public calendar, say) is read as it is, with only its id known.
    """
    entries = [e for e in entries if isinstance(e, dict) and e.get("id")]
    entries = [e for e in entries if not _truthy(e.get("deleted"))]
    if all_calendars and wanted:
        raise UsageError("--all-calendars cannot be combined with --calendar")
    if all_calendars:
        return list(entries)
    if not wanted:
        return [e for e in entries if _truthy(e.get("selected")) and not _truthy(e.get("hidden"))]
    chosen: List[Dict[str, Any]] = []
    seen = set()
    for text in wanted:
        entry = _pick(entries, text)
        if entry["id"] not in seen:
            seen.add(entry["id"])
            chosen.append(entry)
    return chosen


def my_own_calendars(entries: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The calendars whose time is mine, for `gcal free` without calendars: the primary one
    and those I own (`accessRole` owner), not hidden nor deleted. A colleague's calendar, a
    shared team or holiday calendar (reader, writer, free/busy) counts only when named."""
    entries = [e for e in entries if isinstance(e, dict) and e.get("id")]
    return [
        e
        for e in entries
        if not _truthy(e.get("deleted"))
        and (
            _truthy(e.get("primary"))
            or (e.get("accessRole") == "owner" and not _truthy(e.get("hidden")))
        )
    ]


def names_text(entries: Sequence[Dict[str, Any]], most: int = 3) -> str:
    """`Ada Lovelace + Engineering`, `A + B + C and 2 more`: which calendars were used."""
    names = [calendar_name(e) for e in entries]
    shown = " + ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _as_typed(text: str) -> str:
    """`text` as the terminal sent it: under a C locale without UTF-8 mode Python keeps the
    bytes of `東京オフィス` as lone surrogates; they are UTF-8, as for `--q`."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return text


def _pick(entries: Sequence[Dict[str, Any]], text: str) -> Dict[str, Any]:
    text = _as_typed(text)
    key = text.strip()
    if not key:
        raise UsageError("--calendar must not be empty")
    if key.casefold() == "primary":
        for entry in entries:
            if _truthy(entry.get("primary")):
                return entry
        return {"id": "primary"}
    by_id = [e for e in entries if str(e["id"]).casefold() == key.casefold()]
    if by_id:
        exact = [e for e in by_id if e["id"] == key]
        return (exact or by_id)[0]
    folded = key.casefold()
    by_name = [
        e
        for e in entries
        if folded
        in {
            str(e.get(k)).strip().casefold()
            for k in ("summaryOverride", "summary")
            if isinstance(e.get(k), str)
        }
    ]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise UsageError(
            f"--calendar {text!r} is ambiguous: it names {_candidates(by_name)}; "
            "give the calendar's id instead"
        )
    if not _looks_like_id(key):
        for starts in (_starts_with_words, _starts_with):
            found = [e for e in entries if any(starts(n, folded) for n in _names_of(e))]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise UsageError(
                    f"--calendar {text!r} is ambiguous: it starts the names of "
                    f"{_candidates(found)}; give more of the name, or the calendar's id"
                )
    if _looks_like_id(key):
        return {"id": key}
    if not entries:
        raise UsageError(f"--calendar {text!r} matches no calendar: the calendar list is empty")
    raise UsageError(
        f"--calendar {text!r} matches no calendar id or name; the calendars are "
        f"{_candidates(entries)}"
    )


def _names_of(entry: Dict[str, Any]) -> List[str]:
    return [
        str(entry.get(k)).strip().casefold()
        for k in ("summaryOverride", "summary")
        if isinstance(entry.get(k), str) and str(entry.get(k)).strip()
    ]


def _starts_with_words(name: str, key: str) -> bool:
    """`key` is the name's first word(s): `ada` starts "ada lovelace", not "adam"."""
    if not name.startswith(key) or len(name) == len(key):
        return False
    return not (name[len(key)].isalnum() or key[-1:].isspace())


def _starts_with(name: str, key: str) -> bool:
    """`key` starts the name: `eng` starts "engineering"."""
    return len(key) >= 2 and name.startswith(key)
