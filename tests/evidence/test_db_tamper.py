"""Tampering done straight to the database or the blob store is caught, and named.

Each test gets its own copy of the seeded log (``SeedLog``: eight events over a phone, a bag and
a SIM card, checkpoints signed at 4 and 8, one file), committed for real. The tampering is what
someone holding the database server's keys could do: a superuser session with the append-only
triggers switched off (``session_replication_role = replica``). Then ``verify_store``, the code
behind ``tafteesh evidence verify``, must report exactly the expected problem codes.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import httpx
import pytest

from tafteesh.config import Settings
from tafteesh.evidence.canonical import canonical_bytes
from tafteesh.evidence.merkle import leaf_hash
from tafteesh.evidence.verifier import (
    BAD_SIGNATURE,
    CHAIN_BREAK,
    FILE_HASH_MISMATCH,
    NON_CANONICAL,
    ROOT_MISMATCH,
    SEQ_MISMATCH,
    TRUNCATED,
    UNANCHORED_TAIL,
)
from tests.evidence.conftest import (
    EVIDENCE,
    SEED_SIZE,
    LogDatabase,
    app_on,
    codes,
)
from tests.helpers import PASSWORD


async def body_of(db: LogDatabase, seq: int) -> bytes:
    rows = await db.fetch("SELECT body FROM custody_events WHERE seq = $1", seq)
    return bytes(rows[0]["body"])


async def event_of(db: LogDatabase, seq: int) -> dict[str, Any]:
    return dict(json.loads(await body_of(db, seq)))


def rewrite(seq: int, body: bytes) -> tuple[Any, ...]:
    """Replace an event's bytes, keeping its stored leaf hash consistent with them."""
    return (
        "UPDATE custody_events SET body = $1, leaf_hash = $2 WHERE seq = $3",
        body,
        leaf_hash(body),
        seq,
    )


async def test_the_untouched_log_verifies(seeded_log_db: LogDatabase) -> None:
    report = await seeded_log_db.verify()
    assert report.problems == []
    assert report.ok
    assert report.log.total_events == SEED_SIZE
    assert report.log.verified_size == SEED_SIZE
    assert report.log.latest_checkpoint_size == SEED_SIZE
    assert report.files_checked == 1
    assert seeded_log_db.log is not None
    held = await seeded_log_db.verify(trusted_checkpoint=seeded_log_db.log.checkpoints[8])
    assert held.ok, held.problems


async def test_a_flipped_byte_in_a_stored_file(seeded_log_db: LogDatabase) -> None:
    db = seeded_log_db
    assert db.log is not None
    path = db.store.path(db.log.file_sha256)
    path.chmod(0o644)  # the store keeps objects read-only; the intruder does not care
    data = bytearray(path.read_bytes())
    data[17] ^= 0x01
    path.write_bytes(bytes(data))

    report = await db.verify()
    assert codes(report.problems) == {FILE_HASH_MISMATCH}
    assert report.log.ok  # the custody log itself is intact
    [problem] = report.problems
    assert "chat-export.txt" in problem.message
    assert db.log.file_sha256 in problem.message


async def test_a_stored_file_that_disappeared(seeded_log_db: LogDatabase) -> None:
    db = seeded_log_db
    assert db.log is not None
    db.store.path(db.log.file_sha256).unlink()
    report = await db.verify()
    assert codes(report.problems) == {FILE_HASH_MISMATCH}
    assert "missing" in report.problems[0].message


async def test_an_edited_event_row(seeded_log_db: LogDatabase) -> None:
    """Event 5 (the phone sent to the lab) now names another lab. Its stored leaf hash is
    updated too; the signed root of checkpoint 8 and the phone's next event (8) still remember
    the old bytes."""
    db = seeded_log_db
    event = await event_of(db, 5)
    event["to"] = "A private lab nobody authorised"
    await db.tamper(rewrite(5, canonical_bytes(event)))

    report = await db.verify()
    assert codes(report.problems) == {ROOT_MISMATCH, CHAIN_BREAK}
    assert [p.seq for p in report.problems if p.code == CHAIN_BREAK] == [8]
    assert report.log.verified_size == 4  # what checkpoint 4 signed is untouched


