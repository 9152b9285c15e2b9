"""Who may do what with hearings, route by route (DESIGN.md "Access model").

A hearing of a case the user may not see is "not found" (404), never 403; a hearing she may see
but not record answers 403; what the team recorded of the proceedings never reaches the survivor.
The calendar feed is reached by its secret address alone, and only while that address is live.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tests.cases.conftest import timeline_count
from tests.hearings.conftest import (
    API,
    BUSINESS,
    CASES,
    HEARINGS,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PSEUDONYM,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    MakeTeam,
    RecordOutcome,
    Schedule,
    Team,
    Upload,
    fetch_hearing,
    hearing_count,
    history_csv,
    iso,
)

READ, EDIT, PREP = "read", "edit", "prep"


@dataclass
class World:
    """One case with four hearings, each the target of the routes that change it."""

    team: Team
    held: dict[str, Any]  # adjourned, with the team's notes on the proceedings
    pending: dict[str, Any]  # past, waiting for its outcome
    deposition: dict[str, Any]  # upcoming: the survivor testifies
    imported: dict[str, Any]  # from eCourts, not yet confirmed
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def case_id(self) -> str:
        return self.team.case_id


@dataclass(frozen=True)
class Route:
    name: str
    kind: str
    method: str
    path: Callable[[World], str]
    success: int
    body: Callable[[World], dict[str, Any] | None] = lambda w: None
    upload: bool = False
    refresh: str | None = None  # the hearing whose current version the body needs


def _version(w: World, name: str) -> int:
    return int(w.state[name])


ROUTES = (
    Route("case hearings", READ, "GET", lambda w: f"{CASES}/{w.case_id}/hearings", 200),
    Route("one hearing", READ, "GET", lambda w: f"{HEARINGS}/{w.held['id']}", 200),
    Route(
        "schedule",
        EDIT,
        "POST",
        lambda w: f"{CASES}/{w.case_id}/hearings",
        201,
        lambda w: {"hearing_date": iso(40), "purpose": "arguments"},
    ),
    Route(
        "change",
        EDIT,
        "PATCH",
        lambda w: f"{HEARINGS}/{w.deposition['id']}",
        200,
        lambda w: {"version": _version(w, "deposition"), "hearing_time": "11:30:00"},
        refresh="deposition",
    ),
    Route(
        "record outcome",
        EDIT,
        "POST",
        lambda w: f"{HEARINGS}/{w.pending['id']}/outcome",
        200,
        lambda w: {
            "version": _version(w, "pending"),
            "outcome": "adjourned",
            "adjournment_reason": "court_busy",
            "next_date": iso(30),
        },
        refresh="pending",
    ),
    Route(
        "confirm",
        EDIT,
        "POST",
        lambda w: f"{HEARINGS}/{w.imported['id']}/confirm",
        200,
        lambda w: {"version": _version(w, "imported"), "keep": "ecourts"},
        refresh="imported",
    ),
    Route(
        "read preparation",
        PREP,
        "GET",
        lambda w: f"{HEARINGS}/{w.deposition['id']}/deposition-preparation",
        200,
    ),
    Route(
        "save preparation",
        EDIT,
        "PUT",
        lambda w: f"{HEARINGS}/{w.deposition['id']}/deposition-preparation",
        200,
        lambda w: {"support_person": True, "travel_arranged": True},
    ),
    Route(
        "eCourts import",
        EDIT,
        "POST",
        lambda w: f"{CASES}/{w.case_id}/ecourts-import",
        200,
        upload=True,
    ),
)

# What each kind of person gets from each kind of route: None means "the route's success code".
# The preparation checklist (support person, threats) is the social worker's working note: the
# team's editors read it, nobody else.
OK = None
EXPECTED: dict[str, dict[str, int | None]] = {
    "team_lawyer": {READ: OK, EDIT: OK, PREP: OK},
    "team_social_worker": {READ: OK, EDIT: OK, PREP: OK},
    "team_survivor_leader": {READ: OK, EDIT: 403, PREP: 403},
    "consortium_lead": {READ: OK, EDIT: 403, PREP: 403},
    "admin": {READ: OK, EDIT: 403, PREP: 403},
    "own_survivor": {READ: OK, EDIT: 403, PREP: 403},
    "other_lawyer": {READ: 404, EDIT: 404, PREP: 404},
    "other_social_worker": {READ: 404, EDIT: 404, PREP: 404},
    "other_survivor_leader": {READ: 404, EDIT: 404, PREP: 404},
    "other_survivor": {READ: 404, EDIT: 404, PREP: 404},
}
# Who finds the case's hearings in their cause list (everyone else finds none of them).
LISTS_THE_CASE = {who for who, expected in EXPECTED.items() if expected[READ] is OK}
CAUSE_LIST = f"{HEARINGS}?from={iso(-60)}&to={iso(60)}"

ROLE_OF = {
    "team_survivor_leader": Role.SURVIVOR_LEADER,
    "consortium_lead": Role.CONSORTIUM_LEAD,
    "admin": Role.ADMIN,
    "other_lawyer": Role.LAWYER,
    "other_social_worker": Role.SOCIAL_WORKER,
    "other_survivor_leader": Role.SURVIVOR_LEADER,
    "other_survivor": Role.SURVIVOR,
}


@pytest.fixture
def make_world(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
    upload: Upload,
) -> Callable[..., Any]:
    async def factory(lead: Actor | None = None) -> World:
        team = await make_team(lead=lead)
        lawyer = team.lawyer
        held = await schedule(lawyer, team.case, -14)
        adjourned = await record_outcome(
            lawyer,
            held,
            outcome="adjourned",
            adjournment_reason="defence_request",
            next_date=iso(14),
            business_recorded=BUSINESS,
            survivor_note="Nothing for you to do before the next date.",
        )
        assert adjourned.status_code == 200, adjourned.text
        pending = await schedule(lawyer, team.case, -7, purpose="bail_hearing")
        deposition = await schedule(lawyer, team.case, 21, purpose="survivor_deposition")
        imported = await upload(lawyer, team.case, history_csv((-30, -14, "Appearance")))
        assert imported.json()["created"] == [iso(-30)], imported.text
        listed = await client.get(f"{CASES}/{team.case_id}/hearings", headers=lawyer.headers)
        (imported_hearing,) = [h for h in listed.json()["items"] if h["hearing_date"] == iso(-30)]
        return World(team, adjourned.json()["hearing"], pending, deposition, imported_hearing)

    return factory


async def _refresh(client: httpx.AsyncClient, world: World, name: str) -> None:
    """The hearing's current version, read as the case's lawyer, so the write is a valid one."""
    hearing: dict[str, Any] = getattr(world, name)
    world.state[name] = (await fetch_hearing(client, world.team.lawyer, hearing["id"]))["version"]


def _request(client: httpx.AsyncClient, route: Route, world: World, actor: Actor) -> Any:
    if route.upload:
        return client.post(
            route.path(world),
            files={"file": ("history.csv", history_csv((-45, -30, "Appearance")), "text/csv")},
            headers=actor.headers,
        )
    return client.request(
        route.method, route.path(world), json=route.body(world), headers=actor.headers
    )


@pytest.mark.parametrize("who", list(EXPECTED))
async def test_access_matrix(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
    make_world: Callable[..., Any],
    who: str,
) -> None:
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    world: World = await make_world(lead)
    team = world.team
    actor = {
        "team_lawyer": team.lawyer,
        "team_social_worker": team.social_worker,
        "own_survivor": team.survivor,
        "consortium_lead": lead,
    }.get(who) or await make_actor(ROLE_OF[who])
    if who == "team_survivor_leader":
        await assign_to_team(lead, team.case, actor)
    if who in ("other_lawyer", "other_social_worker"):
        await make_case(actor)  # they have cases of their own, just not this one
    if who == "other_survivor":
        await add_survivor(
            team.lawyer, await make_case(team.lawyer), account=actor, pseudonym="Salma"
        )
    hearings_before = await hearing_count(session, world.case_id)
    events_before = await timeline_count(session, world.case_id)

    mismatches: list[str] = []
    for route in ROUTES:
        if route.refresh:
            await _refresh(client, world, route.refresh)
        response = await _request(client, route, world, actor)
        expected = EXPECTED[who][route.kind] or route.success
        if response.status_code != expected:
            mismatches.append(f"{route.name}: {response.status_code}, expected {expected}")
            continue
        if expected == 404:
            assert response.json()["error"] == "not_found", route.name
            assert team.case["reference"] not in response.text
        if expected == 403:
            assert response.json()["error"] == "forbidden", route.name
        if route.name in ("case hearings", "one hearing") and expected == 200:
            # The proceedings are the team's; the survivor reads her note, not theirs.
            shows_business = BUSINESS in response.text
            if shows_business == (who == "own_survivor"):
                mismatches.append(f"{route.name}: business_recorded shown = {shows_business}")
            if who == "own_survivor":
                assert "Nothing for you to do" in response.text
                if route.name == "one hearing":
                    assert response.json()["business_recorded"] is None
    assert mismatches == []

    if EXPECTED[who][EDIT] is not OK:
        # Nothing this person tried was allowed, so nothing happened to the case.
        assert await hearing_count(session, world.case_id) == hearings_before
        assert await timeline_count(session, world.case_id) == events_before
        unchanged = await fetch_hearing(client, team.lawyer, world.pending["id"])
        assert unchanged["status"] == "scheduled"


async def test_anonymous_gets_401_on_every_route(client: httpx.AsyncClient) -> None:
    made_up = {"id": str(uuid.uuid4())}
    world = World(
        team=Team(*(Actor(None, {}) for _ in range(4)), case={"id": str(uuid.uuid4())}),  # type: ignore[arg-type]
        held=made_up,
        pending=made_up,
        deposition=made_up,
        imported=made_up,
        state={"pending": 1, "deposition": 1, "imported": 1},
    )
    anonymous = Actor(None, {})  # type: ignore[arg-type]
    for route in ROUTES:
        response = await _request(client, route, world, anonymous)
        assert response.status_code == 401, route.name
        assert response.json()["error"] == "not_authenticated", route.name
    for method, path in (
        ("GET", CAUSE_LIST),
        ("POST", f"{API}/me/calendar"),
        ("DELETE", f"{API}/me/calendar"),
    ):
        response = await client.request(method, path)
        assert response.status_code == 401, (method, path)


async def test_a_hidden_hearing_is_indistinguishable_from_a_missing_one(
    client: httpx.AsyncClient, make_actor: MakeActor, make_world: Callable[..., Any]
) -> None:
    world: World = await make_world()
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    for suffix, method, body in [
        ("", "GET", None),
        ("", "PATCH", {"version": 1, "status": "cancelled"}),
        ("/outcome", "POST", {"version": 1, "outcome": "proceeded"}),
        ("/confirm", "POST", {"version": 1, "keep": "recorded"}),
        ("/deposition-preparation", "GET", None),
    ]:
        hidden = await client.request(
            method, f"{HEARINGS}/{world.held['id']}{suffix}", json=body, headers=outsider.headers
        )
        missing = await client.request(
            method, f"{HEARINGS}/{uuid.uuid4()}{suffix}", json=body, headers=outsider.headers
        )
        assert hidden.status_code == missing.status_code == 404, suffix
        assert hidden.json() == missing.json()


async def test_a_removed_team_member_loses_the_hearings_at_once(
    client: httpx.AsyncClient, make_world: Callable[..., Any]
) -> None:
    world: World = await make_world()
    team = world.team
    removed = await client.delete(
        f"{CASES}/{world.case_id}/team/{team.social_worker.id}", headers=team.lead.headers
    )
    assert removed.status_code == 204
    one = await client.get(f"{HEARINGS}/{world.held['id']}", headers=team.social_worker.headers)
    assert one.status_code == 404
    mine = await client.get(
        HEARINGS,
        params={"from": iso(-60), "to": iso(60), "mine": "true"},
        headers=team.social_worker.headers,
    )
    assert mine.status_code == 200
    assert mine.json() == []


async def test_each_cause_list_holds_exactly_the_hearings_its_reader_may_see(
    client: httpx.AsyncClient,
    make_actor: MakeActor,
    make_case: MakeCase,
    add_survivor: AddSurvivor,
    assign_to_team: AssignToTeam,
    make_world: Callable[..., Any],
    make_team: MakeTeam,
    schedule: Schedule,
) -> None:
    lead = await make_actor(Role.CONSORTIUM_LEAD)
    world: World = await make_world(lead)
    team = world.team
    other = await make_team(lead=lead)
    theirs = await schedule(other.lawyer, other.case, 5)
    people = {
        "team_lawyer": team.lawyer,
        "team_social_worker": team.social_worker,
        "own_survivor": team.survivor,
        "consortium_lead": lead,
    }
    for who, role in ROLE_OF.items():
        if who not in people:
            people[who] = await make_actor(role)
    await assign_to_team(lead, team.case, people["team_survivor_leader"])
    await add_survivor(
        other.lawyer, other.case, account=people["other_survivor"], pseudonym="Salma"
    )

    mismatches = []
    for who, actor in people.items():
        for mine in ("false", "true"):
            response = await client.get(f"{CAUSE_LIST}&mine={mine}", headers=actor.headers)
            assert response.status_code == 200, (who, mine, response.text)
            listed = {item["case_id"] for item in response.json()}
            # mine=true is the user's own team cases: none for a lead, admin or survivor.
            expected = who in LISTS_THE_CASE and (mine == "false" or who.startswith("team_"))
            if (world.case_id in listed) != expected:
                mismatches.append(f"{who} mine={mine}: lists the case = {not expected}")
            if who.startswith("other_") and who != "other_survivor":
                assert listed == set(), who
        if who in ("consortium_lead", "admin"):
            everything = await client.get(CAUSE_LIST, headers=actor.headers)
            assert theirs["id"] in {item["id"] for item in everything.json()}
            assert SURVIVOR_LEGAL_NAME not in everything.text
    assert mismatches == []


async def test_the_cause_list_shows_each_hearings_outcome_and_next_date(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 0)
    response = await record_outcome(
        team.lawyer, hearing, outcome="adjourned", adjournment_reason="court_busy", next_date=iso(9)
    )
    assert response.status_code == 200

    listed = await client.get(
        HEARINGS,
        params={"from": iso(0), "to": iso(10), "mine": "true"},
        headers=team.lawyer.headers,
    )

    assert listed.status_code == 200, listed.text
    by_id = {item["id"]: item for item in listed.json()}
    assert (by_id[hearing["id"]]["outcome"], by_id[hearing["id"]]["next_date"]) == (
        "adjourned",
        iso(9),
    )
    assert by_id[hearing["id"]]["survivors"] == [SURVIVOR_PSEUDONYM]
    assert by_id[response.json()["next_hearing"]["id"]]["status"] == "scheduled"


async def test_the_cause_list_refuses_a_backwards_or_overlong_range(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    for params in ({"from": iso(5), "to": iso(1)}, {"from": iso(-200), "to": iso(200)}):
        response = await client.get(HEARINGS, params=params, headers=lawyer.headers)
        assert response.status_code == 422, params
    empty = await client.get(HEARINGS, headers=lawyer.headers)
    assert empty.status_code == 200
    assert empty.json() == []


async def test_the_calendar_feed_needs_its_address_not_a_session(
    client: httpx.AsyncClient, make_world: Callable[..., Any]
) -> None:
    world: World = await make_world()
    created = await client.post(f"{API}/me/calendar", headers=world.team.lawyer.headers)
    assert created.status_code == 201, created.text
    url = created.json()["url"]
    client.cookies.clear()

    feed = await client.get(url)  # no bearer token, no cookie
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")

    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    for wrong in (
        f"/calendar/{token[:-1]}x.ics",
        f"/calendar/{token}",  # without .ics
        f"/calendar/{uuid.uuid4().hex}.ics",
        f"/calendar/{token.swapcase()}.ics",
    ):
        assert (await client.get(wrong)).status_code == 404, wrong

    revoked = await client.delete(f"{API}/me/calendar", headers=world.team.lawyer.headers)
    assert revoked.status_code == 204
    gone = await client.get(url)
    assert gone.status_code == 404
    assert world.team.case["reference"] not in gone.text


async def test_anyone_signed_in_may_keep_a_calendar_address(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    for role in (Role.LAWYER, Role.SOCIAL_WORKER, Role.CONSORTIUM_LEAD, Role.SURVIVOR_LEADER):
        actor = await make_actor(role)
        created = await client.post(f"{API}/me/calendar", headers=actor.headers)
        assert created.status_code == 201, role
        assert (await client.delete(f"{API}/me/calendar", headers=actor.headers)).status_code == 204
