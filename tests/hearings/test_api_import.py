"""Importing an eCourts case history into a case over HTTP: matched by date, missing hearings
added unverified, differences flagged for the lawyer, and a bad file changes nothing."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.cases.conftest import audit_count, timeline_count
from tests.hearings.conftest import (
    ECOURTS_HEADER,
    ECOURTS_JUDGE,
    HEARINGS,
    MakeTeam,
    RecordOutcome,
    Schedule,
    Team,
    Upload,
    case_hearings,
    dmy,
    fetch_hearing,
    hearing_count,
    history_csv,
    iso,
    timeline,
)


async def _by_date(client: httpx.AsyncClient, team: Team) -> dict[str, dict[str, Any]]:
    items = (await case_hearings(client, team.lawyer, team.case_id))["items"]
    by_date: dict[str, dict[str, Any]] = {}
    for item in items:
        assert item["hearing_date"] not in by_date, f"two hearings on {item['hearing_date']}"
        by_date[item["hearing_date"]] = item
    return by_date


async def _recorded_history(
    team: Team, schedule: Schedule, record_outcome: RecordOutcome
) -> dict[str, Any]:
    """What the lawyer recorded before importing: a charge hearing 50 days ago adjourned to 36
    days ago (as eCourts says), and that one adjourned to 20 days ago (eCourts says 22)."""
    first = await schedule(team.lawyer, team.case, -50, purpose="charge_hearing")
    response = await record_outcome(
        team.lawyer, first, outcome="adjourned", adjournment_reason="court_busy", next_date=iso(-36)
    )
    assert response.status_code == 200, response.text
    second = response.json()["next_hearing"]
    response = await record_outcome(
        team.lawyer, second, outcome="adjourned", adjournment_reason="io_absent", next_date=iso(-20)
    )
    assert response.status_code == 200, response.text
    return {"first": first, "second": second, "third": response.json()["next_hearing"]}


REALISTIC = history_csv(
    (-64, -50, "Appearance"),
    (-50, -36, "Framing of Charge"),
    (-36, -22, "Cross Examination of PW-2"),
    (-22, 14, "Evidence"),
)


async def test_a_realistic_history_is_matched_added_and_flagged(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
    upload: Upload,
) -> None:
    team = await make_team()
    recorded = await _recorded_history(team, schedule, record_outcome)

    response = await upload(team.lawyer, team.case, REALISTIC, filename="SC-112-2025.csv")

    assert response.status_code == 200, response.text
    assert response.json() == {
        "rows": 4,
        "matched": 2,
        "created": [iso(-64), iso(-22), iso(14)],
        "flagged": [iso(-36)],
    }
    hearings = await _by_date(client, team)
    assert set(hearings) == {iso(-64), iso(-50), iso(-36), iso(-22), iso(-20), iso(14)}

    appearance = hearings[iso(-64)]
    assert (appearance["source"], appearance["verified"]) == ("imported", False)
    assert appearance["status"] == "held"  # eCourts lists business that happened
    assert appearance["outcome"] is None
    assert appearance["next_date"] == iso(-50)
    assert (appearance["purpose"], appearance["purpose_text"]) == ("other", "Appearance")
    assert appearance["judge"] == ECOURTS_JUDGE
    evidence = hearings[iso(-22)]
    assert (evidence["purpose"], evidence["source"], evidence["verified"]) == (
        "prosecution_evidence",
        "imported",
        False,
    )
    # The last row's next date is the case's next hearing.
    upcoming = hearings[iso(14)]
    assert (upcoming["status"], upcoming["source"], upcoming["verified"]) == (
        "scheduled",
        "imported",
        False,
    )

    agreeing = hearings[iso(-50)]
    assert (agreeing["verified"], agreeing["discrepancies"]) == (True, {})
    differing = hearings[iso(-36)]
    assert differing["id"] == recorded["second"]["id"]
    assert differing["verified"] is False
    assert differing["discrepancies"] == {
        "next_date": {"ecourts": iso(-22), "recorded": iso(-20)},
        "purpose": {"ecourts": "cross_examination", "recorded": "charge_hearing"},
    }
    # Flagged, never overwritten: our record may be the right one.
    assert (differing["next_date"], differing["purpose"]) == (iso(-20), "charge_hearing")
    assert (differing["outcome"], differing["adjournment_reason"]) == ("adjourned", "io_absent")

    events = await timeline(client, team.lawyer, team.case_id)
    (imported,) = [e for e in events if e["kind"] == "hearing.imported"]
    assert "4 rows" in imported["summary"]
    assert "3 hearings added" in imported["summary"]
    assert "1 to confirm" in imported["summary"]
    assert await audit_count(session, action="hearing.ecourts_import", object_id=team.case_id) == 1


async def test_importing_the_same_history_twice_adds_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    upload: Upload,
) -> None:
    team = await make_team()
    first = await upload(team.lawyer, team.case, REALISTIC)
    assert first.status_code == 200, first.text
    count = await hearing_count(session, team.case_id)

    again = await upload(team.lawyer, team.case, REALISTIC)

    assert again.status_code == 200, again.text
    assert again.json() == {"rows": 4, "matched": 4, "created": [], "flagged": []}
    assert await hearing_count(session, team.case_id) == count


async def test_a_json_history_imports_like_the_csv(
    client: httpx.AsyncClient, make_team: MakeTeam, upload: Upload
) -> None:
    team = await make_team()
    document = {
        "cnr": "WBSP010012342024",
        "history": [
            {
                "judge": ECOURTS_JUDGE,
                "business_on_date": dmy(-40),
                "hearing_date": dmy(-12),
                "purpose_of_hearing": "Bail Hearing",
            },
            {
                "Judge": ECOURTS_JUDGE,
                "Business On Date": iso(-12),  # ISO dates, as scripts write them
                "Hearing Date": None,
                "Purpose of Hearing": "Arguments",
            },
        ],
    }

    response = await upload(
        team.lawyer,
        team.case,
        json.dumps(document).encode(),
        filename="history.json",
        content_type="application/json",
    )

    assert response.status_code == 200, response.text
    assert response.json()["created"] == [iso(-40), iso(-12)]
    hearings = await _by_date(client, team)
    assert hearings[iso(-40)]["purpose"] == "bail_hearing"
    assert hearings[iso(-12)]["purpose"] == "arguments"
    assert hearings[iso(-12)]["next_date"] is None


BAD_FILES = {
    "duplicate dates": (
        history_csv((-40, -30, "Appearance"), (-30, -20, "Evidence"), (-40, -30, "Appearance")),
        ["line 4", f"{dmy(-40)} is also on line 2"],
    ),
    "bad dates": (
        (
            f"{ECOURTS_HEADER}\n"
            f"Judge,{dmy(-40)},{dmy(-30)},Appearance\n"
            "Judge,31-02-2025,,Evidence\n"
            f"Judge,{dmy(-20)},next month,Evidence\n"
        ).encode(),
        [
            "line 3: Business On Date “31-02-2025” is not a date",
            "line 4: Hearing Date “next month”",
        ],
    ),
    "unknown columns": (
        (
            "Judge,Business On Date,Hearing Date,Purpose of Hearing,Court Hall\n"
            f"Judge,{dmy(-40)},{dmy(-30)},Appearance,Hall 4\n"
        ).encode(),
        ["line 1: unknown column “Court Hall”"],
    ),
    "empty file": (b"", ["The file is empty"]),
    "only blank lines": (b"\r\n\r\n  \r\n", ["The file is empty"]),
    "only the header": (f"{ECOURTS_HEADER}\n".encode(), ["There are no hearings in the file"]),
    "a workbook": (b"PK\x03\x04 not really a zip", ["spreadsheet workbook"]),
}


@pytest.mark.parametrize("case_name", list(BAD_FILES))
async def test_a_bad_file_is_refused_with_its_problems_and_changes_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    upload: Upload,
    case_name: str,
) -> None:
    team = await make_team()
    await schedule(team.lawyer, team.case, -30)  # one recorded hearing the file would match
    hearings_before = await hearing_count(session, team.case_id)
    events_before = await timeline_count(session, team.case_id)
    data, expected = BAD_FILES[case_name]

    response = await upload(team.lawyer, team.case, data)

    assert response.status_code == 422, response.text
    body = response.json()
    assert "nothing was changed" in body["message"]
    problems = body["details"]["problems"]
    for fragment in expected:
        assert any(fragment in problem for problem in problems), (fragment, problems)
    assert await hearing_count(session, team.case_id) == hearings_before
    assert await timeline_count(session, team.case_id) == events_before
    assert await audit_count(session, action="hearing.ecourts_import") == 0


async def test_every_problem_is_listed_in_file_order(make_team: MakeTeam, upload: Upload) -> None:
    team = await make_team()
    data = (
        f"{ECOURTS_HEADER}\n"
        f"Judge,{dmy(-40)},{dmy(-50)},Appearance\n"  # next date before business date
        "Judge,,,Evidence\n"  # no date at all
        "Judge,2025-13-01,,Evidence\n"
    ).encode()

    response = await upload(team.lawyer, team.case, data)

    assert response.status_code == 422, response.text
    problems = response.json()["details"]["problems"]
    assert [p.split(":")[0] for p in problems] == ["line 2", "line 3", "line 4"]


@pytest.mark.parametrize("data", [b",,,\r\n,,,\r\n", b'""\n'])
async def test_an_empty_spreadsheet_saved_as_csv_is_an_empty_file(
    session: AsyncSession, make_team: MakeTeam, upload: Upload, data: bytes
) -> None:
    team = await make_team()

    response = await upload(team.lawyer, team.case, data)

    assert response.status_code == 422, response.text
    assert response.json()["details"]["problems"] == ["The file is empty"]
    assert await hearing_count(session, team.case_id) == 0


async def test_a_history_from_before_the_fir_is_the_wrong_case(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    upload: Upload,
) -> None:
    team = await make_team()  # FIR of 12 September 2024
    data = (
        f"{ECOURTS_HEADER}\n"
        f"Judge,{dmy(-40)},{dmy(-30)},Appearance\n"
        "Judge,05-01-2023,02-02-2023,Evidence\n"
    ).encode()

    response = await upload(team.lawyer, team.case, data)

    assert response.status_code == 422, response.text
    message = response.json()["message"]
    assert "12 Sep 2024" in message
    assert "line 3" in message
    assert "right case" in message
    assert await hearing_count(session, team.case_id) == 0


async def test_a_file_over_two_megabytes_is_refused(
    session: AsyncSession, make_team: MakeTeam, upload: Upload
) -> None:
    team = await make_team()
    row = f'"{ECOURTS_JUDGE}",{dmy(-40)},{dmy(-30)},Appearance\n'.encode()
    data = ECOURTS_HEADER.encode() + b"\n" + row * (2 * 1024 * 1024 // len(row) + 1)
    assert len(data) > 2 * 1024 * 1024

    response = await upload(team.lawyer, team.case, data)

    assert response.status_code == 413, response.text
    assert "2 MB" in response.json()["message"]
    assert await hearing_count(session, team.case_id) == 0


async def test_confirming_settles_the_difference_either_way(
    client: httpx.AsyncClient,
    session: AsyncSession,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
    upload: Upload,
) -> None:
    team = await make_team()
    recorded = await _recorded_history(team, schedule, record_outcome)
    ours = await schedule(team.lawyer, team.case, -8, purpose="bail_hearing")
    data = history_csv(
        (-50, -36, "Framing of Charge"),
        (-36, -22, "Cross Examination of PW-2"),
        (-8, 10, "Framing of Charge"),
    )
    assert (await upload(team.lawyer, team.case, data)).json()["flagged"] == [iso(-36), iso(-8)]
    differing = await fetch_hearing(client, team.lawyer, recorded["second"]["id"])
    bail = await fetch_hearing(client, team.lawyer, ours["id"])
    assert bail["discrepancies"] == {
        "purpose": {"ecourts": "charge_hearing", "recorded": "bail_hearing"}
    }

    took_ecourts = await client.post(
        f"{HEARINGS}/{differing['id']}/confirm",
        json={"version": differing["version"], "keep": "ecourts"},
        headers=team.lawyer.headers,
    )
    kept_ours = await client.post(
        f"{HEARINGS}/{bail['id']}/confirm",
        json={"version": bail["version"], "keep": "recorded"},
        headers=team.social_worker.headers,
    )

    assert took_ecourts.status_code == 200, took_ecourts.text
    settled = took_ecourts.json()
    assert (settled["verified"], settled["discrepancies"]) == (True, {})
    assert (settled["next_date"], settled["purpose"]) == (iso(-22), "cross_examination")
    assert kept_ours.status_code == 200, kept_ours.text
    assert (kept_ours.json()["verified"], kept_ours.json()["discrepancies"]) == (True, {})
    assert kept_ours.json()["purpose"] == "bail_hearing"
    assert await audit_count(session, action="hearing.confirm") == 2

    # Nothing left to settle: confirming again is a conflict, not a silent success.
    again = await client.post(
        f"{HEARINGS}/{bail['id']}/confirm",
        json={"version": kept_ours.json()["version"], "keep": "ecourts"},
        headers=team.lawyer.headers,
    )
    assert again.status_code == 409


async def test_confirming_with_a_stale_version_shows_the_current_hearing(
    client: httpx.AsyncClient, make_team: MakeTeam, upload: Upload
) -> None:
    team = await make_team()
    assert (
        await upload(team.lawyer, team.case, history_csv((-9, 5, "Appearance")))
    ).status_code == 200
    (imported,) = [
        h
        for h in (await case_hearings(client, team.lawyer, team.case_id))["items"]
        if h["hearing_date"] == iso(-9)
    ]

    stale = await client.post(
        f"{HEARINGS}/{imported['id']}/confirm",
        json={"version": imported["version"] + 5, "keep": "ecourts"},
        headers=team.lawyer.headers,
    )

    assert stale.status_code == 409
    assert stale.json()["error"] == "stale_version"
    assert stale.json()["details"]["current"]["version"] == imported["version"]
    assert (await fetch_hearing(client, team.lawyer, imported["id"]))["verified"] is False


async def test_confirming_an_imported_hearing_verifies_it(
    client: httpx.AsyncClient, make_team: MakeTeam, upload: Upload
) -> None:
    team = await make_team()
    assert (
        await upload(team.lawyer, team.case, history_csv((-9, 5, "Appearance")))
    ).status_code == 200
    hearings = await _by_date(client, team)

    response = await client.post(
        f"{HEARINGS}/{hearings[iso(5)]['id']}/confirm",
        json={"version": hearings[iso(5)]["version"], "keep": "ecourts"},
        headers=team.lawyer.headers,
    )

    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    assert response.json()["source"] == "imported"  # where it came from does not change


async def test_taking_ecourts_next_date_leaves_no_hearing_on_the_contradicted_date(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    schedule: Schedule,
    record_outcome: RecordOutcome,
    upload: Upload,
) -> None:
    team = await make_team()
    recorded = await _recorded_history(team, schedule, record_outcome)
    assert (await upload(team.lawyer, team.case, REALISTIC)).status_code == 200
    differing = await fetch_hearing(client, team.lawyer, recorded["second"]["id"])

    response = await client.post(
        f"{HEARINGS}/{differing['id']}/confirm",
        json={"version": differing["version"], "keep": "ecourts"},
        headers=team.lawyer.headers,
    )

    assert response.status_code == 200, response.text
    hearings = await _by_date(client, team)
    # eCourts is right: the case was next heard 22 days ago, not 20.
    assert iso(-22) in hearings
    live = {d for d, h in hearings.items() if h["status"] == "scheduled"}
    assert iso(-20) not in live


async def test_a_recorded_deposition_is_not_contradicted_by_ecourts_evidence(
    client: httpx.AsyncClient, make_team: MakeTeam, schedule: Schedule, upload: Upload
) -> None:
    team = await make_team()
    deposition = await schedule(team.lawyer, team.case, -15, purpose="survivor_deposition")

    response = await upload(team.lawyer, team.case, history_csv((-15, 10, "Evidence")))

    assert response.status_code == 200, response.text
    assert response.json()["flagged"] == []
    assert (await fetch_hearing(client, team.lawyer, deposition["id"]))["discrepancies"] == {}
