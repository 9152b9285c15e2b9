"""Small rules shared by the case services: marking a case changed, checking dates."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from tafteesh.cases.models import Case
from tafteesh.errors import InvalidInput
from tafteesh.india import today_in_india

__all__ = ["today_in_india", "touch"]  # today_in_india re-exported for older callers


async def touch(session: AsyncSession, case: Case) -> None:
    """Mark the case as changed (for "recently changed" lists) without bumping its version.

    Adding an accused or a team member changes the case's parts, not its record: a colleague
    editing the record at the same time must not be told it went stale.
    """
    now = datetime.now(UTC)
    await session.execute(
        update(Case)
        .where(Case.id == case.id)
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(case, "updated_at", now)


def check_date_between(
    label: str, day: date | None, earliest: date, latest: date, field: str
) -> None:
    """Refuse a date outside [earliest, latest] with a message naming both ends."""
    if day is not None and not earliest <= day <= latest:
        raise InvalidInput(
            f"The {label} must be between {earliest:%d %b %Y} and {latest:%d %b %Y}.",
            details={"fields": {field: "out of range"}},
        )


def check_fir_year(fir_year: int, fir_date: date, *, zero_fir: bool) -> None:
    # Police number FIRs per year; a mismatch is usually a typing slip. A zero FIR keeps the
    # number given where it was first registered.
    if fir_year != fir_date.year and not zero_fir:
        raise InvalidInput(
            f"The FIR year {fir_year} does not match the FIR date ({fir_date:%d %b %Y}).",
            details={"fields": {"fir_year": "does not match the FIR date"}},
        )
