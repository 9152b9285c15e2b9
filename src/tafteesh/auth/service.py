"""The business verbs of accounts: sign in and out, create and change users and organisations."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit import service as audit
from tafteesh.auth.models import AuthSession, Organisation, SignInAttempt, User
from tafteesh.auth.passwords import hash_password, needs_rehash, verify_password
from tafteesh.auth.permissions import Permission
from tafteesh.auth.policy import account_change_refusal
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.auth.tokens import InvalidToken, issue_token, read_token, session_expiry
from tafteesh.config import Settings
from tafteesh.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    StaleVersion,
    TafteeshError,
    TooManyRequests,
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


# -- sign-in ---------------------------------------------------------------------------------


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _attempt(key: str, client_address: str, *, succeeded: bool) -> SignInAttempt:
    # The wall-clock time, not the transaction's: attempts are ordered against each other.
    return SignInAttempt(
        account_key=key,
        client_address=client_address,
        succeeded=succeeded,
        attempted_at=datetime.now(UTC),
    )


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_id: uuid.UUID
    token: str
    expires_at: datetime


async def _throttle(
    session: AsyncSession, settings: Settings, key: str, address: str
) -> TooManyRequests | None:
    """Refuse when an account or an address has failed too often within the window.

    Counted in PostgreSQL, so the limit holds across workers. An account's count restarts
    after a successful sign-in. The same limit applies to emails with no account, so the
    throttle does not reveal which emails exist.
    """
    window_start = datetime.now(UTC) - timedelta(minutes=settings.sign_in_window_minutes)
    last_success = (
        select(func.max(SignInAttempt.attempted_at))
        .where(SignInAttempt.account_key == key, SignInAttempt.succeeded.is_(True))
        .scalar_subquery()
    )
    account_failures = select(func.count(), func.min(SignInAttempt.attempted_at)).where(
        SignInAttempt.account_key == key,
        SignInAttempt.succeeded.is_(False),
        SignInAttempt.attempted_at >= window_start,
        SignInAttempt.attempted_at > func.coalesce(last_success, window_start),
    )
    address_failures = select(func.count(), func.min(SignInAttempt.attempted_at)).where(
        SignInAttempt.client_address == address,
        SignInAttempt.succeeded.is_(False),
        SignInAttempt.attempted_at >= window_start,
    )
    for query, limit in (
        (account_failures, settings.sign_in_max_failures_per_account),
        (address_failures, settings.sign_in_max_failures_per_address),
    ):
        count, oldest = (await session.execute(query)).one()
        if count >= limit and oldest is not None:
            retry_at = oldest + timedelta(minutes=settings.sign_in_window_minutes)
            seconds = max(60, int((retry_at - datetime.now(UTC)).total_seconds()))
            minutes = -(-seconds // 60)
            return TooManyRequests(
                f"Too many failed sign-ins. For your safety, sign-in is paused: "
                f"try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                headers={"Retry-After": str(seconds)},
            )
    return None


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    *,
    email: str,
    password: str,
    client_address: str,
) -> SignedIn | TafteeshError:
    """Check the credentials and open a session.

    Returns the error instead of raising it, so the caller commits the failed attempt: the
    throttle must count failures, and a raised error would roll them back.
    """
    key = account_key(email)
    refusal = await _throttle(session, settings, key, client_address)
    if refusal is not None:
        return refusal
    user = await session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        session.add(_attempt(key, client_address, succeeded=False))
        await session.flush()
        await audit.record(
            session,
            None,
            action="auth.sign_in_failed",
            object_type="user" if user else None,
            object_id=user.id if user else None,
        )
        return NotAuthenticated(WRONG_CREDENTIALS, headers={"WWW-Authenticate": "Bearer"})
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(_attempt(key, client_address, succeeded=True))
    expires_at = session_expiry(settings.session_hours)
    auth_session = AuthSession(
        user_id=user.id, expires_at=expires_at, client_address=client_address
    )
    session.add(auth_session)
    await session.flush()
    principal_like = _AuditUser(user.id, user.role)
    await audit.record(
        session,
        principal_like,
        action="auth.sign_in",
        object_type="session",
        object_id=auth_session.id,
    )
    token = issue_token(
        settings.resolved_secret_key(),
        user_id=user.id,
        role=user.role,
        session_id=auth_session.id,
        expires_at=expires_at,
    )
    return SignedIn(user=user, session_id=auth_session.id, token=token, expires_at=expires_at)


@dataclass(frozen=True)
class _AuditUser:
    id: uuid.UUID
    role: str


async def sign_out(session: AsyncSession, actor: Principal) -> None:
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == actor.session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    await audit.record(
        session, actor, action="auth.sign_out", object_type="session", object_id=actor.session_id
    )


async def principal_from_token(session: AsyncSession, secret: str, token: str) -> Principal:
    """Resolve a bearer token to its user in one query, refusing anything not current.

    The session row is checked on every request, so a revoked session, a deactivated account
    or a changed role takes effect at once on every worker.
    """
    try:
        claims = read_token(secret, token)
    except InvalidToken as exc:
        raise NotAuthenticated("Your sign-in is not valid. Please sign in again.") from exc
    row = (
        await session.execute(
            select(
                User.id,
                User.email,
                User.display_name,
                User.role,
                User.organisation_id,
                Organisation.name,
                User.preferred_language,
                AuthSession.id,
                case((AuthSession.revoked_at.is_(None), True), else_=False),
                AuthSession.expires_at,
                User.is_active,
            )
            .join(User, User.id == AuthSession.user_id)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(AuthSession.id == claims.session_id, User.id == claims.user_id)
        )
    ).one_or_none()
    if row is None:
        raise NotAuthenticated("Your sign-in is not valid. Please sign in again.")
    (user_id, email, name, role, org_id, org_name, lang, sid, live, expires_at, active) = row
    if not live or not active or expires_at <= datetime.now(UTC) or role != claims.role:
        raise NotAuthenticated("Your session has ended. Please sign in again.")
    return Principal(
        id=user_id,
        email=email,
        display_name=name,
        role=role,
        organisation_id=org_id,
        organisation_name=org_name,
        preferred_language=lang,
        session_id=sid,
    )
