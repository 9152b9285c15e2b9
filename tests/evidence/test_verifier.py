"""The one verifier: each kind of tampering with a custody log is caught, and named.

A synthetic log of 30 events over 4 items (3 of them naming files), with checkpoints at 10, 20
and 30 signed by checkpoint.py, then tampered with one way per test. No database is involved.
"""

import ast
import hashlib
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tafteesh.evidence import canonical, checkpoint, merkle, verifier
from tafteesh.evidence.canonical import canonical_bytes
from tafteesh.evidence.checkpoint import Checkpoint, sign_checkpoint, verifier_key
from tafteesh.evidence.merkle import leaf_hash, root_from_leaf_hashes
from tafteesh.evidence.verifier import (
    BAD_SIGNATURE,
    CHAIN_BREAK,
    MAX_LISTED_PER_CODE,
    NON_CANONICAL,
    ROOT_MISMATCH,
    SEQ_MISMATCH,
    TRUNCATED,
    UNANCHORED_TAIL,
    Report,
    verify_disclosed_log,
    verify_file,
    verify_log,
)

ORIGIN = "tafteesh.example.org/custody"
ITEMS = ("item-a", "item-b", "item-c", "item-d")
EVENT_COUNT = 30
CHECKPOINT_SIZES = (10, 20, 30)
# seq -> the bytes of the file that event records; items are assigned round robin, so events
# 3, 8 and 14 belong to items c, d and b.
FILE_EVENTS = {
    3: b"\xff\xd8\xff\xe0 photograph of the seized phone " * 40,
    8: b"%PDF-1.7 seizure memo, signed by two witnesses " * 40,
    14: b"RIFF....WAVE statement recording " * 40,
}
FILES = {hashlib.sha256(data).hexdigest(): data for data in FILE_EVENTS.values()}
# Ed25519 signatures are deterministic, so a fixed key makes every run identical.
LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
VKEY = verifier_key(ORIGIN, LOG_KEY.public_key())


def item_of(seq: int) -> str:
    return ITEMS[(seq - 1) % len(ITEMS)]


def build_bodies(count: int = EVENT_COUNT, *, notes: dict[int, str] | None = None) -> list[bytes]:
    """Event bodies as the append service writes them, each naming its item's previous one."""
    notes = notes or {}
    previous: dict[str, str] = {}
    bodies = []
    for seq in range(1, count + 1):
        item = item_of(seq)
        event: dict[str, canonical.CanonicalValue] = {
            "seq": seq,
            "item": item,
            "prev": previous.get(item),
            "type": "collected" if item not in previous else "transferred",
            "recorded_at": f"2026-03-12T04:{seq:02d}:00.000000Z",
            "notes": notes.get(seq, f"custody step {seq} — पश्चिम बंगाल"),
        }
        if seq in FILE_EVENTS:
            event["file_sha256"] = hashlib.sha256(FILE_EVENTS[seq]).hexdigest()
        body = canonical_bytes(event)
        previous[item] = hashlib.sha256(body).hexdigest()
        bodies.append(body)
    return bodies


def sign_prefix(
    bodies: list[bytes], size: int, key: Ed25519PrivateKey = LOG_KEY, origin: str = ORIGIN
) -> bytes:
    root = root_from_leaf_hashes(leaf_hash(body) for body in bodies[:size])
    return sign_checkpoint(Checkpoint(origin, size, root), origin, key)


BODIES = build_bodies()
CHECKPOINTS = [sign_prefix(BODIES, size) for size in CHECKPOINT_SIZES]


def edited(body: bytes, **changes: canonical.CanonicalValue) -> bytes:
    """The same event with some fields changed, still in canonical form."""
    return canonical_bytes({**json.loads(body), **changes})


