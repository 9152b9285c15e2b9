"""The closed vocabularies of hearings, with labels (DOMAIN.md "Hearings").

Adjournment reasons follow the Law Commission's reports 154 and 239 and NJDG's categories, so
the consortium's figures can be compared with the national ones.
"""

from __future__ import annotations

from enum import StrEnum


class Purpose(StrEnum):
    CHARGE_HEARING = "charge_hearing"
    BAIL_HEARING = "bail_hearing"
    PROSECUTION_EVIDENCE = "prosecution_evidence"
    SURVIVOR_DEPOSITION = "survivor_deposition"
    CROSS_EXAMINATION = "cross_examination"
    STATEMENT_OF_ACCUSED = "statement_of_accused"
    DEFENCE_EVIDENCE = "defence_evidence"
    ARGUMENTS = "arguments"
    JUDGMENT = "judgment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self]

    @property
    def survivor_testifies(self) -> bool:
        """Hearings where she gives evidence: her social worker prepares her for them."""
        return self in (Purpose.SURVIVOR_DEPOSITION, Purpose.CROSS_EXAMINATION)


PURPOSE_LABELS = {
    Purpose.CHARGE_HEARING: "Charge hearing",
    Purpose.BAIL_HEARING: "Bail hearing",
    Purpose.PROSECUTION_EVIDENCE: "Prosecution evidence",
    Purpose.SURVIVOR_DEPOSITION: "Survivor's deposition",
    Purpose.CROSS_EXAMINATION: "Cross-examination",
    Purpose.STATEMENT_OF_ACCUSED: "Statement of accused",
    Purpose.DEFENCE_EVIDENCE: "Defence evidence",
    Purpose.ARGUMENTS: "Arguments",
    Purpose.JUDGMENT: "Judgment",
    Purpose.OTHER: "Other",
}


class HearingStatus(StrEnum):
    SCHEDULED = "scheduled"
    HELD = "held"
    ADJOURNED = "adjourned"
    NOT_TAKEN_UP = "not_taken_up"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            HearingStatus.SCHEDULED: "Scheduled",
            HearingStatus.HELD: "Held",
            HearingStatus.ADJOURNED: "Adjourned",
            HearingStatus.NOT_TAKEN_UP: "Not taken up",
            HearingStatus.CANCELLED: "Cancelled",
        }[self]


class Outcome(StrEnum):
    PROCEEDED = "proceeded"
    EVIDENCE_RECORDED = "evidence_recorded"
    PART_HEARD = "part_heard"
    ADJOURNED = "adjourned"
    ORDER_PASSED = "order_passed"
    JUDGMENT_PRONOUNCED = "judgment_pronounced"
    NOT_TAKEN_UP = "not_taken_up"

    @property
    def label(self) -> str:
        return OUTCOME_LABELS[self]

    @property
    def status(self) -> HearingStatus:
        """What the outcome makes of the hearing."""
        if self is Outcome.ADJOURNED:
            return HearingStatus.ADJOURNED
        if self is Outcome.NOT_TAKEN_UP:
            return HearingStatus.NOT_TAKEN_UP
        return HearingStatus.HELD


OUTCOME_LABELS = {
    Outcome.PROCEEDED: "Proceeded",
    Outcome.EVIDENCE_RECORDED: "Evidence recorded",
    Outcome.PART_HEARD: "Part-heard",
    Outcome.ADJOURNED: "Adjourned",
    Outcome.ORDER_PASSED: "Order passed",
    Outcome.JUDGMENT_PRONOUNCED: "Judgment pronounced",
    Outcome.NOT_TAKEN_UP: "Not taken up",
}


