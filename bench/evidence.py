"""Evidence custody benchmarks (bench/README.md, "Evidence"): appends, verification, uploads.

Three measurements, each bounded in time, on an embedded PostgreSQL of its own in
var/bench-evidence (its `tafteesh` database is dropped and migrated afresh at every run):

1. append: custody appends per second through `custody.append_event`, one transaction per
   append as the API makes them, with 1, 8 and 32 concurrent clients (asyncio tasks, each on
   its own connection); p50/p99 latency; afterwards the sequence is checked to be gapless and
   every appended item's chain unbroken.
2. verify: one million canonical event bodies shaped as `append_event` makes them (a `prev`
   chain per item over 50,000 items) are generated in memory, signed with a checkpoint, and
   checked with `verifier.verify_log`; then loaded into the database with COPY, checkpointed
   with `signing.make_checkpoint`, and checked again through `verification.verify_store`, as
   `tafteesh evidence verify` does. CPU and wall time, µs per event and peak RSS for each.
3. upload: `tafteesh serve` (one worker) on a free 127.0.0.1 port receives 1 GiB of AES-CTR
   pseudo-random bytes (made 1 MiB at a time, never whole in memory) on
   PUT /api/v1/evidence/{id}/files; throughput and the server's peak memory (VmHWM) against
   its baseline; then the same bytes are hashed and written with fsync to the same disk in this
   process, the raw comparison. The big files are deleted afterwards.

Results go to bench/results/evidence.json and bench/results/evidence.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import http.client
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from sqlalchemy import func, select
from sqlalchemy.engine import URL

from tafteesh import migrate
from tafteesh.auth import service as accounts
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import case_access, case_part_access
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.cases.schemas import CaseCreate
from tafteesh.db import create_engine, create_sessionmaker
from tafteesh.embedded import (
    DatabaseUrls,
    drop_database,
    provision_database,
    start_embedded_server,
    stop_embedded_server,
)
from tafteesh.evidence import service as evidence
from tafteesh.evidence import verifier
from tafteesh.evidence.canonical import canonical_bytes, rfc3339_utc
from tafteesh.evidence.checkpoint import Checkpoint, sign_checkpoint
from tafteesh.evidence.custody import FORMAT_VERSION, CustodyFacts, append_event
from tafteesh.evidence.merkle import leaf_hash, root_from_leaf_hashes
from tafteesh.evidence.models import CustodyEvent, CustodyLogHead, EvidenceItem
from tafteesh.evidence.schemas import CustodyEventIn, ItemCreate
from tafteesh.evidence.signing import load_signer, make_checkpoint
from tafteesh.evidence.storage import LocalBlobStore
from tafteesh.evidence.verification import verify_store
from tafteesh.evidence.vocabulary import CustodyEventType

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
DATA_DIR = ROOT / "var" / "bench-evidence"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MiB = 1024**2
GiB = 1024**3
PASSWORD = "tafteesh-bench-2026"
LAWYER_EMAIL = "evidence.lawyer@bench.tafteesh.org"
ORIGIN = "bench.tafteesh.local/custody-log"
PHASES = ("verify", "append", "upload")


class TimeLimitExceeded(Exception):
    """The whole run took longer than --time-limit."""


# -- the machine, CPU time and memory from /proc ------------------------------------------------


def loadavg() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks of the process and of the children it has reaped)."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    return table


def _tree_ticks(table: dict[int, tuple[int, int]], root: int) -> int:
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in table.items():
        children.setdefault(parent, []).append(pid)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            total += table[pid][1]
        stack.extend(children.get(pid, []))
    return total


def _machine_ticks() -> tuple[int, int]:
    """(busy, total) ticks of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def user_system_s(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of one process (its own threads, not its children)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            found[name] = int(value.split()[0])
    return found


def reset_peak(pid: int | str = "self") -> None:
    """Reset VmHWM to the current RSS (Linux clear_refs "5"), so a step's peak is its own."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _mb(kb: int) -> float:
    return round(kb / 1024, 1)


class Window:
    """Wall and CPU time of one measurement: this process (its own threads), PostgreSQL's
    process tree, an optional server's, and the rest of the machine (noise from other jobs)."""

    def __init__(self, postmaster: int | None, server: int | None = None) -> None:
        self.postmaster, self.server = postmaster, server

    def __enter__(self) -> Window:
        self.load_before = loadavg()
        self._table = _processes()
        self._machine = _machine_ticks()
        self._cpu = time.process_time()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.own_cpu = time.process_time() - self._cpu
        table, machine = _processes(), _machine_ticks()
        tick = 1 / CLK_TCK

        def used(root: int | None) -> float:
            if root is None:
                return 0.0
            return (_tree_ticks(table, root) - _tree_ticks(self._table, root)) * tick

        self.pg_cpu = used(self.postmaster)
        self.server_cpu = used(self.server)
        busy = (machine[0] - self._machine[0]) * tick
        total = (machine[1] - self._machine[1]) * tick
        other = max(0.0, busy - self.own_cpu - self.pg_cpu - self.server_cpu)
        self.machine_busy_pct = round(100 * busy / total, 1) if total else 0.0
        self.other_busy_pct = round(100 * other / total, 1) if total else 0.0
        self.load_after = loadavg()

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "wall_s": round(self.wall, 3),
            "bench_cpu_s": round(self.own_cpu, 3),
            "postgres_cpu_s": round(self.pg_cpu, 3),
            "machine_busy_pct": self.machine_busy_pct,
            "other_load_pct": self.other_busy_pct,
            "loadavg_before": self.load_before,
            "loadavg_after": self.load_after,
        }
        if self.server is not None:
            found["server_cpu_s"] = round(self.server_cpu, 3)
        return found


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def machine() -> dict[str, Any]:
    versions = {
        name: metadata.version(name)
        for name in ("fastapi", "uvicorn", "h11", "sqlalchemy", "asyncpg", "cryptography")
    }
    versions["python"] = platform.python_version()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "kernel": f"{platform.system()} {platform.release()}",
        "memory_gb": _memory_gb(),
        "versions": versions,
    }


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]


