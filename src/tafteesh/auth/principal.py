"""The signed-in user as the rest of the app sees them: plain values, no ORM object."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tafteesh.auth.permissions import Permission, has_permission
from tafteesh.auth.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    id: uuid.UUID
    email: str
    display_name: str
    role: str
    organisation_id: uuid.UUID
    organisation_name: str
    preferred_language: str
    session_id: uuid.UUID

    def has(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)

    @property
    def role_label(self) -> str:
        return Role(self.role).label
