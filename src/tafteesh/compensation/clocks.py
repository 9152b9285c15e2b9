"""Claim clocks: how long the authority has taken, against the limit the law sets where it sets one.

Pure functions of dates, like the case's statutory clocks: given what happened and today's date
they say running, due soon, overdue, met, or met late. Where the law sets no limit (payment of
most awards), the clock still counts the days: "999 days from award to payment" is the evidence.
"""

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType

from tafteesh.compensation.statuses import Scheme

# A clock within this many days of its due date is "due soon", as on the case's clocks.
DUE_SOON_DAYS = 7

# BNSS 396(5) / CrPC 357A(5): the DLSA/SLSA "shall ... award adequate compensation by completing
# the enquiry within two months" of the recommendation or the application. NALSA 2018 cl.9(2)
# says "sixty days"; the statute's calendar months are used here.
ENQUIRY_MONTHS = 2

# NALSA 2018 cl.12, last proviso (and cl.9(2)): an acid attack victim is paid Rs 1 lakh "within
# 15 days of the matter being brought to the notice of SLSA/DLSA".
ACID_ATTACK_INTERIM_DAYS = 15

# POCSO Rules 2020 r.9(5): the State pays within 30 days of receiving the Special Court's order.
POCSO_PAYMENT_DAYS = 30


class ClockKind(StrEnum):
    ENQUIRY = "enquiry"
    INTERIM_RELIEF = "interim_relief"
    PAYMENT = "payment"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS: Mapping[ClockKind, str] = MappingProxyType(
    {
        ClockKind.ENQUIRY: "Enquiry by the legal services authority",
        ClockKind.INTERIM_RELIEF: "Interim relief paid",
        ClockKind.PAYMENT: "Award paid",
    }
)


