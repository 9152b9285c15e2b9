"""The words of a compensation claim: its life cycle, rejections, appeals, schemes and papers.

Transitions are data (`CLAIM_TRANSITIONS`, `APPEAL_TRANSITIONS`) so that a reader, a test and
the status buttons on a page all see the same table. Labels are the English words shown to
people; the values are what the database stores and must never change once written.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    # Filed covers both ways a claim reaches the DLSA/SLSA: the victim's application (BNSS
    # 396(4)) and the court's recommendation (BNSS 396(2)/(3)); `ClaimBasis` records which.
    FILED = "filed"
    UNDER_VERIFICATION = "under_verification"
    INTERIM_AWARDED = "interim_awarded"
    FINAL_AWARDED = "final_awarded"
    REJECTED = "rejected"
    APPEALED = "appealed"
    # Kept apart from final_awarded because fund shortage leaves awards unpaid for years (one
    # waited 999 days); the time spent here is the evidence.
    PAYMENT_PENDING = "payment_pending"
    PARTLY_DISBURSED = "partly_disbursed"
    DISBURSED = "disbursed"
    # A survivor may withdraw under pressure from the accused; recorded, never deleted.
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return CLAIM_STATUS_LABELS[self]


CLAIM_STATUS_LABELS: Mapping[ClaimStatus, str] = MappingProxyType(
    {
        ClaimStatus.DRAFT: "Draft",
        ClaimStatus.FILED: "Filed",
        ClaimStatus.UNDER_VERIFICATION: "Under verification",
        ClaimStatus.INTERIM_AWARDED: "Interim relief awarded",
        ClaimStatus.FINAL_AWARDED: "Final award made",
        ClaimStatus.REJECTED: "Rejected",
        ClaimStatus.APPEALED: "Appealed",
        ClaimStatus.PAYMENT_PENDING: "Payment pending",
        ClaimStatus.PARTLY_DISBURSED: "Partly disbursed",
        ClaimStatus.DISBURSED: "Disbursed",
        ClaimStatus.WITHDRAWN: "Withdrawn",
    }
)

_S = ClaimStatus
CLAIM_TRANSITIONS: Mapping[ClaimStatus, frozenset[ClaimStatus]] = MappingProxyType(
    {
        # A draft never filed is withdrawn rather than deleted, so abandoned claims can be counted.
        _S.DRAFT: frozenset({_S.FILED, _S.WITHDRAWN}),
        # Straight to interim: NALSA 2018 cl.9(1) proviso and cl.12 let the authority grant interim
        # relief on the application or a police/magistrate certificate (BNSS 396(6)), before any
        # verification. Straight to final: a court that orders compensation itself (POCSO Special
        # Court, BNSS 395) needs no verification by the DLSA. Straight to rejected: a claim can be
        # refused at the threshold (time-barred, duplicate).
        _S.FILED: frozenset(
            {_S.UNDER_VERIFICATION, _S.INTERIM_AWARDED, _S.FINAL_AWARDED, _S.REJECTED, _S.WITHDRAWN}
        ),
        _S.UNDER_VERIFICATION: frozenset(
            {_S.INTERIM_AWARDED, _S.FINAL_AWARDED, _S.REJECTED, _S.WITHDRAWN}
        ),
        # Interim relief is adjusted against the final award (POCSO Rules 2020 r.9(1)); a claim can
        # still be refused after it.
        _S.INTERIM_AWARDED: frozenset({_S.FINAL_AWARDED, _S.REJECTED, _S.WITHDRAWN}),
        # Appealed from final_awarded: NALSA 2018 cl.17 is an appeal against the quantum.
        _S.FINAL_AWARDED: frozenset(
            {_S.APPEALED, _S.PAYMENT_PENDING, _S.PARTLY_DISBURSED, _S.DISBURSED}
        ),
        # A fresh application after a rejection is a new claim, so this rejection stays counted.
        _S.REJECTED: frozenset({_S.APPEALED}),
        # Allowed or enhanced -> final award; dismissed -> the decision appealed against stands
        # (rejected, or the award, which a further appeal by writ to the High Court can follow);
        # remanded -> the authority verifies again.
        _S.APPEALED: frozenset({_S.FINAL_AWARDED, _S.REJECTED, _S.UNDER_VERIFICATION}),
        _S.PAYMENT_PENDING: frozenset({_S.PARTLY_DISBURSED, _S.DISBURSED}),
        _S.PARTLY_DISBURSED: frozenset({_S.DISBURSED}),
        _S.DISBURSED: frozenset(),
        _S.WITHDRAWN: frozenset(),
    }
)


class ClaimTransitionError(ValueError):
    """A status change the claim life cycle does not allow; the message names the allowed ones."""


def next_statuses(current: ClaimStatus) -> tuple[ClaimStatus, ...]:
    """The statuses a claim may move to, in life-cycle order (for buttons and drop-downs)."""
    return tuple(status for status in ClaimStatus if status in CLAIM_TRANSITIONS[current])


def check_transition(current: ClaimStatus, target: ClaimStatus) -> None:
    if target in CLAIM_TRANSITIONS[current]:
        return
    allowed = [status.label for status in next_statuses(current)]
    raise ClaimTransitionError(
        _refusal("claim", current.label, target.label, allowed, same=current is target)
    )


def _refusal(thing: str, current: str, target: str, allowed: list[str], *, same: bool) -> str:
    choices = (
        " or ".join(allowed) if len(allowed) < 3 else ", ".join(allowed[:-1]) + " or " + allowed[-1]
    )
    if same:
        onward = f"; it can become {choices}." if allowed else " and closed."
        return f"The {thing} is already {current}{onward}"
    if not allowed:
        return f"This {thing} is {current} and closed: it cannot become {target}."
    return f"A {thing} that is {current} can become {choices}, not {target}."


class RejectionReason(StrEnum):
    TRIAL_NOT_CONCLUDED = "trial_not_concluded"
    DOCUMENTS_INCOMPLETE = "documents_incomplete"
    NOT_A_VICTIM_UNDER_SCHEME = "not_a_victim_under_scheme"
    TIME_BARRED = "time_barred"
    OFFENDER_NOT_IDENTIFIED = "offender_not_identified"
    DUPLICATE_CLAIM = "duplicate_claim"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REJECTION_REASON_LABELS[self]

    @property
    def contested_by(self) -> str | None:
        """Why this ground can be challenged on appeal, when the law answers it."""
        return REJECTION_REASONS_CONTESTED.get(self)


REJECTION_REASON_LABELS: Mapping[RejectionReason, str] = MappingProxyType(
    {
        RejectionReason.TRIAL_NOT_CONCLUDED: "Trial not concluded",
        RejectionReason.DOCUMENTS_INCOMPLETE: "Documents incomplete",
        RejectionReason.NOT_A_VICTIM_UNDER_SCHEME: "Not a victim under the scheme",
        RejectionReason.TIME_BARRED: "Time-barred",
        RejectionReason.OFFENDER_NOT_IDENTIFIED: "Offender not identified",
        RejectionReason.DUPLICATE_CLAIM: "Duplicate claim",
        RejectionReason.OTHER: "Other",
    }
)

# The grounds DLSAs use that the law itself answers: advocacy counts rejections on these.
REJECTION_REASONS_CONTESTED: Mapping[RejectionReason, str] = MappingProxyType(
    {
        RejectionReason.TRIAL_NOT_CONCLUDED: (
            "The Calcutta High Court has held that compensation need not wait for the end of the"
            " trial; NALSA 2018 cl.9(1) allows interim relief at any time after the offence."
        ),
        RejectionReason.OFFENDER_NOT_IDENTIFIED: (
            "BNSS 396(4) (CrPC 357A(4)) lets the victim apply when the offender is not traced or"
            " identified."
        ),
        RejectionReason.TIME_BARRED: (
            "NALSA 2018 cl.16: the 3 years run from the offence or the end of the trial, and delay"
            " can be condoned in deserving cases."
        ),
    }
)


class InvalidRejectionError(ValueError):
    """A rejection recorded without the reason or the words of the order."""


@dataclass(frozen=True)
class Rejection:
    reason: RejectionReason
    details: str


def validate_rejection(reason: RejectionReason | str | None, details: str | None) -> Rejection:
    """Both parts are required: the ground for counting, the order's own words for an appeal."""
    try:
        ground = RejectionReason(reason) if reason else None
    except ValueError:
        ground = None
    if ground is None:
        raise InvalidRejectionError("Choose the reason the authority gave for rejecting the claim.")
    text = (details or "").strip()
    if not text:
        raise InvalidRejectionError(
            "Write what the rejection order says, in the authority's words if you can."
        )
    return Rejection(reason=ground, details=text)


