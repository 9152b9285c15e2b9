"""One measurement of `bench/run.py`, and the measurements of every scenario at one data size.

`Measurement` is what one wrk run against one server yields (throughput, latency percentiles,
errors, CPU time per request for the server's processes and PostgreSQL's, the workers' shares,
new PostgreSQL sessions); `wrk` runs wrk once with bench/wrk.lua, `measure` runs a warm-up and
then the measured run between two CPU snapshots, and `measure_scenarios` does so for every
scenario and concurrency, on both servers, keeping the median of the repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from proc_cpu import CLK_TCK, CpuSnapshot, SessionCounter, tree_ticks
from scenarios import Context, Scenario
from servers import Server, fetch_text, keepalive_round_trip_ms, send_line, sign_in

from tafteesh import benchdata

BENCH = Path(__file__).resolve().parents[1] / "bench"


# -- one measurement ---------------------------------------------------------------------------


@dataclass
class Measurement:
    size: int
    scenario: str
    target: str  # "app" or "baseline"
    concurrency: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    errors: dict[str, int]
    response_bytes: int
    # CPU time per request, in microseconds: the server's processes, PostgreSQL's, both.
    cpu_us_server: float
    cpu_us_postgres: float
    cpu_us_total: float
    cpu_us_wrk: float
    # Share of the machine's CPUs busy during the run, and the part of it nobody here used.
    machine_busy_pct: float
    other_busy_pct: float
    # Each worker's share of the server's CPU time, busiest first: wrk's keep-alive connections
    # stay with the worker that accepted them, and one worker may accept nearly all of them.
    worker_shares: list[float]
    # PostgreSQL sessions opened during the run (a pool that keeps connecting shows here).
    new_pg_sessions: int
    # Requests per second of every repeat; the figures above are those of the median one.
    rps_runs: list[float]


def wrk(
    url: str,
    paths: list[str],
    *,
    token: str | None,
    connections: int,
    seconds: float,
    threads: int,
    stagger: float,
) -> tuple[dict[str, Any], float]:
    """Run wrk once; return its JSON summary and the CPU seconds wrk itself used."""
    with tempfile.TemporaryDirectory(prefix="tafteesh-bench-") as folder:
        paths_file, out_file = Path(folder, "paths"), Path(folder, "out.json")
        paths_file.write_text("\n".join(paths) + "\n")
        command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s"]
        command += ["--timeout", "10s", "-s", str(BENCH / "wrk.lua")]
        if token:
            command += ["-H", f"Authorization: Bearer {token}"]
        env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_OUT": str(out_file)}
        env["BENCH_STAGGER"] = f"{stagger:g}"
        env["BENCH_THREADS"] = str(threads)
        with Path(folder, "stdout").open("w") as stdout:
            proc = subprocess.Popen([*command, url], env=env, stdout=stdout, stderr=stdout)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0 or not out_file.exists():
            raise SystemExit(f"wrk failed: {Path(folder, 'stdout').read_text()}")
        return json.loads(out_file.read_text()), usage.ru_utime + usage.ru_stime


def measure(
    size: int,
    scenario: Scenario,
    target: str,
    server: Server,
    paths: list[str],
    token: str | None,
    *,
    connections: int,
    args: argparse.Namespace,
    postmaster: int,
    sessions: Callable[[], int],
    fresh_paths: Callable[[], list[str]] | None = None,
) -> Measurement:
    if args.warmup > 0:  # wrk refuses a duration of 0
        wrk(
            server.base,
            fresh_paths() if fresh_paths else paths,
            token=token,
            connections=connections,
            seconds=args.warmup,
            threads=args.threads,
            stagger=args.stagger,
        )
    if fresh_paths:
        # Requests in flight when wrk stopped are still being committed: let them finish, or
        # their hearings would be handed out again (and answer 409, stale version).
        time.sleep(2)
        paths = fresh_paths()
    workers = server.workers()
    sessions_before = sessions()
    before = CpuSnapshot.take()
    summary, wrk_cpu = wrk(
        server.base,
        paths,
        token=token,
        connections=connections,
        seconds=args.duration,
        threads=args.threads,
        stagger=args.stagger,
    )
    after = CpuSnapshot.take()
    new_sessions = sessions() - sessions_before
    requests = summary["requests"]
    seconds = summary["duration_us"] / 1e6
    tick_us = 1e6 / CLK_TCK

    def used(root: int) -> float:
        return (tree_ticks(after.processes, root) - tree_ticks(before.processes, root)) * tick_us

    server_us, postgres_us = used(server.proc.pid), used(postmaster)
    per_worker = [used(pid) for pid in workers]
    shares = sorted((round(w / sum(per_worker), 2) for w in per_worker), reverse=True)
    busy = (after.machine[0] - before.machine[0]) * tick_us
    total = (after.machine[1] - before.machine[1]) * tick_us
    other = max(0.0, busy - server_us - postgres_us - wrk_cpu * 1e6)
    latency = summary["latency_us"]
    per = max(requests, 1)
    return Measurement(
        size=size,
        scenario=scenario.name,
        target=target,
        concurrency=connections,
        requests=requests,
        seconds=round(seconds, 3),
        rps=round(requests / seconds, 1),
        p50_ms=latency["p50"] / 1000,
        p90_ms=latency["p90"] / 1000,
        p99_ms=latency["p99"] / 1000,
        max_ms=latency["max"] / 1000,
        errors=summary["errors"],
        response_bytes=summary["bytes"] // per,
        cpu_us_server=round(server_us / per, 1),
        cpu_us_postgres=round(postgres_us / per, 1),
        cpu_us_total=round((server_us + postgres_us) / per, 1),
        cpu_us_wrk=round(wrk_cpu * 1e6 / per, 1),
        machine_busy_pct=round(100 * busy / total, 1) if total else 0.0,
        other_busy_pct=round(100 * other / total, 1) if total else 0.0,
        worker_shares=shares if sum(per_worker) else [],
        new_pg_sessions=new_sessions,
        rps_runs=[],
    )


def _print_measurement(m: Measurement) -> None:
    failed = sum(m.errors.values())
    print(
        f"  {m.scenario:<15} {m.target:<8} c={m.concurrency:<3} {m.rps:>7,.0f} req/s  "
        f"p50 {m.p50_ms:6.1f} ms  p99 {m.p99_ms:6.1f} ms  CPU {m.cpu_us_total:5.0f} µs/req "
        f"(server {m.cpu_us_server:.0f}, PG {m.cpu_us_postgres:.0f})  workers {m.worker_shares}  "
        f"new PG sessions {m.new_pg_sessions}  other load {m.other_busy_pct:.0f}%"
        + (f"  ERRORS {m.errors}" if failed else ""),
        flush=True,
    )


_CSRF_TOKEN = re.compile(r'(csrf_token" value="|X-CSRF-Token": ")[^"]+')


def check_same_output(scenario: Scenario, app_url: str, baseline_url: str, token: str) -> None:
    """Stop unless both sides answer the same HTML, the CSRF token aside (each makes its own),
    so that a template changed in the app cannot leave the baseline measuring another page."""
    app_page, baseline_page = (
        _CSRF_TOKEN.sub(r"\1…", text)
        for text in (fetch_text(app_url, token), fetch_text(baseline_url))
    )
    if app_page != baseline_page:
        raise SystemExit(
            f"{scenario.name}: the baseline's page differs from the app's "
            f"({len(baseline_page):,} against {len(app_page):,} characters); bring "
            "bench/baseline.py up to date with the app's templates"
        )
    print(f"  {scenario.name}: both sides answer the same page ({len(app_page):,} characters)")


def measure_scenarios(
    cases: int,
    scenarios: list[Scenario],
    ctx: Context,
    app: Server,
    baseline: Server,
    *,
    args: argparse.Namespace,
    postmaster: int,
    sessions: SessionCounter,
) -> list[Measurement]:
    tokens = {
        "lawyer": sign_in(app.base, benchdata.BENCH_LAWYER_EMAIL),
        "lead": sign_in(app.base, benchdata.BENCH_LEAD_EMAIL),
    }
    for server in (app, baseline):
        server.round_trip_ms = keepalive_round_trip_ms(server.base)
        print(f"  {server.name}: keep-alive round trip to /healthz {server.round_trip_ms} ms")
    measurements: list[Measurement] = []
    for scenario in scenarios:
        sides = (
            ("app", app, scenario.app_paths(ctx), tokens[scenario.user]),
            ("baseline", baseline, scenario.baseline_paths(ctx), None),
        )
        for name, server, paths, token in sides:
            if scenario.consumes:  # the app's check used up a hearing the baseline would take
                paths = (scenario.app_paths if name == "app" else scenario.baseline_paths)(ctx)
            status, size = send_line(server.base + paths[0], token)
            if status != 200:
                raise SystemExit(f"{name} answered {status} to {paths[0]}")
            print(f"  {scenario.name}: {name} {paths[0][:70]} -> {size:,} bytes")
        if scenario.same_output and ctx.routes == "pages":
            (_, _, app_paths, token), (_, _, baseline_paths, _) = sides
            check_same_output(
                scenario, app.base + app_paths[0], baseline.base + baseline_paths[0], token
            )
        for connections in args.concurrency:
            # The two sides take turns (app, baseline, app, baseline…) rather than each running
            # its repeats in a row: a machine that drifts over minutes (a noisy neighbour, a
            # warmer cache) then moves both sides alike, instead of the ratio.
            repeats: dict[str, list[Measurement]] = {name: [] for name, *_ in sides}
            for _ in range(args.repeat):
                for name, server, paths, token in sides:
                    fresh = None
                    if scenario.consumes:
                        pick = scenario.app_paths if name == "app" else scenario.baseline_paths

                        def fresh(pick: Callable[[Context], list[str]] = pick) -> list[str]:
                            return pick(ctx)

                    m = measure(
                        cases,
                        scenario,
                        name,
                        server,
                        paths,
                        token,
                        connections=connections,
                        args=args,
                        postmaster=postmaster,
                        sessions=sessions,
                        fresh_paths=fresh,
                    )
                    _print_measurement(m)
                    repeats[name].append(m)
            for runs in repeats.values():
                runs.sort(key=lambda r: r.rps)
                median = runs[len(runs) // 2]
                median.rps_runs = [r.rps for r in runs]
                measurements.append(median)
    return measurements
