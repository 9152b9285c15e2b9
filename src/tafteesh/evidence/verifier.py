"""Verify a Tafteesh evidence-custody log, or a court bundle exported from it.

    python verify_bundle.py bundle.zip --public-key KEY [--trusted-checkpoint FILE] [--origin LOG]

KEY is the log's public key, "name+keyid+base64key" (or a file holding that line), obtained from
the organisation through a separate channel. FILE is a checkpoint the court already holds, for
example from an earlier bundle. Neither is ever taken from the bundle itself: a bundle that
carried its own key could have been re-signed by whoever altered it.

Exit status: 0 when every check passes ("VERIFIED"), 1 when any problem is found (each printed
as "CODE: message"), 2 when the arguments are wrong or the bundle cannot be read.

Problem codes:
  FILE_HASH_MISMATCH  a file's bytes do not hash to its SHA-256 name, or a file the custody
                      events name is missing from the bundle
  CHAIN_BREAK         an event's "prev" is not the SHA-256 of the item's previous event
  SEQ_MISMATCH        sequence numbers have a gap, a duplicate or are out of order
  ROOT_MISMATCH       a signed checkpoint does not match the events: they were changed
  BAD_SIGNATURE       a checkpoint is not validly signed by the given key
  TRUNCATED           a signed checkpoint covers more events than are present
  NON_CANONICAL       an event's bytes are not canonical JSON, or lack a required field
  UNANCHORED_TAIL     events after the last signed checkpoint, which are never "verified"

Needs Python 3.10 or later and the `cryptography` package (pip install cryptography), nothing
else. Inside Tafteesh this file is the module tafteesh.evidence.verifier, the one implementation
of every check: the server's own verification calls it, and each bundle carries it verbatim.
It is long because it must stand alone; it reads top to bottom:
  1. problem codes and the report       4. signed notes and checkpoints (C2SP)
  2. canonical JSON (the event format)  5. checking a log
  3. the Merkle tree (RFC 9162)         6. checking a bundle, and the command line
"""

import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, NamedTuple, TypeAlias

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
except ImportError:
    sys.stderr.write("verify_bundle.py needs the cryptography package: pip install cryptography\n")
    sys.exit(2)

# ------------------------------------------------------------------------------------------------
# 1. Problem codes and the report
# ------------------------------------------------------------------------------------------------

FILE_HASH_MISMATCH = "FILE_HASH_MISMATCH"
CHAIN_BREAK = "CHAIN_BREAK"
SEQ_MISMATCH = "SEQ_MISMATCH"
ROOT_MISMATCH = "ROOT_MISMATCH"
BAD_SIGNATURE = "BAD_SIGNATURE"
TRUNCATED = "TRUNCATED"
NON_CANONICAL = "NON_CANONICAL"
UNANCHORED_TAIL = "UNANCHORED_TAIL"

