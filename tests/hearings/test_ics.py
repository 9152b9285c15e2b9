"""The hearings calendar feed, read back by an independent iCalendar parser."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from tafteesh.hearings.ics import CalendarHearing, fold_line, render_calendar

IST = timezone(timedelta(hours=5, minutes=30))
NOW = datetime(2026, 3, 10, 9, 15, tzinfo=UTC)
BENGALI_COURT = "কলকাতা নগর দায়রা আদালত (মানব পাচার বিরোধী বিশেষ আদালত), ব্যাঙ্কশাল কোর্ট ভবন"


def hearing(**overrides: Any) -> CalendarHearing:
    values: dict[str, Any] = {
        "uid": "7b0e4c1a-3d5f-4e8a-9c2b-1f6d8e0a4b7c",
        "case_reference": "SC 112/2025",
        "court": "City Sessions Court, Calcutta",
        "court_number": "5",
        "purpose_label": "Charge hearing",
        "day": date(2026, 3, 12),
        "time": time(11, 0),
        "session": None,
        "updated_at": datetime(2026, 3, 1, 16, 45, tzinfo=IST),
        "status": "scheduled",
    }
    return CalendarHearing(**(values | overrides))


def render(*hearings: CalendarHearing, name: str = "Tafteesh hearings") -> bytes:
    return render_calendar(hearings, calendar_name=name, now=NOW)


def events(feed: bytes) -> list[Event]:
    return list(Calendar.from_ical(feed).walk("VEVENT"))


def only_event(feed: bytes) -> Event:
    (event,) = events(feed)
    return event


def test_calendar_has_the_headers_subscribers_need() -> None:
    calendar = Calendar.from_ical(render(hearing()))

    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Tafteesh//")
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Tafteesh hearings"


def test_each_hearing_is_an_event_with_stable_uid_and_summary() -> None:
    second = hearing(uid="second", case_reference="SC 7/2024", purpose_label="Arguments")

    found = events(render(hearing(), second))

    assert [str(event["UID"]) for event in found] == [
        "7b0e4c1a-3d5f-4e8a-9c2b-1f6d8e0a4b7c@tafteesh",
        "second@tafteesh",
    ]
    assert [str(event["SUMMARY"]) for event in found] == [
        "Hearing: SC 112/2025 — Charge hearing",
        "Hearing: SC 7/2024 — Arguments",
    ]


def test_stamps_are_utc_from_now_and_last_modified_from_the_hearing() -> None:
    event = only_event(render(hearing()))

    assert event["DTSTAMP"].dt == NOW
    assert event["LAST-MODIFIED"].dt == datetime(2026, 3, 1, 11, 15, tzinfo=UTC)
    assert b"DTSTAMP:20260310T091500Z\r\n" in render(hearing())


def test_naive_now_is_refused_rather_than_guessed() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        render_calendar([hearing()], calendar_name="x", now=datetime(2026, 3, 10, 9, 15))


def test_timed_hearing_is_one_hour_in_kolkata_time_with_its_timezone() -> None:
    feed = render(hearing(time=time(11, 0)))
    calendar = Calendar.from_ical(feed)
    event = only_event(feed)

    kolkata = ZoneInfo("Asia/Kolkata")
    assert event["DTSTART"].dt == datetime(2026, 3, 12, 11, 0, tzinfo=kolkata)
    assert event["DTEND"].dt == datetime(2026, 3, 12, 12, 0, tzinfo=kolkata)
    assert event["DTSTART"].params["TZID"] == "Asia/Kolkata"
    (timezone_block,) = calendar.walk("VTIMEZONE")
    assert str(timezone_block["TZID"]) == "Asia/Kolkata"
    (standard,) = timezone_block.walk("STANDARD")
    assert standard["TZOFFSETTO"].td == timedelta(hours=5, minutes=30)
    assert str(standard["TZNAME"]) == "IST"
    assert not timezone_block.walk("DAYLIGHT")


def test_hearing_without_time_or_session_is_all_day() -> None:
    event = only_event(render(hearing(time=None, session=None)))

    assert event["DTSTART"].dt == date(2026, 3, 12)
    assert not isinstance(event["DTSTART"].dt, datetime)
    assert event["DTEND"].dt == date(2026, 3, 13)
    assert b"DTSTART;VALUE=DATE:20260312\r\n" in render(hearing(time=None))


@pytest.mark.parametrize(("session", "start"), [("morning", time(10, 30)), ("afternoon", time(14))])
def test_session_without_time_starts_at_the_session(session: str, start: time) -> None:
    event = only_event(render(hearing(time=None, session=session)))

    kolkata = ZoneInfo("Asia/Kolkata")
    assert event["DTSTART"].dt == datetime.combine(date(2026, 3, 12), start, kolkata)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=1)
    assert f"{session.capitalize()} session" in str(event["DESCRIPTION"])


def test_an_exact_time_wins_over_the_session() -> None:
    event = only_event(render(hearing(time=time(15, 30), session="morning")))

    assert event["DTSTART"].dt.time() == time(15, 30)
    assert "session" not in str(event["DESCRIPTION"])


def test_late_hearing_ends_on_the_next_day() -> None:
    event = only_event(render(hearing(time=time(23, 30))))

    assert event["DTEND"].dt == datetime(2026, 3, 13, 0, 30, tzinfo=ZoneInfo("Asia/Kolkata"))


def test_location_and_description_name_the_court_and_purpose() -> None:
    event = only_event(render(hearing()))

    assert str(event["LOCATION"]) == "City Sessions Court, Calcutta, Court No. 5"
    assert str(event["DESCRIPTION"]) == (
        "Case: SC 112/2025\nPurpose: Charge hearing\n"
        "Court: City Sessions Court, Calcutta, Court No. 5"
    )


def test_court_number_already_spelled_out_is_kept() -> None:
    event = only_event(render(hearing(court=None, court_number="Court Room 3")))

    assert str(event["LOCATION"]) == "Court Room 3"


def test_no_court_means_no_location() -> None:
    event = only_event(render(hearing(court=None, court_number=None)))

    assert "LOCATION" not in event


def test_long_bengali_court_name_folds_at_75_octets_and_unfolds_exactly() -> None:
    feed = render(hearing(court=BENGALI_COURT, court_number=None))

    physical = feed.split(b"\r\n")
    assert max(len(line) for line in physical) <= 75
    for line in physical:
        line.decode()  # a fold inside a multi-byte character would not decode
    location_lines = [
        line for line in feed.decode().split("\r\n") if line.startswith(("LOCATION:", " "))
    ]
    assert len([line for line in location_lines if line.startswith(" ")]) >= 2
    assert str(only_event(feed)["LOCATION"]) == BENGALI_COURT


def test_fold_line_keeps_short_lines_and_splits_long_ones() -> None:
    assert fold_line("SUMMARY:short") == "SUMMARY:short"
    folded = fold_line("X:" + "a" * 200)
    assert [len(part) for part in folded.split("\r\n")] == [75, 75, 54]
    assert folded.replace("\r\n ", "") == "X:" + "a" * 200


def test_text_values_are_escaped() -> None:
    tricky = "Court; No. 2, Bench\nFloor 3 \\ annexe"
    feed = render(hearing(court=tricky, court_number=None, case_reference="SC 1/2026, Part-B"))
    event = only_event(feed)

    assert b"Court\\; No. 2\\, Bench\\nFloor 3 \\\\ annexe" in feed.replace(b"\r\n ", b"")
    assert str(event["LOCATION"]) == tricky
    assert str(event["SUMMARY"]) == "Hearing: SC 1/2026, Part-B — Charge hearing"


def test_every_line_ends_with_crlf() -> None:
    feed = render(hearing(), hearing(uid="b", time=None, court=BENGALI_COURT))

    assert feed.endswith(b"END:VCALENDAR\r\n")
    assert feed.count(b"\n") == feed.count(b"\r\n")
    assert feed.count(b"\r") == feed.count(b"\r\n")


def test_cancelled_hearing_is_cancelled_and_others_confirmed() -> None:
    found = events(render(hearing(uid="on"), hearing(uid="off", status="cancelled")))

    assert [str(event["STATUS"]) for event in found] == ["CONFIRMED", "CANCELLED"]


def test_empty_feed_is_still_a_valid_calendar() -> None:
    feed = render()
    calendar = Calendar.from_ical(feed)

    assert calendar.name == "VCALENDAR"
    assert str(calendar["VERSION"]) == "2.0"
    assert calendar.walk("VEVENT") == []
    assert feed.startswith(b"BEGIN:VCALENDAR\r\n")


def test_the_event_carries_only_what_it_was_given() -> None:
    """A feed leaves the server: nothing but the hearing's own fields may appear in it."""
    field_names = {field.name for field in dataclasses.fields(CalendarHearing)}
    event = only_event(render(hearing()))

    assert field_names == {
        "uid",
        "case_reference",
        "court",
        "court_number",
        "purpose_label",
        "day",
        "time",
        "session",
        "updated_at",
        "status",
    }
    assert set(event) == {
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SUMMARY",
        "LOCATION",
        "DESCRIPTION",
        "STATUS",
        "LAST-MODIFIED",
    }