def verify(
    bodies: list[bytes],
    checkpoints: list[bytes] | None = None,
    *,
    trusted_checkpoint: bytes | None = None,
    origin: str | None = None,
) -> Report:
    return verify_log(
        bodies,
        CHECKPOINTS if checkpoints is None else checkpoints,
        VKEY,
        trusted_checkpoint=trusted_checkpoint,
        origin=origin,
    )


def test_the_clean_log_verifies() -> None:
    report = verify(BODIES)
    assert report.problems == []
    assert report.ok
    assert (report.total_events, report.verified_size, report.latest_checkpoint_size) == (
        30,
        30,
        30,
    )
    assert report.origin == ORIGIN
    assert report.file_references == {
        hashlib.sha256(data).hexdigest(): {item_of(seq)} for seq, data in FILE_EVENTS.items()
    }


def test_the_log_may_be_streamed_once() -> None:
    assert verify_log(iter(BODIES), iter(CHECKPOINTS), VKEY).ok


def test_editing_an_event_breaks_the_signed_root_and_the_chain() -> None:
    bodies = list(BODIES)
    bodies[4] = edited(bodies[4], notes="handed to the defence")  # seq 5, item a
    report = verify(bodies)
    assert report.codes == {ROOT_MISMATCH, CHAIN_BREAK}
    # The next event of item a (seq 9) names the original seq 5, not the edited one.
    assert [p.seq for p in report.problems if p.code == CHAIN_BREAK] == [9]
    assert "seq 5" in next(p.message for p in report.problems if p.code == CHAIN_BREAK)
    assert sum(p.code == ROOT_MISMATCH for p in report.problems) == 3
    assert report.verified_size == 0


def test_editing_an_event_and_rewriting_later_chain_hashes_still_breaks_the_root() -> None:
    bodies = build_bodies(notes={15: "packet was never sealed"})
    assert bodies[:14] == BODIES[:14]
    assert bodies[18] != BODIES[18]  # seq 19, item c's next event, now names the edited 15
    report = verify(bodies)
    assert report.codes == {ROOT_MISMATCH}
    assert sorted(p.message.split("(size ")[1].split(")")[0] for p in report.problems) == [
        "20",
        "30",
    ]
    # Events 1-10 are still exactly what checkpoint 10 signed.
    assert report.verified_size == 10


def test_deleting_an_event_is_a_sequence_gap() -> None:
    bodies = BODIES[:14] + BODIES[15:]  # seq 15 removed
    report = verify(bodies)
    seq_problems = [p for p in report.problems if p.code == SEQ_MISMATCH]
    assert len(seq_problems) == 1
    assert seq_problems[0].seq == 15
    assert "position 15 holds seq 16" in seq_problems[0].message
    # What follows from it is named too: item c's next event (seq 19) names the deleted one,
    # checkpoint 20 no longer matches, and checkpoint 30 covers more events than remain.
    assert report.codes == {SEQ_MISMATCH, CHAIN_BREAK, ROOT_MISMATCH, TRUNCATED}
    chain_break = next(p for p in report.problems if p.code == CHAIN_BREAK)
    assert chain_break.seq == 19
    assert chain_break.message.startswith("the event with seq 19 (at position 18): its prev")
    assert report.verified_size == 10


def test_swapping_two_events_is_a_sequence_error() -> None:
    bodies = list(BODIES)
    bodies[11], bodies[12] = bodies[12], bodies[11]  # seq 12 (item d) and 13 (item a)
    report = verify(bodies)
    assert report.codes == {SEQ_MISMATCH, ROOT_MISMATCH}
    assert [(p.seq, p.message.endswith("(1 more after it)")) for p in report.problems][0] == (
        12,
        True,
    )
    assert report.verified_size == 10


def test_swapping_two_events_of_one_item_also_breaks_its_chain() -> None:
    bodies = list(BODIES)
    bodies[4], bodies[8] = bodies[8], bodies[4]  # seq 5 and 9, both item a
    assert verify(bodies).codes == {SEQ_MISMATCH, CHAIN_BREAK, ROOT_MISMATCH}


