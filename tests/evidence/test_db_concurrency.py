"""Appends racing each other leave a gapless sequence and a valid chain; a rolled-back append
leaves no gap.

Each test has a database of its own with an empty log (committed for real: the appends run in
separate transactions on separate connections, as concurrent requests would).
"""

from __future__ import annotations

import asyncio
import json

from sqlalchemy import func, select

from tafteesh.evidence.models import CustodyEvent, CustodyLogHead
from tafteesh.evidence.vocabulary import CustodyEventType
from tests.evidence.conftest import LogDatabase, append_to

APPENDS = 32
ITEMS = ("phone", "bag", "sim")


async def _seqs(db: LogDatabase) -> list[int]:
    async with db.sessionmaker() as session:
        return list(await session.scalars(select(CustodyEvent.seq).order_by(CustodyEvent.seq)))


async def _head(db: LogDatabase) -> int:
    async with db.sessionmaker() as session:
        return int(await session.scalar(select(CustodyLogHead.size)) or 0)


async def test_32_concurrent_appends_are_gapless_and_chained(fresh_log_db: LogDatabase) -> None:
    db = fresh_log_db
    # Every transaction is open (and has read the database) before any of them appends, so
    # all 32 really contend for the log head.
    everyone_in = asyncio.Barrier(APPENDS)

    async def one_append(number: int) -> int:
        async with db.sessionmaker() as session, session.begin():
            await session.execute(select(func.now()))
            await everyone_in.wait()
            event = await append_to(
                session, db, ITEMS[number % len(ITEMS)], CustodyEventType.HASH_VERIFIED
            )
            return int(event.seq)

    seqs = await asyncio.wait_for(asyncio.gather(*(one_append(n) for n in range(APPENDS))), 60)

    assert sorted(seqs) == list(range(1, APPENDS + 1))
    assert await _seqs(db) == list(range(1, APPENDS + 1))
    assert await _head(db) == APPENDS
    # The body carries the same seq as its row, and each item's chain is unbroken (the
    # verifier checks "prev" against the item's previous body in seq order).
    async with db.sessionmaker() as session:
        rows = (await session.execute(select(CustodyEvent.seq, CustodyEvent.body))).all()
    assert all(json.loads(body)["seq"] == seq for seq, body in rows)

    unsigned = await db.verify()
    assert {p.code for p in unsigned.problems} == {"UNANCHORED_TAIL"}
    await db.checkpoint()
    report = await db.verify()
    assert report.problems == []
    assert report.log.total_events == APPENDS
    assert report.log.verified_size == APPENDS


async def test_a_rolled_back_append_leaves_no_gap(fresh_log_db: LogDatabase) -> None:
    db = fresh_log_db
    assert await db.append("phone") == 1

    async with db.sessionmaker() as session:
        async with session.begin() as transaction:
            abandoned = await append_to(session, db, "phone")
            assert abandoned.seq == 2
            await transaction.rollback()

    assert await db.append("phone") == 2
    assert await _seqs(db) == [1, 2]
    await db.checkpoint()
    assert (await db.verify()).ok


async def test_an_append_waiting_on_one_that_rolls_back_takes_its_number(
    fresh_log_db: LogDatabase,
) -> None:
    """The second append waits for the log head the first one holds; when the first rolls
    back, the second gets the number the first would have had."""
    db = fresh_log_db
    assert await db.append("bag") == 1
    async with db.sessionmaker() as first:
        transaction = await first.begin()
        assert (await append_to(first, db, "bag")).seq == 2

        waiting = asyncio.create_task(db.append("bag"))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # blocked on the log head's row lock

        await transaction.rollback()
        assert await asyncio.wait_for(waiting, 10) == 2

    assert await _seqs(db) == [1, 2]
    assert await _head(db) == 2
    await db.checkpoint()
    report = await db.verify()
    assert report.ok, report.problems
