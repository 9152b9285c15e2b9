"""Appeals against a rejection or the amount awarded: to the DLSA's chairperson (NALSA 2018
cl.17), the SLSA, or the High Court by writ. Each is its own record with its own status.

Filing one makes the claim "appealed". A dismissed or withdrawn appeal leaves the decision
appealed against standing, so the claim returns to it; an allowed one waits for the lawyer to
record what follows (the new award, or a remand for fresh verification).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.models import Case
from tafteesh.compensation import bookkeeping, disbursements, plain_language, transitions
from tafteesh.compensation.clocks import format_date
from tafteesh.compensation.errors import IllegalAppealChange, IllegalClaimChange
from tafteesh.compensation.models import CompensationAppeal, CompensationClaim
from tafteesh.compensation.schemas import AppealCreate, AppealStatusIn
from tafteesh.compensation.statuses import (
    APPEAL_TRANSITIONS,
    CLAIM_TRANSITIONS,
    AppealForum,
    AppealStatus,
    AppealTransitionError,
    ClaimStatus,
    check_appeal_transition,
)
from tafteesh.errors import InvalidInput, NotFound, StaleVersion
from tafteesh.india import today_in_india

DECIDED = frozenset({AppealStatus.ALLOWED, AppealStatus.DISMISSED, AppealStatus.WITHDRAWN})


def can_appeal(claim: CompensationClaim) -> bool:
    return ClaimStatus.APPEALED in CLAIM_TRANSITIONS[ClaimStatus(claim.status)]


def appeal_snapshot(appeal: CompensationAppeal) -> dict[str, Any]:
    return {
        "status": appeal.status,
        "decided_on": appeal.decided_on.isoformat() if appeal.decided_on else None,
        "version": appeal.version,
    }


async def get_appeal(
    session: AsyncSession, claim: CompensationClaim, appeal_id: Any
) -> CompensationAppeal:
    appeal = await session.get(CompensationAppeal, appeal_id)
    if appeal is None or appeal.claim_id != claim.id:
        raise NotFound("There is no such appeal on this claim.")
    return appeal


async def file_appeal(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    data: AppealCreate,
    pseudonym: str,
) -> CompensationAppeal:
    bookkeeping.check_version(claim, data.version)
    current = ClaimStatus(claim.status)
    if not can_appeal(claim):
        raise IllegalClaimChange(
            f"Only a rejection or a final award can be appealed; this claim is"
            f" {current.label.lower()}.",
        )
    bookkeeping.check_date("date the appeal was filed", data.filed_on, case=case, field="filed_on")
    if data.filed_on < claim.status_since:
        raise InvalidInput(
            f"The appeal cannot be filed before the decision it appeals"
            f" ({format_date(claim.status_since)}).",
            details={"fields": {"filed_on": "before the decision"}},
        )
    appeal = CompensationAppeal(
        claim_id=claim.id,
        forum=data.forum.value,
        status=AppealStatus.FILED.value,
        appealed_from=current.value,
        filed_on=data.filed_on,
        reference=data.reference,
        grounds=data.grounds,
        created_by=actor.id,
    )
    session.add(appeal)
    await session.flush()
    await transitions.move(
        session,
        actor,
        case,
        claim,
        target=ClaimStatus.APPEALED,
        effective_on=data.filed_on,
        pseudonym=pseudonym,
        note=f"Appeal to the {data.forum.label}"
        + (f" ({data.reference})" if data.reference else ""),
        survivor_line=plain_language.appeal_filed_line(data.forum),
    )
    return appeal


async def change_appeal_status(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    appeal: CompensationAppeal,
    *,
    data: AppealStatusIn,
    pseudonym: str,
) -> CompensationAppeal:
    if data.version != appeal.version:
        raise StaleVersion("appeal", appeal_snapshot(appeal))
    current, target = AppealStatus(appeal.status), data.status
    try:
        check_appeal_transition(current, target)
    except AppealTransitionError as exc:
        allowed = sorted(s.value for s in APPEAL_TRANSITIONS[current])
        raise IllegalAppealChange(str(exc), details={"allowed_next": allowed}) from exc
    effective = data.effective_on or today_in_india()
    bookkeeping.check_date(
        "date of the appeal's decision", effective, case=case, field="effective_on"
    )
    if effective < appeal.filed_on:
        raise InvalidInput(
            f"The date cannot be before the appeal was filed ({format_date(appeal.filed_on)}).",
            details={"fields": {"effective_on": "before the appeal"}},
        )
    appeal.status = target.value
    if target in DECIDED:
        appeal.decided_on = effective
    if data.outcome_note is not None:
        appeal.outcome_note = data.outcome_note or None
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("appeal", appeal_snapshot(appeal)) from exc
    forum = AppealForum(appeal.forum)
    await bookkeeping.log(
        session,
        actor,
        case,
        claim,
        kind=timeline.EventKind.COMPENSATION_APPEAL_STATUS,
        summary=f"{bookkeeping.team_label(claim, pseudonym)}: appeal to the {forum.label}"
        f" {current.label.lower()} → {target.label.lower()} on {effective:%d %b %Y}",
        survivor_line=plain_language.appeal_status_line(forum, target),
        action="appeal_status",
        params={"appeal_id": str(appeal.id), "from": current.value, "to": target.value},
    )
    if target in (AppealStatus.DISMISSED, AppealStatus.WITHDRAWN) and (
        claim.status == ClaimStatus.APPEALED
    ):
        # The decision appealed against stands: the claim returns to it (and, for an award
        # paid in part meanwhile, on to the payment status the money shows).
        await transitions.move(
            session,
            actor,
            case,
            claim,
            target=ClaimStatus(appeal.appealed_from),
            effective_on=effective,
            pseudonym=pseudonym,
            note=f"appeal {target.label.lower()}",
            tell_survivor=False,
        )
        await disbursements.follow_payments(
            session, actor, case, claim, on=effective, pseudonym=pseudonym
        )
    return appeal
