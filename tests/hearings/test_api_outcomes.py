"""Recording a hearing's outcome: validation, the automatic next hearing, the stage change the
lawyer accepts, a second writer's conflict, the timeline, the audit log and BNSS 346 counting."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.cases.conftest import audit_count, timeline_count
from tests.hearings.conftest import (
    BUSINESS,
    CASES,
    COURT,
    COURT_NUMBER,
    HEARINGS,
    JUDGE,
    MakeTeam,
    RecordOutcome,
    Schedule,
    Team,
    case_hearings,
    fetch_hearing,
    hearing_count,
    iso,
    long_date,
    timeline,
)


async def test_adjourned_without_a_reason_is_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)

    response = await record_outcome(team.lawyer, hearing, outcome="adjourned", next_date=iso(20))

    assert response.status_code == 422, response.text
    assert response.json()["details"]["fields"] == {"adjournment_reason": "required when adjourned"}
    assert "why" in response.json()["message"].lower()
    unchanged = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert (unchanged["status"], unchanged["outcome"]) == ("scheduled", None)
    assert unchanged["version"] == hearing["version"]
    assert await hearing_count(session, team.case_id) == 1


@pytest.mark.parametrize("next_offset", [-1, -4])
async def test_the_next_date_must_be_after_the_hearing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
    next_offset: int,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="court_busy",
        next_date=iso(next_offset),
    )

    assert response.status_code == 422, response.text
    body = response.json()
    assert long_date(hearing["hearing_date"]) in body["message"]
    assert "next_date" in body["details"]["fields"]
    assert await hearing_count(session, team.case_id) == 1
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["outcome"] is None


@pytest.mark.parametrize("outcome", ["adjourned", "not_taken_up"])
async def test_a_hearing_that_did_not_conclude_needs_the_next_date(
    make_team: MakeTeam, schedule: Schedule, record_outcome: RecordOutcome, outcome: str
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)

    response = await record_outcome(
        team.lawyer, hearing, outcome=outcome, adjournment_reason="io_absent"
    )

    assert response.status_code == 422, response.text
    assert "next_date" in response.json()["details"]["fields"]


async def test_the_outcome_of_a_future_hearing_is_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 3)

    response = await record_outcome(team.lawyer, hearing, outcome="proceeded")

    assert response.status_code == 422, response.text
    assert long_date(hearing["hearing_date"]) in response.json()["message"]
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["status"] == "scheduled"
    assert await audit_count(session, action="hearing.outcome", object_id=hearing["id"]) == 0


async def test_todays_hearing_takes_its_outcome(
    make_team: MakeTeam, schedule: Schedule, record_outcome: RecordOutcome
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 0)

    response = await record_outcome(team.lawyer, hearing, outcome="proceeded")

    assert response.status_code == 200, response.text
    assert response.json()["hearing"]["status"] == "held"
    assert response.json()["next_hearing"] is None


async def test_an_adjournment_creates_the_next_hearing_in_the_same_court(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1, session="morning")
    # Court, court number and judge came from the case.
    assert (hearing["court_establishment"], hearing["court_number"], hearing["judge"]) == (
        COURT,
        COURT_NUMBER,
        JUDGE,
    )

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="accused_absent",
        next_date=iso(20),
        next_purpose="prosecution_evidence",
        attendance={"pp": True, "io": False, "survivor": True, "witnesses_examined": 0},
        business_recorded=BUSINESS,
    )

    assert response.status_code == 200, response.text
    result = response.json()
    recorded, following = result["hearing"], result["next_hearing"]
    assert recorded["status"] == "adjourned"
    assert recorded["outcome"] == "adjourned"
    assert recorded["adjournment_reason"] == "accused_absent"
    assert recorded["adjournment_sought_by"] == "defence"  # the reason's usual party
    assert recorded["attendance"]["pp"] is True
    assert recorded["attendance"]["io"] is False
    assert recorded["next_date"] == iso(20)
    assert recorded["next_hearing_id"] == following["id"]
    assert recorded["outcome_recorded_at"] is not None
    assert following["hearing_date"] == iso(20)
    assert following["status"] == "scheduled"
    assert following["purpose"] == "prosecution_evidence"
    assert (following["court_establishment"], following["court_number"], following["judge"]) == (
        COURT,
        COURT_NUMBER,
        JUDGE,
    )
    assert (following["source"], following["verified"]) == ("recorded", True)
    assert result["case_stage"] == "charge_hearing"  # no stage change without her say

    listed = await case_hearings(client, team.lawyer, team.case_id)
    assert [h["hearing_date"] for h in listed["items"]] == [iso(20), iso(-1)]
    assert await hearing_count(session, team.case_id) == 2


async def test_the_next_hearing_keeps_this_purpose_unless_told(
    make_team: MakeTeam, schedule: Schedule, record_outcome: RecordOutcome
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -2, purpose="arguments")

    response = await record_outcome(
        team.lawyer, hearing, outcome="part_heard", next_date=iso(5), adjournment_sought_by=None
    )

    assert response.status_code == 200, response.text
    assert response.json()["next_hearing"]["purpose"] == "arguments"
    assert response.json()["hearing"]["status"] == "held"


async def test_an_explicit_party_overrides_the_reasons_usual_one(
    make_team: MakeTeam, schedule: Schedule, record_outcome: RecordOutcome
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -2)

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="counsel_not_available",
        adjournment_sought_by="prosecution",
        next_date=iso(9),
    )

    assert response.status_code == 200, response.text
    assert response.json()["hearing"]["adjournment_sought_by"] == "prosecution"


async def test_correcting_an_outcome_moves_the_next_hearing_instead_of_adding_one(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -3)
    first = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="io_absent",
        next_date=iso(20),
    )
    assert first.status_code == 200, first.text
    following_id = first.json()["next_hearing"]["id"]

    corrected = await record_outcome(
        team.lawyer,
        first.json()["hearing"],
        outcome="adjourned",
        adjournment_reason="pp_absent_or_unprepared",
        next_date=iso(27),
        next_purpose="prosecution_evidence",
    )

    assert corrected.status_code == 200, corrected.text
    result = corrected.json()
    assert result["next_hearing"]["id"] == following_id
    assert result["next_hearing"]["hearing_date"] == iso(27)
    assert result["next_hearing"]["purpose"] == "prosecution_evidence"
    assert result["hearing"]["adjournment_reason"] == "pp_absent_or_unprepared"
    assert result["hearing"]["adjournment_sought_by"] == "prosecution"
    assert await hearing_count(session, team.case_id) == 2
    dates = [
        h["hearing_date"] for h in (await case_hearings(client, team.lawyer, team.case_id))["items"]
    ]
    assert dates == [iso(27), iso(-3)]
    # The correction replaces the first adjournment; it is not a second one.
    counts = (await case_hearings(client, team.lawyer, team.case_id))["adjournments"]
    assert [(c["party"], c["count"]) for c in counts] == [("prosecution", 1)]


async def test_a_correction_without_a_next_date_withdraws_the_hearing_the_first_save_made(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -3)
    first = await record_outcome(
        team.lawyer, hearing, outcome="adjourned", adjournment_reason="io_absent", next_date=iso(20)
    )
    assert first.status_code == 200, first.text
    following_id = first.json()["next_hearing"]["id"]

    corrected = await record_outcome(team.lawyer, first.json()["hearing"], outcome="proceeded")

    assert corrected.status_code == 200, corrected.text
    result = corrected.json()
    assert result["next_hearing"] is None
    assert (result["hearing"]["next_date"], result["hearing"]["next_hearing_id"]) == (None, None)
    withdrawn = await fetch_hearing(client, team.lawyer, following_id)
    assert withdrawn["status"] == "cancelled"
    assert await hearing_count(session, team.case_id) == 2


async def test_a_next_date_already_scheduled_becomes_the_next_hearing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    already = await schedule(team.lawyer, team.case, 20, purpose="bail_hearing")

    async def announced_as_scheduled() -> int:
        events = await timeline(client, team.lawyer, team.case_id)
        return sum(e["kind"] == "hearing.scheduled" for e in events)

    scheduled_before = await announced_as_scheduled()

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="court_busy",
        next_date=iso(20),
    )

    assert response.status_code == 200, response.text
    result = response.json()
    assert result["next_hearing"]["id"] == already["id"]
    assert result["next_hearing"]["purpose"] == "bail_hearing"  # it is not changed
    assert result["hearing"]["next_hearing_id"] == already["id"]
    assert await hearing_count(session, team.case_id) == 2
    # Nothing was scheduled, so nothing is announced as scheduled.
    assert await announced_as_scheduled() == scheduled_before
    announced = f"case {team.case['reference']} {iso(20)}"
    assert await audit_count(session, action="hearing.create", summary=announced) == 1


async def test_an_adjourned_examination_keeps_its_witness_for_the_next_date(
    make_team: MakeTeam, schedule: Schedule, record_outcome: RecordOutcome
) -> None:
    team = await make_team()
    hearing = await schedule(
        team.lawyer, team.case, -2, purpose="prosecution_evidence", witness_number=3
    )
    adjourned = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="prosecution_witness_absent",
        next_date=iso(14),
    )
    assert adjourned.status_code == 200, adjourned.text
    assert adjourned.json()["next_hearing"]["purpose"] == "prosecution_evidence"
    assert adjourned.json()["next_hearing"]["witness_number"] == 3

    # Corrected: PW-3 did depose after all; who comes next is not known yet.
    corrected = await record_outcome(
        team.lawyer, adjourned.json()["hearing"], outcome="evidence_recorded", next_date=iso(21)
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["next_hearing"]["id"] == adjourned.json()["next_hearing"]["id"]
    assert corrected.json()["next_hearing"]["witness_number"] is None


async def test_the_accepted_stage_change_is_saved_with_the_outcome(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1, purpose="charge_hearing")

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="order_passed",
        move_case_to="charges_framed",
        next_date=iso(30),
        next_purpose="prosecution_evidence",
    )

    assert response.status_code == 200, response.text
    assert response.json()["case_stage"] == "charges_framed"
    case = (await client.get(f"{CASES}/{team.case_id}", headers=team.lawyer.headers)).json()
    assert case["stage"] == "charges_framed"
    assert case["stage_since"] == hearing["hearing_date"]  # dated the day the court framed them
    kinds = [e["kind"] for e in await timeline(client, team.lawyer, team.case_id)]
    assert "stage.changed" in kinds
    assert "hearing.outcome" in kinds
    history = (
        await client.get(f"{CASES}/{team.case_id}/stage-history", headers=team.lawyer.headers)
    ).json()
    assert (history[-1]["from_stage"], history[-1]["to_stage"]) == (
        "charge_hearing",
        "charges_framed",
    )
    assert history[-1]["effective_on"] == hearing["hearing_date"]


async def test_an_illegal_stage_change_saves_nothing_at_all(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    events_before = await timeline_count(session, team.case_id)

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="defence_request",
        next_date=iso(14),
        move_case_to="convicted",  # a charge hearing cannot end in a conviction
    )

    assert response.status_code == 409, response.text
    assert response.json()["error"] == "illegal_stage_change"
    after = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert (after["status"], after["outcome"], after["next_date"]) == ("scheduled", None, None)
    assert after["version"] == hearing["version"]
    assert await hearing_count(session, team.case_id) == 1  # no next hearing
    assert await timeline_count(session, team.case_id) == events_before
    assert await audit_count(session, action="hearing.outcome", object_id=hearing["id"]) == 0
    case = (await client.get(f"{CASES}/{team.case_id}", headers=team.lawyer.headers)).json()
    assert case["stage"] == "charge_hearing"
    adjournments = (await case_hearings(client, team.lawyer, team.case_id))["adjournments"]
    assert adjournments == []


async def test_a_social_worker_cannot_move_the_case_through_an_outcome(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)

    response = await record_outcome(
        team.social_worker, hearing, outcome="order_passed", move_case_to="charges_framed"
    )

    case = (await client.get(f"{CASES}/{team.case_id}", headers=team.lawyer.headers)).json()
    assert case["stage"] == "charge_hearing"
    assert response.status_code == 403, response.text


async def test_a_second_save_of_the_same_version_sees_what_the_first_saved(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    # Both opened the form before either saved.
    seen_by_lawyer = await fetch_hearing(client, team.lawyer, hearing["id"])
    seen_by_social_worker = await fetch_hearing(client, team.social_worker, hearing["id"])

    first = await record_outcome(
        team.lawyer,
        seen_by_lawyer,
        outcome="adjourned",
        adjournment_reason="io_absent",
        next_date=iso(14),
    )
    second = await record_outcome(
        team.social_worker,
        seen_by_social_worker,
        outcome="proceeded",
        next_date=iso(21),
        business_recorded="Second writer's notes (must not be saved)",
        survivor_note="Second writer's note for her",
    )

    assert first.status_code == 200, first.text
    assert second.status_code == 409, second.text
    body = second.json()
    assert body["error"] == "stale_version"
    current = body["details"]["current"]
    assert current["outcome"] == "adjourned"
    assert current["adjournment_reason"] == "io_absent"
    assert current["next_date"] == iso(14)
    assert current["status"] == "adjourned"
    assert current["version"] == first.json()["hearing"]["version"]

    saved = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert (saved["outcome"], saved["next_date"]) == ("adjourned", iso(14))
    assert saved["business_recorded"] is None
    assert saved["survivor_note"] is None
    dates = [
        h["hearing_date"] for h in (await case_hearings(client, team.lawyer, team.case_id))["items"]
    ]
    assert dates == [iso(14), iso(-1)]  # no hearing on the second writer's date
    outcomes = [
        e
        for e in await timeline(client, team.lawyer, team.case_id)
        if e["kind"] == "hearing.outcome"
    ]
    assert len(outcomes) == 1
    assert await audit_count(session, action="hearing.outcome", object_id=hearing["id"]) == 1

    # With the current version, her save goes through: the conflict is recoverable.
    retried = await record_outcome(
        team.social_worker,
        saved,
        outcome="adjourned",
        adjournment_reason="io_absent",
        next_date=iso(14),
        survivor_note="Please come with your ID card.",
    )
    assert retried.status_code == 200, retried.text


async def test_the_survivor_reads_the_outcome_in_plain_words_without_the_teams_notes(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    note = "Your next date is fixed; your social worker will call you a week before."

    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="defence_request",
        next_date=iso(20),
        business_recorded=BUSINESS,
        survivor_note=note,
    )
    assert response.status_code == 200, response.text

    hers = await client.get(
        f"{CASES}/{team.case_id}/timeline", params={"limit": 200}, headers=team.survivor.headers
    )
    assert hers.status_code == 200
    summaries = [e["summary"] for e in hers.json()["items"]]
    (postponed,) = [s for s in summaries if "postponed" in s]
    assert long_date(hearing["hearing_date"]) in postponed
    assert long_date(iso(20)) in postponed
    assert "the accused's lawyer asked for more time" in postponed
    assert note in postponed
    assert any(f"court date on {long_date(iso(20))}" in s for s in summaries)
    for team_only in (BUSINESS, "Secretbusiness", "Defence counsel's request", "defence_request"):
        assert team_only not in hers.text

    theirs = await timeline(client, team.lawyer, team.case_id)
    (team_line,) = [e["summary"] for e in theirs if e["kind"] == "hearing.outcome"]
    assert "Defence counsel's request" in team_line
    assert "sought by defence" in team_line
    assert long_date(iso(20)) in team_line

    her_view = await fetch_hearing(client, team.survivor, hearing["id"])
    assert her_view["business_recorded"] is None
    assert her_view["survivor_note"] == note
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["business_recorded"] == (
        BUSINESS
    )


async def test_the_outcome_is_audited_once(
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)

    response = await record_outcome(
        team.lawyer, hearing, outcome="adjourned", adjournment_reason="court_busy", next_date=iso(6)
    )

    assert response.status_code == 200, response.text
    next_id = response.json()["next_hearing"]["id"]
    assert (
        await audit_count(
            session, action="hearing.outcome", object_id=hearing["id"], actor_id=team.lawyer.user.id
        )
        == 1
    )
    assert await audit_count(session, action="hearing.create", object_id=next_id) == 1


async def _adjourn(
    record_outcome: RecordOutcome, team: Team, hearing: dict[str, Any], plan: list[tuple[str, int]]
) -> dict[str, Any]:
    """Adjourn hearing after hearing, each time to the hearing the last adjournment created;
    returns the last one created."""
    for reason, next_offset in plan:
        response = await record_outcome(
            team.lawyer,
            hearing,
            outcome="adjourned",
            adjournment_reason=reason,
            next_date=iso(next_offset),
        )
        assert response.status_code == 200, response.text
        hearing = response.json()["next_hearing"]
    return hearing


async def _by_party(client: httpx.AsyncClient, team: Team) -> dict[str, tuple[int, bool]]:
    counts = (await case_hearings(client, team.lawyer, team.case_id))["adjournments"]
    return {c["party"]: (c["count"], c["over_limit"]) for c in counts}


async def test_more_than_two_defence_adjournments_are_flagged_court_ones_never(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    first = await schedule(team.lawyer, team.case, -70)
    latest = await _adjourn(
        record_outcome,
        team,
        first,
        [
            ("defence_request", -60),
            ("court_busy", -50),
            ("counsel_not_available", -40),
            ("presiding_officer_on_leave", -30),
        ],
    )
    assert await _by_party(client, team) == {"defence": (2, False), "court": (2, False)}

    # A third for the defence (the accused stayed away), a third for the court.
    await _adjourn(
        record_outcome, team, latest, [("accused_absent", -20), ("records_awaited", -10)]
    )

    assert await _by_party(client, team) == {"defence": (3, True), "court": (3, False)}
    counts = (await case_hearings(client, team.lawyer, team.case_id))["adjournments"]
    assert {c["party"]: c["label"] for c in counts} == {"defence": "Defence", "court": "Court"}
    # The survivor's own view counts them too: she may ask why her case is slow.
    hers = await client.get(f"{CASES}/{team.case_id}/hearings", headers=team.survivor.headers)
    assert {c["party"]: c["over_limit"] for c in hers.json()["adjournments"]}["defence"] is True


async def test_prosecution_and_police_adjournments_are_flagged_too(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    first = await schedule(team.lawyer, team.case, -70)
    await _adjourn(
        record_outcome,
        team,
        first,
        [
            ("prosecution_witness_absent", -60),
            ("io_absent", -50),
            ("pp_absent_or_unprepared", -40),
            ("summons_not_served", -30),
            ("prosecution_witness_absent", -20),
        ],
    )

    assert await _by_party(client, team) == {"prosecution": (3, True), "police": (2, False)}


async def test_adjournments_are_counted_per_case(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    other = await make_team()
    for owner, case in ((team, team.case), (other, other.case)):
        hearing = await schedule(owner.lawyer, case, -30)
        for next_offset in (-20, -10):
            response = await record_outcome(
                owner.lawyer,
                hearing,
                outcome="adjourned",
                adjournment_reason="defence_request",
                next_date=iso(next_offset),
            )
            assert response.status_code == 200, response.text
            hearing = response.json()["next_hearing"]

    counts = (await case_hearings(client, team.lawyer, team.case_id))["adjournments"]
    assert [(c["party"], c["count"], c["over_limit"]) for c in counts] == [("defence", 2, False)]


async def test_an_unknown_hearing_is_not_found(
    client: httpx.AsyncClient, make_team: MakeTeam
) -> None:
    team = await make_team()
    response = await client.post(
        f"{HEARINGS}/00000000-0000-4000-8000-000000000000/outcome",
        json={"version": 1, "outcome": "proceeded"},
        headers=team.lawyer.headers,
    )
    assert response.status_code == 404