# A log rewritten wholesale could yield a problem per event; past this many of one code the rest
# are counted in one closing line instead of listed.
MAX_LISTED_PER_CODE = 100


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    seq: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass
class Report:
    problems: list[Problem]
    total_events: int  # events in the log (for a bundle disclosing one case: the log's leaves)
    verified_size: int  # events 1..verified_size match a validly signed checkpoint
    latest_checkpoint_size: int | None  # the largest validly signed checkpoint, if any
    origin: str | None = None  # the log named by the validly signed checkpoints
    disclosed_events: int | None = None  # event bodies in a one-case bundle (None: whole log)
    files_checked: int = 0
    # SHA-256 of each file that events name, and the items whose events name it.
    file_references: dict[str, set[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        # An unanchored tail is itself a problem (UNANCHORED_TAIL), so ok means all is anchored.
        return not self.problems

    @property
    def codes(self) -> set[str]:
        return {problem.code for problem in self.problems}


class _Findings:
    """Problems in the order found, and the first event position found to be bad."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.counts: dict[str, int] = {}
        self.first_bad_place: int | None = None

    def add(self, code: str, message: str, seq: int | None = None) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1
        if self.counts[code] <= MAX_LISTED_PER_CODE:
            self.problems.append(Problem(code, message, seq))

    def bad_event(self, code: str, message: str, seq: int | None, at: int | None = None) -> None:
        """A problem with the event `seq`, found at place `at` in the log (default: `seq`).

        No checkpoint covering that place can count as verified; an event whose place is
        unknown (None) spoils every checkpoint.
        """
        self.add(code, message, seq)
        place = at if at is not None else seq if seq is not None else 1
        if self.first_bad_place is None or place < self.first_bad_place:
            self.first_bad_place = place

    def listed(self) -> list[Problem]:
        more = [
            Problem(code, f"... and {count - MAX_LISTED_PER_CODE} more {code} problems")
            for code, count in self.counts.items()
            if count > MAX_LISTED_PER_CODE
        ]
        return [*self.problems, *more]


# ------------------------------------------------------------------------------------------------
# 2. Canonical JSON: the one spelling of a custody event
# ------------------------------------------------------------------------------------------------
# Keys sorted by code point, no whitespace, UTF-8 without escaping non-ASCII text, integers only
# (no floats), each string escaped the one way Python's json module does. Bytes are canonical
# when re-encoding the value they parse to gives back the same bytes: any other whitespace,
# escaping, key order, number spelling or a duplicated key changes them.

CanonicalValue: TypeAlias = (
    None | bool | int | str | Sequence["CanonicalValue"] | Mapping[str, "CanonicalValue"]
)

# RFC 7493 (I-JSON) 2.2: integers beyond 2**53 - 1 lose precision in common JSON parsers, and a
# custody record must read the same in every tool a court or an auditor might use.
MAX_SAFE_INTEGER = 2**53 - 1


class NonCanonicalError(ValueError):
    """The value or the bytes are not canonical custody-event JSON."""


def encode_canonical(value: CanonicalValue) -> bytes:
    """The canonical spelling of an already-checked JSON value (see canonical.canonical_bytes)."""
    text = _ENCODER.encode(value)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        # A lone surrogate (from a mis-decoded form field, say) has no UTF-8 encoding.
        raise NonCanonicalError(
            "text contains a lone surrogate, which UTF-8 cannot encode"
        ) from exc


def parse_canonical(data: bytes) -> CanonicalValue:
    """Parse event bytes, raising `NonCanonicalError` unless they are exactly canonical."""
    try:
        # Decode first: json.loads would also accept UTF-16 and UTF-32 bytes. raw_decode reads
        # one value from the very first character, so leading whitespace is already an error.
        text = data.decode("utf-8")
        value: CanonicalValue
        value, end = _DECODER.raw_decode(text)
    except NonCanonicalError:
        raise
    except (ValueError, RecursionError) as exc:
        # UnicodeDecodeError and JSONDecodeError are both ValueErrors.
        raise NonCanonicalError(f"not JSON in UTF-8: {exc}") from exc
    if end != len(text):
        raise NonCanonicalError("there is more after the JSON value")
    if encode_canonical(value) != data:
        # The parser kept the last of any duplicated keys; name one rather than only "differ".
        # (The text parsed once already, so this can raise nothing else.)
        json.loads(text, object_pairs_hook=_refuse_duplicate_keys)
        raise NonCanonicalError("bytes differ from the canonical encoding of the same value")
    return value


def is_canonical(data: bytes) -> bool:
    try:
        parse_canonical(data)
    except NonCanonicalError:
        return False
    return True


def _safe_integer(spelling: str) -> int:
    value = int(spelling)
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise NonCanonicalError(f"integer {spelling} is outside ±(2**53 - 1)")
    return value


def _refuse_float(spelling: str) -> float:
    raise NonCanonicalError(f"number {spelling} is not an integer")


# Made once: json.dumps and json.loads with options build a new encoder or decoder every call,
# which would double the time taken over a large log.
_ENCODER = json.JSONEncoder(
    sort_keys=True,
    separators=(",", ":"),
    ensure_ascii=False,
    allow_nan=False,
    check_circular=False,  # parsed JSON has no cycles; canonical_bytes refuses deep nesting first
)
_DECODER = json.JSONDecoder(
    parse_int=_safe_integer,
    parse_float=_refuse_float,
    parse_constant=_refuse_float,  # NaN, Infinity, -Infinity
)


def _refuse_duplicate_keys(pairs: list[tuple[str, CanonicalValue]]) -> dict[str, CanonicalValue]:
    result: dict[str, CanonicalValue] = {}
    for key, item in pairs:
        if key in result:
            raise NonCanonicalError(f"duplicate key {key!r}")
        result[key] = item
    return result


# ------------------------------------------------------------------------------------------------
# 3. The Merkle tree of RFC 9162 (Certificate Transparency v2), section 2.1
# ------------------------------------------------------------------------------------------------
# The log is a Merkle tree over all event bodies in sequence order. A leaf is SHA-256(0x00 ||
# body) and an interior node SHA-256(0x01 || left || right) (2.1.1); the distinct prefixes stop
# a node being passed off as a leaf or the reverse. Verifiers answer False to anything wrong.

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # 2.1.1: MTH({}) = HASH(), the hash of nothing


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


class MerkleAccumulator:
    """Leaf hashes in, tree root out, keeping one subtree root per set bit of the leaf count.

    The roots of the perfect subtrees covering leaves [0, size), largest first: enough to add a
    leaf or compute MTH of everything so far, so a million leaves need only ~20 hashes of memory.
    """

    __slots__ = ("_size", "_hashes")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @property
    def size(self) -> int:
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash; each trailing 1 bit of the size is a subtree that now pairs up."""
        merged = leaf
        size = self._size
        while size & 1:
            merged = node_hash(self._hashes.pop(), merged)
            size >>= 1
        self._hashes.append(merged)
        self._size += 1

    def root(self) -> bytes:
        """MTH of the leaves so far: fold the subtree roots from the right (2.1.1)."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for subtree in reversed(self._hashes[:-1]):
            root = node_hash(subtree, root)
        return root


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    tree = MerkleAccumulator()
    for leaf in leaf_hashes:
        tree.append(leaf)
    return tree.root()


def verify_inclusion(
    leaf: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Is `leaf` at `index` of the tree with `root`? RFC 9162 2.1.3.2, step for step."""
    if not _are_hashes(leaf, root, *proof):
        return False
    if not 0 <= index < tree_size:
        return False
    fn, sn = index, tree_size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False  # The proof is longer than the path to the root.
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            # A right-edge node with no right sibling is promoted unchanged up the tree.
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Does the tree of `new_size` leaves extend the tree of `old_size` leaves unchanged?

    RFC 9162 2.1.4.2 covers 0 < old_size < new_size. The edges are decided here: the empty tree
    (whose root must be EMPTY_ROOT) and equal sizes (equal roots) need an empty proof.
    """
    if not _are_hashes(old_root, new_root, *proof):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == 0:
        return not proof and hmac.compare_digest(old_root, EMPTY_ROOT)
    if old_size == new_size:
        return not proof and hmac.compare_digest(old_root, new_root)
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # The old tree is a perfect subtree of the new one: its root starts the path.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # The proof is longer than the path to the root.
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


def _are_hashes(*values: object) -> bool:
    return all(isinstance(value, bytes) and len(value) == HASH_SIZE for value in values)


# ------------------------------------------------------------------------------------------------
# 4. Signed checkpoints: C2SP tlog-checkpoint inside a C2SP signed note, Ed25519
# ------------------------------------------------------------------------------------------------
# https://c2sp.org/tlog-checkpoint: the note text is the origin (the log's name), the tree size
# in decimal and the base64 root hash, each on a line, then optional extension lines.
# https://c2sp.org/signed-note: the text, a blank line, then lines "— <key name> <base64(4-byte
# key id || signature)>"; Ed25519 is signature type 0x01. The public key is given as the
# verifier key string "<name>+<hex key id>+<base64(0x01 || key)>" of golang.org/x/mod/sumdb/note.

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


# ------------------------------------------------------------------------------------------------
# 5. Checking a log
# ------------------------------------------------------------------------------------------------
# An event body is canonical JSON of an object with at least "seq" (its place in the log,
# counting from 1, with no gaps), "item" (the evidence item), "prev" (hex SHA-256 of the body of
# the item's previous event, or null for its first) and "type"; and "file_sha256" when the event
# concerns a file (absent or null otherwise).
#
# Every event is read, even past a problem, so that all problems are named. The signed roots are
# recomputed from the events themselves, which is stronger than checking consistency proofs
# between checkpoints (RFC 9162 2.1.4): two checkpoints whose roots both match prefixes of the
# same events are consistent by construction; one that does not match is a ROOT_MISMATCH; and
# a larger one that matches while a smaller one does not proves the key signed two histories.

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class Event(NamedTuple):
    seq: int
    item: str
    prev: str | None
    type: str
    file_sha256: str | None


def read_event(body: bytes) -> Event:
    """The fields the checks use, from canonical event bytes; NonCanonicalError otherwise."""
    return _event_fields(parse_canonical(body))


def verify_file(expected_sha256_hex: str, chunks: Iterable[bytes]) -> bool:
    """Do the bytes, read in chunks, hash to `expected_sha256_hex` (64 lowercase hex digits)?"""
    if not isinstance(expected_sha256_hex, str) or not _SHA256_HEX.fullmatch(expected_sha256_hex):
        return False
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return hmac.compare_digest(digest.hexdigest(), expected_sha256_hex)


def verify_log(
    events: Iterable[bytes],
    checkpoints: Iterable[bytes],
    vkey: str,
    *,
    trusted_checkpoint: bytes | None = None,
    origin: str | None = None,
) -> Report:
    """Check a whole log: `events` are every body in storage order (position i holds seq i + 1).

    `checkpoints` are signed notes from the log's own records; `trusted_checkpoint` is one the
    caller holds independently. `events` may be any iterable; it is read once, in one pass.
    Raises MalformedKeyError when `vkey` itself is not a verifier key.
    """
    findings = _Findings()
    signed, origin = _signed_checkpoints(
        _numbered(checkpoints), trusted_checkpoint, vkey, origin, findings
    )
    return _verify_whole(events, signed, origin, findings)


def verify_disclosed_log(
    events: Iterable[bytes],
    leaf_hashes: Iterable[bytes],
    checkpoints: Iterable[bytes],
    vkey: str,
    *,
    trusted_checkpoint: bytes | None = None,
    origin: str | None = None,
) -> Report:
    """Check some events (one case's, in seq order) against the leaf hashes of the whole log.

    Other events are disclosed only as their leaf hashes (position i holds the leaf of seq
    i + 1), from which the signed roots are recomputed; each disclosed body must hash to the
    leaf at its seq. Withholding an item's earlier event breaks the item's chain, but
    withholding its latest events cannot be detected from the log alone.
    """
    findings = _Findings()
    signed, origin = _signed_checkpoints(
        _numbered(checkpoints), trusted_checkpoint, vkey, origin, findings
    )
    return _verify_disclosed(events, leaf_hashes, signed, origin, findings)


_Signed: TypeAlias = dict[tuple[int, bytes], list[str]]  # (size, root) -> where it came from


def _numbered(checkpoints: Iterable[bytes]) -> list[tuple[str, bytes]]:
    return [(f"checkpoint #{number}", note) for number, note in enumerate(checkpoints, 1)]


def _signed_checkpoints(
    labelled: Sequence[tuple[str, bytes]],
    trusted: bytes | None,
    vkey: str,
    origin: str | None,
    findings: _Findings,
) -> tuple[_Signed, str | None]:
    """The validly signed checkpoints of one log; BAD_SIGNATURE for every other note.

    The log is `origin` if given, else the trusted checkpoint's, else the smallest valid
    checkpoint's: a checkpoint of another log signed by the same key is no evidence for this one.
    """
    parse_verifier_key(vkey)  # A malformed key is the caller's error, not the log's.
    trusted_label = "the trusted checkpoint"
    notes = [*([(trusted_label, trusted)] if trusted is not None else []), *labelled]
    valid: list[tuple[str, Checkpoint]] = []
    for label, note in notes:
        try:
            valid.append((label, parse_and_verify(note, vkey)))
        except CheckpointError as exc:
            findings.add(BAD_SIGNATURE, f"{label} is not a valid checkpoint of this key: {exc}")
    if origin is None and valid:
        if valid[0][0] == trusted_label:
            origin = valid[0][1].origin
        else:
            origin = min(valid, key=lambda labelled: labelled[1].size)[1].origin
    signed: _Signed = {}
    for label, checkpoint in valid:
        if checkpoint.origin != origin:
            findings.add(
                BAD_SIGNATURE,
                f"{label} (size {checkpoint.size}) is for log {checkpoint.origin!r}, "
                f"not {origin!r}",
            )
            continue
        signed.setdefault((checkpoint.size, checkpoint.root_hash), []).append(label)
    return signed, origin


class _Chains:
    """Reads each event, and checks that it names the previous event of its item."""

    def __init__(self, findings: _Findings) -> None:
        self.findings = findings
        self.last_body: dict[str, tuple[int, str]] = {}  # item -> (seq, hex SHA-256 of body)
        self.files: dict[str, set[str]] = {}  # file SHA-256 -> the items whose events name it

    def check(self, body: bytes, position: int | None, line: int) -> Event | None:
        """The event's fields, once what is wrong with it is reported (None: unreadable).

        `position` is the event's place in the log when known (the whole log is given); else
        it is line `line` of the disclosed events, and the seq it claims is used.
        """
        try:
            event: Event | None = read_event(body)
        except NonCanonicalError as exc:
            # Read what it says anyway, so that one bad event casts no doubt on its neighbours.
            event = _lenient_event(body)
            seq = event.seq if event is not None else position
            where = _where(event, position, line)
            self.findings.bad_event(NON_CANONICAL, f"{where}: {exc}", seq, position)
        if event is None:
            return None
        previous = self.last_body.get(event.item)
        if previous is None and event.prev is not None:
            self.findings.bad_event(
                CHAIN_BREAK,
                f"{_where(event, position, line)} names a previous event of item {event.item}, "
                "but none comes before it",
                event.seq,
                position,
            )
        elif previous is not None and event.prev != previous[1]:
            self.findings.bad_event(
                CHAIN_BREAK,
                f"{_where(event, position, line)}: its prev is not the SHA-256 of the event with "
                f"seq {previous[0]}, the previous event of item {event.item}",
                event.seq,
                position,
            )
        self.last_body[event.item] = (event.seq, hashlib.sha256(body).hexdigest())
        if event.file_sha256 is not None:
            self.files.setdefault(event.file_sha256, set()).add(event.item)
        return event


def _where(event: Event | None, position: int | None, line: int) -> str:
    """How to name an event in a message: by its seq, and where it was found if elsewhere."""
    found = f"position {position}" if position is not None else f"line {line}"
    if event is None:
        return f"the event at {found}"
    if event.seq == position:
        return f"the event with seq {event.seq}"
    return f"the event with seq {event.seq} (at {found})"


class _SeqErrors:
    """Sequence errors, of which only the first is reported: the rest follow from it."""

    def __init__(self, summary: str) -> None:
        self.summary = summary
        self.first: tuple[int, str] | None = None
        self.count = 0

    def found(self, position: int, detail: str) -> None:
        self.count += 1
        if self.first is None:
            self.first = (position, detail)

    def report(self, findings: _Findings) -> None:
        if self.first is not None:
            position, detail = self.first
            more = f" ({self.count - 1} more after it)" if self.count > 1 else ""
            findings.bad_event(SEQ_MISMATCH, f"{self.summary}: {detail}{more}", position)


def _event_fields(value: object) -> Event:
    # Parsed JSON holds exact types (never a subclass), and `type(x) is` is the fastest test.
    if type(value) is not dict:
        raise NonCanonicalError("an event must be a JSON object")
    try:
        seq, item, prev, kind = value["seq"], value["item"], value["prev"], value["type"]
    except KeyError:
        missing = [name for name in ("seq", "item", "prev", "type") if name not in value]
        raise NonCanonicalError(f"the event has no {', '.join(missing)}") from None
    file_sha256 = value.get("file_sha256")
    if type(seq) is not int or seq < 1:
        raise NonCanonicalError(f'"seq" is {seq!r}, not a positive integer')
    if type(item) is not str or not item:
        raise NonCanonicalError(f'"item" is {item!r}, not a non-empty string')
    if prev is not None and not (type(prev) is str and _SHA256_HEX.fullmatch(prev)):
        raise NonCanonicalError(f'"prev" is {prev!r}, neither null nor a hex SHA-256')
    if type(kind) is not str or not kind:
        raise NonCanonicalError(f'"type" is {kind!r}, not a non-empty string')
    if file_sha256 is not None and not (
        type(file_sha256) is str and _SHA256_HEX.fullmatch(file_sha256)
    ):
        raise NonCanonicalError(f'"file_sha256" is {file_sha256!r}, not a hex SHA-256')
    return Event(seq, item, prev, kind, file_sha256)


def _lenient_event(body: bytes) -> Event | None:
    try:
        return _event_fields(json.loads(body.decode("utf-8")))
    except (ValueError, RecursionError):  # NonCanonicalError is a ValueError too
        return None


def _verify_whole(
    events: Iterable[bytes], signed: _Signed, origin: str | None, findings: _Findings
) -> Report:
    sizes = {size for size, _ in signed}
    roots = {0: EMPTY_ROOT}  # tree size -> root, for each size a checkpoint claims
    tree = MerkleAccumulator()
    chains = _Chains(findings)
    seq_errors = _SeqErrors("the events are not numbered 1, 2, 3... without gaps")
    total = 0
    for position, body in enumerate(events, 1):
        total = position
        tree.append(leaf_hash(body))
        if position in sizes:
            roots[position] = tree.root()
        event = chains.check(body, position, position)
        if event is not None and event.seq != position:
            seq_errors.found(position, f"position {position} holds seq {event.seq}")
    seq_errors.report(findings)
    return _conclude(findings, signed, origin, roots, total, total, chains)


def _verify_disclosed(
    events: Iterable[bytes],
    leaf_hashes: Iterable[bytes],
    signed: _Signed,
    origin: str | None,
    findings: _Findings,
) -> Report:
    chains = _Chains(findings)
    disclosed: dict[int, bytes] = {}  # seq -> leaf hash of the disclosed body
    seq_errors = _SeqErrors("the events are not in increasing seq order")
    last_seq = 0
    for line, body in enumerate(events, 1):
        event = chains.check(body, None, line)
        if event is None:
            continue
        if event.seq <= last_seq:
            seq_errors.found(event.seq, f"line {line} holds seq {event.seq} after seq {last_seq}")
        last_seq = max(last_seq, event.seq)
        disclosed.setdefault(event.seq, leaf_hash(body))
    seq_errors.report(findings)
    sizes = {size for size, _ in signed}
    roots = {0: EMPTY_ROOT}
    tree = MerkleAccumulator()
    log_size = 0
    for position, leaf in enumerate(leaf_hashes, 1):
        log_size = position
        tree.append(leaf)
        if position in sizes:
            roots[position] = tree.root()
        body_leaf = disclosed.get(position)
        if body_leaf is not None and not hmac.compare_digest(body_leaf, leaf):
            findings.bad_event(
                ROOT_MISMATCH,
                f"the event with seq {position} is not the one the log holds at that place: "
                f"its hash differs from leaf {position}",
                position,
            )
    report = _conclude(findings, signed, origin, roots, log_size, max(log_size, last_seq), chains)
    report.disclosed_events = len(disclosed)
    return report


def _conclude(
    findings: _Findings,
    signed: _Signed,
    origin: str | None,
    roots: dict[int, bytes],
    log_size: int,
    last_seq: int,
    chains: _Chains,
) -> Report:
    """Compare every signed checkpoint with the events, then decide what counts as verified."""
    matching: list[int] = []
    failing: list[int] = []
    mismatched: list[int] = []
    for (size, root), labels in sorted(signed.items()):
        name = f"{' and '.join(labels)} (size {size})"
        if size > log_size:
            findings.add(
                TRUNCATED,
                f"{name} was signed over {size} events, but only {log_size} are present: "
                "events were removed from the end of the log",
            )
            failing.append(size)
        elif not hmac.compare_digest(roots[size], root):
            findings.add(
                ROOT_MISMATCH,
                f"{name} does not match the first {size} events: one or more of them were "
                "changed, removed, added or reordered after it was signed",
            )
            failing.append(size)
            mismatched.append(size)
        else:
            matching.append(size)
    latest = max((size for size, _ in signed), default=None)
    if last_seq > (latest or 0):
        first = (latest or 0) + 1
        findings.add(
            UNANCHORED_TAIL,
            f"events {first} to {last_seq} are not covered by any signed checkpoint, so they "
            "are not verified",
            first,
        )
    # Verified: the events up to the largest matching checkpoint, provided no bad event and no
    # contradicting checkpoint lies at or below it.
    if findings.first_bad_place is not None:
        failing.append(findings.first_bad_place)
    limit = min(failing, default=None)
    verified = max((size for size in matching if limit is None or size < limit), default=0)
    if matching and mismatched and max(matching) > min(mismatched):
        # A signed tree that matches the events, and a smaller signed tree that does not match
        # their prefix: the key has signed two different histories (RFC 9162 calls this a
        # split view), so none of its signatures can vouch for any event.
        findings.add(
            ROOT_MISMATCH,
            f"the key signed two different histories: the checkpoint of size {max(matching)} "
            f"matches the events, but the one of size {min(mismatched)} does not match their "
            "beginning, so the log was rewritten and signed again; no event is verified",
        )
        verified = 0
    return Report(
        problems=findings.listed(),
        total_events=log_size,
        verified_size=verified,
        latest_checkpoint_size=latest,
        origin=origin,
        file_references=chains.files,
    )


# ------------------------------------------------------------------------------------------------
# 6. Checking a bundle, and the command line
# ------------------------------------------------------------------------------------------------
# A bundle is a zip holding:
#   events.jsonl            event bodies, each line the exact stored bytes then "\n": the whole
#                           log, or, when leaves.txt is present, only the disclosed events
#   leaves.txt              (optional) "<seq> <hex leaf hash>\n" for every event of the log
#   checkpoints/*           signed checkpoint notes (their file names are not trusted)
#   files/<sha256>          the evidence files, each named by the hex SHA-256 of its bytes
#   manifest.json           canonical JSON: {"origin", "items": [{"id", "files"}], "events", ...}
# and other files (README, certificates, proofs) that this verifier does not read.
#
# Files: every file under files/ must hash to its name. A file must be present when the
# manifest lists it, or when an event names it (file_sha256) and its item is one the bundle
# discloses: listed in the manifest or, with leaves.txt, having events in events.jsonl. The
# manifest is the bundle's own word, so it can add requirements but never excuse one.

_EVENTS = "events.jsonl"
_LEAVES = "leaves.txt"
_MANIFEST = "manifest.json"
_CHECKPOINTS = "checkpoints/"
_FILES = "files/"
_CHUNK_SIZE = 1 << 20


class BundleError(Exception):
    """The bundle cannot be read as a bundle at all (exit status 2)."""


class _Manifest(NamedTuple):
    events: int
    log_size: int | None
    items: dict[str, list[str]]  # item id -> SHA-256 of each of its files


def verify_bundle(
    path: str | os.PathLike[str],
    vkey: str,
    *,
    trusted_checkpoint: bytes | None = None,
    origin: str | None = None,
) -> Report:
    """Check a bundle zip. Raises BundleError if unreadable, MalformedKeyError for a bad key."""
    parse_verifier_key(vkey)
    try:
        with zipfile.ZipFile(path) as bundle:
            return _verify_open_bundle(bundle, vkey, trusted_checkpoint, origin)
    # zipfile raises NotImplementedError for a compression method it cannot read: to a court
    # that is an unreadable bundle like any other, not a missing feature of this verifier.
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile, NotImplementedError) as exc:
        raise BundleError(f"cannot read {os.fspath(path)!r}: {exc}") from exc


def _verify_open_bundle(
    bundle: zipfile.ZipFile, vkey: str, trusted: bytes | None, origin: str | None
) -> Report:
    names = bundle.namelist()
    if len(set(names)) != len(names):
        # Two members with one name: different tools would show different contents.
        raise BundleError("the zip holds two members with the same name")
    for member in (_EVENTS, _MANIFEST):
        if member not in names:
            raise BundleError(f"the zip has no {member}, so it is not a custody bundle")
    manifest = _read_manifest(bundle.read(_MANIFEST))
    findings = _Findings()
    notes = [
        (name, bundle.read(name))
        for name in sorted(names)
        if name.startswith(_CHECKPOINTS) and not name.endswith("/")
    ]
    signed, origin = _signed_checkpoints(notes, trusted, vkey, origin, findings)
    with bundle.open(_EVENTS) as events_file:
        bodies = _Counted(_lines(events_file))
        if _LEAVES in names:
            with bundle.open(_LEAVES) as leaves_file:
                leaves = _read_leaves(_lines(leaves_file), findings)
                report = _verify_disclosed(bodies, leaves, signed, origin, findings)
            # Every event given in full is of a disclosed item, so every file one names is due.
            disclosed = {item for items in report.file_references.values() for item in items}
        else:
            report = _verify_whole(bodies, signed, origin, findings)
            disclosed = set()
    if bodies.count < manifest.events:
        findings.add(
            TRUNCATED,
            f"manifest.json says the bundle holds {manifest.events} events, "
            f"but events.jsonl has {bodies.count}",
        )
    if (
        manifest.log_size is not None
        and _LEAVES in names
        and report.total_events < manifest.log_size
    ):
        findings.add(
            TRUNCATED,
            f"manifest.json says the log held {manifest.log_size} events, "
            f"but leaves.txt has {report.total_events}",
        )
    required: dict[str, set[str]] = {}
    for item_id, item_files in manifest.items.items():
        disclosed.add(item_id)
        for sha256 in item_files:
            required.setdefault(sha256, set()).add(item_id)
    for sha256, items in report.file_references.items():
        if items & disclosed:
            required.setdefault(sha256, set()).update(items & disclosed)
    present = {
        info.filename[len(_FILES) :]: info
        for info in bundle.infolist()
        if info.filename.startswith(_FILES) and not info.is_dir()
    }
    for name, info in sorted(present.items()):
        problem = _check_bundled_file(bundle, info, name)
        if problem:
            findings.add(FILE_HASH_MISMATCH, f"{info.filename}: {problem}")
    for sha256, items in sorted(required.items()):
        if sha256 not in present:
            findings.add(
                FILE_HASH_MISMATCH,
                f"{_FILES}{sha256} is missing; it is evidence of item {', '.join(sorted(items))}",
            )
    report.problems = findings.listed()
    report.files_checked = len(present)
    return report


class _Counted:
    """An iterable that counts what it has yielded."""

    def __init__(self, items: Iterable[bytes]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        for item in self._items:
            self.count += 1
            yield item


def _lines(stream: IO[bytes]) -> Iterator[bytes]:
    """Each line without its line end ("\\n", or "\\r\\n" if a tool converted it).

    Dropping a "\\r" cannot pass off changed bytes: a canonical body never ends in one, and every
    body is still checked against the signed leaves.
    """
    for line in stream:
        if line.endswith(b"\n"):
            line = line[:-2] if line.endswith(b"\r\n") else line[:-1]
        yield line


def _read_leaves(lines: Iterable[bytes], findings: _Findings) -> Iterator[bytes]:
    seq_errors = _SeqErrors("leaves.txt does not number the log's events 1, 2, 3... without gaps")
    for position, line in enumerate(lines, 1):
        seq_text, _, hex_text = line.partition(b" ")
        if seq_text != str(position).encode():
            seq_errors.found(position, f"line {position} starts {seq_text[:20]!r}")
        if not _SHA256_HEX.fullmatch(hex_text.decode("ascii", "replace")):
            findings.bad_event(
                NON_CANONICAL, f"leaves.txt line {position} is not '<seq> <hex SHA-256>'", position
            )
            yield b""  # Keeps the later leaves in place; no root can contain it.
            continue
        yield bytes.fromhex(hex_text.decode("ascii"))
    seq_errors.report(findings)


def _read_manifest(data: bytes) -> _Manifest:
    try:
        value = parse_canonical(data)
        if not isinstance(value, dict):
            raise ValueError("it is not a JSON object")
        events, log_size, items = value.get("events"), value.get("log_size", None), value["items"]
        if type(events) is not int or not (log_size is None or type(log_size) is int):
            raise ValueError('"events" and "log_size" must be integers')
        if not isinstance(items, list):
            raise ValueError('"items" is not a list')
        listed: dict[str, list[str]] = {}
        for item in items:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                raise ValueError('each of "items" needs an "id"')
            files = item.get("files", [])
            if not isinstance(files, list) or not all(
                isinstance(sha256, str) and _SHA256_HEX.fullmatch(sha256) for sha256 in files
            ):
                raise ValueError(f'"files" of item {item["id"]} is not a list of hex SHA-256')
            listed.setdefault(item["id"], []).extend(files)
    except (ValueError, KeyError) as exc:  # NonCanonicalError is a ValueError
        raise BundleError(f"manifest.json is not a valid manifest: {exc}") from exc
    return _Manifest(events=events, log_size=log_size, items=listed)


def _check_bundled_file(bundle: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> str | None:
    """What is wrong with one file of the bundle, or None."""
    if not _SHA256_HEX.fullmatch(name):
        return "its name is not a hex SHA-256, so its bytes cannot be checked"
    try:
        with bundle.open(info) as member:
            if verify_file(name, iter(lambda: member.read(_CHUNK_SIZE), b"")):
                return None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        return f"it is damaged in the zip ({exc})"
    return "its bytes do not hash to its name"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="verify_bundle.py",
        description="Check a Tafteesh evidence-custody bundle without trusting its contents.",
        epilog="Exit status: 0 verified, 1 problems found, 2 wrong arguments or unreadable bundle.",
    )
    parser.add_argument("bundle", help="the bundle .zip file")
    parser.add_argument(
        "--public-key",
        required=True,
        metavar="KEY",
        help="the log's public key (name+keyid+base64key), or a file holding it; "
        "get it from the organisation separately, never from the bundle",
    )
    parser.add_argument(
        "--trusted-checkpoint",
        metavar="FILE",
        help="a signed checkpoint you already hold, e.g. from an earlier bundle",
    )
    parser.add_argument("--origin", metavar="LOG", help="the log's name, if you know it")
    for stream in (sys.stdout, sys.stderr):
        # A console that cannot show a character (Windows code pages) must not stop the report.
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 after --help
        return exc.code if isinstance(exc.code, int) else 2
    try:
        vkey = _read_public_key(args.public_key)
        parse_verifier_key(vkey)
        trusted = None
        if args.trusted_checkpoint is not None:
            with open(args.trusted_checkpoint, "rb") as checkpoint_file:
                trusted = checkpoint_file.read()
        report = verify_bundle(args.bundle, vkey, trusted_checkpoint=trusted, origin=args.origin)
    except (OSError, MalformedKeyError, BundleError) as exc:
        sys.stderr.write(f"verify_bundle.py: error: {exc}\n")
        return 2
    sys.stdout.write(_describe(args.bundle, report))
    return 0 if report.ok else 1


def _read_public_key(argument: str) -> str:
    if os.path.isfile(argument):
        with open(argument, encoding="utf-8") as key_file:
            return key_file.read().strip()
    return argument


def _describe(bundle: str, report: Report) -> str:
    latest = report.latest_checkpoint_size
    lines = [
        f"Bundle: {bundle}",
        f"Log: {report.origin or '(no validly signed checkpoint)'}",
        f"Events in the log: {report.total_events}",
    ]
    if report.disclosed_events is not None:
        lines.append(f"Events disclosed in full: {report.disclosed_events}")
    lines.append(f"Largest validly signed checkpoint: {'none' if latest is None else latest}")
    lines.append(f"Files checked: {report.files_checked}")
    lines.extend(str(problem) for problem in report.problems)
    if report.ok:
        lines.append(
            f"VERIFIED: {report.total_events} events up to checkpoint size {report.verified_size}"
        )
    else:
        lines.append(
            f"NOT VERIFIED: {len(report.problems)} problem(s); only events 1 to "
            f"{report.verified_size} match a signed checkpoint with no problem before them"
            if report.verified_size
            else f"NOT VERIFIED: {len(report.problems)} problem(s)"
        )
    return "".join(f"{line}\n" for line in lines)


if __name__ == "__main__":
    raise SystemExit(main())