# -- the database -------------------------------------------------------------------------------


def _dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _forget_dead_handles(pgdata: Path) -> None:
    """pgserver counts the processes holding the server in a file; a killed holder stays listed
    and would keep the server up forever. Drop the dead ones (as bench/run.py does)."""
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        live = [pid for pid in json.loads(handles.read_text()) if Path(f"/proc/{pid}").exists()]
        handles.write_text(json.dumps(live))


def fresh_database(admin: URL) -> DatabaseUrls:
    """Drop the benchmark's database and make it again, migrated: every run starts from an
    empty custody log (the log is append-only, so it cannot be emptied any other way)."""
    asyncio.run(drop_database(admin, "tafteesh"))
    urls = asyncio.run(provision_database(admin))
    migrate.upgrade(urls.owner, app_role=urls.app.username)
    return urls


@dataclass
class Fixture:
    """The lawyer, her cases and the items the measurements use."""

    lawyer: Principal
    cases: list[tuple[uuid.UUID, str]]  # (id, reference)
    append_items: list[EvidenceItem] = field(default_factory=list)


def _principal(user: Any, organisation_name: str) -> Principal:
    return Principal(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
        organisation_name=organisation_name,
        preferred_language="en",
        session_id=uuid.uuid4(),
    )


async def make_fixture(urls: DatabaseUrls, *, cases_count: int, append_items: int) -> Fixture:
    """A lawyer, her cases and the append phase's items, made through the services."""
    cipher = IdentityCipher(load_identity_key(DATA_DIR, None))
    engine = create_engine(urls.app, pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            org = await accounts.create_organisation(
                session, None, name="Evidence Bench NGO", kind=OrganisationKind.NGO
            )
            user = await accounts.create_user(
                session,
                None,
                email=LAWYER_EMAIL,
                display_name="Adv. Bench Lawyer",
                organisation_id=org.id,
                role=Role.LAWYER,
                password=PASSWORD,
                preferred_language=Language.EN,
            )
            actor = _principal(user, org.name)
            made = []
            for number in range(max(cases_count, 1)):
                case = await cases.open_case(
                    session,
                    actor,
                    cipher=cipher,
                    data=CaseCreate(
                        reference=f"EV-BENCH-{number:05d}",
                        police_station="Ghutiari Sharif PS",
                        fir_district="South 24 Parganas",
                        fir_state="West Bengal",
                        fir_number=str(100 + number),
                        fir_year=2024,
                        fir_date=date(2024, 9, 12),
                    ),
                )
                made.append((case.id, case.reference))
            fixture = Fixture(actor, made)
            # Through the app's own access check, as a request would be.
            access = await case_access(session, actor, made[0][0])
            assert access is not None
            for number in range(append_items):
                item = await evidence.add_item(
                    session,
                    actor,
                    access,
                    data=ItemCreate(
                        kind="electronic",
                        category="device",
                        description=f"Phone {number} seized during the rescue",
                        device_type="Mobile phone",
                        device_imei_or_mac=f"35678910{number:07d}",
                    ),
                )
                fixture.append_items.append(item)
            return fixture
    finally:
        await engine.dispose()


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
        "rss_before_mb": _mb(rss_before),
        "peak_rss_mb": _mb(proc_status()["VmHWM"]),
    }
    return result, figures


async def _copy_log(urls: DatabaseUrls, log: GeneratedLog, actor: uuid.UUID) -> dict[str, Any]:
    """COPY the items and the events as the app role, in one transaction, and move the head."""
    conn = await asyncpg.connect(_dsn(urls.app))
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
    conn = await asyncpg.connect(_dsn(urls.owner))
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


def _server_env(urls: DatabaseUrls) -> dict[str, str]:
    """What `tafteesh` commands need to work on the benchmark's folder and database."""
    return {
        **os.environ,
        "TAFTEESH_DATA_DIR": str(DATA_DIR),
        "TAFTEESH_DATABASE_URL": urls.app.render_as_string(hide_password=False),
        "TAFTEESH_MIGRATION_DATABASE_URL": urls.owner.render_as_string(hide_password=False),
        "TAFTEESH_CUSTODY_LOG_ORIGIN": ORIGIN,
    }


