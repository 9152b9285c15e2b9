"""The business verbs of a case: open it, change it, move its stage, list and read it.

Every write appends a timeline event and an audit row in the same transaction, and refreshes the
case's next statutory due date so "overdue" stays a cheap indexed filter.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit import service as audit
from tafteesh.audit.service import AuditLine
from tafteesh.auth.models import Organisation
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.bookkeeping import check_fir_year
from tafteesh.cases.changes import record_change
from tafteesh.cases.charges import charges_of, replace_charges, resolve_charges
from tafteesh.cases.clock_service import refresh_next_due
from tafteesh.cases.errors import IllegalStageChange
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Case, CaseTeamMember, StageChange
from tafteesh.cases.policy import can_create_case
from tafteesh.cases.schemas import CaseCreate, CaseUpdate, ChargeIn
from tafteesh.cases.stages import (
    SUSPENSIONS,
    Regime,
    Stage,
    StageTransitionError,
    check_transition,
    default_regime,
)
from tafteesh.driver import DriverRow, DriverStatement
from tafteesh.errors import Conflict, Forbidden, InvalidInput, NotFound, StaleVersion
from tafteesh.india import today_in_india

# -- reading -----------------------------------------------------------------------------------


_changes = cast(Table, StageChange.__table__).c
# What a stage change shows, here and on the case page's overview (views.case_overview).
STAGE_HISTORY_FIELDS = ("from_stage", "to_stage", "effective_on", "recorded_at", "note")
_STAGE_HISTORY = DriverStatement(
    select(*(_changes[name] for name in STAGE_HISTORY_FIELDS))
    .where(_changes.case_id == bindparam("case_id"))
    .order_by(_changes.id)
)


async def stage_history(session: AsyncSession, case_id: uuid.UUID) -> Sequence[DriverRow]:
    """The case's stage changes, oldest first, as rows on the driver: they are only shown (the
    API's history; the case page reads them with its charges, views.case_overview)."""
    return await _STAGE_HISTORY.fetch(session, {"case_id": case_id})


def read_line(case: Case, what: str) -> AuditLine:
    """The audit row of reading ``what`` of a case (its page, its timeline, its clocks…)."""
    return AuditLine(f"case.{what}", "case", case.id, case.reference)


async def record_read(session: AsyncSession, actor: Principal, case: Case, what: str) -> None:
    line = read_line(case, what)
    await audit.record(
        session,
        actor,
        action=line.action,
        object_type=line.object_type,
        object_id=line.object_id,
        summary=line.summary,
    )


# -- opening and changing a case -------------------------------------------------------------


