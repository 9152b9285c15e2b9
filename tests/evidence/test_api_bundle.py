"""The court bundle: exported through the API, checked by the verifier it carries, run the way a
court would run it (its own ``verify_bundle.py``, an isolated Python, the public key given on the
command line), and every kind of tampering with a copy of the zip is named.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit.models import AuditEvent
from tafteesh.evidence.bundle import verifier_source
from tafteesh.evidence.canonical import canonical_bytes
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
from tests.cases.conftest import CASES
from tests.evidence.conftest import (
    EVIDENCE,
    AddItem,
    MakeTeam,
    RecordCustody,
    Team,
    Upload,
    unique_bytes,
)

CODES = (
    BAD_SIGNATURE,
    CHAIN_BREAK,
    FILE_HASH_MISMATCH,
    NON_CANONICAL,
    ROOT_MISMATCH,
    SEQ_MISMATCH,
    TRUNCATED,
    UNANCHORED_TAIL,
)
PROBLEM_LINE = re.compile(rf"^({'|'.join(CODES)}): ", re.MULTILINE)


@dataclass
class Exported:
    team: Team
    phone: dict[str, Any]  # electronic, one file, custody 1 file added, 2 sent to lab, ...
    chat: dict[str, Any]  # electronic, one file
    bag: dict[str, Any]  # physical, no file
    files: dict[str, bytes]  # sha256 -> content
    file_of: dict[str, str]  # item id -> the SHA-256 of its file
    bundle: bytes
    vkey: str


@dataclass(frozen=True)
class Verdict:
    returncode: int
    output: str

    @property
    def codes(self) -> set[str]:
        return set(PROBLEM_LINE.findall(self.output))


def run_verifier(
    folder: Path, bundle: bytes, vkey: str, *, trusted: bytes | None = None
) -> Verdict:
    """As a court would: the bundle's own verify_bundle.py, in an isolated interpreter."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bundle.zip").write_bytes(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        (folder / "verify_bundle.py").write_bytes(archive.read("verify_bundle.py"))
    command = [sys.executable, "-I", "verify_bundle.py", "bundle.zip", "--public-key", vkey]
    if trusted is not None:
        (folder / "held-checkpoint.txt").write_bytes(trusted)
        command += ["--trusted-checkpoint", "held-checkpoint.txt"]
    done = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return Verdict(done.returncode, done.stdout + done.stderr)


def members(bundle: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rewrite(bundle: bytes, change: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of the zip with each member passed through ``change`` (None drops it)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(bundle)) as source,
        zipfile.ZipFile(out, "w") as target,
    ):
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                target.writestr(info, data)
    return out.getvalue()


def event_lines(bundle: bytes) -> list[bytes]:
    return members(bundle)["events.jsonl"].splitlines()


def with_events(bundle: bytes, lines: list[bytes]) -> bytes:
    body = b"".join(line + b"\n" for line in lines)
    return rewrite(bundle, lambda name, data: body if name == "events.jsonl" else data)


def latest_checkpoint(bundle: bytes) -> tuple[str, bytes]:
    notes = {n: d for n, d in members(bundle).items() if n.startswith("checkpoints/")}
    name = max(notes, key=lambda n: int(n.removeprefix("checkpoints/").removesuffix(".txt")))
    return name, notes[name]


