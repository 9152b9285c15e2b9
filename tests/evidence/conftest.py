"""Fixtures for the evidence tests: a case team with evidence made through the API, and custody
logs in databases of their own.

The API tests run like every other test, inside the rolled-back transaction of ``client``. The
custody log is one global log, so the database tests that tamper with it (as a superuser, with
triggers switched off) or race appends against each other work on a database of their own,
committed for real and dropped afterwards. Migrating a database costs about a second, so it is
done once per session into two templates; each test gets a copy of one (``CREATE DATABASE ...
TEMPLATE``, a fraction of that): ``fresh_log_db`` holds a case with three items and an empty log
(``SeedCase``), ``seeded_log_db`` the same with eight events and two checkpoints (``SeedLog``).
"""

from __future__ import annotations

import asyncio
import secrets
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tafteesh import migrate
from tafteesh.auth import service as accounts
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import CaseAccess
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.cases.models import Case
from tafteesh.cases.policy import CaseRelation
from tafteesh.cases.schemas import CaseCreate
from tafteesh.config import Settings
from tafteesh.db import create_engine, create_sessionmaker, driver_dsn
from tafteesh.embedded import DatabaseUrls, drop_database, provision_database
from tafteesh.evidence import service as evidence
from tafteesh.evidence.custody import CustodyFacts, append_event
from tafteesh.evidence.models import CustodyEvent, EvidenceItem
from tafteesh.evidence.schemas import CustodyEventIn, ItemCreate
from tafteesh.evidence.signing import LogSigner, load_signer, make_checkpoint
from tafteesh.evidence.storage import LocalBlobStore
from tafteesh.evidence.verification import StoreReport, verify_store
from tafteesh.evidence.vocabulary import CustodyEventType
from tafteesh.main import create_app
from tests.cases.conftest import (  # noqa: F401  (fixtures re-exported for this folder)
    API,
    CASES,
    Actor,
    AddSurvivor,
    AssignToTeam,
    MakeActor,
    MakeCase,
    add_survivor,
    assign_to_team,
    audit_count,
    make_actor,
    make_case,
    organisation,
)
from tests.conftest import ProvisionedDatabase
from tests.helpers import PASSWORD

EVIDENCE = f"{API}/evidence"
LOG_ORIGIN = "test/custody"


# -- a case team, through the API (rolled back with the test) ---------------------------------


@dataclass
class Team:
    """A case opened by its lawyer, with a social worker assigned by a lead, and the survivor
    (Meghna) on it with her own account."""

    lawyer: Actor
    social_worker: Actor
    lead: Actor
    survivor: Actor
    case: dict[str, Any]

    @property
    def case_id(self) -> str:
        return str(self.case["id"])


MakeTeam = Callable[..., Awaitable[Team]]
AddItem = Callable[..., Awaitable[dict[str, Any]]]
Upload = Callable[..., Awaitable[httpx.Response]]
RecordCustody = Callable[..., Awaitable[httpx.Response]]


@pytest.fixture
def make_team(
    make_actor: MakeActor,  # noqa: F811  (the fixtures imported above)
    make_case: MakeCase,  # noqa: F811
    add_survivor: AddSurvivor,  # noqa: F811
    assign_to_team: AssignToTeam,  # noqa: F811
) -> MakeTeam:
    async def factory(lead: Actor | None = None, **case_overrides: Any) -> Team:
        lawyer = await make_actor(Role.LAWYER)
        social_worker = await make_actor(Role.SOCIAL_WORKER)
        lead = lead or await make_actor(Role.CONSORTIUM_LEAD)
        survivor = await make_actor(Role.SURVIVOR)
        case = await make_case(lawyer, **case_overrides)
        await add_survivor(lawyer, case, account=survivor, consent=True)
        await assign_to_team(lead, case, social_worker)
        return Team(lawyer, social_worker, lead, survivor, case)

    return factory


def item_body(**overrides: Any) -> dict[str, Any]:
    """A phone seized in the raid: electronic evidence, which needs a BSA 63 certificate."""
    body: dict[str, Any] = {
        "kind": "electronic",
        "category": "device",
        "description": "Samsung phone of the accused, seized during the rescue",
        "seizure_memo_ref": "SM-214/2024",
        "device_type": "Mobile phone",
        "device_make": "Samsung",
        "device_model": "Galaxy M14",
        "device_serial": "R58W123ABC",
        "device_imei_or_mac": "356789104512345",
        "sensitivity": "team",
    }
    body.update(overrides)
    return body


