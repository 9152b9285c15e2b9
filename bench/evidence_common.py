"""What every phase of `bench/evidence.py` shares: its constants, and the machine from /proc.

The benchmark's folder (var/bench-evidence), the lawyer's credentials, the custody log's origin
and the size units; then the machine, CPU time and memory read from /proc: load average, the
process table and CPU ticks, a process's user and system time, VmRSS and VmHWM (and resetting
the peak), the `Window` that times one measurement (wall, this process's CPU, PostgreSQL's, a
server's, the rest of the machine's), the machine's description, and a percentile.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

from proc_cpu import cpu_model_name, machine_ticks, process_table, tree_ticks

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DATA_DIR = ROOT / "var" / "bench-evidence"
CLK_TCK = os.sysconf("SC_CLK_TCK")
MiB = 1024**2
GiB = 1024**3
PASSWORD = "tafteesh-bench-2026"
LAWYER_EMAIL = "evidence.lawyer@bench.tafteesh.org"
ORIGIN = "bench.tafteesh.local/custody-log"


# -- the machine, CPU time and memory from /proc ------------------------------------------------


def loadavg() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def user_system_s(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of one process (its own threads, not its children)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def proc_status(pid: int | str = "self") -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a process, in kB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, value = line.split(":", 1)
            found[name] = int(value.split()[0])
    return found


def reset_peak(pid: int | str = "self") -> None:
    """Reset VmHWM to the current RSS (Linux clear_refs "5"), so a step's peak is its own."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def kb_to_mb(kb: int) -> float:
    return round(kb / 1024, 1)


class Window:
    """Wall and CPU time of one measurement: this process (its own threads), PostgreSQL's
    process tree, an optional server's, and the rest of the machine (noise from other jobs)."""

    def __init__(self, postmaster: int | None, server: int | None = None) -> None:
        self.postmaster, self.server = postmaster, server

    def __enter__(self) -> Window:
        self.load_before = loadavg()
        self._table = process_table()
        self._machine = machine_ticks()
        self._cpu = time.process_time()
        self._wall = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.own_cpu = time.process_time() - self._cpu
        table, machine = process_table(), machine_ticks()
        tick = 1 / CLK_TCK

        def used(root: int | None) -> float:
            if root is None:
                return 0.0
            return (tree_ticks(table, root) - tree_ticks(self._table, root)) * tick

        self.pg_cpu = used(self.postmaster)
        self.server_cpu = used(self.server)
        busy = (machine[0] - self._machine[0]) * tick
        total = (machine[1] - self._machine[1]) * tick
        other = max(0.0, busy - self.own_cpu - self.pg_cpu - self.server_cpu)
        self.machine_busy_pct = round(100 * busy / total, 1) if total else 0.0
        self.other_busy_pct = round(100 * other / total, 1) if total else 0.0
        self.load_after = loadavg()

    def summary(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "wall_s": round(self.wall, 3),
            "bench_cpu_s": round(self.own_cpu, 3),
            "postgres_cpu_s": round(self.pg_cpu, 3),
            "machine_busy_pct": self.machine_busy_pct,
            "other_load_pct": self.other_busy_pct,
            "loadavg_before": self.load_before,
            "loadavg_after": self.load_after,
        }
        if self.server is not None:
            found["server_cpu_s"] = round(self.server_cpu, 3)
        return found


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return round(int(line.split()[1]) / 1024**2, 1)
    return 0.0


def machine() -> dict[str, Any]:
    versions = {
        name: metadata.version(name)
        for name in ("fastapi", "uvicorn", "h11", "sqlalchemy", "asyncpg", "cryptography")
    }
    versions["python"] = platform.python_version()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu_model_name(),
        "kernel": f"{platform.system()} {platform.release()}",
        "memory_gb": _memory_gb(),
        "versions": versions,
    }


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, round(share * len(sorted_values)) - 1))
    return sorted_values[index]
