"""The hearing pages: the cause list, the outcome form a lawyer fills in a court corridor, the
deposition checklist and the eCourts import, as a signed-in browser sees them."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tests.hearings.conftest import (
    BUSINESS,
    CASES,
    ECOURTS_HEADER,
    HEARINGS,
    SURVIVOR_LEGAL_NAME,
    SURVIVOR_PHONE,
    SURVIVOR_PSEUDONYM,
    Actor,
    MakeActor,
    MakeTeam,
    RecordOutcome,
    Schedule,
    case_hearings,
    dmy,
    fetch_hearing,
    hearing_count,
    history_csv,
    iso,
    long_date,
)
from tests.helpers import browser_sign_in, csrf_token


async def _sign_in(client: httpx.AsyncClient, actor: Actor) -> str:
    """Sign in through the form as ``actor`` (and nobody else); return the CSRF token."""
    client.cookies.clear()
    await browser_sign_in(client, actor.user)
    return await csrf_token(client)


def _sections(html: str) -> dict[str, str]:
    """The cause list's three sections, by heading."""
    after_today = html.split("<h2>Today,", 1)[1]
    today, rest = after_today.split("<h2>Waiting for an outcome</h2>", 1)
    waiting, this_week = rest.split("<h2>This week</h2>", 1)
    return {"today": today, "waiting": waiting, "this_week": this_week}


def _where(sections: dict[str, str], hearing: dict[str, Any]) -> list[str]:
    return [name for name, html in sections.items() if f'id="cause-{hearing["id"]}"' in html]


# -- the cause list --------------------------------------------------------------------------


