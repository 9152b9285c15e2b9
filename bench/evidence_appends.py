"""Phase 1 of `bench/evidence.py`: custody appends per second, one transaction each.

Concurrent clients (asyncio tasks, each on its own connection) append for a bounded time,
either through `custody.append_event` alone or as POST /api/v1/evidence/{id}/custody does
through `service.record_custody`; latency percentiles and CPU per append for each level; then
`check_appended` checks the sequence is gapless and every appended item's chain unbroken.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from evidence_common import Window, percentile
from evidence_db import Fixture
from sqlalchemy import func, select

from tafteesh.cases.dependencies import case_part_access
from tafteesh.db import create_engine, create_sessionmaker
from tafteesh.embedded import DatabaseUrls
from tafteesh.evidence import service as evidence
from tafteesh.evidence import verifier
from tafteesh.evidence.custody import CustodyFacts, append_event
from tafteesh.evidence.models import CustodyEvent, CustodyLogHead, EvidenceItem
from tafteesh.evidence.schemas import CustodyEventIn
from tafteesh.evidence.vocabulary import CustodyEventType

# -- 1. appends ---------------------------------------------------------------------------------


def _facts() -> CustodyFacts:
    return CustodyFacts(
        type=CustodyEventType.TRANSFERRED,
        occurred_at=datetime.now(UTC) - timedelta(minutes=30),
        from_party="SI Ratan Mondal, Ghutiari Sharif PS",
        to_party="Court malkhana, Alipore",
        place="Alipore",
        seals=("S-1",),
        notes="Forwarding letter 77/2024",
    )


async def _append_once(maker: Any, fixture: Fixture, item: EvidenceItem) -> int:
    """`custody.append_event` alone, in a transaction of its own."""
    async with maker() as session, session.begin():
        event = await append_event(session, fixture.lawyer, item, _facts())
    return int(event.seq)


async def _record_once(maker: Any, fixture: Fixture, item: EvidenceItem) -> int:
    """What POST /api/v1/evidence/{id}/custody does without HTTP and sign-in: load the item
    with its case and the lawyer's relation to it (one statement, as ``ItemForView`` does),
    then `service.record_custody` (the append, then the item's custodian, and one statement for
    the case's updated_at, a timeline event and an audit row), one transaction."""
    async with maker() as session, session.begin():
        found = await case_part_access(session, fixture.lawyer, EvidenceItem, item.id)
        if found is None:
            raise RuntimeError(f"item {item.id} or its case is missing")
        loaded, access = found
        facts = _facts()
        data = CustodyEventIn(
            type=facts.type,
            occurred_at=facts.occurred_at,
            from_party=facts.from_party,
            to_party=facts.to_party,
            place=facts.place,
            seals=list(facts.seals),
            notes=facts.notes,
        )
        event = await evidence.record_custody(session, fixture.lawyer, access, loaded, data=data)
    return int(event.seq)


AppendOnce = Callable[[Any, Fixture, EvidenceItem], Any]


async def _append_level(
    maker: Any, fixture: Fixture, clients: int, seconds: float, once: AppendOnce = _append_once
) -> tuple[list[float], list[int], int]:
    """Run `clients` appenders for `seconds`; each append is its own committed transaction.
    Client n uses items n, n + clients, n + 2 clients…: no two clients share an item."""
    items = fixture.append_items
    latencies: list[float] = []
    seqs: list[int] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(number: int) -> None:
        nonlocal errors
        turn = 0
        while time.perf_counter() < deadline:
            item = items[(number + turn * clients) % len(items)]
            turn += 1
            started = time.perf_counter()
            try:
                seq = await once(maker, fixture, item)
            except Exception:  # counted and reported; the sequence check below still runs
                errors += 1
                continue
            latencies.append(time.perf_counter() - started)
            seqs.append(seq)

    await asyncio.wait_for(
        asyncio.gather(*(client(n) for n in range(clients))), timeout=seconds + 60
    )
    return latencies, seqs, errors


def _level(
    path: str, clients: int, latencies: list[float], errors: int, window: Window
) -> dict[str, Any]:
    latencies.sort()
    count = len(latencies)
    level = {
        "path": path,
        "clients": clients,
        "appends": count,
        "errors": errors,
        "appends_per_s": round(count / window.wall, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else 0.0,
        "cpu_us_per_append_bench": round(window.own_cpu * 1e6 / max(count, 1), 1),
        "cpu_us_per_append_postgres": round(window.pg_cpu * 1e6 / max(count, 1), 1),
        **window.summary(),
    }
    print(
        f"  {path:<14} {clients:>2} clients: {level['appends_per_s']:>7,.1f} appends/s  "
        f"p50 {level['p50_ms']:.1f} ms  p99 {level['p99_ms']:.1f} ms  "
        f"CPU/append: bench {level['cpu_us_per_append_bench']:.0f} µs, "
        f"PG {level['cpu_us_per_append_postgres']:.0f} µs  "
        f"other load {level['other_load_pct']:.0f}%  errors {errors}",
        flush=True,
    )
    return level


async def measure_appends(
    urls: DatabaseUrls, fixture: Fixture, args: argparse.Namespace, postmaster: int
) -> dict[str, Any]:
    engine = create_engine(
        urls.app, pool_size=max([1, *args.clients, *args.service_clients]), max_overflow=0
    )
    maker = create_sessionmaker(engine)
    all_seqs: list[int] = []
    levels = []
    try:
        async with maker() as session:
            start_size = int(await session.scalar(select(CustodyLogHead.size)) or 0)
        runs: list[tuple[str, AppendOnce, list[int]]] = [
            ("append_event", _append_once, args.clients),
            ("record_custody", _record_once, args.service_clients),
        ]
        for path, once, levels_of_path in runs:
            for clients in levels_of_path:
                _, warm_seqs, _ = await _append_level(
                    maker, fixture, clients, args.append_warmup, once
                )
                all_seqs += warm_seqs
                with Window(postmaster) as window:
                    latencies, seqs, errors = await _append_level(
                        maker, fixture, clients, args.append_seconds, once
                    )
                all_seqs += seqs
                levels.append(_level(path, clients, latencies, errors, window))
        check = await check_appended(maker, start_size, all_seqs)
    finally:
        await engine.dispose()
    print(f"  sequence check: {check}", flush=True)
    return {"start_size": start_size, "levels": levels, "check": check}


async def check_appended(maker: Any, start_size: int, seqs: list[int]) -> dict[str, Any]:
    """Gapless: the seqs handed out are exactly start+1..head, and the table agrees; each
    appended item's chain names the previous body's SHA-256 (the items were new)."""
    async with maker() as session:
        head = int(await session.scalar(select(CustodyLogHead.size)) or 0)
        count, low, high = (
            await session.execute(
                select(func.count(), func.min(CustodyEvent.seq), func.max(CustodyEvent.seq))
            )
        ).one()
        rows = (
            await session.execute(
                select(CustodyEvent.seq, CustodyEvent.item_id, CustodyEvent.body)
                .where(CustodyEvent.seq > start_size)
                .order_by(CustodyEvent.seq)
            )
        ).all()
    handed_out = sorted(seqs) == list(range(start_size + 1, head + 1))
    table_gapless = count == high == head and (low == 1 or count == 0)
    last: dict[uuid.UUID, str] = {}
    chain_breaks = body_seq_mismatches = 0
    for seq, item_id, body in rows:
        event = verifier.read_event(body)
        body_seq_mismatches += event.seq != seq
        chain_breaks += event.prev != last.get(item_id)
        last[item_id] = hashlib.sha256(body).hexdigest()
    return {
        "appended": len(seqs),
        "head": head,
        "rows": count,
        "max_seq": high,
        "seqs_handed_out_gapless": handed_out,
        "table_gapless": table_gapless,
        "chain_breaks": chain_breaks,
        "body_seq_mismatches": body_seq_mismatches,
        "ok": handed_out and table_gapless and not chain_breaks and not body_seq_mismatches,
    }