def measure_cli_verify(urls: DatabaseUrls, postmaster: int, timeout: float) -> dict[str, Any]:
    """`tafteesh evidence verify` in a process of its own: its wall time, CPU and peak RSS
    (ru_maxrss from wait4, so the figure is the command's alone)."""
    command = [str(BIN / "tafteesh"), "evidence", "verify"]
    with Window(postmaster) as window:
        proc = subprocess.Popen(
            command, env=_server_env(urls), cwd=ROOT, stdout=subprocess.PIPE, text=True
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


# -- 3. uploading a 1 GiB file ------------------------------------------------------------------


def pseudo_random_chunks(key: bytes, total: int, chunk: int = MiB) -> Iterator[bytes]:
    """`total` bytes of AES-256-CTR keystream, `chunk` at a time: the same key gives the same
    bytes, and only one chunk is ever in memory."""
    encryptor = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    zeros = bytes(chunk)
    left = total
    while left > 0:
        size = min(chunk, left)
        yield encryptor.update(zeros if size == chunk else bytes(size))
        left -= size


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`tafteesh serve` started by this script, in its own process group, logging to a file."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"tafteesh serve exited early; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"tafteesh serve did not answer /healthz in {timeout:.0f} s")

    def worker(self) -> int:
        """The process serving requests: a spawned worker child when uvicorn made one, else the
        serve process itself (uvicorn runs a single worker in-process)."""
        for pid, (parent, _) in _processes().items():
            if parent == self.proc.pid:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"spawn_main" in command:
                    return pid
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def _call(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 60,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif data is not None:
        headers["Content-Type"] = "application/octet-stream"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def _expect(status: int, body: Any, wanted: int, what: str) -> Any:
    if status != wanted:
        raise SystemExit(f"{what}: expected {wanted}, got {status}: {body}")
    return body


async def _app_sessions(admin: URL, app_role: str) -> list[dict[str, Any]]:
    """The app role's PostgreSQL sessions: state, age of the open transaction, last query.
    (Read as the superuser: other roles see only their own sessions' state.)"""
    conn = await asyncpg.connect(_dsn(admin.set(database="tafteesh")))
    try:
        rows = await conn.fetch(
            "SELECT state, extract(epoch FROM now() - xact_start)::float AS xact_s, "
            "left(query, 70) AS query FROM pg_stat_activity WHERE usename = $1",
            app_role,
        )
        return [
            {
                "state": r["state"],
                "xact_s": None if r["xact_s"] is None else round(r["xact_s"], 1),
                "query": r["query"],
            }
            for r in rows
        ]
    finally:
        await conn.close()


def stream_upload(
    base: str,
    path: str,
    token: str,
    chunks: Iterator[bytes],
    total: int,
    *,
    deadline: float,
    halfway: Callable[[], None],
) -> tuple[int, Any]:
    """PUT `total` bytes from `chunks` with a Content-Length, one chunk in memory at a time."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(
        address.hostname or "127.0.0.1", address.port, timeout=120
    )
    try:
        connection.putrequest("PUT", path)
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(total))
        connection.endheaders()
        sent, called = 0, False
        for chunk in chunks:
            connection.send(chunk)
            sent += len(chunk)
            if not called and sent >= total // 2:
                called = True
                halfway()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the upload did not finish in time ({sent:,} bytes sent)")
        response = connection.getresponse()
        body = response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body.decode(errors="replace")
    finally:
        connection.close()


class RssSampler(threading.Thread):
    """The largest VmRSS of a process, sampled every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.max_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.max_kb = max(self.max_kb, proc_status(self.pid)["VmRSS"])
            except OSError:
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


def raw_hash_and_write(key: bytes, total: int, target: Path) -> dict[str, Any]:
    """The comparison: the same bytes through SHA-256 into a file on the same disk, fsynced."""
    digest = hashlib.sha256()
    times, started = os.times(), time.perf_counter()
    with target.open("wb") as handle:
        for chunk in pseudo_random_chunks(key, total):
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        written = time.perf_counter()
        os.fsync(handle.fileno())
    end, wall = os.times(), time.perf_counter() - started
    return {
        "sha256": digest.hexdigest(),
        "wall_s": round(wall, 3),
        "fsync_s": round(time.perf_counter() - written, 3),
        "user_cpu_s": round(end.user - times.user, 3),
        "system_cpu_s": round(end.system - times.system, 3),
        "cpu_s": round(end.user - times.user + end.system - times.system, 3),
        "mb_per_s": round(total / 1e6 / wall, 1),
    }


def _raw_run(key: bytes, total: int, target: Path, postmaster: int) -> dict[str, Any]:
    with Window(postmaster) as window:
        raw = raw_hash_and_write(key, total, target)
    target.unlink(missing_ok=True)
    raw["other_load_pct"] = window.other_busy_pct
    return raw


def hash_only(key: bytes, total: int) -> dict[str, Any]:
    """Generating and hashing the bytes, no file: what SHA-256 itself costs here."""
    digest = hashlib.sha256()
    started = time.perf_counter()
    for chunk in pseudo_random_chunks(key, total):
        digest.update(chunk)
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "mb_per_s": round(total / 1e6 / wall, 1)}


