"""`make bench`: the app against its asyncpg + Jinja2 baseline, at two data sizes (bench/README.md).

For each size it starts (or reuses) the embedded PostgreSQL in var/bench-<size>, fills it with
`tafteesh bench-data` when it is empty, serves the app (`tafteesh serve --workers 2`) and the
baseline (bench/baseline.py, the same server and worker count) on 127.0.0.1, and runs every
scenario at every concurrency against both, one after the other: a warm-up, then a bounded
measurement with wrk. CPU time per request comes from /proc for the server's processes and for
PostgreSQL's. Results go to bench/results/bench.json and bench/results/bench.md.

Scenarios are data (`SCENARIOS`): add one by naming the paths each side requests.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import platform
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import URL

from tafteesh import benchdata
from tafteesh.db import driver_dsn
from tafteesh.embedded import (
    DATABASE,
    OWNER_ROLE,
    DatabaseUrls,
    provision_database,
    start_embedded_server,
    stop_embedded_server,
)

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
CLK_TCK = os.sysconf("SC_CLK_TCK")
INDIA = timezone(timedelta(hours=5, minutes=30))

# The filter the list scenarios use: the most common stage, in a district with a space in its
# name. The lawyer has about 13 such cases at any size; a consortium lead sees a full page.
LIST_FILTER = {"stage": "prosecution_evidence", "district": "South 24 Parganas"}
DETAIL_CASES = 1_000  # the detail scenario rotates over this many of the lawyer's cases
# "Record an outcome" takes one fresh hearing per request; before each wrk run the pool of past
# scheduled hearings on the lawyer's cases is topped up to this many (more than a run can use).
OUTCOME_POOL = 40_000
OUTCOME_REASON = "prosecution_witness_absent"
MAX_CONNECTIONS = 200  # PostgreSQL's, for both servers' pools at once (_raise_max_connections)

TARGETS = {
    "min_ratio": 0.5,  # app req/s at least half the baseline's
    "max_p99_ms_at_64": 250.0,
    "max_p50_growth": 1.5,  # p50 at the largest size over p50 at the smallest
}


# -- scenarios ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What the scenarios need to know about the data set and the app."""

    lawyer_id: str
    lead_id: str
    lawyer_cases: list[str]
    # "api": the JSON routes (/api/v1/cases...); "pages": the HTML pages (/cases...).
    routes: str
    dsn: str = ""  # the app's database, for scenarios that pick their targets afresh
    today: date = date.min  # in India, as the app counts days


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    user: str  # whose bearer token the app's requests carry: "lawyer" or "lead"
    app_paths: Callable[[Context], list[str]]
    baseline_paths: Callable[[Context], list[str]]
    judged: bool = True  # held to the targets
    # Each request uses up its target (a hearing whose outcome it records): the paths are
    # fetched again before every wrk run, and every line carries a JSON body to POST.
    consumes: bool = False


def _query(**extra: str) -> str:
    return urllib.parse.urlencode({**LIST_FILTER, **extra})


def _app_prefix(ctx: Context) -> str:
    return "/api/v1/cases" if ctx.routes == "api" else "/cases"


def _week(ctx: Context) -> str:
    return f"from={ctx.today.isoformat()}&to={(ctx.today + timedelta(days=6)).isoformat()}"


