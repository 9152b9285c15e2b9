"""Evidence items, their files, the custody log and its signed checkpoints.

The custody log is append-only twice over: the app role may only INSERT, and triggers refuse
UPDATE, DELETE and TRUNCATE for everyone (migration 0005). Its events are stored as the exact
canonical JSON bytes that were hashed, so a court can re-hash them without trusting us.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tafteesh.db import Base, append_only, created_at_column, uuid_pk
from tafteesh.evidence.vocabulary import Category, EvidenceKind, Sensitivity


def _one_of(column: str, values: type[Category] | type[EvidenceKind] | type[Sensitivity]) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


class EvidenceItem(Base):
    __tablename__ = "evidence_items"
    __table_args__ = (
        CheckConstraint(_one_of("kind", EvidenceKind), name="kind"),
        CheckConstraint(_one_of("category", Category), name="category"),
        CheckConstraint(_one_of("sensitivity", Sensitivity), name="sensitivity"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(500))
    seizure_memo_ref: Mapped[str | None] = mapped_column(String(120))
    seal_number: Mapped[str | None] = mapped_column(String(120))
    # BSA 63 Part A names the device: type, make, model, serial, IMEI or MAC.
    device_type: Mapped[str | None] = mapped_column(String(80))
    device_make: Mapped[str | None] = mapped_column(String(80))
    device_model: Mapped[str | None] = mapped_column(String(80))
    device_serial: Mapped[str | None] = mapped_column(String(120))
    device_imei_or_mac: Mapped[str | None] = mapped_column(String(120))
    sensitivity: Mapped[str] = mapped_column(String(20), default="team", server_default="team")
    current_custodian: Mapped[str | None] = mapped_column(String(160))
    current_place: Mapped[str | None] = mapped_column(String(160))
    created_at: Mapped[datetime] = created_at_column()
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}


class EvidenceFile(Base):
    """A file attached to an item; its bytes live in the blob store under their SHA-256."""

    __tablename__ = "evidence_files"
    __table_args__ = append_only()

    id: Mapped[uuid.UUID] = uuid_pk()
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evidence_items.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    # The hash the collector reported (for example from the seizure), kept beside ours.
    collector_sha256: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = created_at_column()
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class CustodyLogHead(Base):
    """One row: the log's size. Locking it in the appending transaction makes ``seq`` gapless
    (an identity column would leave gaps on rollback)."""

    __tablename__ = "custody_log_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)


class CustodyEvent(Base):
    __tablename__ = "custody_events"
    __table_args__ = append_only()

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("evidence_items.id"))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    # RFC 9162 leaf hash, SHA-256(0x00 || body): stored so roots need not re-hash every body.
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary)
    recorded_at: Mapped[datetime] = created_at_column()


Index("ix_custody_events_item", CustodyEvent.item_id, CustodyEvent.seq)


class CustodyCheckpoint(Base):
    """A signed note over the first ``size`` events (C2SP tlog-checkpoint)."""

    __tablename__ = "custody_checkpoints"
    __table_args__ = append_only()

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