@pytest.fixture
def add_item(client: httpx.AsyncClient) -> AddItem:
    async def factory(actor: Actor, case: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        response = await client.post(
            f"{CASES}/{case['id']}/evidence", json=item_body(**overrides), headers=actor.headers
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    return factory


@pytest.fixture
def upload(client: httpx.AsyncClient) -> Upload:
    async def factory(
        actor: Actor,
        item: dict[str, Any] | str,
        content: bytes,
        *,
        filename: str = "chat-export.txt",
        collector_sha256: str | None = None,
        content_type: str = "application/octet-stream",
    ) -> httpx.Response:
        item_id = item if isinstance(item, str) else item["id"]
        params = {"filename": filename}
        if collector_sha256 is not None:
            params["collector_sha256"] = collector_sha256
        return await client.put(
            f"{EVIDENCE}/{item_id}/files",
            params=params,
            content=content,
            headers={**actor.headers, "Content-Type": content_type},
        )

    return factory


def custody_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "sent_to_lab",
        "occurred_at": (datetime.now(UTC) - timedelta(hours=2)).isoformat(),
        "from_party": "SI Ratan Mondal, Ghutiari Sharif PS",
        "to_party": "CFSL Kolkata",
        "place": "Kolkata",
        "seals": ["S-1"],
        "notes": "Forwarding letter 77/2024",
    }
    body.update(overrides)
    return body


@pytest.fixture
def record_custody(client: httpx.AsyncClient) -> RecordCustody:
    async def factory(actor: Actor, item: dict[str, Any] | str, **overrides: Any) -> httpx.Response:
        item_id = item if isinstance(item, str) else item["id"]
        return await client.post(
            f"{EVIDENCE}/{item_id}/custody", json=custody_body(**overrides), headers=actor.headers
        )

    return factory


def unique_bytes(label: str = "evidence", size: int = 0) -> bytes:
    """File content no other test uploads (the blob store is shared by the whole session)."""
    head = f"{label} {uuid.uuid4()}\n".encode()
    return head + b"x" * max(0, size - len(head))


# -- custody logs in databases of their own ----------------------------------------------------


def principal_of(user: Any, organisation_name: str) -> Principal:
    return Principal(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        organisation_id=user.organisation_id,
        organisation_name=organisation_name,
        preferred_language="en",
        session_id=uuid.uuid4(),
    )


@dataclass(frozen=True)
class SeedCase:
    """A lawyer and her case with three evidence items (a phone, a bag, a SIM card), in every
    log database; in ``fresh_log_db`` no custody event is recorded yet."""

    lawyer: Principal
    lawyer_email: str
    case_id: uuid.UUID
    case_reference: str
    items: dict[str, uuid.UUID]  # "phone", "bag", "sim"


@dataclass(frozen=True)
class SeedLog:
    """The seeded log of ``seeded_log_db``. Events (seq: item, type): 1 phone seized, 2 bag
    seized, 3 phone file added, 4 bag sealed, checkpoint 4, 5 phone sent to lab, 6 bag deposited
    in the malkhana, 7 SIM seized, 8 phone received by lab, checkpoint 8. So the phone's chain is
    1-3-5-8, the bag's 2-4-6 and the SIM's 7."""

    file_sha256: str
    file_bytes: bytes
    checkpoints: dict[int, bytes]  # size -> the signed note, as a court holding it would


SEED_SIZE = 8
SEED_CHECKPOINTS = (4, 8)
LOG_TABLES = ("custody_events", "custody_checkpoints", "evidence_files")


@dataclass(frozen=True)
class LogTemplates:
    empty: str  # migrated, the seed case, an empty log
    seeded: str  # the same with the seeded log
    seed_dir: Path  # the seeded log's blob store and signing key
    case: SeedCase
    log: SeedLog
    owner_role: str
    app_role: str


@dataclass
class LogDatabase:
    name: str
    urls: DatabaseUrls
    superuser: URL  # on this database
    engine: AsyncEngine  # as the app role
    sessionmaker: async_sessionmaker[AsyncSession]
    data_dir: Path
    store: LocalBlobStore
    signer: LogSigner
    case: SeedCase
    log: SeedLog | None  # None: the log is empty
    seed_dir: Path
    snapshot: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)

    @property
    def items(self) -> dict[str, uuid.UUID]:
        return self.case.items

    async def tamper(self, *statements: str | tuple[Any, ...]) -> None:
        """Run statements as a superuser with triggers off (session_replication_role = replica),
        as someone with the database server's keys could: a rewrite the app itself cannot do."""
        conn = await asyncpg.connect(driver_dsn(self.superuser))
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                for statement in statements:
                    if isinstance(statement, str):
                        await conn.execute(statement)
                    else:
                        await conn.execute(*statement)
        finally:
            await conn.close()

    async def take_snapshot(self) -> None:
        conn = await asyncpg.connect(driver_dsn(self.superuser))
        try:
            for table in LOG_TABLES:
                rows = await conn.fetch(f"SELECT * FROM {table}")
                columns = list(rows[0].keys()) if rows else []
                self.snapshot[table] = (columns, [tuple(row.values()) for row in rows])
        finally:
            await conn.close()

    async def restore(self) -> None:
        """Put the log, the files table and the blob store back as the template had them: a
        few milliseconds, where a new copy of the database takes half a second."""
        conn = await asyncpg.connect(driver_dsn(self.superuser))
        try:
            async with conn.transaction():
                await conn.execute("SET LOCAL session_replication_role = replica")
                for table in LOG_TABLES:
                    await conn.execute(f"DELETE FROM {table}")
                    columns, rows = self.snapshot[table]
                    if rows:
                        await conn.copy_records_to_table(table, records=rows, columns=columns)
                size = len(self.snapshot["custody_events"][1])
                await conn.execute("UPDATE custody_log_head SET size = $1", size)
        finally:
            await conn.close()
        shutil.rmtree(self.data_dir / "evidence", ignore_errors=True)
        if self.log is not None:
            shutil.copytree(self.seed_dir / "evidence", self.data_dir / "evidence")
        self.store = LocalBlobStore(self.data_dir / "evidence")

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(driver_dsn(self.superuser))
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    async def verify(self, trusted_checkpoint: bytes | None = None) -> StoreReport:
        async with self.sessionmaker() as session:
            return await verify_store(
                session,
                store=self.store,
                signer=self.signer,
                trusted_checkpoint=trusted_checkpoint,
            )

    async def append(self, item: str, kind: CustodyEventType = CustodyEventType.TRANSFERRED) -> int:
        """Append one event to the named item through custody.append_event, committed."""
        async with self.sessionmaker() as session, session.begin():
            event = await append_to(session, self, item, kind)
            return int(event.seq)

    async def checkpoint(self) -> bytes:
        async with self.sessionmaker() as session, session.begin():
            made = await make_checkpoint(session, self.signer)
            assert made is not None
            return made.note.encode()