async def _outcome_targets(ctx: Context) -> list[str]:
    """Hearing ids for "record an outcome": past, scheduled, version 1, on the lawyer's cases.
    Tops the pool up first (as the app's role, with COPY) when earlier runs have used it."""
    conn = await asyncpg.connect(ctx.dsn)
    try:
        lawyer = uuid.UUID(ctx.lawyer_id)
        available = """
            SELECT h.id::text FROM hearings h
            WHERE h.status = 'scheduled' AND h.version = 1 AND h.hearing_date < $2
              AND EXISTS (SELECT 1 FROM case_team_members t WHERE t.case_id = h.case_id
                          AND t.user_id = $1 AND t.removed_at IS NULL)
            ORDER BY h.id LIMIT $3
        """
        ids = [r[0] for r in await conn.fetch(available, lawyer, ctx.today, OUTCOME_POOL)]
        missing = OUTCOME_POOL - len(ids)
        if missing > 0:
            courts = await conn.fetch(
                "SELECT c.id, c.fir_date, c.court_establishment, c.court_number, c.judge "
                "FROM cases c JOIN case_team_members t ON t.case_id = c.id "
                "WHERE t.user_id = $1 AND t.removed_at IS NULL AND c.cnr IS NOT NULL "
                "AND c.fir_date < $2",
                lawyer,
                ctx.today - timedelta(days=60),
            )
            if not courts:
                raise SystemExit("The lawyer has no case before a court: no hearings to record.")
            now = datetime.now(UTC)
            records = []
            for n in range(missing):
                case = courts[n % len(courts)]
                back = 1 + n % min(300, (ctx.today - case["fir_date"]).days - 1)
                records.append(
                    (uuid.uuid4(), case["id"], ctx.today - timedelta(days=back),
                     case["court_establishment"], case["court_number"], case["judge"],
                     "prosecution_evidence", "scheduled", now, lawyer, 1)
                )  # fmt: skip
            columns = (
                "id case_id hearing_date court_establishment court_number judge purpose status "
                "created_at created_by version"
            ).split()
            await conn.copy_records_to_table("hearings", columns=columns, records=records)
            await conn.execute("ANALYZE hearings")
            ids = [r[0] for r in await conn.fetch(available, lawyer, ctx.today, OUTCOME_POOL)]
    finally:
        await conn.close()
    return ids


def _outcome_paths(prefix: str) -> Callable[[Context], list[str]]:
    """POST lines for "record an outcome": adjourned for an absent witness, to a next date a
    week or more away (out of "my hearings"' window), spread so each case's dates differ."""

    def paths(ctx: Context) -> list[str]:
        lines = []
        for n, hearing in enumerate(asyncio.run(_outcome_targets(ctx))):
            body = {
                "version": 1,
                "outcome": "adjourned",
                "adjournment_reason": OUTCOME_REASON,
                "next_date": (ctx.today + timedelta(days=7 + n % 700)).isoformat(),
            }
            lines.append(f"{prefix}/{hearing}/outcome\t{json.dumps(body)}")
        return lines

    return paths


SCENARIOS: list[Scenario] = [
    Scenario(
        "case_list",
        "Filtered case list (stage and district) as a lawyer: visibility-filtered to their team",
        "lawyer",
        lambda ctx: [f"{_app_prefix(ctx)}?{_query()}"],
        lambda ctx: [f"/cases?{_query(user=ctx.lawyer_id)}"],
    ),
    Scenario(
        "case_detail",
        f"Case page as a lawyer, rotating over up to {DETAIL_CASES:,} of their cases",
        "lawyer",
        lambda ctx: [f"{_app_prefix(ctx)}/{case}" for case in ctx.lawyer_cases],
        lambda ctx: [f"/cases/{case}?user={ctx.lawyer_id}" for case in ctx.lawyer_cases],
    ),
    Scenario(
        "case_list_lead",
        "The same filtered list as a consortium lead, who sees every case (a full page)",
        "lead",
        lambda ctx: [f"{_app_prefix(ctx)}?{_query()}"],
        lambda ctx: [f"/cases?{_query()}"],
        judged=False,
    ),
    Scenario(
        "my_hearings",
        "My hearings (today and the next six days) as a lawyer: their team's cases",
        "lawyer",
        lambda ctx: [f"/api/v1/hearings?mine=true&{_week(ctx)}"],
        lambda ctx: [f"/hearings?user={ctx.lawyer_id}&{_week(ctx)}"],
    ),
    Scenario(
        "record_outcome",
        "Record an outcome as a lawyer: adjourned (witness absent) with a next date; each "
        "request a fresh past hearing (the hearing, its next hearing, a timeline event, audit)",
        "lawyer",
        _outcome_paths("/api/v1/hearings"),
        _outcome_paths("/hearings"),
        consumes=True,
    ),
]


