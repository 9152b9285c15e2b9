"""What the survivor is told, as pure functions: a line for each thing that happens and a summary
for every status, in plain words."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from tafteesh.compensation.plain_language import (
    SummaryFacts,
    appeal_filed_line,
    appeal_status_line,
    authority_label,
    payment_line,
    status_line,
    survivor_summary,
)
from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    DisbursementMode,
    manual_next_statuses,
    papers_for_filing,
)

LAKH = 100_000 * 100
TODAY = date(2026, 11, 29)
DLSA = "DLSA South 24 Parganas"
BASE = SummaryFacts(
    status=ClaimStatus.DRAFT,
    authority=DLSA,
    received_on=None,
    interim_awarded_paise=None,
    final_awarded_paise=None,
    paid_paise=0,
    deposit_paise=0,
    deposit_matures_on=None,
    enquiry_due_on=None,
    final_awarded_on=None,
    first_paid_on=None,
    missing_documents=(),
    appeal_forum=None,
    appeal_status=None,
)


def facts(**changes: object) -> SummaryFacts:
    return dataclasses.replace(BASE, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "district", "state", "court", "label"),
    [
        (AuthorityKind.DLSA, "South 24 Parganas", None, None, "DLSA South 24 Parganas"),
        (AuthorityKind.SLSA, None, "West Bengal", None, "SLSA West Bengal"),
        (
            AuthorityKind.COURT,
            None,
            None,
            "Special POCSO Court, Alipore",
            "Special POCSO Court, Alipore",
        ),
    ],
)
def test_the_authority_is_named_as_people_say_it(
    kind: AuthorityKind, district: str | None, state: str | None, court: str | None, label: str
) -> None:
    assert authority_label(kind, district=district, state=state, court_name=court) == label


def test_filing_is_told_with_the_authority_and_the_date() -> None:
    on = date(2025, 3, 3)
    assert (
        status_line(ClaimStatus.FILED, authority=DLSA, on=on, basis=ClaimBasis.VICTIMS_APPLICATION)
        == "Your compensation claim was filed with the DLSA South 24 Parganas on 3 Mar 2025."
    )
    assert (
        status_line(ClaimStatus.FILED, authority=DLSA, on=on, basis=ClaimBasis.COURT_RECOMMENDATION)
        == "The court asked the DLSA South 24 Parganas to pay you compensation on 3 Mar 2025."
    )


def test_an_award_is_told_with_its_amount() -> None:
    line = status_line(
        ClaimStatus.INTERIM_AWARDED,
        authority=DLSA,
        on=date(2025, 4, 1),
        basis=ClaimBasis.VICTIMS_APPLICATION,
        amount_paise=175_000 * 100,
    )
    assert line == (
        "On 1 Apr 2025 the DLSA South 24 Parganas granted you ₹1,75,000 as early help, before"
        " its final decision."
    )


@pytest.mark.parametrize(
    ("mode", "matures", "line"),
    [
        (
            DisbursementMode.BANK_TRANSFER,
            None,
            "₹50,000 was paid into your bank account on 3 Mar 2025.",
        ),
        (DisbursementMode.CHEQUE, None, "₹50,000 was paid to you by cheque on 3 Mar 2025."),
        (
            DisbursementMode.FIXED_DEPOSIT,
            date(2028, 3, 3),
            "₹50,000 was put into a fixed deposit in your name on 3 Mar 2025. You can take it out"
            " from 3 Mar 2028.",
        ),
    ],
)
def test_each_payment_is_told_as_it_reached_her(
    mode: DisbursementMode, matures: date | None, line: str
) -> None:
    assert payment_line(50_000 * 100, mode, on=date(2025, 3, 3), matures_on=matures) == line


def test_appeals_are_told_without_legal_words() -> None:
    assert appeal_filed_line(AppealForum.HIGH_COURT_WRIT) == (
        "Your lawyer has asked the High Court to look at your claim again."
    )
    assert appeal_status_line(AppealForum.SLSA, AppealStatus.DISMISSED) == (
        "The State Legal Services Authority did not agree with your appeal. Your lawyer will talk"
        " to you about what can be done."
    )
    assert appeal_status_line(AppealForum.SLSA, AppealStatus.FILED) is None


@pytest.mark.parametrize(
    ("changes", "where", "next_step"),
    [
        (
            {"missing_documents": (ClaimDocument.FIR_COPY, ClaimDocument.BANK_ACCOUNT)},
            "Your team is preparing your compensation claim.",
            "Your team needs these papers to file it: a copy of the FIR and your bank account"
            " details.",
        ),
        ({}, "Your team is preparing your compensation claim.", "Your team will file it soon."),
        (
            {
                "status": ClaimStatus.UNDER_VERIFICATION,
                "received_on": date(2026, 10, 1),
                "enquiry_due_on": date(2026, 12, 1),
            },
            "The DLSA South 24 Parganas is checking your claim.",
            "The DLSA South 24 Parganas should decide by 1 Dec 2026.",
        ),
        (
            {"status": ClaimStatus.FILED, "enquiry_due_on": None},
            "Your claim has been with the DLSA South 24 Parganas.",
            "The court will decide the amount.",
        ),
        (
            {"status": ClaimStatus.INTERIM_AWARDED, "interim_awarded_paise": LAKH},
            "You were granted ₹1,00,000 as early help. The final decision is still to come.",
            "The early help should reach your bank account soon. Tell your team if it does not"
            " arrive.",
        ),
        (
            {"status": ClaimStatus.REJECTED},
            "The DLSA South 24 Parganas turned down your claim.",
            "Your lawyer will talk to you about appealing.",
        ),
        (
            {
                "status": ClaimStatus.REJECTED,
                "appeal_forum": AppealForum.SLSA,
                "appeal_status": AppealStatus.DISMISSED,
            },
            "The DLSA South 24 Parganas turned down your claim.",
            "Your appeal did not succeed. Your lawyer will talk to you about what can be done.",
        ),
        (
            {
                "status": ClaimStatus.APPEALED,
                "appeal_forum": AppealForum.SLSA,
                "appeal_status": AppealStatus.HEARING,
            },
            "Your lawyer has asked the State Legal Services Authority to look at your claim again.",
            "Waiting for the State Legal Services Authority to decide.",
        ),
        (
            {
                "status": ClaimStatus.PAYMENT_PENDING,
                "final_awarded_paise": 3 * LAKH,
                "final_awarded_on": date(2024, 3, 5),
            },
            "You were awarded ₹3,00,000, but it has not been paid yet.",
            "₹3,00,000 is still to be paid. Your team is following it up. It is 999 days since the"
            " award.",
        ),
        (
            {"status": ClaimStatus.DISBURSED, "final_awarded_paise": LAKH, "paid_paise": LAKH},
            "All of your award of ₹1,00,000 has been paid.",
            "Nothing more is owed to you on this claim.",
        ),
        (
            {"status": ClaimStatus.WITHDRAWN},
            "This claim was withdrawn.",
            "Talk to your team if you want to claim again.",
        ),
    ],
)
def test_the_summary_says_where_it_stands_and_what_comes_next(
    changes: dict[str, object], where: str, next_step: str
) -> None:
    summary = survivor_summary(facts(**changes), today=TODAY)
    assert summary.where_it_stands == where
    assert summary.next_step == next_step


def test_the_summary_adds_up_awarded_paid_deposited_and_pending() -> None:
    summary = survivor_summary(
        facts(
            status=ClaimStatus.PARTLY_DISBURSED,
            interim_awarded_paise=LAKH,
            final_awarded_paise=4 * LAKH,
            paid_paise=LAKH,
            deposit_paise=150_000 * 100,
        ),
        today=TODAY,
    )
    assert (summary.awarded, summary.paid, summary.deposit, summary.pending) == (
        "₹4,00,000",
        "₹1,00,000",
        "₹1,50,000",
        "₹1,50,000",
    )
    assert summary.pending_paise == 150_000 * 100


def test_the_summary_has_no_way_to_carry_a_team_note() -> None:
    names = {f.name for f in dataclasses.fields(SummaryFacts)}
    assert not names & {
        "notes",
        "note",
        "rejection_details",
        "grounds",
        "outcome_note",
        "reference",
    }


def test_the_papers_for_filing_follow_the_basis() -> None:
    assert papers_for_filing(ClaimBasis.VICTIMS_APPLICATION) == (
        ClaimDocument.FIR_COPY,
        ClaimDocument.MEDICAL_REPORT,
        ClaimDocument.BANK_ACCOUNT,
        ClaimDocument.IDENTITY_PROOF,
    )
    assert ClaimDocument.COURT_RECOMMENDATION in papers_for_filing(ClaimBasis.COURT_RECOMMENDATION)
    assert ClaimDocument.CHARGESHEET not in papers_for_filing(ClaimBasis.COURT_RECOMMENDATION)


def test_the_status_form_never_offers_what_other_actions_set() -> None:
    assert manual_next_statuses(ClaimStatus.FINAL_AWARDED) == (ClaimStatus.PAYMENT_PENDING,)
    assert manual_next_statuses(ClaimStatus.REJECTED) == ()
    assert manual_next_statuses(ClaimStatus.PAYMENT_PENDING) == ()