class AppealForum(StrEnum):
    # NALSA 2018 cl.17: appeal on the quantum to the Chairperson, DLSA, within 30 days.
    DLSA_CHAIRPERSON = "dlsa_chairperson"
    SLSA = "slsa"
    HIGH_COURT_WRIT = "high_court_writ"

    @property
    def label(self) -> str:
        return APPEAL_FORUM_LABELS[self]


APPEAL_FORUM_LABELS: Mapping[AppealForum, str] = MappingProxyType(
    {
        AppealForum.DLSA_CHAIRPERSON: "Chairperson, DLSA",
        AppealForum.SLSA: "State Legal Services Authority",
        AppealForum.HIGH_COURT_WRIT: "High Court (writ petition)",
    }
)


class AppealStatus(StrEnum):
    FILED = "filed"
    HEARING = "hearing"
    ALLOWED = "allowed"
    DISMISSED = "dismissed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return APPEAL_STATUS_LABELS[self]


APPEAL_STATUS_LABELS: Mapping[AppealStatus, str] = MappingProxyType(
    {
        AppealStatus.FILED: "Filed",
        AppealStatus.HEARING: "Being heard",
        # Enhancement appeals are often allowed in part; the amount is recorded on the award.
        AppealStatus.ALLOWED: "Allowed (in full or in part)",
        AppealStatus.DISMISSED: "Dismissed",
        AppealStatus.WITHDRAWN: "Withdrawn",
    }
)

