"""The baseline the app is measured against (bench/README.md).

The same core SQL as the app's filtered case list and case page, run with plain asyncpg on a
pooled connection and rendered with Jinja2: no authentication, no audit row, no ORM, no response
model, no transaction. Whatever the app spends beyond this is the price of its framework and its
safeguards, which is what the ratio in bench/results shows.

Served like the app (uvicorn, same options) on its own port, against the same database:

    TAFTEESH_DATABASE_URL=postgresql://... .venv/bin/python bench/baseline.py --workers 2

GET /cases?stage=&district=[&user=]  the filtered list (with ``user``: that user's team's cases)
GET /cases/{id}/same-page?user=      the case page the app renders, from the same core query
                                     (the case with the reader's team role; its charges and stage
                                     history), with the app's own templates: judged (404 unless
                                     ``user`` is on the case's team; see case_page_as_the_app)
GET /cases/{id}[?user=]              the case's core facts alone, 1.2 KB (for comparison, and for
                                     the JSON case with --routes api)
GET /hearings?user=&from=&to=        that user's hearings between two dates, as JSON
POST /hearings/{id}/outcome          record an outcome (JSON body as the app's OutcomeIn): the
                                     hearing, its next hearing, a timeline event and an audit row
                                     in one transaction; 409 on a stale version
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import uvicorn
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

INDIA = timezone(timedelta(hours=5, minutes=30))
PAGE = 25

# tafteesh.cases.listing.list_cases, as SQLAlchemy sends it: the visibility test for a team
# member (narrowed by the membership's copies of the filters, migration 0008), the stage and
# district filters, newest change first, one row more than a page.
_LIST_COLUMNS = """
    c.id, c.reference, c.stage, c.stage_since, c.regime, c.police_station, c.fir_number,
    c.fir_year, c.fir_district, c.court_establishment, c.cnr, o.name AS owning_organisation,
    (SELECT coalesce(array_agg(DISTINCT s.pseudonym), ARRAY[]::varchar[])
       FROM survivors s WHERE s.case_id = c.id) AS survivors,
    c.next_clock_due_on, c.updated_at
"""
LIST_AS_MEMBER = f"""
SELECT {_LIST_COLUMNS}
FROM cases c JOIN organisations o ON o.id = c.owning_organisation_id
WHERE EXISTS (SELECT t.id FROM case_team_members t
              WHERE t.case_id = c.id AND t.user_id = $1 AND t.removed_at IS NULL
                AND t.case_stage = $2 AND t.case_district_key = $3)
  AND c.stage = $2 AND lower(c.fir_district) = $3
ORDER BY c.updated_at DESC, c.id DESC
LIMIT $4
"""
LIST_ALL = f"""
SELECT {_LIST_COLUMNS}
FROM cases c JOIN organisations o ON o.id = c.owning_organisation_id
WHERE c.stage = $1 AND lower(c.fir_district) = $2
ORDER BY c.updated_at DESC, c.id DESC
LIMIT $3
"""
# tafteesh.cases.relation.relation_to_case (with the organisation's name joined in) and charges_of.
CASE = """
SELECT c.*, o.name AS owning_organisation,
       (SELECT t.team_role FROM case_team_members t
         WHERE t.case_id = c.id AND t.user_id = $2 AND t.removed_at IS NULL LIMIT 1) AS team_role
FROM cases c JOIN organisations o ON o.id = c.owning_organisation_id
WHERE c.id = $1
"""
CHARGES = "SELECT act, section FROM case_charges WHERE case_id = $1 ORDER BY id"
# tafteesh.hearings.cause_list.hearings_between(mine=True) for a team member, as SQLAlchemy sends
# it: the visibility test on the case, which for a team member is also the "my cases" test.
MY_HEARINGS = """
SELECT h.id, h.case_id, c.reference AS case_reference, h.hearing_date, h.hearing_time, h.session,
       h.court_establishment, h.court_number, h.purpose, h.status, h.outcome, h.next_date,
       h.version,
       (SELECT coalesce(array_agg(DISTINCT s.pseudonym), ARRAY[]::varchar[])
          FROM survivors s WHERE s.case_id = h.case_id) AS survivors
FROM hearings h JOIN cases c ON c.id = h.case_id
WHERE EXISTS (SELECT t.id FROM case_team_members t
              WHERE t.case_id = c.id AND t.user_id = $1 AND t.removed_at IS NULL)
  AND h.status != 'cancelled' AND h.hearing_date >= $2 AND h.hearing_date <= $3