def generation_only(key: bytes, total: int) -> dict[str, Any]:
    started = time.perf_counter()
    for _ in pseudo_random_chunks(key, total):
        pass
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "mb_per_s": round(total / 1e6 / wall, 1)}


async def _log_size(urls: DatabaseUrls) -> int:
    conn = await asyncpg.connect(_dsn(urls.app))
    try:
        return int(await conn.fetchval("SELECT size FROM custody_log_head WHERE id = 1"))
    finally:
        await conn.close()


def measure_verify_request(
    server: Server, token: str, item_id: str, worker: int, timeout: float
) -> dict[str, Any]:
    """GET /api/v1/evidence/{id}/verify on the big log, while /healthz is probed every 0.2 s:
    how long the request takes, the worker's peak memory, and how long other requests wait."""
    reset_peak(worker)
    rss_start = proc_status(worker)["VmRSS"]
    user_before, system_before = user_system_s(worker)
    outcome: dict[str, Any] = {}

    def call() -> None:
        started = time.perf_counter()
        outcome["status"], outcome["body"] = _call(
            server.base, "GET", f"/api/v1/evidence/{item_id}/verify", token=token, timeout=timeout
        )
        outcome["wall_s"] = round(time.perf_counter() - started, 3)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    probes: list[float] = []
    deadline = time.monotonic() + timeout
    time.sleep(0.1)
    while thread.is_alive() and time.monotonic() < deadline:
        started = time.perf_counter()
        _call(server.base, "GET", "/healthz", timeout=timeout)
        probes.append(time.perf_counter() - started)
        time.sleep(0.2)
    thread.join(max(0.0, deadline - time.monotonic()))
    user_after, system_after = user_system_s(worker)
    body = outcome.get("body")
    return {
        "status": outcome.get("status"),
        "wall_s": outcome.get("wall_s"),
        "server_cpu_s": round(user_after - user_before + system_after - system_before, 2),
        "rss_start_mb": _mb(rss_start),
        "peak_vmhwm_mb": _mb(proc_status(worker)["VmHWM"]),
        "healthz_probes": len(probes),
        "healthz_max_ms": round(max(probes) * 1000, 1) if probes else None,
        "problem_codes": sorted({p["code"] for p in body.get("problems", [])})
        if isinstance(body, dict)
        else None,
        "checkpoint_size": body.get("checkpoint_size") if isinstance(body, dict) else None,
    }


