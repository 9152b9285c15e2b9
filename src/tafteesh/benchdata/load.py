"""Loading a data set: COPY into the real tables in one transaction, then VACUUM ANALYZE."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import asyncpg

from tafteesh.auth.passwords import hash_password
from tafteesh.benchdata.builder import build_chunk
from tafteesh.benchdata.generator import Generator
from tafteesh.benchdata.vocabulary import (
    BENCH_DOMAIN,
    BENCH_PASSWORD,
    CHUNK_CASES,
    COLUMNS,
    MAX_CASES,
    ORGANISATIONS,
    POOL_HEARINGS,
    USER_COLUMNS,
    BenchDataError,
)
from tafteesh.cases.identity import IdentityCipher

# -- loading -----------------------------------------------------------------------------------


@dataclass
class LoadReport:
    cases: int
    rows: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    copy_seconds: float = 0.0
    total_seconds: float = 0.0


async def _check_empty(conn: asyncpg.Connection) -> None:
    if await conn.fetchval("SELECT to_regclass('public.timeline_events')") is None:
        raise BenchDataError(
            "The database has no case tables yet: run `tafteesh db upgrade` first."
        )
    existing = await conn.fetchval("SELECT count(*) FROM cases")
    if existing:
        raise BenchDataError(
            f"This database already holds {existing:,} cases. bench-data fills only an empty "
            "database, so it never mixes invented cases with real ones: point TAFTEESH_DATA_DIR "
            "(or TAFTEESH_DATABASE_URL) at a fresh one, or keep using this data set as it is."
        )
    taken = await conn.fetchval(
        "SELECT count(*) FROM users WHERE lower(email) LIKE '%@' || $1", BENCH_DOMAIN
    )
    if taken:
        raise BenchDataError(
            f"{taken} benchmark accounts (@{BENCH_DOMAIN}) exist but no cases do; "
            "use a fresh benchmark database."
        )


async def _organisations(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for name, kind in ORGANISATIONS:
        found = await conn.fetchval(
            "SELECT id FROM organisations WHERE lower(name) = lower($1)", name
        )
        if found is None:
            found = uuid.uuid4()
            await conn.execute(
                "INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)",
                found,
                name,
                kind.value,
            )
        ids[name] = found
    return ids


async def fill(
    dsn: str,
    *,
    cases: int,
    cipher: IdentityCipher,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda _: None,
) -> LoadReport:
    """Load ``cases`` synthetic cases into an empty, migrated database, in one transaction."""
    if not 1 <= cases <= MAX_CASES:
        raise BenchDataError(f"The number of cases must be between 1 and {MAX_CASES:,}.")
    started = time.perf_counter()
    report = LoadReport(cases=cases, rows=dict.fromkeys(["organisations", "users", *COLUMNS], 0))
    generator = Generator(cases=cases, seed=seed, cipher=cipher)
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await _check_empty(conn)
            organisation_ids = await _organisations(conn)
            users = generator.make_staff(organisation_ids).everyone
            password_hash = hash_password(BENCH_PASSWORD)  # one hash for all: it is a bench
            await conn.copy_records_to_table(
                "users",
                columns=USER_COLUMNS,
                records=[
                    (u.id, u.email, u.display_name, organisation_ids[u.organisation],
                     u.role.value, True, u.language.value, password_hash)
                    for u in users
                ],
            )  # fmt: skip
            report.rows["organisations"] = len(organisation_ids)
            report.rows["users"] = len(users)
            done, next_note = 0, cases / 10
            while done < cases:
                count = min(CHUNK_CASES, cases - done)
                tick = time.perf_counter()
                rows = build_chunk(generator, done, count)
                report.generate_seconds += time.perf_counter() - tick
                tick = time.perf_counter()
                for table, columns in COLUMNS.items():
                    await conn.copy_records_to_table(table, columns=columns, records=rows[table])
                    report.rows[table] += len(rows[table])
                report.copy_seconds += time.perf_counter() - tick
                done += count
                if done >= next_note:
                    elapsed = time.perf_counter() - started
                    progress(f"  {done:,} of {cases:,} cases ({elapsed:.1f} s)")
                    next_note += cases / 10
            pool = generator.hearing_pool(POOL_HEARINGS)
            await conn.copy_records_to_table("hearings", columns=COLUMNS["hearings"], records=pool)
            report.rows["hearings"] += len(pool)
            report.rows["hearing_pool"] = len(pool)
            await conn.execute(
                "INSERT INTO audit_events (action, summary) VALUES ('bench.load', $1)",
                f"benchmark data: {cases} synthetic cases (seed {seed})",
            )
    finally:
        await conn.close()
    report.total_seconds = time.perf_counter() - started
    return report


async def vacuum_analyze(dsn: str) -> float:
    """Refresh the planner's statistics and the visibility map (needs the tables' owner)."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        for table in ("organisations", "users", *COLUMNS):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return time.perf_counter() - started
