"""The case list's filters are served by indexes on the expressions they compile to.

A filter and its index drift apart silently: the list still answers, by walking every case. So
the plan of a consortium lead's list is checked, with sequential scans priced out (on a test
database of a few cases PostgreSQL would rightly prefer them)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.listing import _filter_conditions, _ListShape
from tafteesh.cases.models import Case
from tafteesh.cases.policy import Visibility

_NO_FILTER = _ListShape(
    visibility=Visibility.ALL,
    stage=False,
    district=False,
    court=False,
    organisation=False,
    overdue=False,
    search=False,
    cursor=False,
    limit=25,
)


async def _plan(session: AsyncSession, **filters: bool) -> str:
    shape = replace(_NO_FILTER, **filters)
    query = (
        select(Case.id)
        .where(*_filter_conditions(shape))
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(26)
    )
    connection = await session.connection()
    compiled = query.compile(dialect=connection.dialect)
    bound = compiled.construct_params(
        {"district": "south 24 parganas", "stage": "prosecution_evidence"}
    )
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    rows = await connection.exec_driver_sql(
        f"EXPLAIN {compiled}", tuple(bound[name] for name in compiled.positiontup or ())
    )
    return "\n".join(row[0] for row in rows)


async def test_a_district_list_walks_the_district_index(session: AsyncSession) -> None:
    assert "ix_cases_district_lower" in await _plan(session, district=True)


async def test_a_stage_list_walks_the_stage_index(session: AsyncSession) -> None:
    assert "ix_cases_stage" in await _plan(session, stage=True)
