"""The `tafteesh` processes `bench/evidence.py` starts, and HTTP calls to the server.

The environment a `tafteesh` command needs to work on the benchmark's folder and database
(`server_env`, for `tafteesh serve` and `tafteesh evidence verify`); a free port; one JSON,
form or bytes request (`call_api`, `expect_status`); and `stream_upload`, which PUTs a large
body one chunk at a time. The server itself is `servers.Server`, as for `bench/run.py`.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from evidence_common import DATA_DIR, ORIGIN

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
