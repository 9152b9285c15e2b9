"""Signed checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes, and the key file.

The known-answer note and keys are the PeterNeumann example of golang.org/x/mod/sumdb/note
(note_test.go), the reference implementation of the signed-note format.
"""

import base64
import hashlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tafteesh.evidence.checkpoint import (
    BadSignatureError,
    Checkpoint,
    MalformedCheckpointError,
    MalformedKeyError,
    generate_signing_key,
    key_id,
    load_signing_key,
    open_note,
    parse_and_verify,
    parse_verifier_key,
    public_key_pem,
    sign_checkpoint,
    sign_note,
    verifier_key,
)
from tafteesh.evidence.merkle import leaf_hash, root_from_leaf_hashes

GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    b"If you think cryptography is the answer to your problem,\n"
    b"then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT
    + (
        "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFY"
        "C2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    ).encode()
)

ORIGIN = "tafteesh.example.org/custody"
ROOT = root_from_leaf_hashes([leaf_hash(b'{"seq":1}'), leaf_hash(b'{"seq":2}')])
ROOT_B64 = base64.b64encode(ROOT).decode()
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
# Python's decoder ignores the unused low bits of the last character before "=", so this decodes
# to ROOT too; a second spelling of the same root is refused all the same.
ROOT_B64_UNUSED_BITS_SET = (
    ROOT_B64[:-2] + _B64_ALPHABET[_B64_ALPHABET.index(ROOT_B64[-2]) ^ 0b01] + "="
)


def _lines(*lines: str) -> bytes:
    return "".join(f"{line}\n" for line in lines).encode()


def _go_private_key() -> Ed25519PrivateKey:
    typed_seed = base64.b64decode(GO_SKEY.split("+", 4)[4])
    assert typed_seed[0] == 0x01
    return Ed25519PrivateKey.from_private_bytes(typed_seed[1:])


@pytest.fixture
def log_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture
def log_vkey(log_key: Ed25519PrivateKey) -> str:
    return verifier_key(ORIGIN, log_key.public_key())


@pytest.fixture
def signed(log_key: Ed25519PrivateKey) -> bytes:
    return sign_checkpoint(Checkpoint(ORIGIN, 2, ROOT), ORIGIN, log_key)


def _signed_text(text: bytes, log_key: Ed25519PrivateKey) -> bytes:
    return sign_note(text, ORIGIN, log_key)


def test_keys_and_signature_match_the_go_reference_byte_for_byte() -> None:
    go_key = _go_private_key()
    assert verifier_key("PeterNeumann", go_key.public_key()) == GO_VKEY
    # Ed25519 is deterministic (RFC 8032), so the same key and text give the same note.
    assert sign_note(GO_TEXT, "PeterNeumann", go_key) == GO_NOTE
    assert open_note(GO_NOTE, GO_VKEY) == GO_TEXT
    with pytest.raises(BadSignatureError):
        open_note(GO_NOTE.replace(b"cryptography", b"cryptographY"), GO_VKEY)


def test_key_id_follows_the_signed_note_formula(log_key: Ed25519PrivateKey) -> None:
    raw = log_key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    expected = hashlib.sha256(ORIGIN.encode() + b"\n\x01" + raw).digest()[:4]
    assert key_id(ORIGIN, log_key.public_key()) == expected
    typed_key_b64 = base64.b64encode(b"\x01" + raw).decode()
    assert (
        verifier_key(ORIGIN, log_key.public_key()) == f"{ORIGIN}+{expected.hex()}+{typed_key_b64}"
    )


def test_body_is_origin_size_and_base64_root_each_on_a_line() -> None:
    assert Checkpoint(ORIGIN, 2, ROOT).body() == f"{ORIGIN}\n2\n{ROOT_B64}\n".encode()
    assert Checkpoint(ORIGIN, 0, ROOT, ("ext",)).body() == _lines(ORIGIN, "0", ROOT_B64, "ext")


def test_signed_note_is_body_blank_line_and_em_dash_signature_line(
    signed: bytes, log_key: Ed25519PrivateKey
) -> None:
    body, separator, signature_line = signed.partition(b"\n\n")
    assert body + b"\n" == Checkpoint(ORIGIN, 2, ROOT).body()
    assert separator == b"\n\n"
    assert signature_line.startswith(f"\u2014 {ORIGIN} ".encode())
    assert signature_line.endswith(b"\n")
    blob = base64.b64decode(signature_line.split(b" ")[2])
    assert len(blob) == 4 + 64
    assert blob[:4] == key_id(ORIGIN, log_key.public_key())


