"""The principals a worker has checked, kept until PostgreSQL says one may have changed.

Every signed-in request needs its principal: the session, the account and its organisation,
and whether all are still current. Reading them from the database on every request was one
statement in three of a case page. Each worker now keeps the principals it has read and LISTENs
on ``tafteesh_principals``, which triggers notify when a session, an account or an organisation
is changed or deleted (migration 0006), by the app or by hand. On any notice the worker forgets
everything it kept. A revoked session, a deactivated account or a changed role therefore stops
being accepted as soon as the notice reaches each worker: a millisecond or so after the commit
on one machine. The worker that committed the change does not wait for it: the request that
made it (``principals_changed``) makes it forget at its commit. On other workers, a request
that overtakes the notice in that moment is answered as one already in flight at the commit
would have been.

A worker keeps nothing, and reads the principal on every request, unless notices are proven to
reach it: before its first LISTEN, in the tests (which drive the app without its lifespan), and
whenever its last probe is older than ``LEASE_SECONDS``. A probe is a notice sent from a second
connection every ``PROBE_SECONDS``; one that does not come back counts as a lost connection.
So behind a pooler that cannot LISTEN (PgBouncer in transaction mode), where notices would
silently never arrive, nothing is kept; and a listening connection that dies without a word (a
failover, a cut network) stops the serving within ``LEASE_SECONDS`` (11 s), one that is closed
or killed at once.

A principal read while a notice arrives is not kept (``generation``), so a lookup that began
before a revocation cannot store the old answer after it. Session expiry is checked on every
use, from the expiry kept with the principal.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal

CHANNEL = "tafteesh_principals"
# How the listening connection, and the one that sends its probes, show in pg_stat_activity.
APPLICATION_NAME = "tafteesh principal notices"
MAX_KEPT = 10_000  # live sessions number in the hundreds; past this, start afresh
RECONNECT_SECONDS = 1.0
# How often the worker proves that notices still reach it, and how long a probe may take. What
# it kept is served only while the last proof is younger than LEASE_SECONDS, so a connection that
# died without a word (a failover, a cut network) stops the serving within that time.
PROBE_SECONDS = 5.0
PROBE_TIMEOUT_SECONDS = 5.0
LEASE_SECONDS = PROBE_SECONDS + PROBE_TIMEOUT_SECONDS + 1.0
_PROBE = "probe:"

log = logging.getLogger(__name__)
# What a lost or refused connection raises: reconnect quietly.
_CONNECTION_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)

# A bearer token's session, user and role: a token naming another role never matches.
Key = tuple[uuid.UUID, uuid.UUID, str]
# In Session.info: this request changed a session, an account or an organisation.
_CHANGED = "tafteesh.principals_changed"


def principals_changed(session: AsyncSession) -> None:
    """Mark the request as changing who someone is signed in as (sign-out, an account's role,
    name, language or state): its worker forgets what it kept as soon as the request commits,
    without waiting for the notice that tells every worker (``PrincipalCache.after_commit``)."""
    session.info[_CHANGED] = True


class _NoticesLost(Exception):
    """The worker's probe did not come back: notices are not reaching it."""


@dataclass(frozen=True)
class _Kept:
    principal: Principal
    expires_at: datetime


