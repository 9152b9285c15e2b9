"""Paying out an award: tranches to the survivor's account and fixed deposits in her name.

What is paid and what is deposited both come out of the award, and together never exceed it
(``arithmetic.check_disbursement``; the database's own check stands behind it). Once a final
award is being paid, the claim's status follows from the money: partly disbursed while anything
is pending, disbursed when nothing is.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.models import Case
from tafteesh.compensation import bookkeeping, plain_language, service, transitions
from tafteesh.compensation.arithmetic import OverDisbursementError, check_disbursement
from tafteesh.compensation.clocks import format_date
from tafteesh.compensation.errors import OverDisbursement
from tafteesh.compensation.models import CompensationClaim, Disbursement
from tafteesh.compensation.money import format_inr
from tafteesh.compensation.schemas import DisbursementIn
from tafteesh.compensation.statuses import ClaimStatus, PaidAgainst
from tafteesh.errors import Conflict, InvalidInput

# An appealed claim may still be paid the award under appeal (an appeal on the amount does not
# stop payment of what was awarded).
PAYABLE = frozenset(
    {
        ClaimStatus.INTERIM_AWARDED,
        ClaimStatus.FINAL_AWARDED,
        ClaimStatus.PAYMENT_PENDING,
        ClaimStatus.PARTLY_DISBURSED,
        ClaimStatus.APPEALED,
    }
)
FOLLOWS_PAYMENTS = frozenset(
    {ClaimStatus.FINAL_AWARDED, ClaimStatus.PAYMENT_PENDING, ClaimStatus.PARTLY_DISBURSED}
)


def awarded_paise(claim: CompensationClaim) -> int | None:
    """The award payments come out of: the final one once made (interim relief is adjusted
    against it, POCSO Rules 2020 r.9(1)), else the interim one."""
    if claim.final_awarded_paise is not None:
        return claim.final_awarded_paise
    return claim.interim_awarded_paise


def can_disburse(claim: CompensationClaim) -> bool:
    return ClaimStatus(claim.status) in PAYABLE and awarded_paise(claim) is not None


async def record_disbursement(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    data: DisbursementIn,
    pseudonym: str,
) -> Disbursement:
    bookkeeping.check_version(claim, data.version)
    awarded = awarded_paise(claim)
    if awarded is None or not can_disburse(claim):
        label = ClaimStatus(claim.status).label.lower()
        raise Conflict(
            f"Nothing can be paid on a claim that is {label}: record the award first."
            if awarded is None
            else f"Nothing can be paid on a claim that is {label}."
        )
    against = PaidAgainst.FINAL if claim.final_awarded_paise is not None else PaidAgainst.INTERIM
    _check_dates(claim, case, data, against)
    deposit = data.mode.is_deposit
    try:
        check_disbursement(
            awarded_paise=awarded,
            already_disbursed_paise=claim.disbursed_paise,
            deposit_paise=claim.deposit_paise,
            new_tranche_paise=0 if deposit else data.amount_paise,
            new_deposit_paise=data.amount_paise if deposit else 0,
        )
    except OverDisbursementError as exc:
        over = claim.disbursed_paise + claim.deposit_paise + data.amount_paise - awarded
        raise OverDisbursement(
            str(exc),
            details={
                "over_by_paise": over,
                "awarded_paise": awarded,
                "disbursed_paise": claim.disbursed_paise,
                "deposit_paise": claim.deposit_paise,
                "fields": {"amount_paise": f"{format_inr(over)} more than the award"},
            },
        ) from exc
    if deposit:
        claim.deposit_paise += data.amount_paise
    else:
        claim.disbursed_paise += data.amount_paise
    if against is PaidAgainst.INTERIM:
        claim.interim_paid_on = min(d for d in (claim.interim_paid_on, data.paid_on) if d)
    else:
        claim.final_first_paid_on = min(d for d in (claim.final_first_paid_on, data.paid_on) if d)
    await bookkeeping.save(session, claim, await service.heads_of(session, claim.id))
    payment = Disbursement(
        claim_id=claim.id,
        amount_paise=data.amount_paise,
        paid_on=data.paid_on,
        mode=data.mode.value,
        against=against.value,
        reference=data.reference,
        matures_on=data.matures_on,
        note=data.note,
        actor_id=actor.id,
    )
    session.add(payment)
    await bookkeeping.log(
        session,
        actor,
        case,
        claim,
        kind=timeline.EventKind.COMPENSATION_DISBURSEMENT,
        summary=f"{bookkeeping.team_label(claim, pseudonym)}: {format_inr(data.amount_paise)}"
        f" ({data.mode.label.lower()}) on {data.paid_on:%d %b %Y}, against the {against.value}"
        " award",
        survivor_line=plain_language.payment_line(
            data.amount_paise, data.mode, on=data.paid_on, matures_on=data.matures_on
        ),
        action="disbursement",
        params={"amount_paise": data.amount_paise, "mode": data.mode.value},
    )
    await follow_payments(session, actor, case, claim, on=data.paid_on, pseudonym=pseudonym)
    return payment


def _check_dates(
    claim: CompensationClaim, case: Case, data: DisbursementIn, against: PaidAgainst
) -> None:
    bookkeeping.check_date("payment date", data.paid_on, case=case, field="paid_on")
    award_on = claim.final_awarded_on if against is PaidAgainst.FINAL else claim.interim_awarded_on
    if award_on and data.paid_on < award_on:
        raise InvalidInput(
            f"The payment date ({format_date(data.paid_on)}) is before the award"
            f" ({format_date(award_on)}).",
            details={"fields": {"paid_on": "before the award"}},
        )
    if data.matures_on is not None:
        if not data.mode.is_deposit:
            raise InvalidInput(
                "Only a fixed deposit has a maturity date.",
                details={"fields": {"matures_on": "only for a fixed deposit"}},
            )
        if data.matures_on <= data.paid_on:
            raise InvalidInput(
                "A deposit matures after the day it is made.",
                details={"fields": {"matures_on": "not after the deposit"}},
            )


async def follow_payments(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    on: date,
    pseudonym: str,
) -> None:
    """Move a final award being paid to partly disbursed or disbursed, as the money says."""
    status = ClaimStatus(claim.status)
    award = claim.final_awarded_paise
    out = claim.disbursed_paise + claim.deposit_paise
    if status not in FOLLOWS_PAYMENTS or award is None or out == 0:
        return
    target = ClaimStatus.DISBURSED if out >= award else ClaimStatus.PARTLY_DISBURSED
    if target is status:
        return
    await transitions.move(
        session,
        actor,
        case,
        claim,
        target=target,
        effective_on=on,
        pseudonym=pseudonym,
        # Her payment line already told her of a part payment; she hears when it is complete.
        tell_survivor=target is ClaimStatus.DISBURSED,
    )