async def append_to(
    session: AsyncSession,
    db: LogDatabase,
    item: str,
    kind: CustodyEventType = CustodyEventType.TRANSFERRED,
) -> CustodyEvent:
    """Append one event to the named item in the session's transaction (not committed)."""
    target = await session.get(EvidenceItem, db.items[item])
    assert target is not None
    return await append_event(
        session,
        db.case.lawyer,
        target,
        CustodyFacts(type=kind, occurred_at=datetime.now(UTC), to_party="Court malkhana"),
    )


async def _clone(admin: URL, name: str, *, template: str, owner: str) -> None:
    conn = await asyncpg.connect(driver_dsn(admin))
    try:
        await conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" OWNER "{owner}"')
    finally:
        await conn.close()


def _on(url: URL, database: str) -> URL:
    return url.set(database=database)


def _access(case: Case, actor: Principal) -> CaseAccess:
    return CaseAccess(
        case=case,
        relation=CaseRelation(team_role="lawyer"),
        actor=actor,
        owning_organisation=actor.organisation_name,
    )


async def _seed_case(engine: AsyncEngine, data_dir: Path) -> SeedCase:
    cipher = IdentityCipher(load_identity_key(data_dir, None))
    tag = secrets.token_hex(4)
    email = f"seed.lawyer.{tag}@example.org"
    async with create_sessionmaker(engine)() as session, session.begin():
        org = await accounts.create_organisation(
            session, None, name=f"Seed NGO {tag}", kind=OrganisationKind.NGO
        )
        user = await accounts.create_user(
            session,
            None,
            email=email,
            display_name="Adv. Seed Lawyer",
            organisation_id=org.id,
            role=Role.LAWYER,
            password=PASSWORD,
            preferred_language=Language.EN,
        )
        actor = principal_of(user, org.name)
        case = await cases.open_case(
            session,
            actor,
            cipher=cipher,
            data=CaseCreate(
                reference=f"SV-SEED-{tag.upper()}",
                police_station="Ghutiari Sharif PS",
                fir_district="South 24 Parganas",
                fir_state="West Bengal",
                fir_number="214",
                fir_year=2024,
                fir_date=date(2024, 9, 12),
            ),
        )
        access = _access(case, actor)
        items = {}
        for key, fields in {
            "phone": {
                "kind": "electronic",
                "category": "device",
                "description": "Phone of the accused",
                "device_type": "Mobile phone",
                "device_imei_or_mac": "356789104512345",
            },
            "bag": {
                "kind": "physical",
                "category": "seized_object",
                "description": "Bag of documents",
            },
            "sim": {"kind": "electronic", "category": "device", "description": "SIM card"},
        }.items():
            made = await evidence.add_item(session, actor, access, data=ItemCreate(**fields))
            items[key] = made.id
        return SeedCase(
            lawyer=actor,
            lawyer_email=email,
            case_id=case.id,
            case_reference=case.reference,
            items=items,
        )


