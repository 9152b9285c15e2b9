"""Read models of claims, shared by the JSON API and the pages.

Amounts are shown with ``money.format_inr`` (₹1,50,000). The survivor's summary is built from
``plain_language.SummaryFacts`` only, which has no field for any team note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.compensation import appeals, bookkeeping, disbursements, service
from tafteesh.compensation.arithmetic import (
    FIXED_DEPOSIT_PERCENT,
    FIXED_DEPOSIT_PERCENT_MINOR,
    default_deposit_split,
    interim_shortfall_paise,
    pending_paise,
)
from tafteesh.compensation.clocks import ClaimClock, ClockKind
from tafteesh.compensation.dependencies import ClaimAccess
from tafteesh.compensation.models import (
    ClaimStatusChange,
    CompensationAppeal,
    CompensationClaim,
    CompensationClaimHead,
    Disbursement,
    documents_of,
)
from tafteesh.compensation.money import format_inr
from tafteesh.compensation.plain_language import SummaryFacts, survivor_summary
from tafteesh.compensation.schemas import (
    AppealRead,
    ClaimClockRead,
    ClaimListItem,
    ClaimRead,
    ClaimSummaryRead,
    DepositSplitRead,
    DisbursementRead,
    DocumentRead,
    HeadRead,
    StatusChangeRead,
)
from tafteesh.compensation.statuses import (
    APPEAL_TRANSITIONS,
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    DisbursementMode,
    PaidAgainst,
    RejectionReason,
    Scheme,
    manual_next_statuses,
    papers_for_filing,
)

# Schemes whose final awards are split into a part paid now and a fixed deposit.
SPLIT_SCHEMES = frozenset({Scheme.NALSA_2018_WOMEN_VICTIMS, Scheme.WEST_BENGAL_2017})
OPEN_APPEALS = frozenset({AppealStatus.FILED, AppealStatus.HEARING})


def inr(paise: int | None) -> str | None:
    return None if paise is None else format_inr(paise)


def awarded(claim: CompensationClaim) -> int:
    return disbursements.awarded_paise(claim) or 0


def band(head: CompensationClaimHead) -> str:
    low, high = head.min_paise, head.max_paise
    if low is not None and high is not None:
        return f"{format_inr(low)} to {format_inr(high)}"
    if low is not None:
        return f"at least {format_inr(low)}"
    if high is not None:
        return f"up to {format_inr(high)}"
    return "no band in the schedule"


def list_item(claim: CompensationClaim, pseudonym: str, today: date) -> ClaimListItem:
    total = awarded(claim)
    pending = pending_paise(
        awarded_paise=total,
        disbursed_paise=claim.disbursed_paise,
        deposit_paise=claim.deposit_paise,
    )
    status = ClaimStatus(claim.status)
    return ClaimListItem(
        id=claim.id,
        survivor_id=claim.survivor_id,
        survivor_pseudonym=pseudonym,
        scheme=Scheme(claim.scheme),
        scheme_label=claim.scheme_name or Scheme(claim.scheme).label,
        authority_label=bookkeeping.authority_of(claim),
        status=status,
        status_label=status.label,
        status_since=claim.status_since,
        claimed_paise=claim.claimed_paise,
        claimed_inr=inr(claim.claimed_paise),
        awarded_paise=total,
        awarded_inr=format_inr(total),
        disbursed_paise=claim.disbursed_paise,
        disbursed_inr=format_inr(claim.disbursed_paise),
        deposit_paise=claim.deposit_paise,
        deposit_inr=format_inr(claim.deposit_paise),
        pending_paise=pending,
        pending_inr=format_inr(pending),
        # next_due_on is the earliest open due date, so it has passed exactly when some clock
        # of the claim is overdue.
        overdue=claim.next_due_on is not None and claim.next_due_on < today,
        next_due_on=claim.next_due_on,
        version=claim.version,
    )


def clock_read(clock: ClaimClock) -> ClaimClockRead:
    return ClaimClockRead(
        kind=clock.kind,
        label=clock.label,
        rule=clock.rule,
        starts_on=clock.starts_on,
        due_on=clock.due_on,
        done_on=clock.done_on,
        status=clock.status,
        status_label=clock.status.label,
        days_elapsed=clock.days_elapsed,
        days_left=clock.days_left,
        days_late=clock.days_late,
    )


def history_reads(changes: Sequence[ClaimStatusChange], today: date) -> list[StatusChangeRead]:
    reads: list[StatusChangeRead] = []
    for index, change in enumerate(changes):
        until = changes[index + 1].effective_on if index + 1 < len(changes) else today
        reads.append(
            StatusChangeRead(
                from_status=ClaimStatus(change.from_status) if change.from_status else None,
                to_status=ClaimStatus(change.to_status),
                to_label=ClaimStatus(change.to_status).label,
                effective_on=change.effective_on,
                # A draft may be dated after the filing recorded for it (see transitions.py).
                days_in_status=max(0, (until - change.effective_on).days),
                amount_paise=change.amount_paise,
                amount_inr=inr(change.amount_paise),
                rejection_reason=(
                    RejectionReason(change.rejection_reason) if change.rejection_reason else None
                ),
                note=change.note,
                recorded_at=change.recorded_at,
            )
        )
    return reads


def disbursement_read(payment: Disbursement) -> DisbursementRead:
    mode = DisbursementMode(payment.mode)
    return DisbursementRead(
        id=payment.id,
        amount_paise=payment.amount_paise,
        amount_inr=format_inr(payment.amount_paise),
        paid_on=payment.paid_on,
        mode=mode,
        mode_label=mode.label,
        against=PaidAgainst(payment.against),
        reference=payment.reference,
        matures_on=payment.matures_on,
        note=payment.note,
        recorded_at=payment.recorded_at,
    )


def appeal_read(appeal: CompensationAppeal) -> AppealRead:
    forum, status = AppealForum(appeal.forum), AppealStatus(appeal.status)
    return AppealRead(
        id=appeal.id,
        forum=forum,
        forum_label=forum.label,
        status=status,
        status_label=status.label,
        appealed_from=ClaimStatus(appeal.appealed_from),
        filed_on=appeal.filed_on,
        reference=appeal.reference,
        grounds=appeal.grounds,
        decided_on=appeal.decided_on,
        outcome_note=appeal.outcome_note,
        allowed_next=[s for s in AppealStatus if s in APPEAL_TRANSITIONS[status]],
        version=appeal.version,
    )


def _shortfall(claim: CompensationClaim, heads: list[CompensationClaimHead]) -> int | None:
    # NALSA 2018 cl.12 sets the floor per head; measured against the largest head claimed, so a
    # shortfall shown here holds whichever head the authority had in mind.
    maxima = [h.max_paise for h in heads if h.max_paise is not None]
    if claim.scheme != Scheme.NALSA_2018_WOMEN_VICTIMS or not claim.interim_awarded_paise:
        return None
    return interim_shortfall_paise(claim.interim_awarded_paise, max(maxima)) if maxima else None


def _split(claim: CompensationClaim) -> DepositSplitRead | None:
    if claim.final_awarded_paise is None or Scheme(claim.scheme) not in SPLIT_SCHEMES:
        return None
    now, deposit = default_deposit_split(claim.final_awarded_paise, minor=claim.minor)
    return DepositSplitRead(
        paid_now_paise=now,
        paid_now_inr=format_inr(now),
        deposit_paise=deposit,
        deposit_inr=format_inr(deposit),
        deposit_percent=FIXED_DEPOSIT_PERCENT_MINOR if claim.minor else FIXED_DEPOSIT_PERCENT,
    )


async def claim_read(session: AsyncSession, access: ClaimAccess, today: date) -> ClaimRead:
    claim = access.claim
    heads = await service.heads_of(session, claim.id)
    appeal_rows = await service.appeals_of(session, claim.id)
    status = ClaimStatus(claim.status)
    waiting_on_appeal = bool(appeal_rows) and AppealStatus(appeal_rows[-1].status) in OPEN_APPEALS
    reason = RejectionReason(claim.rejection_reason) if claim.rejection_reason else None
    submitted = set(documents_of(claim))
    shortfall = _shortfall(claim, heads)
    return ClaimRead(
        **list_item(claim, access.survivor_pseudonym, today).model_dump(),
        case_id=claim.case_id,
        case_reference=access.case.case.reference,
        scheme_name=claim.scheme_name,
        authority_kind=AuthorityKind(claim.authority_kind),
        authority_district=claim.authority_district,
        authority_state=claim.authority_state,
        court_name=claim.court_name,
        basis=ClaimBasis(claim.basis),
        basis_label=ClaimBasis(claim.basis).label,
        minor=claim.minor,
        application_reference=claim.application_reference,
        applied_on=claim.applied_on,
        recommended_on=claim.recommended_on,
        documents=[
            DocumentRead(document=d, label=d.label, submitted=d.value in submitted)
            for d in ClaimDocument
        ],
        heads=[
            HeadRead(
                head=h.head,
                min_paise=h.min_paise,
                max_paise=h.max_paise,
                band=band(h),
                minor_uplift_applied=h.minor_uplift_applied,
                unconfirmed=h.unconfirmed,
            )
            for h in heads
        ],
        interim_awarded_paise=claim.interim_awarded_paise,
        interim_awarded_inr=inr(claim.interim_awarded_paise),
        interim_awarded_on=claim.interim_awarded_on,
        interim_paid_on=claim.interim_paid_on,
        interim_shortfall_paise=shortfall,
        interim_shortfall_inr=inr(shortfall),
        final_awarded_paise=claim.final_awarded_paise,
        final_awarded_inr=inr(claim.final_awarded_paise),
        final_awarded_on=claim.final_awarded_on,
        final_first_paid_on=claim.final_first_paid_on,
        suggested_split=_split(claim),
        rejection_reason=reason,
        rejection_reason_label=reason.label if reason else None,
        rejection_details=claim.rejection_details,
        rejected_on=claim.rejected_on,
        rejection_contested_by=reason.contested_by if reason else None,
        notes=claim.notes,
        allowed_next_statuses=[] if waiting_on_appeal else list(manual_next_statuses(status)),
        can_appeal=appeals.can_appeal(claim),
        can_disburse=disbursements.can_disburse(claim),
        clocks=[clock_read(c) for c in bookkeeping.clocks_of(claim, heads, today)],
        history=history_reads(await service.history_of(session, claim.id), today),
        disbursements=[
            disbursement_read(d) for d in await service.disbursements_of(session, claim.id)
        ],
        appeals=[appeal_read(a) for a in appeal_rows],
        created_at=claim.created_at,
        updated_at=claim.updated_at,
    )


async def claim_summary(
    session: AsyncSession, claim: CompensationClaim, pseudonym: str, today: date
) -> ClaimSummaryRead:
    """The survivor's summary; every input is something she may know."""
    heads = await service.heads_of(session, claim.id)
    appeal_rows = await service.appeals_of(session, claim.id)
    latest = appeal_rows[-1] if appeal_rows else None
    deposits = [
        d.matures_on
        for d in await service.disbursements_of(session, claim.id)
        if d.mode == DisbursementMode.FIXED_DEPOSIT and d.matures_on
    ]
    enquiry = [
        c
        for c in bookkeeping.clocks_of(claim, heads, today)
        if c.kind is ClockKind.ENQUIRY and c.done_on is None
    ]
    summary = survivor_summary(
        SummaryFacts(
            status=ClaimStatus(claim.status),
            authority=bookkeeping.authority_of(claim),
            received_on=min(
                (d for d in (claim.applied_on, claim.recommended_on) if d), default=None
            ),
            interim_awarded_paise=claim.interim_awarded_paise,
            final_awarded_paise=claim.final_awarded_paise,
            paid_paise=claim.disbursed_paise,
            deposit_paise=claim.deposit_paise,
            deposit_matures_on=min(deposits, default=None),
            enquiry_due_on=enquiry[0].due_on if enquiry else None,
            final_awarded_on=claim.final_awarded_on,
            first_paid_on=claim.final_first_paid_on,
            missing_documents=tuple(
                d
                for d in papers_for_filing(ClaimBasis(claim.basis))
                if d.value not in documents_of(claim)
            ),
            appeal_forum=AppealForum(latest.forum) if latest else None,
            appeal_status=AppealStatus(latest.status) if latest else None,
        ),
        today=today,
    )
    return ClaimSummaryRead(
        claim_id=claim.id,
        case_id=claim.case_id,
        survivor_pseudonym=pseudonym,
        status=summary.status,
        status_label=summary.status.label,
        where_it_stands=summary.where_it_stands,
        awarded_paise=summary.awarded_paise,
        awarded_inr=summary.awarded,
        paid_paise=summary.paid_paise,
        paid_inr=summary.paid,
        deposit_paise=summary.deposit_paise,
        deposit_inr=summary.deposit,
        pending_paise=summary.pending_paise,
        pending_inr=summary.pending,
        next_step=summary.next_step,
    )