ORDER BY h.hearing_date, h.hearing_time NULLS LAST, c.reference
LIMIT 500
"""
PURPOSE_LABELS = {
    "charge_hearing": "Charge hearing",
    "bail_hearing": "Bail hearing",
    "prosecution_evidence": "Prosecution evidence",
    "survivor_deposition": "Survivor's deposition",
    "cross_examination": "Cross-examination",
    "statement_of_accused": "Statement of accused",
    "defence_evidence": "Defence evidence",
    "arguments": "Arguments",
    "judgment": "Judgment",
    "other": "Other",
}
# tafteesh.hearings.outcomes.record_outcome's core: the next hearing (court copied from this
# one, only while the version matches), the hearing itself, a timeline event, an audit row.
NEXT_HEARING = """
INSERT INTO hearings (id, case_id, hearing_date, court_establishment, court_number, judge,
                      purpose, status, created_at, version)
SELECT $3, h.case_id, $4, h.court_establishment, h.court_number, h.judge, h.purpose,
       'scheduled', now(), 1
FROM hearings h WHERE h.id = $1 AND h.version = $2 AND $4 > h.hearing_date
RETURNING *
"""
UPDATE_HEARING = """
UPDATE hearings SET outcome = $3, status = $4, adjournment_reason = $5,
       adjournment_sought_by = $6, next_date = $7, next_hearing_id = $8,
       outcome_recorded_at = now(), verified = true, version = version + 1
WHERE id = $1 AND version = $2
RETURNING *
"""
TIMELINE = """
INSERT INTO timeline_events (case_id, actor_id, kind, survivor_visible, summary, survivor_summary,
                             params)
VALUES ($1, NULL, 'hearing.outcome', true, $2, $3, $4)
"""
AUDIT = """
INSERT INTO audit_events (action, object_type, object_id, summary)
VALUES ('hearing.outcome', 'hearing', $1, $2)
"""
# The party an adjournment reason usually means (tafteesh.hearings.vocabulary.REASON_PARTY).
REASON_PARTY = {
    "accused_absent": "defence",
    "undertrial_not_produced": "police",
    "prosecution_witness_absent": "prosecution",
    "io_absent": "police",
    "summons_not_served": "police",
    "pp_absent_or_unprepared": "prosecution",
    "defence_request": "defence",
    "counsel_not_available": "defence",
    "presiding_officer_on_leave": "court",
    "court_busy": "court",
    "records_awaited": "court",
    "forensic_report_awaited": "police",
    "stayed_by_higher_court": "court",
    "other": "other",
}
STATUS_OF = {"adjourned": "adjourned", "not_taken_up": "not_taken_up"}

templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(),
    auto_reload=False,
)
templates.filters["fdate"] = lambda d: d.strftime("%d %b %Y") if d else ""


def _label(stage: str) -> str:
    return stage.replace("_", " ").capitalize()


def dsn() -> str:
    url = os.environ.get("TAFTEESH_DATABASE_URL", "")
    if not url:
        raise SystemExit("Set TAFTEESH_DATABASE_URL to the app's database (bench/run.py does).")
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # The app's SQLAlchemy pool allows 10 + 10 overflow connections per worker.
    app.state.pool = await asyncpg.create_pool(dsn(), min_size=2, max_size=20)
    yield
    await app.state.pool.close()


def _user(request: Request) -> uuid.UUID | None:
    value = request.query_params.get("user")
    return uuid.UUID(value) if value else None


async def case_list(request: Request) -> Response:
    stage = request.query_params.get("stage", "")
    district = request.query_params.get("district", "").strip().lower()
    user = _user(request)
    async with request.app.state.pool.acquire() as conn:
        if user is None:
            rows = await conn.fetch(LIST_ALL, stage, district, PAGE + 1)
        else:
            rows = await conn.fetch(LIST_AS_MEMBER, user, stage, district, PAGE + 1)
    today = datetime.now(INDIA).date()
    cases: list[dict[str, Any]] = []
    for row in rows[:PAGE]:
        case = dict(row)
        case["stage_label"] = _label(case["stage"])
        due: date | None = case["next_clock_due_on"]
        case["overdue"] = due is not None and due < today
        case["survivors"] = sorted(case["survivors"] or [])
        cases.append(case)
    next_cursor = None
    if len(rows) > PAGE:
        last = cases[-1]
        next_cursor = f"{last['updated_at'].isoformat()}_{last['id']}"
    html = templates.get_template("list.html").render(cases=cases, next_cursor=next_cursor)
    return HTMLResponse(html)


async def case_page(request: Request) -> Response:
    case_id = uuid.UUID(request.path_params["case_id"])
    user = _user(request)
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(CASE, case_id, user)
        if row is None or (user is not None and row["team_role"] is None):
            return HTMLResponse("<h1>Not found</h1>", status_code=404)
        charges = await conn.fetch(CHARGES, case_id)
    case = dict(row)
    case["stage_label"] = _label(case["stage"])
    html = templates.get_template("detail.html").render(case=case, charges=charges)
    return HTMLResponse(html)


# The case page as the app renders it (the judged case_detail scenario): the app's page is a
# 6.6 KB page (navigation, the tabs, the facts, the stage history, the stage-change dialog with the
# stages allowed next), and this renders that same page, byte for byte but for the CSRF token, with
# the app's own templates, from the same core query: the case with the reader's team role, then its
# charges and its stage history packed in one row, as the app's overview reads them (without the
# audit row the app adds to that statement). The reader's account is looked up once per process,
# as the app's workers keep it (auth/principal_cache.py). What the app spends beyond this is its
# framework and its safeguards alone: sign-in, the access check, the audit row, the ORM, the
# dependency injection, the session. `case_page` above renders the core facts alone, in 1.2 KB.
OVERVIEW = """
SELECT (SELECT array_agg(row(ch.act, ch.section) ORDER BY ch.id)
          FROM case_charges ch WHERE ch.case_id = $1) AS charges,
       (SELECT array_agg(row(s.from_stage, s.to_stage, s.effective_on, s.recorded_at, s.note)
                         ORDER BY s.id)
          FROM stage_changes s WHERE s.case_id = $1) AS history
