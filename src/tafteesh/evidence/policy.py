"""Who may see and handle which evidence item. Evidence follows its case's access, narrowed by
the item's sensitivity; consortium leads and administrators see what exists and its custody,
never the content of the files."""

from __future__ import annotations

from tafteesh.auth.roles import Role
from tafteesh.cases.dependencies import CaseAccess
from tafteesh.evidence.vocabulary import Sensitivity


def can_see_item(access: CaseAccess, sensitivity: str) -> bool:
    if access.survivor_view:
        return sensitivity == Sensitivity.SURVIVOR_VISIBLE
    if sensitivity == Sensitivity.LAWYERS_ONLY and access.relation.team_role is not None:
        return access.relation.team_role == "lawyer"
    return True  # leads and admins see every item's description and custody, not its content


def can_open_files(access: CaseAccess, sensitivity: str) -> bool:
    if access.actor.role in (Role.ADMIN, Role.CONSORTIUM_LEAD):
        return False
    return can_see_item(access, sensitivity)


def can_handle(access: CaseAccess, sensitivity: str) -> bool:
    """Add items, upload files and record custody: the case's lawyers and social workers."""
    return access.can_edit and can_see_item(access, sensitivity)


def can_export_bundle(access: CaseAccess) -> bool:
    """A court bundle holds every item of the case: her lawyers prepare it."""
    return access.can_change_stage  # team lawyers