def test_round_trip_gives_back_the_checkpoint(log_key: Ed25519PrivateKey, log_vkey: str) -> None:
    for checkpoint in (
        Checkpoint(ORIGIN, 2, ROOT),
        Checkpoint(ORIGIN, 0, hashlib.sha256(b"").digest()),
        Checkpoint(ORIGIN, 2**63, ROOT, ("witnessed-by example.net", "second extension")),
    ):
        note = sign_checkpoint(checkpoint, ORIGIN, log_key)
        assert parse_and_verify(note, log_vkey) == checkpoint
        assert parse_and_verify(note, log_vkey, origin=ORIGIN) == checkpoint


@pytest.mark.parametrize(
    ("field", "original", "forged"),
    [
        ("size", b"\n2\n", b"\n3\n"),
        ("size", b"\n2\n", b"\n1\n"),
        ("root", ROOT_B64.encode(), base64.b64encode(hashlib.sha256(b"forged").digest())),
        ("origin", ORIGIN.encode() + b"\n", b"tafteesh.example.org/other\n"),
    ],
)
def test_tampered_body_fails_the_signature(
    signed: bytes, log_vkey: str, field: str, original: bytes, forged: bytes
) -> None:
    body, _, signatures = signed.partition(b"\n\n")
    tampered = (body + b"\n").replace(original, forged, 1) + b"\n" + signatures
    assert tampered != signed, field
    with pytest.raises(BadSignatureError, match="does not verify"):
        parse_and_verify(tampered, log_vkey)


def test_tampered_signature_is_refused(signed: bytes, log_vkey: str) -> None:
    body, _, line = signed.partition(b"\n\n")
    prefix, blob = line.rstrip(b"\n").rsplit(b" ", 1)
    signature = bytearray(base64.b64decode(blob))
    signature[20] ^= 0x01
    tampered = body + b"\n\n" + prefix + b" " + base64.b64encode(signature) + b"\n"
    with pytest.raises(BadSignatureError, match="does not verify"):
        parse_and_verify(tampered, log_vkey)


def test_signature_by_another_key_is_refused(signed: bytes) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(BadSignatureError, match="not signed by"):
        parse_and_verify(signed, verifier_key(ORIGIN, other))
    with pytest.raises(BadSignatureError, match="not signed by"):
        parse_and_verify(signed, GO_VKEY)


def test_unknown_cosignatures_are_ignored(signed: bytes, log_vkey: str) -> None:
    witness = Ed25519PrivateKey.generate()
    witness_line = sign_checkpoint(Checkpoint(ORIGIN, 2, ROOT), "witness.example", witness)
    cosigned = signed + witness_line.partition(b"\n\n")[2]
    assert parse_and_verify(cosigned, log_vkey).size == 2
    assert parse_and_verify(cosigned, verifier_key("witness.example", witness.public_key()))


@pytest.mark.parametrize(
    "signature_block",
    [
        b"",
        b"- tafteesh.example.org/custody AAAA\n",
        "\u2014 tafteesh.example.org/custody\n".encode(),
        "\u2014 tafteesh.example.org/custody not*base64\n".encode(),
        "\u2014 tafteesh.example.org/custody AAAA\n".encode(),
        "\u2014  AAAAAAAA\n".encode(),
    ],
)
def test_missing_or_malformed_signatures_are_refused(
    signed: bytes, log_vkey: str, signature_block: bytes
) -> None:
    body = signed.partition(b"\n\n")[0] + b"\n"
    with pytest.raises(BadSignatureError):
        parse_and_verify(body + b"\n" + signature_block, log_vkey)
    with pytest.raises(BadSignatureError):
        parse_and_verify(body, log_vkey)


def test_signature_of_the_wrong_length_by_the_right_key_is_refused(
    signed: bytes, log_vkey: str, log_key: Ed25519PrivateKey
) -> None:
    body = signed.partition(b"\n\n")[0] + b"\n"
    short = base64.b64encode(key_id(ORIGIN, log_key.public_key()) + b"\x00" * 63)
    line = f"\u2014 {ORIGIN} ".encode() + short + b"\n"
    with pytest.raises(BadSignatureError, match="not 64 bytes"):
        parse_and_verify(body + b"\n" + line, log_vkey)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_lines(ORIGIN, "2"), "needs origin, tree size and root hash"),
        (_lines(ORIGIN, "02", ROOT_B64), "plain decimal"),
        (_lines(ORIGIN, "+2", ROOT_B64), "plain decimal"),
        (_lines(ORIGIN, "2a", ROOT_B64), "plain decimal"),
        (_lines(ORIGIN, "1_0", ROOT_B64), "plain decimal"),
        (_lines(ORIGIN, "\u0665", ROOT_B64), "plain decimal"),  # ARABIC-INDIC DIGIT FIVE
        (_lines(ORIGIN, str(2**64), ROOT_B64), "out of range"),
        (_lines(ORIGIN, "1" + "0" * 5000, ROOT_B64), "plain decimal"),
        (_lines(ORIGIN, "2", ROOT.hex()), "48 bytes, not 32"),  # hex is also base64
        (_lines(ORIGIN, "2", ROOT_B64.rstrip("=")), "not standard base64"),
        (_lines(ORIGIN, "2", ROOT_B64_UNUSED_BITS_SET), "not standard base64"),
        (_lines(ORIGIN, "2", base64.urlsafe_b64encode(b"\xff" * 32).decode()), "base64"),
        (_lines(ORIGIN, "2", base64.b64encode(ROOT[:31]).decode()), "not 32"),
        (_lines("", "2", ROOT_B64), "empty"),
        (_lines(ORIGIN, "2", ROOT_B64, "", "ext"), "empty"),
    ],
)
def test_malformed_bodies_are_refused_even_when_signed(
    body: bytes, reason: str, log_key: Ed25519PrivateKey, log_vkey: str
) -> None:
    with pytest.raises(MalformedCheckpointError, match=reason):
        parse_and_verify(_signed_text(body, log_key), log_vkey)


