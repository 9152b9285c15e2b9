"""Cause lists ("my hearings", and the consortium-wide list for leads) and the calendar feed."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit import service as audit
from tafteesh.auth.models import User
from tafteesh.auth.principal import Principal
from tafteesh.cases.listing import pseudonyms_of
from tafteesh.cases.models import Case, CaseTeamMember
from tafteesh.cases.policy import Visibility, viewer_values, visibility, visible_cases_condition
from tafteesh.db import as_dicts
from tafteesh.driver import DriverRow, DriverStatement
from tafteesh.hearings.models import CalendarToken, Hearing
from tafteesh.hearings.vocabulary import HearingStatus, Purpose


def _on_team() -> ColumnElement[bool]:
    return exists(
        select(CaseTeamMember.id).where(
            CaseTeamMember.case_id == Hearing.case_id,
            CaseTeamMember.user_id == bindparam("viewer_id"),
            CaseTeamMember.removed_at.is_(None),
        )
    )


# The statements below are built once per shape (who reads, "mine" or not) and bound to the
# reader and the dates on each request: building them costs more than running them.
def _rows_query(kind: Visibility, *, mine: bool, with_pseudonyms: bool) -> Any:
    columns: list[Any] = [
        Hearing.id,
        Hearing.case_id,
        Case.reference.label("case_reference"),
        Hearing.hearing_date,
        Hearing.hearing_time,
        Hearing.session,
        Hearing.court_establishment,
        Hearing.court_number,
        Hearing.purpose,
        Hearing.status,
        Hearing.outcome,
        Hearing.next_date,
        Hearing.version,
    ]
    if with_pseudonyms:
        columns.append(pseudonyms_of(Hearing.case_id).label("survivors"))
    query = (
        select(*columns).join(Case, Case.id == Hearing.case_id).where(visible_cases_condition(kind))
    )
    if mine and kind is not Visibility.TEAM:
        # For a team member the visibility test already is "on the case's team": asking again
        # made PostgreSQL join her memberships twice.
        query = query.where(_on_team())
    return query.where(Hearing.status != HearingStatus.CANCELLED.value)


@lru_cache(maxsize=64)
def _between_statement(kind: Visibility, mine: bool, limit: int) -> DriverStatement:
    return DriverStatement(
        _rows_query(kind, mine=mine, with_pseudonyms=True)
        .where(Hearing.hearing_date >= bindparam("start"), Hearing.hearing_date <= bindparam("end"))
        .order_by(Hearing.hearing_date, Hearing.hearing_time.nulls_last(), Case.reference)
        .limit(limit)
        .add_cte(audit.read_audit())
    )


@lru_cache(maxsize=16)
def _cause_list_statements(kind: Visibility, mine: bool) -> tuple[DriverStatement, DriverStatement]:
    base = _rows_query(kind, mine=mine, with_pseudonyms=True)
    upcoming = (
        base.where(
            Hearing.hearing_date >= bindparam("today"),
            Hearing.hearing_date <= bindparam("week_end"),
        )
        .order_by(Hearing.hearing_date, Hearing.hearing_time.nulls_last(), Case.reference)
        .limit(300)
        .add_cte(audit.read_audit())
    )
    waiting = (
        base.where(
            Hearing.hearing_date < bindparam("today"),
            Hearing.status == HearingStatus.SCHEDULED.value,
        )
        .order_by(Hearing.hearing_date.desc())
        .limit(300)
    )
    return DriverStatement(upcoming), DriverStatement(waiting)


_PURPOSE_LABELS = {purpose.value: purpose.label for purpose in Purpose}


def _as_dicts(rows: Sequence[DriverRow]) -> list[dict[str, Any]]:
    result = [dict(row) for row in rows]
    for item in result:
        item["purpose_label"] = _PURPOSE_LABELS[item["purpose"]]
        item["survivors"] = sorted(item.get("survivors") or [])
    return result


async def hearings_between(
    session: AsyncSession,
    actor: Principal,
    *,
    start: date,
    end: date,
    mine: bool,
    limit: int = 500,
) -> list[dict[str, Any]]:
    rows = await _between_statement(visibility(actor), mine, limit).fetch(
        session,
        {
            **viewer_values(actor),
            "start": start,
            "end": end,
            **audit.read_audit_values(
                actor, audit.AuditLine("hearing.list", summary=f"{start}..{end}")
            ),
        },
    )
    return _as_dicts(rows)


@dataclass
class CauseList:
    today: list[dict[str, Any]] = field(default_factory=list)
    this_week: list[dict[str, Any]] = field(default_factory=list)
    awaiting_outcome: list[dict[str, Any]] = field(default_factory=list)


async def cause_list(
    session: AsyncSession, actor: Principal, *, today: date, mine: bool
) -> CauseList:
    """Today, the next six days, and past hearings still waiting for their outcome."""
    values = viewer_values(actor)
    upcoming_statement, waiting_statement = _cause_list_statements(visibility(actor), mine)
    upcoming = await upcoming_statement.fetch(
        session,
        {
            **values,
            "today": today,
            "week_end": today + timedelta(6),
            **audit.read_audit_values(
                actor, audit.AuditLine("hearing.cause_list", summary=today.isoformat())
            ),
        },
    )
    waiting = await waiting_statement.fetch(session, {**values, "today": today})
    result = CauseList(awaiting_outcome=_as_dicts(waiting))
    for row in _as_dicts(upcoming):
        (result.today if row["hearing_date"] == today else result.this_week).append(row)
    return result


# -- calendar feed ---------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_calendar_token(session: AsyncSession, actor: Principal) -> str:
    """A new secret feed address; the previous one stops working at once."""
    await revoke_calendar_token(session, actor)
    token = secrets.token_urlsafe(32)
    session.add(CalendarToken(user_id=actor.id, token_hash=_token_hash(token)))
    await session.flush()
    await audit.record(
        session, actor, action="calendar.create", object_type="user", object_id=actor.id
    )
    return token


async def revoke_calendar_token(session: AsyncSession, actor: Principal) -> bool:
    result = await session.execute(
        update(CalendarToken)
        .where(CalendarToken.user_id == actor.id, CalendarToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    revoked = bool(result.rowcount)  # type: ignore[attr-defined]
    if revoked:
        await audit.record(
            session, actor, action="calendar.revoke", object_type="user", object_id=actor.id
        )
    return revoked


async def has_calendar_token(session: AsyncSession, actor: Principal) -> bool:
    return bool(
        await session.scalar(
            select(CalendarToken.id).where(
                CalendarToken.user_id == actor.id, CalendarToken.revoked_at.is_(None)
            )
        )
    )


async def calendar_feed_rows(
    session: AsyncSession, token: str, *, today: date
) -> list[dict[str, Any]] | None:
    """The hearings for a feed token's owner, or None when the token is unknown or revoked.

    Columns are chosen so that nothing about a survivor can reach the feed: it leaves the server
    for phones and shared calendars.
    """
    owner = await session.scalar(
        select(User.id)
        .join(CalendarToken, CalendarToken.user_id == User.id)
        .where(
            CalendarToken.token_hash == _token_hash(token),
            CalendarToken.revoked_at.is_(None),
            User.is_active,
        )
    )
    if owner is None:
        return None
    rows = await session.execute(
        select(
            Hearing.id,
            Case.reference,
            Hearing.court_establishment,
            Hearing.court_number,
            Hearing.purpose,
            Hearing.hearing_date,
            Hearing.hearing_time,
            Hearing.session,
            Hearing.status,
            Hearing.created_at,
            Hearing.outcome_recorded_at,
        )
        .join(Case, Case.id == Hearing.case_id)
        .where(
            _on_team(),
            Hearing.hearing_date >= today - timedelta(days=30),
            Hearing.hearing_date <= today + timedelta(days=366),
        )
        .order_by(Hearing.hearing_date),
        {"viewer_id": owner},  # the feed's owner is the viewer of _on_team
    )
    await audit.record(session, None, action="calendar.feed", object_type="user", object_id=owner)
    return as_dicts(rows)
