"""Moving a claim through its life cycle (``statuses.CLAIM_TRANSITIONS``), with a dated history.

``change_status`` is the verb behind the status form and POST .../status. ``move`` records a
move already decided, and is shared with the verbs that move a claim as a consequence: filing an
appeal, deciding one, and paying out the award.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.models import Case
from tafteesh.compensation import bookkeeping, plain_language, service
from tafteesh.compensation.clocks import format_date
from tafteesh.compensation.errors import IllegalClaimChange
from tafteesh.compensation.models import ClaimStatusChange, CompensationClaim
from tafteesh.compensation.money import format_inr
from tafteesh.compensation.schemas import StatusChangeIn
from tafteesh.compensation.statuses import (
    STATUSES_SET_BY_OTHER_VERBS,
    AppealStatus,
    ClaimBasis,
    ClaimStatus,
    ClaimTransitionError,
    InvalidRejectionError,
    Rejection,
    RejectionReason,
    check_transition,
    manual_next_statuses,
    validate_rejection,
)
from tafteesh.errors import Conflict, InvalidInput
from tafteesh.india import today_in_india

OPEN_APPEALS = frozenset({AppealStatus.FILED.value, AppealStatus.HEARING.value})


def _checked(current: ClaimStatus, target: ClaimStatus) -> None:
    try:
        check_transition(current, target)
    except ClaimTransitionError as exc:
        allowed = [s.value for s in manual_next_statuses(current)]
        raise IllegalClaimChange(str(exc), details={"allowed_next": allowed}) from exc


async def move(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    target: ClaimStatus,
    effective_on: date,
    pseudonym: str,
    amount_paise: int | None = None,
    note: str = "",
    survivor_line: str | None = None,
    tell_survivor: bool = True,
) -> None:
    """Write a move the caller has checked: the history row, the claim, timeline and audit.

    ``survivor_line`` replaces the standard line for the status (an appeal's own words);
    ``tell_survivor=False`` when the event that caused the move already told her."""
    current = ClaimStatus(claim.status)
    _checked(current, target)
    if current is not ClaimStatus.DRAFT:
        # A payment recorded late may predate the status it moves the claim out of; the claim
        # cannot have entered its new status before it entered the old one.
        effective_on = max(effective_on, claim.status_since)
    claim.status = target.value
    claim.status_since = effective_on
    await bookkeeping.save(session, claim, await service.heads_of(session, claim.id))
    session.add(
        ClaimStatusChange(
            claim_id=claim.id,
            from_status=current.value,
            to_status=target.value,
            effective_on=effective_on,
            amount_paise=amount_paise,
            rejection_reason=claim.rejection_reason if target is ClaimStatus.REJECTED else None,
            note=note,
            actor_id=actor.id,
        )
    )
    authority = bookkeeping.authority_of(claim)
    line = survivor_line or plain_language.status_line(
        target,
        authority=authority,
        on=effective_on,
        basis=ClaimBasis(claim.basis),
        amount_paise=amount_paise,
    )
    if not tell_survivor:
        line = None
    summary = (
        f"{bookkeeping.team_label(claim, pseudonym)}: {current.label} → {target.label}"
        f" on {effective_on:%d %b %Y}"
    )
    if amount_paise is not None:
        summary += f", {format_inr(amount_paise)}"
    if target is ClaimStatus.REJECTED and claim.rejection_reason:
        summary += f" ({RejectionReason(claim.rejection_reason).label})"
    await bookkeeping.log(
        session,
        actor,
        case,
        claim,
        kind=timeline.EventKind.COMPENSATION_STATUS,
        summary=summary + (f". {note}" if note else ""),
        survivor_line=line,
        action="status",
        params={
            "from": current.value,
            "to": target.value,
            "effective_on": effective_on.isoformat(),
            "amount_paise": amount_paise,
        },
    )


async def change_status(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    data: StatusChangeIn,
    pseudonym: str,
) -> CompensationClaim:
    bookkeeping.check_version(claim, data.version)
    target, current = data.status, ClaimStatus(claim.status)
    if target in STATUSES_SET_BY_OTHER_VERBS:
        how = (
            "File the appeal under Appeals: it records where and when."
            if target is ClaimStatus.APPEALED
            else "Record the payment under Disbursements: the status follows from the amounts."
        )
        raise InvalidInput(how, details={"fields": {"status": "set by another action"}})
    _checked(current, target)
    if current is ClaimStatus.APPEALED:
        appeals = await service.appeals_of(session, claim.id)
        if appeals and appeals[-1].status in OPEN_APPEALS:
            raise Conflict(
                "Record the appeal's decision first: the claim moves on when the appeal is"
                " decided.",
                details={"appeal_id": str(appeals[-1].id)},
            )
    effective = _effective_date(claim, case, target, data.effective_on)
    amount = _apply_effects(claim, target, data, effective)
    await move(
        session,
        actor,
        case,
        claim,
        target=target,
        effective_on=effective,
        pseudonym=pseudonym,
        amount_paise=amount,
        note=data.note,
    )
    return claim


def _effective_date(
    claim: CompensationClaim, case: Case, target: ClaimStatus, given: date | None
) -> date:
    basis = ClaimBasis(claim.basis)
    if given is None and target is ClaimStatus.FILED:
        # Filing is dated by the application or the recommendation when the claim has one.
        received = claim.recommended_on if basis is ClaimBasis.COURT_RECOMMENDATION else None
        given = received or claim.applied_on
    effective = given or today_in_india()
    bookkeeping.check_date("date of the change", effective, case=case, field="effective_on")
    # A draft's date is only when the team began typing, so the filing may come before it.
    if claim.status != ClaimStatus.DRAFT and effective < claim.status_since:
        since = ClaimStatus(claim.status).label.lower()
        raise InvalidInput(
            f"The date must be on or after {format_date(claim.status_since)}, when the claim"
            f" became {since}.",
            details={"fields": {"effective_on": "before the current status"}},
        )
    return effective


def _apply_effects(
    claim: CompensationClaim, target: ClaimStatus, data: StatusChangeIn, effective: date
) -> int | None:
    """Set the facts a status carries; return the award amount recorded with it, if any."""
    if target is ClaimStatus.FILED:
        if ClaimBasis(claim.basis) is ClaimBasis.COURT_RECOMMENDATION:
            claim.recommended_on = effective
        else:
            claim.applied_on = effective
    elif target in (ClaimStatus.INTERIM_AWARDED, ClaimStatus.FINAL_AWARDED):
        if data.amount_paise is None:
            raise InvalidInput(
                "Enter the amount the order awards.",
                details={"fields": {"amount_paise": "required"}},
            )
        if target is ClaimStatus.INTERIM_AWARDED:
            claim.interim_awarded_paise, claim.interim_awarded_on = data.amount_paise, effective
        else:
            out = claim.disbursed_paise + claim.deposit_paise
            if data.amount_paise < out:
                raise InvalidInput(
                    f"The award cannot be less than the {format_inr(out)} already paid or"
                    " deposited from it.",
                    details={"fields": {"amount_paise": "below what was paid"}},
                )
            claim.final_awarded_paise = data.amount_paise
            claim.final_awarded_on = claim.final_awarded_on or effective
        return data.amount_paise
    elif target is ClaimStatus.REJECTED:
        rejection = _rejection(claim, data)
        claim.rejection_reason = rejection.reason.value
        claim.rejection_details = rejection.details
        claim.rejected_on = claim.rejected_on or effective
    return None


def _rejection(claim: CompensationClaim, data: StatusChangeIn) -> Rejection:
    # An appeal that fails leaves the rejection appealed against standing, with its reason.
    kept = claim.rejection_reason if claim.status == ClaimStatus.APPEALED else None
    if kept and data.rejection_reason is None and not data.rejection_details:
        return Rejection(RejectionReason(kept), claim.rejection_details or "")
    try:
        return validate_rejection(data.rejection_reason, data.rejection_details)
    except InvalidRejectionError as exc:
        field = "rejection_reason" if data.rejection_reason is None else "rejection_details"
        raise InvalidInput(str(exc), details={"fields": {field: "required"}}) from exc
