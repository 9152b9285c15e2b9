"""The calendar feed over HTTP: a secret, revocable address listing the user's team hearings,
read back with an independent iCalendar parser, and never carrying anything about a survivor."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

import httpx
from icalendar import Calendar, Event
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tests.cases.conftest import SURVIVOR_ADDRESS, SURVIVOR_GUARDIAN, audit_count
from tests.hearings.conftest import (
    API,
    BUSINESS,
    CASES,
    COURT,
    HEARINGS,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    SURVIVOR_PSEUDONYM,
    Actor,
    MakeActor,
    MakeTeam,
    RecordOutcome,
    Schedule,
    day,
    iso,
)

CALENDAR = f"{API}/me/calendar"


async def _subscribe(client: httpx.AsyncClient, actor: Actor) -> str:
    response = await client.post(CALENDAR, headers=actor.headers)
    assert response.status_code == 201, response.text
    url = str(response.json()["url"])
    assert url.startswith("http://testserver/calendar/")
    assert url.endswith(".ics")
    return url


async def _feed(client: httpx.AsyncClient, url: str) -> bytes:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    assert "private" in response.headers["cache-control"]
    return response.content


def _events(feed: bytes) -> dict[str, Event]:
    """The feed's events by hearing id (the UID is the hearing's id at tafteesh)."""
    events = Calendar.from_ical(feed).walk("VEVENT")
    return {str(e["UID"]).removesuffix("@tafteesh"): e for e in events}


async def test_the_feed_lists_the_users_team_hearings_as_valid_icalendar(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    other = await make_team()
    timed = await schedule(team.lawyer, team.case, 5, hearing_time="11:15:00")
    afternoon = await schedule(
        team.lawyer, team.case, 12, purpose="survivor_deposition", session="afternoon"
    )
    undated = await schedule(team.lawyer, team.case, 19, purpose="arguments")
    past = await schedule(team.lawyer, team.case, -10)
    adjourned = await record_outcome(
        team.lawyer,
        past,
        outcome="adjourned",
        adjournment_reason="io_absent",
        next_date=iso(26),
        business_recorded=BUSINESS,
        survivor_note="Bring your Aadhaar card.",
    )
    assert adjourned.status_code == 200
    next_hearing = adjourned.json()["next_hearing"]
    theirs = await schedule(other.lawyer, other.case, 5)

    feed = await _feed(client, await _subscribe(client, team.lawyer))

    calendar = Calendar.from_ical(feed)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["X-WR-CALNAME"]) == "Tafteesh hearings"
    events = _events(feed)
    assert set(events) == {
        timed["id"],
        afternoon["id"],
        undated["id"],
        past["id"],
        next_hearing["id"],
    }
    assert theirs["id"] not in feed.decode()
    assert other.case["reference"] not in feed.decode()

    reference = team.case["reference"]
    first = events[timed["id"]]
    assert str(first["SUMMARY"]) == f"Hearing: {reference} — Charge hearing"
    assert first.decoded("DTSTART") == datetime.combine(day(5), time(11, 15)).replace(
        tzinfo=first.decoded("DTSTART").tzinfo
    )
    assert str(first.decoded("DTSTART").tzinfo) in ("Asia/Kolkata", "IST")
    assert COURT in str(first["LOCATION"])
    assert "Court No. 3" in str(first["LOCATION"])
    assert str(first["STATUS"]) == "CONFIRMED"
    assert events[afternoon["id"]].decoded("DTSTART").time() == time(14, 0)
    assert "Survivor's deposition" in str(events[afternoon["id"]]["SUMMARY"])
    assert events[undated["id"]].decoded("DTSTART") == day(19)  # an all-day event
    assert isinstance(events[undated["id"]].decoded("DTSTART"), date)
    assert await audit_count(session, action="calendar.feed", object_id=team.lawyer.id) == 1


async def test_the_feed_carries_nothing_about_the_survivor(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    deposition = await schedule(team.lawyer, team.case, 3, purpose="survivor_deposition")
    past = await schedule(team.lawyer, team.case, -2, purpose="cross_examination")
    response = await record_outcome(
        team.lawyer,
        past,
        outcome="adjourned",
        adjournment_reason="defence_request",
        next_date=iso(9),
        business_recorded=BUSINESS + f" {SURVIVOR_PSEUDONYM} was present.",
        survivor_note=f"{SURVIVOR_PSEUDONYM}, please come at 10.",
    )
    assert response.status_code == 200

    feed = await _feed(client, await _subscribe(client, team.social_worker))

    assert deposition["id"] in feed.decode()
    raw = feed.decode()
    unfolded = raw.replace("\r\n ", "")  # a name could be split across folded lines
    for secret in (
        SURVIVOR_LEGAL_NAME,
        SURVIVOR_PHONE,
        SURVIVOR_PSEUDONYM,
        SURVIVOR_GUARDIAN,
        SURVIVOR_ADDRESS,
        "Secretbusiness",
        "Aadhaar",
        "please come at 10",
    ):
        for text in (raw, unfolded, raw.casefold()):
            assert secret.casefold() not in text.casefold(), secret
    for event in _events(feed).values():
        for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
            value = str(event.get(name, ""))
            assert SURVIVOR_PSEUDONYM.casefold() not in value.casefold()


async def test_a_cancelled_hearing_stays_in_the_feed_marked_cancelled(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 8)
    cancelled = await client.patch(
        f"{HEARINGS}/{hearing['id']}",
        json={"version": hearing["version"], "status": "cancelled"},
        headers=team.lawyer.headers,
    )
    assert cancelled.status_code == 200, cancelled.text

    event = _events(await _feed(client, await _subscribe(client, team.lawyer)))[hearing["id"]]

    # A subscribed phone removes it, rather than keeping a date that is gone.
    assert str(event["STATUS"]) == "CANCELLED"
    assert "cancelled" in str(event["DESCRIPTION"]).lower()


async def test_revoking_the_address_makes_the_old_url_not_found(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    await schedule(team.lawyer, team.case, 4)
    url = await _subscribe(client, team.lawyer)
    await _feed(client, url)

    revoked = await client.delete(CALENDAR, headers=team.lawyer.headers)

    assert revoked.status_code == 204
    gone = await client.get(url)
    assert gone.status_code == 404
    assert team.case["reference"] not in gone.text
    # Revoking again is harmless.
    assert (await client.delete(CALENDAR, headers=team.lawyer.headers)).status_code == 204


async def test_a_new_address_replaces_the_old_one(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 4)
    old = await _subscribe(client, team.lawyer)

    new = await _subscribe(client, team.lawyer)

    assert new != old
    assert (await client.get(old)).status_code == 404
    assert hearing["id"] in (await _feed(client, new)).decode()


async def test_each_persons_address_is_their_own(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    other = await make_team()
    mine = await schedule(team.lawyer, team.case, 4)
    theirs = await schedule(other.lawyer, other.case, 4)
    my_url = await _subscribe(client, team.lawyer)
    their_url = await _subscribe(client, other.lawyer)

    # One person revoking leaves the other's address working.
    assert (await client.delete(CALENDAR, headers=other.lawyer.headers)).status_code == 204

    assert set(_events(await _feed(client, my_url))) == {mine["id"]}
    assert (await client.get(their_url)).status_code == 404
    assert theirs["id"] not in (await _feed(client, my_url)).decode()


async def test_leaving_the_team_takes_the_case_out_of_the_feed(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 6)
    url = await _subscribe(client, team.social_worker)
    assert hearing["id"] in _events(await _feed(client, url))

    removed = await client.delete(
        f"{CASES}/{team.case_id}/team/{team.social_worker.id}", headers=team.lead.headers
    )

    assert removed.status_code == 204
    assert _events(await _feed(client, url)) == {}


async def test_a_lead_or_a_survivor_gets_an_empty_but_valid_feed(
    client: httpx.AsyncClient, make_team: MakeTeam, make_actor: MakeActor, schedule: Schedule
) -> None:
    """The feed is the user's own team hearings; reading every case is no reason to sync them
    all to a phone."""
    team = await make_team()
    await schedule(team.lawyer, team.case, 6)
    for actor in (team.lead, team.survivor, await make_actor(Role.ADMIN)):
        feed = await _feed(client, await _subscribe(client, actor))
        calendar: Any = Calendar.from_ical(feed)
        assert calendar.walk("VEVENT") == []
        assert team.case["reference"] not in feed.decode()