async def export(client: httpx.AsyncClient, team: Team) -> bytes:
    response = await client.get(
        f"{CASES}/{team.case_id}/evidence-bundle", headers=team.lawyer.headers
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return response.content


@pytest.fixture
def make_exported(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    add_item: AddItem,
    upload: Upload,
    record_custody: RecordCustody,
) -> Callable[..., Any]:
    async def factory(team: Team | None = None) -> Exported:
        team = team or await make_team()
        lawyer = team.lawyer
        phone = await add_item(lawyer, team.case)
        chat = await add_item(
            lawyer,
            team.case,
            category="document",
            description="WhatsApp chats exported from the phone",
            device_type=None,
            device_make=None,
            device_model=None,
            device_serial=None,
            device_imei_or_mac=None,
        )
        bag = await add_item(
            lawyer,
            team.case,
            kind="physical",
            category="seized_object",
            description="Bag of forged identity documents",
            device_type=None,
            device_make=None,
            device_model=None,
            device_serial=None,
            device_imei_or_mac=None,
        )
        files: dict[str, bytes] = {}
        file_of: dict[str, str] = {}
        for item, label in ((phone, "phone image"), (chat, "chat export")):
            content = unique_bytes(label, size=3000)
            response = await upload(lawyer, item, content)
            assert response.status_code == 201, response.text
            files[response.json()["sha256"]] = content
            file_of[item["id"]] = response.json()["sha256"]
        for item, kind in (
            (bag, "seized"),
            (phone, "sent_to_lab"),
            (bag, "sealed"),
            (phone, "received_by_lab"),
            (bag, "deposited_malkhana"),
        ):
            response = await record_custody(lawyer, item, type=kind)
            assert response.status_code == 201, response.text
        bundle = await export(client, team)
        key = await client.get(f"{EVIDENCE}/log/public-key", headers=lawyer.headers)
        vkey = key.json()["verifier_key"]
        return Exported(team, phone, chat, bag, files, file_of, bundle, vkey)

    return factory


@pytest.fixture
async def exported(make_exported: Callable[..., Any]) -> Exported:
    made: Exported = await make_exported()
    return made


async def test_the_bundle_verifies_with_its_own_verifier(
    exported: Exported, tmp_path: Path
) -> None:
    verdict = run_verifier(tmp_path, exported.bundle, exported.vkey)
    assert verdict.returncode == 0, verdict.output
    assert "VERIFIED" in verdict.output
    assert "NOT VERIFIED" not in verdict.output
    assert verdict.codes == set()


async def test_the_bundle_holds_what_its_docstring_says(
    client: httpx.AsyncClient, exported: Exported, session: AsyncSession
) -> None:
    held = members(exported.bundle)
    team = exported.team
    assert held["verify_bundle.py"] == verifier_source()
    # The events are this case's, each line exactly the bytes the API shows as recorded.
    recorded = []
    for item in (exported.phone, exported.chat, exported.bag):
        detail = await client.get(f"{EVIDENCE}/{item['id']}", headers=team.lawyer.headers)
        recorded += [(e["seq"], e["body"].encode()) for e in detail.json()["custody"]]
    assert event_lines(exported.bundle) == [body for _, body in sorted(recorded)]
    # Every file, named by its hash, byte for byte.
    assert {n.removeprefix("files/"): d for n, d in held.items() if n.startswith("files/")} == (
        exported.files
    )
    manifest = json.loads(held["manifest.json"])
    assert manifest["case_reference"] == team.case["reference"]
    assert manifest["events"] == len(recorded)
    # Earlier checkpoints of the shared log come along; the export's own covers everything.
    checkpoints = [n for n in held if n.startswith("checkpoints/")]
    assert f"checkpoints/{manifest['log_size']}.txt" in checkpoints
    assert len(held["leaves.txt"].splitlines()) == manifest["log_size"]
    assert "python verify_bundle.py" in held["README.txt"].decode()
    audited = await session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "evidence.bundle", AuditEvent.object_id == team.case_id
        )
    )
    assert audited is not None
    assert audited.actor_id == team.lawyer.user.id


async def test_the_bundle_has_a_bsa_63_certificate_per_electronic_item(
    exported: Exported,
) -> None:
    held = members(exported.bundle)
    certificates = {n for n in held if n.startswith("certificates/")}
    assert certificates == {
        f"certificates/{exported.phone['id']}.html",
        f"certificates/{exported.chat['id']}.html",
    }  # the bag is physical evidence: no certificate
    for item in (exported.phone, exported.chat):
        html = held[f"certificates/{item['id']}.html"].decode()
        (own,) = (sha for item_id, sha in exported.file_of.items() if item_id == item["id"])
        others = set(exported.files) - {own}
        assert "Section 63" in html
        assert "SHA-256" in html
        assert own in html
        assert not any(sha in html for sha in others)  # each certificate is its item's
        assert item["description"] in html
    phone_html = held[f"certificates/{exported.phone['id']}.html"].decode()
    assert "356789104512345" in phone_html  # the IMEI, as Part A asks
    assert "Samsung" in phone_html