async def test_an_edited_row_with_the_later_chain_recomputed(seeded_log_db: LogDatabase) -> None:
    """A careful intruder also rewrites the phone's next event so its "prev" names the edited
    one: every chain is consistent again, but the signed root of checkpoint 8 cannot be."""
    db = seeded_log_db
    edited = await event_of(db, 5)
    edited["to"] = "A private lab nobody authorised"
    edited_body = canonical_bytes(edited)
    following = await event_of(db, 8)
    following["prev"] = hashlib.sha256(edited_body).hexdigest()
    await db.tamper(rewrite(5, edited_body), rewrite(8, canonical_bytes(following)))

    report = await db.verify()
    assert codes(report.problems) == {ROOT_MISMATCH}
    assert "size 8" in report.problems[0].message
    assert report.log.verified_size == 4


async def test_a_deleted_row(seeded_log_db: LogDatabase) -> None:
    db = seeded_log_db
    await db.tamper("DELETE FROM custody_events WHERE seq = 5")

    report = await db.verify()
    # Seq 6 now sits at place 5; the phone's event 8 names the missing 5; checkpoint 8 was
    # signed over more events than remain.
    assert codes(report.problems) == {SEQ_MISMATCH, CHAIN_BREAK, TRUNCATED}
    assert report.log.verified_size == 4


async def test_a_deleted_row_with_the_log_renumbered_and_rechained(
    seeded_log_db: LogDatabase,
) -> None:
    """Event 5 removed and the events after it renumbered 5, 6, 7, the phone's chain mended:
    the log reads as a clean seven-event log, but checkpoint 8 was signed over eight."""
    db = seeded_log_db
    bodies = {seq: await event_of(db, seq) for seq in (3, 6, 7, 8)}
    statements: list[Any] = ["DELETE FROM custody_events WHERE seq = 5"]
    for old_seq in (6, 7, 8):
        event = bodies[old_seq]
        event["seq"] = old_seq - 1
        if old_seq == 8:  # the phone's event: its previous is now event 3
            event["prev"] = hashlib.sha256(await body_of(db, 3)).hexdigest()
        body = canonical_bytes(event)
        statements.append(
            (
                "UPDATE custody_events SET seq = $1, body = $2, leaf_hash = $3 WHERE seq = $4",
                old_seq - 1,
                body,
                leaf_hash(body),
                old_seq,
            )
        )
    statements.append("UPDATE custody_log_head SET size = 7")
    await db.tamper(*statements)

    report = await db.verify()
    assert codes(report.problems) == {TRUNCATED}
    assert report.log.verified_size == 4


async def test_two_swapped_events(seeded_log_db: LogDatabase) -> None:
    """Events 6 (the bag into the malkhana) and 7 (the SIM seized) change places."""
    db = seeded_log_db
    await db.tamper(
        "UPDATE custody_events SET seq = -6 WHERE seq = 6",
        "UPDATE custody_events SET seq = 6 WHERE seq = 7",
        "UPDATE custody_events SET seq = 7 WHERE seq = -6",
    )

    report = await db.verify()
    assert codes(report.problems) == {SEQ_MISMATCH, ROOT_MISMATCH}
    assert report.log.verified_size == 4


@pytest.mark.parametrize(
    ("kept", "statements"),
    [
        pytest.param(
            4,
            [
                "DELETE FROM custody_events WHERE seq > 4",
                "DELETE FROM custody_checkpoints WHERE size > 4",
                "UPDATE custody_log_head SET size = 4",
            ],
            id="back-to-checkpoint-4",
        ),
        pytest.param(
            0,
            [
                "TRUNCATE custody_events",
                "TRUNCATE custody_checkpoints",
                "UPDATE custody_log_head SET size = 0",
            ],
            id="truncated-to-nothing",
        ),
    ],
)
async def test_a_truncated_log_is_caught_by_a_checkpoint_held_elsewhere(
    seeded_log_db: LogDatabase, kept: int, statements: list[str]
) -> None:
    """Cut back together with the checkpoints that covered the lost events, the log is
    consistent with itself: only a checkpoint the court already holds shows what is missing."""
    db = seeded_log_db
    assert db.log is not None
    await db.tamper(*statements)

    alone = await db.verify()
    assert alone.problems == []  # why the court must keep its copy of a checkpoint
    assert alone.log.total_events == kept

    held = await db.verify(trusted_checkpoint=db.log.checkpoints[8])
    assert codes(held.problems) == {TRUNCATED}
    assert f"only {kept} are present" in held.problems[0].message
    assert held.log.verified_size == (4 if kept == 4 else 0)


