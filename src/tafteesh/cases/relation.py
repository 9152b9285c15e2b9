"""A case read with what its reader is to it: the team role, or being its own survivor.

Every case-scoped route asks this first (cases/dependencies.py turns it into access), so it is
one round trip, with the case's part (a hearing, an evidence item) in the same statement when
the route is about one. It does not begin the request's transaction (``DriverStatement.fetch``'s
``begin``): a request that goes on to write begins it then, and one that only reads, or whose one
write is a statement atomic by itself (recording an outcome), sends no BEGIN and COMMIT at all.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import NamedTuple, TypeVar

from sqlalchemy import bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import Organisation
from tafteesh.auth.principal import Principal
from tafteesh.cases.models import Case, CaseTeamMember, Survivor
from tafteesh.cases.policy import CaseRelation
from tafteesh.db import Base
from tafteesh.driver import DriverRow, DriverStatement, as_loaded, columns_of


class CaseWithRelation(NamedTuple):
    case: Case
    relation: CaseRelation
    owning_organisation: str


# Built once and run on the driver (tafteesh.driver): the case page and every case-scoped route
# run this, and the ORM's loading of the row cost more than PostgreSQL spent answering it. The
# case still becomes an ORM object (driver.as_loaded), so services change it as usual.
_TEAM_ROLE = (
    select(CaseTeamMember.team_role)
    .where(
        CaseTeamMember.case_id == Case.id,
        CaseTeamMember.user_id == bindparam("actor_id"),
        CaseTeamMember.removed_at.is_(None),
    )
    .limit(1)
    .scalar_subquery()
)
_OWN_SURVIVOR = exists(
    select(Survivor.id).where(
        Survivor.case_id == Case.id, Survivor.user_id == bindparam("actor_id")
    )
)
_RELATION = (
    Organisation.name.label("owning_organisation"),
    _TEAM_ROLE.label("team_role"),
    _OWN_SURVIVOR.label("is_own_survivor"),
)
_CASE_WITH_RELATION = DriverStatement(
    select(*columns_of(Case), *_RELATION)
    .join(Organisation, Organisation.id == Case.owning_organisation_id)
    .where(Case.id == bindparam("case_id"))
)


async def relation_to_case(
    session: AsyncSession, actor: Principal, case_id: uuid.UUID
) -> CaseWithRelation | None:
    """The case, its owner's name and what the actor is to it, in one round trip; None when
    there is no case."""
    params = {"case_id": case_id, "actor_id": actor.id}
    row = await _CASE_WITH_RELATION.fetch_one(session, params, begin=False)
    return _with_relation(as_loaded(session, Case, row), row) if row is not None else None


def _with_relation(case: Case, row: DriverRow) -> CaseWithRelation:
    relation = CaseRelation(team_role=row["team_role"], is_own_survivor=row["is_own_survivor"])
    return CaseWithRelation(case, relation, row["owning_organisation"])


Part = TypeVar("Part", bound=Base)
_PART = "part_"  # the part's columns are labelled with this, the case's by their own names


@cache
def _part_with_case(model: type[Base]) -> DriverStatement:
    """A hearing, evidence item or claim with its case and what the reader is to that case."""
    columns = model.__table__.c
    return DriverStatement(
        select(*columns_of(model, _PART), *columns_of(Case), *_RELATION)
        .join(Case, Case.id == columns.case_id)
        .join(Organisation, Organisation.id == Case.owning_organisation_id)
        .where(columns.id == bindparam("part_id"))
    )


async def part_with_relation(
    session: AsyncSession, actor: Principal, model: type[Part], part_id: uuid.UUID
) -> tuple[Part, CaseWithRelation] | None:
    """A part of a case (``model`` has ``id`` and ``case_id``) with its case, in one round trip;
    None when there is no such part. Whether the actor may see it is the caller's question."""
    row = await _part_with_case(model).fetch_one(
        session, {"part_id": part_id, "actor_id": actor.id}, begin=False
    )
    if row is None:
        return None
    part = as_loaded(session, model, row, _PART)
    return part, _with_relation(as_loaded(session, Case, row), row)
