"""Two versions of the app side by side: CPU per request of each, on one worker, same data.

    .venv/bin/python bench/ab.py --a HEAD --b . --scenario case_detail
    .venv/bin/python bench/ab.py --a HEAD --b HEAD --scenario record_outcome   # an A/A check

A change worth a few percent of a request is invisible in `make bench` on a shared machine: the
same figure differs by a fifth from one run to the next. Here both versions are served at once,
each with one worker, on the benchmark's data set (`var/bench-<size>`, made by `make bench` or
here when missing), and measured in alternating bursts of wrk, A B B A A B B A…, so a drift of
the machine's speed hits both alike and neither is always measured second. Each burst reports
the worker's CPU and PostgreSQL's (every postmaster process: only one side is loaded at a time)
per request, from /proc. The summary gives each side's median and the median of the pairwise
differences, which is the figure to trust; run an A/A check first to see what the machine can
resolve.

`--a` and `--b` are git revisions (exported with `git archive` to var/ab/<commit>), `.` for the
working tree, or a folder holding a version's `src` and `templates`. Nothing of the data set
changes but the audit rows the reads write and, for "record an outcome", the hearings it
consumes (the pool is topped up before every burst).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import time
from io import BytesIO
from pathlib import Path

from data_set import data_set_as_loaded, postmaster_pid, signed_in_as
from measure import wrk
from proc_cpu import CLK_TCK, process_table, tree_ticks
from scenarios import SCENARIOS, Scenario
from servers import Server, send_line, serving, sign_in

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def source_tree(revision: str) -> Path:
    """The folder whose ``src`` and ``templates`` the version runs from."""
    if revision == ".":
        return ROOT
    if Path(revision, "src", "tafteesh").is_dir():  # a folder holding a version's src and templates
        return Path(revision).resolve()
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    folder = ROOT / "var" / "ab" / commit[:12]
    if not folder.exists():
        archive = subprocess.run(
            ["git", "archive", commit, "src", "templates"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        ).stdout
        partial = folder.with_name(folder.name + ".partial")
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(partial, filter="data")
        partial.rename(folder)
    return folder


def serve_version(name: str, tree: Path, port: int, env: dict[str, str], logs: Path) -> Server:
    pythonpath = os.pathsep.join((str(BENCH / "nodelay"), str(tree / "src")))
    command = [
        sys.executable,
        "-c",
        "import sys; from tafteesh.cli import main; sys.exit(main(sys.argv[1:]))",
        "serve",
        "--host",
        "127.0.0.1",
        "--workers",
        "1",
        "--port",
        str(port),
    ]
    return Server(name, command, {**env, "PYTHONPATH": pythonpath}, port, logs / f"ab-{name}.log")


def burst(
    server: Server, scenario: Scenario, ctx: object, token: str, args: argparse.Namespace
) -> dict[str, float]:
    paths = scenario.app_paths(ctx)  # type: ignore[arg-type]
    before = process_table()
    summary, _ = wrk(
        server.base,
        paths,
        token=token,
        connections=args.connections,
        seconds=args.seconds,
        threads=1,
        stagger=0,
    )
    after = process_table()
    if scenario.consumes:
        time.sleep(1)  # outcomes in flight commit before the next burst picks its hearings
    requests = max(int(summary["requests"]), 1)
    tick_us = 1e6 / CLK_TCK

    def used(root: int) -> float:
        return float(tree_ticks(after, root) - tree_ticks(before, root)) * tick_us / requests

    return {
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "app_us": used(server.proc.pid),
        "pg_us": used(args.postmaster),
        "errors": sum(summary["errors"].values()) if isinstance(summary["errors"], dict) else 0,
    }


def comparison_arguments(description: str) -> argparse.ArgumentParser:
    """The options of a comparison of two versions (here and in bench/instructions.py)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--a", default="HEAD", help="git revision, or . (default HEAD)")
    parser.add_argument("--b", default=".", help="git revision, or . (default the working tree)")
    parser.add_argument("--scenario", default="case_detail", help="a name from scenarios.py")
    parser.add_argument("--size", type=int, default=1000, help="cases in the data set")
    return parser


def scenario_named(name: str) -> Scenario:
    scenario = next((s for s in SCENARIOS if s.name == name), None)
    if scenario is None:
        raise SystemExit(f"no such scenario; choose from {', '.join(s.name for s in SCENARIOS)}")
    return scenario


def main(argv: list[str] | None = None) -> int:
    parser = comparison_arguments(__doc__.split("\n")[0])
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5, help="length of one burst")
    parser.add_argument("--pairs", type=int, default=8, help="pairs of bursts measured")
    parser.add_argument("--ports", default="8110,8111")
    args = parser.parse_args(argv)
    scenario = scenario_named(args.scenario)
    trees = {"A": source_tree(args.a), "B": source_tree(args.b)}
    ports = dict(zip("AB", (int(p) for p in args.ports.split(",")), strict=True))

    logs = ROOT / "var" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    with data_set_as_loaded(args.size) as (data_dir, env, ctx):
        args.postmaster = postmaster_pid(data_dir)
        servers = {side: serve_version(side, trees[side], ports[side], env, logs) for side in "AB"}
        results: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
        with serving(list(servers.values())):
            email = signed_in_as(scenario.user)
            tokens = {side: sign_in(server.base, email) for side, server in servers.items()}
            for side, server in servers.items():
                first = scenario.app_paths(ctx)[0]
                status, size = send_line(server.base + first, tokens[side])
                if status != 200:
                    raise SystemExit(f"{side} answered {status} to {first}")
                print(f"{side} ({trees[side].name}): {first[:60]} -> {size:,} bytes", flush=True)
                burst(server, scenario, ctx, tokens[side], args)  # warm-up, not counted
            for pair in range(args.pairs):
                order = "AB" if pair % 2 == 0 else "BA"
                for side in order:
                    figures = burst(servers[side], scenario, ctx, tokens[side], args)
                    results[side].append(figures)
                a, b = results["A"][-1], results["B"][-1]
                print(
                    f"pair {pair + 1} ({order}): A {a['app_us']:,.0f} + {a['pg_us']:,.0f} µs, "
                    f"{a['rps']:,.0f}/s   B {b['app_us']:,.0f} + {b['pg_us']:,.0f} µs, "
                    f"{b['rps']:,.0f}/s",
                    flush=True,
                )
    report(results)
    return 0


def report(results: dict[str, list[dict[str, float]]]) -> None:
    print("\nmedians of the pairs (CPU per request, µs):")
    for key in ("app_us", "pg_us", "total"):
        a = [r["app_us"] + r["pg_us"] if key == "total" else r[key] for r in results["A"]]
        b = [r["app_us"] + r["pg_us"] if key == "total" else r[key] for r in results["B"]]
        differences = [y - x for x, y in zip(a, b, strict=True)]
        lower = sum(d < 0 for d in differences)
        print(
            f"  {key:7} A {statistics.median(a):7,.0f}  B {statistics.median(b):7,.0f}  "
            f"B−A {statistics.median(differences):+7,.0f} "
            f"({100 * statistics.median(differences) / statistics.median(a):+.1f} %; "
            f"B lower in {lower} of {len(differences)})"
        )
    rps_a = statistics.median(r["rps"] for r in results["A"])
    rps_b = statistics.median(r["rps"] for r in results["B"])
    print(f"  req/s   A {rps_a:7,.0f}  B {rps_b:7,.0f}")


if __name__ == "__main__":
    raise SystemExit(main())