async def test_the_certificate_page_shows_the_files_sha256(
    client: httpx.AsyncClient, exported: Exported
) -> None:
    lawyer = exported.team.lawyer
    page = await client.get(f"/evidence/{exported.chat['id']}/certificate", headers=lawyer.headers)
    assert page.status_code == 200
    detail = await client.get(f"{EVIDENCE}/{exported.chat['id']}", headers=lawyer.headers)
    [record] = detail.json()["files"]
    assert record["sha256"] in page.text
    physical = await client.get(
        f"/evidence/{exported.bag['id']}/certificate", headers=lawyer.headers
    )
    assert physical.status_code == 422


def _flip_file_byte(exported: Exported) -> bytes:
    target = f"files/{next(iter(exported.files))}"

    def change(name: str, data: bytes) -> bytes:
        if name != target:
            return data
        flipped = bytearray(data)
        flipped[100] ^= 0x01
        return bytes(flipped)

    return rewrite(exported.bundle, change)


def _drop_file(exported: Exported) -> bytes:
    target = f"files/{next(iter(exported.files))}"
    return rewrite(exported.bundle, lambda name, data: None if name == target else data)


def _edit_event(exported: Exported, *, keep_chain: bool) -> bytes:
    """The phone's "sent to the lab" now names another lab; with keep_chain, the phone's next
    event is rewritten to name the edited one as its previous."""
    lines = event_lines(exported.bundle)
    events = [json.loads(line) for line in lines]
    phone = [i for i, e in enumerate(events) if e["item"] == exported.phone["id"]]
    sent = next(i for i in phone if events[i]["type"] == "sent_to_lab")
    events[sent]["to"] = "A private lab nobody authorised"
    lines[sent] = canonical_bytes(events[sent])
    if keep_chain:
        following = phone[phone.index(sent) + 1]
        events[following]["prev"] = hashlib.sha256(lines[sent]).hexdigest()
        lines[following] = canonical_bytes(events[following])
    return with_events(exported.bundle, lines)


def _re_encode_event(exported: Exported) -> bytes:
    lines = event_lines(exported.bundle)
    last = json.loads(lines[-1])
    lines[-1] = json.dumps(last, sort_keys=True, ensure_ascii=False).encode()  # ", " and ": "
    return with_events(exported.bundle, lines)


def _swap_events(exported: Exported) -> bytes:
    lines = event_lines(exported.bundle)
    lines[1], lines[2] = lines[2], lines[1]
    return with_events(exported.bundle, lines)


def _drop_event(exported: Exported) -> bytes:
    """An event withheld from the middle of the disclosed log."""
    lines = event_lines(exported.bundle)
    return with_events(exported.bundle, lines[:3] + lines[4:])


def _unsign_checkpoint(exported: Exported) -> bytes:
    target, note = latest_checkpoint(exported.bundle)
    text = note.decode()
    unsigned = text[: text.rindex("\n\n") + 1].encode()  # the note text without its signature
    return rewrite(exported.bundle, lambda name, data: unsigned if name == target else data)


def _edit_checkpoint(exported: Exported) -> bytes:
    target, note = latest_checkpoint(exported.bundle)
    origin, size, rest = note.decode().split("\n", 2)
    edited = "\n".join([origin, str(int(size) - 1), rest]).encode()
    return rewrite(exported.bundle, lambda name, data: edited if name == target else data)


def _edit_leaf(exported: Exported) -> bytes:
    """Another case's event (here: the first leaf) replaced by a different hash."""

    def change(name: str, data: bytes) -> bytes:
        if name != "leaves.txt":
            return data
        lines = data.splitlines()
        lines[0] = b"1 " + hashlib.sha256(b"another event").hexdigest().encode()
        return b"".join(line + b"\n" for line in lines)

    return rewrite(exported.bundle, change)


TAMPERING = {
    "flipped file byte": (_flip_file_byte, {FILE_HASH_MISMATCH}),
    "file removed": (_drop_file, {FILE_HASH_MISMATCH}),
    # The edited body no longer hashes to its leaf; the phone's next event names the old one.
    "edited event": (lambda e: _edit_event(e, keep_chain=False), {ROOT_MISMATCH, CHAIN_BREAK}),
    "edited event, chain recomputed": (
        lambda e: _edit_event(e, keep_chain=True),
        {ROOT_MISMATCH},
    ),
    "re-encoded event": (_re_encode_event, {NON_CANONICAL, ROOT_MISMATCH}),
    "swapped events": (_swap_events, {SEQ_MISMATCH}),
    "withheld event": (_drop_event, {CHAIN_BREAK, TRUNCATED}),
    "checkpoint signature dropped": (_unsign_checkpoint, {BAD_SIGNATURE, UNANCHORED_TAIL}),
    "checkpoint text edited": (_edit_checkpoint, {BAD_SIGNATURE, UNANCHORED_TAIL}),
    "leaf hash edited": (_edit_leaf, {ROOT_MISMATCH}),
}