async def open_case(
    session: AsyncSession, actor: Principal, *, data: CaseCreate, cipher: IdentityCipher
) -> Case:
    """Open a case. Its creator joins its team in their own role."""
    if not can_create_case(actor):
        raise Forbidden("Only lawyers and social workers open cases.")
    today = today_in_india()
    if data.fir_date > today:
        raise InvalidInput(
            "The FIR date cannot be in the future.", details={"fields": {"fir_date": "future"}}
        )
    check_fir_year(data.fir_year, data.fir_date, zero_fir=data.zero_fir)
    regime = data.regime or default_regime(data.fir_date)
    sections = resolve_charges(data.charges, regime)
    stage_since = data.stage_since or data.fir_date
    if stage_since < data.fir_date or stage_since > today:
        raise InvalidInput(
            "The stage date must be between the FIR date and today.",
            details={"fields": {"stage_since": "out of range"}},
        )
    owner = data.owning_organisation_id or actor.organisation_id
    if await session.get(Organisation, owner) is None:
        raise InvalidInput(
            "Choose an existing organisation to own the case.",
            details={"fields": {"owning_organisation_id": "unknown organisation"}},
        )
    if await session.scalar(
        select(Case.id).where(func.lower(Case.reference) == data.reference.lower())
    ):
        raise Conflict(
            f"A case with the reference {data.reference} already exists.",
            details={"fields": {"reference": "already in use"}},
        )
    case = Case(
        reference=data.reference,
        regime=regime.value,
        police_station=data.police_station,
        fir_district=data.fir_district,
        fir_state=data.fir_state,
        fir_number=data.fir_number,
        fir_year=data.fir_year,
        fir_date=data.fir_date,
        zero_fir=data.zero_fir,
        court_establishment=data.court_establishment,
        court_number=data.court_number,
        judge=data.judge,
        court_district=data.court_district,
        cnr=data.cnr,
        case_type=data.case_type,
        case_number=data.case_number,
        source_state=data.source_state,
        destination_state=data.destination_state,
        victim_informed_on=data.victim_informed_on,
        owning_organisation_id=owner,
        stage=data.stage.value,
        stage_since=stage_since,
        created_by=actor.id,
    )
    if data.stage in SUSPENSIONS:
        raise InvalidInput("Open the case at the stage it was at before the stay or transfer.")
    session.add(case)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("A case with this reference or CNR already exists.") from exc
    session.add(
        StageChange(
            case_id=case.id,
            from_stage=None,
            to_stage=data.stage.value,
            effective_on=stage_since,
            actor_id=actor.id,
            note="case opened",
        )
    )
    session.add(
        CaseTeamMember(
            case_id=case.id, user_id=actor.id, team_role=actor.role, assigned_by=actor.id
        )
    )
    await replace_charges(session, case.id, sections)
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.CASE_OPENED,
                f"Case {case.reference} opened at '{data.stage.label}'",
                "Your case is now being tracked by your support team.",
                {"reference": case.reference, "stage": data.stage.value},
            )
        ],
        audit=[
            AuditLine("case.create", object_type="case", object_id=case.id, summary=case.reference)
        ],
        touch=False,  # the case's own record changed: updated_at is set with it
    )
    await refresh_next_due(session, case, cipher=cipher, today=today)
    return case


# A case record's fields: the FIR facts are required; the court's and the rest may be unknown.
CASE_REQUIRED = (
    "reference",
    "police_station",
    "fir_district",
    "fir_state",
    "fir_number",
    "fir_year",
    "fir_date",
    "zero_fir",
)
CASE_OPTIONAL = (
    "court_establishment",
    "court_number",
    "judge",
    "court_district",
    "cnr",
    "case_type",
    "case_number",
    "source_state",
    "destination_state",
    "victim_informed_on",
)
CASE_EDITABLE = ("regime", *CASE_REQUIRED, *CASE_OPTIONAL)


def case_snapshot(case: Case) -> dict[str, Any]:
    snapshot: dict[str, Any] = {name: getattr(case, name) for name in CASE_EDITABLE}
    snapshot.update({"stage": case.stage, "version": case.version})
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in snapshot.items()}


async def _flush_case(session: AsyncSession, case: Case) -> None:
    """Write the case record's changes, turning a stale version or a taken reference or CNR
    into the errors the user is shown."""
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("case", case_snapshot(case)) from exc
    except IntegrityError as exc:
        raise Conflict("Another case already has this reference or CNR.") from exc


