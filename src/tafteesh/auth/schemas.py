"""Request and response shapes for organisations, users and sign-in."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from tafteesh.auth.passwords import MIN_PASSWORD_LENGTH
from tafteesh.auth.roles import Language, OrganisationKind, Role


class OrganisationCreate(BaseModel):
    name: str = Field(min_length=2, max_length=200)
    kind: OrganisationKind

    @field_validator("name")
    @classmethod
    def _strip(cls, value: str) -> str:
        return " ".join(value.split())


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: OrganisationKind


class UserCreate(BaseModel):
    email: EmailStr = Field(max_length=254)
    display_name: str = Field(min_length=1, max_length=120)
    organisation_id: uuid.UUID
    role: Role
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)
    preferred_language: Language = Language.EN

    @field_validator("display_name")
    @classmethod
    def _strip(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("Enter a name")
        return value


class UserUpdate(BaseModel):
    """A change to an account. ``version`` is the one the editor read (optimistic locking)."""

    version: int = Field(ge=1)
    display_name: str | None = Field(default=None, min_length=1, max_length=120)
    role: Role | None = None
    is_active: bool | None = None
    preferred_language: Language | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    display_name: str
    organisation_id: uuid.UUID
    role: Role
    is_active: bool
    preferred_language: Language
    created_at: datetime
    version: int


class UserPage(BaseModel):
    items: list[UserRead]
    next_cursor: str | None


class Me(BaseModel):
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    organisation_id: uuid.UUID
    organisation_name: str
    preferred_language: Language
    permissions: list[str]


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
