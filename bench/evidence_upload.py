"""Phase 3 of `bench/evidence.py`: uploading 1 GiB to `tafteesh serve`, and the raw comparison.

`measure_upload` starts `tafteesh serve` (one worker), signs in, makes a case and items, and
streams AES-CTR pseudo-random bytes (`pseudo_random_chunks`, never whole in memory) to
PUT /api/v1/evidence/{id}/files, sampling the worker's memory (`RssSampler`, VmHWM) and the
app's PostgreSQL sessions halfway; then one GET /api/v1/evidence/{id}/verify on the whole log
(`measure_verify_request`); then the same bytes hashed and written with fsync in this process
(`raw_hash_and_write`), hashed alone, and generated alone.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from evidence_common import (
    BIN,
    DATA_DIR,
    LAWYER_EMAIL,
    PASSWORD,
    GiB,
    MiB,
    Window,
    kb_to_mb,
    proc_status,
    reset_peak,
    user_system_s,
)
from evidence_server import call_api, expect_status, free_port, server_env, stream_upload
from servers import Server
from sqlalchemy.engine import URL

from tafteesh.db import driver_dsn
from tafteesh.embedded import DatabaseUrls
from tafteesh.evidence.storage import LocalBlobStore

# -- 3. uploading a 1 GiB file ------------------------------------------------------------------


def pseudo_random_chunks(key: bytes, total: int, chunk: int = MiB) -> Iterator[bytes]:
    """`total` bytes of AES-256-CTR keystream, `chunk` at a time: the same key gives the same
    bytes, and only one chunk is ever in memory."""
    encryptor = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    zeros = bytes(chunk)
    left = total
    while left > 0:
        size = min(chunk, left)
        yield encryptor.update(zeros if size == chunk else bytes(size))
        left -= size


async def _app_sessions(admin: URL, app_role: str) -> list[dict[str, Any]]:
    """The app role's PostgreSQL sessions: state, age of the open transaction, last query.
    (Read as the superuser: other roles see only their own sessions' state.)"""
    conn = await asyncpg.connect(driver_dsn(admin.set(database="tafteesh")))
    try:
        rows = await conn.fetch(
            "SELECT state, extract(epoch FROM now() - xact_start)::float AS xact_s, "
            "left(query, 70) AS query FROM pg_stat_activity WHERE usename = $1",
            app_role,
        )
        return [
            {
                "state": r["state"],
                "xact_s": None if r["xact_s"] is None else round(r["xact_s"], 1),
                "query": r["query"],
            }
            for r in rows
        ]
    finally:
        await conn.close()


class RssSampler(threading.Thread):
    """The largest VmRSS of a process, sampled every `interval` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.max_kb = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                self.max_kb = max(self.max_kb, proc_status(self.pid)["VmRSS"])
            except OSError:
                return
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(5)


def raw_hash_and_write(key: bytes, total: int, target: Path) -> dict[str, Any]:
    """The comparison: the same bytes through SHA-256 into a file on the same disk, fsynced."""
    digest = hashlib.sha256()
    times, started = os.times(), time.perf_counter()
    with target.open("wb") as handle:
        for chunk in pseudo_random_chunks(key, total):
            digest.update(chunk)
            handle.write(chunk)
        handle.flush()
        written = time.perf_counter()
        os.fsync(handle.fileno())
    end, wall = os.times(), time.perf_counter() - started
    return {
        "sha256": digest.hexdigest(),
        "wall_s": round(wall, 3),
        "fsync_s": round(time.perf_counter() - written, 3),
        "user_cpu_s": round(end.user - times.user, 3),
        "system_cpu_s": round(end.system - times.system, 3),
        "cpu_s": round(end.user - times.user + end.system - times.system, 3),
        "mb_per_s": round(total / 1e6 / wall, 1),
    }


def _raw_run(key: bytes, total: int, target: Path, postmaster: int) -> dict[str, Any]:
    with Window(postmaster) as window:
        raw = raw_hash_and_write(key, total, target)
    target.unlink(missing_ok=True)
    raw["other_load_pct"] = window.other_busy_pct
    return raw


def hash_only(key: bytes, total: int) -> dict[str, Any]:
    """Generating and hashing the bytes, no file: what SHA-256 itself costs here."""
    digest = hashlib.sha256()
    started = time.perf_counter()
    for chunk in pseudo_random_chunks(key, total):
        digest.update(chunk)
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "mb_per_s": round(total / 1e6 / wall, 1)}


def generation_only(key: bytes, total: int) -> dict[str, Any]:
    started = time.perf_counter()
    for _ in pseudo_random_chunks(key, total):
        pass
    wall = time.perf_counter() - started
    return {"wall_s": round(wall, 3), "mb_per_s": round(total / 1e6 / wall, 1)}


async def _log_size(urls: DatabaseUrls) -> int:
    conn = await asyncpg.connect(driver_dsn(urls.app))
    try:
        return int(await conn.fetchval("SELECT size FROM custody_log_head WHERE id = 1"))
    finally:
        await conn.close()


def measure_verify_request(
    server: Server, token: str, item_id: str, worker: int, timeout: float
) -> dict[str, Any]:
    """GET /api/v1/evidence/{id}/verify on the big log, while /healthz is probed every 0.2 s:
    how long the request takes, the worker's peak memory, and how long other requests wait."""
    reset_peak(worker)
    rss_start = proc_status(worker)["VmRSS"]
    user_before, system_before = user_system_s(worker)
    outcome: dict[str, Any] = {}

    def call() -> None:
        started = time.perf_counter()
        outcome["status"], outcome["body"] = call_api(
            server.base, "GET", f"/api/v1/evidence/{item_id}/verify", token=token, timeout=timeout
        )
        outcome["wall_s"] = round(time.perf_counter() - started, 3)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    probes: list[float] = []
    deadline = time.monotonic() + timeout
    time.sleep(0.1)
    while thread.is_alive() and time.monotonic() < deadline:
        started = time.perf_counter()
        call_api(server.base, "GET", "/healthz", timeout=timeout)
        probes.append(time.perf_counter() - started)
        time.sleep(0.2)
    thread.join(max(0.0, deadline - time.monotonic()))
    user_after, system_after = user_system_s(worker)
    body = outcome.get("body")
    return {
        "status": outcome.get("status"),
        "wall_s": outcome.get("wall_s"),
        "server_cpu_s": round(user_after - user_before + system_after - system_before, 2),
        "rss_start_mb": kb_to_mb(rss_start),
        "peak_vmhwm_mb": kb_to_mb(proc_status(worker)["VmHWM"]),
        "healthz_probes": len(probes),
        "healthz_max_ms": round(max(probes) * 1000, 1) if probes else None,
        "problem_codes": sorted({p["code"] for p in body.get("problems", [])})
        if isinstance(body, dict)
        else None,
        "checkpoint_size": body.get("checkpoint_size") if isinstance(body, dict) else None,
    }


def measure_upload(
    admin: URL, urls: DatabaseUrls, args: argparse.Namespace, postmaster: int, deadline: float
) -> dict[str, Any]:
    total = args.upload_bytes
    port = free_port()
    env = {**server_env(urls), "TAFTEESH_UPLOAD_MAX_BYTES": str(2 * total)}
    command = [str(BIN / "tafteesh"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", "1"]
    server = Server("tafteesh serve", command, env, port, DATA_DIR / "serve.log")
    store = LocalBlobStore(DATA_DIR / "evidence")
    raw_file = DATA_DIR / "raw-compare.bin"
    uploaded: list[str] = []
    result: dict[str, Any] = {"bytes": total, "port": port, "workers": 1}
    try:
        server.wait_ready()
        worker = server.worker()
        result["worker_is_serve_process"] = worker == server.proc.pid
        result["startup_vmhwm_mb"] = kb_to_mb(proc_status(worker)["VmHWM"])
        token = expect_status(
            *call_api(
                server.base,
                "POST",
                "/api/v1/auth/token",
                form={"username": LAWYER_EMAIL, "password": PASSWORD},
            ),
            200,
            "sign-in",
        )["access_token"]
        case = expect_status(
            *call_api(
                server.base,
                "POST",
                "/api/v1/cases",
                token=token,
                json_body={
                    "reference": f"EV-UPLOAD-{uuid.uuid4().hex[:6].upper()}",
                    "police_station": "Ghutiari Sharif PS",
                    "fir_district": "South 24 Parganas",
                    "fir_state": "West Bengal",
                    "fir_number": "214",
                    "fir_year": 2024,
                    "fir_date": "2024-09-12",
                },
            ),
            201,
            "create a case",
        )
        item = expect_status(
            *call_api(
                server.base,
                "POST",
                f"/api/v1/cases/{case['id']}/evidence",
                token=token,
                json_body={
                    "kind": "electronic",
                    "category": "device_image",
                    "description": "Forensic image of the accused's phone",
                    "device_type": "Mobile phone",
                },
            ),
            201,
            "create an item",
        )
        # A second item with no file and no event, for the verify request: its cost is the log's.
        bare = expect_status(
            *call_api(
                server.base,
                "POST",
                f"/api/v1/cases/{case['id']}/evidence",
                token=token,
                json_body={
                    "kind": "physical",
                    "category": "seized_object",
                    "description": "Bag of documents seized in the raid",
                },
            ),
            201,
            "create a second item",
        )
        path = f"/api/v1/evidence/{item['id']}/files?filename=big.bin"
        # Warm-up: a 1 MiB upload, so the baseline includes everything the route imports.
        warm_path = path.replace("big.bin", "warm.bin")
        warm = expect_status(
            *call_api(server.base, "PUT", warm_path, token=token, data=os.urandom(MiB)),
            201,
            "warm-up upload",
        )
        uploaded.append(warm["sha256"])
        key = os.urandom(32)
        # A first raw run before the upload. Observed here: writing 1 GiB into page cache can
        # cost 10x more system time the first time (2.5 s against 0.24 s), probably as the VM's
        # host backs guest memory on first use. Deleting the file frees that page cache for the
        # upload, as the upload's deleted file does for the raw runs after it.
        result["raw_before_upload"] = _raw_run(key, total, raw_file, postmaster)
        time.sleep(0.5)
        baseline = proc_status(worker)
        result["baseline_vmhwm_mb"] = kb_to_mb(baseline["VmHWM"])
        result["baseline_vmrss_mb"] = kb_to_mb(baseline["VmRSS"])
        # The baseline peak is set by signing in (argon2 hashes in ~64 MiB of memory), so the
        # peak is reset here: what VmHWM shows afterwards is the upload's own.
        reset_peak(worker)
        result["vmrss_at_upload_start_mb"] = kb_to_mb(proc_status(worker)["VmRSS"])
        halfway: dict[str, Any] = {}

        def at_halfway() -> None:
            halfway["rss_mb"] = kb_to_mb(proc_status(worker)["VmRSS"])
            halfway["app_sessions"] = asyncio.run(_app_sessions(admin, str(urls.app.username)))

        sampler = RssSampler(worker)
        sampler.start()
        user_before, system_before = user_system_s(worker)
        print(f"  streaming {total / GiB:g} GiB to {server.base}{path}…", flush=True)
        with Window(postmaster, server.proc.pid) as window:
            status, body = stream_upload(
                server.base,
                path,
                token,
                pseudo_random_chunks(key, total),
                total,
                deadline=min(deadline, time.monotonic() + args.upload_timeout),
                halfway=at_halfway,
            )
        sampler.stop()
        user_after, system_after = user_system_s(worker)
        expect_status(status, body, 201, "the 1 GiB upload")
        after = proc_status(worker)
        store.path(body["sha256"]).unlink(missing_ok=True)
        result["upload"] = {
            **window.summary(),
            "mb_per_s": round(total / 1e6 / window.wall, 1),
            "mib_per_s": round(total / MiB / window.wall, 1),
            "server_cpu_s_per_gib": round(window.server_cpu * GiB / total, 2),
            "server_user_cpu_s": round(user_after - user_before, 2),
            "server_system_cpu_s": round(system_after - system_before, 2),
            "sha256": body["sha256"],
            "size_bytes": body["size_bytes"],
        }
        result["peak_vmhwm_mb"] = kb_to_mb(after["VmHWM"])  # since the reset: during the upload
        result["peak_sampled_vmrss_mb"] = kb_to_mb(sampler.max_kb)
        result["vmrss_after_mb"] = kb_to_mb(after["VmRSS"])
        result["peak_growth_mb"] = round(
            result["peak_vmhwm_mb"] - result["vmrss_at_upload_start_mb"], 1
        )
        result["halfway"] = halfway
        print(
            f"  upload: {result['upload']['mb_per_s']:.0f} MB/s "
            f"({window.wall:.1f} s, server CPU {window.server_cpu:.1f} s); server VmHWM "
            f"{result['baseline_vmhwm_mb']:.0f} MB before; RSS at the start "
            f"{result['vmrss_at_upload_start_mb']:.0f} MB, peak during the upload "
            f"{result['peak_vmhwm_mb']:.0f} MB (largest sampled RSS "
            f"{result['peak_sampled_vmrss_mb']:.0f} MB); halfway {halfway}",
            flush=True,
        )
        print("  GET /api/v1/evidence/{id}/verify on the whole log…", flush=True)
        result["verify_request"] = measure_verify_request(
            server, token, bare["id"], worker, args.upload_timeout
        )
        result["verify_request"]["log_size"] = asyncio.run(_log_size(urls))
        print(f"  verify request: {result['verify_request']}", flush=True)
    finally:
        server.stop()
        raw_file.unlink(missing_ok=True)
        for leftover in store.incoming.glob("*"):  # an upload cut short leaves its temp file
            leftover.unlink()
    raws = [_raw_run(key, total, raw_file, postmaster) for _ in range(2)]
    result["raw_runs"] = raws
    result["raw"] = raw = max(raws, key=lambda r: r["mb_per_s"])
    result["generation_only"] = generation_only(key, total)
    result["hash_only"] = hash_only(key, total)
    result["same_sha256"] = all(
        r["sha256"] == result["upload"]["sha256"] for r in [*raws, result["raw_before_upload"]]
    )
    result["ratio_upload_to_raw"] = round(result["upload"]["mb_per_s"] / raw["mb_per_s"], 2)
    for sha in uploaded:
        store.path(sha).unlink(missing_ok=True)
    print(
        f"  raw SHA-256 + write + fsync: before the upload "
        f"{result['raw_before_upload']['mb_per_s']} MB/s, after it {[r['mb_per_s'] for r in raws]}"
        " MB/s; generating alone "
        f"{result['generation_only']['mb_per_s']:.0f} MB/s; upload/raw "
        f"{result['ratio_upload_to_raw']:.2f}; same SHA-256: {result['same_sha256']}",
        flush=True,
    )
    return result
