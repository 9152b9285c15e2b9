"""The baseline the app is measured against (bench/README.md).

The same core SQL as the app's filtered case list and case page, run with plain asyncpg on a
pooled connection and rendered with Jinja2: no authentication, no audit row, no ORM, no response
model, no transaction. Whatever the app spends beyond this is the price of its framework and its
safeguards, which is what the ratio in bench/results shows.

Served like the app (uvicorn, same options) on its own port, against the same database:

    TAFTEESH_DATABASE_URL=postgresql://... .venv/bin/python bench/baseline.py --workers 2

GET /cases?stage=&district=[&user=]  the filtered list (with ``user``: that user's team's cases)
GET /cases/{id}[?user=]              one case (with ``user``: 404 unless they are on its team)
"""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
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
# member, the stage and district filters, newest change first, one row more than a page.
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
              WHERE t.case_id = c.id AND t.user_id = $1 AND t.removed_at IS NULL)
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
# tafteesh.cases.service.relation_to_case (with the organisation's name joined in) and charges_of.
CASE = """
SELECT c.*, o.name AS owning_organisation,
       (SELECT t.team_role FROM case_team_members t
         WHERE t.case_id = c.id AND t.user_id = $2 AND t.removed_at IS NULL LIMIT 1) AS team_role
FROM cases c JOIN organisations o ON o.id = c.owning_organisation_id
WHERE c.id = $1
"""
CHARGES = "SELECT act, section FROM case_charges WHERE case_id = $1 ORDER BY id"

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


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/healthz", healthz),
        Route("/cases", case_list),
        Route("/cases/{case_id}", case_page),
    ],
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
