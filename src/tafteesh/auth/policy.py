"""Per-object rules: pure functions of the acting user and the object.

Routes enforce them through the dependencies in ``dependencies.py``; templates may call them to
hide a button, but hiding is never the enforcement.
"""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from tafteesh.auth.permissions import Permission, has_permission
from tafteesh.auth.roles import Role


class Actor(Protocol):
    @property
    def id(self) -> UUID: ...
    @property
    def role(self) -> str: ...


def can(actor: Actor | None, permission: Permission) -> bool:
    return actor is not None and has_permission(actor.role, permission)


def can_view_user(actor: Actor, target_id: UUID) -> bool:
    return actor.id == target_id or has_permission(actor.role, Permission.MANAGE_USERS)


def account_change_refusal(
    actor: Actor, target_id: UUID, *, new_role: str | None, deactivate: bool
) -> str | None:
    """Why an admin may not make this change to an account, or None when it is allowed.

    An admin cannot deactivate or demote their own account: the consortium could be left
    without anyone able to manage users.
    """
    if not has_permission(actor.role, Permission.MANAGE_USERS):
        return "Only an administrator can change accounts."
    if actor.id == target_id and deactivate:
        return "You cannot deactivate your own account; ask another administrator."
    if actor.id == target_id and new_role is not None and new_role != Role.ADMIN:
        return "You cannot remove your own administrator role; ask another administrator."
    return None
