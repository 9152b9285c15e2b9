"""Statutory clocks of a stored case: gather its facts, compute (``clocks.py``), keep the summary.

The rules stay pure in ``clocks.py``; this module only reads the dates they need: the FIR, the
stage history, each accused's first remand and whether a survivor is a minor.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.audit import service as audit
from tafteesh.cases.catalogue import Act, load_catalogue
from tafteesh.cases.clocks import CaseFacts, ClockAnchor, ClockState, ClockStatus, compute_clocks
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Accused, Case, CaseCharge, StageChange, Survivor
from tafteesh.cases.stages import Regime, Stage

# Default bail is a right of an accused held in custody; others have no clock running.
IN_CUSTODY = frozenset({"arrested", "judicial_custody"})
OPEN_STATES = frozenset({ClockState.RUNNING, ClockState.DUE_SOON, ClockState.OVERDUE})


@dataclass(frozen=True)
class CaseClock:
    status: ClockStatus
    accused_name: str | None = None  # default bail runs per accused


async def _first_dates(session: AsyncSession, case_id: uuid.UUID) -> dict[str, date]:
    """The first date the case entered each stage, and the day arguments closed."""
    entered = await session.execute(
        select(StageChange.to_stage, func.min(StageChange.effective_on))
        .where(StageChange.case_id == case_id)
        .group_by(StageChange.to_stage)
    )
    dates: dict[str, date] = {str(stage): day for stage, day in entered}
    # A stage's end is the first move out of it: arguments closed, prosecution evidence over.
    ended = await session.execute(
        select(StageChange.from_stage, func.min(StageChange.effective_on))
        .where(
            StageChange.case_id == case_id,
            StageChange.from_stage.in_(
                [Stage.FINAL_ARGUMENTS.value, Stage.PROSECUTION_EVIDENCE.value]
            ),
        )
        .group_by(StageChange.from_stage)
    )
    for stage, day in ended:
        dates[f"_end_of_{stage}"] = day
    return dates


async def case_facts(
    session: AsyncSession, case: Case, *, cipher: IdentityCipher
) -> tuple[CaseFacts, list[Accused]]:
    catalogue = load_catalogue()
    charges = await session.execute(
        select(CaseCharge.act, CaseCharge.section).where(CaseCharge.case_id == case.id)
    )
    sections = tuple(catalogue.get(Act(act), section) for act, section in charges)
    survivors = await session.execute(
        select(Survivor.id, Survivor.identity_ciphertext).where(Survivor.case_id == case.id)
    )
    minor = any(cipher.decrypt(sid, blob).is_minor for sid, blob in survivors)
    dates = await _first_dates(session, case.id)
    judgment = [d for s in (Stage.CONVICTED, Stage.ACQUITTED) if (d := dates.get(s.value))]
    facts = CaseFacts(
        regime=Regime(case.regime),
        charged_sections=sections,
        victim_is_minor=minor,
        fir_date=case.fir_date,
        chargesheet_date=dates.get(Stage.CHARGESHEET_FILED.value),
        closure_report_date=dates.get(Stage.CLOSURE_REPORT.value),
        cognizance_date=dates.get(Stage.COGNIZANCE.value),
        committal_date=dates.get(Stage.COMMITTED_TO_SESSIONS.value),
        first_charge_hearing_date=dates.get(Stage.CHARGE_HEARING.value),
        charges_framed_date=dates.get(Stage.CHARGES_FRAMED.value),
        arguments_closed_date=dates.get(f"_end_of_{Stage.FINAL_ARGUMENTS.value}"),
        # Until hearings record the child's deposition itself, the end of prosecution evidence
        # is the latest day it can have been recorded (POCSO 35(1)).
        child_evidence_recorded_date=dates.get(f"_end_of_{Stage.PROSECUTION_EVIDENCE.value}"),
        judgment_date=min(judgment) if judgment else None,
        victim_informed_date=case.victim_informed_on,
    )
    accused = list(
        await session.scalars(
            select(Accused).where(Accused.case_id == case.id).order_by(Accused.created_at)
        )
    )
    return facts, accused


async def clocks_for_case(
    session: AsyncSession, case: Case, *, cipher: IdentityCipher, today: date
) -> list[CaseClock]:
    facts, accused = await case_facts(session, case, cipher=cipher)
    result = [CaseClock(status) for status in compute_clocks(facts, today=today)]
    for person in accused:
        if person.first_remand_on is None or person.status not in IN_CUSTODY:
            continue
        per_accused = replace(facts, first_remand_date=person.first_remand_on)
        for status in compute_clocks(per_accused, today=today):
            if status.anchor is ClockAnchor.FIRST_REMAND:
                result.append(CaseClock(status, accused_name=person.name))
    result.sort(key=lambda clock: (clock.status.status is ClockState.MET, clock.status.due_date))
    return result


def next_due(clocks: list[CaseClock]) -> date | None:
    open_dates = [c.status.due_date for c in clocks if c.status.status in OPEN_STATES]
    return min(open_dates) if open_dates else None


async def refresh_next_due(
    session: AsyncSession, case: Case, *, cipher: IdentityCipher, today: date
) -> None:
    """Store the earliest open due date without touching the case's version: adding an accused
    must not make a colleague's open edit of the case look stale."""
    due = next_due(await clocks_for_case(session, case, cipher=cipher, today=today))
    if due != case.next_clock_due_on:
        await session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(next_clock_due_on=due)
            .execution_options(synchronize_session=False)
        )
        set_committed_value(case, "next_clock_due_on", due)


async def refresh_all_next_due(
    sessionmaker: Callable[[], AsyncSession],
    *,
    cipher: IdentityCipher,
    today: date,
    batch: int = 200,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Recompute every case's stored next due date; returns (cases seen, cases changed).

    The stored date is a summary of the clock rules as they were when the case last changed.
    When the rules change (a new provision, a corrected period), run this once after the
    upgrade (``tafteesh cases refresh-clocks``) so the "overdue" filter agrees with the clocks
    pages again. One transaction per batch, so a long run holds no lock for long and can be
    stopped and run again.
    """
    seen = changed = 0
    after: uuid.UUID | None = None
    while True:
        async with sessionmaker() as session, session.begin():
            query = select(Case).order_by(Case.id).limit(batch)
            if after is not None:
                query = query.where(Case.id > after)
            cases = list(await session.scalars(query))
            for case in cases:
                before = case.next_clock_due_on
                await refresh_next_due(session, case, cipher=cipher, today=today)
                changed += case.next_clock_due_on != before
            seen += len(cases)
            if cases:
                await audit.record(
                    session,
                    None,
                    action="cases.refresh_clocks",
                    summary=f"{len(cases)} cases up to {cases[-1].id}",
                )
        if progress is not None:
            progress(seen, changed)
        if len(cases) < batch:
            return seen, changed
        after = cases[-1].id