async def test_a_lawyers_cause_list_has_today_the_waiting_and_this_week(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    other = await make_team()
    today = await schedule(team.lawyer, team.case, 0, hearing_time="10:45:00")
    waiting = await schedule(team.lawyer, team.case, -3, purpose="bail_hearing")
    this_week = await schedule(team.lawyer, team.case, 3, purpose="survivor_deposition")
    done = await schedule(team.lawyer, team.case, -5)
    assert (await record_outcome(team.lawyer, done, outcome="proceeded")).status_code == 200
    cancelled = await schedule(team.lawyer, team.case, 2)
    response = await client.patch(
        f"{HEARINGS}/{cancelled['id']}",
        json={"version": cancelled["version"], "status": "cancelled"},
        headers=team.lawyer.headers,
    )
    assert response.status_code == 200
    later = await schedule(team.lawyer, team.case, 10)
    theirs = await schedule(other.lawyer, other.case, 0)
    await _sign_in(client, team.lawyer)

    page = await client.get("/hearings")

    assert page.status_code == 200
    assert "<h1>My hearings</h1>" in page.text
    sections = _sections(page.text)
    assert _where(sections, today) == ["today"]
    assert _where(sections, waiting) == ["waiting"]
    assert _where(sections, this_week) == ["this_week"]
    for absent in (done, cancelled, later, theirs):
        assert absent["id"] not in page.text
    assert other.case["reference"] not in page.text
    assert "10:45" in sections["today"]
    # The outcome is recorded from today's and the waiting hearings, not from next week's.
    assert f"/hearings/{today['id']}/outcome" in sections["today"]
    assert f"/hearings/{waiting['id']}/outcome" in sections["waiting"]
    assert f"/hearings/{this_week['id']}/outcome" not in page.text
    # A lawyer's own list names cases, not survivors.
    assert "Survivors:" not in page.text
    assert SURVIVOR_PSEUDONYM not in page.text
    assert SURVIVOR_LEGAL_NAME not in page.text


async def test_a_social_workers_list_is_her_team_cases(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    other = await make_team()
    ours = await schedule(team.lawyer, team.case, 1, purpose="survivor_deposition")
    theirs = await schedule(other.lawyer, other.case, 1)
    await _sign_in(client, team.social_worker)

    page = await client.get("/hearings")

    assert _where(_sections(page.text), ours) == ["this_week"]
    assert theirs["id"] not in page.text


async def test_todays_hearing_shows_its_outcome_and_next_date_once_recorded(
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
    await _sign_in(client, team.lawyer)

    page = await client.get("/hearings")

    today = _sections(page.text)["today"]
    assert f'id="cause-{hearing["id"]}"' in today
    assert f"Adjourned → {long_date(iso(9))}" in today
    assert f"/hearings/{hearing['id']}/outcome" not in today


async def test_an_empty_cause_list_says_so(
    client: httpx.AsyncClient, make_actor: MakeActor
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    await _sign_in(client, lawyer)

    page = await client.get("/hearings")

    assert page.status_code == 200
    assert "No hearing today." in page.text
    assert "Every past hearing has its outcome recorded." in page.text
    assert "No other hearing in the next six days." in page.text


@pytest.mark.parametrize("role", [Role.CONSORTIUM_LEAD, Role.ADMIN])
async def test_a_lead_sees_the_consortiums_list_with_pseudonyms_only(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    make_actor: MakeActor,
    schedule: Schedule,
    role: Role,
) -> None:
    reader = await make_actor(role)
    team = await make_team()
    other = await make_team()
    ours = await schedule(team.lawyer, team.case, 0)
    theirs = await schedule(other.lawyer, other.case, -2)
    await _sign_in(client, reader)

    page = await client.get("/hearings")

    assert page.status_code == 200
    assert "<h1>Consortium cause list</h1>" in page.text
    sections = _sections(page.text)
    assert _where(sections, ours) == ["today"]
    assert _where(sections, theirs) == ["waiting"]
    assert f"Survivors: {SURVIVOR_PSEUDONYM}" in sections["today"]
    assert SURVIVOR_LEGAL_NAME not in page.text
    assert SURVIVOR_PHONE not in page.text
    assert "Record outcome" not in page.text  # they read; the teams record


async def test_a_signed_out_visitor_is_sent_to_sign_in(client: httpx.AsyncClient) -> None:
    page = await client.get("/hearings")

    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/hearings"


# -- the outcome form ------------------------------------------------------------------------


async def test_the_form_for_a_charge_hearing_offers_the_stages_it_implies(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    charge = await schedule(team.lawyer, team.case, -1, purpose="charge_hearing")
    bail = await schedule(team.lawyer, team.case, -1, purpose="bail_hearing")
    await _sign_in(client, team.lawyer)

    page = await client.get(f"/hearings/{charge['id']}/outcome")

    assert page.status_code == 200
    assert "It is at “Hearing on charge”" in page.text
    assert "Move to “Charges framed”" in page.text
    assert "Move to “Discharged”" in page.text
    assert 'name="move_case_to" value="none" checked' in page.text  # never applied unasked
    assert f'name="version" value="{charge["version"]}"' in page.text
    assert "Move to" not in (await client.get(f"/hearings/{bail['id']}/outcome")).text


async def test_posting_the_form_saves_and_returns_to_where_she_came_from(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1, purpose="charge_hearing")
    token = await _sign_in(client, team.lawyer)
    back = f"/cases/{team.case_id}/hearings"
    form = await client.get(f"/hearings/{hearing['id']}/outcome", params={"next": back})
    assert f'name="next" value="{back}"' in form.text

    response = await client.post(
        f"/hearings/{hearing['id']}/outcome",
        data={
            "csrf_token": token,
            "version": str(hearing["version"]),
            "outcome": "order_passed",
            "move_case_to": "charges_framed",
            "next_date": iso(30),
            "next_purpose": "prosecution_evidence",
            "present_pp": "yes",
            "present_survivor": "yes",
            "witnesses_examined": "0",
            "business_recorded": BUSINESS,
            "survivor_note": "The trial begins; your lawyer will tell you when you testify.",
            "next": back,
        },
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == back
    saved = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert (saved["outcome"], saved["next_date"]) == ("order_passed", iso(30))
    assert saved["attendance"]["pp"]
    assert saved["attendance"]["survivor"]
    assert not saved["attendance"]["io"]
    assert saved["business_recorded"] == BUSINESS
    case = (await client.get(f"{CASES}/{team.case_id}", headers=team.lawyer.headers)).json()
    assert case["stage"] == "charges_framed"
    items = (await case_hearings(client, team.lawyer, team.case_id))["items"]
    assert [(h["hearing_date"], h["purpose"]) for h in items] == [
        (iso(30), "prosecution_evidence"),
        (iso(-1), "charge_hearing"),
    ]


async def test_no_change_leaves_the_stage_and_a_foreign_next_goes_home(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1, purpose="charge_hearing")
    token = await _sign_in(client, team.lawyer)

    response = await client.post(
        f"/hearings/{hearing['id']}/outcome",
        data={
            "csrf_token": token,
            "version": str(hearing["version"]),
            "outcome": "adjourned",
            "adjournment_reason": "summons_not_served",
            "next_date": iso(12),
            "move_case_to": "none",
            "next": "//evil.example/phish",
        },
    )

    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/hearings"
    case = (await client.get(f"{CASES}/{team.case_id}", headers=team.lawyer.headers)).json()
    assert case["stage"] == "charge_hearing"
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["adjournment_sought_by"] == (
        "police"
    )


async def test_a_stale_form_shows_what_was_saved_first_and_keeps_her_entries(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    token = await _sign_in(client, team.lawyer)
    form = await client.get(f"/hearings/{hearing['id']}/outcome")
    version = re.search(r'name="version" value="(\d+)"', form.text)
    assert version is not None
    # The social worker, at the same hearing, saves first.
    first = await record_outcome(
        team.social_worker,
        hearing,
        outcome="adjourned",
        adjournment_reason="io_absent",
        next_date=iso(14),
    )
    assert first.status_code == 200

    response = await client.post(
        f"/hearings/{hearing['id']}/outcome",
        data={
            "csrf_token": token,
            "version": version[1],
            "outcome": "proceeded",
            "next_date": iso(21),
            "business_recorded": "My notes from the corridor (Mynotes)",
        },
    )

    assert response.status_code == 409, response.text
    assert "What was saved first" in response.text
    saved_first = response.text.split('id="saved-by-someone-else"', 1)[1].split("</div>", 1)[0]
    assert "adjourned" in saved_first.lower()
    assert iso(14) in saved_first or long_date(iso(14)) in saved_first
    assert "My notes from the corridor (Mynotes)" in response.text  # her entries are kept
    # The re-rendered form carries the current version, so saving again works.
    current = await fetch_hearing(client, team.lawyer, hearing["id"])
    assert f'name="version" value="{current["version"]}"' in response.text
    assert (current["outcome"], current["next_date"], current["business_recorded"]) == (
        "adjourned",
        iso(14),
        None,
    )
    assert await hearing_count(session, team.case_id) == 2  # no hearing on her date


async def test_an_invalid_outcome_is_shown_on_the_form(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    token = await _sign_in(client, team.lawyer)

    response = await client.post(
        f"/hearings/{hearing['id']}/outcome",
        data={
            "csrf_token": token,
            "version": str(hearing["version"]),
            "outcome": "adjourned",
            "next_date": iso(3),
        },
    )

    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert "Choose why the hearing was adjourned" in response.text
    assert "required when adjourned" in response.text
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["status"] == "scheduled"


async def test_readers_and_outsiders_cannot_open_the_outcome_form(
    client: httpx.AsyncClient, make_team: MakeTeam, make_actor: MakeActor, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -1)
    outsider = await make_actor(Role.LAWYER, display_name="Adv. Other Firm")
    for actor, expected in ((team.lead, 403), (team.survivor, 403), (outsider, 404)):
        token = await _sign_in(client, actor)
        assert (await client.get(f"/hearings/{hearing['id']}/outcome")).status_code == expected
        posted = await client.post(
            f"/hearings/{hearing['id']}/outcome",
            data={"csrf_token": token, "version": "1", "outcome": "proceeded"},
        )
        assert posted.status_code == expected, actor.role
    assert (await fetch_hearing(client, team.lawyer, hearing["id"]))["status"] == "scheduled"


# -- a hearing's page and the deposition checklist -------------------------------------------


async def test_the_checklist_is_shown_only_where_she_testifies_and_only_to_the_team(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    deposition = await schedule(team.lawyer, team.case, 10, purpose="survivor_deposition")
    cross = await schedule(team.lawyer, team.case, 17, purpose="cross_examination")
    charge = await schedule(team.lawyer, team.case, 24, purpose="charge_hearing")

    await _sign_in(client, team.social_worker)
    for hearing, shown in ((deposition, True), (cross, True), (charge, False)):
        page = await client.get(f"/hearings/{hearing['id']}")
        assert page.status_code == 200
        assert ('id="deposition-preparation"' in page.text) is shown, hearing["purpose"]
    for reader in (team.lead, team.survivor):
        await _sign_in(client, reader)
        page = await client.get(f"/hearings/{deposition['id']}")
        assert page.status_code == 200
        assert 'id="deposition-preparation"' not in page.text


async def test_the_social_worker_saves_the_checklist(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 10, purpose="survivor_deposition")
    token = await _sign_in(client, team.social_worker)

    saved = await client.post(
        f"/hearings/{hearing['id']}/preparation",
        data={
            "csrf_token": token,
            "support_person": "yes",
            "threat_check_done": "yes",
            "notes": "Her sister will come with her; the bus leaves Canning at 6.",
        },
    )

    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/hearings/{hearing['id']}"
    page = await client.get(f"/hearings/{hearing['id']}")
    checklist = page.text.split('id="deposition-preparation"', 1)[1]
    assert 'name="support_person" value="yes" checked' in checklist
    assert 'name="threat_check_done" value="yes" checked' in checklist
    assert 'name="travel_arranged" value="yes" >' in checklist  # not ticked
    assert "the bus leaves Canning at 6." in checklist
    prep = await client.get(
        f"{HEARINGS}/{hearing['id']}/deposition-preparation", headers=team.lawyer.headers
    )
    assert prep.json()["support_person"] is True
    assert prep.json()["travel_arranged"] is False

    # Ticking one more, from the form as re-rendered (it carries the checklist's version).
    version = re.search(r'name="version" value="(\d+)"', checklist)
    assert version is not None
    again = await client.post(
        f"/hearings/{hearing['id']}/preparation",
        data={
            "csrf_token": token,
            "version": version[1],
            "support_person": "yes",
            "threat_check_done": "yes",
            "travel_arranged": "yes",
        },
    )
    assert again.status_code == 303, again.text
    prep = await client.get(
        f"{HEARINGS}/{hearing['id']}/deposition-preparation", headers=team.lawyer.headers
    )
    assert prep.json()["travel_arranged"] is True


async def test_the_checklist_cannot_be_saved_for_a_hearing_where_she_does_not_testify(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, 10, purpose="bail_hearing")
    token = await _sign_in(client, team.social_worker)

    page = await client.post(
        f"/hearings/{hearing['id']}/preparation",
        data={"csrf_token": token, "support_person": "yes"},
    )
    api = await client.put(
        f"{HEARINGS}/{hearing['id']}/deposition-preparation",
        json={"support_person": True},
        headers=team.social_worker.headers,
    )

    assert page.status_code == 422
    assert api.status_code == 422
    assert "testifies" in api.json()["message"]


async def test_the_survivor_reads_her_hearing_without_the_teams_notes(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -3)
    response = await record_outcome(
        team.lawyer,
        hearing,
        outcome="adjourned",
        adjournment_reason="defence_request",
        next_date=iso(11),
        business_recorded=BUSINESS,
        survivor_note="Nothing to do until then.",
    )
    assert response.status_code == 200
    await _sign_in(client, team.survivor)

    for path in (f"/hearings/{hearing['id']}", f"/cases/{team.case_id}/hearings"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert "Secretbusiness" not in page.text, path
        assert "Record outcome" not in page.text
        assert "Schedule a hearing" not in page.text
    own = await client.get(f"/hearings/{hearing['id']}")
    assert "Nothing to do until then." in own.text
    assert long_date(iso(11)) in own.text

    await _sign_in(client, team.lawyer)
    assert "Secretbusiness" in (await client.get(f"/hearings/{hearing['id']}")).text


async def test_the_case_tab_raises_the_bnss_346_flag(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
) -> None:
    team = await make_team()
    hearing = await schedule(team.lawyer, team.case, -40)
    for next_offset in (-30, -20, -10):
        response = await record_outcome(
            team.lawyer,
            hearing,
            outcome="adjourned",
            adjournment_reason="defence_request",
            next_date=iso(next_offset),
        )
        assert response.status_code == 200, response.text
        hearing = response.json()["next_hearing"]
    await _sign_in(client, team.lawyer)

    page = await client.get(f"/cases/{team.case_id}/hearings")

    assert page.status_code == 200
    assert "BNSS 346" in page.text
    assert "the defence (3)" in page.text


# -- the eCourts import page -----------------------------------------------------------------


async def test_the_import_page_lists_each_problem_with_its_line(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam
) -> None:
    team = await make_team()
    token = await _sign_in(client, team.lawyer)
    form = await client.get(f"/cases/{team.case_id}/hearings/import")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text
    data = (
        f"{ECOURTS_HEADER}\n"
        f"Judge,{dmy(-40)},{dmy(-30)},Appearance\n"
        "Judge,31-02-2025,,Evidence\n"
        f"Judge,{dmy(-40)},,Evidence\n"
    ).encode()

    page = await client.post(
        f"/cases/{team.case_id}/hearings/import",
        data={"csrf_token": token},
        files={"file": ("history.csv", data, "text/csv")},
    )

    assert page.status_code == 422
    problems = re.findall(r"<li>(.*?)</li>", page.text.split('class="problems"', 1)[1])
    assert problems[0].startswith("line 3: Business On Date “31-02-2025” is not a date")
    assert problems[1].startswith("line 4: Business On Date")
    assert "also on line 2" in problems[1]
    assert "could not be imported" in page.text
    assert await hearing_count(session, team.case_id) == 0


async def test_the_import_page_reports_what_was_imported(
    client: httpx.AsyncClient, session: AsyncSession, make_team: MakeTeam
) -> None:
    team = await make_team()
    token = await _sign_in(client, team.lawyer)

    page = await client.post(
        f"/cases/{team.case_id}/hearings/import",
        data={"csrf_token": token},
        files={
            "file": (
                "history.csv",
                history_csv((-40, -30, "Appearance"), (-30, 7, "Evidence")),
                "text/csv",
            )
        },
    )

    assert page.status_code == 200, page.text
    assert "Imported 2 rows: 0 matched recorded hearings, 3 added, 0 to confirm." in page.text
    assert await hearing_count(session, team.case_id) == 3


async def test_only_the_team_may_import(
    client: httpx.AsyncClient, make_team: MakeTeam, make_actor: MakeActor
) -> None:
    team = await make_team()
    outsider = await make_actor(Role.SOCIAL_WORKER)
    for actor, expected in ((team.lead, 403), (team.survivor, 403), (outsider, 404)):
        await _sign_in(client, actor)
        page = await client.get(f"/cases/{team.case_id}/hearings/import")
        assert page.status_code == expected, actor.role