def test_truncation_is_caught_against_a_checkpoint_the_court_holds() -> None:
    # Whoever cut the last 5 events also removed the checkpoint that covered them ...
    bodies, checkpoints = BODIES[:25], CHECKPOINTS[:2]
    without_it = verify(bodies, checkpoints)
    # ... so the log alone shows only events nobody has signed for yet,
    assert without_it.codes == {UNANCHORED_TAIL}
    assert without_it.verified_size == 20
    # but the checkpoint the court received earlier proves events went missing.
    report = verify(bodies, checkpoints, trusted_checkpoint=CHECKPOINTS[2])
    assert report.codes == {TRUNCATED}
    assert "the trusted checkpoint (size 30)" in report.problems[0].message
    assert "only 25 are present" in report.problems[0].message
    assert report.verified_size == 20


def test_a_trusted_checkpoint_that_matches_verifies() -> None:
    for trusted in CHECKPOINTS:
        report = verify(BODIES, trusted_checkpoint=trusted)
        assert report.ok, report.problems
    # Even when the log has lost its own checkpoints, the court's one anchors its prefix.
    report = verify(BODIES[:20], [], trusted_checkpoint=CHECKPOINTS[1])
    assert report.ok
    assert report.verified_size == 20


def test_a_trusted_checkpoint_of_a_rewritten_log_is_a_root_mismatch() -> None:
    # The log was rewritten and re-signed wholesale: its own checkpoints agree with it, but the
    # one the court was given before does not.
    rewritten = build_bodies(notes={3: "photograph replaced"})
    checkpoints = [sign_prefix(rewritten, size) for size in CHECKPOINT_SIZES]
    report = verify(rewritten, checkpoints, trusted_checkpoint=CHECKPOINTS[1])
    assert report.codes == {ROOT_MISMATCH}
    assert report.problems[0].message.startswith("the trusted checkpoint (size 20)")
    # The log's own checkpoint 10 matches its rewritten events, but checkpoint 30, which also
    # matches them, contradicts the court's checkpoint 20: the key signed two histories.
    assert "the key signed two different histories" in report.problems[1].message
    assert report.verified_size == 0


def _edit_size_line(note: bytes, old: int, new: int) -> bytes:
    return note.replace(f"\n{old}\n".encode(), f"\n{new}\n".encode(), 1)


def test_editing_a_checkpoint_is_a_bad_signature() -> None:
    checkpoints = list(CHECKPOINTS)
    checkpoints[1] = _edit_size_line(checkpoints[1], 20, 21)
    report = verify(BODIES, checkpoints)
    assert report.codes == {BAD_SIGNATURE}
    assert report.problems[0].message.startswith("checkpoint #2 is not a valid checkpoint")
    assert report.verified_size == 30


def test_editing_the_last_checkpoint_leaves_its_events_unanchored() -> None:
    checkpoints = list(CHECKPOINTS)
    checkpoints[2] = checkpoints[2].replace(b"tafteesh.example.org", b"tafteesh.example.com", 1)
    report = verify(BODIES, checkpoints)
    assert report.codes == {BAD_SIGNATURE, UNANCHORED_TAIL}
    assert (report.verified_size, report.latest_checkpoint_size) == (20, 20)


def test_a_trusted_checkpoint_with_a_bad_signature_is_named() -> None:
    forged = _edit_size_line(CHECKPOINTS[2], 30, 31)
    report = verify(BODIES, trusted_checkpoint=forged)
    assert report.codes == {BAD_SIGNATURE}
    assert report.problems[0].message.startswith("the trusted checkpoint is not a valid")


def test_re_encoding_an_event_with_spaces_is_non_canonical() -> None:
    bodies = list(BODIES)
    bodies[29] = json.dumps(json.loads(bodies[29]), sort_keys=True, ensure_ascii=False).encode()
    assert json.loads(bodies[29]) == json.loads(BODIES[29])
    report = verify(bodies)
    # Same event, other bytes: so also not the bytes checkpoint 30 signed.
    assert report.codes == {NON_CANONICAL, ROOT_MISMATCH}
    assert [p.seq for p in report.problems if p.code == NON_CANONICAL] == [30]
    assert report.verified_size == 20


