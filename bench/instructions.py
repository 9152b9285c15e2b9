"""Two versions of the app compared by the instructions one request costs, counted by callgrind.

    .venv/bin/python bench/instructions.py --a HEAD --b . --scenario case_detail
    .venv/bin/python bench/instructions.py --a HEAD --b HEAD --scenario record_outcome  # A/A

`bench/ab.py` measures CPU time under load, which this kind of machine blurs by a tenth from one
burst to the next: a change worth 5 % needs many pairs, and one worth 2 % cannot be seen. Here
each version serves the scenario's requests in process, one after another, with no HTTP server
and no load generator, under valgrind's callgrind, which counts the instructions the process
executes whatever else the machine is doing. Each version runs twice, with ``--requests`` and
with three times as many; the difference divided by the extra requests is the cost of one
request, without the start-up. An A/A run of the case page differed by 1.1 %.

What it counts is the app's own work on a request: middleware, routing, dependencies, the
handler, SQLAlchemy, asyncpg's protocol, the templates. It leaves out what the app shares with
the baseline (uvicorn's HTTP parsing and the socket) and PostgreSQL's work, so a saving here is
a larger share of the app's CPU than of `make bench`'s figures. It needs valgrind (Debian's
``valgrind``) and the benchmark's data set (`var/bench-1k`), which it makes when missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
WARM_UP = 100  # requests before counting starts: statement caches, prepared statements


def main(argv: list[str] | None = None) -> int:
    # Imported here: the child process below imports the version under test instead.
    sys.path.insert(0, str(BENCH))
    from ab import comparison_arguments, scenario_named, source_tree
    from data_set import data_set_as_loaded, signed_in_as

    from tafteesh import benchdata

    parser = comparison_arguments(__doc__.split("\n")[0])
    parser.add_argument(
        "--requests",
        type=int,
        default=100,
        help="the shorter run (the longer makes 3 times as many)",
    )
    args = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        raise SystemExit("bench/instructions.py needs valgrind: sudo apt-get install -y valgrind")
    scenario = scenario_named(args.scenario)
    trees = {"A": source_tree(args.a), "B": source_tree(args.b)}
    counts = (args.requests, 3 * args.requests)
    with data_set_as_loaded(args.size) as (_, env, ctx):
        paths = scenario.app_paths(ctx)
        email = signed_in_as(scenario.user)
        runs = [(side, n) for side in "AB" for n in counts]
        needed = WARM_UP + max(counts)
        if scenario.consumes and len(paths) < needed * len(runs):
            raise SystemExit(f"{len(paths)} targets for {needed * len(runs)} requests")

        def count(index: int) -> int:
            side, n = runs[index]
            # A consuming scenario's runs each take targets of their own.
            own = paths[index * needed : (index + 1) * needed] if scenario.consumes else paths
            child_env = {
                **env,
                "PYTHONPATH": str(trees[side] / "src"),
                "INSTRUCTIONS_PATHS": json.dumps(own),
                "INSTRUCTIONS_EMAIL": email,
                "INSTRUCTIONS_PASSWORD": benchdata.BENCH_PASSWORD,
            }
            command = [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                "--child",
                str(n),
            ]
            done = subprocess.run(command, env=child_env, capture_output=True, text=True)
            found = re.search(r"Collected : (\d+)", done.stderr)
            if done.returncode != 0 or found is None:
                raise SystemExit(f"{side} failed:\n{done.stderr[-3000:]}")
            print(f"{side} ({trees[side].name}), {n} requests: {int(found[1]):,}", flush=True)
            return int(found[1])

        started = time.monotonic()
        with ThreadPoolExecutor(2) as pool:  # valgrind runs one thread: one run per core
            totals = dict(zip(runs, pool.map(count, range(len(runs))), strict=True))
    extra = counts[1] - counts[0]
    per = {side: (totals[side, counts[1]] - totals[side, counts[0]]) / extra for side in "AB"}
    print(f"\ninstructions per request ({time.monotonic() - started:.0f} s):")
    for side in "AB":
        print(f"  {side} ({trees[side].name}): {per[side] / 1e6:.3f} M")
    change = per["B"] - per["A"]
    print(f"  B−A: {change / 1e6:+.3f} M ({100 * change / per['A']:+.1f} %)")
    return 0


def child(requests: int) -> None:
    """Serve the scenario's requests in this process, straight into the ASGI app."""
    from tafteesh.main import create_app

    app = create_app()
    paths: list[str] = json.loads(os.environ["INSTRUCTIONS_PATHS"])

    async def call(method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> Any:
        path, _, query = path.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"127.0.0.1:8100"), *headers],
            "client": ("127.0.0.1", 40000),
            "server": ("127.0.0.1", 8100),
            "state": {},
        }
        answer: dict[str, Any] = {"status": 0, "body": b""}
        sent = False

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # the client stays connected
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        await app(scope, receive, send)
        return answer

    async def run() -> None:
        async with app.router.lifespan_context(app):
            form = urllib.parse.urlencode(
                {
                    "username": os.environ["INSTRUCTIONS_EMAIL"],
                    "password": os.environ["INSTRUCTIONS_PASSWORD"],
                }
            )
            signed_in = await call(
                "POST",
                "/api/v1/auth/token",
                [(b"content-type", b"application/x-www-form-urlencoded")],
                form.encode(),
            )
            token = json.loads(signed_in["body"])["access_token"]
            headers = [(b"authorization", f"Bearer {token}".encode())]
            for n in range(WARM_UP + requests):
                line = paths[n % len(paths)]
                path, tab, body = line.partition("\t")
                if tab:  # a consuming scenario's line: the JSON body to POST
                    json_headers = [*headers, (b"content-type", b"application/json")]
                    answer = await call("POST", path, json_headers, body.encode())
                else:
                    answer = await call("GET", path, headers, b"")
                if answer["status"] != 200:
                    raise SystemExit(f"{path} answered {answer['status']}: {answer['body'][:300]}")

    asyncio.run(run())


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(int(sys.argv[2]))
    else:
        raise SystemExit(main())
