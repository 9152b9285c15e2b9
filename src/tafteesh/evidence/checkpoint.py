"""Signed checkpoints of the custody log: C2SP tlog-checkpoint inside a C2SP signed note.

A checkpoint commits the log's key holder to one tree size and root hash. Formats:
  - https://c2sp.org/tlog-checkpoint (body: origin, decimal tree size, base64 root hash, then
    optional extension lines, each ending in a newline);
  - https://c2sp.org/signed-note (the body, a blank line, then lines of
    "— <key name> <base64(4-byte key id || signature)>"), with Ed25519 as signature type 0x01;
  - the verifier key string "<name>+<hex key id>+<base64(0x01 || public key)>" of
    golang.org/x/mod/sumdb/note, which Go witnesses and monitors accept.

Depends only on the standard library and `cryptography`: the court's standalone verifier imports
this module as it is. The signing key lives in a file outside the database (see DESIGN.md).
"""

import base64
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from tafteesh.evidence.merkle import HASH_SIZE

# signed-note, "Signature types": 0x01 is Ed25519 over the note text.
ED25519_SIGNATURE_TYPE = 0x01
KEY_ID_SIZE = 4
_ED25519_SIGNATURE_SIZE = 64
_ED25519_PUBLIC_KEY_SIZE = 32
# signed-note: verifiers SHOULD cap the signature count and MUST accept at least 16; Go uses 100.
MAX_SIGNATURES = 100
_SIGNATURE_LINE_PREFIX = "\u2014 "  # em dash, space
# At most 20 digits: 2**64 - 1 has 20, and int() refuses strings past 4300 digits with a bare
# ValueError, which must not escape as anything but a malformed checkpoint.
_TREE_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
_KEY_ID_HEX = re.compile(r"[0-9a-f]{8}")
_MAX_TREE_SIZE = 2**64 - 1


class CheckpointError(ValueError):
    """A checkpoint note cannot be trusted."""


class BadSignatureError(CheckpointError):
    """The note has no valid signature by the expected key (missing, wrong or malformed)."""


class MalformedCheckpointError(CheckpointError):
    """The note, or the checkpoint body it carries, is not in the C2SP format."""


