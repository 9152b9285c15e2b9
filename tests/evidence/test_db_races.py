"""Verification and export read the log in several statements; appends and checkpoints committed
by other workers in between must not make a healthy log look tampered with.

PostgreSQL's default READ COMMITTED isolation gives each statement its own snapshot. Each test
makes one such interleaving happen deterministically: a wrapper runs an append (and a
checkpoint) in another transaction, committed, just before the statement it precedes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.dependencies import CaseAccess
from tafteesh.cases.models import Case
from tafteesh.cases.policy import CaseRelation
from tafteesh.evidence import bundle, verifier
from tafteesh.evidence.verification import verify_store
from tests.evidence.conftest import SEED_SIZE, LogDatabase


class Interleaved:
    """An AsyncSession that runs ``meanwhile`` once, before its first statement on ``table``."""

    def __init__(
        self, session: AsyncSession, table: str, meanwhile: Callable[[], Awaitable[Any]]
    ) -> None:
        self._session = session
        self._table = table
        self._meanwhile: Callable[[], Awaitable[Any]] | None = meanwhile

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)

    async def _before(self, statement: Any) -> None:
        if self._meanwhile is not None and f"FROM {self._table}" in str(statement):
            meanwhile, self._meanwhile = self._meanwhile, None
            await meanwhile()

    async def execute(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._before(statement)
        return await self._session.execute(statement, *args, **kwargs)

    async def scalars(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._before(statement)
        return await self._session.scalars(statement, *args, **kwargs)

    async def scalar(self, statement: Any, *args: Any, **kwargs: Any) -> Any:
        await self._before(statement)
        return await self._session.scalar(statement, *args, **kwargs)


async def test_a_checkpoint_made_while_the_log_is_read_is_not_truncation(
    seeded_log_db: LogDatabase,
) -> None:
    db = seeded_log_db

    async def another_worker_appends_and_signs() -> None:
        await db.append("sim")
        await db.checkpoint()

    # Control: the same work done before verification starts leaves a log that verifies.
    async with db.sessionmaker() as session:
        report = await verify_store(session, store=db.store, signer=db.signer)
    assert report.ok

    async with db.sessionmaker() as session:
        racing = Interleaved(session, "custody_checkpoints", another_worker_appends_and_signs)
        report = await verify_store(racing, store=db.store, signer=db.signer)  # type: ignore[arg-type]
    assert report.problems == []


async def _bundle_bytes(db: LogDatabase, session: Any) -> bytes:
    case = await session.get(Case, db.case.case_id)
    access = CaseAccess(
        case=case,
        relation=CaseRelation(team_role="lawyer"),
        actor=db.case.lawyer,
        owning_organisation=db.case.lawyer.organisation_name,
    )
    spooled = await bundle.build_bundle(session, access, store=db.store, signer=db.signer)
    return spooled.read()


async def test_an_append_during_an_export_leaves_the_bundle_verifiable(
    seeded_log_db: LogDatabase, tmp_path: Path
) -> None:
    db = seeded_log_db
    control = tmp_path / "control.zip"
    async with db.sessionmaker() as session, session.begin():
        control.write_bytes(await _bundle_bytes(db, session))
    assert verifier.verify_bundle(control, db.signer.vkey).ok

    async def the_lab_records_receipt() -> None:
        assert await db.append("phone") == SEED_SIZE + 1

    racing_zip = tmp_path / "racing.zip"
    async with db.sessionmaker() as session, session.begin():
        # After the export signed its checkpoint, before it reads this case's events.
        racing = Interleaved(session, "evidence_items", the_lab_records_receipt)
        racing_zip.write_bytes(await _bundle_bytes(db, racing))
    report = verifier.verify_bundle(racing_zip, db.signer.vkey)
    assert report.problems == []
    # The event appended meanwhile waits for the next export.
    assert report.disclosed_events == SEED_SIZE