# -- CPU time from /proc -----------------------------------------------------------------------


def _processes() -> dict[int, tuple[int, int]]:
    """pid -> (parent pid, CPU ticks of the process and of its children it has reaped)."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        # fields[1] is the parent; [11:15] are utime, stime, cutime, cstime
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


@dataclass
class CpuSnapshot:
    processes: dict[int, tuple[int, int]]
    machine: tuple[int, int]

    @classmethod
    def take(cls) -> CpuSnapshot:
        return cls(_processes(), _machine_ticks())


class SessionCounter:
    """PostgreSQL's count of sessions ever opened on the database, read over one held connection
    (in a thread of its own, so the count does not include our own asking)."""

    def __init__(self, dsn: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._conn = self._call(asyncpg.connect(dsn))

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    async def _count(self) -> int:
        await self._conn.execute("SELECT pg_stat_clear_snapshot()")
        query = "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
        return int(await self._conn.fetchval(query))

    def __call__(self) -> int:
        return int(self._call(self._count()))

    def close(self) -> None:
        self._call(self._conn.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()


# -- servers -----------------------------------------------------------------------------------


class Server:
    """A server process this script started, in its own process group, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, log: Path):
        self.name, self.port = name, port
        self.round_trip_ms: float | None = None
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

    def wait_ready(self, path: str = "/healthz", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited early; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path} in {timeout:.0f} s")

    def workers(self) -> list[int]:
        """The worker processes (uvicorn spawns them; the resource tracker is not one)."""
        found = []
        for pid, (parent, _) in _processes().items():
            if parent == self.proc.pid:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"spawn_main" in command:
                    found.append(pid)
        return sorted(found)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


@contextmanager
def serving(servers: list[Server]) -> Iterator[None]:
    try:
        for server in servers:
            server.wait_ready()
        yield
    finally:
        for server in servers:
            server.stop()


