from collections.abc import Mapping
from enum import StrEnum
from itertools import product
from typing import Any

import pytest

from tafteesh.compensation.statuses import (
    APPEAL_FORUM_LABELS,
    APPEAL_STATUS_LABELS,
    AUTHORITY_KIND_LABELS,
    CLAIM_BASIS_LABELS,
    CLAIM_DOCUMENT_LABELS,
    CLAIM_STATUS_LABELS,
    NALSA_2018_REQUIRED_DOCUMENTS,
    REJECTION_REASON_LABELS,
    SCHEME_LABELS,
    AppealForum,
    AppealStatus,
    AppealTransitionError,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    ClaimTransitionError,
    InvalidRejectionError,
    Rejection,
    RejectionReason,
    Scheme,
    check_appeal_transition,
    check_transition,
    next_statuses,
    validate_rejection,
)

S = ClaimStatus

# Written out by hand from DOMAIN.md's life cycle, independently of CLAIM_TRANSITIONS: any change
# to the module's table must be made here too, on purpose.
ALLOWED_CLAIM_MOVES = {
    (S.DRAFT, S.FILED),
    (S.DRAFT, S.WITHDRAWN),
    (S.FILED, S.UNDER_VERIFICATION),
    (S.FILED, S.INTERIM_AWARDED),
    (S.FILED, S.FINAL_AWARDED),
    (S.FILED, S.REJECTED),
    (S.FILED, S.WITHDRAWN),
    (S.UNDER_VERIFICATION, S.INTERIM_AWARDED),
    (S.UNDER_VERIFICATION, S.FINAL_AWARDED),
    (S.UNDER_VERIFICATION, S.REJECTED),
    (S.UNDER_VERIFICATION, S.WITHDRAWN),
    (S.INTERIM_AWARDED, S.FINAL_AWARDED),
    (S.INTERIM_AWARDED, S.REJECTED),
    (S.INTERIM_AWARDED, S.WITHDRAWN),
    (S.FINAL_AWARDED, S.APPEALED),
    (S.FINAL_AWARDED, S.PAYMENT_PENDING),
    (S.FINAL_AWARDED, S.PARTLY_DISBURSED),
    (S.FINAL_AWARDED, S.DISBURSED),
    (S.REJECTED, S.APPEALED),
    (S.APPEALED, S.FINAL_AWARDED),
    (S.APPEALED, S.REJECTED),
    (S.APPEALED, S.UNDER_VERIFICATION),
    (S.PAYMENT_PENDING, S.PARTLY_DISBURSED),
    (S.PAYMENT_PENDING, S.DISBURSED),
    (S.PARTLY_DISBURSED, S.DISBURSED),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED_CLAIM_MOVES))
def test_allowed_claim_moves_pass(current: ClaimStatus, target: ClaimStatus) -> None:
    check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(product(ClaimStatus, ClaimStatus)) - ALLOWED_CLAIM_MOVES),
)
def test_every_other_claim_move_is_refused_naming_the_allowed_ones(
    current: ClaimStatus, target: ClaimStatus
) -> None:
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(current, target)
    message = str(raised.value)
    assert target.label in message
    for allowed in next_statuses(current):
        assert allowed.label in message


def test_refusal_lists_the_next_statuses_in_words() -> None:
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(S.FILED, S.DISBURSED)
    assert str(raised.value) == (
        "A claim that is Filed can become Under verification, Interim relief awarded,"
        " Final award made, Rejected or Withdrawn, not Disbursed."
    )


def test_refusal_with_one_way_forward_names_it() -> None:
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(S.REJECTED, S.FILED)
    assert str(raised.value) == "A claim that is Rejected can become Appealed, not Filed."


def test_a_closed_claim_says_it_is_closed() -> None:
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(S.DISBURSED, S.PAYMENT_PENDING)
    assert (
        str(raised.value) == "This claim is Disbursed and closed: it cannot become Payment pending."
    )


def test_moving_to_the_same_status_says_so_and_what_comes_next() -> None:
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(S.PAYMENT_PENDING, S.PAYMENT_PENDING)
    assert str(raised.value) == (
        "The claim is already Payment pending; it can become Partly disbursed or Disbursed."
    )
    with pytest.raises(ClaimTransitionError) as raised:
        check_transition(S.WITHDRAWN, S.WITHDRAWN)
    assert str(raised.value) == "The claim is already Withdrawn and closed."


def test_claim_transition_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="already"):
        check_transition(S.DRAFT, S.DRAFT)


def test_next_statuses_follow_the_life_cycle_order() -> None:
    assert next_statuses(S.FINAL_AWARDED) == (
        S.APPEALED,
        S.PAYMENT_PENDING,
        S.PARTLY_DISBURSED,
        S.DISBURSED,
    )
    assert next_statuses(S.WITHDRAWN) == ()


def test_every_status_can_be_reached_from_draft() -> None:
    reached = {S.DRAFT}
    frontier = [S.DRAFT]
    while frontier:
        for status in next_statuses(frontier.pop()):
            if status not in reached:
                reached.add(status)
                frontier.append(status)
    assert reached == set(ClaimStatus)