def measure_upload(
    admin: URL, urls: DatabaseUrls, args: argparse.Namespace, postmaster: int, deadline: float
) -> dict[str, Any]:
    total = args.upload_bytes
    port = free_port()
    env = {**_server_env(urls), "TAFTEESH_UPLOAD_MAX_BYTES": str(2 * total)}
    command = [str(BIN / "tafteesh"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1"]
    server = Server(command, env, port, DATA_DIR / "serve.log")
    store = LocalBlobStore(DATA_DIR / "evidence")
    raw_file = DATA_DIR / "raw-compare.bin"
    uploaded: list[str] = []
    result: dict[str, Any] = {"bytes": total, "port": port, "workers": 1}
    try:
        server.wait_ready()
        worker = server.worker()
        result["worker_is_serve_process"] = worker == server.proc.pid
        result["startup_vmhwm_mb"] = _mb(proc_status(worker)["VmHWM"])
        token = _expect(
            *_call(
                server.base,
                "POST",
                "/api/v1/auth/token",
                form={"username": LAWYER_EMAIL, "password": PASSWORD},
            ),
            200,
            "sign-in",
        )["access_token"]
        case = _expect(
            *_call(
                server.base,
                "POST",
                "/api/v1/cases",
                token=token,
                json_body={
                    "reference": f"EV-UPLOAD-{uuid.uuid4().hex[:6].upper()}",
                    "police_station": "Ghutiari Sharif PS",
                    "fir_district": "South 24 Parganas",
                    "fir_state": "West Bengal",
                    "fir_number": "214",
                    "fir_year": 2024,
                    "fir_date": "2024-09-12",
                },
            ),
            201,
            "create a case",
        )
        item = _expect(
            *_call(
                server.base,
                "POST",
                f"/api/v1/cases/{case['id']}/evidence",
                token=token,
                json_body={
                    "kind": "electronic",
                    "category": "device_image",
                    "description": "Forensic image of the accused's phone",
                    "device_type": "Mobile phone",
                },
            ),
            201,
            "create an item",
        )
        # A second item with no file and no event, for the verify request: its cost is the log's.
        bare = _expect(
            *_call(
                server.base,
                "POST",
                f"/api/v1/cases/{case['id']}/evidence",
                token=token,
                json_body={
                    "kind": "physical",
                    "category": "seized_object",
                    "description": "Bag of documents seized in the raid",
                },
            ),
            201,
            "create a second item",
        )
        path = f"/api/v1/evidence/{item['id']}/files?filename=big.bin"
        # Warm-up: a 1 MiB upload, so the baseline includes everything the route imports.
        warm_path = path.replace("big.bin", "warm.bin")
        warm = _expect(
            *_call(server.base, "PUT", warm_path, token=token, data=os.urandom(MiB)),
            201,
            "warm-up upload",
        )
        uploaded.append(warm["sha256"])
        key = os.urandom(32)
        # A first raw run before the upload. Observed here: writing 1 GiB into page cache can
        # cost 10x more system time the first time (2.5 s against 0.24 s), probably as the VM's
        # host backs guest memory on first use. Deleting the file frees that page cache for the
        # upload, as the upload's deleted file does for the raw runs after it.
        result["raw_before_upload"] = _raw_run(key, total, raw_file, postmaster)
        time.sleep(0.5)
        baseline = proc_status(worker)
        result["baseline_vmhwm_mb"] = _mb(baseline["VmHWM"])
        result["baseline_vmrss_mb"] = _mb(baseline["VmRSS"])
        # The baseline peak is set by signing in (argon2 hashes in ~64 MiB of memory), so the
        # peak is reset here: what VmHWM shows afterwards is the upload's own.
        reset_peak(worker)
        result["vmrss_at_upload_start_mb"] = _mb(proc_status(worker)["VmRSS"])
        halfway: dict[str, Any] = {}

        def at_halfway() -> None:
            halfway["rss_mb"] = _mb(proc_status(worker)["VmRSS"])
            halfway["app_sessions"] = asyncio.run(_app_sessions(admin, str(urls.app.username)))

        sampler = RssSampler(worker)
        sampler.start()
        user_before, system_before = user_system_s(worker)
        print(f"  streaming {total / GiB:g} GiB to {server.base}{path}…", flush=True)
        with Window(postmaster, server.proc.pid) as window:
            status, body = stream_upload(
                server.base,
                path,
                token,
                pseudo_random_chunks(key, total),
                total,
                deadline=min(deadline, time.monotonic() + args.upload_timeout),
                halfway=at_halfway,
            )
        sampler.stop()
        user_after, system_after = user_system_s(worker)
        _expect(status, body, 201, "the 1 GiB upload")
        after = proc_status(worker)
        store.path(body["sha256"]).unlink(missing_ok=True)
        result["upload"] = {
            **window.summary(),
            "mb_per_s": round(total / 1e6 / window.wall, 1),
            "mib_per_s": round(total / MiB / window.wall, 1),
            "server_cpu_s_per_gib": round(window.server_cpu * GiB / total, 2),
            "server_user_cpu_s": round(user_after - user_before, 2),
            "server_system_cpu_s": round(system_after - system_before, 2),
            "sha256": body["sha256"],
            "size_bytes": body["size_bytes"],
        }
        result["peak_vmhwm_mb"] = _mb(after["VmHWM"])  # since the reset: during the upload
        result["peak_sampled_vmrss_mb"] = _mb(sampler.max_kb)
        result["vmrss_after_mb"] = _mb(after["VmRSS"])
        result["peak_growth_mb"] = round(
            result["peak_vmhwm_mb"] - result["vmrss_at_upload_start_mb"], 1
        )
        result["halfway"] = halfway
        print(
            f"  upload: {result['upload']['mb_per_s']:.0f} MB/s "
            f"({window.wall:.1f} s, server CPU {window.server_cpu:.1f} s); server VmHWM "
            f"{result['baseline_vmhwm_mb']:.0f} MB before; RSS at the start "
            f"{result['vmrss_at_upload_start_mb']:.0f} MB, peak during the upload "
            f"{result['peak_vmhwm_mb']:.0f} MB (largest sampled RSS "
            f"{result['peak_sampled_vmrss_mb']:.0f} MB); halfway {halfway}",
            flush=True,
        )
        print("  GET /api/v1/evidence/{id}/verify on the whole log…", flush=True)
        result["verify_request"] = measure_verify_request(
            server, token, bare["id"], worker, args.upload_timeout
        )
        result["verify_request"]["log_size"] = asyncio.run(_log_size(urls))
        print(f"  verify request: {result['verify_request']}", flush=True)
    finally:
        server.stop()
        raw_file.unlink(missing_ok=True)
        for leftover in store.incoming.glob("*"):  # an upload cut short leaves its temp file
            leftover.unlink()
    raws = [_raw_run(key, total, raw_file, postmaster) for _ in range(2)]
    result["raw_runs"] = raws
    result["raw"] = raw = max(raws, key=lambda r: r["mb_per_s"])
    result["generation_only"] = generation_only(key, total)
    result["hash_only"] = hash_only(key, total)
    result["same_sha256"] = all(
        r["sha256"] == result["upload"]["sha256"] for r in [*raws, result["raw_before_upload"]]
    )
    result["ratio_upload_to_raw"] = round(result["upload"]["mb_per_s"] / raw["mb_per_s"], 2)
    for sha in uploaded:
        store.path(sha).unlink(missing_ok=True)
    print(
        f"  raw SHA-256 + write + fsync: before the upload "
        f"{result['raw_before_upload']['mb_per_s']} MB/s, after it {[r['mb_per_s'] for r in raws]}"
        " MB/s; generating alone "
        f"{result['generation_only']['mb_per_s']:.0f} MB/s; upload/raw "
        f"{result['ratio_upload_to_raw']:.2f}; same SHA-256: {result['same_sha256']}",
        flush=True,
    )
    return result


# -- reporting ----------------------------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "# Evidence custody benchmark",
        "",
        f"Run {report['started_at'][:16].replace('T', ' ')} UTC on {m['cpus']} CPUs "
        f"({m['cpu_model']}), {m['memory_gb']} GB, {m['kernel']}; PostgreSQL "
        f"{report.get('postgres', '?')} (embedded, var/bench-evidence); Python "
        f"{m['versions']['python']}, uvicorn {m['versions']['uvicorn']} (h11 "
        f"{m['versions']['h11']}). Load average at the start {report['loadavg_start']}, at the "
        f"end {report['loadavg_end']}. 'Other load' is the CPU used by processes outside the "
        "benchmark during a measurement, as a share of all CPUs. Method: bench/README.md, "
        '"Evidence".',
    ]
    if "append" in report:
        a = report["append"]
        lines += [
            "",
            "## Custody appends (one transaction each)",
            "",
            f"Log size before: {a['start_size']:,} events. Each client is an asyncio task on its "
            "own connection in one Python process (as concurrent requests in one worker), "
            "appending to items no other client touches. `append_event`: "
            "`custody.append_event` alone. `record_custody`: what POST "
            "/api/v1/evidence/{id}/custody does without HTTP and sign-in (load the item and "
            "case, `service.record_custody`: the append, then the item, the case's updated_at, "
            "a timeline event and an audit row, all while holding the log head's lock).",
            "",
            "| path | clients | appends/s | p50 ms | p99 ms | max ms "
            "| CPU µs/append (bench + PG) | errors | other load | load avg after |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for level in a["levels"]:
            lines.append(
                f"| `{level['path']}` | {level['clients']} | {level['appends_per_s']:,.1f} "
                f"| {level['p50_ms']:.1f} | {level['p99_ms']:.1f} | {level['max_ms']:.1f} "
                f"| {level['cpu_us_per_append_bench']:,.0f} + "
                f"{level['cpu_us_per_append_postgres']:,.0f} | {level['errors']} "
                f"| {level['other_load_pct']:.0f}% | {level['loadavg_after'][0]} |"
            )
        c = a["check"]
        lines += [
            "",
            f"Afterwards: {c['appended']:,} appends, head {c['head']:,}, {c['rows']:,} rows, "
            f"max seq {c['max_seq']:,}; seqs handed out gapless: {c['seqs_handed_out_gapless']}; "
            f"table gapless: {c['table_gapless']}; chain breaks: {c['chain_breaks']}; "
            f"**{'OK' if c['ok'] else 'FAILED'}**.",
        ]
    if "verify" in report:
        v = report["verify"]
        b = v["body_bytes"]
        lines += [
            "",
            f"## Verifying {v['events']:,} events ({v['items']:,} items)",
            "",
            f"Bodies generated in memory (same keys and value shapes as `append_event`; mean "
            f"{b['mean']:.0f} B, {b['total_mb']:.0f} MB in all) in {v['generate']['seconds']} s, "
            f"then COPY'd into the database ({v['copy']['copy_events_s']} s for the events, "
            f"table and indexes {v['copy']['table_mb']:,.0f} MB; VACUUM ANALYZE "
            f"{v['copy']['vacuum_analyze_s']} s).",
            "",
            "| step | wall s | CPU s (this process) | PostgreSQL CPU s | µs/event (wall) "
            "| peak RSS MB (RSS before) | result |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        rows = [
            ("root + sign in memory", v["sign_in_memory"], None),
            ("`verifier.verify_log`, bodies in memory", v["verify_log"], v["verify_log"]),
            ("`signing.make_checkpoint` from the table", v["make_checkpoint"], None),
            ("`verification.verify_store` through the DB", v["verify_store"], v["verify_store"]),
        ]
        for name, figures, checked in rows:
            per = figures["wall_s"] * 1e6 / v["events"]
            outcome = ""
            if checked is not None:
                outcome = f"ok={checked['ok']}, verified {checked['verified_size']:,}"
            elif "same_note_as_in_memory" in figures:
                outcome = f"same note as in memory: {figures['same_note_as_in_memory']}"
            pg = figures.get("postgres_cpu_s")
            lines.append(
                f"| {name} | {figures['wall_s']:.2f} | {figures['cpu_s']:.2f} "
                f"| {'' if pg is None else f'{pg:.2f}'} | {per:.1f} "
                f"| {figures['peak_rss_mb']:,.0f} ({figures['rss_before_mb']:,.0f}) | {outcome} |"
            )
        cli = v.get("cli_verify")
        if cli:
            lines.append(
                f"| `tafteesh evidence verify` (a process of its own: RSS is all of it) "
                f"| {cli['wall_s']:.2f} | {cli['cpu_s']:.2f} | {cli['postgres_cpu_s']:.2f} "
                f"| {cli['wall_s'] * 1e6 / v['events']:.1f} | {cli['peak_rss_mb']:,.0f} "
                f"| exit {cli['exit_code']}: {cli['last_line']} |"
            )
        lines += [
            "",
            f"Other load during verify_log: {v['verify_log']['other_load_pct']:.0f}%; during "
            f"verify_store: {v['verify_store']['other_load_pct']:.0f}%"
            + (f"; during the command: {cli['other_load_pct']:.0f}%" if cli else "")
            + ". RSS before a step is what the process already held (the bodies, or memory "
            "Python kept after freeing them); the peak is reset (clear_refs) before each step.",
        ]
    if "upload" in report:
        u = report["upload"]
        up = u["upload"]
        lines += [
            "",
            f"## Uploading {u['bytes'] / GiB:g} GiB (`tafteesh serve`, one worker)",
            "",
            "| what | MB/s | wall s | CPU s | other load |",
            "|---|---:|---:|---:|---:|",
            f"| PUT /api/v1/evidence/{{id}}/files (client generating AES-CTR bytes) "
            f"| {up['mb_per_s']:,.0f} | {up['wall_s']:.2f} | server {up['server_cpu_s']:.2f} "
            f"(user {up['server_user_cpu_s']:.2f}, system {up['server_system_cpu_s']:.2f}), "
            f"client {up['bench_cpu_s']:.2f} | {up['other_load_pct']:.0f}% |",
            *(
                f"| raw {label}: the same bytes, SHA-256 + write + fsync in one process | "
                f"{r['mb_per_s']:,.0f} | {r['wall_s']:.2f} (fsync {r['fsync_s']:.2f}) "
                f"| {r['cpu_s']:.2f} (user {r['user_cpu_s']:.2f}, system "
                f"{r['system_cpu_s']:.2f}) | {r['other_load_pct']:.0f}% |"
                for label, r in [
                    ("before the upload (fresh memory)", u["raw_before_upload"]),
                    *((f"after the upload, run {n}", r) for n, r in enumerate(u["raw_runs"], 1)),
                ]
            ),
            f"| generating and hashing the bytes, no file | {u['hash_only']['mb_per_s']:,.0f} "
            f"| {u['hash_only']['wall_s']:.2f} | | |",
            f"| generating the bytes alone | {u['generation_only']['mb_per_s']:,.0f} "
            f"| {u['generation_only']['wall_s']:.2f} | | |",
            "",
            f"Upload / raw (the faster run after the upload): "
            f"**{u['ratio_upload_to_raw']:.2f}**. "
            "Same SHA-256 on both sides: "
            f"{u['same_sha256']}.",
            "",
            "Server memory (the worker process"
            + (", which is the serve process itself" if u["worker_is_serve_process"] else "")
            + f"): VmHWM {u['startup_vmhwm_mb']:,.0f} MB once started; "
            f"VmHWM {u['baseline_vmhwm_mb']:,.0f} MB and VmRSS "
            f"{u['baseline_vmrss_mb']:,.0f} MB before the upload (after signing in and a 1 MiB "
            f"warm-up upload; the peak so far is argon2's sign-in). Peak reset (clear_refs) at "
            f"the start of the upload, RSS then {u['vmrss_at_upload_start_mb']:,.0f} MB; "
            f"**VmHWM after the upload {u['peak_vmhwm_mb']:,.0f} MB** (growth "
            f"{u['peak_growth_mb']:+.1f} MB); largest VmRSS sampled every 0.1 s during it "
            f"{u['peak_sampled_vmrss_mb']:,.0f} MB.",
        ]
        vr = u.get("verify_request")
        if vr:
            lines += [
                "",
                f"## One request to GET /api/v1/evidence/{{id}}/verify (same server, log of "
                f"{vr['log_size']:,} events, an item with no file)",
                "",
                f"Answered {vr['status']} in **{vr['wall_s']} s** (server CPU "
                f"{vr['server_cpu_s']} s); the worker's RSS went from {vr['rss_start_mb']:,.0f} "
                f"MB to a peak of **{vr['peak_vmhwm_mb']:,.0f} MB**; meanwhile /healthz, probed "
                f"{vr['healthz_probes']} times, took up to **{vr['healthz_max_ms']} ms** (the "
                f"worker's event loop is busy verifying). Problems reported: "
                f"{', '.join(vr['problem_codes'] or []) or 'none'} (checkpoint size "
                f"{vr['checkpoint_size']}).",
            ]
        sessions = u.get("halfway", {}).get("app_sessions")
        if sessions is not None:
            described = ", ".join(
                f"{row['state']}"
                + (f" (transaction open {row['xact_s']} s)" if row["xact_s"] is not None else "")
                for row in sessions
            )
            lines += [
                "",
                "Halfway through the upload, the app's PostgreSQL sessions: "
                f"{described or 'none'}.",
            ]
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)


async def _postgres_version(urls: DatabaseUrls) -> str:
    conn = await asyncpg.connect(_dsn(urls.app))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark the evidence custody log: appends, verification, uploads. "
        "Uses its own embedded PostgreSQL in var/bench-evidence (its database is recreated "
        "on every run) and writes bench/results/evidence.{json,md}."
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated; they always run in the order {', '.join(PHASES)} "
        "(the COPY of the verify phase needs an empty log) (default all)",
    )
    parser.add_argument("--clients", default="1,8,32", help="concurrent appenders (default 1,8,32)")
    parser.add_argument(
        "--service-clients",
        default="1,8,32",
        help="concurrent clients through service.record_custody, as the API appends "
        "(default 1,8,32; empty for none)",
    )
    parser.add_argument(
        "--append-seconds", type=float, default=8, help="seconds measured per level (default 8)"
    )
    parser.add_argument(
        "--append-warmup", type=float, default=1, help="warm-up seconds per level (default 1)"
    )
    parser.add_argument(
        "--append-items", type=int, default=64, help="items the appenders use (default 64)"
    )
    parser.add_argument(
        "--events", type=int, default=1_000_000, help="events to verify (default 1,000,000)"
    )
    parser.add_argument(
        "--items", type=int, default=50_000, help="items they belong to (default 50,000)"
    )
    parser.add_argument(
        "--cases", type=int, default=100, help="cases the items belong to (default 100)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument(
        "--upload-bytes", type=int, default=GiB, help="bytes to upload (default 1 GiB)"
    )
    parser.add_argument(
        "--upload-timeout", type=float, default=600, help="seconds allowed (default 600)"
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        default=1800,
        help="stop the whole run after this many seconds (default 1800)",
    )
    parser.add_argument(
        "--keep-db",
        action="store_true",
        help="keep the benchmark database afterwards (default: drop it, it holds ~1 GB)",
    )
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="results folder")
    args = parser.parse_args(argv)
    wanted = {p for p in args.phases.split(",") if p}
    if unknown := wanted - set(PHASES):
        parser.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    phases = [p for p in PHASES if p in wanted]
    args.clients = [int(c) for c in args.clients.split(",") if c]
    args.service_clients = [int(c) for c in args.service_clients.split(",") if c]

    def over_time(*_: object) -> None:
        raise TimeLimitExceeded(f"the run took longer than --time-limit {args.time_limit:g} s")

    signal.signal(signal.SIGALRM, over_time)
    signal.alarm(int(args.time_limit))
    deadline = time.monotonic() + args.time_limit

    started = datetime.now(UTC)
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "machine": machine(),
        "loadavg_start": loadavg(),
        "method": {
            "phases": phases,
            "clients": args.clients,
            "service_clients": args.service_clients,
            "append_seconds": args.append_seconds,
            "append_warmup_s": args.append_warmup,
            "append_items": args.append_items,
            "events": args.events,
            "items": args.items,
            "cases": args.cases,
            "seed": args.seed,
            "upload_bytes": args.upload_bytes,
            "data_dir": str(DATA_DIR.relative_to(ROOT)),
            "verify_data": "generated in memory, then COPY into the database",
        },
    }
    print(f"Load average {report['loadavg_start']} on {os.cpu_count()} CPUs.", flush=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(DATA_DIR / "pgdata")
    admin = start_embedded_server(DATA_DIR)
    urls: DatabaseUrls | None = None
    try:
        print("Recreating the benchmark database…", flush=True)
        urls = fresh_database(admin)
        for leftover in (DATA_DIR / "evidence" / "incoming").glob("*"):
            leftover.unlink()
        report["postgres"] = asyncio.run(_postgres_version(urls))
        postmaster = int((DATA_DIR / "pgdata" / "postmaster.pid").read_text().split()[0])
        fixture = asyncio.run(
            make_fixture(
                urls,
                cases_count=args.cases if "verify" in phases else 1,
                append_items=args.append_items if "append" in phases else 0,
            )
        )
        for phase in phases:
            print(f"\n== {phase} ==", flush=True)
            if phase == "verify":
                report["verify"] = measure_verification(urls, fixture, args, postmaster)
            elif phase == "append":
                report["append"] = asyncio.run(measure_appends(urls, fixture, args, postmaster))
            else:
                report["upload"] = measure_upload(admin, urls, args, postmaster, deadline)
    finally:
        signal.alarm(0)
        if urls is not None and not args.keep_db:
            asyncio.run(drop_database(admin, "tafteesh"))
        stop_embedded_server(DATA_DIR)
    report["loadavg_end"] = loadavg()
    report["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    args.out.mkdir(parents=True, exist_ok=True)
    _write(args.out / "evidence.json", json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    _write(args.out / "evidence.md", table)
    print("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
