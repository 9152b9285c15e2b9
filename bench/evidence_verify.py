"""Phase 2 of `bench/evidence.py`: verifying a million custody events, in memory and stored.

`generate_log` makes the canonical bodies `append_event` would write (a `prev` chain per item,
items living through `LIFE`); `measure_verification` signs and checks them in memory with
`verifier.verify_log`, COPYs them into the database, checkpoints the table and checks it
through `verification.verify_store`, timing each step (CPU, wall, peak RSS), and then times
`tafteesh evidence verify` in a process of its own (`measure_cli_verify`).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import os
import random
import subprocess
import time
import uuid
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from evidence_common import (
    BIN,
    DATA_DIR,
    ORIGIN,
    ROOT,
    MiB,
    Window,
    kb_to_mb,
    proc_status,
    reset_peak,
)
from evidence_db import Fixture
from evidence_server import server_env

from tafteesh.db import create_engine, create_sessionmaker, driver_dsn
from tafteesh.embedded import DatabaseUrls
from tafteesh.evidence import verifier
from tafteesh.evidence.canonical import canonical_bytes, rfc3339_utc
from tafteesh.evidence.checkpoint import Checkpoint, sign_checkpoint
from tafteesh.evidence.custody import FORMAT_VERSION
from tafteesh.evidence.merkle import leaf_hash, root_from_leaf_hashes
from tafteesh.evidence.signing import load_signer, make_checkpoint
from tafteesh.evidence.storage import LocalBlobStore
from tafteesh.evidence.verification import verify_store
from tafteesh.evidence.vocabulary import CustodyEventType

# -- 2. verifying a million events --------------------------------------------------------------

# An item's life, in order; past the end, the last three steps repeat (court dates, transfers).
LIFE: list[tuple[CustodyEventType, str | None, str | None, str | None]] = [
    (CustodyEventType.SEIZED, None, "SI Ratan Mondal, Ghutiari Sharif PS", "Ghutiari Sharif"),
    (CustodyEventType.SEALED, None, None, "Ghutiari Sharif PS"),
    (
        CustodyEventType.DEPOSITED_MALKHANA,
        "SI Ratan Mondal, Ghutiari Sharif PS",
        "Malkhana in-charge, Ghutiari Sharif PS",
        "Ghutiari Sharif PS",
    ),
    (
        CustodyEventType.SENT_TO_LAB,
        "Malkhana in-charge, Ghutiari Sharif PS",
        "CFSL Kolkata",
        "Kolkata",
    ),
    (CustodyEventType.RECEIVED_BY_LAB, "Constable Bapi Das", "CFSL Kolkata", "Kolkata"),
    (CustodyEventType.FILE_ADDED, None, None, None),
    (CustodyEventType.HASH_VERIFIED, None, None, None),
    (CustodyEventType.REPORT_RECEIVED, "CFSL Kolkata", "IO, Ghutiari Sharif PS", "Kolkata"),
    (
        CustodyEventType.RETURNED,
        "CFSL Kolkata",
        "Malkhana in-charge, Ghutiari Sharif PS",
        "Ghutiari Sharif PS",
    ),
    (
        CustodyEventType.PRODUCED_IN_COURT,
        "Malkhana in-charge, Ghutiari Sharif PS",
        "Court of the Additional Sessions Judge, Alipore",
        "Alipore",
    ),
    (
        CustodyEventType.TRANSFERRED,
        "Court of the Additional Sessions Judge, Alipore",
        "Court malkhana, Alipore",
        "Alipore",
    ),
    (CustodyEventType.HASH_VERIFIED, None, None, None),
]
REPEAT_FROM = len(LIFE) - 3


@dataclass
class GeneratedLog:
    bodies: list[bytes]
    item_of: array[int]  # index into items, per event
    items: list[tuple[uuid.UUID, uuid.UUID]]  # (item id, case id)
    seconds: float


def generate_log(
    events: int, items: int, case_ids: list[uuid.UUID], actor: uuid.UUID, seed: int
) -> GeneratedLog:
    """`events` canonical bodies with the keys and value shapes `append_event` writes, in
    a random interleaving of `items` items, each naming its item's previous body."""
    started = time.perf_counter()
    rng = random.Random(seed)
    item_list = [
        (uuid.UUID(int=rng.getrandbits(128), version=4), case_ids[i % len(case_ids)])
        for i in range(items)
    ]
    per_item = -(-events // items)
    order = array("I", (i for i in range(items) for _ in range(per_item)))
    rng.shuffle(order)
    del order[events:]
    steps = array("I", bytes(4 * items))
    previous: list[str | None] = [None] * items
    item_text = [str(item) for item, _ in item_list]
    case_text = [str(case) for _, case in item_list]
    actor_text = str(actor)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    bodies: list[bytes] = []
    append = bodies.append
    for position, index in enumerate(order, 1):
        step = steps[index]
        steps[index] = step + 1
        kind, source, target, place = LIFE[
            step if step < len(LIFE) else REPEAT_FROM + (step - REPEAT_FROM) % 3
        ]
        recorded = start + timedelta(seconds=position * 20)
        occurred = recorded - timedelta(minutes=5 + position % 600)
        body: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "seq": position,
            "item": item_text[index],
            "case": case_text[index],
            "type": kind.value,
            "occurred_at": rfc3339_utc(occurred),
            "recorded_at": rfc3339_utc(recorded),
            "recorded_by": actor_text,
            "from": source,
            "to": target,
            "place": place,
            "seals": [f"S-{index % 97 + 1}"] if kind is CustodyEventType.SEALED else [],
            "notes": f"Forwarding letter {position % 997}/2025" if source else "",
            "prev": previous[index],
        }
        if kind is CustodyEventType.FILE_ADDED:
            size = 40_000 + position % 9_000_000
            body["notes"] = f"phone-extraction-{index}.zip, {size} bytes"
            body["file_sha256"] = hashlib.sha256(b"file %d" % index).hexdigest()
        data = canonical_bytes(body)
        previous[index] = hashlib.sha256(data).hexdigest()
        append(data)
    return GeneratedLog(bodies, order, item_list, time.perf_counter() - started)


