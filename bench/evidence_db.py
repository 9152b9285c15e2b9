"""The database of `bench/evidence.py`: made afresh each run, and the fixture the phases use.

`fresh_database` drops and migrates the benchmark's own database (the custody log is
append-only, so it cannot be emptied any other way); `make_fixture` makes, through the app's
services, a lawyer, her cases and the items the append phase uses. Plus the asyncpg DSN of a
URL and forgetting dead holders of the embedded server.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from evidence_common import DATA_DIR, LAWYER_EMAIL, PASSWORD
from sqlalchemy.engine import URL

from tafteesh import migrate
from tafteesh.auth import service as accounts
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases import service as cases
from tafteesh.cases.dependencies import case_access
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.cases.schemas import CaseCreate
from tafteesh.db import create_engine, create_sessionmaker
from tafteesh.embedded import DatabaseUrls, drop_database, provision_database
from tafteesh.evidence import service as evidence
from tafteesh.evidence.models import EvidenceItem
from tafteesh.evidence.schemas import ItemCreate

# -- the database -------------------------------------------------------------------------------


def fresh_database(admin: URL) -> DatabaseUrls:
    """Drop the benchmark's database and make it again, migrated: every run starts from an
    empty custody log (the log is append-only, so it cannot be emptied any other way)."""
    asyncio.run(drop_database(admin, "tafteesh"))
    urls = asyncio.run(provision_database(admin))
    migrate.upgrade(urls.owner, app_role=urls.app.username)
    return urls


@dataclass
class Fixture:
    """The lawyer, her cases and the items the measurements use."""

    lawyer: Principal
    cases: list[tuple[uuid.UUID, str]]  # (id, reference)
    append_items: list[EvidenceItem] = field(default_factory=list)


def _principal(user: Any, organisation_name: str) -> Principal:
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


async def make_fixture(urls: DatabaseUrls, *, cases_count: int, append_items: int) -> Fixture:
    """A lawyer, her cases and the append phase's items, made through the services."""
    cipher = IdentityCipher(load_identity_key(DATA_DIR, None))
    engine = create_engine(urls.app, pool_size=1, max_overflow=0)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            org = await accounts.create_organisation(
                session, None, name="Evidence Bench NGO", kind=OrganisationKind.NGO
            )
            user = await accounts.create_user(
                session,
                None,
                email=LAWYER_EMAIL,
                display_name="Adv. Bench Lawyer",
                organisation_id=org.id,
                role=Role.LAWYER,
                password=PASSWORD,
                preferred_language=Language.EN,
            )
            actor = _principal(user, org.name)
            made = []
            for number in range(max(cases_count, 1)):
                case = await cases.open_case(
                    session,
                    actor,
                    cipher=cipher,
                    data=CaseCreate(
                        reference=f"EV-BENCH-{number:05d}",
                        police_station="Ghutiari Sharif PS",
                        fir_district="South 24 Parganas",
                        fir_state="West Bengal",
                        fir_number=str(100 + number),
                        fir_year=2024,
                        fir_date=date(2024, 9, 12),
                    ),
                )
                made.append((case.id, case.reference))
            fixture = Fixture(actor, made)
            # Through the app's own access check, as a request would be.
            access = await case_access(session, actor, made[0][0])
            assert access is not None
            for number in range(append_items):
                item = await evidence.add_item(
                    session,
                    actor,
                    access,
                    data=ItemCreate(
                        kind="electronic",
                        category="device",
                        description=f"Phone {number} seized during the rescue",
                        device_type="Mobile phone",
                        device_imei_or_mac=f"35678910{number:07d}",
                    ),
                )
                fixture.append_items.append(item)
            return fixture
    finally:
        await engine.dispose()
