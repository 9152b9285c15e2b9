"""The `tafteesh` processes `bench/evidence.py` starts, and HTTP calls to the server.

The environment a `tafteesh` command needs to work on the benchmark's folder and database
(`server_env`, for `tafteesh serve` and `tafteesh evidence verify`); a free port; `Server`,
which starts `tafteesh serve` in its own process group, waits for /healthz and finds the
process that serves requests; one JSON, form or bytes request (`call_api`, `expect_status`); and
`stream_upload`, which PUTs a large body one chunk at a time.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from evidence_common import DATA_DIR, ORIGIN, ROOT
from proc_cpu import process_table

from tafteesh.embedded import DatabaseUrls


def server_env(urls: DatabaseUrls) -> dict[str, str]:
    """What `tafteesh` commands need to work on the benchmark's folder and database."""
    return {
        **os.environ,
        "TAFTEESH_DATA_DIR": str(DATA_DIR),
        "TAFTEESH_DATABASE_URL": urls.app.render_as_string(hide_password=False),
        "TAFTEESH_MIGRATION_DATABASE_URL": urls.owner.render_as_string(hide_password=False),
        "TAFTEESH_CUSTODY_LOG_ORIGIN": ORIGIN,
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`tafteesh serve` started by this script, in its own process group, logging to a file."""

    def __init__(self, command: list[str], env: dict[str, str], port: int, log: Path) -> None:
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

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"tafteesh serve exited early; see {self._log.name}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"tafteesh serve did not answer /healthz in {timeout:.0f} s")

    def worker(self) -> int:
        """The process serving requests: a spawned worker child when uvicorn made one, else the
        serve process itself (uvicorn runs a single worker in-process)."""
        for pid, (parent, _) in process_table().items():
            if parent == self.proc.pid:
                try:
                    command = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if b"spawn_main" in command:
                    return pid
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._log.close()


def call_api(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    json_body: Any = None,
    form: dict[str, str] | None = None,
    data: bytes | None = None,
    timeout: float = 60,
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if json_body is not None:
        data = json.dumps(json_body).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    elif data is not None:
        headers["Content-Type"] = "application/octet-stream"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def expect_status(status: int, body: Any, wanted: int, what: str) -> Any:
    if status != wanted:
        raise SystemExit(f"{what}: expected {wanted}, got {status}: {body}")
    return body


def stream_upload(
    base: str,
    path: str,
    token: str,
    chunks: Iterator[bytes],
    total: int,
    *,
    deadline: float,
    halfway: Callable[[], None],
) -> tuple[int, Any]:
    """PUT `total` bytes from `chunks` with a Content-Length, one chunk in memory at a time."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(
        address.hostname or "127.0.0.1", address.port, timeout=120
    )
    try:
        connection.putrequest("PUT", path)
        connection.putheader("Authorization", f"Bearer {token}")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.putheader("Content-Length", str(total))
        connection.endheaders()
        sent, called = 0, False
        for chunk in chunks:
            connection.send(chunk)
            sent += len(chunk)
            if not called and sent >= total // 2:
                called = True
                halfway()
            if time.monotonic() > deadline:
                raise TimeoutError(f"the upload did not finish in time ({sent:,} bytes sent)")
        response = connection.getresponse()
        body = response.read()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body.decode(errors="replace")
    finally:
        connection.close()
