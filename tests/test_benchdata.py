"""The benchmark's data set: the bench lawyer's cases must not change with the data set's size,
or "p50 at 100,000 cases against p50 at 1,000" would compare two different caseloads."""

from __future__ import annotations

import os
import uuid

from tafteesh.benchdata.builder import build_chunk
from tafteesh.benchdata.generator import Generator
from tafteesh.benchdata.vocabulary import BENCH_LAWYER_CASES, ORGANISATIONS, Rows
from tafteesh.cases.identity import IdentityCipher

_ORGANISATIONS = {name: uuid.UUID(int=n + 1) for n, (name, _) in enumerate(ORGANISATIONS)}


def _lawyer_cases(size: int) -> tuple[Rows, uuid.UUID]:
    generator = Generator(cases=size, seed=2026, cipher=IdentityCipher(os.urandom(32)))
    staff = generator.make_staff(_ORGANISATIONS)
    return build_chunk(generator, 0, BENCH_LAWYER_CASES + 20), staff.lawyers[0].id


def test_the_bench_lawyers_cases_are_the_same_at_every_size() -> None:
    small, small_lawyer = _lawyer_cases(BENCH_LAWYER_CASES + 20)  # pools of 4 lawyers
    large, large_lawyer = _lawyer_cases(20_000)  # pools of 100 lawyers, 200 social workers

    assert small_lawyer == large_lawyer
    hers = {c[0] for c in small["cases"][:BENCH_LAWYER_CASES]}
    for rows in (small, large):
        assert {m[0] for m in rows["case_team_members"] if m[1] == small_lawyer} == hers
    # Her cases' facts, charges and hearings: what the benchmark's requests read.
    for table, width in (("cases", 12), ("case_charges", 3), ("hearings", 16)):
        key = 0 if table == "cases" else 1 if table == "hearings" else 0
        mine = [[row[:width] for row in rows[table] if row[key] in hers] for rows in (small, large)]
        assert mine[0] == mine[1], table
        assert mine[0], table
