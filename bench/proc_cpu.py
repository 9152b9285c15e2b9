"""What the benchmarks read from /proc, for `bench/run.py` and `bench/evidence.py` alike.

The process table with each process's CPU ticks (its own and its reaped children's), the ticks
of a process tree, the whole machine's busy and total ticks, a `CpuSnapshot` of both taken
before and after a wrk run, `SessionCounter`, which reads how many sessions PostgreSQL has
opened on the database over one connection held in a thread of its own, the CPU's model name,
and `forget_dead_handles` for the embedded server's list of the processes holding it.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- CPU time from /proc -----------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, int]]:
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


def tree_ticks(table: dict[int, tuple[int, int]], root: int) -> int:
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


def machine_ticks() -> tuple[int, int]:
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
        return cls(process_table(), machine_ticks())


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


def cpu_model_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def forget_dead_handles(pgdata: Path) -> None:
    """pgserver stops the server when its last holder exits, counting holders in a file; a holder
    that was killed stays listed and would keep the server up forever. Drop the dead ones."""
    handles = pgdata / ".handle_pids.json"
    if handles.exists():
        live = [pid for pid in json.loads(handles.read_text()) if Path(f"/proc/{pid}").exists()]
        handles.write_text(json.dumps(live))
