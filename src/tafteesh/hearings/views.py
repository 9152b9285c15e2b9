"""Read models of hearings, shared by the API and the pages."""

from __future__ import annotations

from tafteesh.driver import DriverRow
from tafteesh.hearings.models import Hearing
from tafteesh.hearings.schemas import Attendance, HearingRead
from tafteesh.hearings.vocabulary import Purpose

# A hearing as a row of its table, where a write returned it rather than the ORM loading it.
HearingRow = DriverRow


def hearing_read(
    hearing: Hearing | HearingRow, case_reference: str, *, survivor_view: bool = False
) -> HearingRead:
    """The survivor's own view leaves out what the team recorded of the proceedings."""
    return HearingRead(
        id=hearing.id,
        case_id=hearing.case_id,
        case_reference=case_reference,
        hearing_date=hearing.hearing_date,
        hearing_time=hearing.hearing_time,
        session=hearing.session,
        court_establishment=hearing.court_establishment,
        court_number=hearing.court_number,
        judge=hearing.judge,
        purpose=Purpose(hearing.purpose),
        purpose_label=Purpose(hearing.purpose).label,
        purpose_text=hearing.purpose_text,
        witness_number=hearing.witness_number,
        status=hearing.status,
        outcome=hearing.outcome,
        adjournment_reason=hearing.adjournment_reason,
        adjournment_sought_by=hearing.adjournment_sought_by,
        attendance=Attendance(**(hearing.attendance or {})),
        business_recorded=None if survivor_view else hearing.business_recorded,
        survivor_note=hearing.survivor_note,
        next_date=hearing.next_date,
        next_hearing_id=hearing.next_hearing_id,
        source=hearing.source,
        verified=hearing.verified,
        discrepancies=hearing.discrepancies or {},
        outcome_recorded_at=hearing.outcome_recorded_at,
        version=hearing.version,
    )
