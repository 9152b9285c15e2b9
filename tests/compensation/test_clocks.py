from datetime import date
from typing import Any

import pytest

from tafteesh.compensation.clocks import (
    ClaimClock,
    ClaimDatesError,
    ClaimFacts,
    ClockKind,
    ClockStatus,
    add_months,
    claim_clocks,
)
from tafteesh.compensation.statuses import Scheme

NALSA = Scheme.NALSA_2018_WOMEN_VICTIMS


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (date(2023, 12, 31), 2, date(2024, 2, 29)),
        (date(2024, 12, 31), 2, date(2025, 2, 28)),
        (date(2024, 12, 30), 2, date(2025, 2, 28)),
        (date(2024, 12, 28), 2, date(2025, 2, 28)),
        (date(2024, 7, 31), 2, date(2024, 9, 30)),
        (date(2024, 8, 31), 2, date(2024, 10, 31)),
        (date(2024, 11, 30), 2, date(2025, 1, 30)),
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    start: date, months: int, due: date
) -> None:
    assert add_months(start, months) == due


def enquiry(facts: ClaimFacts, today: date) -> ClaimClock:
    (clock,) = [c for c in claim_clocks(facts, today=today) if c.kind is ClockKind.ENQUIRY]
    return clock


FILED_31_DEC = ClaimFacts(scheme=NALSA, applied_on=date(2024, 12, 31))


def test_enquiry_filed_on_31_december_is_due_on_28_february() -> None:
    clock = enquiry(FILED_31_DEC, date(2025, 1, 10))
    assert clock.due_on == date(2025, 2, 28)
    assert clock.status is ClockStatus.RUNNING
    assert clock.days_left == 49
    assert clock.days_elapsed == 10


@pytest.mark.parametrize(
    ("today", "status", "days_left"),
    [
        (date(2025, 2, 20), ClockStatus.RUNNING, 8),
        (date(2025, 2, 21), ClockStatus.DUE_SOON, 7),
        (date(2025, 2, 28), ClockStatus.DUE_SOON, 0),
        (date(2025, 3, 1), ClockStatus.OVERDUE, -1),
        (date(2025, 9, 27), ClockStatus.OVERDUE, -211),
    ],
)
def test_undecided_enquiry_runs_then_is_due_soon_then_overdue(
    today: date, status: ClockStatus, days_left: int
) -> None:
    clock = enquiry(FILED_31_DEC, today)
    assert (clock.status, clock.days_left) == (status, days_left)


def test_an_award_on_the_due_date_meets_the_clock() -> None:
    facts = ClaimFacts(scheme=NALSA, applied_on=date(2024, 12, 31), awarded_on=date(2025, 2, 28))
    clock = enquiry(facts, date(2025, 6, 1))
    assert clock.status is ClockStatus.MET
    assert clock.days_late == 0
    assert clock.days_elapsed == 59


def test_a_decision_a_day_late_is_met_late_not_met() -> None:
    facts = ClaimFacts(scheme=NALSA, applied_on=date(2024, 12, 31), rejected_on=date(2025, 3, 1))
    clock = enquiry(facts, date(2025, 6, 1))
    assert clock.status is ClockStatus.MET_LATE
    assert clock.days_late == 1
    assert clock.days_left is None


def test_a_rejection_ends_the_enquiry_as_an_award_does() -> None:
    facts = ClaimFacts(scheme=NALSA, applied_on=date(2025, 1, 1), rejected_on=date(2025, 1, 20))
    assert enquiry(facts, date(2025, 6, 1)).status is ClockStatus.MET


def test_the_enquiry_runs_from_the_earlier_of_recommendation_and_application() -> None:
    facts = ClaimFacts(
        scheme=Scheme.COURT_ORDERED_357A_396_3,
        applied_on=date(2025, 3, 15),
        recommended_on=date(2025, 1, 10),
    )
    clock = enquiry(facts, date(2025, 3, 20))
    assert clock.starts_on == date(2025, 1, 10)
    assert clock.status is ClockStatus.OVERDUE


def test_a_draft_has_no_clocks() -> None:
    assert claim_clocks(ClaimFacts(scheme=NALSA), today=date(2025, 1, 1)) == []


def test_a_pocso_special_court_claim_has_no_dlsa_enquiry_but_a_30_day_payment_limit() -> None:
    facts = ClaimFacts(
        scheme=Scheme.POCSO_SPECIAL_COURT,
        applied_on=date(2025, 1, 1),
        awarded_on=date(2025, 2, 1),
    )
    clocks = claim_clocks(facts, today=date(2025, 3, 4))
    assert ClockKind.ENQUIRY not in {c.kind for c in clocks}
    (payment,) = [c for c in clocks if c.kind is ClockKind.PAYMENT]
    assert payment.due_on == date(2025, 3, 3)
    assert payment.status is ClockStatus.OVERDUE


