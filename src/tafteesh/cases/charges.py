"""Charges: sections from the catalogue, checked against the case's legal regime."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit import service as audit
from tafteesh.cases.catalogue import Act, Section, UnknownSectionError, load_catalogue
from tafteesh.cases.errors import UnknownCharge
from tafteesh.cases.models import CaseCharge
from tafteesh.cases.schemas import ChargeIn
from tafteesh.cases.stages import Regime
from tafteesh.driver import DriverStatement

# Core, built once and run on the driver: the case page and the case API read it on every
# request.
_charges = cast(Table, CaseCharge.__table__).c
_CHARGES_SELECT = (
    select(_charges.act, _charges.section)
    .where(_charges.case_id == bindparam("case_id"))
    .order_by(_charges.id)
)
_CHARGES_OF = DriverStatement(_CHARGES_SELECT)
# The same, writing the audit row of the read that shows them: a case page reads its charges
# on every tab, and its audit row then costs no round trip of its own.
_CHARGES_OF_AUDITED = DriverStatement(_CHARGES_SELECT.add_cte(audit.read_audit()))


async def charges_of(
    session: AsyncSession, case_id: uuid.UUID, *, read_audit: dict[str, Any] | None = None
) -> list[Section]:
    """The case's charges; with ``read_audit`` (``audit.read_audit_values``), the statement also
    writes that audit row."""
    if read_audit is None:
        rows = await _CHARGES_OF.fetch(session, {"case_id": case_id})
    else:
        rows = await _CHARGES_OF_AUDITED.fetch(session, {"case_id": case_id, **read_audit})
    return sections_of(rows)


def sections_of(charges: Iterable[Sequence[str]]) -> list[Section]:
    """The catalogue's sections for stored charges, given as (act, section) pairs."""
    catalogue = load_catalogue()
    return [catalogue.get(Act(act), section) for act, section in charges]


def resolve_charges(charges: list[ChargeIn], regime: Regime) -> list[Section]:
    """Each charge must be in the catalogue and belong to the case's legal regime."""
    catalogue = load_catalogue()
    regime_acts = {Act.IPC} if regime is Regime.OLD_CODES else {Act.BNS}
    other = Act.BNS if regime is Regime.OLD_CODES else Act.IPC
    resolved: list[Section] = []
    seen: set[tuple[str, str]] = set()
    for charge in charges:
        try:
            act = Act(charge.act)
            section = catalogue.get(act, charge.section)
        except (ValueError, UnknownSectionError) as exc:
            raise UnknownCharge(
                f"{charge.act} {charge.section} is not in the sections catalogue. "
                "Choose a section from the list.",
                details={"fields": {"charges": f"{charge.act} {charge.section} unknown"}},
            ) from exc
        if act is other and act not in regime_acts:
            raise UnknownCharge(
                f"{section.citation} belongs to the "
                f"{'new' if act is Act.BNS else 'old'} codes, but this case is under the "
                f"{regime.label}. Charge the equivalent section instead.",
                details={"fields": {"charges": section.citation}},
            )
        key = (act.value, section.section)
        if key not in seen:
            seen.add(key)
            resolved.append(section)
    return resolved


async def replace_charges(
    session: AsyncSession, case_id: uuid.UUID, sections: list[Section]
) -> None:
    existing = await session.scalars(select(CaseCharge).where(CaseCharge.case_id == case_id))
    for charge in existing:
        await session.delete(charge)
    await session.flush()
    for section in sections:
        session.add(CaseCharge(case_id=case_id, act=section.act.value, section=section.section))
    await session.flush()