def test_re_encoding_an_event_mid_chain_also_breaks_the_chain() -> None:
    bodies = list(BODIES)
    bodies[5] = json.dumps(json.loads(bodies[5]), sort_keys=True).encode()  # ASCII-escaped
    report = verify(bodies)
    assert report.codes == {NON_CANONICAL, ROOT_MISMATCH, CHAIN_BREAK}
    assert [p.seq for p in report.problems if p.code != ROOT_MISMATCH] == [6, 10]


def test_events_after_the_last_checkpoint_are_never_verified() -> None:
    bodies = build_bodies(33)
    assert bodies[:30] == BODIES
    report = verify(bodies)
    assert report.codes == {UNANCHORED_TAIL}
    assert report.problems[0].seq == 31
    assert "events 31 to 33 are not covered" in report.problems[0].message
    assert not report.ok
    assert (report.total_events, report.verified_size, report.latest_checkpoint_size) == (
        33,
        30,
        30,
    )


def test_tampering_inside_the_unanchored_tail_shows_only_as_unanchored() -> None:
    bodies = build_bodies(33, notes={32: "rewritten before anyone signed it"})
    assert verify(bodies).codes == {UNANCHORED_TAIL}


def test_a_log_with_no_checkpoint_is_entirely_unanchored() -> None:
    report = verify(BODIES, [])
    assert report.codes == {UNANCHORED_TAIL}
    assert (report.verified_size, report.latest_checkpoint_size) == (0, None)
    assert "events 1 to 30" in report.problems[0].message


def test_the_wrong_key_verifies_no_checkpoint() -> None:
    other = verifier_key(ORIGIN, Ed25519PrivateKey.generate().public_key())
    report = verify_log(BODIES, CHECKPOINTS, other)
    assert report.codes == {BAD_SIGNATURE, UNANCHORED_TAIL}
    assert sum(p.code == BAD_SIGNATURE for p in report.problems) == 3
    assert all("not signed by" in p.message for p in report.problems if p.code == BAD_SIGNATURE)
    assert (report.verified_size, report.latest_checkpoint_size) == (0, None)


def test_checkpoints_signed_by_the_right_key_are_the_only_ones_counted() -> None:
    impostor = Ed25519PrivateKey.generate()
    forged = sign_prefix(build_bodies(40), 40, impostor)
    report = verify(BODIES, [*CHECKPOINTS, forged])
    assert report.codes == {BAD_SIGNATURE}
    assert report.latest_checkpoint_size == 30


def test_a_checkpoint_of_another_log_by_the_same_key_is_refused() -> None:
    root = root_from_leaf_hashes(leaf_hash(body) for body in BODIES)
    training = Checkpoint("tafteesh.example.org/training", 30, root)
    other_log = sign_checkpoint(training, ORIGIN, LOG_KEY)
    report = verify(BODIES, [*CHECKPOINTS, other_log])
    assert report.codes == {BAD_SIGNATURE}
    assert "is for log 'tafteesh.example.org/training'" in report.problems[0].message
    # Told which log to expect, the verifier refuses every checkpoint of another.
    report = verify(BODIES, origin="tafteesh.example.org/training")
    assert report.codes == {BAD_SIGNATURE, UNANCHORED_TAIL}


