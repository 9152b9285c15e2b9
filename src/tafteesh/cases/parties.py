"""The people in a case: survivors (pseudonym plus encrypted identity) and the accused."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from tafteesh.audit.service import AuditLine
from tafteesh.auth.models import User
from tafteesh.auth.principal import Principal
from tafteesh.auth.roles import Role
from tafteesh.cases import timeline
from tafteesh.cases.bookkeeping import check_date_between
from tafteesh.cases.changes import record_change
from tafteesh.cases.clock_service import refresh_next_due
from tafteesh.cases.identity import IdentityCipher, SurvivorIdentity
from tafteesh.cases.models import Accused, AccusedStatusChange, Case, Survivor
from tafteesh.cases.schemas import AccusedCreate, IdentityFields, SurvivorCreate
from tafteesh.errors import Conflict, InvalidInput, NotFound, StaleVersion
from tafteesh.india import today_in_india

ACCUSED_STATUS_LABELS = {
    "absconding": "Absconding",
    "arrested": "Arrested",
    "judicial_custody": "In judicial custody",
    "on_bail": "On bail",
    "discharged": "Discharged",
    "convicted": "Convicted",
    "acquitted": "Acquitted",
}


def _identity(fields: IdentityFields) -> SurvivorIdentity:
    return SurvivorIdentity(
        legal_name=fields.legal_name,
        guardian_name=fields.guardian_name,
        phone=fields.phone,
        address=fields.address,
        age_at_offence=fields.age_at_offence,
        is_minor=fields.is_minor
        or (fields.age_at_offence is not None and fields.age_at_offence < 18),
    )


# -- survivors ---------------------------------------------------------------------------------


async def survivors_of(session: AsyncSession, case_id: uuid.UUID) -> list[Survivor]:
    return list(
        await session.scalars(
            select(Survivor).where(Survivor.case_id == case_id).order_by(Survivor.created_at)
        )
    )


async def _check_survivor_account(session: AsyncSession, user_id: uuid.UUID | None) -> None:
    if user_id is None:
        return
    role = await session.scalar(select(User.role).where(User.id == user_id, User.is_active))
    if role != Role.SURVIVOR:
        raise InvalidInput(
            "Link only an active survivor account to a survivor.",
            details={"fields": {"user_id": "not a survivor account"}},
        )


async def add_survivor(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    *,
    data: SurvivorCreate,
    cipher: IdentityCipher,
) -> Survivor:
    await _check_survivor_account(session, data.user_id)
    survivor = Survivor(
        id=uuid.uuid4(), case_id=case.id, pseudonym=data.pseudonym, user_id=data.user_id
    )
    survivor.identity_ciphertext = cipher.encrypt(survivor.id, _identity(data))
    if data.leader_consent_on:
        check_date_between(
            "consent date",
            data.leader_consent_on,
            case.fir_date,
            today_in_india(),
            "leader_consent_on",
        )
        survivor.leader_consent_on = data.leader_consent_on
        survivor.leader_consent_recorded_by = actor.id
    session.add(survivor)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(
            f"A survivor called {data.pseudonym} is already on this case; "
            "choose another pseudonym.",
            details={"fields": {"pseudonym": "already used on this case"}},
        ) from exc
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.SURVIVOR_ADDED,
                f"Survivor {survivor.pseudonym} added to the case",
                params={"survivor_id": str(survivor.id), "pseudonym": survivor.pseudonym},
            )
        ],
        audit=[
            AuditLine(
                "survivor.create",
                object_type="survivor",
                object_id=survivor.id,
                summary=f"case {case.reference}, pseudonym {survivor.pseudonym}",
            )
        ],
    )
    await refresh_next_due(session, case, cipher=cipher, today=today_in_india())
    return survivor


async def get_survivor(session: AsyncSession, case: Case, survivor_id: uuid.UUID) -> Survivor:
    survivor = await session.scalar(
        select(Survivor).where(Survivor.id == survivor_id, Survivor.case_id == case.id)
    )
    if survivor is None:
        raise NotFound("There is no such survivor on this case.")
    return survivor


async def update_survivor(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    survivor: Survivor,
    *,
    version: int,
    pseudonym: str | None,
    identity: IdentityFields | None,
    leader_consent_on: date | None,
    cipher: IdentityCipher,
) -> Survivor:
    if version != survivor.version:
        # The current values are the pseudonym and version only: identity never goes in errors.
        raise StaleVersion(
            "survivor record", {"pseudonym": survivor.pseudonym, "version": survivor.version}
        )
    changed: list[str] = []
    if pseudonym and pseudonym != survivor.pseudonym:
        survivor.pseudonym = pseudonym
        changed.append("pseudonym")
    if identity is not None:
        survivor.identity_ciphertext = cipher.encrypt(survivor.id, _identity(identity))
        changed.append("identity")
    if leader_consent_on and leader_consent_on != survivor.leader_consent_on:
        check_date_between(
            "consent date",
            leader_consent_on,
            case.fir_date,
            today_in_india(),
            "leader_consent_on",
        )
        survivor.leader_consent_on = leader_consent_on
        survivor.leader_consent_recorded_by = actor.id
        changed.append("leader consent")
    if not changed:
        return survivor
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("survivor record", {"version": version}) from exc
    except IntegrityError as exc:
        raise Conflict("Another survivor on this case has this pseudonym.") from exc
    consent = "leader consent" in changed
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.LEADER_CONSENT
                if consent
                else timeline.EventKind.SURVIVOR_UPDATED,
                f"Survivor {survivor.pseudonym}: {', '.join(changed)} updated",
                "You agreed that a survivor leader may support you in your case."
                if consent
                else None,
                {"survivor_id": str(survivor.id), "changed": changed},
            )
        ],
        audit=[
            AuditLine(
                "survivor.update",
                object_type="survivor",
                object_id=survivor.id,
                summary=", ".join(changed),
            )
        ],
    )
    await refresh_next_due(session, case, cipher=cipher, today=today_in_india())
    return survivor


# -- accused -----------------------------------------------------------------------------------


def name_key(name: str | None) -> str | None:
    return " ".join(name.lower().split()) if name else None


async def accused_of(session: AsyncSession, case_id: uuid.UUID) -> list[tuple[Accused, int]]:
    """The case's accused, each with how many other cases name the same person (by name or alias).

    Only the count: the team learns a person is a repeat accused without seeing cases they may
    not open.
    """
    other = Accused.__table__.alias("other")
    this = Accused.__table__.alias("this")
    count = (
        select(func.count(other.c.case_id.distinct()))
        .where(
            other.c.case_id != this.c.case_id,
            or_(
                other.c.name_key == this.c.name_key,
                other.c.alias_key == this.c.name_key,
                and_(this.c.alias_key.is_not(None), other.c.name_key == this.c.alias_key),
                and_(this.c.alias_key.is_not(None), other.c.alias_key == this.c.alias_key),
            ),
        )
        .scalar_subquery()
    )
    rows = await session.execute(select(this.c.id, count).where(this.c.case_id == case_id))
    counts = {accused_id: int(n) for accused_id, n in rows}
    people = await session.scalars(
        select(Accused).where(Accused.case_id == case_id).order_by(Accused.created_at)
    )
    return [(person, int(counts.get(person.id, 0))) for person in people]


async def add_accused(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    *,
    data: AccusedCreate,
    cipher: IdentityCipher,
) -> Accused:
    today = today_in_india()
    since = data.status_since or today
    check_date_between("status date", since, case.fir_date, today, "status_since")
    check_date_between(
        "first remand date", data.first_remand_on, case.fir_date, today, "first_remand_on"
    )
    first_remand = data.first_remand_on
    if first_remand is None and data.status == "judicial_custody":
        first_remand = since
    accused = Accused(
        case_id=case.id,
        name=data.name,
        alias=data.alias,
        name_key=name_key(data.name) or "",
        alias_key=name_key(data.alias),
        status=data.status,
        status_since=since,
        first_remand_on=first_remand,
        bail_court=data.bail_court,
    )
    session.add(accused)
    await session.flush()
    session.add(
        AccusedStatusChange(
            accused_id=accused.id,
            from_status=None,
            to_status=data.status,
            effective_on=since,
            actor_id=actor.id,
            note="added to the case",
        )
    )
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.ACCUSED_ADDED,
                f"Accused {accused.name} added ({ACCUSED_STATUS_LABELS[data.status].lower()})",
                params={"accused_id": str(accused.id), "status": data.status},
            )
        ],
        audit=[
            AuditLine(
                "accused.create",
                object_type="accused",
                object_id=accused.id,
                summary=f"case {case.reference}",
            )
        ],
    )
    await refresh_next_due(session, case, cipher=cipher, today=today)
    return accused


async def get_accused(session: AsyncSession, case: Case, accused_id: uuid.UUID) -> Accused:
    accused = await session.scalar(
        select(Accused).where(Accused.id == accused_id, Accused.case_id == case.id)
    )
    if accused is None:
        raise NotFound("There is no such accused person on this case.")
    return accused


async def change_accused_status(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    accused: Accused,
    *,
    version: int,
    status: str,
    effective_on: date | None,
    first_remand_on: date | None,
    bail_court: str | None,
    note: str,
    cipher: IdentityCipher,
) -> Accused:
    if version != accused.version:
        raise StaleVersion(
            "accused record",
            {
                "status": accused.status,
                "status_since": accused.status_since.isoformat(),
                "version": accused.version,
            },
        )
    today = today_in_india()
    effective = effective_on or today
    if effective > today or effective < accused.status_since:
        raise InvalidInput(
            f"The date must be between {accused.status_since:%d %b %Y} (the current status) "
            "and today.",
            details={"fields": {"effective_on": "out of range"}},
        )
    check_date_between(
        "first remand date", first_remand_on, case.fir_date, today, "first_remand_on"
    )
    previous = accused.status
    if status == previous and first_remand_on in (None, accused.first_remand_on):
        raise InvalidInput(f"{accused.name} is already {ACCUSED_STATUS_LABELS[status].lower()}.")
    accused.status = status
    accused.status_since = effective
    if first_remand_on is not None:
        accused.first_remand_on = first_remand_on
    elif accused.first_remand_on is None and status == "judicial_custody":
        accused.first_remand_on = effective
    # The bail court describes the current bail only.
    accused.bail_court = (bail_court or case.court_establishment) if status == "on_bail" else None
    try:
        await session.flush()
    except StaleDataError as exc:
        raise StaleVersion("accused record", {"version": version}) from exc
    session.add(
        AccusedStatusChange(
            accused_id=accused.id,
            from_status=previous,
            to_status=status,
            effective_on=effective,
            actor_id=actor.id,
            note=note,
        )
    )
    await record_change(
        session,
        actor,
        case,
        events=[
            timeline.Entry(
                timeline.EventKind.ACCUSED_STATUS,
                f"{accused.name}: {ACCUSED_STATUS_LABELS[previous]} → "
                f"{ACCUSED_STATUS_LABELS[status]} (on {effective:%d %b %Y})",
                f"An accused person in your case {timeline.ACCUSED_STATUS_FOR_SURVIVOR[status]}.",
                {"accused_id": str(accused.id), "from": previous, "to": status},
            )
        ],
        audit=[
            AuditLine(
                "accused.status",
                object_type="accused",
                object_id=accused.id,
                summary=f"{previous} -> {status}",
            )
        ],
    )
    await refresh_next_due(session, case, cipher=cipher, today=today)
    return accused
