"""Recording a change to a case (cases.changes.record_change): the three traces in one statement."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.audit.service import AuditLine
from tafteesh.auth.roles import Role
from tafteesh.cases.changes import record_change
from tafteesh.cases.models import Case, TimelineEvent
from tafteesh.cases.timeline import Entry, EventKind
from tests.cases.conftest import MakeActor, MakeCase


async def _case(session: AsyncSession, make_actor: MakeActor, make_case: MakeCase) -> Case:
    lawyer = await make_actor(Role.LAWYER)
    opened = await make_case(lawyer)
    case = await session.get(Case, uuid.UUID(opened["id"]))
    assert case is not None
    return case


async def _events(session: AsyncSession, case: Case) -> list[TimelineEvent]:
    query = select(TimelineEvent).where(TimelineEvent.case_id == case.id)
    return list(await session.scalars(query.order_by(TimelineEvent.id)))


async def test_events_and_audit_rows_are_written_in_the_order_given(
    session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    case = await _case(session, make_actor, make_case)
    actor = await make_actor(Role.SOCIAL_WORKER)
    before = len(await _events(session, case))
    changed_before = case.updated_at
    first = Entry(EventKind.HEARING_SCHEDULED, "Hearing on 3 Mar", "You have a court date.", {})
    second = Entry(EventKind.HEARING_OUTCOME, "Hearing of 1 Feb: adjourned", None, {"n": 2})
    marker = uuid.uuid4().hex

    await record_change(
        session,
        actor.user,
        case,
        events=[first, second],
        audit=[
            AuditLine("test.first", "hearing", marker, "one"),
            AuditLine("test.second", "hearing", marker, "two"),
        ],
    )

    events = (await _events(session, case))[before:]
    assert [(e.kind, e.summary, e.survivor_visible, e.params) for e in events] == [
        ("hearing.scheduled", "Hearing on 3 Mar", True, {}),
        ("hearing.outcome", "Hearing of 1 Feb: adjourned", False, {"n": 2}),
    ]
    assert events[0].survivor_summary == "You have a court date."
    assert {e.actor_id for e in events} == {actor.user.id}
    rows = list(
        await session.scalars(
            select(AuditEvent).where(AuditEvent.object_id == marker).order_by(AuditEvent.id)
        )
    )
    assert [(r.action, r.summary, r.actor_role) for r in rows] == [
        ("test.first", "one", "social_worker"),
        ("test.second", "two", "social_worker"),
    ]
    await session.refresh(case)
    assert case.updated_at > changed_before


async def test_a_change_that_is_not_news_leaves_the_case_unmarked(
    session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    case = await _case(session, make_actor, make_case)
    changed_before = case.updated_at
    before = len(await _events(session, case))

    await record_change(session, None, case, audit=[AuditLine("test.quiet")], touch=False)

    await session.refresh(case)
    assert case.updated_at == changed_before
    assert len(await _events(session, case)) == before


async def test_pending_orm_changes_reach_the_database_first(
    session: AsyncSession, make_actor: MakeActor, make_case: MakeCase
) -> None:
    """A service that changed the case through the ORM and then records the change must not see
    its change lost or reordered behind the bookkeeping."""
    case = await _case(session, make_actor, make_case)
    case.judge = "Smt. A. Ghosh"
    await record_change(session, None, case, events=[Entry(EventKind.CASE_UPDATED, "judge")])
    assert not session.dirty
    stored = await session.scalar(select(Case.judge).where(Case.id == case.id))
    assert stored == "Smt. A. Ghosh"