def test_a_malformed_key_is_the_callers_error() -> None:
    with pytest.raises(verifier.MalformedKeyError):
        verify_log(BODIES, CHECKPOINTS, "not a key")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"item":"item-a","prev":null,"seq":1}', "has no type"),
        (b'{"item":"item-a","seq":1,"type":"collected"}', "has no prev"),
        (b"[1]", "must be a JSON object"),
        (b'{"item":"item-a","prev":null,"seq":1.0,"type":"collected"}', "not an integer"),
        (b'{"item":"item-a","prev":null,"seq":"1","type":"collected"}', "positive integer"),
        (b'{"item":"item-a","prev":null,"seq":true,"type":"collected"}', "positive integer"),
        (b'{"item":"","prev":null,"seq":1,"type":"collected"}', "non-empty string"),
        (b'{"item":"item-a","prev":"AB","seq":1,"type":"collected"}', "hex SHA-256"),
        (
            b'{"file_sha256":"' + b"A" * 64 + b'","item":"item-a","prev":null,"seq":1,"type":"x"}',
            "hex SHA-256",
        ),
        (b'{"item":"item-a","item":"item-a","prev":null,"seq":1,"type":"x"}', "duplicate key"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"x"}\n', "more after the JSON value"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"x"} x', "more after the JSON value"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"x"}{}', "more after the JSON value"),
        (b' {"item":"item-a","prev":null,"seq":1,"type":"x"}', "not JSON"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"x","z":9007199254740992}', "outside"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"\\u0078"}', "differ"),
        (b'{"item":"item-a","prev":null,"seq":1,"type":"\xff"}', "UTF-8"),
    ],
)
def test_events_that_are_not_canonical_or_lack_fields_are_named(body: bytes, reason: str) -> None:
    report = verify_log([body], [], VKEY)
    assert NON_CANONICAL in report.codes
    assert reason in report.problems[0].message, report.problems[0].message
    assert report.problems[0].seq == 1


def test_a_null_file_sha256_means_no_file() -> None:
    body = canonical_bytes(
        {"seq": 1, "item": "item-a", "prev": None, "type": "noted", "file_sha256": None}
    )
    report = verify_log([body], [sign_prefix([body], 1)], VKEY)
    assert report.ok
    assert report.file_references == {}


def test_a_log_rewritten_wholesale_lists_a_bounded_number_of_problems() -> None:
    count = MAX_LISTED_PER_CODE + 20
    spaced = [json.dumps(json.loads(body), sort_keys=True).encode() for body in build_bodies(count)]
    report = verify_log(spaced, [], VKEY)
    non_canonical = [p for p in report.problems if p.code == NON_CANONICAL]
    assert len(non_canonical) == MAX_LISTED_PER_CODE + 1
    assert non_canonical[-1].message == f"... and 20 more {NON_CANONICAL} problems"


def test_the_empty_log_with_no_checkpoints_has_nothing_to_verify() -> None:
    report = verify_log([], [], VKEY)
    assert report.ok
    assert (report.total_events, report.verified_size, report.latest_checkpoint_size) == (
        0,
        0,
        None,
    )


def test_a_checkpoint_of_the_empty_tree_matches_the_empty_log() -> None:
    assert verify_log([], [sign_prefix([], 0)], VKEY).ok
    assert verify_log(BODIES[:10], [sign_prefix([], 0), CHECKPOINTS[0]], VKEY).ok


def test_verify_file_streams_and_compares_hashes() -> None:
    data = FILE_EVENTS[3]
    digest = hashlib.sha256(data).hexdigest()
    assert verify_file(digest, [data[:10], data[10:]])
    assert verify_file(digest, iter([data]))
    flipped = bytes([data[0] ^ 1]) + data[1:]
    assert not verify_file(digest, [flipped])
    assert not verify_file(digest.upper(), [data])
    assert not verify_file(digest[:-1], [data])
    assert verify_file(hashlib.sha256(b"").hexdigest(), [])


# One case's bundle discloses its own events in full and only the leaf hashes of the rest.
DISCLOSED_ITEMS = {"item-b", "item-c"}


def disclosed(bodies: list[bytes]) -> list[bytes]:
    return [body for body in bodies if json.loads(body)["item"] in DISCLOSED_ITEMS]


def leaves(bodies: list[bytes]) -> list[bytes]:
    return [leaf_hash(body) for body in bodies]