def _get(url: str, token: str | None = None) -> tuple[int, int]:
    """GET the URL, or POST the JSON body after a tab (a consuming scenario's line)."""
    url, _, body = url.partition("\t")
    request = urllib.request.Request(url, data=body.encode() if body else None)
    if body:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def keepalive_round_trip_ms(base: str, requests: int = 21) -> float:
    """Median time of sequential requests to /healthz on one kept-alive connection: about 40 ms
    instead of well under 1 ms when the server's connections lack TCP_NODELAY."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return round(sorted(times)[len(times) // 2], 2)


def sign_in(base: str, email: str) -> str:
    body = urllib.parse.urlencode({"username": email, "password": benchdata.BENCH_PASSWORD})
    request = urllib.request.Request(f"{base}/api/v1/auth/token", data=body.encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        token: str = json.load(response)["access_token"]
    return token


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
        return (_tree_ticks(after.processes, root) - _tree_ticks(before.processes, root)) * tick_us

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


# -- one data size -----------------------------------------------------------------------------


def size_label(cases: int) -> str:
    return f"{cases // 1000}k" if cases % 1000 == 0 else str(cases)


def _url(url: URL) -> str:
    return url.render_as_string(hide_password=False)


async def _fetch_context(urls: DatabaseUrls, routes: str) -> tuple[Context, dict[str, Any]]:
    conn = await asyncpg.connect(driver_dsn(urls.app))
    try:
        email_id = "SELECT id::text FROM users WHERE lower(email) = $1"
        lawyer = await conn.fetchval(email_id, benchdata.BENCH_LAWYER_EMAIL)
        lead = await conn.fetchval(email_id, benchdata.BENCH_LEAD_EMAIL)
        if lawyer is None or lead is None:
            raise SystemExit(
                "The benchmark accounts are missing: was this data set made by bench-data?"
            )
        cases = await conn.fetch(
            "SELECT case_id::text FROM case_team_members WHERE user_id = $1 AND removed_at IS NULL "
            "ORDER BY case_id LIMIT $2",
            lawyer,
            DETAIL_CASES,
        )
        facts = {
            "cases": await conn.fetchval("SELECT count(*) FROM cases"),
            "timeline_events": await conn.fetchval("SELECT count(*) FROM timeline_events"),
            "lawyer_cases": await conn.fetchval(
                "SELECT count(*) FROM case_team_members WHERE user_id = $1", lawyer
            ),
            "postgres": await conn.fetchval("SHOW server_version"),
            "hearings": await conn.fetchval("SELECT count(*) FROM hearings"),
        }
    finally:
        await conn.close()
    today = datetime.now(INDIA).date()
    dsn = driver_dsn(urls.app)
    return Context(lawyer, lead, [r[0] for r in cases], routes, dsn, today), facts


async def _raise_max_connections(admin: URL) -> bool:
    """Both servers' pools at full stretch (the app's 20 + 10 per worker, the baseline's 20 per
    worker, as a write at 64 connections brings about) exceed PostgreSQL's default of 100
    connections. Ask for MAX_CONNECTIONS; True when the server must restart to apply it."""
    conn = await asyncpg.connect(driver_dsn(admin))
    try:
        if int(await conn.fetchval("SHOW max_connections")) >= MAX_CONNECTIONS:
            return False
        await conn.execute(f"ALTER SYSTEM SET max_connections = {MAX_CONNECTIONS}")
        return True
    finally:
        await conn.close()


async def _count_cases(urls: DatabaseUrls) -> tuple[int, int]:
    """The cases in the data set, and whether it has hearings (0 or 1)."""
    conn = await asyncpg.connect(driver_dsn(urls.app))
    try:
        cases = int(await conn.fetchval("SELECT count(*) FROM cases"))
        hearings = int(
            await conn.fetchval("SELECT count(*) FROM (SELECT 1 FROM hearings LIMIT 1) x")
        )
        return cases, hearings
    finally:
        await conn.close()


PRISTINE = f"{DATABASE}_pristine"


async def _restore_pristine(admin: URL) -> bool:
    """Put back the data set as it was loaded, when a copy of it exists; True if it did.

    Every run writes into its data set (an audit row per request, thousands of outcomes and
    hearings, cases moved to the top of "recently changed"), so without this each run measures
    a dearer database than the last, the baseline too. The copy is made once, after the load
    (``_keep_pristine``), and restored before every run.
    """
    conn = await asyncpg.connect(driver_dsn(admin))
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PRISTINE):
            return False
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.execute(
            f'CREATE DATABASE "{DATABASE}" TEMPLATE "{PRISTINE}" OWNER "{OWNER_ROLE}" '
            "STRATEGY FILE_COPY"
        )
        return True
    finally:
        await conn.close()


async def _keep_pristine(admin: URL) -> None:
    """Copy the loaded data set aside for ``_restore_pristine``, once."""
    conn = await asyncpg.connect(driver_dsn(admin))
    try:
        if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PRISTINE):
            return
        await conn.execute(
            f'CREATE DATABASE "{PRISTINE}" TEMPLATE "{DATABASE}" OWNER "{OWNER_ROLE}" '
            "STRATEGY FILE_COPY"
        )
        # Nobody connects to the copy: a template with sessions on it cannot be copied.
        await conn.execute(f'ALTER DATABASE "{PRISTINE}" WITH ALLOW_CONNECTIONS false')
    finally:
        await conn.close()


def _prepare(
    cases: int, env: dict[str, str], urls: DatabaseUrls, *, restored: bool
) -> dict[str, Any]:
    """Migrate, and load the data set unless it is already there; report what was done."""
    subprocess.run(
        [str(BIN / "tafteesh"), "db", "upgrade"],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    existing, hearings = asyncio.run(_count_cases(urls))
    if existing == cases and not hearings:
        raise SystemExit(
            f"{env['TAFTEESH_DATA_DIR']} was loaded before bench-data made hearings: "
            "delete that folder to rebuild it."
        )
    if existing == cases and restored:
        print(f"Restored the data set of {cases:,} cases as it was loaded ({PRISTINE}).")
        return {"reused": True, "restored": True}
    if existing == cases:
        # Earlier runs left their writes behind (audit rows from every request, outcomes, the
        # cases they touched): without this, autovacuum catches up in the middle of the next run
        # and its CPU is counted as PostgreSQL's share of the requests.
        seconds = asyncio.run(benchdata.vacuum_analyze(driver_dsn(urls.owner)))
        print(
            f"Reusing the data set of {cases:,} cases in {env['TAFTEESH_DATA_DIR']} "
            f"(VACUUM ANALYZE first: {seconds:.1f} s)."
        )
        return {"reused": True, "vacuum_seconds": round(seconds, 1)}
    if existing:
        raise SystemExit(
            f"{env['TAFTEESH_DATA_DIR']} holds {existing:,} cases, not {cases:,}: "
            "delete that folder to rebuild it."
        )
    command = [str(BIN / "tafteesh"), "bench-data", "--cases", str(cases)]
    started = time.perf_counter()
    output = subprocess.run(command, env=env, cwd=ROOT, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    print(output.stdout, end="")
    loaded = re.search(r"Loaded in ([\d.]+) s", output.stdout)
    vacuum = re.search(r"VACUUM ANALYZE[^:]*: ([\d.]+) s", output.stdout)
    return {
        "reused": False,
        "command_seconds": round(wall, 1),
        "load_seconds": float(loaded.group(1)) if loaded else None,
        "vacuum_seconds": float(vacuum.group(1)) if vacuum else None,
        "output": output.stdout.strip().splitlines(),
    }


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


def _measure_scenarios(
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
            status, size = _get(server.base + paths[0], token)
            if status != 200:
                raise SystemExit(f"{name} answered {status} to {paths[0]}")
            print(f"  {scenario.name}: {name} {paths[0][:70]} -> {size:,} bytes")
        for connections in args.concurrency:
            for name, server, paths, token in sides:
                repeats = []
                for _ in range(args.repeat):
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
                    repeats.append(m)
                repeats.sort(key=lambda r: r.rps)
                median = repeats[len(repeats) // 2]
                median.rps_runs = [r.rps for r in repeats]
                measurements.append(median)
    return measurements


def _forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops the server when its last holder exits, counting holders in a file; a holder
    that was killed stays listed and would keep the server up forever. Drop the dead ones."""
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        live = [pid for pid in json.loads(handles.read_text()) if Path(f"/proc/{pid}").exists()]
        handles.write_text(json.dumps(live))