def test_payment_without_a_limit_counts_the_days_the_survivor_waited() -> None:
    facts = ClaimFacts(
        scheme=Scheme.WEST_BENGAL_2017,
        applied_on=date(2019, 1, 2),
        awarded_on=date(2019, 3, 1),
        first_paid_on=date(2021, 11, 24),
    )
    (payment,) = [
        c for c in claim_clocks(facts, today=date(2025, 1, 1)) if c.kind is ClockKind.PAYMENT
    ]
    assert payment.due_on is None
    assert payment.status is ClockStatus.MET
    assert payment.days_elapsed == 999


def test_an_unpaid_award_keeps_counting() -> None:
    facts = ClaimFacts(scheme=NALSA, applied_on=date(2024, 1, 1), awarded_on=date(2024, 2, 1))
    (payment,) = [
        c for c in claim_clocks(facts, today=date(2025, 2, 1)) if c.kind is ClockKind.PAYMENT
    ]
    assert payment.status is ClockStatus.RUNNING
    assert payment.days_elapsed == 366


def test_acid_attack_interim_relief_is_due_in_15_days() -> None:
    facts = ClaimFacts(scheme=NALSA, applied_on=date(2025, 1, 1), acid_attack=True)
    (interim,) = [
        c
        for c in claim_clocks(facts, today=date(2025, 1, 17))
        if c.kind is ClockKind.INTERIM_RELIEF
    ]
    assert interim.due_on == date(2025, 1, 16)
    assert interim.status is ClockStatus.OVERDUE


def test_acid_attack_interim_paid_in_time_is_met() -> None:
    facts = ClaimFacts(
        scheme=NALSA,
        applied_on=date(2025, 1, 1),
        acid_attack=True,
        interim_paid_on=date(2025, 1, 16),
    )
    (interim,) = [
        c for c in claim_clocks(facts, today=date(2025, 6, 1)) if c.kind is ClockKind.INTERIM_RELIEF
    ]
    assert interim.status is ClockStatus.MET


def test_other_interim_relief_counts_the_wait_until_the_claim_is_decided() -> None:
    waiting = ClaimFacts(scheme=NALSA, applied_on=date(2025, 1, 1))
    (interim,) = [
        c
        for c in claim_clocks(waiting, today=date(2025, 1, 31))
        if c.kind is ClockKind.INTERIM_RELIEF
    ]
    assert (interim.status, interim.due_on, interim.days_elapsed) == (ClockStatus.RUNNING, None, 30)
    decided = ClaimFacts(scheme=NALSA, applied_on=date(2025, 1, 1), awarded_on=date(2025, 2, 1))
    kinds = [c.kind for c in claim_clocks(decided, today=date(2025, 3, 1))]
    assert kinds == [ClockKind.ENQUIRY, ClockKind.PAYMENT]


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        (
            {"applied_on": date(2025, 1, 5), "awarded_on": date(2025, 1, 3)},
            "The date the award was made (3 Jan 2025) is before the claim reached the authority"
            " (5 Jan 2025).",
        ),
        (
            {
                "applied_on": date(2025, 1, 5),
                "awarded_on": date(2025, 2, 3),
                "first_paid_on": date(2025, 2, 1),
            },
            "The payment date (1 Feb 2025) is before the award (3 Feb 2025).",
        ),
        ({"first_paid_on": date(2025, 2, 1)}, "Record the award before a payment from it."),
    ],
)
def test_dates_that_cannot_all_be_true_are_refused(facts: dict[str, Any], message: str) -> None:
    with pytest.raises(ClaimDatesError) as raised:
        ClaimFacts(scheme=NALSA, **facts)
    assert str(raised.value) == message


def test_a_withdrawn_claim_stops_the_clocks_that_were_still_running() -> None:
    facts = ClaimFacts(
        scheme=NALSA,
        applied_on=date(2022, 3, 1),
        interim_paid_on=date(2022, 4, 1),
        withdrawn_on=date(2022, 6, 15),
    )
    clocks = claim_clocks(facts, today=date(2026, 11, 29))
    # The enquiry never finished and is no longer overdue; the interim relief paid stays.
    assert [(c.kind, c.status) for c in clocks] == [(ClockKind.INTERIM_RELIEF, ClockStatus.MET)]
