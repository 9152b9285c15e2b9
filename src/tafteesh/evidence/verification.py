"""Verifying the stored custody log and files with the same code a court runs on a bundle.

``verifier`` is the one implementation of the checks (standard library and ``cryptography``
only, shipped verbatim in every court bundle as ``verify_bundle.py``); this module only feeds it
what the database and the blob store hold.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from anyio import to_thread
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.evidence import verifier
from tafteesh.evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceFile, EvidenceItem
from tafteesh.evidence.schemas import VerifyProblem, VerifyResult
from tafteesh.evidence.signing import LogSigner
from tafteesh.evidence.storage import BlobStore


@dataclass(frozen=True)
class StoreReport:
    log: verifier.Report
    file_problems: list[verifier.Problem]
    files_checked: int

    @property
    def problems(self) -> list[verifier.Problem]:
        return [*self.log.problems, *self.file_problems]

    @property
    def ok(self) -> bool:
        return not self.problems


async def _log(
    session: AsyncSession, signer: LogSigner, trusted_checkpoint: bytes | None
) -> tuple[list[int], verifier.Report]:
    # Checkpoints first: every event a checkpoint covers was committed before it, so the events
    # read next include them all, even while another worker appends and signs.
    notes = [
        n.encode()
        for n in await session.scalars(
            select(CustodyCheckpoint.note).order_by(CustodyCheckpoint.size)
        )
    ]
    rows = (
        await session.execute(
            select(CustodyEvent.seq, CustodyEvent.body).order_by(CustodyEvent.seq)
        )
    ).all()
    # Pure CPU for seconds on a large log: off the event loop, so the worker keeps serving.
    report = await to_thread.run_sync(
        functools.partial(
            verifier.verify_log,
            [body for _, body in rows],
            notes,
            signer.vkey,
            trusted_checkpoint=trusted_checkpoint,
            origin=signer.origin,
        )
    )
    return [seq for seq, _ in rows], report


def check_file(store: BlobStore, record: EvidenceFile) -> verifier.Problem | None:
    if not store.exists(record.sha256):
        return verifier.Problem(
            "FILE_HASH_MISMATCH",
            f"file {record.sha256} ({record.filename}) is missing from the store",
        )
    if not verifier.verify_file(record.sha256, store.open(record.sha256)):
        return verifier.Problem(
            "FILE_HASH_MISMATCH",
            f"file {record.filename}: its bytes no longer hash to {record.sha256}",
        )
    return None


async def verify_store(
    session: AsyncSession,
    *,
    store: BlobStore,
    signer: LogSigner,
    trusted_checkpoint: bytes | None = None,
) -> StoreReport:
    """The whole log and every stored file (``tafteesh evidence verify``)."""
    _, report = await _log(session, signer, trusted_checkpoint)
    files = list(await session.scalars(select(EvidenceFile)))
    problems = [p for f in files if (p := check_file(store, f)) is not None]
    return StoreReport(report, problems, len(files))


async def verify_item(
    session: AsyncSession, item: EvidenceItem, *, store: BlobStore, signer: LogSigner
) -> VerifyResult:
    """One item: its files, and the log checks that concern its events.

    The log is checked whole, because the signed root covers every event; problems elsewhere in
    the log are reported too, since they undermine every item's proof.
    """
    seqs = set(
        await session.scalars(select(CustodyEvent.seq).where(CustodyEvent.item_id == item.id))
    )
    _, report = await _log(session, signer, None)
    files = list(await session.scalars(select(EvidenceFile).where(EvidenceFile.item_id == item.id)))
    # Problems about this item's events are named; others (which may name other items) are
    # counted, since they undermine every proof but are not this reader's to see.
    own = [p for p in report.problems if p.seq is None or p.seq in seqs]
    elsewhere = len(report.problems) - len(own)
    if elsewhere:
        own.append(
            verifier.Problem(
                "LOG_PROBLEMS_ELSEWHERE",
                f"the custody log has {elsewhere} other problem(s) outside this item; an "
                "administrator can run `tafteesh evidence verify` to see them",
            )
        )
    problems = [*own, *(p for f in files if (p := check_file(store, f)) is not None)]
    anchored = sum(1 for seq in seqs if seq <= report.verified_size)
    return VerifyResult(
        ok=not problems and anchored == len(seqs),
        item_id=item.id,
        events=len(seqs),
        anchored_events=anchored,
        checkpoint_size=report.latest_checkpoint_size,
        files_checked=len(files),
        problems=[VerifyProblem(code=p.code, message=p.message, seq=p.seq) for p in problems],
    )
