"""Demo evidence: items with realistic custody histories on a few demo cases, and a checkpoint.

The files are generated here (a small PNG and text documents), so the demo needs nothing from
outside. Seeding is idempotent: a case that already has evidence is left alone.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.cases.demo import demo_principals
from tafteesh.cases.dependencies import case_access
from tafteesh.cases.models import Case
from tafteesh.evidence import service
from tafteesh.evidence.models import EvidenceItem
from tafteesh.evidence.schemas import CustodyEventIn, ItemCreate
from tafteesh.evidence.signing import LogSigner, make_checkpoint
from tafteesh.evidence.storage import LocalBlobStore
from tafteesh.evidence.vocabulary import Category, CustodyEventType, EvidenceKind, Sensitivity
from tafteesh.india import INDIA

# Keys of cases.demo.demo_principals: K is the Kolkata lawyer, M the Mumbai one.
LAWYERS = {"WB": "K", "MH": "M"}


def demo_png(colour: tuple[int, int, int], width: int = 64, height: int = 48) -> bytes:
    """A small solid-colour PNG, written by hand so the demo carries no image files."""
    row = b"\x00" + bytes(colour) * width
    raw = row * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class DemoItem:
    item: ItemCreate
    file: tuple[str, str, bytes] | None  # filename, content type, bytes
    steps: tuple[tuple[CustodyEventType, int, str | None, str | None, str | None], ...]
    # (type, days after the FIR, from, to, place)


def _items(reference: str) -> list[DemoItem]:
    phone = DemoItem(
        ItemCreate(
            kind=EvidenceKind.ELECTRONIC,
            category=Category.DEVICE,
            description="Mobile phone of the main accused, seized during the rescue",
            seizure_memo_ref=f"SM-{reference}-1",
            seal_number="PS/SEAL/118",
            device_type="Mobile phone",
            device_make="Samsung",
            device_model="Galaxy M12",
            device_serial="R58R40XXXXX (demo)",
            device_imei_or_mac="35XXXXXXXXXXXX1 (demo)",
            sensitivity=Sensitivity.TEAM,
            current_custodian="Investigating officer",
        ),
        (
            "whatsapp-export.txt",
            "text/plain",
            f"Demo chat export for {reference}. Not real data.\n".encode() * 40,
        ),
        (
            (CustodyEventType.SEIZED, 1, "Accused", "Investigating officer", "Place of rescue"),
            (CustodyEventType.SEALED, 1, None, "Investigating officer", "Police station"),
            (
                CustodyEventType.DEPOSITED_MALKHANA,
                2,
                "Investigating officer",
                "Malkhana moharrir",
                "Police station malkhana",
            ),
            (CustodyEventType.SENT_TO_LAB, 20, "Malkhana moharrir", "CFSL courier", "In transit"),
            (CustodyEventType.RECEIVED_BY_LAB, 22, "CFSL courier", "CFSL Kolkata", "CFSL Kolkata"),
            (
                CustodyEventType.REPORT_RECEIVED,
                140,
                "CFSL Kolkata",
                "Investigating officer",
                "Police station",
            ),
        ),
    )
    photo = DemoItem(
        ItemCreate(
            kind=EvidenceKind.ELECTRONIC,
            category=Category.PHOTO,
            description="Photograph of the room where she was confined",
            seizure_memo_ref=f"SM-{reference}-2",
            sensitivity=Sensitivity.LAWYERS_ONLY,
            device_type="Digital camera",
            device_make="Nikon",
            device_model="Coolpix (demo)",
            current_custodian="Investigating officer",
        ),
        ("room.png", "image/png", demo_png((142, 110, 90))),
        ((CustodyEventType.SEIZED, 1, None, "Investigating officer", "Place of rescue"),),
    )
    register = DemoItem(
        ItemCreate(
            kind=EvidenceKind.PHYSICAL,
            category=Category.DOCUMENT,
            description="Handwritten register of payments found at the brothel",
            seizure_memo_ref=f"SM-{reference}-3",
            seal_number="PS/SEAL/119",
            sensitivity=Sensitivity.SURVIVOR_VISIBLE,
            current_custodian="Investigating officer",
        ),
        None,
        (
            (
                CustodyEventType.SEIZED,
                1,
                "Brothel keeper",
                "Investigating officer",
                "Place of rescue",
            ),
            (
                CustodyEventType.DEPOSITED_MALKHANA,
                2,
                "Investigating officer",
                "Malkhana moharrir",
                "Police station malkhana",
            ),
            (CustodyEventType.PRODUCED_IN_COURT, 300, "Malkhana moharrir", "Trial court", "Court"),
        ),
    )
    return [phone, photo, register]


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def seed_demo_evidence(
    session: AsyncSession, *, data_dir: Path, signer: LogSigner, cases_wanted: int = 6
) -> int:
    """Evidence on the first demo cases that reached a court; returns the items added."""
    people = await demo_principals(session)
    store = LocalBlobStore(data_dir / "evidence")
    chosen = list(
        await session.scalars(
            select(Case)
            .where(Case.reference.like("DEMO-%"), Case.court_establishment.is_not(None))
            .order_by(Case.reference)
            .limit(cases_wanted)
        )
    )
    added = 0
    now = datetime.now(INDIA)
    for case in chosen:
        has = await session.scalar(
            select(func.count()).select_from(EvidenceItem).where(EvidenceItem.case_id == case.id)
        )
        if has:
            continue
        state = "WB" if case.fir_state == "West Bengal" else "MH"
        actor = people[LAWYERS[state]]
        access = await case_access(session, actor, case.id)
        if access is None or access.relation.team_role != "lawyer":
            continue
        for demo in _items(case.reference):
            item = await service.add_item(session, actor, access, data=demo.item)
            for kind, days, source, target, place in demo.steps:
                when = datetime.combine(
                    case.fir_date + timedelta(days=days), time(11, 30), tzinfo=INDIA
                )
                if when > now:
                    break
                await service.record_custody(
                    session,
                    actor,
                    access,
                    item,
                    data=CustodyEventIn(
                        type=kind, occurred_at=when, from_party=source, to_party=target, place=place
                    ),
                )
            if demo.file is not None:
                name, content_type, data = demo.file
                stored = await store.put(_chunks(data), max_bytes=len(data) + 1)
                await service.attach_file(
                    session,
                    actor,
                    access,
                    item,
                    stored=stored,
                    filename=name,
                    content_type=content_type,
                    collector_sha256=stored.sha256,
                )
            added += 1
    await make_checkpoint(session, signer)
    return added
