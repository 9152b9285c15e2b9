"""The scenarios `bench/run.py` measures, as data: the paths the app and the baseline request.

A `Scenario` names the paths the app and the baseline each request, given a `Context` (the
benchmark accounts, the lawyer's cases, the routes measured, today in India); `SCENARIOS` is the
list of them. Add one by appending a `Scenario`. The filter the list scenarios use and the pool
of hearings "record an outcome" consumes (topped up here, with COPY) live here too.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg

# The filter the list scenarios use: the most common stage, in a district with a space in its
# name. The lawyer has the same such cases at every size (benchdata: her 400 cases do not
# change with the data set's size); a consortium lead sees a full page.
LIST_FILTER = {"stage": "prosecution_evidence", "district": "South 24 Parganas"}
DETAIL_CASES = 1_000  # the detail scenario rotates over this many of the lawyer's cases
# "Record an outcome" takes one fresh hearing per request; before each wrk run the pool of past
# scheduled hearings on the lawyer's cases is topped up to this many (more than a run can use).
OUTCOME_POOL = 40_000
OUTCOME_REASON = "prosecution_witness_absent"


# -- scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What the scenarios need to know about the data set and the app."""

    lawyer_id: str
    lead_id: str
    lawyer_cases: list[str]
    # "api": the JSON routes (/api/v1/cases...); "pages": the HTML pages (/cases...).
    routes: str
    dsn: str = ""  # the app's database, for scenarios that pick their targets afresh
    today: date = date.min  # in India, as the app counts days


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    user: str  # whose bearer token the app's requests carry: "lawyer" or "lead"
    app_paths: Callable[[Context], list[str]]
    baseline_paths: Callable[[Context], list[str]]
    judged: bool = True  # held to the targets
    # Each request uses up its target (a hearing whose outcome it records): the paths are
    # fetched again before every wrk run, and every line carries a JSON body to POST.
    consumes: bool = False
    # Both sides answer the same HTML (but for the CSRF token): checked before measuring, when
    # the app's pages are measured (with --routes api the app answers JSON).
    same_output: bool = False


def _query(**extra: str) -> str:
    return urllib.parse.urlencode({**LIST_FILTER, **extra})


def _app_prefix(ctx: Context) -> str:
    return "/api/v1/cases" if ctx.routes == "api" else "/cases"


def _week(ctx: Context) -> str:
    return f"from={ctx.today.isoformat()}&to={(ctx.today + timedelta(days=6)).isoformat()}"


async def _outcome_targets(ctx: Context) -> list[str]:
    """Hearing ids for "record an outcome": past, scheduled, version 1, on the lawyer's cases.
    Tops the pool up first (as the app's role, with COPY) when earlier runs have used it."""
    conn = await asyncpg.connect(ctx.dsn)
    try:
        lawyer = uuid.UUID(ctx.lawyer_id)
        available = """
            SELECT h.id::text FROM hearings h
            WHERE h.status = 'scheduled' AND h.version = 1 AND h.hearing_date < $2
              AND EXISTS (SELECT 1 FROM case_team_members t WHERE t.case_id = h.case_id
                          AND t.user_id = $1 AND t.removed_at IS NULL)
            ORDER BY h.id LIMIT $3
        """
        ids = [r[0] for r in await conn.fetch(available, lawyer, ctx.today, OUTCOME_POOL)]
        missing = OUTCOME_POOL - len(ids)
        if missing > 0:
            courts = await conn.fetch(
                "SELECT c.id, c.fir_date, c.court_establishment, c.court_number, c.judge "
                "FROM cases c JOIN case_team_members t ON t.case_id = c.id "
                "WHERE t.user_id = $1 AND t.removed_at IS NULL AND c.cnr IS NOT NULL "
                "AND c.fir_date < $2",
                lawyer,
                ctx.today - timedelta(days=60),
            )
            if not courts:
                raise SystemExit("The lawyer has no case before a court: no hearings to record.")
            now = datetime.now(UTC)
            records = []
            for n in range(missing):
                case = courts[n % len(courts)]
                back = 1 + n % min(300, (ctx.today - case["fir_date"]).days - 1)
                records.append(
                    (uuid.uuid4(), case["id"], ctx.today - timedelta(days=back),
                     case["court_establishment"], case["court_number"], case["judge"],
                     "prosecution_evidence", "scheduled", now, lawyer, 1)
                )  # fmt: skip
            columns = (
                "id case_id hearing_date court_establishment court_number judge purpose status "
                "created_at created_by version"
            ).split()
            await conn.copy_records_to_table("hearings", columns=columns, records=records)
            await conn.execute("ANALYZE hearings")
            ids = [r[0] for r in await conn.fetch(available, lawyer, ctx.today, OUTCOME_POOL)]
    finally:
        await conn.close()
    return ids


