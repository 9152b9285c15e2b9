"""Seeding the demo consortium's thirty cases (``demo_cases``) through the case services, as its
people: each case opened by its lawyer, staffed by the lead, given its survivors and accused,
then walked through its course with dated stage and custody changes."""

from __future__ import annotations

import uuid
from datetime import date
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.models import Organisation, User
from tafteesh.auth.principal import Principal
from tafteesh.cases import parties, service, team
from tafteesh.cases.demo_cases import (
    ACCOUNT_EMAILS,
    ACCUSED_STATUSES,
    CASE_TYPES,
    CASES,
    COURTS,
    DISTRICTS,
    REFERENCE_PREFIX,
    STATES,
    TEAM_ROLES,
    DemoCase,
    identity_of,
    parse_cases,
)
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.models import Accused, Case
from tafteesh.cases.schemas import AccusedCreate, CaseCreate, SurvivorCreate
from tafteesh.cases.stages import Stage
from tafteesh.india import today_in_india


async def demo_principals(session: AsyncSession) -> dict[str, Principal]:
    """The demo people as the services see a signed-in user, each with a session of its own."""
    rows = await session.execute(
        select(  # Principal's fields, by name
            *(User.id, User.email, User.display_name, User.role, User.organisation_id),
            *(Organisation.name.label("organisation_name"), User.preferred_language),
        )
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(func.lower(User.email).in_(list(ACCOUNT_EMAILS.values())))
    )
    people = {row.email.lower(): Principal(**row._mapping, session_id=uuid.uuid4()) for row in rows}
    return {key: people[email] for key, email in ACCOUNT_EMAILS.items()}


async def seed_demo_cases(session: AsyncSession, cipher: IdentityCipher) -> int:
    """Add the demo cases whose reference is not taken yet; return how many were added."""
    taken = set(
        await session.scalars(
            select(func.lower(Case.reference)).where(Case.reference.startswith(REFERENCE_PREFIX))
        )
    )
    missing = [c for c in parse_cases(CASES, today_in_india()) if c.reference.lower() not in taken]
    if missing:
        people = await demo_principals(session)
        for demo in missing:
            await _seed_case(session, people, demo, cipher)
    return len(missing)


async def _seed_case(
    session: AsyncSession, people: dict[str, Principal], demo: DemoCase, cipher: IdentityCipher
) -> None:
    lawyer, lead = people[demo.team[0]], people["lead"]
    editor = people["S"] if "S" in demo.team else lawyer
    district, state = DISTRICTS[demo.district]
    cnr = demo.cnr
    if cnr and await session.scalar(select(Case.id).where(Case.cnr == cnr)):
        cnr = None  # a real case already has this number
    data = CaseCreate(
        reference=demo.reference,
        police_station=demo.police_station,
        fir_district=district,
        fir_state=state,
        fir_number=demo.fir_number,
        fir_year=demo.fir_date.year,
        fir_date=demo.fir_date,
        court_establishment=COURTS[demo.court][0] if demo.court else None,
        court_district=district if demo.court else None,
        cnr=cnr,
        case_type=CASE_TYPES[demo.docket[0]] if demo.docket else None,
        case_number=demo.docket[1].rstrip("*") if demo.docket else None,
        source_state=STATES[demo.route[0]],
        destination_state=STATES[demo.route[1]],
        victim_informed_on=demo.told_on,
        charges=demo.charges,
    )
    case = await service.open_case(session, lawyer, data=data, cipher=cipher)
    assign = partial(team.assign, session, lead, case)
    for key in demo.team[1:].replace("L", ""):
        await assign(user_id=people[key].id, team_role=TEAM_ROLES[key])
    consent = partial(
        parties.update_survivor, session, editor, case, pseudonym=None, identity=None, cipher=cipher
    )
    for pseudonym, age, account, consent_on in demo.survivors:
        fields = identity_of(demo, pseudonym, age, account)
        fields.update(pseudonym=pseudonym, user_id=people[account].id if account else None)
        survivor = await parties.add_survivor(
            session, editor, case, data=SurvivorCreate.model_validate(fields), cipher=cipher
        )
        if consent_on:  # she agrees later that a survivor leader may support her
            await consent(survivor, version=survivor.version, leader_consent_on=consent_on)
    if "L" in demo.team:
        await assign(user_id=people["L"].id, team_role="survivor_leader")
    # Stage moves and custody changes, replayed in the order they happened.
    events: list[tuple[date, Stage | Accused, str, str | None]] = [
        (on, stage, note, None) for on, stage, note in demo.path
    ]
    for name, alias, ((status, since, court), *later) in demo.accused:
        first = AccusedCreate.model_validate(
            {"name": name, "alias": alias, "status": ACCUSED_STATUSES[status]}
            | {"status_since": since, "bail_court": court}
        )
        accused = await parties.add_accused(session, lawyer, case, data=first, cipher=cipher)
        events += [(on, accused, status, court) for status, on, court in later]
    move = partial(service.change_stage, session, lawyer, case, victim_heard=False, cipher=cipher)
    custody = partial(
        parties.change_accused_status,
        session,
        lawyer,
        case,
        first_remand_on=None,
        note="",
        cipher=cipher,
    )
    for on, what, text, court in sorted(events, key=lambda event: event[0]):
        if isinstance(what, Stage):
            await move(version=case.version, target=what, effective_on=on, note=text)
        else:
            status, version = ACCUSED_STATUSES[text], what.version
            await custody(what, version=version, status=status, effective_on=on, bail_court=court)
