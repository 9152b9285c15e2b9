"""Hot statements run on the request session's own asyncpg connection.

SQLAlchemy's work around each execution (the statement's cache key, binding every parameter
through an execution context, building a result) costs about 0.15 ms of Python, twice what
asyncpg spends on the same statement (bench/README.md, "Where the app's time goes"). For the
few statements on the busiest paths, ``DriverStatement`` compiles a Core statement once, exactly
as SQLAlchemy would send it, and runs it with asyncpg on the connection the session holds: in the
session's transaction, seeing what the session flushed, and failing with SQLAlchemy's own
exceptions, so callers, the transaction boundary and the tests cannot tell the difference.

What it gives up: no ORM objects (rows are ``DriverRow``: asyncpg records whose fields also read
as attributes, like SQLAlchemy's rows), no "expanding" IN parameters, no Python-side column
defaults (an INSERT leaves them to the columns' server defaults), and no result processing
beyond the driver's own decoding, so the statement's columns must be of types asyncpg returns as
the app expects (UUIDs, text, numbers, dates and timestamps, arrays; JSON and JSONB are decoded
by the codecs SQLAlchemy's dialect installs on every connection). Compiling refuses statements
outside that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any, TypeVar, cast

import asyncpg
from sqlalchemy import (
    ARRAY,
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    Float,
    Integer,
    Numeric,
    String,
    Time,
    Uuid,
    inspect,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import SessionTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import Label
from sqlalchemy.sql.type_api import TypeEngine, UserDefinedType

from tafteesh.db import Base
from tafteesh.lending import LendingSession

Loaded = TypeVar("Loaded", bound=Base)


class Records(UserDefinedType[list[tuple[Any, ...]]]):
    """``record[]``: rows packed into one column with ``array_agg(row(...))``, which asyncpg
    decodes as a list of tuples of its usual values. One statement can so return a case's
    charges and its stage history, two lists that would otherwise cost a round trip each."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "record[]"


def _decoded_alike(kind: TypeEngine[Any]) -> bool:
    """Whether asyncpg returns a column of this type as the same Python value SQLAlchemy would:
    not an Enum (SQLAlchemy gives the member), a string UUID or a Numeric whose ``asdecimal``
    differs from what the driver returns (Decimal for numeric, float for float)."""
    if isinstance(kind, Enum):
        return False
    if isinstance(kind, Uuid):
        return bool(kind.as_uuid)
    if isinstance(kind, Float):
        return not kind.asdecimal
    if isinstance(kind, Numeric):
        return bool(kind.asdecimal)
    if isinstance(kind, ARRAY):
        return _decoded_alike(kind.item_type)
    if isinstance(kind, Records):
        return True  # what is packed is the caller's to choose; asyncpg decodes each field
    return isinstance(kind, String | Integer | Boolean | Date | DateTime | Time | JSON)