def _outcome_paths(prefix: str) -> Callable[[Context], list[str]]:
    """POST lines for "record an outcome": adjourned for an absent witness, to a next date a
    week or more away (out of "my hearings"' window), spread so each case's dates differ."""

    def paths(ctx: Context) -> list[str]:
        lines = []
        for n, hearing in enumerate(asyncio.run(_outcome_targets(ctx))):
            body = {
                "version": 1,
                "outcome": "adjourned",
                "adjournment_reason": OUTCOME_REASON,
                "next_date": (ctx.today + timedelta(days=7 + n % 700)).isoformat(),
            }
            lines.append(f"{prefix}/{hearing}/outcome\t{json.dumps(body)}")
        return lines

    return paths


SCENARIOS: list[Scenario] = [
    Scenario(
        "case_list",
        "Filtered case list (stage and district) as a lawyer: visibility-filtered to their team",
        "lawyer",
        lambda ctx: [f"{_app_prefix(ctx)}?{_query()}"],
        lambda ctx: [f"/cases?{_query(user=ctx.lawyer_id)}"],
    ),
    Scenario(
        "case_detail",
        f"Case page as a lawyer, rotating over up to {DETAIL_CASES:,} of their cases, against a "
        "baseline that runs the page's core query and renders the same page with the same "
        "templates (the JSON case against the core facts with --routes api)",
        "lawyer",
        lambda ctx: [f"{_app_prefix(ctx)}/{case}" for case in ctx.lawyer_cases],
        lambda ctx: [
            f"/cases/{case}{'/same-page' if ctx.routes == 'pages' else ''}?user={ctx.lawyer_id}"
            for case in ctx.lawyer_cases
        ],
        same_output=True,
    ),
    Scenario(
        "case_detail_core_facts",
        "The case page against a baseline that renders only the case's core facts (1.2 KB, no "
        "stage history, no navigation, tabs or stage dialog): the judged baseline until 30 "
        "November 2026, measured for comparison",
        "lawyer",
        lambda ctx: [f"{_app_prefix(ctx)}/{case}" for case in ctx.lawyer_cases],
        lambda ctx: [f"/cases/{case}?user={ctx.lawyer_id}" for case in ctx.lawyer_cases],
        judged=False,
    ),
    Scenario(
        "case_list_lead",
        "The same filtered list as a consortium lead, who sees every case (a full page)",
        "lead",
        lambda ctx: [f"{_app_prefix(ctx)}?{_query()}"],
        lambda ctx: [f"/cases?{_query()}"],
        judged=False,
    ),
    Scenario(
        "my_hearings",
        "My hearings (today and the next six days) as a lawyer: their team's cases",
        "lawyer",
        lambda ctx: [f"/api/v1/hearings?mine=true&{_week(ctx)}"],
        lambda ctx: [f"/hearings?user={ctx.lawyer_id}&{_week(ctx)}"],
    ),
    Scenario(
        "record_outcome",
        "Record an outcome as a lawyer: adjourned (witness absent) with a next date; each "
        "request a fresh past hearing (the hearing, its next hearing, a timeline event, audit)",
        "lawyer",
        _outcome_paths("/api/v1/hearings"),
        _outcome_paths("/hearings"),
        consumes=True,
    ),
]