"""
READER = """
SELECT u.id, u.email, u.display_name, u.role, u.organisation_id, o.name AS organisation_name,
       u.preferred_language
FROM users u JOIN organisations o ON o.id = u.organisation_id WHERE u.id = $1
"""
_readers: dict[uuid.UUID, Any] = {}


async def case_page_as_the_app(request: Request) -> Response:
    from tafteesh.auth.principal import Principal
    from tafteesh.cases import policy
    from tafteesh.cases.charges import sections_of
    from tafteesh.cases.service import STAGE_HISTORY_FIELDS
    from tafteesh.cases.stages import Regime, Stage, allowed_next
    from tafteesh.india import today_in_india

    case_id = uuid.UUID(request.path_params["case_id"])
    user = _user(request)
    if user is None:
        return HTMLResponse("<h1>Not found</h1>", status_code=404)
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(CASE, case_id, user)
        if row is None or row["team_role"] is None:
            return HTMLResponse("<h1>Not found</h1>", status_code=404)
        packed = await conn.fetchrow(OVERVIEW, case_id)
        reader = _readers.get(user)
        if reader is None:
            account = await conn.fetchrow(READER, user)
            reader = _readers[user] = Principal(**dict(account), session_id=uuid.uuid4())
    charges, history = packed["charges"] or [], packed["history"] or []
    relation = policy.CaseRelation(team_role=row["team_role"], is_own_survivor=False)
    current = Stage(row["stage"])
    previous = Stage(row["stage_before_suspension"]) if row["stage_before_suspension"] else None
    allowed = set(allowed_next(current, previous=previous))
    case = SimpleNamespace(
        **dict(row),
        stage_label=current.label,
        charges=[
            SimpleNamespace(citation=s.citation, title=s.short_title)
            for s in sections_of((c[0], c[1]) for c in charges)
        ],
    )
    case.regime = Regime(case.regime)
    case.stage_before_suspension = previous
    access = SimpleNamespace(
        can_edit=policy.can_edit_case(reader, relation),
        can_change_stage=policy.can_change_stage(reader, relation),
        survivor_view=policy.sees_only_survivor_events(reader, relation),
    )
    page = _app_templates().get_template("cases/detail.html")
    html = page.render(
        user=reader,
        # The app makes a token for a visitor without its cookie, as wrk is.
        csrf_token=secrets.token_urlsafe(32),
        flash=None,
        access=access,
        tab="overview",
        today=today_in_india(),
        tab_template="cases/_partials/tab_overview.html",
        stage_history=[dict(zip(STAGE_HISTORY_FIELDS, h, strict=True)) for h in history],
        allowed_next=[s for s in Stage if s in allowed],
        case=case,
    )
    return HTMLResponse(html)


@cache
def _app_templates() -> Environment:
    # Importing the case pages registers the filters their templates use (stage_label) on the
    # app's environment, exactly as the app does, so the two cannot drift apart.
    import tafteesh.cases.pages  # noqa: F401
    from tafteesh.web import templates as app_templates

    return app_templates.env


def _json(data: Any, status_code: int = 200) -> Response:
    return Response(
        json.dumps(data, default=str), status_code=status_code, media_type="application/json"
    )


async def my_hearings(request: Request) -> Response:
    user = _user(request)
    start = date.fromisoformat(request.query_params["from"])
    end = date.fromisoformat(request.query_params["to"])
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(MY_HEARINGS, user, start, end)
    items = []
    for row in rows:
        item = dict(row)
        item["purpose_label"] = PURPOSE_LABELS[item["purpose"]]
        item["survivors"] = sorted(item["survivors"] or [])
        items.append(item)
    return _json(items)


def _hearing(row: asyncpg.Record) -> dict[str, Any]:
    item = dict(row)
    item["purpose_label"] = PURPOSE_LABELS[item["purpose"]]
    for key in ("attendance", "discrepancies"):
        if isinstance(item.get(key), str):
            item[key] = json.loads(item[key])
    return item


async def record_outcome(request: Request) -> Response:
    hearing_id = uuid.UUID(request.path_params["hearing_id"])
    body = await request.json()
    outcome, version = body["outcome"], int(body["version"])
    reason = body.get("adjournment_reason") if outcome == "adjourned" else None
    sought_by = body.get("adjournment_sought_by") or (REASON_PARTY[reason] if reason else None)
    next_date = date.fromisoformat(body["next_date"]) if body.get("next_date") else None
    status = STATUS_OF.get(outcome, "held")
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        following = None
        if next_date is not None:
            following = await conn.fetchrow(
                NEXT_HEARING, hearing_id, version, uuid.uuid4(), next_date
            )
            if following is None:
                return _json({"error": "stale version or invalid next date"}, 409)
        row = await conn.fetchrow(
            UPDATE_HEARING,
            hearing_id,
            version,
            outcome,
            status,
            reason,
            sought_by,
            next_date,
            following["id"] if following else None,
        )
        if row is None:
            raise StaleHearing  # rolls the next hearing back
        day = f"{row['hearing_date']:%d %b %Y}"
        summary = f"Hearing of {day} ({PURPOSE_LABELS[row['purpose']]}): {outcome}"
        if reason:
            summary += f" — {reason}, sought by {sought_by}"
        plain = f"The hearing on {day} took place."
        if next_date:
            summary += f"; next {next_date:%d %b %Y}"
            plain = f"The hearing on {day} was postponed to {next_date:%d %b %Y}."
        params = {
            "hearing_id": str(hearing_id),
            "outcome": outcome,
            "reason": reason,
            "next_date": next_date.isoformat() if next_date else None,
        }
        await conn.execute(TIMELINE, row["case_id"], summary, plain, json.dumps(params))
        await conn.execute(AUDIT, str(hearing_id), outcome + (f" ({reason})" if reason else ""))
    return _json(
        {
            "hearing": _hearing(row),
            "next_hearing": _hearing(following) if following else None,
        }
    )


class StaleHearing(Exception):
    pass


async def stale(request: Request, exc: Exception) -> Response:
    return _json({"error": "stale version"}, 409)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/cases", case_list),
        Route("/cases/{case_id}", case_page),
        Route("/cases/{case_id}/same-page", case_page_as_the_app),
        Route("/hearings", my_hearings),
        Route("/hearings/{hearing_id}/outcome", record_outcome, methods=["POST"]),
    ],
    exception_handlers={StaleHearing: stale},
    lifespan=lifespan,
)


def main() -> None:
    parser = argparse.ArgumentParser(description="The benchmark baseline (asyncpg + Jinja2).")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8101, help="port (default 8101)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args()
    dsn()  # fail before the workers start
    # The same server and options as `tafteesh serve` (src/tafteesh/cli.py).
    uvicorn.run(
        "baseline:app",
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=False,
        log_level="info",
        app_dir=str(Path(__file__).parent),
    )


if __name__ == "__main__":
    main()
