"""The direct VEVENT writer held to icalendar: for generated events with every field gcal
exports, icalendar parses gcal's lines to the same components and values as its own
serialisation of the same events (`event_component`, built with icalendar objects)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcal.core import icsevent, icslines, icstext, icstimes
from gcal.render.formats import make_writer

icalendar = pytest.importorskip("icalendar")

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "UTC", "Etc/UTC", "Mars/Base", ""]
SPECIAL = st.sampled_from([*",;\\\n\r:\"'^ \t", "\\n", "\\N", "\\,", "日本", "🎉", "é"])
TEXT = st.lists(st.one_of(st.text(max_size=30), SPECIAL), max_size=12).map("".join) | st.text(
    alphabet=st.sampled_from(["a", "ü", "日", "🎉", "\\", ",", " "]), min_size=70, max_size=200
)
INSTANT = st.datetimes(
    min_value=datetime.datetime(1990, 1, 1), max_value=datetime.datetime(2060, 12, 31)
).map(lambda d: d.replace(microsecond=0, tzinfo=datetime.timezone.utc))


def _stamp(dt: datetime.datetime) -> str:
    return dt.strftime("%Y%m%dT%H%M%S")


@st.composite
def times(draw):
    """(start, end) EventDateTimes: all-day, or timed with or without a zone."""
    first = draw(INSTANT)
    if draw(st.booleans()):
        days = draw(st.integers(0, 3))
        end = first.date() + datetime.timedelta(days=days)
        return {"date": first.date().isoformat()}, {"date": end.isoformat()}
    zone = draw(st.sampled_from(ZONES))
    offset = draw(st.sampled_from(["+02:00", "-05:00", "Z", "+05:30"]))
    last = first + datetime.timedelta(minutes=draw(st.integers(-30, 3000)))

    def when(dt):
        text = dt.isoformat().replace("+00:00", offset if offset == "Z" else "+00:00")
        out = {"dateTime": text}
        if zone:
            out["timeZone"] = zone
        return out

    return when(first), when(last)


@st.composite
def recurrence(draw, start):
    lines = [
        draw(
            st.sampled_from(
                [
                    "RRULE:FREQ=WEEKLY;COUNT=5",
                    "RRULE:FREQ=DAILY;UNTIL=20991231T000000Z;BYDAY=MO,WE",
                    "RRULE:FREQ=MONTHLY;BYMONTHDAY=1,15",
                ]
            )
        )
    ]
    base = datetime.datetime(2024, 3, 10, 9, 30)
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(["EXDATE", "RDATE"]))
        kind = draw(st.sampled_from(["date", "zoned", "utc", "floating", "period", "bad"]))
        when = base + datetime.timedelta(days=draw(st.integers(0, 400)))
        if kind == "date":
            lines.append(f"{name};VALUE=DATE:{when:%Y%m%d},{when + datetime.timedelta(1):%Y%m%d}")
        elif kind == "zoned":
            zone = draw(st.sampled_from(ZONES[:-1]))
            lines.append(f"{name};TZID={zone}:{_stamp(when)}")
        elif kind == "utc":
            lines.append(f"{name}:{_stamp(when)}Z")
        elif kind == "floating":
            lines.append(f"{name}:{_stamp(when)},{_stamp(when + datetime.timedelta(7))}")
        elif kind == "period":
            lines.append(f"{name};VALUE=PERIOD:{_stamp(when)}Z/PT1H")
        else:
            lines.append(draw(st.sampled_from(["EXDATE:soon", "X-OTHER:1", "RRULE:FREQ=NEVER"])))
    return lines


def person(text):
    return st.fixed_dictionaries(
        {"email": st.sampled_from(["a@example.com", "b@x.org", "room@resource.example"])},
        optional={
            "displayName": text,
            "responseStatus": st.sampled_from(
                ["accepted", "declined", "tentative", "needsAction", "odd"]
            ),
            "optional": st.booleans(),
            "resource": st.booleans(),
            "organizer": st.booleans(),
            "self": st.booleans(),
            "additionalGuests": st.integers(0, 3),
        },
    )


@st.composite
def events(draw, ident="e"):
    start, end = draw(times())
    item = {"id": ident, "start": start, "end": end}
    if draw(st.booleans()):
        item["iCalUID"] = draw(TEXT.filter(bool) | st.just(f"{ident}@google.com"))
    optional = {
        "summary": TEXT,
        "description": TEXT,
        "location": TEXT,
        "htmlLink": st.just(f"https://www.google.com/calendar/event?eid={ident}"),
        "status": st.sampled_from(["confirmed", "tentative", "cancelled"]),
        "transparency": st.sampled_from(["opaque", "transparent"]),
        "visibility": st.sampled_from(["default", "public", "private", "confidential"]),
        "sequence": st.integers(0, 30),
        "colorId": st.sampled_from([str(n) for n in range(1, 13)]),
        "updated": INSTANT.map(lambda d: d.isoformat().replace("+00:00", ".000Z")),
        "created": INSTANT.map(lambda d: d.isoformat().replace("+00:00", "Z")),
        "organizer": person(TEXT),
        "attendees": st.lists(person(TEXT), max_size=3),
        "hangoutLink": st.just("https://meet.google.com/abc-defg-hij"),
        "conferenceData": st.fixed_dictionaries(
            {
                "conferenceSolution": st.fixed_dictionaries({"name": TEXT}),
                "entryPoints": st.just(
                    [{"entryPointType": "video", "uri": "https://zoom.example/j/1"}]
                ),
            }
        ),
        "attachments": st.lists(
            st.fixed_dictionaries(
                {"fileUrl": st.just("https://drive.google.com/open?id=1")},
                optional={"title": TEXT, "mimeType": st.just("application/pdf")},
            ),
            max_size=2,
        ),
        "reminders": st.one_of(
            st.just({"useDefault": True}),
            st.fixed_dictionaries(
                {
                    "useDefault": st.just(False),
                    "overrides": st.lists(
                        st.fixed_dictionaries(
                            {
                                "method": st.sampled_from(["popup", "email"]),
                                "minutes": st.integers(-1, 40320),
                            }
                        ),
                        max_size=3,
                    ),
                }
            ),
        ),
    }
    for key in draw(st.sets(st.sampled_from(sorted(optional)))):
        item[key] = draw(optional[key])
    kind = draw(st.sampled_from(["single", "master", "override"]))
    if kind == "master":
        item["recurrence"] = draw(recurrence(start))
    elif kind == "override":
        item["recurringEventId"] = "series"
        item["originalStartTime"] = dict(start)
    return item


def _normal(component) -> list:
    """Each component's properties as comparable values: name, parameters, value."""
    out = []
    for part in component.walk():
        props = []
        for name, value in part.property_items(recursive=False):
            if name in ("BEGIN", "END"):
                continue
            params = tuple(sorted((k, str(v)) for k, v in getattr(value, "params", {}).items()))
            text = value.to_ical() if hasattr(value, "to_ical") else str(value).encode()
            props.append((name, params, text, str(value) if isinstance(value, str) else None))
        out.append((part.name, sorted(props)))
    return out


