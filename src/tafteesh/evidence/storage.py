"""Content-addressed, write-once file storage for evidence.

A file is streamed through SHA-256 into a temporary file, fsynced, then renamed to
``objects/<sha256>``: it is never held whole in memory, identical content is stored once, and a
stored object is never rewritten. ``BlobStore`` is the interface; ``LocalBlobStore`` keeps the
objects in a folder (an S3-compatible store with object lock can implement the same methods).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import AsyncIterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from anyio import to_thread

from tafteesh.errors import InvalidInput, PayloadTooLarge

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int


class BlobStore(Protocol):
    async def put(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> StoredBlob: ...

    def open(self, sha256: str) -> Iterator[bytes]: ...

    def path(self, sha256: str) -> Path: ...

    def exists(self, sha256: str) -> bool: ...


def too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The file is larger than the limit of {max_bytes / 1024**3:.1f} GB "
        f"({max_bytes:,} bytes). Split it or ask an administrator to raise "
        "TAFTEESH_UPLOAD_MAX_BYTES."
    )


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.objects = root / "objects"
        self.incoming = root / "incoming"
        self.objects.mkdir(parents=True, exist_ok=True)
        self.incoming.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.objects / sha256

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    async def put(self, chunks: AsyncIterable[bytes], *, max_bytes: int) -> StoredBlob:
        digest = hashlib.sha256()
        size = 0
        fd, temp_name = tempfile.mkstemp(dir=self.incoming)
        temp = Path(temp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise too_large(max_bytes)
                    digest.update(chunk)
                    await to_thread.run_sync(handle.write, chunk)
                await to_thread.run_sync(handle.flush)
                await to_thread.run_sync(os.fsync, handle.fileno())
            if size == 0:
                raise InvalidInput("The file is empty.")
            sha256 = digest.hexdigest()
            target = self.path(sha256)
            if target.exists():
                temp.unlink()  # identical content is stored once, and never rewritten
            else:
                os.chmod(temp, 0o444)
                os.replace(temp, target)
                dir_fd = os.open(self.objects, os.O_RDONLY)
                try:
                    os.fsync(dir_fd)
                finally:
                    os.close(dir_fd)
            return StoredBlob(sha256=sha256, size=size)
        finally:
            if temp.exists():
                temp.unlink()

    def open(self, sha256: str) -> Iterator[bytes]:
        with self.path(sha256).open("rb") as handle:
            while chunk := handle.read(CHUNK):
                yield chunk