async def _seed_log(engine: AsyncEngine, data_dir: Path, seeded: SeedCase) -> SeedLog:
    store = LocalBlobStore(data_dir / "evidence")
    signer = load_signer(data_dir, LOG_ORIGIN)
    actor = seeded.lawyer
    notes: dict[int, bytes] = {}
    file_bytes = b"WhatsApp chat export of the accused's phone\n" * 20
    async with create_sessionmaker(engine)() as session, session.begin():
        case = await session.get(Case, seeded.case_id)
        assert case is not None
        access = _access(case, actor)
        item = {key: await session.get(EvidenceItem, id_) for key, id_ in seeded.items.items()}

        async def custody(key: str, kind: str, **fields: Any) -> None:
            moment = datetime.now(UTC) - timedelta(minutes=5)
            data = CustodyEventIn(type=CustodyEventType(kind), occurred_at=moment, **fields)
            target = item[key]
            assert target is not None
            await evidence.record_custody(session, actor, access, target, data=data)

        async def sign() -> bytes:
            made = await make_checkpoint(session, signer)
            assert made is not None
            return made.note.encode()

        async def one_chunk() -> AsyncIterator[bytes]:
            yield file_bytes

        await custody("phone", "seized", to_party="SI Ratan Mondal", place="Ghutiari Sharif")
        await custody("bag", "seized", to_party="SI Ratan Mondal", place="Ghutiari Sharif")
        stored = await store.put(one_chunk(), max_bytes=10**6)
        phone = item["phone"]
        assert phone is not None
        await evidence.attach_file(
            session,
            actor,
            access,
            phone,
            stored=stored,
            filename="chat-export.txt",
            content_type="text/plain",
            collector_sha256=None,
        )
        await custody("bag", "sealed", seals=["S-1"])
        notes[4] = await sign()
        await custody("phone", "sent_to_lab", to_party="CFSL Kolkata")
        await custody("bag", "deposited_malkhana", to_party="Malkhana in-charge")
        await custody("sim", "seized", to_party="SI Ratan Mondal")
        await custody("phone", "received_by_lab", to_party="CFSL Kolkata")
        notes[8] = await sign()
    return SeedLog(file_sha256=stored.sha256, file_bytes=file_bytes, checkpoints=notes)


