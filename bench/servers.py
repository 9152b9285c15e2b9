"""The servers the benchmarks start and talk to: the app and the baseline, and the app alone
for `bench/evidence.py`'s upload.

`Server` starts one in its own process group, waits for /healthz and finds its worker
processes (or the one process serving, with a single worker); `serving` waits for a list of
them and stops them afterwards. Plus the small HTTP helpers the run uses: one request
(`send_line`), the keep-alive round trip that reveals a missing TCP_NODELAY, and signing in to
get a bearer token.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from proc_cpu import process_table

from tafteesh import benchdata

ROOT = Path(__file__).resolve().parents[1]


# -- servers -----------------------------------------------------------------------------------


class Server:
    """A server process this script started, in its own process group, logging to a file."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int, log: Path):
        self.name, self.port = name, port
        self.round_trip_ms: float | None = None
        self.base = f"http://127.0.0.1:{port}"
        self._log = log.open("w")
        self.proc = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, path: str = "/healthz", timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited early; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path} in {timeout:.0f} s")

    def workers(self) -> list[int]:
        """The worker processes (uvicorn spawns them; the resource tracker is not one)."""
        found = []
        for pid, (parent, _) in process_table().items():
            if parent == self.proc.pid:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"spawn_main" in command:
                    found.append(pid)
        return sorted(found)

    def worker(self) -> int:
        """The process serving requests when there is one worker: the spawned child when uvicorn
        made one, else the serve process itself (uvicorn runs a single worker in-process)."""
        return next(iter(self.workers()), self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


@contextmanager
def serving(servers: list[Server]) -> Iterator[None]:
    try:
        for server in servers:
            server.wait_ready()
        yield
    finally:
        for server in servers:
            server.stop()


def send_line(url: str, token: str | None = None) -> tuple[int, int]:
    """GET the URL, or POST the JSON body after a tab (a consuming scenario's line)."""
    url, _, body = url.partition("\t")
    request = urllib.request.Request(url, data=body.encode() if body else None)
    if body:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())


def fetch_text(url: str, token: str | None = None) -> str:
    """GET a page's text."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return str(response.read().decode())


def keepalive_round_trip_ms(base: str, requests: int = 21) -> float:
    """Median time of sequential requests to /healthz on one kept-alive connection: about 40 ms
    instead of well under 1 ms when the server's connections lack TCP_NODELAY."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port)
    times = []
    try:
        for _ in range(requests):
            started = time.perf_counter()
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            times.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    return round(sorted(times)[len(times) // 2], 2)


def sign_in(base: str, email: str) -> str:
    body = urllib.parse.urlencode({"username": email, "password": benchdata.BENCH_PASSWORD})
    request = urllib.request.Request(f"{base}/api/v1/auth/token", data=body.encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        token: str = json.load(response)["access_token"]
    return token