def test_disclosed_events_of_one_case_verify_against_the_whole_logs_leaves() -> None:
    report = verify_disclosed_log(disclosed(BODIES), leaves(BODIES), CHECKPOINTS, VKEY)
    assert report.ok, report.problems
    assert (report.total_events, report.disclosed_events, report.verified_size) == (30, 15, 30)


@pytest.mark.parametrize(
    ("tamper", "codes"),
    [
        # An edited event no longer hashes to its leaf.
        (lambda b, lv: ([edited(b[0], notes="x"), *b[1:]], lv), {ROOT_MISMATCH, CHAIN_BREAK}),
        # Rewriting the leaves to match breaks the signed roots instead.
        (
            lambda b, lv: (b, [leaf_hash(edited(BODIES[1], notes="x")), *lv[1:]]),
            {ROOT_MISMATCH},
        ),
        # Withholding an item's earlier event breaks its chain.
        (lambda b, lv: ([b[0], *b[2:]], lv), {CHAIN_BREAK}),
        (lambda b, lv: ([b[1], b[0], *b[2:]], lv), {SEQ_MISMATCH}),
        (lambda b, lv: (b, lv[:25]), {TRUNCATED}),
        (lambda b, lv: (b, [*lv[:4], *lv[5:]]), {ROOT_MISMATCH, TRUNCATED}),
    ],
)
def test_tampering_with_a_disclosed_log_is_named(
    tamper: Callable[[list[bytes], list[bytes]], tuple[list[bytes], list[bytes]]],
    codes: set[str],
) -> None:
    bodies, leaf_hashes = tamper(disclosed(BODIES), leaves(BODIES))
    report = verify_disclosed_log(bodies, leaf_hashes, CHECKPOINTS, VKEY)
    assert report.codes == codes, report.problems


def test_disclosed_events_past_the_last_checkpoint_are_unanchored() -> None:
    bodies = build_bodies(34)
    report = verify_disclosed_log(disclosed(bodies), leaves(BODIES), CHECKPOINTS, VKEY)
    assert report.codes == {UNANCHORED_TAIL}
    assert "events 31 to 34" in report.problems[0].message


def test_the_generation_modules_reuse_the_verifiers_checks() -> None:
    # One implementation of each check: the package modules re-export the verifier's.
    assert canonical.parse_canonical is verifier.parse_canonical
    assert canonical.is_canonical is verifier.is_canonical
    assert canonical.NonCanonicalError is verifier.NonCanonicalError
    assert merkle.leaf_hash is verifier.leaf_hash
    assert merkle.node_hash is verifier.node_hash
    assert merkle.root_from_leaf_hashes is verifier.root_from_leaf_hashes
    assert merkle.verify_inclusion is verifier.verify_inclusion
    assert merkle.verify_consistency is verifier.verify_consistency
    assert issubclass(merkle.CompactRange, verifier.MerkleAccumulator)
    assert checkpoint.parse_and_verify is verifier.parse_and_verify
    assert checkpoint.open_note is verifier.open_note
    assert checkpoint.parse_verifier_key is verifier.parse_verifier_key
    assert checkpoint.Checkpoint is verifier.Checkpoint
    assert checkpoint.key_id is verifier.key_id


def test_the_verifier_imports_only_the_standard_library_and_cryptography() -> None:
    # It is shipped alone, as verify_bundle.py, to run on a court's computer.
    source = Path(verifier.__file__).read_text(encoding="utf-8")
    imported = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "relative imports would fail outside the package"
            imported.append(node.module or "")
    foreign = [
        name
        for name in imported
        if name.split(".")[0] not in sys.stdlib_module_names
        and name.split(".")[0] != "cryptography"
    ]
    assert foreign == []
    assert "cryptography" in {name.split(".")[0] for name in imported}
    assert source.rstrip().endswith('if __name__ == "__main__":\n    raise SystemExit(main())')
