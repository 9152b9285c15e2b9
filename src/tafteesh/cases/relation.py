"""A case read with what its reader is to it: the team role, or being its own survivor.

Every case-scoped route asks this first (cases/dependencies.py turns it into access), so it is
one round trip, with the case's part (a hearing, an evidence item) in the same statement when
the route is about one.
"""

from __future__ import annotations

import uuid
from functools import cache
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import Organisation
from tafteesh.auth.principal import Principal
from tafteesh.cases.models import Case, CaseTeamMember, Survivor
from tafteesh.cases.policy import CaseRelation
from tafteesh.db import Base


class CaseWithRelation(NamedTuple):
    case: Case
    relation: CaseRelation
    owning_organisation: str


# Built once: the case page and every case-scoped route run this, and building a statement costs
# more Python than PostgreSQL spends answering it. Only the bound values change per request.
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
_CASE_WITH_RELATION = (
    select(Case, Organisation.name, _TEAM_ROLE, _OWN_SURVIVOR)
    .join(Organisation, Organisation.id == Case.owning_organisation_id)
    .where(Case.id == bindparam("case_id"))
)


async def relation_to_case(
    session: AsyncSession, actor: Principal, case_id: uuid.UUID
) -> CaseWithRelation | None:
    """The case, its owner's name and what the actor is to it, in one round trip; None when
    there is no case."""
    row = (
        await session.execute(_CASE_WITH_RELATION, {"case_id": case_id, "actor_id": actor.id})
    ).one_or_none()
    if row is None:
        return None
    case, owner, role, is_own = row
    return CaseWithRelation(case, CaseRelation(team_role=role, is_own_survivor=bool(is_own)), owner)


Part = TypeVar("Part", bound=Base)


@cache
def _part_with_case(model: type[Base]) -> Select[Any]:
    """A hearing, evidence item or claim with its case and what the reader is to that case."""
    columns = model.__table__.c
    return (
        select(model, Case, Organisation.name, _TEAM_ROLE, _OWN_SURVIVOR)
        .join(Case, Case.id == columns.case_id)
        .join(Organisation, Organisation.id == Case.owning_organisation_id)
        .where(columns.id == bindparam("part_id"))
    )


async def part_with_relation(
    session: AsyncSession, actor: Principal, model: type[Part], part_id: uuid.UUID
) -> tuple[Part, CaseWithRelation] | None:
    """A part of a case (``model`` has ``id`` and ``case_id``) with its case, in one round trip;
    None when there is no such part. Whether the actor may see it is the caller's question."""
    row = (
        await session.execute(_part_with_case(model), {"part_id": part_id, "actor_id": actor.id})
    ).one_or_none()
    if row is None:
        return None
    part, case, owner, role, is_own = row
    relation = CaseRelation(team_role=role, is_own_survivor=bool(is_own))
    return part, CaseWithRelation(case, relation, owner)
