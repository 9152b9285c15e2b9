"""Listing cases: the filters, keyset pagination and the visibility rule, as one SQL query.

The list is a hot path (every lawyer's first screen), so it selects plain columns with
SQLAlchemy Core instead of loading ORM objects.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ARRAY,
    BindParameter,
    ColumnElement,
    ScalarSelect,
    String,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from tafteesh.audit import service as audit
from tafteesh.auth.models import Organisation
from tafteesh.auth.principal import Principal
from tafteesh.cases.models import Case, CaseTeamMember, Survivor
from tafteesh.cases.policy import (
    Visibility,
    viewer_values,
    visibility,
    visible_cases_condition,
)
from tafteesh.cases.stages import Stage
from tafteesh.driver import DriverStatement
from tafteesh.errors import InvalidInput
from tafteesh.india import today_in_india


@dataclass(frozen=True)
class CaseFilters:
    stage: Stage | None = None
    district: str | None = None
    court: str | None = None
    organisation_id: uuid.UUID | None = None
    overdue: bool = False
    search: str | None = None


@dataclass(frozen=True)
class CaseCursor:
    updated_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        return f"{self.updated_at.isoformat()}_{self.id}"

    @classmethod
    def decode(cls, text: str) -> CaseCursor:
        try:
            stamp, _, ident = text.rpartition("_")
            return cls(datetime.fromisoformat(stamp), uuid.UUID(ident))
        except ValueError as exc:
            raise InvalidInput("The page cursor is not valid; start from the first page.") from exc


@dataclass(frozen=True)
class _ListShape:
    """What decides the list statement's SQL text; the values themselves are bound parameters.

    Building and hashing a SELECT of this size costs more Python than PostgreSQL spends running
    it, so each shape is built once per process (there are a few hundred at most) and only the
    values change per request.
    """

    visibility: Visibility
    stage: bool
    district: bool
    court: bool
    organisation: bool
    overdue: bool
    search: bool
    cursor: bool
    limit: int


def _filter_conditions(shape: _ListShape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if shape.stage:
        conditions.append(Case.stage == bindparam("stage"))
    if shape.district:
        conditions.append(func.lower(Case.fir_district) == bindparam("district"))
    if shape.court:
        conditions.append(Case.court_establishment.ilike(bindparam("court_pattern")))
    if shape.organisation:
        conditions.append(Case.owning_organisation_id == bindparam("organisation_id"))
    if shape.overdue:
        conditions.append(Case.next_clock_due_on < bindparam("today"))
    if shape.search:
        pattern: BindParameter[str] = bindparam("search_pattern")
        conditions.append(
            or_(
                Case.reference.ilike(pattern),
                Case.fir_number.ilike(pattern),
                Case.cnr.ilike(pattern),
                exists(
                    select(Survivor.id).where(
                        Survivor.case_id == Case.id, Survivor.pseudonym.ilike(pattern)
                    )
                ),
            )
        )
    return conditions


def _membership_conditions(shape: _ListShape) -> list[ColumnElement[bool]]:
    """The stage and district filters again, on the team membership's copies of them (migration
    0008): a team member's list then reads only her memberships that match, instead of looking
    up every case she is on. The same bound values as the case's own tests."""
    conditions: list[ColumnElement[bool]] = []
    if shape.stage:
        conditions.append(CaseTeamMember.case_stage == bindparam("stage"))
    if shape.district:
        conditions.append(CaseTeamMember.case_district_key == bindparam("district"))
    return conditions


def _filter_values(filters: CaseFilters, today: date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if filters.stage:
        values["stage"] = filters.stage.value
    if filters.district:
        values["district"] = filters.district.strip().lower()
    if filters.court:
        values["court_pattern"] = f"%{_escape(filters.court)}%"
    if filters.organisation_id:
        values["organisation_id"] = filters.organisation_id
    if filters.overdue:
        values["today"] = today
    if filters.search:
        values["search_pattern"] = f"%{_escape(filters.search.strip())}%"
    return values


def pseudonyms_of(case_id: InstrumentedAttribute[uuid.UUID]) -> ScalarSelect[list[str]]:
    """The pseudonyms of the case ``case_id`` names, as a column of a list (never identities):
    typed as an array of text so the driver may return it (tafteesh.driver)."""
    return (
        select(
            func.coalesce(
                func.array_agg(Survivor.pseudonym.distinct()), literal([]), type_=ARRAY(String)
            )
        )
        .where(Survivor.case_id == case_id)
        .scalar_subquery()
    )


@lru_cache(maxsize=1024)
def _list_statement(shape: _ListShape) -> DriverStatement:
    """The list's statement for one shape of filters, built once and run on the driver: the
    list is the app's most used page."""
    query = (
        select(
            Case.id,
            Case.reference,
            Case.stage,
            Case.stage_since,
            Case.regime,
            Case.police_station,
            Case.fir_number,
            Case.fir_year,
            Case.fir_district,
            Case.court_establishment,
            Case.cnr,
            Organisation.name.label("owning_organisation"),
            pseudonyms_of(Case.id).label("survivors"),
            Case.next_clock_due_on,
            Case.updated_at,
        )
        .join(Organisation, Organisation.id == Case.owning_organisation_id)
        .where(
            visible_cases_condition(
                shape.visibility, membership_narrowed_by=_membership_conditions(shape)
            ),
            *_filter_conditions(shape),
        )
    )
    if shape.cursor:
        query = query.where(
            or_(
                Case.updated_at < bindparam("cursor_updated_at"),
                and_(
                    Case.updated_at == bindparam("cursor_updated_at"),
                    Case.id < bindparam("cursor_id"),
                ),
            )
        )
    # The page is read through a CTE so that its audit row can say how many cases it showed.
    listed = query.order_by(Case.updated_at.desc(), Case.id.desc()).limit(shape.limit + 1)
    listed_cte = listed.cte("listed")
    shown = func.concat(func.least(func.count(), shape.limit), " rows")
    return DriverStatement(
        select(listed_cte)
        .order_by(listed_cte.c.updated_at.desc(), listed_cte.c.id.desc())
        .add_cte(audit.read_audit(shown, rows_from=listed_cte))
    )


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def list_cases(
    session: AsyncSession,
    actor: Principal,
    filters: CaseFilters,
    *,
    cursor: CaseCursor | None = None,
    limit: int = 25,
) -> tuple[list[dict[str, Any]], CaseCursor | None]:
    """Cases the actor may see, most recently changed first, as plain rows (no ORM objects)."""
    today = today_in_india()
    shape = _ListShape(
        visibility=visibility(actor),
        stage=filters.stage is not None,
        district=bool(filters.district),
        court=bool(filters.court),
        organisation=filters.organisation_id is not None,
        overdue=filters.overdue,
        search=bool(filters.search),
        cursor=cursor is not None,
        limit=limit,
    )
    values = {
        **_filter_values(filters, today),
        **viewer_values(actor),
        **audit.read_audit_values(actor, audit.AuditLine("case.list")),
    }
    if cursor:
        values["cursor_updated_at"] = cursor.updated_at
        values["cursor_id"] = cursor.id
    rows = [dict(row) for row in await _list_statement(shape).fetch(session, values)]
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = CaseCursor(rows[-1]["updated_at"], rows[-1]["id"])
    for row in rows:
        row["stage"] = Stage(row["stage"])
        row["stage_label"] = row["stage"].label
        row["overdue"] = row["next_clock_due_on"] is not None and row["next_clock_due_on"] < today
        row["survivors"] = sorted(row["survivors"] or [])
    return rows, next_cursor
