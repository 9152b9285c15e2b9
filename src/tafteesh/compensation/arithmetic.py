"""Money rules for an award: what may still be paid, how a final award is split, interim floors.

All amounts are integer paise. "Disbursed" means paid to the survivor's account for her use;
"deposit" means put into a fixed deposit in her name. Both come out of the award, so both count
against it. Interim relief is adjusted against the final award (POCSO Rules 2020 r.9(1)), so
once a final award is made, interim amounts already paid count as disbursed against it.
"""

from typing import NamedTuple

from tafteesh.compensation.money import InvalidAmountError, format_inr

# NALSA 2018 cl.11(1): "75% ... shall be put in a fixed deposit for a minimum period of three
# years and the remaining 25% shall be available for utilization"; cl.11(2): for a minor "80% ...
# shall be deposited ... and shall be drawn only on attainment of the age of majority, but not
# before three years". Interim relief is exempt: "Interim amount shall be disbursed in full."
# (West Bengal SLSA orders also put 75% into a 10-year Monthly Income Scheme.)
FIXED_DEPOSIT_PERCENT = 75
FIXED_DEPOSIT_PERCENT_MINOR = 80

# NALSA 2018 cl.12, second proviso: interim relief "shall not be less than 25 per cent of the
# maximum compensation awardable as per schedule".
INTERIM_RELIEF_FLOOR_PERCENT = 25


class OverDisbursementError(ValueError):
    """A payment that would take more out of an award than was awarded."""


class DepositSplit(NamedTuple):
    paid_now_paise: int
    deposit_paise: int


def check_disbursement(
    *,
    awarded_paise: int,
    already_disbursed_paise: int,
    deposit_paise: int,
    new_tranche_paise: int,
    new_deposit_paise: int = 0,
) -> None:
    """Refuse a tranche (and/or deposit) that would take the total past the award.

    Reaching the award exactly is allowed; one paisa more is not. To pay more, record the
    enhanced award (after an appeal) first.
    """
    for amount in (
        awarded_paise,
        already_disbursed_paise,
        deposit_paise,
        new_tranche_paise,
        new_deposit_paise,
    ):
        if amount < 0:
            raise InvalidAmountError("Amounts paid, deposited or awarded cannot be negative.")
    if new_tranche_paise == 0 and new_deposit_paise == 0:
        raise InvalidAmountError(
            "Enter the amount paid to the survivor or put into a fixed deposit."
        )
    earlier = already_disbursed_paise + deposit_paise
    total = earlier + new_tranche_paise + new_deposit_paise
    if total <= awarded_paise:
        return
    payment = "tranche" if new_tranche_paise else "deposit"
    message = (
        f"This {payment} would pay {format_inr(total - awarded_paise)} more than the award of"
        f" {format_inr(awarded_paise)}: {format_inr(total)} in all"
    )
    if earlier:
        counted = []
        if already_disbursed_paise:
            counted.append(f"{format_inr(already_disbursed_paise)} paid earlier")
        if deposit_paise:
            counted.append(f"{format_inr(deposit_paise)} in fixed deposit")
        message += ", counting " + " and ".join(counted)
    raise OverDisbursementError(message + ".")


def pending_paise(*, awarded_paise: int, disbursed_paise: int, deposit_paise: int) -> int:
    """What the authority still owes on the award.

    Negative only when records bypassed `check_disbursement`; shown as it is, since hiding an
    overpayment would hide a data error.
    """
    return awarded_paise - disbursed_paise - deposit_paise


def default_deposit_split(final_award_paise: int, *, minor: bool) -> DepositSplit:
    """Split a final award per NALSA 2018 cl.11: 25% paid now and 75% deposited (20/80 for a minor).

    The deposit is rounded down to the paisa and the part paid now takes the remainder, so the
    two always sum to the award and any odd paisa goes to the survivor now. Awards in whole
    rupees split exactly.
    """
    if final_award_paise < 0:
        raise InvalidAmountError("An award cannot be negative.")
    percent = FIXED_DEPOSIT_PERCENT_MINOR if minor else FIXED_DEPOSIT_PERCENT
    deposit = final_award_paise * percent // 100
    return DepositSplit(paid_now_paise=final_award_paise - deposit, deposit_paise=deposit)


def interim_relief_floor_paise(head_max_paise: int) -> int:
    """The least interim relief NALSA 2018 cl.12 allows for a head with this maximum.

    Pass the maximum after any minor uplift (`range_for(..., minor=True)`): cl.9(3) deems a
    minor's limits 50% higher. Rounded up, so the floor is never understated.
    """
    return -(-head_max_paise * INTERIM_RELIEF_FLOOR_PERCENT // 100)


def interim_shortfall_paise(interim_awarded_paise: int, head_max_paise: int) -> int:
    """How far an interim award falls below the cl.12 floor (0 when it meets it).

    A finding to show and appeal on, not a refusal to record: the tracker records what the
    authority actually awarded.
    """
    return max(0, interim_relief_floor_paise(head_max_paise) - interim_awarded_paise)