def run_size(cases: int, args: argparse.Namespace, scenarios: list[Scenario]) -> dict[str, Any]:
    label = size_label(cases)
    data_dir = ROOT / "var" / f"bench-{label}"
    logs = ROOT / "var" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    print(f"\n== {cases:,} cases ({data_dir.relative_to(ROOT)}) ==", flush=True)
    _forget_dead_handles(data_dir / "pgdata")
    admin = start_embedded_server(data_dir)  # held by this process until the size is done
    if asyncio.run(_raise_max_connections(admin)):
        stop_embedded_server(data_dir)  # a new max_connections needs a restart
        admin = start_embedded_server(data_dir)
    try:
        restored = asyncio.run(_restore_pristine(admin))
        urls = asyncio.run(provision_database(admin))
        env = {
            **os.environ,
            "TAFTEESH_DATA_DIR": str(data_dir),
            "TAFTEESH_DATABASE_URL": _url(urls.app),
            "TAFTEESH_MIGRATION_DATABASE_URL": _url(urls.owner),
        }
        if args.tcp_nodelay:
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (str(BENCH / "nodelay"), os.environ.get("PYTHONPATH")) if p
            )
        load = _prepare(cases, env, urls, restored=restored)
        asyncio.run(_keep_pristine(admin))
        ctx, facts = asyncio.run(_fetch_context(urls, args.routes))
        postmaster = int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])
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
                measurements = _measure_scenarios(
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


# -- judging and reporting ---------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    scenario: str
    concurrency: int
    size: int | None
    value: float
    limit: float
    met: bool
    note: str = ""


NAGLE_NOTE = (
    "baseline capped by the ~40 ms delayed-ACK wait: at most {cap:,.0f} req/s on {c} connections"
)


def _find(
    runs: list[dict[str, Any]], size: int, scenario: str, target: str, c: int
) -> dict[str, Any]:
    for run in runs:
        if run["cases"] == size:
            for m in run["measurements"]:
                if (m["scenario"], m["target"], m["concurrency"]) == (scenario, target, c):
                    return dict(m)
    raise KeyError((size, scenario, target, c))


def judge(
    runs: list[dict[str, Any]], scenarios: list[Scenario], concurrency: list[int]
) -> list[Verdict]:
    verdicts: list[Verdict] = []
    sizes = sorted(run["cases"] for run in runs)
    for scenario in (s for s in scenarios if s.judged):
        for size in sizes:
            for c in concurrency:
                app = _find(runs, size, scenario.name, "app", c)
                base = _find(runs, size, scenario.name, "baseline", c)
                ratio = app["rps"] / base["rps"] if base["rps"] else 0.0
                run = next(r for r in runs if r["cases"] == size)
                trip = run["keepalive_round_trip_ms"]["baseline"] or 0.0
                cap = c / (trip / 1000) if trip else 0.0
                capped = trip >= 20 and base["rps"] >= 0.8 * cap
                verdicts.append(
                    Verdict(
                        "req/s ratio to baseline",
                        scenario.name,
                        c,
                        size,
                        round(ratio, 2),
                        TARGETS["min_ratio"],
                        ratio >= TARGETS["min_ratio"],
                        NAGLE_NOTE.format(cap=cap, c=c) if capped else "",
                    )
                )
                if c == 64:
                    limit = TARGETS["max_p99_ms_at_64"]
                    verdicts.append(
                        Verdict(
                            "p99 ms at 64 connections",
                            scenario.name,
                            c,
                            size,
                            round(app["p99_ms"], 1),
                            limit,
                            app["p99_ms"] <= limit,
                        )
                    )
        if len(sizes) > 1:
            for c in concurrency:
                small = _find(runs, sizes[0], scenario.name, "app", c)
                large = _find(runs, sizes[-1], scenario.name, "app", c)
                growth = large["p50_ms"] / small["p50_ms"] if small["p50_ms"] else 0.0
                limit = TARGETS["max_p50_growth"]
                verdicts.append(
                    Verdict(
                        f"p50 at {sizes[-1]:,} / p50 at {sizes[0]:,}",
                        scenario.name,
                        c,
                        None,
                        round(growth, 2),
                        limit,
                        growth <= limit,
                    )
                )
    return verdicts


def _versions() -> dict[str, str]:
    packages = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "jinja2", "pydantic")
    found = {name: metadata.version(name) for name in packages}
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    found["wrk"] = wrk_version.split(" [")[0].removeprefix("wrk ").strip()
    found["python"] = platform.python_version()
    return found


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def _split(m: dict[str, Any]) -> str:
    return "/".join(f"{share * 100:.0f}" for share in m["worker_shares"]) or "?"


