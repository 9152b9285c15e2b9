"""Signed checkpoints of the custody log.

The Ed25519 signing key is a file in the data folder (mode 0600), never a database row: a copy
of the database alone cannot forge a checkpoint. Checkpoints are made by
``tafteesh evidence checkpoint``, after every court-bundle export, and on a schedule when new
events exist; two workers making the same checkpoint is harmless (the size is the key).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from anyio import to_thread
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.evidence.checkpoint import (
    Checkpoint,
    generate_signing_key,
    load_signing_key,
    sign_checkpoint,
    verifier_key,
)
from tafteesh.evidence.merkle import root_from_leaf_hashes
from tafteesh.evidence.models import CustodyCheckpoint, CustodyEvent, CustodyLogHead

KEY_FILE = "custody-signing.key"
KEY_NAME = "tafteesh-custody"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LogSigner:
    origin: str
    key_name: str
    private_key: Ed25519PrivateKey

    @property
    def vkey(self) -> str:
        """The public verifier key in C2SP note form: what a court is given out of band."""
        return verifier_key(self.key_name, self.private_key.public_key())


def load_signer(data_dir: Path, origin: str) -> LogSigner:
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        key = load_signing_key(path)
    except FileNotFoundError:
        try:
            key = generate_signing_key(path)
        except FileExistsError:  # another process made it first
            key = load_signing_key(path)
    return LogSigner(origin=origin, key_name=KEY_NAME, private_key=key)


async def latest_checkpoint(session: AsyncSession) -> CustodyCheckpoint | None:
    return await session.scalar(
        select(CustodyCheckpoint).order_by(CustodyCheckpoint.size.desc()).limit(1)
    )


async def make_checkpoint(session: AsyncSession, signer: LogSigner) -> CustodyCheckpoint | None:
    """Sign the log as it stands; None when it is empty. Reuses the latest when nothing is new."""
    size = await session.scalar(select(CustodyLogHead.size).where(CustodyLogHead.id == 1))
    if not size:
        return None
    latest = await latest_checkpoint(session)
    if latest is not None and latest.size >= size:
        return latest
    leaves = list(
        await session.scalars(
            select(CustodyEvent.leaf_hash)
            .where(CustodyEvent.seq <= size)
            .order_by(CustodyEvent.seq)
        )
    )
    root = await to_thread.run_sync(root_from_leaf_hashes, leaves)  # off the event loop
    note = sign_checkpoint(
        Checkpoint(signer.origin, size, root), signer.key_name, signer.private_key
    )
    await session.execute(
        insert(CustodyCheckpoint)
        .values(size=size, root_hash=root, note=note.decode())
        .on_conflict_do_nothing(index_elements=["size"])
    )
    await session.flush()
    return await session.get(CustodyCheckpoint, size)


async def checkpoint_periodically(
    sessionmaker: Callable[[], AsyncSession], signer: LogSigner, every_seconds: float
) -> None:
    """Run in each worker's lifespan: sign new events so they do not stay unanchored for long."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            async with sessionmaker() as session, session.begin():
                await make_checkpoint(session, signer)
        except Exception:  # a failed round is retried at the next one; never kill the worker
            log.exception("scheduled custody checkpoint failed")
