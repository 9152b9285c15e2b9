"""Bearer tokens. The only module that imports python-jose.

One algorithm is pinned (HS256) for signing and for verifying; the header is checked before
the signature so ``alg: none`` and every other algorithm are refused outright. A token only
names a server-side session: revoking the session refuses the token on every worker at once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from jose import JWTError, jwt

ALGORITHM = "HS256"
ISSUER = "tafteesh"


class InvalidToken(Exception):
    """The token is malformed, tampered, expired or uses another algorithm."""


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    role: str
    session_id: uuid.UUID
    expires_at: datetime


def issue_token(
    secret: str, *, user_id: uuid.UUID, role: str, session_id: uuid.UUID, expires_at: datetime
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "role": role,
        "sid": str(session_id),
        "iss": ISSUER,
        "iat": int(now.timestamp()),
        "exp": int(expires_at.timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(secret: str, token: str) -> TokenClaims:
    claims = _verified_claims(secret, token)
    # Checked here on every call, not only when the signature was first verified: a token read
    # from the cache below must still expire on time.
    if claims.expires_at <= datetime.now(UTC):
        raise InvalidToken("the token has expired")
    return claims


@lru_cache(maxsize=4096)
def _verified_claims(secret: str, token: str) -> TokenClaims:
    """Check a token's algorithm and signature and read its claims.

    Cached by the exact token text: a signed-in person sends the same token with every request,
    and checking the signature again each time is a good part of a request's cost. Only tokens
    that passed are cached (a raised error is not), and the cache holds no secret the token did
    not already carry.
    """
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg") != ALGORITHM:
            raise InvalidToken("unexpected algorithm")
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require_exp": True, "require_sub": True, "require_iat": True},
        )
        return TokenClaims(
            user_id=uuid.UUID(claims["sub"]),
            role=str(claims["role"]),
            session_id=uuid.UUID(claims["sid"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (JWTError, KeyError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc


def session_expiry(hours: float) -> datetime:
    return datetime.now(UTC) + timedelta(hours=hours)
