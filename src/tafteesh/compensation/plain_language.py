"""What the survivor is told about her compensation claim, in plain words.

Pure functions of the claim's facts: the lines her timeline shows when something happens, and
the summary of where her claim stands (awarded, paid, pending, next step) for her own view and
the survivor portal. They take only what she may know: no team note, no rejection order's text,
no appeal grounds can reach them, because none is an input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tafteesh.compensation.arithmetic import pending_paise
from tafteesh.compensation.clocks import format_date
from tafteesh.compensation.money import format_inr
from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    DisbursementMode,
)

# The papers named as she would name them.
DOCUMENT_WORDS: dict[ClaimDocument, str] = {
    ClaimDocument.FIR_COPY: "a copy of the FIR",
    ClaimDocument.MEDICAL_REPORT: "the medical report",
    ClaimDocument.CHARGESHEET: "the police report (chargesheet)",
    ClaimDocument.COURT_RECOMMENDATION: "the court's order",
    ClaimDocument.BANK_ACCOUNT: "your bank account details",
    ClaimDocument.IDENTITY_PROOF: "an identity proof",
}

FORUM_WORDS: dict[AppealForum, str] = {
    AppealForum.DLSA_CHAIRPERSON: "the head of the DLSA",
    AppealForum.SLSA: "the State Legal Services Authority",
    AppealForum.HIGH_COURT_WRIT: "the High Court",
}


def authority_label(
    kind: AuthorityKind, *, district: str | None, state: str | None, court_name: str | None
) -> str:
    """ "DLSA South 24 Parganas", "SLSA West Bengal", or the court's name."""
    if kind is AuthorityKind.DLSA:
        return f"DLSA {district}" if district else "DLSA"
    if kind is AuthorityKind.SLSA:
        return f"SLSA {state}" if state else "SLSA"
    return court_name or "court"


def _the(authority: str) -> str:
    return authority if authority.lower().startswith("the ") else f"the {authority}"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- timeline lines: one per thing that happened -------------------------------------------------


def opened_line() -> str:
    return "Your team has started preparing a compensation claim for you."


def status_line(
    target: ClaimStatus,
    *,
    authority: str,
    on: date,
    basis: ClaimBasis,
    amount_paise: int | None = None,
) -> str | None:
    """The survivor's line for a status change; None for changes she need not hear of."""
    day, who = format_date(on), _the(authority)
    amount = format_inr(amount_paise) if amount_paise is not None else ""
    lines: dict[ClaimStatus, str] = {
        ClaimStatus.FILED: (
            f"The court asked {who} to pay you compensation on {day}."
            if basis is ClaimBasis.COURT_RECOMMENDATION
            else f"Your compensation claim was filed with {who} on {day}."
        ),
        ClaimStatus.UNDER_VERIFICATION: f"{who[0].upper()}{who[1:]} is checking your claim and"
        " your papers.",
        ClaimStatus.INTERIM_AWARDED: f"On {day} {who} granted you {amount} as early help, before"
        " its final decision.",
        ClaimStatus.FINAL_AWARDED: f"On {day} {who} awarded you {amount} in compensation.",
        ClaimStatus.REJECTED: f"On {day} {who} turned down your claim. Your lawyer will talk to you"
        " about what can be done.",
        ClaimStatus.PAYMENT_PENDING: "The money you were awarded has not been paid yet. Your team"
        " is following it up.",
        ClaimStatus.PARTLY_DISBURSED: "Part of your compensation has now been paid.",
        ClaimStatus.DISBURSED: "All of your compensation has now been paid.",
        ClaimStatus.WITHDRAWN: f"Your compensation claim was withdrawn on {day}.",
    }
    return lines.get(target)


def payment_line(
    amount_paise: int, mode: DisbursementMode, *, on: date, matures_on: date | None
) -> str:
    amount, day = format_inr(amount_paise), format_date(on)
    if mode is DisbursementMode.FIXED_DEPOSIT:
        line = f"{amount} was put into a fixed deposit in your name on {day}."
        if matures_on:
            line += f" You can take it out from {format_date(matures_on)}."
        return line
    if mode is DisbursementMode.CHEQUE:
        return f"{amount} was paid to you by cheque on {day}."
    return f"{amount} was paid into your bank account on {day}."


def appeal_filed_line(forum: AppealForum) -> str:
    return f"Your lawyer has asked {FORUM_WORDS[forum]} to look at your claim again."


def appeal_status_line(forum: AppealForum, status: AppealStatus) -> str | None:
    who = FORUM_WORDS[forum]
    lines = {
        AppealStatus.HEARING: f"{who[0].upper()}{who[1:]} has started hearing your appeal.",
        AppealStatus.ALLOWED: f"{who[0].upper()}{who[1:]} agreed with your appeal. Your lawyer"
        " will tell you what happens next.",
        AppealStatus.DISMISSED: f"{who[0].upper()}{who[1:]} did not agree with your appeal. Your"
        " lawyer will talk to you about what can be done.",
        AppealStatus.WITHDRAWN: "Your appeal was withdrawn.",
    }
    return lines.get(status)


# -- the summary: where her claim stands ---------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SummaryFacts:
    """What the summary may say, and nothing else."""

    status: ClaimStatus
    authority: str
    received_on: date | None
    interim_awarded_paise: int | None
    final_awarded_paise: int | None
    paid_paise: int
    deposit_paise: int
    deposit_matures_on: date | None
    # The BNSS 396(5) enquiry: its due date while it runs (None when the law sets none).
    enquiry_due_on: date | None
    final_awarded_on: date | None
    first_paid_on: date | None
    missing_documents: tuple[ClaimDocument, ...]
    appeal_forum: AppealForum | None  # the latest appeal, if any
    appeal_status: AppealStatus | None