def _timed(work: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    """Run `work` with this process's peak RSS reset first; CPU, wall and memory figures."""
    gc.collect()
    reset_peak()
    rss_before = proc_status()["VmRSS"]
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    figures = {
        "wall_s": round(time.perf_counter() - wall, 3),
        "cpu_s": round(time.process_time() - cpu, 3),
        "rss_before_mb": kb_to_mb(rss_before),
        "peak_rss_mb": kb_to_mb(proc_status()["VmHWM"]),
    }
    return result, figures


async def _copy_log(urls: DatabaseUrls, log: GeneratedLog, actor: uuid.UUID) -> dict[str, Any]:
    """COPY the items and the events as the app role, in one transaction, and move the head."""
    conn = await asyncpg.connect(driver_dsn(urls.app))
    try:
        figures = {}
        async with conn.transaction():
            size = await conn.fetchval("SELECT size FROM custody_log_head WHERE id = 1 FOR UPDATE")
            if size != 0:
                raise SystemExit("the custody log is not empty; the database was not fresh")
            started = time.perf_counter()
            await conn.copy_records_to_table(
                "evidence_items",
                columns=["id", "case_id", "kind", "category", "description", "created_by"],
                records=(
                    (item, case, "electronic", "device", f"Phone {n} of the accused", actor)
                    for n, (item, case) in enumerate(log.items)
                ),
            )
            figures["copy_items_s"] = round(time.perf_counter() - started, 2)
            ids = [item for item, _ in log.items]
            started = time.perf_counter()
            await conn.copy_records_to_table(
                "custody_events",
                columns=["seq", "item_id", "body", "leaf_hash"],
                records=(
                    (seq, ids[index], body, leaf_hash(body))
                    for seq, (index, body) in enumerate(
                        zip(log.item_of, log.bodies, strict=True), 1
                    )
                ),
            )
            await conn.execute(
                "UPDATE custody_log_head SET size = $1 WHERE id = 1", len(log.bodies)
            )
            figures["copy_events_s"] = round(time.perf_counter() - started, 2)
        figures["table_mb"] = round(
            await conn.fetchval("SELECT pg_total_relation_size('custody_events')") / MiB, 1
        )
        return figures
    finally:
        await conn.close()


async def _vacuum(urls: DatabaseUrls) -> float:
    conn = await asyncpg.connect(driver_dsn(urls.owner))
    try:
        started = time.perf_counter()
        await conn.execute("VACUUM (ANALYZE) custody_events, evidence_items")
        return round(time.perf_counter() - started, 2)
    finally:
        await conn.close()


async def _in_session(urls: DatabaseUrls, work: Callable[[Any], Any]) -> Any:
    engine = create_engine(urls.app, pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def measure_verification(
    urls: DatabaseUrls, fixture: Fixture, args: argparse.Namespace, postmaster: int
) -> dict[str, Any]:
    signer = load_signer(DATA_DIR, ORIGIN)
    result: dict[str, Any] = {"events": args.events, "items": args.items}
    print(f"  generating {args.events:,} events over {args.items:,} items…", flush=True)
    log, figures = _timed(
        lambda: generate_log(
            args.events,
            args.items,
            [case_id for case_id, _ in fixture.cases],
            fixture.lawyer.id,
            args.seed,
        )
    )
    sizes = [len(body) for body in log.bodies]
    result["generate"] = {**figures, "seconds": round(log.seconds, 2)}
    result["body_bytes"] = {
        "mean": round(sum(sizes) / len(sizes), 1),
        "min": min(sizes),
        "max": max(sizes),
        "total_mb": round(sum(sizes) / MiB, 1),
    }
    print(
        f"  generated in {log.seconds:.1f} s, bodies {result['body_bytes']['mean']:.0f} B on "
        f"average, RSS {figures['peak_rss_mb']:.0f} MB",
        flush=True,
    )

    def sign() -> bytes:
        root = root_from_leaf_hashes(leaf_hash(body) for body in log.bodies)
        return sign_checkpoint(
            Checkpoint(ORIGIN, len(log.bodies), root), signer.key_name, signer.private_key
        )

    note, figures = _timed(sign)
    result["sign_in_memory"] = figures

    def verify_in_memory() -> verifier.Report:
        return verifier.verify_log(log.bodies, [note], signer.vkey, origin=ORIGIN)

    with Window(postmaster) as window:
        report, figures = _timed(verify_in_memory)
    result["verify_log"] = {
        **figures,
        "us_per_event_cpu": round(figures["cpu_s"] * 1e6 / args.events, 2),
        "us_per_event_wall": round(figures["wall_s"] * 1e6 / args.events, 2),
        "ok": report.ok,
        "verified_size": report.verified_size,
        "problems": [str(p) for p in report.problems[:5]],
        "other_load_pct": window.other_busy_pct,
        "loadavg_after": window.load_after,
    }
    print(
        f"  verify_log (in memory): {figures['cpu_s']:.1f} s CPU, {figures['wall_s']:.1f} s wall "
        f"= {result['verify_log']['us_per_event_cpu']:.1f} µs/event; peak RSS "
        f"{figures['peak_rss_mb']:.0f} MB (holding the bodies: {figures['rss_before_mb']:.0f} MB); "
        f"ok={report.ok} verified {report.verified_size:,}",
        flush=True,
    )

    print("  COPY into custody_events…", flush=True)
    with Window(postmaster) as window:
        copied = asyncio.run(_copy_log(urls, log, fixture.lawyer.id))
    result["copy"] = {**copied, "wall_s": round(window.wall, 2)}
    result["copy"]["vacuum_analyze_s"] = asyncio.run(_vacuum(urls))
    print(f"  copied: {result['copy']}", flush=True)
    log.bodies.clear()  # free the bodies before the database-side measurements
    del sizes
    gc.collect()

    async def checkpoint(session: Any) -> Any:
        return await make_checkpoint(session, signer)

    with Window(postmaster) as window:
        made, figures = _timed(lambda: asyncio.run(_in_session(urls, checkpoint)))
    result["make_checkpoint"] = {
        **figures,
        "postgres_cpu_s": round(window.pg_cpu, 3),
        "same_note_as_in_memory": made is not None and made.note.encode() == note,
    }
    print(f"  make_checkpoint over the table: {result['make_checkpoint']}", flush=True)

    store = LocalBlobStore(DATA_DIR / "evidence")

    async def verify(session: Any) -> Any:
        return await verify_store(session, store=store, signer=signer)

    with Window(postmaster) as window:
        stored, figures = _timed(lambda: asyncio.run(_in_session(urls, verify)))
    result["verify_store"] = {
        **figures,
        "postgres_cpu_s": round(window.pg_cpu, 3),
        "us_per_event_cpu": round(figures["cpu_s"] * 1e6 / args.events, 2),
        "us_per_event_wall": round(figures["wall_s"] * 1e6 / args.events, 2),
        "ok": stored.ok,
        "verified_size": stored.log.verified_size,
        "problems": [str(p) for p in stored.problems[:5]],
        "other_load_pct": window.other_busy_pct,
        "loadavg_after": window.load_after,
    }
    print(
        f"  verify_store (through the DB): {figures['cpu_s']:.1f} s CPU here + "
        f"{window.pg_cpu:.1f} s PostgreSQL, {figures['wall_s']:.1f} s wall = "
        f"{result['verify_store']['us_per_event_wall']:.1f} µs/event wall; peak RSS "
        f"{figures['peak_rss_mb']:.0f} MB (from {figures['rss_before_mb']:.0f} MB); "
        f"ok={stored.ok} verified {stored.log.verified_size:,}",
        flush=True,
    )
    print("  `tafteesh evidence verify` in a process of its own…", flush=True)
    result["cli_verify"] = cli = measure_cli_verify(urls, postmaster, args.upload_timeout)
    print(
        f"  tafteesh evidence verify: {cli['wall_s']:.1f} s wall, {cli['cpu_s']:.1f} s CPU, "
        f"peak RSS {cli['peak_rss_mb']:.0f} MB, exit {cli['exit_code']}: {cli['last_line']}",
        flush=True,
    )
    return result


def measure_cli_verify(urls: DatabaseUrls, postmaster: int, timeout: float) -> dict[str, Any]:
    """`tafteesh evidence verify` in a process of its own: its wall time, CPU and peak RSS
    (ru_maxrss from wait4, so the figure is the command's alone)."""
    command = [str(BIN / "tafteesh"), "evidence", "verify"]
    with Window(postmaster) as window:
        proc = subprocess.Popen(
            command, env=server_env(urls), cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = proc.stdout.read() if proc.stdout else ""
    return {
        "wall_s": round(window.wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "postgres_cpu_s": round(window.pg_cpu, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit_code": proc.returncode,
        "last_line": output.strip().splitlines()[-1] if output.strip() else "",
        "other_load_pct": window.other_busy_pct,
        "loadavg_after": window.load_after,
    }
