"""Request and response shapes for evidence and custody."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from tafteesh.evidence.vocabulary import Category, CustodyEventType, EvidenceKind, Sensitivity

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=160)]
Sha256 = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^[0-9a-fA-F]{64}$")
]


class ItemCreate(BaseModel):
    kind: EvidenceKind
    category: Category
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)
    ]
    seizure_memo_ref: Text | None = None
    seal_number: Text | None = None
    device_type: Text | None = None
    device_make: Text | None = None
    device_model: Text | None = None
    device_serial: Text | None = None
    device_imei_or_mac: Text | None = None
    sensitivity: Sensitivity = Sensitivity.TEAM
    current_custodian: Text | None = None
    current_place: Text | None = None


class CustodyEventIn(BaseModel):
    type: CustodyEventType
    occurred_at: datetime
    from_party: Text | None = None
    to_party: Text | None = None
    place: Text | None = None
    seals: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    ] = Field(default_factory=list, max_length=20)
    notes: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class FileRead(BaseModel):
    id: uuid.UUID
    sha256: str
    size_bytes: int
    filename: str
    content_type: str
    collector_sha256: str | None
    collector_hash_matches: bool | None
    uploaded_at: datetime


class CustodyEventRead(BaseModel):
    seq: int
    type: CustodyEventType
    type_label: str
    occurred_at: datetime
    recorded_at: datetime
    from_party: str | None
    to_party: str | None
    place: str | None
    seals: list[str]
    notes: str
    file_sha256: str | None
    anchored: bool  # covered by a signed checkpoint
    body: str  # the exact canonical JSON that was hashed


class ItemRead(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: EvidenceKind
    category: Category
    description: str
    seizure_memo_ref: str | None
    seal_number: str | None
    device_type: str | None
    device_make: str | None
    device_model: str | None
    device_serial: str | None
    device_imei_or_mac: str | None
    sensitivity: Sensitivity
    current_custodian: str | None
    current_place: str | None
    created_at: datetime
    version: int
    files: list[FileRead]
    can_open_files: bool


class ItemDetail(ItemRead):
    custody: list[CustodyEventRead]


class VerifyProblem(BaseModel):
    code: str
    message: str
    seq: int | None


class VerifyResult(BaseModel):
    ok: bool
    item_id: uuid.UUID
    events: int
    anchored_events: int
    checkpoint_size: int | None
    files_checked: int
    problems: list[VerifyProblem]


class PublicKey(BaseModel):
    origin: str
    key_name: str
    verifier_key: str  # C2SP vkey: name+keyid+base64(type || key)
    public_key_pem: str
