"""Signing in and out: credentials, throttling, server-side sessions and bearer tokens."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.audit import service as audit
from tafteesh.auth.models import AuthSession, Organisation, SignInAttempt, User
from tafteesh.auth.passwords import hash_password, needs_rehash, verify_password
from tafteesh.auth.principal import Principal
from tafteesh.auth.principal_cache import PrincipalCache, principals_changed
from tafteesh.auth.tokens import InvalidToken, issue_token, read_token, session_expiry
from tafteesh.config import Settings
from tafteesh.errors import NotAuthenticated, TafteeshError, TooManyRequests

WRONG_CREDENTIALS = "The email or password is wrong."


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
    principals_changed(session)
    await session.execute(
        update(AuthSession)
        .where(AuthSession.id == actor.session_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    await audit.record(
        session, actor, action="auth.sign_out", object_type="session", object_id=actor.session_id
    )


# Built once, from the tables rather than the ORM classes: every signed-in request runs it, and
# a Core statement returning plain rows skips the ORM's per-statement work.
_sessions, _users, _organisations = (
    cast(Table, model.__table__).c for model in (AuthSession, User, Organisation)
)
_PRINCIPAL = (
    select(
        _users.id,
        _users.email,
        _users.display_name,
        _users.role,
        _users.organisation_id,
        _organisations.name,
        _users.preferred_language,
        _sessions.id,
        case((_sessions.revoked_at.is_(None), True), else_=False),
        _sessions.expires_at,
        _users.is_active,
    )
    .select_from(
        cast(Table, AuthSession.__table__)
        .join(cast(Table, User.__table__), _users.id == _sessions.user_id)
        .join(cast(Table, Organisation.__table__), _organisations.id == _users.organisation_id)
    )
    .where(_sessions.id == bindparam("session_id"), _users.id == bindparam("user_id"))
)


async def principal_from_token(
    session: AsyncSession, secret: str, token: str, kept: PrincipalCache | None = None
) -> Principal:
    """Resolve a bearer token to its user in one query, refusing anything not current.

    The session row is checked unless this worker has ``kept`` the principal, which it does
    only while PostgreSQL's notices of changes to sessions, accounts and organisations reach it
    and forgets on the first one (``principal_cache``): a revoked session, a deactivated
    account or a changed role stops being accepted on every worker as soon as the notice
    arrives. ``generation`` is read before the lookup, so a lookup that overlaps a notice is
    not kept.
    """
    try:
        claims = read_token(secret, token)
    except InvalidToken as exc:
        raise NotAuthenticated("Your sign-in is not valid. Please sign in again.") from exc
    key = (claims.session_id, claims.user_id, claims.role)
    if kept is not None and (principal := kept.get(key)) is not None:
        return principal
    generation = kept.generation if kept is not None else 0
    row = (
        await session.execute(
            _PRINCIPAL, {"session_id": claims.session_id, "user_id": claims.user_id}
        )
    ).one_or_none()
    if row is None:
        raise NotAuthenticated("Your sign-in is not valid. Please sign in again.")
    (user_id, email, name, role, org_id, org_name, lang, sid, live, expires_at, active) = row
    if not live or not active or expires_at <= datetime.now(UTC) or role != claims.role:
        raise NotAuthenticated("Your session has ended. Please sign in again.")
    principal = Principal(
        id=user_id,
        email=email,
        display_name=name,
        role=role,
        organisation_id=org_id,
        organisation_name=org_name,
        preferred_language=lang,
        session_id=sid,
    )
    if kept is not None:
        kept.keep(key, principal, expires_at, generation)
    return principal