def markdown(report: dict[str, Any]) -> str:
    m, method = report["machine"], report["method"]
    routes = "JSON API (/api/v1/cases…)" if method["routes"] == "api" else "HTML pages (/cases…)"
    nodelay = (
        "TCP_NODELAY forced on in both servers (bench/nodelay)"
        if method["tcp_nodelay"]
        else "both servers as `tafteesh serve` runs them (no TCP_NODELAY under --workers 2)"
    )
    lines = [
        "# Benchmark results" + (" (TCP_NODELAY forced on)" if method["tcp_nodelay"] else ""),
        "",
        f"Run {report['finished_at'][:16].replace('T', ' ')} UTC on {m['cpus']} CPUs "
        f"({m['cpu_model']}), {m['kernel']}; PostgreSQL {report['runs'][0]['data']['postgres']} "
        f"(embedded); uvicorn {m['versions']['uvicorn']} with {method['workers']} workers for "
        f"both servers, {nodelay}. Load: wrk {m['versions']['wrk']}, {method['threads']} threads "
        f"opening their connections {method['stagger_s']:g} s apart; "
        f"{method['warmup_s']:g} s warm-up, then {method['duration_s']:g} s measured, for each "
        f"figure. App: {routes} with a bearer token. Baseline: the same core SQL with plain "
        "asyncpg, rendered with Jinja2, no authentication, no audit (bench/baseline.py). "
        "Method and reading guide: bench/README.md.",
        "",
        "CPU µs/req: CPU time of the server's processes plus PostgreSQL's (from /proc) per "
        "request; CPU ratio: baseline CPU per request over the app's (throughput ratio on a "
        "saturated machine, immune to noise). Split: each worker's share of the server's CPU "
        "(app / baseline). Other load: CPU used by processes outside the benchmark (noise).",
    ]
    for run in report["runs"]:
        trips = run["keepalive_round_trip_ms"]
        lines += [
            "",
            f"## {run['cases']:,} cases",
            "",
            f"Keep-alive round trip to /healthz: app {trips['app']} ms, baseline "
            f"{trips['baseline']} ms.",
            "",
            "| scenario | conns | app req/s | baseline req/s | ratio | app p50 / p99 ms "
            "| baseline p50 / p99 ms | app CPU µs/req (app + PG) | baseline CPU µs/req "
            "(server + PG) | CPU ratio | split | other load |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
        ]
        names = list(dict.fromkeys(x["scenario"] for x in run["measurements"]))
        for name in names:
            for c in method["concurrency"]:
                a = _find(report["runs"], run["cases"], name, "app", c)
                b = _find(report["runs"], run["cases"], name, "baseline", c)
                ratio = a["rps"] / b["rps"] if b["rps"] else 0
                cpu_ratio = b["cpu_us_total"] / a["cpu_us_total"] if a["cpu_us_total"] else 0
                lines.append(
                    f"| {name} | {c} | {a['rps']:,.0f} | {b['rps']:,.0f} | {ratio:.2f} "
                    f"| {a['p50_ms']:.1f} / {a['p99_ms']:.1f} | {b['p50_ms']:.1f} / "
                    f"{b['p99_ms']:.1f} | {a['cpu_us_total']:,.0f} ({a['cpu_us_server']:,.0f} + "
                    f"{a['cpu_us_postgres']:,.0f}) | {b['cpu_us_total']:,.0f} "
                    f"({b['cpu_us_server']:,.0f} + {b['cpu_us_postgres']:,.0f}) "
                    f"| {cpu_ratio:.2f} | {_split(a)} / {_split(b)} "
                    f"| {max(a['other_busy_pct'], b['other_busy_pct']):.0f}% |"
                )
        load = run["load"]
        if not load["reused"]:
            lines += [
                "",
                f"Data set loaded by `tafteesh bench-data` in {load['load_seconds']} s "
                f"(VACUUM ANALYZE {load['vacuum_seconds']} s).",
            ]
        elif load.get("restored"):
            lines += ["", "Data set restored as loaded, before this run (bench/README.md)."]
    lines += [
        "",
        "## Targets",
        "",
        "| target | scenario | conns | cases | value | limit | met | note |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for v in report["verdicts"]:
        size = f"{v['size']:,}" if v["size"] else "both"
        lines.append(
            f"| {v['target']} | {v['scenario']} | {v['concurrency']} | {size} | {v['value']} "
            f"| {v['limit']} | {'yes' if v['met'] else '**no**'} | {v['note']} |"
        )
    return "\n".join(lines) + "\n"


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
            "cpu_model": _cpu_model(),
            "kernel": f"{platform.system()} {platform.release()}",
            "versions": _versions(),
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
