"""Judging and reporting for `bench/run.py`: the targets, the verdicts, bench.md.

`TARGETS` are the limits the judged scenarios are held to; `judge` turns the runs' measurements
into `Verdict`s (req/s ratio to the baseline, p99 at 64 connections, p50 growth with the data
size); `markdown` writes the report (machine, method, one table per size, the targets), with
the machine's description (`cpu_model_name`, `package_versions`) it needs.
"""

from __future__ import annotations

import platform
import subprocess
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from scenarios import Scenario

TARGETS = {
    "min_ratio": 0.5,  # app req/s at least half the baseline's
    "max_p99_ms_at_64": 250.0,
    "max_p50_growth": 1.5,  # p50 at the largest size over p50 at the smallest
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


def package_versions() -> dict[str, str]:
    packages = ("fastapi", "starlette", "uvicorn", "sqlalchemy", "asyncpg", "jinja2", "pydantic")
    found = {name: metadata.version(name) for name in packages}
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    found["wrk"] = wrk_version.split(" [")[0].removeprefix("wrk ").strip()
    found["python"] = platform.python_version()
    return found


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