class PrincipalCache:
    def __init__(self) -> None:
        self._kept: dict[Key, _Kept] = {}
        self._generation = 0
        self._listening = False
        self._proved_at = -LEASE_SECONDS  # time.monotonic() of the last probe that came back
        self._probes: dict[str, asyncio.Event] = {}

    @property
    def generation(self) -> int:
        """Changes whenever what was kept may be out of date; read it before a lookup."""
        return self._generation

    @property
    def listening(self) -> bool:
        """Notices reach this worker: it is listening and its last probe is recent."""
        return self._listening and time.monotonic() - self._proved_at < LEASE_SECONDS

    def get(self, key: Key) -> Principal | None:
        if not self.listening:
            return None
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
        if not self.listening or generation != self._generation:
            return
        if len(self._kept) >= MAX_KEPT:
            self._kept.clear()
        self._kept[key] = _Kept(principal, expires_at)

    def forget_all(self) -> None:
        self._generation += 1
        self._kept.clear()

    def after_commit(self, session: AsyncSession) -> None:
        """Run by ``TransactionalRoute`` once a request has committed: a request marked by
        ``principals_changed`` makes this worker forget at once, so the next request it serves
        (a stolen token tried right after sign-out, the page after a change of language) is
        checked against the committed rows even before the notice arrives."""
        if session.info.pop(_CHANGED, False):
            self.forget_all()

    def _stop(self) -> None:
        self._listening = False
        self.forget_all()

    def _on_notice(self, _connection: object, _pid: int, _channel: str, payload: str) -> None:
        if payload.startswith(_PROBE):
            if (arrived := self._probes.get(payload)) is not None:
                arrived.set()
            return  # another worker's probe: nothing changed
        self.forget_all()

    async def listen(self, dsn: str) -> None:
        """LISTEN for changes until cancelled, reconnecting when the connection is lost.

        Probes are sent from a second connection: a notice that comes back then proves that
        PostgreSQL delivers to this listener what other sessions send, which a pooler in
        transaction mode (where the probe would often run on the listener's own backend) does
        not."""
        failures = 0
        while True:
            # Said on the first failure and then once a minute, not on every retry.
            say = failures % max(1, int(60 / RECONNECT_SECONDS)) == 0
            try:
                await self._listen_once(dsn)
                failures = 0
            except asyncio.CancelledError:
                raise
            except _NoticesLost:
                if say:
                    log.warning(
                        "principal notices do not arrive (is the database behind a pooler in "
                        "transaction mode?): nothing is kept; trying again"
                    )
                failures += 1
            except _CONNECTION_ERRORS as exc:
                if say:
                    log.warning("principal notices: %s; reconnecting", type(exc).__name__)
                failures += 1
            except Exception:  # never let the listener die: without it nothing is kept
                if say:
                    log.exception("principal notices: unexpected error; reconnecting")
                failures += 1
            finally:
                self._stop()
            await asyncio.sleep(RECONNECT_SECONDS)

    async def _listen_once(self, dsn: str) -> None:
        listener = await asyncpg.connect(
            dsn, server_settings={"application_name": APPLICATION_NAME}
        )
        sender: asyncpg.Connection | None = None
        lost = asyncio.Event()

        def on_lost(_connection: object) -> None:
            self._stop()  # at once, not at the next probe
            lost.set()

        try:
            listener.add_termination_listener(on_lost)
            await listener.add_listener(CHANNEL, self._on_notice)
            sender = await asyncpg.connect(
                dsn, server_settings={"application_name": f"{APPLICATION_NAME} (probe)"}
            )
            sender.add_termination_listener(on_lost)
            await self._probe(sender)
            # Anything read before LISTEN took effect may have missed its notice.
            self.forget_all()
            self._listening = True
            while not lost.is_set():
                try:
                    await asyncio.wait_for(lost.wait(), timeout=PROBE_SECONDS)
                except TimeoutError:
                    await self._probe(sender)
            log.warning("principal notices: connection lost; reconnecting")
        finally:
            for connection in (listener, sender):
                if connection is not None and not connection.is_closed():
                    connection.terminate()

    async def _probe(self, sender: asyncpg.Connection) -> None:
        """Notify from the sender and wait for the notice to reach the listener."""
        payload = f"{_PROBE}{secrets.token_hex(8)}"
        arrived = self._probes[payload] = asyncio.Event()
        try:
            await sender.execute(
                "SELECT pg_notify($1, $2)", CHANNEL, payload, timeout=PROBE_TIMEOUT_SECONDS
            )
            try:
                await asyncio.wait_for(arrived.wait(), timeout=PROBE_TIMEOUT_SECONDS)
            except TimeoutError:
                raise _NoticesLost() from None
            self._proved_at = time.monotonic()
        finally:
            del self._probes[payload]