@dataclass(frozen=True)
class SurvivorSummary:
    status: ClaimStatus
    where_it_stands: str
    awarded_paise: int
    paid_paise: int
    deposit_paise: int
    pending_paise: int
    awarded: str
    paid: str
    deposit: str
    pending: str
    next_step: str


def survivor_summary(facts: SummaryFacts, *, today: date) -> SurvivorSummary:
    awarded = facts.final_awarded_paise or facts.interim_awarded_paise or 0
    pending = pending_paise(
        awarded_paise=awarded, disbursed_paise=facts.paid_paise, deposit_paise=facts.deposit_paise
    )
    return SurvivorSummary(
        status=facts.status,
        where_it_stands=_where_it_stands(facts),
        awarded_paise=awarded,
        paid_paise=facts.paid_paise,
        deposit_paise=facts.deposit_paise,
        pending_paise=pending,
        awarded=format_inr(awarded),
        paid=format_inr(facts.paid_paise),
        deposit=format_inr(facts.deposit_paise),
        pending=format_inr(pending),
        next_step=_next_step(facts, pending, today),
    )


def _where_it_stands(f: SummaryFacts) -> str:
    final = format_inr(f.final_awarded_paise or 0)
    who = _the(f.authority)
    since = f" since {format_date(f.received_on)}" if f.received_on else ""
    forum = FORUM_WORDS[f.appeal_forum] if f.appeal_forum else "a higher authority"
    lines = {
        ClaimStatus.DRAFT: "Your team is preparing your compensation claim.",
        ClaimStatus.FILED: f"Your claim has been with {who}{since}.",
        ClaimStatus.UNDER_VERIFICATION: f"{who[0].upper()}{who[1:]} is checking your claim.",
        ClaimStatus.INTERIM_AWARDED: f"You were granted {format_inr(f.interim_awarded_paise or 0)}"
        " as early help. The final decision is still to come.",
        ClaimStatus.FINAL_AWARDED: f"You were awarded {final}.",
        ClaimStatus.REJECTED: f"{who[0].upper()}{who[1:]} turned down your claim.",
        ClaimStatus.APPEALED: f"Your lawyer has asked {forum} to look at your claim again.",
        ClaimStatus.PAYMENT_PENDING: f"You were awarded {final}, but it has not been paid yet.",
        ClaimStatus.PARTLY_DISBURSED: f"Part of your award of {final} has been paid.",
        ClaimStatus.DISBURSED: f"All of your award of {final} has been paid.",
        ClaimStatus.WITHDRAWN: "This claim was withdrawn.",
    }
    return lines[f.status]


def _next_step(f: SummaryFacts, pending: int, today: date) -> str:
    status = f.status
    if status is ClaimStatus.DRAFT:
        if f.missing_documents:
            papers = _join([DOCUMENT_WORDS[d] for d in f.missing_documents])
            return f"Your team needs these papers to file it: {papers}."
        return "Your team will file it soon."
    if status in (ClaimStatus.FILED, ClaimStatus.UNDER_VERIFICATION):
        return _decision_due(f, today)
    if status is ClaimStatus.INTERIM_AWARDED:
        if f.paid_paise + f.deposit_paise == 0:
            return (
                "The early help should reach your bank account soon. Tell your team if it does"
                " not arrive."
            )
        return "The final decision on your claim is still to come. " + _decision_due(f, today)
    if status is ClaimStatus.REJECTED:
        if f.appeal_status is AppealStatus.DISMISSED:
            return (
                "Your appeal did not succeed. Your lawyer will talk to you about what can be done."
            )
        return "Your lawyer will talk to you about appealing."
    if status is ClaimStatus.APPEALED:
        if f.appeal_status is AppealStatus.ALLOWED:
            return "Your appeal succeeded. Your team is waiting for the new order."
        forum = FORUM_WORDS[f.appeal_forum] if f.appeal_forum else "the higher authority"
        return f"Waiting for {forum} to decide."
    if status is ClaimStatus.WITHDRAWN:
        return "Talk to your team if you want to claim again."
    if pending > 0:
        line = f"{format_inr(pending)} is still to be paid. Your team is following it up."
        if f.final_awarded_on and f.first_paid_on is None:
            days = (today - f.final_awarded_on).days
            line += f" It is {days} day{'s' if days != 1 else ''} since the award."
        return line
    if f.deposit_paise and f.deposit_matures_on:
        return (
            f"{format_inr(f.deposit_paise)} is in a fixed deposit in your name. You can take it"
            f" out from {format_date(f.deposit_matures_on)}."
        )
    if f.deposit_paise:
        return f"{format_inr(f.deposit_paise)} is in a fixed deposit in your name."
    return "Nothing more is owed to you on this claim."


def _decision_due(f: SummaryFacts, today: date) -> str:
    if f.enquiry_due_on is None:
        return "The court will decide the amount."
    due = format_date(f.enquiry_due_on)
    if today > f.enquiry_due_on:
        return f"The decision is late: it was due by {due}. Your lawyer is following it up."
    return f"{_the(f.authority)[0].upper()}{_the(f.authority)[1:]} should decide by {due}."
