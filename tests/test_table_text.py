"""What the table writer does with text it cannot show as it is: raw recurrence lines, missing
titles, an output encoding without the characters."""

from __future__ import annotations

import io
from typing import Any, Dict, List

from hypothesis import given
from hypothesis import strategies as st

from gcal.render.celltext import wrap_tokens
from gcal.render.formats import make_writer

RAW = "RRULE:FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;WKST=MO"
SERIES = {
    "id": "series",
    "summary": "Planning",
    "recurrence": [RAW],
    "start": {"dateTime": "2024-06-03T09:00:00+02:00"},
    "end": {"dateTime": "2024-06-03T10:00:00+02:00"},
}


def _table(items: List[Dict[str, Any]], width: int, **extra: Any) -> str:
    out = io.StringIO()
    writer = make_writer("events", "table", out, width=width, time_zone="UTC")
    writer.write_page({"items": items, **extra})
    writer.close()
    return out.getvalue()


def test_a_rule_without_words_breaks_only_between_its_parts() -> None:
    for width in (64, 80, 120):
        text = _table([SERIES], width)
        for part in ("BYSETPOS=-1;", "BYDAY=MO,", "BYHOUR=9;", "WKST=MO", "FREQ=MONTHLY;"):
            assert part in text, (width, text)
    assert RAW in _table([SERIES], 250)


@given(st.lists(st.text("ABC=-,;:", min_size=1, max_size=12), max_size=8), st.integers(1, 40))
def test_wrap_tokens_only_adds_line_breaks(tokens: List[str], width: int) -> None:
    text = ";".join(tokens)
    wrapped = wrap_tokens(text, width)
    assert wrapped.replace("\n", "") == text
    for line in wrapped.split("\n"):
        assert len(line) <= width or not any(c in line[:-1] for c in ";,:")


def test_a_cancelled_instance_of_an_unseen_series_says_whose_it_is() -> None:
    cancelled = {
        "id": "series_20240605T070000Z",
        "status": "cancelled",
        "recurringEventId": "series",
        "originalStartTime": {"dateTime": "2024-06-05T09:00:00+02:00"},
    }
    assert "(an occurrence of series)" in _table([cancelled], 200)
    later = _table([cancelled, SERIES], 200)  # the series on the same page: its title
    assert "(an occurrence" not in later and later.count("Planning") == 2


def test_untitled_events_read_busy_only_on_a_free_busy_calendar() -> None:
    item = {"id": "x", "start": {"dateTime": "2024-06-03T09:00:00Z"}}
    assert "busy" in _table([item], 80, accessRole="freeBusyReader")
    assert "(no title)" in _table([item], 80, accessRole="reader")


class Latin1(io.StringIO):
    encoding = "latin-1"


def test_characters_the_output_cannot_encode_are_replaced_before_the_layout() -> None:
    items = [
        {"id": f"id{i}", "summary": text, "start": {"dateTime": "2024-06-03T09:00:00Z"}}
        for i, text in enumerate(["チームランチ", "Café", "plain", "العربية ↻"])
    ]
    out = Latin1()
    writer = make_writer("events", "table", out, width=100, time_zone="UTC")
    writer.write_page({"items": items})
    writer.close()
    text = out.getvalue()
    text.encode("latin-1")  # everything encodable
    assert "\\u" not in text and "Café" in text and "??????" in text
    columns = {
        line.index(f"id{i}") for line in text.splitlines() for i in range(4) if f"id{i}" in line
    }
    assert len(columns) == 1  # the ids line up


def test_a_deleted_event_without_a_series_is_not_called_untitled() -> None:
    gone = {"id": "gone", "status": "cancelled"}
    text = _table([gone], 120)
    assert "(title not sent)" in text and "(no title)" not in text
