"""Statutory clocks: deadlines the law sets for police, courts and legal services authorities.

The rules are data (`CLOCK_RULES`), one row per provision and regime, because the old and the new
codes differ in label and sometimes in scope: CrPC 173(1A) covers rape only, BNSS 193(2) adds
POCSO 4, 6, 8 and 10. Several BNSS deadlines have no CrPC counterpart and do not run at all in an
old-codes case.

A clock whose start date is not recorded yet is not returned: it has not started, and showing it
would only repeat "unknown" for every case. Not computed: the witness protection threat analysis
report (5 working days), which needs a court working-day calendar.

Default bail runs per accused (from that accused's first remand), so a service computes clocks
once per accused with that accused's `first_remand_date`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from tafteesh.cases.catalogue import Act, Section
from tafteesh.cases.default_bail import (
    default_bail_limit,
)
from tafteesh.cases.stages import Regime

DUE_SOON_DAYS = 7


class ClockAnchor(StrEnum):
    """The date a clock runs from."""

    FIRST_REMAND = "first_remand"
    FIR_DATE = "fir_date"
    APPEARANCE = "appearance"
    COGNIZANCE_DATE = "cognizance_date"
    FIRST_CHARGE_HEARING = "first_charge_hearing"
    CHARGESHEET_DATE = "chargesheet_date"
    END_OF_ARGUMENTS = "end_of_arguments"


class ClockEvent(StrEnum):
    """What happening stops a clock."""

    CHARGESHEET_FILED = "chargesheet_filed"
    CLOSURE_REPORT_FILED = "closure_report_filed"
    VICTIM_INFORMED = "victim_informed"
    DOCUMENTS_SUPPLIED = "documents_supplied"
    COMMITTED_TO_SESSIONS = "committed_to_sessions"
    CHARGES_FRAMED = "charges_framed"
    CHILD_EVIDENCE_RECORDED = "child_evidence_recorded"
    JUDGMENT_PRONOUNCED = "judgment_pronounced"


class LimitUnit(StrEnum):
    DAYS = "days"
    MONTHS = "months"


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    MET = "met"


@dataclass(frozen=True, kw_only=True)
class CaseFacts:
    """The dates and charges of one case (for default bail: of one accused in it)."""

    regime: Regime
    charged_sections: tuple[Section, ...] = ()
    victim_is_minor: bool = False
    fir_date: date | None = None
    first_remand_date: date | None = None
    chargesheet_date: date | None = None
    closure_report_date: date | None = None
    victim_informed_date: date | None = None
    first_appearance_date: date | None = None
    documents_supplied_date: date | None = None
    cognizance_date: date | None = None
    committal_date: date | None = None
    first_charge_hearing_date: date | None = None
    charges_framed_date: date | None = None
    child_evidence_recorded_date: date | None = None
    arguments_closed_date: date | None = None
    judgment_date: date | None = None

    def anchor_date(self, anchor: ClockAnchor) -> date | None:
        return {
            ClockAnchor.FIRST_REMAND: self.first_remand_date,
            ClockAnchor.FIR_DATE: self.fir_date,
            ClockAnchor.APPEARANCE: self.first_appearance_date,
            ClockAnchor.COGNIZANCE_DATE: self.cognizance_date,
            ClockAnchor.FIRST_CHARGE_HEARING: self.first_charge_hearing_date,
            ClockAnchor.CHARGESHEET_DATE: self.chargesheet_date,
            ClockAnchor.END_OF_ARGUMENTS: self.arguments_closed_date,
        }[anchor]

    def event_date(self, event: ClockEvent) -> date | None:
        return {
            ClockEvent.CHARGESHEET_FILED: self.chargesheet_date,
            ClockEvent.CLOSURE_REPORT_FILED: self.closure_report_date,
            ClockEvent.VICTIM_INFORMED: self.victim_informed_date,
            ClockEvent.DOCUMENTS_SUPPLIED: self.documents_supplied_date,
            ClockEvent.COMMITTED_TO_SESSIONS: self.committal_date,
            ClockEvent.CHARGES_FRAMED: self.charges_framed_date,
            ClockEvent.CHILD_EVIDENCE_RECORDED: self.child_evidence_recorded_date,
            ClockEvent.JUDGMENT_PRONOUNCED: self.judgment_date,
        }[event]


@dataclass(frozen=True)
class OffenceScope:
    """The charges that bring a clock into play: listed sections, or any section of an act.

    Sections are matched on the section number without sub-sections, so IPC 376(2)(n) counts as
    IPC 376 and BNS 65(1) as BNS 65.
    """

    sections: frozenset[tuple[Act, str]] = frozenset()
    whole_acts: frozenset[Act] = frozenset()
    # Also in play when the victim is a child and one of these is charged.
    if_victim_minor: frozenset[tuple[Act, str]] = frozenset()

    def covers(self, charged: Iterable[Section], *, victim_is_minor: bool) -> bool:
        for section in charged:
            key = (section.act, section.base_section)
            if section.act in self.whole_acts or key in self.sections:
                return True
            if victim_is_minor and key in self.if_victim_minor:
                return True
        return False


def _sections(act: Act, *numbers: str) -> frozenset[tuple[Act, str]]:
    return frozenset((act, number) for number in numbers)


# Rape and its aggravated forms, as the 2018 amendment lists them in CrPC 173(1A) and 309(1).
IPC_RAPE_SECTIONS = _sections(
    Act.IPC, "376", "376A", "376AB", "376B", "376C", "376D", "376DA", "376DB", "376E"
)
# The same offences as BNSS 193(2) and 346(1) list them.
BNS_RAPE_SECTIONS = _sections(Act.BNS, "64", "65", "66", "67", "68", "70", "71")
# Penetrative and sexual assault, the POCSO offences BNSS 193(2) adds.
POCSO_ASSAULT_SECTIONS = _sections(Act.POCSO, "4", "6", "8", "10")


@dataclass(frozen=True)
class ClockRule:
    code: str
    regime: Regime | None  # None: the same rule under both codes
    label: str
    # None: set by the charged sections (default bail, see `default_bail_limit`).
    limit: int | None
    unit: LimitUnit
    anchor: ClockAnchor
    met_by: tuple[ClockEvent, ...]
    applies_to: OffenceScope | None = None  # None: every case
    not_for: OffenceScope | None = None
    # Default bail counts the day of remand (Enforcement Directorate v. Kapil Wadhawan, 2023);
    # other periods exclude the first day (General Clauses Act s.9).
    counts_anchor_day: bool = False
    note: str = ""


_POLICE_REPORT = (ClockEvent.CHARGESHEET_FILED, ClockEvent.CLOSURE_REPORT_FILED)
_POCSO_CASE = OffenceScope(
    whole_acts=frozenset({Act.POCSO}), if_victim_minor=IPC_RAPE_SECTIONS | BNS_RAPE_SECTIONS
)

CLOCK_RULES: tuple[ClockRule, ...] = (
    # Only a chargesheet defeats the right to default bail; its limit depends on the charges.
    ClockRule(
        code="default_bail",
        regime=Regime.OLD_CODES,
        label="CrPC 167(2) default bail",
        limit=None,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.FIRST_REMAND,
        met_by=(ClockEvent.CHARGESHEET_FILED,),
        counts_anchor_day=True,
    ),
    ClockRule(
        code="default_bail",
        regime=Regime.NEW_CODES,
        label="BNSS 187(3) default bail",
        limit=None,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.FIRST_REMAND,
        met_by=(ClockEvent.CHARGESHEET_FILED,),
        counts_anchor_day=True,
    ),
    ClockRule(
        code="investigation_two_months",
        regime=Regime.OLD_CODES,
        label="CrPC 173(1A) investigation of rape",
        limit=2,
        unit=LimitUnit.MONTHS,
        anchor=ClockAnchor.FIR_DATE,
        met_by=_POLICE_REPORT,
        applies_to=OffenceScope(IPC_RAPE_SECTIONS),
    ),
    ClockRule(
        code="investigation_two_months",
        regime=Regime.NEW_CODES,
        label="BNSS 193(2) investigation of rape and POCSO offences",
        limit=2,
        unit=LimitUnit.MONTHS,
        anchor=ClockAnchor.FIR_DATE,
        met_by=_POLICE_REPORT,
        applies_to=OffenceScope(BNS_RAPE_SECTIONS | POCSO_ASSAULT_SECTIONS),
    ),
    ClockRule(
        code="victim_told_of_progress",
        regime=Regime.NEW_CODES,
        label="BNSS 193(3)(ii) victim told of progress",
        limit=90,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.FIR_DATE,
        met_by=(ClockEvent.VICTIM_INFORMED,),
    ),
    ClockRule(
        code="documents_to_accused",
        regime=Regime.NEW_CODES,
        label="BNSS 230 copies of documents to accused",
        limit=14,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.APPEARANCE,
        met_by=(ClockEvent.DOCUMENTS_SUPPLIED,),
        note="The victim's advocate is entitled to the same copies.",
    ),
    ClockRule(
        code="committal",
        regime=Regime.NEW_CODES,
        label="BNSS 232 committal to sessions",
        limit=90,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.COGNIZANCE_DATE,
        met_by=(ClockEvent.COMMITTED_TO_SESSIONS,),
        # A POCSO Special Court takes cognizance itself (POCSO 33(1)): nothing to commit.
        not_for=_POCSO_CASE,
        note="The magistrate may extend it up to 180 days for reasons recorded in writing.",
    ),
    ClockRule(
        code="framing_of_charge",
        regime=Regime.NEW_CODES,
        label="BNSS 251 framing of charge",
        limit=60,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.FIRST_CHARGE_HEARING,
        met_by=(ClockEvent.CHARGES_FRAMED,),
    ),
    ClockRule(
        code="rape_trial",
        regime=Regime.OLD_CODES,
        label="CrPC 309(1) trial of rape",
        limit=2,
        unit=LimitUnit.MONTHS,
        anchor=ClockAnchor.CHARGESHEET_DATE,
        met_by=(ClockEvent.JUDGMENT_PRONOUNCED,),
        applies_to=OffenceScope(IPC_RAPE_SECTIONS),
    ),
    ClockRule(
        code="rape_trial",
        regime=Regime.NEW_CODES,
        label="BNSS 346(1) trial of rape",
        limit=2,
        unit=LimitUnit.MONTHS,
        anchor=ClockAnchor.CHARGESHEET_DATE,
        met_by=(ClockEvent.JUDGMENT_PRONOUNCED,),
        applies_to=OffenceScope(BNS_RAPE_SECTIONS),
    ),
    ClockRule(
        code="pocso_child_evidence",
        regime=None,
        label="POCSO 35(1) child's evidence",
        limit=30,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.COGNIZANCE_DATE,
        met_by=(ClockEvent.CHILD_EVIDENCE_RECORDED,),
        applies_to=_POCSO_CASE,
    ),
    ClockRule(
        code="pocso_trial",
        regime=None,
        label="POCSO 35(2) trial",
        limit=12,
        unit=LimitUnit.MONTHS,
        anchor=ClockAnchor.COGNIZANCE_DATE,
        met_by=(ClockEvent.JUDGMENT_PRONOUNCED,),
        applies_to=_POCSO_CASE,
    ),
    ClockRule(
        code="judgment",
        regime=Regime.NEW_CODES,
        label="BNSS 258 judgment",
        limit=30,
        unit=LimitUnit.DAYS,
        anchor=ClockAnchor.END_OF_ARGUMENTS,
        met_by=(ClockEvent.JUDGMENT_PRONOUNCED,),
        note="The judge may extend it to 45 days for reasons recorded in writing.",
    ),
    # The BNSS 396(5) compensation enquiry runs per claim: compensation/clocks.py keeps it.
)


@dataclass(frozen=True)
class ClockStatus:
    code: str
    label: str
    anchor: ClockAnchor
    anchor_date: date
    due_date: date
    limit_days: int
    status: ClockState
    met_on: date | None = None
    met_late: bool = False
    days_left: int | None = None
    # Overdue: days past the due date today. Met late: days past the due date it was met.
    days_overdue: int | None = None
    contested: bool = False
    note: str = ""


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has no such day."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    next_month = date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - timedelta(days=1)).day
    return date(year, month, min(start.day, last_day))


def _due_date(anchor: date, limit: int, unit: LimitUnit, *, counts_anchor_day: bool) -> date:
    end = anchor + timedelta(days=limit) if unit is LimitUnit.DAYS else add_months(anchor, limit)
    return end - timedelta(days=1) if counts_anchor_day else end


def _applies(rule: ClockRule, facts: CaseFacts) -> bool:
    if rule.regime is not None and rule.regime is not facts.regime:
        return False
    charged, minor = facts.charged_sections, facts.victim_is_minor
    if rule.applies_to is not None and not rule.applies_to.covers(charged, victim_is_minor=minor):
        return False
    return rule.not_for is None or not rule.not_for.covers(charged, victim_is_minor=minor)


def _status(rule: ClockRule, facts: CaseFacts, anchor_date: date, today: date) -> ClockStatus:
    contested, notes = False, [rule.note] if rule.note else []
    if rule.limit is None:
        bail = default_bail_limit(facts.charged_sections)
        limit, contested = bail.days, bail.contested
        notes.insert(0, bail.note)
    else:
        limit = rule.limit
    due = _due_date(anchor_date, limit, rule.unit, counts_anchor_day=rule.counts_anchor_day)
    limit_days = (due - anchor_date).days + (1 if rule.counts_anchor_day else 0)
    met_dates = [d for d in (facts.event_date(event) for event in rule.met_by) if d is not None]
    met_on = min(met_dates, default=None)
    running = ClockStatus(
        code=rule.code,
        label=rule.label,
        anchor=rule.anchor,
        anchor_date=anchor_date,
        due_date=due,
        limit_days=limit_days,
        status=ClockState.RUNNING,
        contested=contested,
        note=" ".join(notes),
    )
    if met_on is not None:
        late = (met_on - due).days
        return replace(
            running,
            status=ClockState.MET,
            met_on=met_on,
            met_late=late > 0,
            days_overdue=late if late > 0 else None,
        )
    if today > due:
        return replace(running, status=ClockState.OVERDUE, days_overdue=(today - due).days)
    days_left = (due - today).days
    if days_left <= DUE_SOON_DAYS:
        return replace(running, status=ClockState.DUE_SOON, days_left=days_left)
    return replace(running, days_left=days_left)


def compute_clocks(facts: CaseFacts, *, today: date) -> list[ClockStatus]:
    """The clocks that have started for this case, in the order of `CLOCK_RULES`."""
    clocks = []
    for rule in CLOCK_RULES:
        anchor_date = facts.anchor_date(rule.anchor)
        if anchor_date is not None and _applies(rule, facts):
            clocks.append(_status(rule, facts, anchor_date, today))
    return clocks
