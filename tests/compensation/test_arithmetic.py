import pytest

from tafteesh.compensation.arithmetic import (
    DepositSplit,
    OverDisbursementError,
    check_disbursement,
    default_deposit_split,
    interim_relief_floor_paise,
    interim_shortfall_paise,
    pending_paise,
)
from tafteesh.compensation.money import InvalidAmountError
from tafteesh.compensation.schedules import range_for
from tafteesh.compensation.statuses import Scheme

RUPEE = 100
LAKH = 100_000 * RUPEE
AWARD = 150_000 * RUPEE


def test_a_tranche_past_the_award_says_by_how_much() -> None:
    with pytest.raises(OverDisbursementError) as raised:
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=0,
            deposit_paise=0,
            new_tranche_paise=175_000 * RUPEE,
        )
    assert str(raised.value) == (
        "This tranche would pay ₹25,000 more than the award of ₹1,50,000: ₹1,75,000 in all."
    )


def test_the_message_counts_what_was_paid_and_deposited_before() -> None:
    with pytest.raises(OverDisbursementError) as raised:
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=50_000 * RUPEE,
            deposit_paise=100_000 * RUPEE,
            new_tranche_paise=25_000 * RUPEE,
        )
    assert str(raised.value) == (
        "This tranche would pay ₹25,000 more than the award of ₹1,50,000: ₹1,75,000 in all,"
        " counting ₹50,000 paid earlier and ₹1,00,000 in fixed deposit."
    )


def test_paying_exactly_the_award_is_allowed() -> None:
    check_disbursement(
        awarded_paise=AWARD,
        already_disbursed_paise=37_500 * RUPEE,
        deposit_paise=0,
        new_tranche_paise=0,
        new_deposit_paise=112_500 * RUPEE,
    )


def test_one_paisa_over_the_award_is_refused() -> None:
    with pytest.raises(OverDisbursementError, match=r"would pay ₹0\.01 more"):
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=37_500 * RUPEE,
            deposit_paise=112_500 * RUPEE,
            new_tranche_paise=1,
        )


def test_money_already_in_deposit_counts_against_the_award() -> None:
    # 75% of Rs 1.5 lakh is in a fixed deposit; paying the whole award again in cash is refused.
    with pytest.raises(OverDisbursementError) as raised:
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=0,
            deposit_paise=112_500 * RUPEE,
            new_tranche_paise=AWARD,
        )
    assert str(raised.value).startswith("This tranche would pay ₹1,12,500 more")


def test_a_new_deposit_counts_against_the_award() -> None:
    with pytest.raises(OverDisbursementError) as raised:
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=AWARD,
            deposit_paise=0,
            new_tranche_paise=0,
            new_deposit_paise=1_000 * RUPEE,
        )
    assert str(raised.value) == (
        "This deposit would pay ₹1,000 more than the award of ₹1,50,000: ₹1,51,000 in all,"
        " counting ₹1,50,000 paid earlier."
    )


def test_over_disbursement_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="more than the award"):
        check_disbursement(
            awarded_paise=0, already_disbursed_paise=0, deposit_paise=0, new_tranche_paise=1
        )


@pytest.mark.parametrize(
    ("tranche", "deposit", "message"),
    [
        (-1, 0, "Amounts paid, deposited or awarded cannot be negative."),
        (0, -1, "Amounts paid, deposited or awarded cannot be negative."),
        (0, 0, "Enter the amount paid to the survivor or put into a fixed deposit."),
    ],
)
def test_a_tranche_must_move_some_money(tranche: int, deposit: int, message: str) -> None:
    with pytest.raises(InvalidAmountError) as raised:
        check_disbursement(
            awarded_paise=AWARD,
            already_disbursed_paise=0,
            deposit_paise=0,
            new_tranche_paise=tranche,
            new_deposit_paise=deposit,
        )
    assert str(raised.value) == message


def test_pending_is_what_is_neither_paid_nor_deposited() -> None:
    assert (
        pending_paise(awarded_paise=AWARD, disbursed_paise=25_000 * RUPEE, deposit_paise=0)
        == 125_000 * RUPEE
    )
    assert (
        pending_paise(
            awarded_paise=AWARD, disbursed_paise=37_500 * RUPEE, deposit_paise=112_500 * RUPEE
        )
        == 0
    )


def test_pending_shows_an_overpayment_instead_of_hiding_it() -> None:
    assert pending_paise(awarded_paise=AWARD, disbursed_paise=AWARD, deposit_paise=1) == -1


def test_an_adult_gets_a_quarter_now_and_three_quarters_in_deposit() -> None:
    assert default_deposit_split(4 * LAKH, minor=False) == DepositSplit(
        paid_now_paise=1 * LAKH, deposit_paise=3 * LAKH
    )


def test_a_minor_gets_a_fifth_now_and_four_fifths_in_deposit() -> None:
    assert default_deposit_split(4 * LAKH, minor=True) == (80_000 * RUPEE, 320_000 * RUPEE)


def test_odd_paise_go_to_the_survivor_now() -> None:
    assert default_deposit_split(3, minor=False) == (1, 2)
    assert default_deposit_split(1, minor=True) == (1, 0)


@pytest.mark.parametrize("minor", [False, True])
@pytest.mark.parametrize("award", [0, 1, 2, 3, 7, 99, 101, 15000001, 123456789, 10**15 + 3])
def test_the_two_parts_always_sum_to_the_award(award: int, minor: bool) -> None:
    paid_now, deposit = default_deposit_split(award, minor=minor)
    assert paid_now + deposit == award
    assert deposit == award * (80 if minor else 75) // 100


def test_a_negative_award_cannot_be_split() -> None:
    with pytest.raises(InvalidAmountError):
        default_deposit_split(-1, minor=False)


def test_interim_floor_is_a_quarter_of_the_heads_maximum() -> None:
    rape = range_for(Scheme.NALSA_2018_WOMEN_VICTIMS, "rape", minor=False)
    assert rape.max_paise is not None
    assert interim_relief_floor_paise(rape.max_paise) == 175_000 * RUPEE


def test_interim_floor_for_a_minor_uses_the_raised_maximum() -> None:
    rape = range_for(Scheme.NALSA_2018_WOMEN_VICTIMS, "rape", minor=True)
    assert rape.max_paise is not None
    assert interim_relief_floor_paise(rape.max_paise) == 262_500 * RUPEE


def test_interim_floor_rounds_up_so_it_is_never_understated() -> None:
    assert interim_relief_floor_paise(5) == 2
    assert interim_relief_floor_paise(4) == 1


def test_interim_shortfall_says_how_far_below_the_floor_an_award_is() -> None:
    assert interim_shortfall_paise(1 * LAKH, 7 * LAKH) == 75_000 * RUPEE
    assert interim_shortfall_paise(175_000 * RUPEE, 7 * LAKH) == 0
    assert interim_shortfall_paise(2 * LAKH, 7 * LAKH) == 0