def test_malformed_notes_are_refused(signed: bytes, log_vkey: str) -> None:
    with pytest.raises(MalformedCheckpointError, match="newline"):
        parse_and_verify(signed.removesuffix(b"\n"), log_vkey)
    with pytest.raises(MalformedCheckpointError, match="UTF-8"):
        parse_and_verify(b"\xff" + signed, log_vkey)
    with pytest.raises(MalformedCheckpointError, match="control characters"):
        parse_and_verify(signed.replace(b"\n", b"\r\n", 1), log_vkey)


def test_checkpoint_of_another_log_is_refused(signed: bytes, log_vkey: str) -> None:
    with pytest.raises(MalformedCheckpointError, match="not 'tafteesh.example.org/other'"):
        parse_and_verify(signed, log_vkey, origin="tafteesh.example.org/other")


@pytest.mark.parametrize(
    ("origin", "size", "root_hash"),
    [("", 1, ROOT), ("a\nb", 1, ROOT), (ORIGIN, -1, ROOT), (ORIGIN, 1, ROOT[:31])],
)
def test_impossible_checkpoints_cannot_be_made(origin: str, size: int, root_hash: bytes) -> None:
    with pytest.raises(MalformedCheckpointError):
        Checkpoint(origin, size, root_hash)


def test_verifier_key_parses_back(log_key: Ed25519PrivateKey, log_vkey: str) -> None:
    parsed = parse_verifier_key(log_vkey)
    assert parsed.name == ORIGIN
    assert parsed.key_id == key_id(ORIGIN, log_key.public_key())
    assert public_key_pem(parsed.public_key) == public_key_pem(log_key.public_key())


def test_every_mangled_go_verifier_key_is_refused() -> None:
    # Ported from TestNewVerifier in golang.org/x/mod/sumdb/note/note_test.go.
    vkey = GO_VKEY.encode()
    mangled = {vkey[i:j] for i in range(len(vkey)) for j in range(i + 1, len(vkey) + 1)}
    mangled |= {vkey[:i] + bytes([vkey[i] + 1]) + vkey[i + 1 :] for i in range(len(vkey))}
    mangled.discard(vkey)
    accepted = []
    for candidate in mangled:
        try:
            parse_verifier_key(candidate.decode())
        except MalformedKeyError:
            continue
        accepted.append(candidate)
    assert accepted == []


@pytest.mark.parametrize("name", ["", "has space", "has+plus", "tab\there", "nl\nhere"])
def test_key_names_with_spaces_or_plus_are_refused(name: str, log_key: Ed25519PrivateKey) -> None:
    with pytest.raises(MalformedKeyError):
        sign_checkpoint(Checkpoint(ORIGIN, 2, ROOT), name, log_key)


@pytest.fixture
def no_umask() -> Iterator[None]:
    # With umask 0 a plain open() would create the file 0666; only os.open's mode keeps it 0600.
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.usefixtures("no_umask")
def test_key_file_is_created_readable_only_by_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "log-signing-key.pem"
    created = generate_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = load_signing_key(path)
    assert verifier_key(ORIGIN, loaded.public_key()) == verifier_key(ORIGIN, created.public_key())


def test_existing_key_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "log-signing-key.pem"
    original = generate_signing_key(path)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        generate_signing_key(path)
    assert path.read_bytes() == before
    assert public_key_pem(load_signing_key(path).public_key()) == public_key_pem(
        original.public_key()
    )


def test_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "log-signing-key.pem"
    generate_signing_key(path)
    path.chmod(0o640)
    with pytest.raises(PermissionError, match="chmod 600"):
        load_signing_key(path)


def test_public_key_pem_loads_back(log_key: Ed25519PrivateKey) -> None:
    pem = public_key_pem(log_key.public_key())
    assert pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    assert serialization.load_pem_public_key(pem) == log_key.public_key()
