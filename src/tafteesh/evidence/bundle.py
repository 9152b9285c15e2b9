"""The court bundle: everything a court needs to check a case's evidence without trusting us.

Layout of the zip:
  events.jsonl            this case's custody events, each line the exact bytes that were hashed
  leaves.txt              "<seq> <hex leaf hash>" for every event of the whole log up to the
                          checkpoint: other cases' events are represented by their hashes only
  checkpoints/<size>.txt  every signed checkpoint up to this export's
  proofs.json             inclusion proofs of this case's events in the latest checkpoint, and
                          consistency proofs between successive checkpoints
  files/<sha256>          the evidence files, named by their hash
  certificates/<item>.html  a draft BSA 63 certificate (Part A) per electronic item
  manifest.json           what the bundle holds
  README.txt              how to check it, in plain language
  verify_bundle.py        the verifier (the same module the server uses), Python 3 + cryptography

The verifier takes the public key and any checkpoint the court already holds as arguments; it
never trusts what the bundle says about itself.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import UTC, datetime
from importlib.resources import files
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.dependencies import CaseAccess
from tafteesh.errors import Forbidden
from tafteesh.evidence import merkle, policy, service
from tafteesh.evidence.canonical import canonical_bytes, rfc3339_utc
from tafteesh.evidence.models import CustodyCheckpoint, CustodyEvent, EvidenceItem
from tafteesh.evidence.signing import LogSigner, make_checkpoint
from tafteesh.evidence.storage import BlobStore
from tafteesh.evidence.vocabulary import EvidenceKind
from tafteesh.web import templates

SPOOL_IN_MEMORY = 8 * 1024 * 1024


def verifier_source() -> bytes:
    return files("tafteesh.evidence").joinpath("verifier.py").read_bytes()


async def build_bundle(
    session: AsyncSession, access: CaseAccess, *, store: BlobStore, signer: LogSigner
) -> IO[bytes]:
    """Write the bundle to a spooled temporary file (large files go to disk) and rewind it."""
    if not policy.can_export_bundle(access):
        raise Forbidden("Only this case's lawyers export its court bundle.")
    checkpoint = await make_checkpoint(session, signer)
    size = checkpoint.size if checkpoint else 0
    items = list(
        await session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.case_id == access.case.id)
            .order_by(EvidenceItem.created_at)
        )
    )
    item_ids = {item.id for item in items}
    events = (
        list(
            await session.scalars(
                select(CustodyEvent)
                # Only what the checkpoint covers: an event appended meanwhile waits for the next.
                .where(CustodyEvent.item_id.in_(item_ids), CustodyEvent.seq <= size)
                .order_by(CustodyEvent.seq)
            )
        )
        if item_ids
        else []
    )
    leaves = list(
        await session.execute(
            select(CustodyEvent.seq, CustodyEvent.leaf_hash)
            .where(CustodyEvent.seq <= size)
            .order_by(CustodyEvent.seq)
        )
    )
    leaf_hashes = [leaf for _, leaf in leaves]
    checkpoints = list(
        await session.scalars(
            select(CustodyCheckpoint)
            .where(CustodyCheckpoint.size <= size)
            .order_by(CustodyCheckpoint.size)
        )
    )
    file_records = await service.files_of(session, list(item_ids))
    exported_at = rfc3339_utc(datetime.now(UTC))

    spooled: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    with zipfile.ZipFile(spooled, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("events.jsonl", b"".join(e.body + b"\n" for e in events))
        archive.writestr("leaves.txt", "".join(f"{seq} {leaf.hex()}\n" for seq, leaf in leaves))
        for cp in checkpoints:
            archive.writestr(f"checkpoints/{cp.size}.txt", cp.note)
        archive.writestr(
            "proofs.json",
            json.dumps(
                _proofs(leaf_hashes, [e.seq for e in events if e.seq <= size], checkpoints),
                indent=1,
            ),
        )
        seen: set[str] = set()
        for record in file_records:
            if record.sha256 in seen:
                continue
            seen.add(record.sha256)
            # Files go in uncompressed: photos and videos do not shrink, and stored bytes stay
            # byte-for-byte what was hashed.
            archive.write(
                store.path(record.sha256),
                f"files/{record.sha256}",
                compress_type=zipfile.ZIP_STORED,
            )
        for item in items:
            if item.kind == EvidenceKind.ELECTRONIC:
                archive.writestr(
                    f"certificates/{item.id}.html",
                    certificate_html(access, item, file_records, exported_at),
                )
        archive.writestr(
            "manifest.json",
            canonical_bytes(
                {
                    "origin": signer.origin,
                    "case_reference": access.case.reference,
                    "exported_at": exported_at,
                    "log_size": size,
                    "events": len(events),
                    "event_seqs": [e.seq for e in events],
                    "items": [
                        {
                            "id": str(item.id),
                            "files": sorted(
                                {f.sha256 for f in file_records if f.item_id == item.id}
                            ),
                        }
                        for item in items
                    ],
                }
            ),
        )
        archive.writestr("README.txt", _readme(access.case.reference, size, signer))
        archive.writestr("verify_bundle.py", verifier_source())
    spooled.seek(0)
    return spooled


def _proofs(
    leaves: list[bytes], seqs: list[int], checkpoints: list[CustodyCheckpoint]
) -> dict[str, Any]:
    if not checkpoints:
        return {"inclusion": {}, "consistency": []}
    latest = checkpoints[-1].size
    inclusion = {
        str(seq): [h.hex() for h in merkle.inclusion_proof(leaves[:latest], seq - 1)]
        for seq in seqs
    }
    consistency = [
        {
            "from": old.size,
            "to": new.size,
            "proof": [
                h.hex() for h in merkle.consistency_proof(leaves[: new.size], old.size, new.size)
            ],
        }
        for old, new in zip(checkpoints, checkpoints[1:], strict=False)
    ]
    return {"tree_size": latest, "inclusion": inclusion, "consistency": consistency}


def certificate_html(
    access: CaseAccess, item: EvidenceItem, file_records: list[Any], exported_at: str
) -> str:
    return templates.get_template("evidence/certificate.html").render(
        case=access.case,
        item=item,
        item_files=[f for f in file_records if f.item_id == item.id],
        exported_at=exported_at,
    )


def _readme(reference: str, size: int, signer: LogSigner) -> str:
    return f"""Evidence bundle for case {reference}
