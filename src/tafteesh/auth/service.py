"""The business verbs of accounts: sign in and out, create and change users and organisations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit import service as audit
from tafteesh.auth.models import AuthSession, Organisation, User
from tafteesh.auth.passwords import hash_password
from tafteesh.auth.permissions import Permission
from tafteesh.auth.policy import account_change_refusal
from tafteesh.auth.principal import Principal
from tafteesh.auth.principal_cache import principals_changed
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    StaleVersion,
)

WRONG_CREDENTIALS = "The email or password is wrong."


# -- organisations ---------------------------------------------------------------------------


async def create_organisation(
    session: AsyncSession, actor: Principal | None, *, name: str, kind: OrganisationKind
) -> Organisation:
    existing = await session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )
    if existing is not None:
        raise Conflict(f"An organisation called “{name}” already exists.")
    organisation = Organisation(name=name, kind=kind.value)
    session.add(organisation)
    await session.flush()
    await audit.record(
        session,
        actor,
        action="organisation.create",
        object_type="organisation",
        object_id=organisation.id,
        summary=f"created organisation {name}",
    )
    return organisation


async def find_organisation(session: AsyncSession, name: str) -> Organisation | None:
    return await session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


async def list_organisations(session: AsyncSession) -> list[Organisation]:
    return list(await session.scalars(select(Organisation).order_by(Organisation.name)))


# -- users -----------------------------------------------------------------------------------


async def create_user(
    session: AsyncSession,
    actor: Principal | None,
    *,
    email: str,
    display_name: str,
    organisation_id: uuid.UUID,
    role: Role,
    password: str,
    preferred_language: Language = Language.EN,
) -> User:
    """Create an account. ``actor`` is None only for the command line."""
    if await session.get(Organisation, organisation_id) is None:
        raise InvalidInput(
            "Choose an existing organisation.", details={"fields": {"organisation_id": "unknown"}}
        )
    taken = await session.scalar(select(User.id).where(func.lower(User.email) == email.lower()))
    if taken is not None:
        raise Conflict(
            "An account with this email already exists.",
            details={"fields": {"email": "already in use"}},
        )
    user = User(
        email=email,
        display_name=display_name,
        organisation_id=organisation_id,
        role=role.value,
        preferred_language=preferred_language.value,
        password_hash=hash_password(password),
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:  # a concurrent request took the email between check and insert
        raise Conflict("An account with this email already exists.") from exc
    await audit.record(
        session,
        actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        summary=f"created {role.value} account",
    )
    return user


@dataclass(frozen=True)
class UserCursor:
    created_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        return f"{self.created_at.isoformat()}_{self.id}"

    @classmethod
    def decode(cls, text: str) -> UserCursor:
        try:
            stamp, _, ident = text.rpartition("_")
            return cls(datetime.fromisoformat(stamp), uuid.UUID(ident))
        except ValueError as exc:
            raise InvalidInput("The page cursor is not valid; start from the first page.") from exc


async def list_users(
    session: AsyncSession,
    actor: Principal,
    *,
    role: Role | None = None,
    organisation_id: uuid.UUID | None = None,
    active: bool | None = None,
    search: str | None = None,
    cursor: UserCursor | None = None,
    limit: int = 50,
) -> tuple[list[User], UserCursor | None]:
    """Accounts, newest first, keyset-paginated. Only administrators list accounts."""
    if not actor.has(Permission.MANAGE_USERS):
        raise Forbidden("Only an administrator can list accounts.")
    query = select(User)
    if role:
        query = query.where(User.role == role.value)
    if organisation_id:
        query = query.where(User.organisation_id == organisation_id)
    if active is not None:
        query = query.where(User.is_active.is_(active))
    if search:
        pattern = f"%{search.strip().lower()}%"
        query = query.where(
            or_(func.lower(User.email).like(pattern), func.lower(User.display_name).like(pattern))
        )
    if cursor:
        query = query.where(
            or_(
                User.created_at < cursor.created_at,
                and_(User.created_at == cursor.created_at, User.id < cursor.id),
            )
        )
    query = query.order_by(User.created_at.desc(), User.id.desc()).limit(limit + 1)
    users = list(await session.scalars(query))
    next_cursor = None
    if len(users) > limit:
        last = users[limit - 1]
        next_cursor = UserCursor(last.created_at, last.id)
    await audit.record(session, actor, action="user.list", summary=f"{min(len(users), limit)} rows")
    return users[:limit], next_cursor


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("There is no such account.")
    return user


def user_snapshot(user: User) -> dict[str, object]:
    return {
        "id": str(user.id),
        "display_name": user.display_name,
        "role": user.role,
        "is_active": user.is_active,
        "preferred_language": user.preferred_language,
        "version": user.version,
    }


async def update_user(
    session: AsyncSession,
    actor: Principal,
    user: User,
    *,
    version: int,
    display_name: str | None = None,
    role: Role | None = None,
    is_active: bool | None = None,
    preferred_language: Language | None = None,
) -> User:
    """Change an account. A stale ``version`` is refused with the current values."""
    refusal = account_change_refusal(
        actor, user.id, new_role=role.value if role else None, deactivate=is_active is False
    )
    if refusal:
        raise Forbidden(refusal)
    if version != user.version:
        raise StaleVersion("account", user_snapshot(user))
    changes: list[str] = []
    if display_name is not None and display_name != user.display_name:
        user.display_name = display_name
        changes.append("name")
    if role is not None and role.value != user.role:
        changes.append(f"role {user.role} → {role.value}")
        user.role = role.value
    if preferred_language is not None and preferred_language.value != user.preferred_language:
        user.preferred_language = preferred_language.value
        changes.append(f"language {preferred_language.value}")
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        changes.append("activated" if is_active else "deactivated")
    if not changes:
        return user
    principals_changed(session)
    try:
        await session.flush()  # the mapper's version check catches a writer that got in first
    except StaleDataError as exc:
        await session.refresh(user)
        raise StaleVersion("account", user_snapshot(user)) from exc
    if is_active is False or role is not None:
        # A deactivated or re-roled account signs in again: its open sessions end now.
        await _revoke_all_sessions(session, user.id)
    await audit.record(
        session,
        actor,
        action="user.update",
        object_type="user",
        object_id=user.id,
        summary="; ".join(changes),
    )
    return user


async def _revoke_all_sessions(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
