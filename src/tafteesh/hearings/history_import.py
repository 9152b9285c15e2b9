"""Importing an eCourts case history into a case's hearings, all or nothing.

Rows are matched to recorded hearings by date. A missing hearing is created as imported and
unverified; a recorded hearing whose next date or purpose differs from eCourts is flagged for
the lawyer to settle, never silently overwritten: our record may be the right one.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit import service as audit
from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.models import Case
from tafteesh.errors import Conflict, InvalidInput, StaleVersion
from tafteesh.hearings.ecourts import HistoryRow
from tafteesh.hearings.models import Hearing
from tafteesh.hearings.schemas import HearingCreate, ImportReport
from tafteesh.hearings.service import hearing_snapshot, schedule_hearing
from tafteesh.hearings.vocabulary import HearingStatus, Purpose
from tafteesh.india import today_in_india


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


async def import_history(
    session: AsyncSession, actor: Principal, case: Case, rows: list[HistoryRow]
) -> ImportReport:
    today = today_in_india()
    too_early = [r for r in rows if r.business_on < case.fir_date]
    if too_early:
        raise InvalidInput(
            "The file has hearings before this case's FIR "
            f"({case.fir_date:%d %b %Y}): line {too_early[0].line}. Is it the right case?"
        )
    existing = {
        h.hearing_date: h
        for h in await session.scalars(
            select(Hearing).where(
                Hearing.case_id == case.id, Hearing.status != HearingStatus.CANCELLED.value
            )
        )
    }
    created: list[date] = []
    flagged: list[date] = []
    matched = 0
    for row in sorted(rows, key=lambda r: r.business_on):
        hearing = existing.get(row.business_on)
        if hearing is None:
            hearing = await schedule_hearing(
                session,
                actor,
                case,
                data=HearingCreate(
                    hearing_date=row.business_on,
                    purpose=row.purpose,
                    purpose_text=row.purpose_text[:160] or None,
                    judge=row.judge[:120] or None,
                ),
                source="imported",
            )
            # eCourts lists business that happened: the hearing was held, its outcome unknown.
            if row.business_on < today:
                hearing.status = HearingStatus.HELD.value
            hearing.next_date = row.next_date
            existing[row.business_on] = hearing
            created.append(row.business_on)
            continue
        matched += 1
        differences: dict[str, dict[str, str | None]] = {}
        if row.next_date != hearing.next_date and hearing.next_date is not None:
            differences["next_date"] = {
                "ecourts": _iso(row.next_date),
                "recorded": _iso(hearing.next_date),
            }
        elif hearing.next_date is None and row.next_date is not None:
            hearing.next_date = row.next_date
        if (
            row.purpose.value != hearing.purpose
            and row.purpose is not Purpose.OTHER
            and _SAME_ON_ECOURTS.get(hearing.purpose) is not row.purpose
        ):
            differences["purpose"] = {"ecourts": row.purpose.value, "recorded": hearing.purpose}
        if differences:
            hearing.discrepancies = {**hearing.discrepancies, **differences}
            hearing.verified = False
            flagged.append(row.business_on)
    # The last next date eCourts gives is the case's next hearing.
    last = max(rows, key=lambda r: r.business_on)
    if last.next_date and last.next_date not in existing and last.next_date >= today:
        await schedule_hearing(
            session,
            actor,
            case,
            data=HearingCreate(
                hearing_date=last.next_date, purpose=Purpose.OTHER, judge=last.judge[:120] or None
            ),
            source="imported",
        )
        created.append(last.next_date)
    await session.flush()
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.HEARINGS_IMPORTED,
                f"eCourts history imported: {len(rows)} rows, {len(created)} hearings added, "
                f"{len(flagged)} to confirm",
                params={"rows": len(rows), "created": len(created), "flagged": len(flagged)},
            )
        ],
        audit=[
            AuditLine(
                "hearing.ecourts_import",
                object_type="case",
                object_id=case.id,
                summary=f"{len(rows)} rows, {len(created)} created, {len(flagged)} flagged",
            )
        ],
    )
    return ImportReport(rows=len(rows), matched=matched, created=created, flagged=flagged)


async def _move_next_hearing(session: AsyncSession, hearing: Hearing) -> None:
    """The hearing we scheduled from our next date follows eCourts' date, if not yet held."""
    if hearing.next_hearing_id is None:
        return
    following = await session.get(Hearing, hearing.next_hearing_id)
    if following is None or following.status != HearingStatus.SCHEDULED.value:
        return
    if hearing.next_date is None:
        following.status = HearingStatus.CANCELLED.value
        return
    already = await session.scalar(
        select(Hearing).where(
            Hearing.case_id == hearing.case_id,
            Hearing.hearing_date == hearing.next_date,
            Hearing.status != HearingStatus.CANCELLED.value,
            Hearing.id != following.id,
        )
    )
    if already is not None:  # eCourts' date already has its hearing: ours was never held
        following.status = HearingStatus.CANCELLED.value
        hearing.next_hearing_id = already.id
    else:
        following.hearing_date = hearing.next_date


# eCourts calls the survivor's testimony "evidence"; a recorded deposition is not a difference.
_SAME_ON_ECOURTS = {
    Purpose.SURVIVOR_DEPOSITION.value: Purpose.PROSECUTION_EVIDENCE,
    Purpose.CROSS_EXAMINATION.value: Purpose.PROSECUTION_EVIDENCE,
}


async def settle_difference(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    hearing: Hearing,
    *,
    version: int,
    keep: str,
) -> Hearing:
    """The lawyer keeps eCourts' values or ours; either way the hearing becomes verified."""
    if version != hearing.version:
        raise StaleVersion("hearing", hearing_snapshot(hearing))
    if not hearing.discrepancies and hearing.verified:
        raise Conflict("This hearing has nothing waiting to be confirmed.")
    if keep == "ecourts":
        for name, values in hearing.discrepancies.items():
            value = values.get("ecourts")
            if name == "next_date":
                hearing.next_date = date.fromisoformat(value) if value else None
                await _move_next_hearing(session, hearing)
            elif name == "purpose" and value:
                hearing.purpose = value
    hearing.discrepancies = {}
    hearing.verified = True
    await session.flush()
    await audit.record(
        session,
        actor,
        action="hearing.confirm",
        object_type="hearing",
        object_id=hearing.id,
        summary=f"kept {keep}",
    )
    return hearing