def _forge_root(note: bytes) -> bytes:
    origin, size, _root, rest = note.decode().split("\n", 3)
    forged = base64.b64encode(hashlib.sha256(b"another history").digest()).decode()
    return "\n".join([origin, size, forged, rest]).encode()


@pytest.mark.parametrize(
    ("size", "expected", "verified"),
    [
        (4, {BAD_SIGNATURE}, 8),
        # The latest checkpoint no longer counts, so the events after 4 are not anchored.
        (8, {BAD_SIGNATURE, UNANCHORED_TAIL}, 4),
    ],
)
async def test_an_edited_checkpoint(
    seeded_log_db: LogDatabase, size: int, expected: set[str], verified: int
) -> None:
    db = seeded_log_db
    [row] = await db.fetch("SELECT note FROM custody_checkpoints WHERE size = $1", size)
    await db.tamper(
        (
            "UPDATE custody_checkpoints SET note = $1 WHERE size = $2",
            _forge_root(row["note"].encode()).decode(),
            size,
        )
    )

    report = await db.verify()
    assert codes(report.problems) == expected
    assert report.log.verified_size == verified


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False), id="spaces"),
        pytest.param(
            lambda v: json.dumps(dict(reversed(v.items())), separators=(",", ":")),
            id="key-order",
        ),
        pytest.param(
            lambda v: json.dumps(v, sort_keys=True, separators=(",", ":")) + "\n",
            id="trailing-newline",
        ),
    ],
)
async def test_a_re_encoded_event(seeded_log_db: LogDatabase, encode: Any) -> None:
    """The same values spelt differently: event 8 (the phone's last) re-encoded."""
    db = seeded_log_db
    original = await body_of(db, 8)
    body = encode(json.loads(original)).encode()
    assert body != original
    assert json.loads(body) == json.loads(original)
    await db.tamper(rewrite(8, body))

    report = await db.verify()
    assert codes(report.problems) == {NON_CANONICAL, ROOT_MISMATCH}
    assert [p.seq for p in report.problems if p.code == NON_CANONICAL] == [8]


async def test_events_after_the_last_checkpoint_are_never_verified(
    seeded_log_db: LogDatabase,
) -> None:
    db = seeded_log_db
    assert await db.append("sim") == SEED_SIZE + 1

    report = await db.verify()
    assert codes(report.problems) == {UNANCHORED_TAIL}
    assert not report.ok
    assert report.log.verified_size == SEED_SIZE
    assert [p.seq for p in report.problems] == [SEED_SIZE + 1]

    await db.checkpoint()
    signed = await db.verify()
    assert signed.ok
    assert signed.log.verified_size == SEED_SIZE + 1


async def test_the_api_names_the_tampering_on_the_item_it_concerns(
    seeded_log_db: LogDatabase, settings: Settings
) -> None:
    """An item's verification through the API and the page: the phone's file was changed on
    disk; the bag's own record is intact."""
    db = seeded_log_db
    assert db.log is not None
    path = db.store.path(db.log.file_sha256)
    path.chmod(0o644)
    path.write_bytes(db.log.file_bytes.replace(b"accused", b"acquitted"))

    transport = httpx.ASGITransport(app=app_on(db, settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        token = await client.post(
            "/api/v1/auth/token",
            data={"username": db.case.lawyer_email, "password": PASSWORD},
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        phone = await client.get(f"{EVIDENCE}/{db.items['phone']}/verify", headers=headers)
        bag = await client.get(f"{EVIDENCE}/{db.items['bag']}/verify", headers=headers)
        page = await client.post(f"/evidence/{db.items['phone']}/verify", headers=headers)

    assert phone.status_code == 200, phone.text
    result = phone.json()
    assert result["ok"] is False
    assert {p["code"] for p in result["problems"]} == {FILE_HASH_MISMATCH}
    assert (result["events"], result["anchored_events"], result["files_checked"]) == (4, 4, 1)
    assert bag.json()["ok"] is True
    assert bag.json()["problems"] == []
    assert page.status_code == 200
    assert FILE_HASH_MISMATCH in page.text