async def test_each_tampered_copy_is_named_by_the_verifier(
    exported: Exported, tmp_path: Path
) -> None:
    """One export, ten tampered copies of it: exit status 1 and the problems named."""
    found: dict[str, set[str]] = {}
    for number, (name, (tamper, _)) in enumerate(TAMPERING.items()):
        verdict = run_verifier(tmp_path / str(number), tamper(exported), exported.vkey)
        assert verdict.returncode == 1, f"{name}:\n{verdict.output}"
        assert "NOT VERIFIED" in verdict.output, name
        found[name] = verdict.codes
    assert found == {name: expected for name, (_, expected) in TAMPERING.items()}


async def test_another_key_verifies_nothing(exported: Exported, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from tafteesh.evidence.checkpoint import verifier_key

    stranger = verifier_key("tafteesh-custody", Ed25519PrivateKey.generate().public_key())
    verdict = run_verifier(tmp_path, exported.bundle, stranger)
    assert verdict.returncode == 1
    assert BAD_SIGNATURE in verdict.codes


async def test_a_held_checkpoint_larger_than_the_bundle_shows_truncation(
    client: httpx.AsyncClient,
    exported: Exported,
    record_custody: RecordCustody,
    tmp_path: Path,
) -> None:
    """The court holds the checkpoint of a later bundle; an earlier (or cut-down) bundle is
    shown to lack events that checkpoint covers. The later bundle itself verifies, with its
    two checkpoints consistent."""
    response = await record_custody(exported.team.lawyer, exported.phone, type="produced_in_court")
    assert response.status_code == 201
    later = await export(client, exported.team)
    _, held = latest_checkpoint(later)
    _, earlier = latest_checkpoint(exported.bundle)
    assert held != earlier

    verdict = run_verifier(tmp_path / "earlier", exported.bundle, exported.vkey, trusted=held)
    assert verdict.returncode == 1, verdict.output
    assert verdict.codes == {TRUNCATED}

    fine = run_verifier(tmp_path / "later", later, exported.vkey, trusted=earlier)
    assert fine.returncode == 0, fine.output
    later_checkpoints = {n for n in members(later) if n.startswith("checkpoints/")}
    earlier_checkpoints = {n for n in members(exported.bundle) if n.startswith("checkpoints/")}
    assert later_checkpoints == earlier_checkpoints | {latest_checkpoint(later)[0]}


async def test_a_bundle_of_one_case_in_a_log_shared_with_others(
    client: httpx.AsyncClient,
    make_team: MakeTeam,
    add_item: AddItem,
    record_custody: RecordCustody,
    make_exported: Callable[..., Any],
    tmp_path: Path,
) -> None:
    """Another case's events come before, between and after this case's: the bundle discloses
    only this case's events (and the others' leaf hashes), and still verifies."""
    other = await make_team()
    other_item = await add_item(other.lawyer, other.case, description="Other case's phone")
    assert (await record_custody(other.lawyer, other_item, type="seized")).status_code == 201
    exported: Exported = await make_exported()
    assert (await record_custody(other.lawyer, other_item, type="sealed")).status_code == 201
    again = await export(client, exported.team)

    lines = event_lines(again)
    assert all(json.loads(line)["case"] == exported.team.case_id for line in lines)
    assert len(members(again)["leaves.txt"].splitlines()) > len(lines)
    verdict = run_verifier(tmp_path, again, exported.vkey)
    assert verdict.returncode == 0, verdict.output
    other_bundle = await client.get(
        f"{CASES}/{other.case_id}/evidence-bundle", headers=other.lawyer.headers
    )
    verdict = run_verifier(tmp_path / "other", other_bundle.content, exported.vkey)
    assert verdict.returncode == 0, verdict.output