def _check_lines(data: bytes) -> None:
    assert data.endswith(b"\r\n")
    for line in data[:-2].split(b"\r\n"):
        assert len(line) <= 75, line
        line.decode("utf-8")  # a fold never splits a character
        assert b"\r" not in line and b"\n" not in line


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(events(), st.sampled_from(ZONES), st.booleans())
def test_direct_lines_parse_as_icalendars_own_serialisation(item, zone, defaults):
    source = icsevent.Source(zone or None, [{"method": "popup", "minutes": 30}] if defaults else [])
    lines = icsevent.event_lines(item, source)
    reference = icsevent.event_component(item, source)
    assert (lines is None) == (reference is None)
    if lines is None:
        return
    data = lines.to_ical()
    _check_lines(data)
    ours = icalendar.Event.from_ical(data)
    theirs = icalendar.Event.from_ical(reference.to_ical())
    assert _normal(ours) == _normal(theirs)
    assert lines.all_tzids() == icslines.tzids(reference)
    for key in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        if item.get(key.lower()):
            assert str(ours[key]) == icstext.safe_text(item[key.lower()])


def _reference_calendar(pages) -> dict:
    """What the writer's output must hold, built with icalendar: every event, masters with
    their cancelled exceptions as EXDATEs (as `gcal.render.ics` documents)."""
    components = {}
    masters = {}
    cancelled = []
    for page in pages:
        source = icsevent.Source(page.get("timeZone"))
        for item in page["items"]:
            if item.get("status") == "cancelled" and item.get("recurringEventId"):
                cancelled.append(item)
                continue
            component = icsevent.event_component(item, source)
            if component is None:
                continue
            if item.get("recurrence") and item.get("id"):
                masters[item["id"]] = (component, icstimes.series_form(item, page.get("timeZone")))
            components[len(components)] = component
    for item in cancelled:
        held = masters.get(item["recurringEventId"])
        if held is not None:
            icstimes.add_exdate(held[0], item.get("originalStartTime"), held[1])
    return components


