"""Synthetic cases for benchmarks: ``tafteesh bench-data --cases N`` (see bench/README.md).

Fills an empty database with invented but realistic cases, their survivors (identity encrypted
with the app's key), accused, teams, stage history and timeline, written with COPY in one
transaction so a failed run leaves nothing behind. It refuses a database that already holds a
case: it is for a throwaway benchmark data folder, never for one with real work in it.

The values follow the app's own rules, so pages built on them behave as on real data: every stage
history is a chain of moves ``stages.TRANSITIONS`` allows, charges come from the sections
catalogue and fit the case's regime, timeline lines are worded as the services word them, and
``next_clock_due_on`` is what ``clock_service`` computes (so some cases are overdue). Choices come
from a seeded generator: the same seed and size give the same data set, apart from the identity
ciphertexts' random nonces.

To add a part of a case (hearings, say), add its table to ``COLUMNS`` in load order
(``vocabulary.py``) and a ``_CaseBuilder`` method (``builder.py``) that appends its rows and
timeline events. ``generator.py`` makes the accounts and holds what every case draws from;
``load.py`` writes a data set with COPY.
"""

from tafteesh.benchdata.load import LoadReport, fill, vacuum_analyze
from tafteesh.benchdata.vocabulary import (
    BENCH_DOMAIN,
    BENCH_LAWYER_CASES,
    BENCH_LAWYER_EMAIL,
    BENCH_LEAD_EMAIL,
    BENCH_PASSWORD,
    MAX_CASES,
    POOL_HEARINGS,
    BenchDataError,
    check_path,
)

__all__ = [
    "BENCH_DOMAIN",
    "BENCH_LAWYER_CASES",
    "BENCH_LAWYER_EMAIL",
    "BENCH_LEAD_EMAIL",
    "BENCH_PASSWORD",
    "MAX_CASES",
    "POOL_HEARINGS",
    "BenchDataError",
    "LoadReport",
    "check_path",
    "fill",
    "vacuum_analyze",
]
