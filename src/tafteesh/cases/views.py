"""Read models of a case and its parts, shared by the JSON API and the pages.

Identity is decrypted here and only when ``access.can_see_identity``; each decryption is audited.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import Column, Table, bindparam, func, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.selectable import ScalarSelect

from tafteesh.audit import service as audit
from tafteesh.cases import parties, team
from tafteesh.cases.catalogue import Section
from tafteesh.cases.charges import charges_of, sections_of
from tafteesh.cases.clock_service import CaseClock, clocks_for_case
from tafteesh.cases.dependencies import CaseAccess
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import CaseCharge, StageChange
from tafteesh.cases.schemas import (
    AccusedRead,
    CaseRead,
    ChargeRead,
    ClockRead,
    IdentityFields,
    SurvivorRead,
    SurvivorWithIdentity,
    TeamMemberRead,
)
from tafteesh.cases.service import STAGE_HISTORY_FIELDS, read_line
from tafteesh.cases.stages import Stage, allowed_next
from tafteesh.driver import DriverStatement, Records


async def case_read(
    session: AsyncSession, access: CaseAccess, *, read_as: str | None = None
) -> CaseRead:
    """The case as its reader may see it. ``read_as`` names the read for the audit log
    (``service.read_line``); its row is written by the statement that reads the charges."""
    read_audit = (
        audit.read_audit_values(access.actor, read_line(access.case, read_as)) if read_as else None
    )
    return _case_read(access, await charges_of(session, access.case.id, read_audit=read_audit))


def _packed(columns: tuple[Column[Any], ...], order_by: Column[Any]) -> ScalarSelect[Any]:
    """A case's rows of one table as a single ``record[]`` value, in ``order_by`` order."""
    rows = func.array_agg(aggregate_order_by(func.row(*columns), order_by), type_=Records())
    return select(rows).where(columns[0].table.c.case_id == bindparam("case_id")).scalar_subquery()


_charges = cast(Table, CaseCharge.__table__).c
_changes = cast(Table, StageChange.__table__).c
_history = tuple(_changes[name] for name in STAGE_HISTORY_FIELDS)
# The overview tab, the page every case link opens, reads the charges and the stage history and
# writes its audit row in one round trip instead of two.
_OVERVIEW = DriverStatement(
    select(
        _packed((_charges.act, _charges.section), _charges.id).label("charges"),
        _packed(_history, _changes.id).label("history"),
    ).add_cte(audit.read_audit())
)


async def case_overview(
    session: AsyncSession, access: CaseAccess, *, read_as: str
) -> tuple[CaseRead, list[dict[str, Any]]]:
    """The case as ``case_read`` gives it, and its stage changes oldest first (as
    ``service.stage_history``'s rows, in dicts), read and audited by one statement."""
    row = await _OVERVIEW.fetch_one(
        session,
        {
            "case_id": access.case.id,
            **audit.read_audit_values(access.actor, read_line(access.case, read_as)),
        },
    )
    charges, history = (row["charges"] or [], row["history"] or []) if row else ([], [])
    stage_history = [dict(zip(STAGE_HISTORY_FIELDS, change, strict=True)) for change in history]
    return _case_read(access, sections_of(charges)), stage_history


@cache
def charge_read(section: Section) -> ChargeRead:
    """A charge as pages and the API show it: the same for every case charged with that section,
    so made once per section (a case page shows a handful; making them cost it 1-2 %)."""
    return ChargeRead(
        act=section.act.value,
        section=section.section,
        citation=section.citation,
        title=section.short_title,
        max_punishment=str(section.max_punishment) if section.max_punishment else None,
    )


def _case_read(access: CaseAccess, charges: list[Section]) -> CaseRead:
    case = access.case
    current = Stage(case.stage)
    previous = Stage(case.stage_before_suspension) if case.stage_before_suspension else None
    return CaseRead(
        id=case.id,
        reference=case.reference,
        regime=case.regime,
        police_station=case.police_station,
        fir_district=case.fir_district,
        fir_state=case.fir_state,
        fir_number=case.fir_number,
        fir_year=case.fir_year,
        fir_date=case.fir_date,
        zero_fir=case.zero_fir,
        court_establishment=case.court_establishment,
        court_number=case.court_number,
        judge=case.judge,
        court_district=case.court_district,
        cnr=case.cnr,
        case_type=case.case_type,
        case_number=case.case_number,
        source_state=case.source_state,
        destination_state=case.destination_state,
        victim_informed_on=case.victim_informed_on,
        owning_organisation_id=case.owning_organisation_id,
        owning_organisation=access.owning_organisation,
        stage=current,
        stage_label=current.label,
        stage_since=case.stage_since,
        stage_before_suspension=previous,
        allowed_next_stages=sorted(allowed_next(current, previous=previous)),
        charges=[charge_read(s) for s in charges],
        next_clock_due_on=case.next_clock_due_on,
        version=case.version,
        created_at=case.created_at,
        updated_at=case.updated_at,
    )


async def survivor_reads(
    session: AsyncSession, access: CaseAccess, cipher: IdentityCipher
) -> list[SurvivorRead]:
    survivors = await parties.survivors_of(session, access.case.id)
    result: list[SurvivorRead] = []
    for s in survivors:
        base = {
            "id": s.id,
            "pseudonym": s.pseudonym,
            "has_account": s.user_id is not None,
            "leader_consent_on": s.leader_consent_on,
            "version": s.version,
        }
        if access.can_see_identity:
            identity = cipher.decrypt(s.id, s.identity_ciphertext)
            result.append(
                SurvivorWithIdentity(**base, identity=IdentityFields(**identity.__dict__))
            )
        else:
            result.append(SurvivorRead(**base))
    if access.can_see_identity and survivors:
        await audit.record(
            session,
            access.actor,
            action="survivor.identity_view",
            object_type="case",
            object_id=access.case.id,
            summary=f"{len(survivors)} survivor(s)",
        )
    return result


async def accused_reads(session: AsyncSession, access: CaseAccess) -> list[AccusedRead]:
    return [
        AccusedRead(
            id=a.id,
            name=a.name,
            alias=a.alias,
            status=a.status,
            status_label=parties.ACCUSED_STATUS_LABELS[a.status],
            status_since=a.status_since,
            first_remand_on=a.first_remand_on,
            bail_court=a.bail_court,
            other_cases=others,
            version=a.version,
        )
        for a, others in await parties.accused_of(session, access.case.id)
    ]


async def team_reads(session: AsyncSession, access: CaseAccess) -> list[TeamMemberRead]:
    return [TeamMemberRead(**m) for m in await team.members(session, access.case.id)]


def clock_read(clock: CaseClock) -> ClockRead:
    s = clock.status
    return ClockRead(
        code=s.code,
        label=s.label,
        applies_to=clock.accused_name,
        anchor_date=s.anchor_date,
        due_date=s.due_date,
        limit_days=s.limit_days,
        status=s.status.value,
        met_on=s.met_on,
        met_late=s.met_late,
        days_left=s.days_left,
        days_overdue=s.days_overdue,
        contested=s.contested,
        note=s.note,
    )


async def clock_reads(
    session: AsyncSession, access: CaseAccess, cipher: IdentityCipher, today: date
) -> list[ClockRead]:
    return [
        clock_read(c)
        for c in await clocks_for_case(session, access.case, cipher=cipher, today=today)
    ]
