"""The business verbs of a compensation claim: open it, change it, read it and its parts.

Status changes live in ``transitions.py``, payments in ``disbursements.py``, appeals in
``appeals.py``, and what every write shares in ``bookkeeping.py``. Every write appends a case
timeline event (with a plain-language line for the survivor when she should hear of it) and an
audit row in the same transaction, and refreshes the claim's next due date so "overdue" stays
an indexed comparison.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit import service as audit
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.models import Case, Survivor
from tafteesh.compensation import bookkeeping, plain_language
from tafteesh.compensation.models import (
    ClaimStatusChange,
    CompensationAppeal,
    CompensationClaim,
    CompensationClaimHead,
    Disbursement,
)
from tafteesh.compensation.schedules import UnknownHeadError, heads_for, range_for
from tafteesh.compensation.schemas import ClaimCreate, ClaimFields, ClaimUpdate
from tafteesh.compensation.statuses import AuthorityKind, ClaimStatus, Scheme
from tafteesh.errors import InvalidInput, NotFound
from tafteesh.india import today_in_india

# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FoundClaim:
    claim: CompensationClaim
    pseudonym: str
    survivor_user_id: uuid.UUID | None


async def claim_with_survivor(session: AsyncSession, claim_id: uuid.UUID) -> FoundClaim | None:
    """The claim with its survivor's pseudonym and account, in one round trip; never her
    identity."""
    row = (
        await session.execute(
            select(CompensationClaim, Survivor.pseudonym, Survivor.user_id)
            .join(Survivor, Survivor.id == CompensationClaim.survivor_id)
            .where(CompensationClaim.id == claim_id)
        )
    ).one_or_none()
    return FoundClaim(*row) if row else None


async def claims_of(
    session: AsyncSession, case_id: uuid.UUID, *, visible: ColumnElement[bool] | None = None
) -> list[tuple[CompensationClaim, str]]:
    """The case's claims, oldest first, each with its survivor's pseudonym; ``visible`` is the
    policy's filter (``policy.visible_summaries``) for a reader who may not see them all."""
    query = (
        select(CompensationClaim, Survivor.pseudonym)
        .join(Survivor, Survivor.id == CompensationClaim.survivor_id)
        .where(CompensationClaim.case_id == case_id)
    )
    if visible is not None:
        query = query.where(visible)
    rows = await session.execute(query.order_by(CompensationClaim.created_at, CompensationClaim.id))
    return [(claim, pseudonym) for claim, pseudonym in rows]


async def heads_of(session: AsyncSession, claim_id: uuid.UUID) -> list[CompensationClaimHead]:
    return list(
        await session.scalars(
            select(CompensationClaimHead)
            .where(CompensationClaimHead.claim_id == claim_id)
            .order_by(CompensationClaimHead.id)
        )
    )


async def history_of(session: AsyncSession, claim_id: uuid.UUID) -> list[ClaimStatusChange]:
    return list(
        await session.scalars(
            select(ClaimStatusChange)
            .where(ClaimStatusChange.claim_id == claim_id)
            .order_by(ClaimStatusChange.id)
        )
    )


async def disbursements_of(session: AsyncSession, claim_id: uuid.UUID) -> list[Disbursement]:
    return list(
        await session.scalars(
            select(Disbursement)
            .where(Disbursement.claim_id == claim_id)
            .order_by(Disbursement.paid_on, Disbursement.id)
        )
    )


async def appeals_of(session: AsyncSession, claim_id: uuid.UUID) -> list[CompensationAppeal]:
    return list(
        await session.scalars(
            select(CompensationAppeal)
            .where(CompensationAppeal.claim_id == claim_id)
            .order_by(CompensationAppeal.filed_on, CompensationAppeal.created_at)
        )
    )


async def record_read(
    session: AsyncSession, actor: Principal, claim: CompensationClaim, what: str
) -> None:
    await audit.record(
        session,
        actor,
        action=f"compensation.{what}",
        object_type="compensation_claim",
        object_id=claim.id,
        summary=f"case {claim.case_id}",
    )


# -- opening and changing a claim ----------------------------------------------------------------


def _check_authority(claim: CompensationClaim) -> None:
    kind = AuthorityKind(claim.authority_kind)
    missing = {
        AuthorityKind.DLSA: ("authority_district", "Enter the DLSA's district."),
        AuthorityKind.SLSA: ("authority_state", "Enter the SLSA's state."),
        AuthorityKind.COURT: ("court_name", "Enter the court that decides the compensation."),
    }[kind]
    if not getattr(claim, missing[0]):
        raise InvalidInput(missing[1], details={"fields": {missing[0]: "required"}})
    if claim.scheme == Scheme.OTHER_STATE_SCHEME and not claim.scheme_name:
        raise InvalidInput(
            "Name the state's scheme.", details={"fields": {"scheme_name": "required"}}
        )


def resolve_heads(claim: CompensationClaim, names: list[str]) -> list[CompensationClaimHead]:
    """Heads from the scheme's schedule with their band (raised for a minor); a scheme with no
    schedule (another state's, a court's own order) takes heads as written, with no band."""
    scheme = Scheme(claim.scheme)
    listed = heads_for(scheme)
    heads: list[CompensationClaimHead] = []
    for name in dict.fromkeys(names):
        if not listed:
            heads.append(CompensationClaimHead(head=name))
            continue
        try:
            band = range_for(scheme, name, minor=claim.minor)
        except UnknownHeadError as exc:
            raise InvalidInput(
                str(exc), details={"fields": {"heads": "not in the schedule"}}
            ) from exc
        heads.append(
            CompensationClaimHead(
                head=name,
                min_paise=band.min_paise,
                max_paise=band.max_paise,
                minor_uplift_applied=band.minor_uplift_applied,
                unconfirmed=band.unconfirmed,
            )
        )
    return heads


