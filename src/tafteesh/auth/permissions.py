"""What each role may do, written once. Per-object rules live in ``policy.py``."""

from __future__ import annotations

from enum import StrEnum

from tafteesh.auth.roles import Role


class Permission(StrEnum):
    MANAGE_USERS = "manage_users"
    MANAGE_ORGANISATIONS = "manage_organisations"
    VIEW_AUDIT_LOG = "view_audit_log"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {Permission.MANAGE_USERS, Permission.MANAGE_ORGANISATIONS, Permission.VIEW_AUDIT_LOG}
    ),
    Role.CONSORTIUM_LEAD: frozenset(),
    Role.LAWYER: frozenset(),
    Role.SOCIAL_WORKER: frozenset(),
    Role.SURVIVOR_LEADER: frozenset(),
    Role.SURVIVOR: frozenset(),
}


def has_permission(role: str | Role, permission: Permission) -> bool:
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