async def update_case(
    session: AsyncSession, actor: Principal, case: Case, *, data: CaseUpdate, cipher: IdentityCipher
) -> Case:
    if data.version != case.version:
        raise StaleVersion("case", case_snapshot(case))
    changes = data.model_dump(exclude_unset=True, exclude={"version", "charges"})
    changed: list[str] = []
    for name, value in changes.items():
        if name in CASE_REQUIRED and value is None:
            raise InvalidInput(
                f"{name.replace('_', ' ').capitalize()} cannot be empty.",
                details={"fields": {name: "required"}},
            )
        if hasattr(value, "value"):
            value = value.value
        if getattr(case, name) != value:
            setattr(case, name, value)
            changed.append(name)
    if case.fir_date > today_in_india():
        raise InvalidInput(
            "The FIR date cannot be in the future.", details={"fields": {"fir_date": "future"}}
        )
    check_fir_year(case.fir_year, case.fir_date, zero_fir=case.zero_fir)
    if case.fir_date > case.stage_since:
        raise InvalidInput(
            f"The FIR date cannot be after {case.stage_since:%d %b %Y}, when the case reached "
            "its current stage.",
            details={"fields": {"fir_date": "after the current stage began"}},
        )
    regime = Regime(case.regime)
    events: list[timeline.Entry] = []
    record_changed = bool(changed)
    if record_changed:
        # The record first, in one UPDATE (one version): replacing charges flushes, and a
        # clash on the reference or a concurrent edit must become the error the user is shown.
        case.updated_at = datetime.now(UTC)
        await _flush_case(session, case)
    if data.charges is not None:
        sections = resolve_charges(data.charges, regime)
        before = {(s.act.value, s.section) for s in await charges_of(session, case.id)}
        after = {(s.act.value, s.section) for s in sections}
        if before != after:
            await replace_charges(session, case.id, sections)
            events.append(
                timeline.Entry(
                    timeline.EventKind.CHARGES_CHANGED,
                    "Charges now: " + (", ".join(s.citation for s in sections) or "none"),
                    params={"charges": [s.citation for s in sections]},
                )
            )
            changed.append("charges")
    elif "regime" in changed:
        resolve_charges(
            [
                ChargeIn(act=s.act.value, section=s.section)
                for s in await charges_of(session, case.id)
            ],
            regime,
        )
    if not changed:
        return case
    if not record_changed:  # only the charges: the case still counts as changed
        case.updated_at = datetime.now(UTC)
        await _flush_case(session, case)
    fields = [c for c in changed if c != "charges"]
    if fields:
        events.append(
            timeline.Entry(
                timeline.EventKind.CASE_UPDATED,
                "Case details changed: " + ", ".join(f.replace("_", " ") for f in fields),
                params={"fields": fields},
            )
        )
    await record_change(
        session,
        actor,
        case,
        events=events,
        audit=[AuditLine("case.update", "case", case.id, ", ".join(changed))],
        touch=False,  # updated_at was set with the record
    )
    await refresh_next_due(session, case, cipher=cipher, today=today_in_india())
    return case


async def change_stage(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    *,
    version: int,
    target: Stage,
    effective_on: date | None,
    note: str,
    victim_heard: bool,
    cipher: IdentityCipher,
) -> Case:
    """Move the case to its next stage; the allowed moves are data (``stages.TRANSITIONS``)."""
    if version != case.version:
        raise StaleVersion("case", case_snapshot(case))
    today = today_in_india()
    effective = effective_on or today
    if effective > today:
        raise InvalidInput(
            "A stage change cannot be dated in the future.",
            details={"fields": {"effective_on": "future"}},
        )
    if effective < case.stage_since:
        raise InvalidInput(
            f"The date must be on or after {case.stage_since:%d %b %Y}, when the case reached "
            f"its current stage.",
            details={"fields": {"effective_on": "before the current stage"}},
        )
    current = Stage(case.stage)
    previous = Stage(case.stage_before_suspension) if case.stage_before_suspension else None
    try:
        check_transition(current, target, previous=previous, victim_heard=victim_heard)
    except StageTransitionError as exc:
        from tafteesh.cases.stages import allowed_next

        allowed = sorted(s.value for s in allowed_next(current, previous=previous))
        raise IllegalStageChange(str(exc), details={"allowed_next": allowed}) from exc
    if target in SUSPENSIONS:
        case.stage_before_suspension = current.value
    elif current in SUSPENSIONS:
        case.stage_before_suspension = None
    case.stage = target.value
    case.stage_since = effective
    case.updated_at = datetime.now(UTC)
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("case", case_snapshot(case)) from exc
    session.add(
        StageChange(
            case_id=case.id,
            from_stage=current.value,
            to_stage=target.value,
            effective_on=effective,
            actor_id=actor.id,
            note=note,
        )
    )
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.STAGE_CHANGED,
                f"Stage: {current.label} → {target.label} (on {effective:%d %b %Y})"
                + (f". {note}" if note else ""),
                timeline.STAGE_FOR_SURVIVOR[target],
                {"from": current.value, "to": target.value, "effective_on": effective.isoformat()},
            )
        ],
        audit=[
            AuditLine(
                "case.stage",
                object_type="case",
                object_id=case.id,
                summary=f"{current.value} -> {target.value}",
            )
        ],
        touch=False,  # the case's own record changed: updated_at is set with it
    )
    await refresh_next_due(session, case, cipher=cipher, today=today)
    return case


def not_found() -> NotFound:
    return NotFound("There is no such case, or it is not one of yours.")
