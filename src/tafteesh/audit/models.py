"""The audit log: append-only, written in the same transaction as what it records."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Identity, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tafteesh.db import Base, append_only, created_at_column


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = append_only()

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = created_at_column()
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(80))
    request_id: Mapped[str | None] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    # Never a survivor's identity: summaries name objects by id, pseudonym or reference.
    summary: Mapped[str] = mapped_column(String(300), default="", server_default="")


Index("ix_audit_events_occurred_at", AuditEvent.occurred_at)
Index("ix_audit_events_actor", AuditEvent.actor_id, AuditEvent.occurred_at)
Index("ix_audit_events_object", AuditEvent.object_type, AuditEvent.object_id)
