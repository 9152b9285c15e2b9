"""Where a request's time goes: the CPU cost of each step of the hot pages, measured in process.

    .venv/bin/python bench/costs.py var/bench-1k [--repeat 2000]

Each step runs ``--repeat`` times, one at a time, on the benchmark data set (``make bench``
loads it), as the app role, and reports this process's CPU time per call (``time.process_time``:
Python and asyncpg's protocol work; PostgreSQL's own CPU is not in it). The same statement is
also run with plain asyncpg on the session's own connection, to show what SQLAlchemy adds. The
full stack's floor is measured from outside: ``/healthz`` under wrk (bench/README.md).

It reads the lawyer that ``bench-data`` makes and one of her cases; it writes only audit rows
(the audit step), which the benchmark's data sets already collect from every run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

import tafteesh.main  # noqa: F401  (registers every model and the page filters)
from tafteesh.audit import service as audit
from tafteesh.auth.models import AuthSession, User
from tafteesh.auth.principal import Principal
from tafteesh.auth.sessions import _PRINCIPAL
from tafteesh.benchdata import BENCH_LAWYER_EMAIL
from tafteesh.cases import service, views
from tafteesh.cases.charges import _CHARGES_OF, _CHARGES_SELECT
from tafteesh.cases.dependencies import CaseAccess, case_access
from tafteesh.cases.identity import load_identity_key
from tafteesh.cases.models import CaseTeamMember
from tafteesh.cases.stages import Stage
from tafteesh.db import create_engine, create_read_sessionmaker, create_sessionmaker
from tafteesh.driver import DriverStatement
from tafteesh.embedded import provision_database, start_embedded_server
from tafteesh.india import today_in_india
from tafteesh.web import templates

Step = Callable[[AsyncSession], Awaitable[Any]]


async def _per_call(maker: async_sessionmaker[Any], step: Step, repeat: int) -> float:
    async with maker() as session:
        for _ in range(max(50, repeat // 10)):  # warm: statement caches, prepared statements
            await step(session)
        started = time.process_time()
        for _ in range(repeat):
            await step(session)
        return (time.process_time() - started) / repeat * 1e6


async def _principal_of(session: AsyncSession) -> tuple[Principal, uuid.UUID]:
    lawyer = (await session.scalars(select(User).where(User.email == BENCH_LAWYER_EMAIL))).one()
    auth = AuthSession(user_id=lawyer.id, expires_at=lawyer.created_at.replace(year=2100))
    session.add(auth)
    await session.flush()
    case_id = await session.scalar(
        select(CaseTeamMember.case_id).where(CaseTeamMember.user_id == lawyer.id).limit(1)
    )
    assert case_id is not None, "the lawyer has no case: load the data set with make bench"
    principal = Principal(
        id=lawyer.id,
        email=lawyer.email,
        display_name=lawyer.display_name,
        role=lawyer.role,
        organisation_id=lawyer.organisation_id,
        organisation_name="",
        preferred_language=lawyer.preferred_language,
        session_id=auth.id,
    )
    return principal, case_id


async def measure(data_dir: Path, repeat: int) -> list[tuple[str, float]]:
    urls = await provision_database(start_embedded_server(data_dir))
    engine = create_engine(urls.app, pool_size=2, max_overflow=0)
    maker = create_sessionmaker(engine)
    read_maker = create_read_sessionmaker(engine)
    results: list[tuple[str, float]] = []
    try:
        async with maker() as session:
            principal, case_id = await _principal_of(session)
            await session.commit()
        async with read_maker() as session:
            access = await case_access(session, principal, case_id)
            assert access is not None
            case = await views.case_read(session, access)
            history = await service.stage_history(session, case_id)
        ids = {"session_id": principal.session_id, "user_id": principal.id}

        # The same statement as SQLAlchemy sends it (compiled as tafteesh.driver compiles it),
        # run with asyncpg alone on the session's connection, looked up once per session: what
        # the statement costs on the driver without even the driver module's bookkeeping.
        compiled = DriverStatement(_PRINCIPAL)._compile(engine.dialect)
        principal_args = compiled.arguments(ids)
        drivers: dict[int, Any] = {}

        async def raw(session: AsyncSession) -> Any:
            driver = drivers.get(id(session))
            if driver is None:
                connection = await (await session.connection()).get_raw_connection()
                driver = drivers[id(session)] = connection.driver_connection
                assert driver is not None, "the pooled connection has no asyncpg connection"
            return await driver.fetch(compiled.sql, *principal_args)

        steps: list[tuple[str, async_sessionmaker[Any], Step]] = [
            (
                "open a session, one statement, close (pool checkout and return)",
                read_maker,
                lambda s: s.execute(_CHARGES_SELECT, {"case_id": case_id}),
            ),
            (
                "sign-in lookup through SQLAlchemy (once per session and worker)",
                read_maker,
                lambda s: s.execute(_PRINCIPAL, ids),
            ),
            (
                "the same lookup with plain asyncpg on the session's connection",
                read_maker,
                raw,
            ),
            (
                "the case, its owner and the reader's relation (an ORM object)",
                read_maker,
                lambda s: case_access(s, principal, case_id),
            ),
            (
                "its charges through SQLAlchemy",
                read_maker,
                lambda s: s.execute(_CHARGES_SELECT, {"case_id": case_id}),
            ),
            (
                "its charges on the driver (tafteesh.driver, as the app reads them)",
                read_maker,
                lambda s: _CHARGES_OF.fetch(s, {"case_id": case_id}),
            ),
            (
                "its stage history (driver rows)",
                read_maker,
                lambda s: service.stage_history(s, case_id),
            ),
            (
                "the audit row (a Core INSERT)",
                read_maker,
                lambda s: audit.record(s, principal, action="bench.costs", summary="costs.py"),
            ),
        ]
        for label, which, step in steps:
            if label.startswith("open a session"):
                started = time.process_time()
                for _ in range(repeat):
                    async with which() as session:
                        await step(session)
                results.append((label, (time.process_time() - started) / repeat * 1e6))
            else:
                results.append((label, await _per_call(which, step, repeat)))

        async def begin_commit(session: AsyncSession) -> None:
            await session.execute(_CHARGES_SELECT, {"case_id": case_id})
            await session.commit()

        in_txn = await _per_call(maker, begin_commit, repeat)
        autocommit = await _per_call(read_maker, begin_commit, repeat)
        results.append(
            ("BEGIN and COMMIT around a statement (what read_only saves)", in_txn - autocommit)
        )
        results.append(
            (
                "rendering the case page (templates only)",
                _render(case, access, history, principal, repeat),
            )
        )
    finally:
        await engine.dispose()
    return results


def _render(
    case: Any, access: CaseAccess, history: Any, principal: Principal, repeat: int
) -> float:
    from starlette.requests import Request

    scope = {"type": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    context = {
        "request": Request(scope),
        "case": case,
        "access": access,
        "tab": "overview",
        "today": today_in_india(),
        "tab_template": "cases/_partials/tab_overview.html",
        "stage_history": history,
        "allowed_next": [s for s in Stage if s in set(case.allowed_next_stages)],
        "user": principal,
        "csrf_token": "x" * 43,
        "flash": None,
    }
    template = templates.env.get_template("cases/detail.html")
    for _ in range(50):
        template.render(context)
    started = time.process_time()
    for _ in range(repeat):
        template.render(context)
    return (time.process_time() - started) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data_dir", type=Path, help="a benchmark data folder, e.g. var/bench-1k")
    parser.add_argument("--repeat", type=int, default=2000, help="calls per step (default 2000)")
    args = parser.parse_args()
    os.environ.setdefault("TAFTEESH_DATA_DIR", str(args.data_dir))
    load_identity_key(args.data_dir, os.environ.get("TAFTEESH_IDENTITY_KEY"))  # fail early
    for label, micros in asyncio.run(measure(args.data_dir, args.repeat)):
        print(f"{micros:8.0f} µs  {label}")


if __name__ == "__main__":
    main()
