"""Who may do what with compensation claims: access follows the case (cases/policy.py).

The case's lawyers and social workers write; everyone else who may see the case (its survivor
leader, consortium leads, administrators) reads the team's record. The survivor herself reads
only the plain-language summary, and only of her own claims: on a case with two survivors, one
never sees the other's compensation.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, select, true

from tafteesh.auth.principal import Principal
from tafteesh.cases.models import Survivor
from tafteesh.cases.policy import (
    CaseRelation,
    can_edit_case,
    can_view_case,
    sees_only_survivor_events,
)
from tafteesh.compensation.models import CompensationClaim


def can_read_claims(actor: Principal, relation: CaseRelation) -> bool:
    """The team's record of a claim: amounts, history, notes, rejection orders, appeals."""
    return can_view_case(actor, relation) and not sees_only_survivor_events(actor, relation)


def can_write_claims(actor: Principal, relation: CaseRelation) -> bool:
    """File, change and record payments: the case's lawyers and social workers."""
    return can_edit_case(actor, relation)


def can_read_summary(
    actor: Principal, relation: CaseRelation, *, claim_survivor_user_id: uuid.UUID | None
) -> bool:
    if sees_only_survivor_events(actor, relation):
        return relation.is_own_survivor and claim_survivor_user_id == actor.id
    return can_view_case(actor, relation)


def visible_summaries(actor: Principal, relation: CaseRelation) -> ColumnElement[bool]:
    """SQL condition on ``CompensationClaim`` matching exactly what ``can_read_summary`` allows,
    for a case the actor may see."""
    if sees_only_survivor_events(actor, relation):
        return CompensationClaim.survivor_id.in_(
            select(Survivor.id).where(Survivor.user_id == actor.id)
        )
    return true()
