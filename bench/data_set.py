"""The data set of one size for `bench/run.py` and `bench/ab.py`: its embedded PostgreSQL
database, made ready.

Where a size's data set lives, starting its server with max_connections raised for both
servers' pools, and the environment the servers run with; keeping a pristine copy of the data
set as loaded and restoring it before each run; migrating and loading it with
`tafteesh bench-data` (or reusing it); reading back what the scenarios need (`Context`) and a
few facts about it.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import asyncpg
from proc_cpu import forget_dead_handles
from scenarios import DETAIL_CASES, Context
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
BIN = Path(sys.executable).parent
INDIA = timezone(timedelta(hours=5, minutes=30))
MAX_CONNECTIONS = 200  # PostgreSQL's, for both servers' pools at once (raise_max_connections)


def size_label(cases: int) -> str:
    return f"{cases // 1000}k" if cases % 1000 == 0 else str(cases)


def data_dir_of(cases: int) -> Path:
    """The folder of the data set of ``cases`` cases: var/bench-1k, var/bench-100k…"""
    return ROOT / "var" / f"bench-{size_label(cases)}"


def start_server(data_dir: Path) -> URL:
    """Start (or join) the data set's embedded PostgreSQL, with room for both servers' pools;
    held by this process until ``stop_embedded_server``. Returns the admin URL."""
    forget_dead_handles(data_dir / "pgdata")
    admin = start_embedded_server(data_dir)
    if asyncio.run(raise_max_connections(admin)):
        stop_embedded_server(data_dir)  # a new max_connections needs a restart
        admin = start_embedded_server(data_dir)
    return admin


def server_env(data_dir: Path, urls: DatabaseUrls) -> dict[str, str]:
    """The environment the app (and the baseline) are served with, on this data set."""
    return {
        **os.environ,
        "TAFTEESH_DATA_DIR": str(data_dir),
        "TAFTEESH_DATABASE_URL": urls.app.render_as_string(hide_password=False),
        "TAFTEESH_MIGRATION_DATABASE_URL": urls.owner.render_as_string(hide_password=False),
    }


def postmaster_pid(data_dir: Path) -> int:
    return int((data_dir / "pgdata" / "postmaster.pid").read_text().split()[0])


async def fetch_context(urls: DatabaseUrls, routes: str) -> tuple[Context, dict[str, Any]]:
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


async def raise_max_connections(admin: URL) -> bool:
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


async def _revision(urls: DatabaseUrls) -> str | None:
    """The data set's migration revision (None before its first migration)."""
    conn = await asyncpg.connect(driver_dsn(urls.owner))
    try:
        if not await conn.fetchval("SELECT to_regclass('alembic_version') IS NOT NULL"):
            return None
        return cast(str | None, await conn.fetchval("SELECT version_num FROM alembic_version"))
    finally:
        await conn.close()


PRISTINE = f"{DATABASE}_pristine"


async def restore_pristine(admin: URL) -> bool:
    """Put back the data set as it was loaded, when a copy of it exists; True if it did.

    Every run writes into its data set (an audit row per request, thousands of outcomes and
    hearings, cases moved to the top of "recently changed"), so without this each run measures
    a dearer database than the last, the baseline too. The copy is made once, after the load
    (``keep_pristine``), and restored before every run.
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


async def keep_pristine(admin: URL, *, replace: bool = False) -> None:
    """Copy the loaded data set aside for ``restore_pristine``, once; again with ``replace``
    (after a new migration changed the restored copy)."""
    conn = await asyncpg.connect(driver_dsn(admin))
    try:
        if replace:
            await conn.execute(f'DROP DATABASE IF EXISTS "{PRISTINE}"')
        elif await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", PRISTINE):
            return
        await conn.execute(
            f'CREATE DATABASE "{PRISTINE}" TEMPLATE "{DATABASE}" OWNER "{OWNER_ROLE}" '
            "STRATEGY FILE_COPY"
        )
        # Nobody connects to the copy: a template with sessions on it cannot be copied.
        await conn.execute(f'ALTER DATABASE "{PRISTINE}" WITH ALLOW_CONNECTIONS false')
    finally:
        await conn.close()


def prepare_data_set(
    cases: int, env: dict[str, str], urls: DatabaseUrls, *, restored: bool
) -> dict[str, Any]:
    """Migrate, and load the data set unless it is already there; report what was done
    (``migrated``: a migration changed a restored data set, whose copy should be replaced)."""
    revision = asyncio.run(_revision(urls))
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
    if existing == cases and restored and asyncio.run(_revision(urls)) != revision:
        # The copy predates a migration, which has just rewritten tables and built indexes in
        # the restored data set: vacuum and analyse it as a load would, then keep it instead.
        seconds = asyncio.run(benchdata.vacuum_analyze(driver_dsn(urls.owner)))
        print(
            f"Restored the data set of {cases:,} cases and migrated it from {revision} "
            f"(VACUUM ANALYZE: {seconds:.1f} s); its copy will be replaced."
        )
        return {"reused": True, "restored": True, "migrated": True}
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


def signed_in_as(user: str) -> str:
    """The e-mail address of a scenario's user ("lawyer" or "lead")."""
    return benchdata.BENCH_LAWYER_EMAIL if user == "lawyer" else benchdata.BENCH_LEAD_EMAIL


@contextmanager
def data_set_as_loaded(cases: int) -> Iterator[tuple[Path, dict[str, str], Context]]:
    """The data set of ``cases`` cases as it was loaded (made first when missing), served by
    its embedded PostgreSQL until the block ends: its folder, the environment to serve the app
    with, and the scenarios' context (the app's pages)."""
    data_dir = data_dir_of(cases)
    admin = start_server(data_dir)
    try:
        restored = asyncio.run(restore_pristine(admin))
        urls = asyncio.run(provision_database(admin))
        env = server_env(data_dir, urls)
        load = prepare_data_set(cases, env, urls, restored=restored)
        asyncio.run(keep_pristine(admin, replace=bool(load.get("migrated"))))
        ctx, _ = asyncio.run(fetch_context(urls, "pages"))
        yield data_dir, env, ctx
    finally:
        stop_embedded_server(data_dir)
