"""Check a benchmark data set against the app's own rules: a sample of cases read back through the
app's services must have a stage history the move table allows, ending at the case's stage and
date, and the ``next_clock_due_on`` that ``clock_service`` computes.

    .venv/bin/python bench/check_data.py var/bench-1k [--sample 300]

Run it after changing ``tafteesh.benchdata`` or the rules it follows (stages, clocks, charges).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from tafteesh.benchdata import check_path
from tafteesh.cases.clock_service import clocks_for_case, next_due
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.cases.models import Case, StageChange, TimelineEvent
from tafteesh.cases.stages import Stage
from tafteesh.db import create_engine, create_sessionmaker
from tafteesh.embedded import provision_database, start_embedded_server
from tafteesh.india import today_in_india


async def check(data_dir: Path, sample: int) -> list[str]:
    urls = await provision_database(start_embedded_server(data_dir))
    cipher = IdentityCipher(load_identity_key(data_dir, os.environ.get("TAFTEESH_IDENTITY_KEY")))
    engine = create_engine(urls.app)
    problems: list[str] = []
    today = today_in_india()
    overdue = 0
    try:
        async with create_sessionmaker(engine)() as session:
            cases = list(await session.scalars(select(Case).order_by(func.random()).limit(sample)))
            for case in cases:
                due = next_due(await clocks_for_case(session, case, cipher=cipher, today=today))
                if due != case.next_clock_due_on:
                    problems.append(
                        f"{case.reference}: next due {case.next_clock_due_on}, not {due}"
                    )
                overdue += due is not None and due < today
                history = list(
                    await session.scalars(
                        select(StageChange)
                        .where(StageChange.case_id == case.id)
                        .order_by(StageChange.id)
                    )
                )
                try:
                    check_path([Stage(h.to_stage) for h in history])
                except ValueError as exc:
                    problems.append(f"{case.reference}: {exc}")
                if (
                    history[-1].to_stage != case.stage
                    or history[-1].effective_on != case.stage_since
                ):
                    problems.append(f"{case.reference}: history does not end at its stage")
                for before, after in zip(history, history[1:], strict=False):
                    if (
                        after.from_stage != before.to_stage
                        or after.effective_on < before.effective_on
                    ):
                        problems.append(f"{case.reference}: history out of order")
            counts = [
                await session.scalar(select(func.count()).select_from(table))
                for table in (Case, TimelineEvent)
            ]
            stages = Counter(dict((await session.execute(
                select(Case.stage, func.count()).group_by(Case.stage)
            )).all()))  # fmt: skip
    finally:
        await engine.dispose()
    print(f"Checked {len(cases)} cases: {len(problems)} problems; {overdue} overdue.")
    print(
        f"{counts[0]:,} cases, {counts[1]:,} timeline events; stages: {dict(stages.most_common())}"
    )
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data_dir", type=Path, help="the data folder, e.g. var/bench-1k")
    parser.add_argument("--sample", type=int, default=300, help="cases to check (default 300)")
    args = parser.parse_args()
    problems = asyncio.run(check(args.data_dir.resolve(), args.sample))
    for problem in problems[:20]:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
