"""Organisations, users, server-side sessions and sign-in attempts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.db import Base, created_at_column, uuid_pk


def _enum_check(column: str, values: type[Role] | type[OrganisationKind] | type[Language]) -> str:
    allowed = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({allowed})"


class Organisation(Base):
    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(_enum_check("kind", OrganisationKind), name="kind"),)

    id: Mapped[uuid.UUID] = uuid_pk()
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = created_at_column()


class User(Base):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(_enum_check("role", Role), name="role"),
        CheckConstraint(_enum_check("preferred_language", Language), name="preferred_language"),
    )

    id: Mapped[uuid.UUID] = uuid_pk()
    email: Mapped[str] = mapped_column(String(254))
    display_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    preferred_language: Mapped[str] = mapped_column(String(5), default="en", server_default="en")
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = created_at_column()
    # Optimistic concurrency: a write names the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    organisation: Mapped[Organisation] = relationship(lazy="raise")

    __mapper_args__ = {"version_id_col": version}


# Emails are compared case-insensitively; the column keeps them as typed.
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class AuthSession(Base):
    """A signed-in session. Tokens name it, so revoking the row refuses the token everywhere."""

    __tablename__ = "auth_sessions"

    id: Mapped[uuid.UUID] = uuid_pk()
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = created_at_column()
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    client_address: Mapped[str | None] = mapped_column(String(64))


class SignInAttempt(Base):
    """Failed and successful sign-ins, counted per account and per client address.

    Kept in PostgreSQL so the throttle holds across workers and machines. The account is stored
    as a SHA-256 of the lower-cased email so the table lists no addresses.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_account", "account_key", "attempted_at"),
        Index("ix_sign_in_attempts_address", "client_address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    account_key: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    attempted_at: Mapped[datetime] = created_at_column()
