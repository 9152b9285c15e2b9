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

Results go to bench/results/evidence.json and bench/results/evidence.md. The phases live in
sibling modules: evidence_appends.py, evidence_verify.py and evidence_upload.py, on top of
evidence_common.py (constants, /proc), evidence_db.py (the database and the fixture) and
evidence_server.py (`tafteesh serve` and HTTP); evidence_report.py writes evidence.md. This
script holds the orchestration and the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from evidence_appends import measure_appends
from evidence_common import DATA_DIR, ROOT, GiB, loadavg, machine
from evidence_db import fresh_database, make_fixture
from evidence_report import markdown
from evidence_upload import measure_upload
from evidence_verify import measure_verification
from proc_cpu import forget_dead_handles

from tafteesh.db import driver_dsn
from tafteesh.embedded import (
    DatabaseUrls,
    drop_database,
    start_embedded_server,
    stop_embedded_server,
)

BENCH = ROOT / "bench"
PHASES = ("verify", "append", "upload")


class TimeLimitExceeded(Exception):
    """The whole run took longer than --time-limit."""


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)


async def _postgres_version(urls: DatabaseUrls) -> str:
    conn = await asyncpg.connect(driver_dsn(urls.app))
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
    forget_dead_handles(DATA_DIR / "pgdata")
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
