"""A hearings calendar feed (RFC 5545), written by hand so the server needs no iCalendar library.

What goes into the feed is deliberately narrow: a calendar feed leaves the server for phones,
shared office calendars and whatever syncs them, where the tracker's access rules no longer
apply. So an event carries the case reference, the purpose and the court, and nothing about the
survivor (DOMAIN.md "Protection and safety": identity never appears in calendar feeds).
`CalendarHearing` has no field that could hold her name, and `render_calendar` takes nothing
else, so a caller cannot leak it by passing one more argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from tafteesh.hearings.vocabulary import HearingStatus

PRODID = "-//Tafteesh//Hearings calendar//EN"
TZID = "Asia/Kolkata"
UID_DOMAIN = "tafteesh"
HEARING_LENGTH = dt.timedelta(hours=1)

# A hearing listed for a session but not a time is placed at the session's start, so a phone
# reminds the lawyer to be in court when the board is called; the matter itself may be reached
# any time in that session, which the description says. District and sessions courts sit from
# 10:30 and resume after lunch at 14:00 (IST).
SESSION_STARTS = {
    "morning": dt.time(10, 30),
    "afternoon": dt.time(14, 0),
}

# India has kept UTC+05:30 without daylight saving since 1945, so one STANDARD rule describes
# every date a hearing can fall on.
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0530",
    "TZOFFSETTO:+0530",
    "TZNAME:IST",
    "END:STANDARD",
    "END:VTIMEZONE",
)

# RFC 5545 3.1: content lines are at most 75 octets, excluding the line break; a continuation
# line starts with one space, which counts towards its 75.
_MAX_OCTETS = 75
_CRLF = "\r\n"


@dataclass(frozen=True)
class CalendarHearing:
    """One hearing as it may appear outside the tracker: no survivor data, by design."""

    uid: str
    case_reference: str
    court: str | None
    court_number: str | None
    purpose_label: str
    day: dt.date
    time: dt.time | None
    session: str | None
    updated_at: dt.datetime
    status: str


def render_calendar(
    hearings: Iterable[CalendarHearing], *, calendar_name: str, now: dt.datetime
) -> bytes:
    """The hearings as a VCALENDAR, UTF-8 with CRLF line breaks, events in the order given.

    Takes no survivor data at all: calendar feeds leave the server to phones and shared
    calendars, beyond the tracker's access rules. `now` (timezone-aware) is the DTSTAMP of every
    event. A hearing with a time, or else with a morning or afternoon session, is a one-hour
    event in Asia/Kolkata time; a hearing with neither is an all-day event.
    """
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(calendar_name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *_VTIMEZONE,
    ]
    stamp = _utc(now, "now")
    for hearing in hearings:
        lines.extend(_event(hearing, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + _CRLF for line in lines).encode()


def escape_text(value: str) -> str:
    r"""A TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and line breaks escaped.

    Other control characters are not allowed in TEXT; they are dropped rather than breaking
    the feed for every subscriber because of one pasted court name.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "".join(char for char in value if char in "\t\n" or not _is_control(char))
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Fold a content line into physical lines of at most 75 octets, joined by CRLF + space.

    Folds fall between characters, never inside a UTF-8 sequence, so a Bengali court name
    unfolds back exactly.
    """
    pieces: list[str] = []
    current: list[str] = []
    size = 0
    limit = _MAX_OCTETS
    for char in line:
        octets = len(char.encode())
        if size + octets > limit:
            pieces.append("".join(current))
            current, size, limit = [], 0, _MAX_OCTETS - 1
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return (_CRLF + " ").join(pieces)


def _event(hearing: CalendarHearing, stamp: dt.datetime) -> list[str]:
    cancelled = hearing.status == HearingStatus.CANCELLED
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(hearing.uid)}@{UID_DOMAIN}",
        f"DTSTAMP:{_utc_text(stamp)}",
        *_timing(hearing),
        f"SUMMARY:{escape_text(f'Hearing: {hearing.case_reference} — {hearing.purpose_label}')}",
    ]
    location = _location(hearing)
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"DESCRIPTION:{escape_text(_description(hearing, location, cancelled=cancelled))}",
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        f"LAST-MODIFIED:{_utc_text(_utc(hearing.updated_at, 'updated_at'))}",
        "END:VEVENT",
    ]
    return lines


def _timing(hearing: CalendarHearing) -> list[str]:
    start_time = _start_time(hearing)
    if start_time is None:
        # DTEND of an all-day event is exclusive: the next day.
        end_day = hearing.day + dt.timedelta(days=1)
        return [
            f"DTSTART;VALUE=DATE:{hearing.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{end_day:%Y%m%d}",
        ]
    start = dt.datetime.combine(hearing.day, start_time.replace(tzinfo=None))
    end = start + HEARING_LENGTH
    return [
        f"DTSTART;TZID={TZID}:{start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={TZID}:{end:%Y%m%dT%H%M%S}",
    ]


def _start_time(hearing: CalendarHearing) -> dt.time | None:
    if hearing.time is not None:
        return hearing.time
    # An unknown session word makes an all-day event rather than failing the whole feed.
    return SESSION_STARTS.get((hearing.session or "").strip().lower())


def _location(hearing: CalendarHearing) -> str:
    court = (hearing.court or "").strip()
    number = (hearing.court_number or "").strip()
    if number and not number.lower().startswith("court"):
        number = f"Court No. {number}"
    return ", ".join(part for part in (court, number) if part)


def _description(hearing: CalendarHearing, location: str, *, cancelled: bool) -> str:
    lines = [f"Case: {hearing.case_reference}", f"Purpose: {hearing.purpose_label}"]
    if location:
        lines.append(f"Court: {location}")
    if hearing.time is None and _start_time(hearing) is not None:
        session = (hearing.session or "").strip().lower()
        lines.append(
            f"{session.capitalize()} session: the case may be called any time in it "
            f"(shown from {SESSION_STARTS[session]:%H:%M} IST)"
        )
    if cancelled:
        lines.append("This hearing is cancelled.")
    return "\n".join(lines)


def _utc(moment: dt.datetime, name: str) -> dt.datetime:
    # A naive datetime could be server-local or UTC; guessing would shift times by 5:30.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return moment.astimezone(dt.UTC)


def _utc_text(moment: dt.datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%SZ}"


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F