class AdjournmentReason(StrEnum):
    ACCUSED_ABSENT = "accused_absent"
    UNDERTRIAL_NOT_PRODUCED = "undertrial_not_produced"
    PROSECUTION_WITNESS_ABSENT = "prosecution_witness_absent"
    IO_ABSENT = "io_absent"
    SUMMONS_NOT_SERVED = "summons_not_served"
    PP_ABSENT_OR_UNPREPARED = "pp_absent_or_unprepared"
    DEFENCE_REQUEST = "defence_request"
    COUNSEL_NOT_AVAILABLE = "counsel_not_available"
    PRESIDING_OFFICER_ON_LEAVE = "presiding_officer_on_leave"
    COURT_BUSY = "court_busy"
    RECORDS_AWAITED = "records_awaited"
    FORENSIC_REPORT_AWAITED = "forensic_report_awaited"
    STAYED_BY_HIGHER_COURT = "stayed_by_higher_court"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]

    @property
    def usual_party(self) -> Party:
        """Who usually seeks or causes this adjournment: the form's default, editable."""
        return REASON_PARTY[self]


REASON_LABELS = {
    AdjournmentReason.ACCUSED_ABSENT: "Accused absent",
    AdjournmentReason.UNDERTRIAL_NOT_PRODUCED: "Undertrial not produced from jail",
    AdjournmentReason.PROSECUTION_WITNESS_ABSENT: "Prosecution witness absent",
    AdjournmentReason.IO_ABSENT: "Investigating officer absent",
    AdjournmentReason.SUMMONS_NOT_SERVED: "Summons not served",
    AdjournmentReason.PP_ABSENT_OR_UNPREPARED: "Public prosecutor absent or unprepared",
    AdjournmentReason.DEFENCE_REQUEST: "Defence counsel's request",
    AdjournmentReason.COUNSEL_NOT_AVAILABLE: "Counsel not available",
    AdjournmentReason.PRESIDING_OFFICER_ON_LEAVE: "Presiding officer on leave",
    AdjournmentReason.COURT_BUSY: "Court busy / no time",
    AdjournmentReason.RECORDS_AWAITED: "Records awaited",
    AdjournmentReason.FORENSIC_REPORT_AWAITED: "Forensic report awaited",
    AdjournmentReason.STAYED_BY_HIGHER_COURT: "Stayed by a higher court",
    AdjournmentReason.OTHER: "Other",
}


class Party(StrEnum):
    """Who sought (or caused) an adjournment: BNSS 346 counts them per party."""

    PROSECUTION = "prosecution"
    DEFENCE = "defence"
    COURT = "court"
    POLICE = "police"
    VICTIM = "victim"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            Party.PROSECUTION: "Prosecution",
            Party.DEFENCE: "Defence",
            Party.COURT: "Court",
            Party.POLICE: "Police / jail",
            Party.VICTIM: "Victim's side",
            Party.OTHER: "Other",
        }[self]


REASON_PARTY = {
    AdjournmentReason.ACCUSED_ABSENT: Party.DEFENCE,
    AdjournmentReason.UNDERTRIAL_NOT_PRODUCED: Party.POLICE,
    AdjournmentReason.PROSECUTION_WITNESS_ABSENT: Party.PROSECUTION,
    AdjournmentReason.IO_ABSENT: Party.POLICE,
    AdjournmentReason.SUMMONS_NOT_SERVED: Party.POLICE,
    AdjournmentReason.PP_ABSENT_OR_UNPREPARED: Party.PROSECUTION,
    AdjournmentReason.DEFENCE_REQUEST: Party.DEFENCE,
    AdjournmentReason.COUNSEL_NOT_AVAILABLE: Party.DEFENCE,
    AdjournmentReason.PRESIDING_OFFICER_ON_LEAVE: Party.COURT,
    AdjournmentReason.COURT_BUSY: Party.COURT,
    AdjournmentReason.RECORDS_AWAITED: Party.COURT,
    AdjournmentReason.FORENSIC_REPORT_AWAITED: Party.POLICE,
    AdjournmentReason.STAYED_BY_HIGHER_COURT: Party.COURT,
    AdjournmentReason.OTHER: Party.OTHER,
}

# BNSS 346(2) proviso: no adjournment at a party's request beyond two for circumstances beyond
# its control. More than this many at one party's request is flagged on the case.
ADJOURNMENTS_PER_PARTY_LIMIT = 2
