"""Signed checkpoints of the custody log: C2SP tlog-checkpoint inside a C2SP signed note.

A checkpoint commits the log's key holder to one tree size and root hash. Formats:
  - https://c2sp.org/tlog-checkpoint (body: origin, decimal tree size, base64 root hash, then
    optional extension lines, each ending in a newline);
  - https://c2sp.org/signed-note (the body, a blank line, then lines of
    "— <key name> <base64(4-byte key id || signature)>"), with Ed25519 as signature type 0x01;
  - the verifier key string "<name>+<hex key id>+<base64(0x01 || public key)>" of
    golang.org/x/mod/sumdb/note, which Go witnesses and monitors accept.

Parsing and verifying (the `Checkpoint` type, key ids, `parse_verifier_key`, `open_note`,
`parse_and_verify`) are defined once, in `tafteesh.evidence.verifier`, the standalone module
shipped to courts; this module adds signing and the key file. The signing key lives in a file
outside the database (see DESIGN.md).
"""

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tafteesh.evidence.verifier import (
    ED25519_SIGNATURE_TYPE,
    KEY_ID_SIZE,
    MAX_SIGNATURES,
    BadSignatureError,
    Checkpoint,
    CheckpointError,
    MalformedCheckpointError,
    MalformedKeyError,
    VerifierKey,
    _b64,
    _type_and_key,
    key_id,
    open_note,
    parse_and_verify,
    parse_verifier_key,
)

__all__ = [
    "ED25519_SIGNATURE_TYPE",
    "KEY_ID_SIZE",
    "MAX_SIGNATURES",
    "BadSignatureError",
    "Checkpoint",
    "CheckpointError",
    "MalformedCheckpointError",
    "MalformedKeyError",
    "VerifierKey",
    "generate_signing_key",
    "key_id",
    "load_signing_key",
    "open_note",
    "parse_and_verify",
    "parse_verifier_key",
    "public_key_pem",
    "sign_checkpoint",
    "sign_note",
    "verifier_key",
]

_SIGNATURE_LINE_PREFIX = "\u2014 "  # em dash, space


def verifier_key(key_name: str, public_key: Ed25519PublicKey) -> str:
    """The one-line public key a court or witness is given: `name+keyid+base64key`."""
    return f"{key_name}+{key_id(key_name, public_key).hex()}+{_b64(_type_and_key(public_key))}"


def sign_note(text: bytes, key_name: str, private_key: Ed25519PrivateKey) -> bytes:
    """A signed note with one Ed25519 signature over `text` (which must end in a newline)."""
    _check_note_text(text)
    public_key = private_key.public_key()
    signature = private_key.sign(text)
    blob = _b64(key_id(key_name, public_key) + signature)
    return text + b"\n" + f"{_SIGNATURE_LINE_PREFIX}{key_name} {blob}\n".encode()


def sign_checkpoint(checkpoint: Checkpoint, key_name: str, private_key: Ed25519PrivateKey) -> bytes:
    return sign_note(checkpoint.body(), key_name, private_key)


def generate_signing_key(path: Path) -> Ed25519PrivateKey:
    """Create a new log signing key in a PKCS#8 PEM file readable only by its owner.

    The file is created with mode 0600 in the same system call that creates it, so the key is
    never readable by others, even briefly; an existing file is never overwritten.
    """
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(path, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as key_file:
            key_file.write(pem)
            key_file.flush()
            os.fsync(key_file.fileno())
    except BaseException:
        # A half-written key would block every retry (O_EXCL) and sign nothing.
        path.unlink(missing_ok=True)
        raise
    _fsync_directory(path.parent)
    return private_key


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise PermissionError(
            f"signing key {path} is readable by others (mode {mode:o}); run chmod 600 on it"
        )
    private_key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private_key, Ed25519PrivateKey):
        raise MalformedKeyError(f"{path} does not hold an Ed25519 private key")
    return private_key


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _check_note_text(text: bytes) -> None:
    decoded = text.decode("utf-8")
    if not decoded.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in decoded):
        raise ValueError("note text must end in a newline and have no other control characters")


def _fsync_directory(directory: Path) -> None:
    # Without this the new directory entry, and so the key, can vanish in a power cut.
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
