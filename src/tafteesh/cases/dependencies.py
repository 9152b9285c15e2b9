"""Load a case for the acting user: 404 when they may not see it, 403 when they may see it but
not do what they ask. Every case route and page goes through one of these."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.dependencies import Bearer, signed_in
from tafteesh.auth.principal import Principal
from tafteesh.cases import policy, service
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case
from tafteesh.cases.policy import CaseRelation
from tafteesh.cases.relation import CaseWithRelation, Part, part_with_relation, relation_to_case
from tafteesh.db import get_session
from tafteesh.errors import Forbidden


@dataclass(frozen=True)
class CaseAccess:
    case: Case
    relation: CaseRelation
    actor: Principal
    owning_organisation: str  # the owner's name; a case never changes owner

    @property
    def can_edit(self) -> bool:
        return policy.can_edit_case(self.actor, self.relation)

    @property
    def can_change_stage(self) -> bool:
        return policy.can_change_stage(self.actor, self.relation)

    @property
    def can_see_identity(self) -> bool:
        return policy.can_see_identity(self.actor, self.relation)

    @property
    def can_manage_team(self) -> bool:
        return policy.can_manage_team(self.actor)

    @property
    def survivor_view(self) -> bool:
        return policy.sees_only_survivor_events(self.actor, self.relation)


async def case_access(
    session: AsyncSession, actor: Principal, case_id: uuid.UUID
) -> CaseAccess | None:
    """The case and what ``actor`` is to it, or None when it is missing or not theirs to see.

    Every case-scoped object (hearing, evidence item, claim) is reached through this, so the
    access model is applied in one place.
    """
    found = await relation_to_case(session, actor, case_id)
    return _access(actor, found) if found is not None else None


async def case_part_access(
    session: AsyncSession, actor: Principal, model: type[Part], part_id: uuid.UUID
) -> tuple[Part, CaseAccess] | None:
    """A hearing, evidence item or claim and the access to its case, read together; None when
    the part is missing or its case is not ``actor``'s to see."""
    found = await part_with_relation(session, actor, model, part_id)
    if found is None:
        return None
    part, with_relation = found
    access = _access(actor, with_relation)
    return (part, access) if access is not None else None


def _access(actor: Principal, found: CaseWithRelation) -> CaseAccess | None:
    if not policy.can_view_case(actor, found.relation):
        return None
    return CaseAccess(
        case=found.case,
        relation=found.relation,
        actor=actor,
        owning_organisation=found.owning_organisation,
    )


async def case_for_view(case_id: uuid.UUID, request: Request, bearer: Bearer) -> CaseAccess:
    return await reload_access(
        await get_session(request), await signed_in(request, bearer), case_id
    )


async def reload_access(session: AsyncSession, actor: Principal, case_id: uuid.UUID) -> CaseAccess:
    """The case access, 404 when it is not ``actor``'s to see: for ``case_for_view``, and to
    read it again after a rollback, which expires every loaded object."""
    access = await case_access(session, actor, case_id)
    if access is None:
        raise service.not_found()
    return access


def _case_for(
    allowed: Callable[[CaseAccess], bool], message: str
) -> Callable[[CaseAccess], Awaitable[CaseAccess]]:
    async def dependency(access: Annotated[CaseAccess, Depends(case_for_view)]) -> CaseAccess:
        if not allowed(access):
            raise Forbidden(message)
        return access

    return dependency


CaseForView = Annotated[CaseAccess, Depends(case_for_view)]
CaseForEdit = Annotated[
    CaseAccess,
    Depends(
        _case_for(
            lambda a: a.can_edit, "Only this case's lawyers and social workers can change it."
        )
    ),
]
CaseForStage = Annotated[
    CaseAccess,
    Depends(
        _case_for(lambda a: a.can_change_stage, "Only this case's lawyers can change its stage.")
    ),
]
CaseForTeam = Annotated[
    CaseAccess,
    Depends(
        _case_for(
            lambda a: a.can_manage_team,
            "Only administrators and consortium leads assign case teams.",
        )
    ),
]


def identity_cipher(request: Request) -> IdentityCipher:
    """The key that seals survivors' identities, made at start-up (``main.create_app``)."""
    cipher: IdentityCipher = request.app.state.identity_cipher
    return cipher


async def get_identity_cipher(request: Request) -> IdentityCipher:
    return identity_cipher(request)


Cipher = Annotated[IdentityCipher, Depends(get_identity_cipher)]