===========================================

This bundle lets anyone check, without trusting the Tafteesh server, that:
  * each evidence file is byte-for-byte the file that was recorded (its SHA-256 is its name);
  * each custody event is exactly as it was recorded, in order, linked to the event before it
    for the same item;
  * every event is part of a custody log whose state was signed ("checkpoint") with the
    organisation's key, and later checkpoints only ever added events.

How to check it
---------------
1. Get the log's public key from the organisation through a separate channel (a letter, an
   affidavit, or a key you received earlier). Do not use a key that came with this bundle.
   The key looks like:  {signer.key_name}+xxxxxxxx+AAAA...
2. On any computer with Python 3 and the "cryptography" package (pip install cryptography):

       python verify_bundle.py this-bundle.zip --public-key "<the key>"

   If the court already holds an earlier checkpoint (for example from a previous bundle), add
       --trusted-checkpoint earlier-checkpoint.txt
   and the check also proves that no event was removed since then.
3. "VERIFIED" means every check passed. Otherwise each problem is printed with a code:
   FILE_HASH_MISMATCH, CHAIN_BREAK, SEQ_MISMATCH, ROOT_MISMATCH, BAD_SIGNATURE, TRUNCATED,
   NON_CANONICAL or UNANCHORED_TAIL (events not yet covered by a signed checkpoint).

The log held {size} events when this bundle was made. The certificates/ folder holds a draft
certificate under Section 63 of the Bharatiya Sakshya Adhiniyam (Part A) for each electronic
item, with its SHA-256 values, for the party producing the evidence to complete and sign.
"""