_A = AppealStatus
APPEAL_TRANSITIONS: Mapping[AppealStatus, frozenset[AppealStatus]] = MappingProxyType(
    {
        # Decided without a hearing happens: a forum may allow or dismiss on the papers.
        _A.FILED: frozenset({_A.HEARING, _A.ALLOWED, _A.DISMISSED, _A.WITHDRAWN}),
        _A.HEARING: frozenset({_A.ALLOWED, _A.DISMISSED, _A.WITHDRAWN}),
        # A further appeal is a new appeal in the next forum, so decided appeals stay decided.
        _A.ALLOWED: frozenset(),
        _A.DISMISSED: frozenset(),
        _A.WITHDRAWN: frozenset(),
    }
)


class AppealTransitionError(ValueError):
    """A status change an appeal cannot make; the message names the allowed ones."""


def check_appeal_transition(current: AppealStatus, target: AppealStatus) -> None:
    if target in APPEAL_TRANSITIONS[current]:
        return
    allowed = [status.label for status in AppealStatus if status in APPEAL_TRANSITIONS[current]]
    raise AppealTransitionError(
        _refusal("appeal", current.label, target.label, allowed, same=current is target)
    )


class Scheme(StrEnum):
    NALSA_2018_WOMEN_VICTIMS = "nalsa_2018_women_victims"
    WEST_BENGAL_2017 = "west_bengal_2017"
    OTHER_STATE_SCHEME = "other_state_scheme"
    # POCSO Rules 2020 r.9: the Special Court decides; NALSA 2018 cl.18 Explanation excludes
    # POCSO minors from the NALSA scheme.
    POCSO_SPECIAL_COURT = "pocso_special_court"
    COURT_ORDERED_357A_396_3 = "court_ordered_357a_396_3"

    @property
    def label(self) -> str:
        return SCHEME_LABELS[self]


SCHEME_LABELS: Mapping[Scheme, str] = MappingProxyType(
    {
        Scheme.NALSA_2018_WOMEN_VICTIMS: "NALSA scheme for women victims, 2018",
        Scheme.WEST_BENGAL_2017: "West Bengal Victim Compensation Scheme, 2017",
        Scheme.OTHER_STATE_SCHEME: "Another state's victim compensation scheme",
        Scheme.POCSO_SPECIAL_COURT: "POCSO Special Court (POCSO Rules 2020, r.9)",
        Scheme.COURT_ORDERED_357A_396_3: "Court-ordered (CrPC 357A(3) / BNSS 396(3))",
    }
)


class AuthorityKind(StrEnum):
    DLSA = "dlsa"
    SLSA = "slsa"
    COURT = "court"

    @property
    def label(self) -> str:
        return AUTHORITY_KIND_LABELS[self]


AUTHORITY_KIND_LABELS: Mapping[AuthorityKind, str] = MappingProxyType(
    {
        AuthorityKind.DLSA: "District Legal Services Authority",
        AuthorityKind.SLSA: "State Legal Services Authority",
        AuthorityKind.COURT: "Court",
    }
)


class ClaimBasis(StrEnum):
    VICTIMS_APPLICATION = "victims_application"
    COURT_RECOMMENDATION = "court_recommendation"
    OFFENDER_UNTRACED = "offender_untraced"

    @property
    def label(self) -> str:
        return CLAIM_BASIS_LABELS[self]