async def _replace_heads(
    session: AsyncSession, claim: CompensationClaim, heads: list[CompensationClaimHead]
) -> list[CompensationClaimHead]:
    await session.execute(
        delete(CompensationClaimHead).where(CompensationClaimHead.claim_id == claim.id)
    )
    for head in heads:
        head.claim_id = claim.id
        session.add(head)
    await session.flush()
    return heads


def _apply(claim: CompensationClaim, data: ClaimFields, case: Case) -> list[str]:
    """Copy the fields that were sent; return the names of those that changed."""
    changes = data.model_dump(
        exclude_unset=True, exclude={"version", "heads", "survivor_id", "filed"}
    )
    changed: list[str] = []
    for name, value in changes.items():
        if name == "documents":
            value = sorted({str(v) for v in value or []})
        elif name == "minor":
            value = bool(value)
        elif hasattr(value, "value"):
            value = value.value
        if getattr(claim, name) != value:
            setattr(claim, name, value)
            changed.append(name)
    for name, label in (("applied_on", "application date"), ("recommended_on", "recommendation")):
        day = getattr(claim, name)
        if name in changed and day is not None:
            bookkeeping.check_date(f"date of the {label}", day, case=case, field=name)
    _check_authority(claim)
    return changed


async def open_claim(
    session: AsyncSession, actor: Principal, case: Case, *, data: ClaimCreate
) -> CompensationClaim:
    """Open a claim as a draft; ``filed`` records it as already filed on its received date."""
    survivor = await session.scalar(
        select(Survivor).where(Survivor.id == data.survivor_id, Survivor.case_id == case.id)
    )
    if survivor is None:
        raise InvalidInput(
            "Choose a survivor on this case.", details={"fields": {"survivor_id": "not on case"}}
        )
    today = today_in_india()
    claim = CompensationClaim(
        case_id=case.id,
        survivor_id=survivor.id,
        scheme=data.scheme.value,
        authority_kind=data.authority_kind.value,
        basis=data.basis.value,
        status=ClaimStatus.DRAFT.value,
        created_by=actor.id,
        documents=[],
        minor=False,
        disbursed_paise=0,
        deposit_paise=0,
    )
    _apply(claim, data, case)
    # A draft's date is when the team began it, not a legal fact: entering an old claim, it is
    # the earliest date the claim names, so its filing can be recorded on its real date.
    claim.status_since = min(d for d in (today, claim.applied_on, claim.recommended_on) if d)
    session.add(claim)
    await session.flush()
    heads = await _replace_heads(session, claim, resolve_heads(claim, data.heads or []))
    session.add(
        ClaimStatusChange(
            claim_id=claim.id,
            to_status=ClaimStatus.DRAFT.value,
            effective_on=claim.status_since,
            actor_id=actor.id,
            note="claim opened",
        )
    )
    await bookkeeping.save(session, claim, heads)
    await bookkeeping.log(
        session,
        actor,
        case,
        claim,
        kind=timeline.EventKind.COMPENSATION_CLAIM_OPENED,
        summary=f"{bookkeeping.team_label(claim, survivor.pseudonym)} opened under the"
        f" {Scheme(claim.scheme).label}",
        survivor_line=plain_language.opened_line(),
        action="create",
        params={"scheme": claim.scheme},
    )
    if data.filed:
        # Imported here: transitions builds on this module.
        from tafteesh.compensation import transitions
        from tafteesh.compensation.schemas import StatusChangeIn

        await transitions.change_status(
            session,
            actor,
            case,
            claim,
            data=StatusChangeIn(version=claim.version, status=ClaimStatus.FILED),
            pseudonym=survivor.pseudonym,
        )
    return claim


async def update_claim(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    data: ClaimUpdate,
    pseudonym: str,
) -> CompensationClaim:
    bookkeeping.check_version(claim, data.version)
    changed = _apply(claim, data, case)
    heads = await heads_of(session, claim.id)
    if data.heads is not None or {"scheme", "minor"} & set(changed):
        names = data.heads if data.heads is not None else [h.head for h in heads]
        fresh = resolve_heads(claim, names)
        if [(h.head, h.min_paise, h.max_paise) for h in fresh] != [
            (h.head, h.min_paise, h.max_paise) for h in heads
        ]:
            heads = await _replace_heads(session, claim, fresh)
            changed.append("heads")
    if not changed:
        return claim
    # save() always writes updated_at, so the version moves even when only the heads (their own
    # table) changed: a colleague editing the same claim is told it changed.
    await bookkeeping.save(session, claim, heads)
    await bookkeeping.log(
        session,
        actor,
        case,
        claim,
        kind=timeline.EventKind.COMPENSATION_CLAIM_CHANGED,
        summary=f"{bookkeeping.team_label(claim, pseudonym)} changed: "
        + ", ".join(c.replace("_", " ") for c in changed),
        survivor_line=None,
        action="update",
        params={"fields": changed},
    )
    return claim


def not_found() -> NotFound:
    return NotFound("There is no such compensation claim, or it is not one of yours.")
