"""The case list's filters are served by indexes on the expressions they compile to.

A filter and its index drift apart silently: the list still answers, by walking every case. So
the plan of a consortium lead's list is checked, with sequential scans priced out (on a test
database of a few cases PostgreSQL would rightly prefer them). A team member's filtered list
narrows her memberships by their copies of the stage and district; the memberships it reads
are checked the same way."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import Select, bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.roles import Role
from tafteesh.cases.listing import _filter_conditions, _ListShape, _membership_conditions
from tafteesh.cases.models import Case, CaseTeamMember
from tafteesh.cases.policy import Visibility
from tests.cases.conftest import MakeActor, MakeCase

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
    return await _explain(session, query)


async def _explain(session: AsyncSession, query: Select[Any], **values: Any) -> str:
    connection = await session.connection()
    compiled = query.compile(dialect=connection.dialect)
    bound = compiled.construct_params(
        {
            "district": "south 24 parganas",
            "stage": "prosecution_evidence",
            "viewer_id": uuid.uuid4(),
        }
        | values
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


# A member's caseload of 400 cases over eight stages and three districts: a few matching
# memberships among many, as the index is for (on a handful the planner may rightly take any).
_CASELOAD = """
INSERT INTO cases
SELECT (jsonb_populate_record(NULL::cases, to_jsonb(c) || jsonb_build_object(
    'id', gen_random_uuid(), 'reference', c.reference || '-' || n, 'cnr', NULL,
    'stage', (ARRAY['fir_registered', 'under_investigation', 'chargesheet_filed', 'cognizance',
                    'charges_framed', 'prosecution_evidence', 'defence_evidence', 'arguments'])
             [1 + n % 8],
    'fir_district', (ARRAY['South 24 Parganas', 'Kolkata', 'Pune'])[1 + n % 3]))).*
FROM cases c, generate_series(1, 400) n WHERE c.id = :case
"""


async def test_a_team_members_matching_memberships_are_read_from_their_index(
    session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    lawyer = await make_actor(Role.LAWYER)
    case = uuid.UUID((await make_case(lawyer))["id"])
    await session.execute(text(_CASELOAD), {"case": case})
    await session.execute(
        text(
            "INSERT INTO case_team_members (case_id, user_id, team_role) "
            "SELECT id, :lawyer, 'lawyer' FROM cases WHERE reference LIKE "
            "(SELECT reference FROM cases WHERE id = :case) || '-%'"
        ),
        {"lawyer": lawyer.user.id, "case": case},
    )
    await session.execute(text("ANALYZE cases, case_team_members"))
    shape = replace(_NO_FILTER, visibility=Visibility.TEAM, stage=True, district=True)
    memberships = select(CaseTeamMember.case_id).where(
        CaseTeamMember.user_id == bindparam("viewer_id"),
        CaseTeamMember.removed_at.is_(None),
        *_membership_conditions(shape),
    )
    plan = await _explain(session, memberships, viewer_id=lawyer.user.id)
    assert "ix_case_team_user_filters" in plan
    conditions = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "case_stage" in conditions
    assert "case_district_key" in conditions