# asyncpg ships no type hints, so mypy sees its Record as Any.
class DriverRow(asyncpg.Record):  # type: ignore[misc]
    """A row whose fields read as attributes too (``row.hearing_date``), as SQLAlchemy's do."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class DriverStatement:
    """A Core statement compiled once for asyncpg; ``fetch`` runs it on a session's connection.

    Parameters are bound by name, as with ``session.execute``; values fixed in the statement
    (``column == "scheduled"``, ``version + 1``) are bound from the statement itself. It is
    compiled by the engine's own dialect on first use, so its SQL is what SQLAlchemy sends.
    """

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    async def fetch(
        self, session: AsyncSession, params: Mapping[str, Any], *, begin: bool = True
    ) -> Sequence[DriverRow]:
        """Run in ``session``'s transaction (which it begins, as SQLAlchemy would, if nothing
        has yet) and return every row.

        With ``begin=False``, a statement that finds no transaction begun on the database runs
        outside one instead of sending BEGIN, and commits as it runs; later statements begin the
        transaction as usual. That is right for a read: at READ COMMITTED every statement takes
        its own snapshot, so a read before BEGIN sees what it would see after it, and a request
        that only reads never sends BEGIN and COMMIT. It is right for a write only when the
        statement is atomic by itself and the request's last write, since nothing after it can
        undo it.
        """
        # Autoflush exactly when session.execute would: the app's sessions do not autoflush
        # (services flush where they can turn a failure into a clear error, and a read_only
        # route's changes must stay visible to its guard).
        if session.sync_session.autoflush and (session.new or session.dirty or session.deleted):
            await session.flush()
        dialect, adapter, outside = await _connection_of(session, begin)
        compiled = self._compiled or self._compile(dialect)
        args = compiled.arguments(params)
        # The adapter's own discipline: one statement at a time, the transaction begun lazily.
        async with adapter._execute_mutex:
            try:
                if begin and not outside and adapter._transaction is None:
                    await adapter._start_transaction()
                rows = await adapter._connection.fetch(compiled.sql, *args, record_class=DriverRow)
            except Exception as error:
                failure = _as_sqlalchemy_error(dialect, adapter, compiled.sql, args, error)
            else:
                return cast(Sequence[DriverRow], rows)
        # Outside the adapter's lock: a lost connection is invalidated through SQLAlchemy.
        await _after_failure(session, failure)
        raise failure from failure.orig

    async def fetch_one(
        self, session: AsyncSession, params: Mapping[str, Any], *, begin: bool = True
    ) -> DriverRow | None:
        """The first row or None (the statement should return at most one)."""
        rows = await self.fetch(session, params, begin=begin)
        return rows[0] if rows else None

    def _compile(self, dialect: Dialect) -> _Compiled:
        self._compiled = _Compiled(self.statement, dialect)
        return self._compiled


class _Compiled:
    def __init__(self, statement: ClauseElement, dialect: Dialect) -> None:
        if dialect.driver != "asyncpg":
            raise TypeError(f"DriverStatement runs on asyncpg, not {dialect.driver}")
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        if compiled.positiontup is None:
            raise TypeError("DriverStatement needs a positional (asyncpg) compilation")
        if compiled.insert_prefetch or compiled.update_prefetch:
            names = [c.key for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise TypeError(
                f"{names}: Python-side defaults are not computed here; leave them to the "
                "columns' server defaults (from_select(..., include_defaults=False))"
            )
        self.sql = compiled.string
        # For each $n: the name a caller binds, or the value fixed in the statement.
        self._positions: list[tuple[str, Any]] = []
        for name in compiled.positiontup:
            bind = compiled.binds[name]
            if bind.expanding:
                raise TypeError(f"{bind.key}: expanding IN parameters are not supported")
            self._positions.append((bind.key, _REQUIRED if bind.required else bind.effective_value))
        processors = cast(dict[str, Callable[[Any], Any]], compiled._bind_processors)
        self._processors = [processors.get(name) for name in compiled.positiontup]
        for column in compiled._result_columns:
            kind: TypeEngine[Any] = column[3]
            if not _decoded_alike(kind):
                raise TypeError(f"{column[0]}: {kind!r} results need SQLAlchemy's processing")

    def arguments(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional arguments for ``params``; a required name not given is a KeyError."""
        values = []
        for (key, fixed), process in zip(self._positions, self._processors, strict=True):
            value = params[key] if fixed is _REQUIRED or key in params else fixed
            values.append(process(value) if process is not None else value)
        return values


_REQUIRED = object()


def columns_of(model: type[Base], prefix: str = "") -> list[Label[Any]]:
    """A model's columns for a driver statement, labelled with their attribute names (after
    ``prefix``, when two models are read in one row), for ``as_loaded``."""
    return [prop.columns[0].label(prefix + prop.key) for prop in inspect(model).column_attrs]