def test_stored_claim_status_values_do_not_change() -> None:
    assert [status.value for status in ClaimStatus] == [
        "draft",
        "filed",
        "under_verification",
        "interim_awarded",
        "final_awarded",
        "rejected",
        "appealed",
        "payment_pending",
        "partly_disbursed",
        "disbursed",
        "withdrawn",
    ]


ALLOWED_APPEAL_MOVES = {
    (AppealStatus.FILED, AppealStatus.HEARING),
    (AppealStatus.FILED, AppealStatus.ALLOWED),
    (AppealStatus.FILED, AppealStatus.DISMISSED),
    (AppealStatus.FILED, AppealStatus.WITHDRAWN),
    (AppealStatus.HEARING, AppealStatus.ALLOWED),
    (AppealStatus.HEARING, AppealStatus.DISMISSED),
    (AppealStatus.HEARING, AppealStatus.WITHDRAWN),
}


@pytest.mark.parametrize(("current", "target"), sorted(product(AppealStatus, AppealStatus)))
def test_appeal_transition_table(current: AppealStatus, target: AppealStatus) -> None:
    if (current, target) in ALLOWED_APPEAL_MOVES:
        check_appeal_transition(current, target)
    else:
        with pytest.raises(AppealTransitionError, match=target.label.split(" (")[0]):
            check_appeal_transition(current, target)


def test_a_decided_appeal_stays_decided() -> None:
    with pytest.raises(AppealTransitionError) as raised:
        check_appeal_transition(AppealStatus.DISMISSED, AppealStatus.HEARING)
    assert str(raised.value) == "This appeal is Dismissed and closed: it cannot become Being heard."


VOCABULARIES: list[tuple[type[StrEnum], Mapping[Any, str]]] = [
    (ClaimStatus, CLAIM_STATUS_LABELS),
    (RejectionReason, REJECTION_REASON_LABELS),
    (AppealForum, APPEAL_FORUM_LABELS),
    (AppealStatus, APPEAL_STATUS_LABELS),
    (Scheme, SCHEME_LABELS),
    (AuthorityKind, AUTHORITY_KIND_LABELS),
    (ClaimBasis, CLAIM_BASIS_LABELS),
    (ClaimDocument, CLAIM_DOCUMENT_LABELS),
]


@pytest.mark.parametrize(
    ("vocabulary", "labels"), VOCABULARIES, ids=[enum.__name__ for enum, _ in VOCABULARIES]
)
def test_every_member_has_its_own_label(
    vocabulary: type[StrEnum], labels: Mapping[Any, str]
) -> None:
    assert set(labels) == set(vocabulary)
    assert all(label.strip() for label in labels.values())
    assert len(set(labels.values())) == len(labels)


def test_validate_rejection_keeps_the_reason_and_the_orders_words() -> None:
    rejection = validate_rejection(
        "trial_not_concluded", "  Claim to be considered after the trial ends.  "
    )
    assert rejection == Rejection(
        reason=RejectionReason.TRIAL_NOT_CONCLUDED,
        details="Claim to be considered after the trial ends.",
    )


@pytest.mark.parametrize("reason", [None, "", "not_a_reason"])
def test_a_rejection_needs_a_known_reason(reason: str | None) -> None:
    with pytest.raises(InvalidRejectionError) as raised:
        validate_rejection(reason, "Order of 3 Jan 2025")
    assert str(raised.value) == "Choose the reason the authority gave for rejecting the claim."


@pytest.mark.parametrize("details", [None, "", "   \n"])
@pytest.mark.parametrize("reason", [RejectionReason.OTHER, RejectionReason.DOCUMENTS_INCOMPLETE])
def test_a_rejection_needs_the_words_of_the_order(
    reason: RejectionReason, details: str | None
) -> None:
    with pytest.raises(InvalidRejectionError, match="Write what the rejection order says"):
        validate_rejection(reason, details)


def test_grounds_the_law_answers_carry_the_answer() -> None:
    trial = RejectionReason.TRIAL_NOT_CONCLUDED.contested_by
    assert trial is not None
    assert "High Court" in trial
    untraced = RejectionReason.OFFENDER_NOT_IDENTIFIED.contested_by
    assert untraced is not None
    assert "396(4)" in untraced
    assert RejectionReason.DUPLICATE_CLAIM.contested_by is None


def test_nalsa_asks_only_for_the_fir_not_the_chargesheet() -> None:
    assert ClaimDocument.FIR_COPY in NALSA_2018_REQUIRED_DOCUMENTS
    assert ClaimDocument.CHARGESHEET not in NALSA_2018_REQUIRED_DOCUMENTS


def test_appeal_forums_include_the_nalsa_first_appeal() -> None:
    labels: Mapping[AppealForum, str] = {forum: forum.label for forum in AppealForum}
    assert labels[AppealForum.DLSA_CHAIRPERSON] == "Chairperson, DLSA"
    assert labels[AppealForum.HIGH_COURT_WRIT] == "High Court (writ petition)"
