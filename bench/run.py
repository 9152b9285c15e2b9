"""`make bench`: the app against its asyncpg + Jinja2 baseline, at two data sizes (bench/README.md).

For each size it starts (or reuses) the embedded PostgreSQL in var/bench-<size>, fills it with
`tafteesh bench-data` when it is empty, serves the app (`tafteesh serve --workers 2`) and the
baseline (bench/baseline.py, the same server and worker count) on 127.0.0.1, and runs every
scenario at every concurrency against both, one after the other: a warm-up, then a bounded
measurement with wrk. CPU time per request comes from /proc for the server's processes and for
PostgreSQL's. Results go to bench/results/bench.json and bench/results/bench.md.

Scenarios are data (`SCENARIOS` in bench/scenarios.py): add one by naming the paths each side
requests. The parts live in sibling modules: scenarios.py, proc_cpu.py (CPU time from /proc),
servers.py, measure.py (one measurement), data_set.py (one size's database) and run_report.py
(judging and reporting); this script holds the orchestration and the command line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from data_set import (
    data_dir_of,
    fetch_context,
    keep_pristine,
    postmaster_pid,
    prepare_data_set,
    restore_pristine,
    server_env,
    size_label,
    start_server,
)
from measure import measure_scenarios
from proc_cpu import SessionCounter, cpu_model_name
from run_report import TARGETS, judge, markdown, package_versions
from scenarios import LIST_FILTER, SCENARIOS, Scenario
from servers import Server, serving

from tafteesh.db import driver_dsn
from tafteesh.embedded import provision_database, stop_embedded_server

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent


# -- one data size -----------------------------------------------------------------------------


def run_size(cases: int, args: argparse.Namespace, scenarios: list[Scenario]) -> dict[str, Any]:
    data_dir = data_dir_of(cases)
    label = size_label(cases)
    logs = ROOT / "var" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"\n== {cases:,} cases ({data_dir.relative_to(ROOT)}) ==", flush=True)
    admin = start_server(data_dir)  # held by this process until the size is done
    try:
        restored = asyncio.run(restore_pristine(admin))
        urls = asyncio.run(provision_database(admin))
        env = server_env(data_dir, urls)
        if args.tcp_nodelay:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(BENCH / "nodelay"), os.environ.get("PYTHONPATH")) if p
            )
        load = prepare_data_set(cases, env, urls, restored=restored)
        asyncio.run(keep_pristine(admin, replace=bool(load.get("migrated"))))
        ctx, facts = asyncio.run(fetch_context(urls, args.routes))
        postmaster = postmaster_pid(data_dir)
        workers = ["--host", "127.0.0.1", "--workers", str(args.workers)]
        app_command = [str(BIN / "tafteesh"), "serve", *workers, "--port", str(args.app_port)]
        baseline_command = [sys.executable, str(BENCH / "baseline.py"), *workers]
        baseline_command += ["--port", str(args.baseline_port)]
        app = Server("app", app_command, env, args.app_port, logs / f"{label}-app.log")
        baseline = Server(
            "baseline", baseline_command, env, args.baseline_port, logs / f"{label}-baseline.log"
        )
        sessions = SessionCounter(driver_dsn(urls.app))
        try:
            with serving([app, baseline]):
                measurements = measure_scenarios(
                    cases,
                    scenarios,
                    ctx,
                    app,
                    baseline,
                    args=args,
                    postmaster=postmaster,
                    sessions=sessions,
                )
        finally:
            sessions.close()
    finally:
        stop_embedded_server(data_dir)
    return {
        "cases": cases,
        "data_dir": str(data_dir.relative_to(ROOT)),
        "load": load,
        "data": facts,
        "keepalive_round_trip_ms": {"app": app.round_trip_ms, "baseline": baseline.round_trip_ms},
        "measurements": [asdict(m) for m in measurements],
    }


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text)
    temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the app against its baseline.")
    parser.add_argument("--sizes", default="1000,100000", help="case counts (default 1000,100000)")
    parser.add_argument("--concurrency", default="16,64", help="connections (default 16,64)")
    parser.add_argument("--duration", type=float, default=10, help="seconds measured (default 10)")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=2,
        help="wrk threads, one wave of connections each (default 2)",
    )
    parser.add_argument(
        "--stagger",
        type=float,
        default=0.2,
        help="seconds between the threads' waves of connections (default 0.2)",
    )
    parser.add_argument("--workers", type=int, default=2, help="server workers (default 2)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="measure each figure this many times and keep the median (default 1)",
    )
    parser.add_argument(
        "--scenarios", default="all", help="comma-separated scenario names (default all)"
    )
    parser.add_argument(
        "--routes",
        choices=("api", "pages"),
        default="pages",
        help="measure the app's HTML pages (the issue's 'case list' and 'case detail page', "
        "which the baseline also renders as HTML) or its JSON API (default pages)",
    )
    parser.add_argument(
        "--tcp-nodelay",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="serve both with TCP_NODELAY forced on (bench/nodelay), as the app's own `serve` "
        "does; --no-tcp-nodelay leaves the baseline's uvicorn without it, which caps it at "
        "one response per 40 ms per connection (default on)",
    )
    parser.add_argument("--app-port", type=int, default=8100)
    parser.add_argument("--baseline-port", type=int, default=8101)
    parser.add_argument("--out", type=Path, default=BENCH / "results", help="results folder")
    args = parser.parse_args(argv)
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    sizes = [int(s) for s in args.sizes.split(",")]
    wanted = None if args.scenarios == "all" else set(args.scenarios.split(","))
    scenarios = [s for s in SCENARIOS if wanted is None or s.name in wanted]
    if not scenarios:
        raise SystemExit(f"no such scenario; choose from {', '.join(s.name for s in SCENARIOS)}")
    started = datetime.now(UTC)
    runs = [run_size(size, args, scenarios) for size in sizes]
    report: dict[str, Any] = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model_name(),
            "kernel": f"{platform.system()} {platform.release()}",
            "versions": package_versions(),
        },
        "method": {
            "warmup_s": args.warmup,
            "duration_s": args.duration,
            "threads": args.threads,
            "workers": args.workers,
            "concurrency": args.concurrency,
            "routes": args.routes,
            "stagger_s": args.stagger,
            "repeat": args.repeat,
            "tcp_nodelay": args.tcp_nodelay,
            "list_filter": LIST_FILTER,
            "scenarios": [
                {"name": s.name, "description": s.description, "user": s.user, "judged": s.judged}
                for s in scenarios
            ],
        },
        "targets": TARGETS,
        "runs": runs,
        "verdicts": [asdict(v) for v in judge(runs, scenarios, args.concurrency)],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "bench" + ("-api" if args.routes == "api" else "")
    stem += "" if args.tcp_nodelay else "-as-served"
    _write(args.out / f"{stem}.json", json.dumps(report, indent=2) + "\n")
    table = markdown(report)
    _write(args.out / f"{stem}.md", table)
    print("\n" + table)
    missed = [v for v in report["verdicts"] if not v["met"]]
    print(f"{len(report['verdicts']) - len(missed)} of {len(report['verdicts'])} targets met.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
