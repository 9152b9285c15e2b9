"""Survivor identity, encrypted at rest with a key that never enters the database.

A dump of the database alone reveals no survivor's name, phone or address. The key is a file in
the data folder (mode 0600) or ``TAFTEESH_IDENTITY_KEY``; losing it loses the identities, so
back it up apart from the database. Each ciphertext is bound to its survivor row (associated
data), so a ciphertext copied onto another row does not decrypt.
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT_VERSION = b"\x01"
KEY_FILE = "identity.key"


class IdentityKeyError(RuntimeError):
    """The identity key is missing, malformed, or not the one the data was encrypted with."""


@dataclass(frozen=True)
class SurvivorIdentity:
    legal_name: str
    guardian_name: str | None = None
    phone: str | None = None
    address: str | None = None
    age_at_offence: int | None = None
    is_minor: bool = False

    def redacted_values(self) -> list[str]:
        """The strings that must never appear outside her team's view (used by leak tests)."""
        return [v for v in (self.legal_name, self.guardian_name, self.phone, self.address) if v]


class IdentityCipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise IdentityKeyError("the identity key must be 32 bytes (AES-256)")
        self._aead = AESGCM(key)

    def encrypt(self, survivor_id: uuid.UUID, identity: SurvivorIdentity) -> bytes:
        nonce = os.urandom(12)
        plaintext = json.dumps(asdict(identity), ensure_ascii=False).encode()
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, plaintext, survivor_id.bytes)

    def decrypt(self, survivor_id: uuid.UUID, blob: bytes) -> SurvivorIdentity:
        if blob[:1] != FORMAT_VERSION or len(blob) < 29:
            raise IdentityKeyError("unknown identity ciphertext format")
        try:
            plaintext = self._aead.decrypt(blob[1:13], blob[13:], survivor_id.bytes)
        except InvalidTag as exc:
            raise IdentityKeyError(
                "a survivor's identity could not be decrypted: the identity key is not the one "
                "it was encrypted with"
            ) from exc
        return SurvivorIdentity(**json.loads(plaintext))


def load_identity_key(data_dir: Path, configured: str | None) -> bytes:
    """The configured key (base64), or the key file, created on first use with mode 0600."""
    if configured:
        try:
            key = base64.b64decode(configured, validate=True)
        except ValueError as exc:
            raise IdentityKeyError("TAFTEESH_IDENTITY_KEY must be base64 of 32 bytes") from exc
        return key
    path = data_dir / KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return base64.b64decode(path.read_text().strip(), validate=True)
    except FileNotFoundError:
        pass
    key = AESGCM.generate_key(bit_length=256)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return base64.b64decode(path.read_text().strip(), validate=True)
    with os.fdopen(fd, "w") as handle:
        handle.write(base64.b64encode(key).decode() + "\n")
    return key