@pytest.fixture(scope="session")
async def log_templates(
    test_database: ProvisionedDatabase, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[LogTemplates]:
    admin = test_database.admin
    empty = f"tafteesh_evlog_{secrets.token_hex(4)}"
    urls = await provision_database(admin, database=empty)
    await asyncio.to_thread(migrate.upgrade, urls.owner, app_role=urls.app.username)
    owner = str(urls.owner.username)
    seed_dir = tmp_path_factory.mktemp("evidence-seed")
    engine = create_engine(_on(urls.app, empty), pool_size=1, max_overflow=0)
    try:
        seed_case = await _seed_case(engine, seed_dir)
    finally:
        await engine.dispose()  # a template must have no connections when it is copied
    seeded = f"{empty}_seeded"
    await _clone(admin, seeded, template=empty, owner=owner)
    engine = create_engine(_on(urls.app, seeded), pool_size=1, max_overflow=0)
    try:
        seed_log = await _seed_log(engine, seed_dir, seed_case)
    finally:
        await engine.dispose()
    yield LogTemplates(
        empty=empty,
        seeded=seeded,
        seed_dir=seed_dir,
        case=seed_case,
        log=seed_log,
        owner_role=owner,
        app_role=str(urls.app.username),
    )
    await drop_database(admin, seeded)
    await drop_database(admin, empty)


@asynccontextmanager
async def log_database(
    templates: LogTemplates, admin: URL, data_dir: Path, *, seeded: bool
) -> AsyncIterator[LogDatabase]:
    """A copy of a template, committed for real; its files and signing key in ``data_dir``."""
    name = f"tafteesh_evlog_{secrets.token_hex(6)}"
    await _clone(
        admin,
        name,
        template=templates.seeded if seeded else templates.empty,
        owner=templates.owner_role,
    )
    # Both templates share the seed's key; only the seeded one has files.
    shutil.copytree(templates.seed_dir, data_dir, dirs_exist_ok=True)
    if not seeded:
        shutil.rmtree(data_dir / "evidence", ignore_errors=True)
    base = _on(admin, name)
    urls = DatabaseUrls(
        app=base.set(username=templates.app_role, password=None),
        owner=base.set(username=templates.owner_role, password=None),
    )
    # Up to 40 connections, for the tests that race 32 appends against each other.
    engine = create_engine(urls.app, pool_size=5, max_overflow=35)
    try:
        db = LogDatabase(
            name=name,
            urls=urls,
            superuser=base,
            engine=engine,
            sessionmaker=create_sessionmaker(engine),
            data_dir=data_dir,
            store=LocalBlobStore(data_dir / "evidence"),
            signer=load_signer(data_dir, LOG_ORIGIN),
            case=templates.case,
            log=templates.log if seeded else None,
            seed_dir=templates.seed_dir,
        )
        await db.take_snapshot()
        yield db
    finally:
        await engine.dispose()
        await drop_database(admin, name)


@pytest.fixture(scope="module")
async def fresh_log_module(
    log_templates: LogTemplates,
    test_database: ProvisionedDatabase,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LogDatabase]:
    """A database of its own with an empty log, shared by the tests of one module."""
    data_dir = tmp_path_factory.mktemp("fresh-log") / "data"
    async with log_database(log_templates, test_database.admin, data_dir, seeded=False) as db:
        yield db


@pytest.fixture
async def fresh_log_db(fresh_log_module: LogDatabase) -> LogDatabase:
    """The seed case (``SeedCase``) with an empty custody log, a blob store and a key: the
    module's log database, emptied before the test."""
    await fresh_log_module.restore()
    return fresh_log_module


@pytest.fixture(scope="module")
async def seeded_log_module(
    log_templates: LogTemplates,
    test_database: ProvisionedDatabase,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[LogDatabase]:
    """A database of its own holding the seeded log, shared by the tests of one module."""
    data_dir = tmp_path_factory.mktemp("seeded-log") / "data"
    async with log_database(log_templates, test_database.admin, data_dir, seeded=True) as db:
        yield db


@pytest.fixture
async def seeded_log_db(seeded_log_module: LogDatabase) -> LogDatabase:
    """The module's seeded log (``SeedLog``), its file and its key, restored to the seed before
    the test whatever the tests before it did."""
    await seeded_log_module.restore()
    return seeded_log_module


def app_on(db: LogDatabase, settings: Settings) -> FastAPI:
    """The app working on a log database (commits for real), with that log's store and key."""
    application = create_app(settings)
    application.state.engine = db.engine
    application.state.sessionmaker = db.sessionmaker
    application.state.read_sessionmaker = db.sessionmaker
    application.state.blob_store = db.store
    application.state.log_signer = db.signer
    return application


def codes(problems: Iterable[Any]) -> set[str]:
    return {problem.code for problem in problems}