CLAIM_BASIS_LABELS: Mapping[ClaimBasis, str] = MappingProxyType(
    {
        ClaimBasis.VICTIMS_APPLICATION: "Victim's application",
        ClaimBasis.COURT_RECOMMENDATION: "Court's recommendation (BNSS 396(2)/(3))",
        ClaimBasis.OFFENDER_UNTRACED: "Offender not traced or identified (BNSS 396(4))",
    }
)


class ClaimDocument(StrEnum):
    FIR_COPY = "fir_copy"
    MEDICAL_REPORT = "medical_report"
    CHARGESHEET = "chargesheet"
    COURT_RECOMMENDATION = "court_recommendation"
    BANK_ACCOUNT = "bank_account"
    IDENTITY_PROOF = "identity_proof"

    @property
    def label(self) -> str:
        return CLAIM_DOCUMENT_LABELS[self]


CLAIM_DOCUMENT_LABELS: Mapping[ClaimDocument, str] = MappingProxyType(
    {
        ClaimDocument.FIR_COPY: "Copy of the FIR or complaint",
        ClaimDocument.MEDICAL_REPORT: "Medical report",
        ClaimDocument.CHARGESHEET: "Chargesheet (police report)",
        ClaimDocument.COURT_RECOMMENDATION: "Court's judgment or recommendation",
        ClaimDocument.BANK_ACCOUNT: "Bank account details",
        ClaimDocument.IDENTITY_PROOF: "Identity proof",
    }
)

# NALSA 2018 cl.5 asks only for the FIR or complaint; the medical report "if available" and the
# judgment "if the trial is over". A DLSA demanding a chargesheet before acting asks for more.
NALSA_2018_REQUIRED_DOCUMENTS: frozenset[ClaimDocument] = frozenset({ClaimDocument.FIR_COPY})


# Statuses a person does not pick from the status form: filing an appeal makes a claim
# "appealed" (the appeal record names the forum), and the payment statuses follow from the
# money recorded, so a claim can never say "disbursed" while its award is unpaid.
STATUSES_SET_BY_OTHER_VERBS: frozenset[ClaimStatus] = frozenset(
    {ClaimStatus.APPEALED, ClaimStatus.PARTLY_DISBURSED, ClaimStatus.DISBURSED}
)


def manual_next_statuses(current: ClaimStatus) -> tuple[ClaimStatus, ...]:
    """The statuses the status form offers: the life cycle's next steps less the derived ones."""
    return tuple(s for s in next_statuses(current) if s not in STATUSES_SET_BY_OTHER_VERBS)


class DisbursementMode(StrEnum):
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    # NALSA 2018 cl.11 and West Bengal SLSA orders: most of a final award goes into a fixed
    # deposit (or Monthly Income Scheme) in the survivor's name; it counts against the award.
    FIXED_DEPOSIT = "fixed_deposit"

    @property
    def label(self) -> str:
        return DISBURSEMENT_MODE_LABELS[self]

    @property
    def is_deposit(self) -> bool:
        return self is DisbursementMode.FIXED_DEPOSIT


DISBURSEMENT_MODE_LABELS: Mapping[DisbursementMode, str] = MappingProxyType(
    {
        DisbursementMode.BANK_TRANSFER: "Bank transfer to her account",
        DisbursementMode.CHEQUE: "Cheque",
        DisbursementMode.FIXED_DEPOSIT: "Fixed deposit in her name",
    }
)


class PaidAgainst(StrEnum):
    """Which award a payment came out of: interim relief is adjusted against the final award."""

    INTERIM = "interim"
    FINAL = "final"


def papers_for_filing(basis: ClaimBasis) -> tuple[ClaimDocument, ...]:
    """The papers a team gathers before filing, in checklist order.

    NALSA 2018 cl.5 needs the FIR and the medical report where there is one; payment needs her
    bank account and identity. The court's order only where the court recommended the claim.
    The chargesheet is left out: no scheme requires it, and waiting for it delays the claim.
    """
    needed = {
        ClaimDocument.FIR_COPY,
        ClaimDocument.MEDICAL_REPORT,
        ClaimDocument.BANK_ACCOUNT,
        ClaimDocument.IDENTITY_PROOF,
    }
    if basis is ClaimBasis.COURT_RECOMMENDATION:
        needed.add(ClaimDocument.COURT_RECOMMENDATION)
    return tuple(d for d in ClaimDocument if d in needed)
