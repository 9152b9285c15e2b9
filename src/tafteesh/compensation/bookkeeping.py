"""What every write to a claim shares: the dates it must satisfy, its clocks and next due date,
the optimistic version check, and the timeline event and audit row that go with it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit.service import AuditLine
from tafteesh.auth.principal import Principal
from tafteesh.cases import timeline
from tafteesh.cases.changes import record_change
from tafteesh.cases.models import Case, Survivor
from tafteesh.compensation import plain_language
from tafteesh.compensation.clocks import (
    ClaimClock,
    ClaimDatesError,
    ClaimFacts,
    ClockStatus,
    claim_clocks,
)
from tafteesh.compensation.models import CompensationClaim, CompensationClaimHead
from tafteesh.compensation.statuses import AuthorityKind, ClaimStatus, Scheme
from tafteesh.errors import InvalidInput, StaleVersion
from tafteesh.india import today_in_india

OPEN_CLOCKS = frozenset({ClockStatus.RUNNING, ClockStatus.DUE_SOON, ClockStatus.OVERDUE})


def claim_snapshot(claim: CompensationClaim) -> dict[str, Any]:
    """What a second writer is shown when the first already saved (no survivor identity)."""
    fields = (
        "status",
        "status_since",
        "claimed_paise",
        "interim_awarded_paise",
        "final_awarded_paise",
        "disbursed_paise",
        "deposit_paise",
        "applied_on",
        "recommended_on",
        "version",
    )
    snapshot = {name: getattr(claim, name) for name in fields}
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in snapshot.items()}


def is_acid_attack(heads: list[CompensationClaimHead]) -> bool:
    return any("acid attack" in h.head.lower() for h in heads)


def claim_facts(claim: CompensationClaim, heads: list[CompensationClaimHead]) -> ClaimFacts:
    """The dates the claim clocks run on; dates that cannot all be true are refused here."""
    try:
        return ClaimFacts(
            scheme=Scheme(claim.scheme),
            applied_on=claim.applied_on,
            recommended_on=claim.recommended_on,
            acid_attack=is_acid_attack(heads),
            interim_paid_on=claim.interim_paid_on,
            rejected_on=claim.rejected_on,
            awarded_on=claim.final_awarded_on,
            first_paid_on=claim.final_first_paid_on,
            withdrawn_on=claim.status_since if claim.status == ClaimStatus.WITHDRAWN else None,
        )
    except ClaimDatesError as exc:
        raise InvalidInput(str(exc)) from exc


def clocks_of(
    claim: CompensationClaim, heads: list[CompensationClaimHead], today: date
) -> list[ClaimClock]:
    return claim_clocks(claim_facts(claim, heads), today=today)


def next_due(clocks: list[ClaimClock]) -> date | None:
    dates = [c.due_on for c in clocks if c.status in OPEN_CLOCKS and c.due_on is not None]
    return min(dates, default=None)


async def save(
    session: AsyncSession, claim: CompensationClaim, heads: list[CompensationClaimHead]
) -> None:
    """Check the dates, keep the next due date and write the claim, refusing a stale version."""
    claim.next_due_on = next_due(clocks_of(claim, heads, today_in_india()))
    claim.updated_at = datetime.now(UTC)
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("claim", claim_snapshot(claim)) from exc


def check_version(claim: CompensationClaim, version: int) -> None:
    if version != claim.version:
        raise StaleVersion("claim", claim_snapshot(claim))


def check_date(label: str, day: date, *, case: Case, field: str) -> None:
    """A date of the claim's life: not before the FIR, not in the future."""
    today = today_in_india()
    if day > today:
        raise InvalidInput(
            f"The {label} cannot be in the future.", details={"fields": {field: "future"}}
        )
    if day < case.fir_date:
        raise InvalidInput(
            f"The {label} cannot be before the FIR ({case.fir_date:%d %b %Y}).",
            details={"fields": {field: "before the FIR"}},
        )


def authority_of(claim: CompensationClaim) -> str:
    return plain_language.authority_label(
        AuthorityKind(claim.authority_kind),
        district=claim.authority_district,
        state=claim.authority_state,
        court_name=claim.court_name,
    )


async def _sole_survivor(session: AsyncSession, claim: CompensationClaim) -> bool:
    count = await session.scalar(
        select(func.count()).select_from(Survivor).where(Survivor.case_id == claim.case_id)
    )
    return count == 1


async def log(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    *,
    kind: timeline.EventKind,
    summary: str,
    survivor_line: str | None,
    action: str,
    params: dict[str, Any] | None = None,
) -> None:
    """The timeline event and the audit row of a write, and the case marked as changed.

    The case timeline shows every survivor-visible line to every survivor of the case, so a
    line about one survivor's money is shared only when she is the case's sole survivor; the
    others read it in their own summary. ``params`` names the survivor for a per-survivor view.
    """
    shared = survivor_line if survivor_line and await _sole_survivor(session, claim) else None
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                kind,
                summary,
                shared,
                {
                    "claim_id": str(claim.id),
                    "survivor_id": str(claim.survivor_id),
                    **(params or {}),
                },
            )
        ],
        audit=[
            AuditLine(
                f"compensation.{action}",
                object_type="compensation_claim",
                object_id=claim.id,
                summary=f"case {case.reference}: {claim.status}",
            )
        ],
    )


def team_label(claim: CompensationClaim, pseudonym: str) -> str:
    return f"Compensation claim for {pseudonym} ({authority_of(claim)})"