def _key(component) -> tuple:
    rid = component.get("RECURRENCE-ID")
    return (str(component["UID"]), rid.to_ical() if rid is not None else b"", _normal(component))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(events(), min_size=1, max_size=6), st.integers(1, 3), st.data())
def test_the_writer_gives_the_calendar_icalendar_would(items, page_count, data):
    for n, item in enumerate(items):
        item["id"] = f"ev{n}"
        item.setdefault("updated", "2024-05-01T08:00:00.000Z")  # else DTSTAMP is the clock's
        if item.get("recurringEventId"):
            item["recurringEventId"] = "ev0"
    items[0].setdefault("recurrence", ["RRULE:FREQ=DAILY;COUNT=9"])
    items[0].pop("recurringEventId", None)
    start = items[0]["start"]
    for day in range(data.draw(st.integers(0, 2))):
        items.append(
            {
                "id": f"ev0_{day}",
                "status": "cancelled",
                "recurringEventId": "ev0",
                "originalStartTime": dict(start),
            }
        )
    items = data.draw(st.permutations(items))
    cuts = sorted(data.draw(st.integers(0, len(items))) for _ in range(page_count - 1))
    bounds = [0, *cuts, len(items)]
    pages = [{"items": items[a:b], "timeZone": "Europe/Berlin"} for a, b in zip(bounds, bounds[1:])]

    buffer = io.BytesIO()
    out = io.TextIOWrapper(buffer, encoding="ascii", newline="")
    writer = make_writer("events", "ics", out)
    for page in pages:
        writer.write_page(page)
    writer.close()
    out.flush()
    text = buffer.getvalue()
    _check_lines(text)

    cal = icalendar.Calendar.from_ical(text)
    ours = sorted(_key(e) for e in cal.walk("VEVENT"))
    theirs = sorted(
        _key(icalendar.Event.from_ical(c.to_ical())) for c in _reference_calendar(pages).values()
    )
    assert ours == theirs
    used = set(re.findall(rb";TZID=([^;:]+)", text))
    for tzid in used:
        assert text.count(b"\r\nTZID:" + tzid + b"\r\n") == 1
        assert text.index(b"\r\nTZID:" + tzid + b"\r\n") < text.index(b"TZID=" + tzid)


@pytest.mark.parametrize(
    "line",
    [
        "a" * 200,
        "日本語" * 40,
        "\\" * 160,
        "x" + "\\," * 80,
        "🎉" * 50,
        "ab" + "é" * 70 + "\\n" * 10,
    ],
)
def test_folding_keeps_characters_and_escapes_whole(line):
    raw = ("SUMMARY:" + line).encode("utf-8")
    folded = icstext.fold(raw)
    parts = folded.split(b"\r\n ")
    assert b"".join(parts) == raw
    for part in parts:
        assert len(part) + (part is not parts[0]) <= 75
        part.decode("utf-8")
        tail = len(part) - len(part.rstrip(b"\\"))
        assert tail % 2 == 0 or part is parts[-1]


def test_escape_is_backslash_first_and_exact():
    assert icstext.escape_text("a\\n,b;c\nd") == "a\\\\n\\,b\\;c\\nd"