def as_loaded(
    session: AsyncSession, model: type[Loaded], row: DriverRow, prefix: str = ""
) -> Loaded:
    """The ORM object of a row read on the driver (``columns_of``), as if a query had loaded it:
    persistent in ``session``, its values the committed state, so changing it and flushing is
    an UPDATE guarded by its version as usual. When the session already holds that row's object,
    that one is returned, its expired attributes filled in from the row, as a query would.

    Loading through the ORM costs a case-scoped request a few hundred microseconds of compiling
    and instrumenting per row (bench/README.md); this is SQLAlchemy's own way of making an
    object from values read elsewhere (``make_transient_to_detached``).
    """
    names, primary_key = _attributes_of(model)
    values = {name: row[prefix + name] for name in names}
    mapper = inspect(model)
    identity = mapper.identity_key_from_primary_key(tuple(values[n] for n in primary_key))
    existing = session.sync_session.identity_map.get(identity)
    if existing is not None:
        state = instance_state(existing)
        for name in state.unloaded & values.keys():
            set_committed_value(existing, name, values[name])
        return cast(Loaded, existing)
    # As the ORM's loader does: a new instance without __init__, its values put in place
    # without attribute events (a constructor's 30 instrumented assignments cost more than the
    # rest), then marked loaded and detached, and attached to the session.
    loaded = cast(Loaded, mapper.class_manager.new_instance())
    instance_state(loaded).dict.update(values)
    make_transient_to_detached(loaded)
    session.add(loaded)
    return loaded


@cache
def _attributes_of(model: type[Base]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A model's column attribute names, and those of its primary key."""
    mapper = inspect(model)
    names = tuple(prop.key for prop in mapper.column_attrs)
    primary_key = tuple(mapper.get_property_by_column(c).key for c in mapper.primary_key)
    return names, primary_key


_HELD = "tafteesh.driver"  # in Session.info: (transaction, dialect, adapter) while it lasts


async def _connection_of(session: AsyncSession, begin: bool) -> tuple[Dialect, Any, bool]:
    """The dialect and SQLAlchemy's asyncpg adapter of the connection the statement runs on, and
    whether it runs outside any transaction (and must not begin one).

    A statement that need not begin a transaction, while none holds the session's connection,
    runs on the session's lent connection as it is (tafteesh.lending): no session transaction,
    no ``Connection``. Otherwise it runs on the connection the session's transaction holds,
    beginning the transaction if need be. A transaction keeps its connection until it ends, so
    they are looked up once per transaction or savepoint (asking the session costs a greenlet
    switch)."""
    if isinstance(session, LendingSession):
        lent = session.lent
        held_by_transaction = lent.connection is not None and lent.connection.in_transaction()
        if (not begin or lent.autocommits) and not held_by_transaction:
            return lent.engine.dialect, await lent.dbapi_connection(), True
    held = session.info.get(_HELD)
    transaction = _innermost(session)
    if held is not None and transaction is not None and held[0] is transaction:
        if transaction.is_active:
            return held[1], held[2], False
        # A failed flush deactivated it: the session raises PendingRollbackError, as it would
        # for session.execute, instead of the driver beginning a transaction of its own.
    # Asking the session also emits what it has deferred, such as a SAVEPOINT of begin_nested.
    connection = await session.connection()
    adapter = (await connection.get_raw_connection()).dbapi_connection
    session.info[_HELD] = (_innermost(session), connection.dialect, adapter)
    return connection.dialect, adapter, False


def _innermost(session: AsyncSession) -> SessionTransaction | None:
    sync = session.sync_session
    return sync.get_nested_transaction() or sync.get_transaction()


def _as_sqlalchemy_error(
    dialect: Dialect, adapter: Any, sql: str, args: list[Any], error: Exception
) -> StatementError:
    """The exception ``session.execute`` would have raised: the adapter turns asyncpg's error
    into its DB-API class, SQLAlchemy wraps that (IntegrityError…), noting a lost connection."""
    try:
        adapter._handle_exception(error)
    except Exception as translated:  # noqa: BLE001  (it always raises; this is its result)
        error = translated
    lost = dialect.is_disconnect(cast(Any, error), adapter, None)
    return DBAPIError.instance(
        sql, args, error, dialect.loaded_dbapi.Error, connection_invalidated=lost, dialect=dialect
    )


async def _after_failure(session: AsyncSession, failure: StatementError) -> None:
    """What SQLAlchemy does after a failed statement that the driver skipped: a lost connection
    is invalidated, so the pool replaces it instead of handing it out again."""
    session.info.pop(_HELD, None)
    if isinstance(failure, DBAPIError) and failure.connection_invalidated:
        if isinstance(session, LendingSession):
            await session.lent.invalidate(failure)
        else:
            connection = await session.connection()
            await connection.invalidate(failure)