class ClockStatus(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"
    # Done, but after the limit: neither "met" (which would hide the delay advocacy needs) nor
    # "overdue" (which would say the survivor is still waiting).
    MET_LATE = "met_late"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS: Mapping[ClockStatus, str] = MappingProxyType(
    {
        ClockStatus.RUNNING: "Running",
        ClockStatus.DUE_SOON: "Due soon",
        ClockStatus.OVERDUE: "Overdue",
        ClockStatus.MET: "Met",
        ClockStatus.MET_LATE: "Met late",
    }
)


class ClaimDatesError(ValueError):
    """Dates of a claim that cannot all be true; the message names the two that clash."""


@dataclass(frozen=True, kw_only=True)
class ClaimFacts:
    """The dates of one claim that the clocks run on; None where it has not happened yet."""

    scheme: Scheme
    # The victim's application (BNSS 396(4)) and the court's recommendation (BNSS 396(2)/(3)),
    # each as received by the authority.
    applied_on: date | None = None
    recommended_on: date | None = None
    acid_attack: bool = False
    interim_paid_on: date | None = None
    # The first decision on the claim ends the enquiry, whether an award or a rejection.
    rejected_on: date | None = None
    # The final award (for a POCSO claim, the Special Court's order), and when money from it first
    # reached the survivor's account or fixed deposit.
    awarded_on: date | None = None
    first_paid_on: date | None = None
    # A withdrawn claim asks nothing more of the authority: what was still running stops.
    withdrawn_on: date | None = None

    def __post_init__(self) -> None:
        received = self.received_on
        if received is not None:
            for later, name in (
                (self.interim_paid_on, "interim relief was paid"),
                (self.rejected_on, "the claim was rejected"),
                (self.awarded_on, "the award was made"),
            ):
                if later is not None and later < received:
                    raise ClaimDatesError(
                        f"The date {name} ({format_date(later)}) is before the claim reached"
                        f" the authority ({format_date(received)})."
                    )
        if self.first_paid_on is not None:
            if self.awarded_on is None:
                raise ClaimDatesError("Record the award before a payment from it.")
            if self.first_paid_on < self.awarded_on:
                raise ClaimDatesError(
                    f"The payment date ({format_date(self.first_paid_on)}) is before the award"
                    f" ({format_date(self.awarded_on)})."
                )

    @property
    def received_on(self) -> date | None:
        """When the claim first reached the authority: the earlier of application and
        recommendation, since either one starts the BNSS 396(5) enquiry."""
        dates = [d for d in (self.applied_on, self.recommended_on) if d is not None]
        return min(dates, default=None)

    @property
    def decided_on(self) -> date | None:
        dates = [d for d in (self.rejected_on, self.awarded_on) if d is not None]
        return min(dates, default=None)


@dataclass(frozen=True)
class ClaimClock:
    kind: ClockKind
    rule: str
    starts_on: date
    due_on: date | None
    done_on: date | None
    status: ClockStatus
    # From the start to when it was done, or to today while it runs.
    days_elapsed: int
    # Until due: 0 on the due date, negative once overdue; None once done or with no limit.
    days_left: int | None

    @property
    def label(self) -> str:
        return self.kind.label

    @property
    def days_late(self) -> int:
        """How many days after the limit it was done (0 if on time, still running, or no limit)."""
        if self.done_on is None or self.due_on is None:
            return 0
        return max(0, (self.done_on - self.due_on).days)


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31 Dec + 2 -> 28/29 Feb).

    Calendar months as the statute counts them; written here rather than taken from dateutil.
    """
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def format_date(day: date) -> str:
    """'5 Jan 2025': unambiguous in India, where 05/01 and 01/05 are both read."""
    return f"{day.day} {day:%b %Y}"


def clock_status(due_on: date | None, done_on: date | None, today: date) -> ClockStatus:
    if done_on is not None:
        late = due_on is not None and done_on > due_on
        return ClockStatus.MET_LATE if late else ClockStatus.MET
    if due_on is None:
        return ClockStatus.RUNNING
    if today > due_on:
        return ClockStatus.OVERDUE
    if (due_on - today).days <= DUE_SOON_DAYS:
        return ClockStatus.DUE_SOON
    return ClockStatus.RUNNING


def _clock(
    kind: ClockKind,
    rule: str,
    starts_on: date,
    due_on: date | None,
    done_on: date | None,
    today: date,
) -> ClaimClock:
    return ClaimClock(
        kind=kind,
        rule=rule,
        starts_on=starts_on,
        due_on=due_on,
        done_on=done_on,
        status=clock_status(due_on, done_on, today),
        days_elapsed=((done_on or today) - starts_on).days,
        days_left=None if done_on is not None or due_on is None else (due_on - today).days,
    )


def claim_clocks(facts: ClaimFacts, *, today: date) -> list[ClaimClock]:
    """The clocks that apply to a claim now, in the order the claim meets them."""
    clocks: list[ClaimClock] = []
    received = facts.received_on
    # A POCSO Special Court decides compensation itself (POCSO Rules 2020 r.9), so there is no
    # DLSA enquiry and no BNSS 396(5) clock.
    if received is not None and facts.scheme is not Scheme.POCSO_SPECIAL_COURT:
        clocks.append(
            _clock(
                ClockKind.ENQUIRY,
                "BNSS 396(5) / CrPC 357A(5): enquiry within 2 months",
                received,
                add_months(received, ENQUIRY_MONTHS),
                facts.decided_on,
                today,
            )
        )
    interim = _interim_relief_clock(facts, today)
    if interim is not None:
        clocks.append(interim)
    if facts.awarded_on is not None:
        if facts.scheme is Scheme.POCSO_SPECIAL_COURT:
            # Counted from the order, not from the State's receipt of it (which the tracker may not
            # know), so this clock can show due a few days before the State's own limit.
            rule = "POCSO Rules 2020 r.9(5): paid within 30 days of the order"
            due: date | None = facts.awarded_on + timedelta(days=POCSO_PAYMENT_DAYS)
        else:
            rule = "No time limit in the scheme: days from award to payment"
            due = None
        clocks.append(
            _clock(ClockKind.PAYMENT, rule, facts.awarded_on, due, facts.first_paid_on, today)
        )
    if facts.withdrawn_on is not None:
        # Not "met" (nothing was done) and not "overdue" (nobody is waiting any more): a clock
        # that had not finished when she withdrew is dropped; the status history keeps the
        # days the claim waited.
        clocks = [c for c in clocks if c.done_on is not None]
    return clocks


def _interim_relief_clock(facts: ClaimFacts, today: date) -> ClaimClock | None:
    received = facts.received_on
    if received is None:
        return None
    if facts.acid_attack and facts.scheme is Scheme.NALSA_2018_WOMEN_VICTIMS:
        return _clock(
            ClockKind.INTERIM_RELIEF,
            "NALSA 2018 cl.12: Rs 1 lakh to an acid attack victim within 15 days",
            received,
            received + timedelta(days=ACID_ATTACK_INTERIM_DAYS),
            facts.interim_paid_on,
            today,
        )
    # Elsewhere interim relief has no limit in days (BNSS 396(6); NALSA cl.12 says only
    # "immediately"), so count the wait until it is paid; once the claim is decided without it,
    # the wait is over and the enquiry clock tells the story.
    if facts.interim_paid_on is None and facts.decided_on is not None:
        return None
    return _clock(
        ClockKind.INTERIM_RELIEF,
        "BNSS 396(6), NALSA 2018 cl.12: no limit in days; days waiting for interim relief",
        received,
        None,
        facts.interim_paid_on,
        today,
    )