class MalformedKeyError(ValueError):
    """A key name or verifier key string is not in the signed-note format."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extension_lines: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # tlog-checkpoint "Note text": every line is non-empty; signed-note forbids control
        # characters other than newline, and a newline inside a field would shift the lines.
        for line in (self.origin, *self.extension_lines):
            if not line or any(ord(char) < 0x20 for char in line):
                raise MalformedCheckpointError(f"checkpoint line {line!r} is empty or has controls")
        if not 0 <= self.size <= _MAX_TREE_SIZE:
            raise MalformedCheckpointError(f"tree size {self.size} is out of range")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpointError(f"root hash is {len(self.root_hash)} bytes, not 32")

    def body(self) -> bytes:
        lines = [self.origin, str(self.size), _b64(self.root_hash), *self.extension_lines]
        return "".join(f"{line}\n" for line in lines).encode("utf-8")


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_id: bytes
    public_key: Ed25519PublicKey


def key_id(key_name: str, public_key: Ed25519PublicKey) -> bytes:
    """signed-note: SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]."""
    _check_key_name(key_name)
    material = key_name.encode("utf-8") + b"\n" + _type_and_key(public_key)
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def verifier_key(key_name: str, public_key: Ed25519PublicKey) -> str:
    """The one-line public key a court or witness is given: `name+keyid+base64key`."""
    return f"{key_name}+{key_id(key_name, public_key).hex()}+{_b64(_type_and_key(public_key))}"


def parse_verifier_key(vkey: str) -> VerifierKey:
    # The base64 key may itself contain '+', so split off only the name and the key id.
    parts = vkey.split("+", 2)
    if len(parts) != 3:
        raise MalformedKeyError("a verifier key reads name+keyid+base64key")
    name, id_hex, key_b64 = parts
    _check_key_name(name)
    if not _KEY_ID_HEX.fullmatch(id_hex):
        raise MalformedKeyError(f"key id {id_hex!r} is not 8 lowercase hex digits")
    try:
        typed_key = _b64decode(key_b64)
    except ValueError as exc:
        raise MalformedKeyError("verifier key material is not standard base64") from exc
    if len(typed_key) != 1 + _ED25519_PUBLIC_KEY_SIZE or typed_key[0] != ED25519_SIGNATURE_TYPE:
        raise MalformedKeyError("verifier key is not an Ed25519 (type 0x01) note key")
    try:
        public_key = Ed25519PublicKey.from_public_bytes(typed_key[1:])
    except ValueError as exc:
        raise MalformedKeyError("verifier key is not a valid Ed25519 public key") from exc
    if key_id(name, public_key).hex() != id_hex:
        raise MalformedKeyError(f"key id {id_hex} does not match the key named {name!r}")
    return VerifierKey(name=name, key_id=bytes.fromhex(id_hex), public_key=public_key)


def sign_note(text: bytes, key_name: str, private_key: Ed25519PrivateKey) -> bytes:
    """A signed note with one Ed25519 signature over `text` (which must end in a newline)."""
    _check_note_text(text)
    public_key = private_key.public_key()
    signature = private_key.sign(text)
    blob = _b64(key_id(key_name, public_key) + signature)
    return text + b"\n" + f"{_SIGNATURE_LINE_PREFIX}{key_name} {blob}\n".encode()


def open_note(note: bytes, vkey: str) -> bytes:
    """The note text, once a signature by `vkey` has verified; signed-note "Signatures".

    Signatures by other keys (witnesses, a rotated log key) are ignored as the spec requires,
    but every signature line must be well formed and every one by `vkey` must verify.
    """
    verifier = parse_verifier_key(vkey)
    try:
        decoded = note.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedCheckpointError("note is not valid UTF-8") from exc
    if any(ord(char) < 0x20 and char != "\n" for char in decoded):
        raise MalformedCheckpointError("note contains control characters other than newline")
    if not decoded.endswith("\n"):
        raise MalformedCheckpointError("note does not end in a newline")
    # The text may contain blank lines; the last blank line separates it from the signatures.
    split = decoded.rfind("\n\n")
    if split < 0:
        raise BadSignatureError("note has no signature lines")
    text, signature_block = decoded[: split + 1], decoded[split + 2 :]
    signature_lines = signature_block.removesuffix("\n").split("\n")
    if not signature_block or len(signature_lines) > MAX_SIGNATURES:
        raise BadSignatureError(f"note has no signatures or more than {MAX_SIGNATURES}")
    text_bytes = text.encode("utf-8")
    verified = False
    for line in signature_lines:
        name, signer_id, signature = _parse_signature_line(line)
        if name != verifier.name or signer_id != verifier.key_id:
            continue
        if len(signature) != _ED25519_SIGNATURE_SIZE:
            raise BadSignatureError(f"signature by {name} is not 64 bytes")
        try:
            verifier.public_key.verify(signature, text_bytes)
        except InvalidSignature as exc:
            raise BadSignatureError(f"signature by {name} does not verify") from exc
        verified = True
    if not verified:
        raise BadSignatureError(f"note is not signed by {verifier.name}+{verifier.key_id.hex()}")
    return text_bytes


def sign_checkpoint(checkpoint: Checkpoint, key_name: str, private_key: Ed25519PrivateKey) -> bytes:
    return sign_note(checkpoint.body(), key_name, private_key)


def parse_and_verify(note: bytes, vkey: str, *, origin: str | None = None) -> Checkpoint:
    """Verify the signature first, then read the body: unsigned text is never interpreted.

    `origin`, when given, is the log the caller expects; a checkpoint of another log is refused.
    """
    lines = open_note(note, vkey).decode("utf-8").removesuffix("\n").split("\n")
    if len(lines) < 3:
        raise MalformedCheckpointError("checkpoint needs origin, tree size and root hash lines")
    origin_line, size_line, root_line, *extension_lines = lines
    if not _TREE_SIZE.fullmatch(size_line):
        # int() would also take "+5", " 5", "1_0" and non-ASCII digits.
        raise MalformedCheckpointError(f"tree size {size_line!r} is not a plain decimal number")
    try:
        root_hash = _b64decode(root_line)
    except ValueError as exc:
        raise MalformedCheckpointError("root hash is not standard base64") from exc
    checkpoint = Checkpoint(
        origin=origin_line,
        size=int(size_line),
        root_hash=root_hash,
        extension_lines=tuple(extension_lines),
    )
    if origin is not None and checkpoint.origin != origin:
        raise MalformedCheckpointError(
            f"checkpoint is for log {checkpoint.origin!r}, not {origin!r}"
        )
    return checkpoint


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


def _parse_signature_line(line: str) -> tuple[str, bytes, bytes]:
    if not line.startswith(_SIGNATURE_LINE_PREFIX):
        raise BadSignatureError(f"signature line {line!r} does not start with an em dash")
    name, space, blob = line.removeprefix(_SIGNATURE_LINE_PREFIX).partition(" ")
    try:
        _check_key_name(name)
        if not space:
            raise ValueError("no space between key name and signature")
        decoded = _b64decode(blob)
    except ValueError as exc:
        raise BadSignatureError(f"signature line {line!r} is malformed") from exc
    if len(decoded) <= KEY_ID_SIZE:
        raise BadSignatureError(f"signature line {line!r} carries no signature")
    return name, decoded[:KEY_ID_SIZE], decoded[KEY_ID_SIZE:]


def _check_key_name(key_name: str) -> None:
    # signed-note "Format": non-empty, no Unicode spaces, no '+'; control characters are
    # forbidden anywhere in a note.
    if not key_name or any(char.isspace() or ord(char) < 0x20 or char == "+" for char in key_name):
        raise MalformedKeyError(f"key name {key_name!r} is empty or has spaces, controls or '+'")


def _check_note_text(text: bytes) -> None:
    decoded = text.decode("utf-8")
    if not decoded.endswith("\n") or any(ord(c) < 0x20 and c != "\n" for c in decoded):
        raise ValueError("note text must end in a newline and have no other control characters")


def _type_and_key(public_key: Ed25519PublicKey) -> bytes:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return bytes([ED25519_SIGNATURE_TYPE]) + raw


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64decode(text: str) -> bytes:
    """Standard base64 (RFC 4648 section 4), accepting only the one spelling we would write."""
    # b64decode raises ValueError (binascii.Error is one) for bad characters or padding.
    decoded = base64.b64decode(text, validate=True)
    if _b64(decoded) != text:
        raise ValueError("base64 is not in canonical form")
    return decoded


def _fsync_directory(directory: Path) -> None:
    # Without this the new directory entry, and so the key, can vanish in a power cut.
    descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
