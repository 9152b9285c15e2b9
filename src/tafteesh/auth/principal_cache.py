"""The principals a worker has checked, kept until PostgreSQL says one may have changed.

Every signed-in request needs its principal: the session, the account and its organisation,
and whether all are still current. Reading them from the database on every request was one
statement in three of a case page. Each worker now keeps the principals it has read and LISTENs
on ``tafteesh_principals``, which triggers notify when a session, an account or an organisation
is changed or deleted (migration 0006), by the app or by hand. On any notice the worker forgets
everything it kept, so a revoked session, a deactivated account or a changed role still takes
effect at once, within the time a notice takes to arrive (a millisecond or so on one machine).

A worker keeps nothing while it is not listening: before its first LISTEN, after the
connection is lost (it forgets all and reconnects), and in the tests, which drive the app
without its lifespan. Listening is proven, not assumed: the worker notifies itself when it
connects and every ``PROBE_SECONDS``, and treats a probe that does not come back as a lost
connection. Behind a pooler that cannot LISTEN (PgBouncer in transaction mode), where notices
would silently never arrive, it therefore keeps nothing and every request reads its principal.

A principal read while a notice arrives is not kept (``generation``), so a lookup that began
before a revocation cannot store the old answer after it. Session expiry is checked on every
use, from the expiry kept with the principal.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg

from tafteesh.auth.principal import Principal

CHANNEL = "tafteesh_principals"
# How the listening connection shows in pg_stat_activity.
APPLICATION_NAME = "tafteesh principal notices"
# Live sessions number in the hundreds; past this, a flood of distinct tokens starts afresh.
MAX_KEPT = 10_000
RECONNECT_SECONDS = 1.0
# How often the worker checks that its notices still arrive (a cut network, a pooler), and how
# long its own probe may take to come back.
PROBE_SECONDS = 30.0
PROBE_TIMEOUT_SECONDS = 5.0
_PROBE = "probe:"

log = logging.getLogger(__name__)
# What a lost or refused connection raises: reconnect, never let the listener die.
_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

# A bearer token's session, user and role: a token naming another role never matches.
Key = tuple[uuid.UUID, uuid.UUID, str]


class _NoticesLost(Exception):
    """The worker's own probe did not come back: notices are not reaching it."""


@dataclass(frozen=True)
class _Kept:
    principal: Principal
    expires_at: datetime


class PrincipalCache:
    def __init__(self) -> None:
        self._kept: dict[Key, _Kept] = {}
        self._generation = 0
        self._listening = False
        self._probes: dict[str, asyncio.Event] = {}

    @property
    def generation(self) -> int:
        """Changes whenever what was kept may be out of date; read it before a lookup."""
        return self._generation

    @property
    def listening(self) -> bool:
        return self._listening

    def get(self, key: Key) -> Principal | None:
        kept = self._kept.get(key)
        if kept is None:
            return None
        if kept.expires_at <= datetime.now(UTC):
            del self._kept[key]
            return None
        return kept.principal

    def keep(self, key: Key, principal: Principal, expires_at: datetime, generation: int) -> None:
        """Keep a principal read from the database, unless a notice came since ``generation``
        was read (the lookup may have seen the row before the change) or nobody is listening."""
        if not self._listening or generation != self._generation:
            return
        if len(self._kept) >= MAX_KEPT:
            self._kept.clear()
        self._kept[key] = _Kept(principal, expires_at)

    def forget_all(self) -> None:
        self._generation += 1
        self._kept.clear()

    def _on_notice(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(_PROBE):
            if (arrived := self._probes.get(payload)) is not None:
                arrived.set()
            return  # another worker's probe: nothing changed
        self.forget_all()

    async def listen(self, dsn: str) -> None:
        """LISTEN for changes until cancelled, reconnecting when the connection is lost."""
        while True:
            try:
                connection = await asyncpg.connect(
                    dsn, server_settings={"application_name": APPLICATION_NAME}
                )
            except _CONNECTION_ERRORS as exc:
                log.warning("principal notices: cannot connect (%s); retrying", type(exc).__name__)
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            lost = asyncio.Event()
            connection.add_termination_listener(lambda _connection, lost=lost: lost.set())
            try:
                await connection.add_listener(CHANNEL, self._on_notice)
                await self._probe(connection)
                # Anything read before LISTEN took effect may have missed its notice.
                self.forget_all()
                self._listening = True
                await self._until_lost(connection, lost)
                log.warning("principal notices: connection lost; reconnecting")
            except _NoticesLost:
                log.warning(
                    "principal notices do not arrive (is the database behind a pooler in "
                    "transaction mode?): nothing is kept; trying again"
                )
            except _CONNECTION_ERRORS as exc:
                log.warning("principal notices: %s; reconnecting", type(exc).__name__)
            finally:
                self._listening = False
                self.forget_all()
                if not connection.is_closed():
                    connection.terminate()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _until_lost(self, connection: asyncpg.Connection, lost: asyncio.Event) -> None:
        while not lost.is_set():
            try:
                await asyncio.wait_for(lost.wait(), timeout=PROBE_SECONDS)
            except TimeoutError:
                await self._probe(connection)

    async def _probe(self, connection: asyncpg.Connection) -> None:
        """Notify ourselves and wait for the notice to come back."""
        payload = f"{_PROBE}{secrets.token_hex(8)}"
        arrived = self._probes[payload] = asyncio.Event()
        try:
            await connection.execute(
                "SELECT pg_notify($1, $2)", CHANNEL, payload, timeout=PROBE_TIMEOUT_SECONDS
            )
            try:
                await asyncio.wait_for(arrived.wait(), timeout=PROBE_TIMEOUT_SECONDS)
            except TimeoutError:
                raise _NoticesLost() from None
        finally:
            del self._probes[payload]
