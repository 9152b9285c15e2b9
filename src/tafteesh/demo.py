"""The demo consortium: organisations, one account of every role, about thirty cases
(``cases/demo.py``) and their hearings (``hearings/demo.py``), seeded idempotently.

Names are invented. Survivors appear under pseudonyms even in the demo, as they would in use.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth import service as accounts
from tafteesh.auth.models import User
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases.demo import seed_demo_cases
from tafteesh.cases.identity import IdentityCipher, load_identity_key
from tafteesh.compensation.demo import seed_demo_claims
from tafteesh.config import get_settings
from tafteesh.evidence.demo import seed_demo_evidence
from tafteesh.evidence.signing import load_signer
from tafteesh.hearings.demo import seed_demo_hearings

DEMO_PASSWORD = "tafteesh-demo-2026"

ORGANISATIONS: tuple[tuple[str, OrganisationKind], ...] = (
    ("Jibon Alo Anti-Trafficking Network (consortium host)", OrganisationKind.NGO),
    ("Nyaya Legal Aid Collective", OrganisationKind.LEGAL_AID),
    ("Utthan Survivors' Collective", OrganisationKind.SURVIVOR_COLLECTIVE),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    display_name: str
    role: Role
    organisation: str
    language: Language = Language.EN


ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin@demo.tafteesh.org", "Ritu Admin", Role.ADMIN, ORGANISATIONS[0][0]),
    DemoAccount(
        "lead@demo.tafteesh.org",
        "Farida Consortium Lead",
        Role.CONSORTIUM_LEAD,
        ORGANISATIONS[0][0],
    ),
    DemoAccount(
        "lawyer.kolkata@demo.tafteesh.org", "Adv. Subrata Ghosh", Role.LAWYER, ORGANISATIONS[1][0]
    ),
    DemoAccount(
        "lawyer.mumbai@demo.tafteesh.org", "Adv. Meera Kulkarni", Role.LAWYER, ORGANISATIONS[1][0]
    ),
    DemoAccount(
        "socialworker@demo.tafteesh.org",
        "Nasreen Sultana",
        Role.SOCIAL_WORKER,
        ORGANISATIONS[0][0],
        Language.BN,
    ),
    DemoAccount(
        "leader@demo.tafteesh.org",
        "Rupa (survivor leader)",
        Role.SURVIVOR_LEADER,
        ORGANISATIONS[2][0],
        Language.BN,
    ),
    DemoAccount(
        "survivor@demo.tafteesh.org", "Asha", Role.SURVIVOR, ORGANISATIONS[2][0], Language.BN
    ),
    DemoAccount(
        "survivor.hindi@demo.tafteesh.org", "Kiran", Role.SURVIVOR, ORGANISATIONS[2][0], Language.HI
    ),
)


async def seed_demo(
    session: AsyncSession, cipher: IdentityCipher | None = None
) -> list[DemoAccount]:
    """Add what is missing of the demo consortium; running it twice changes nothing.

    Survivors' identities are encrypted with ``cipher``, by default the configured identity key.
    """
    organisation_ids = {}
    for name, kind in ORGANISATIONS:
        organisation = await accounts.find_organisation(session, name)
        if organisation is None:
            organisation = await accounts.create_organisation(session, None, name=name, kind=kind)
        organisation_ids[name] = organisation.id
    for account in ACCOUNTS:
        exists = await session.scalar(
            select(User.id).where(func.lower(User.email) == account.email)
        )
        if exists is None:
            await accounts.create_user(
                session,
                None,
                email=account.email,
                display_name=account.display_name,
                organisation_id=organisation_ids[account.organisation],
                role=account.role,
                password=DEMO_PASSWORD,
                preferred_language=account.language,
            )
    if cipher is None:
        settings = get_settings()
        cipher = IdentityCipher(load_identity_key(settings.data_dir, settings.identity_key))
    await seed_demo_cases(session, cipher)
    await seed_demo_hearings(session, cipher)
    await seed_demo_claims(session)
    settings = get_settings()
    await seed_demo_evidence(
        session,
        data_dir=settings.data_dir,
        signer=load_signer(settings.data_dir, settings.custody_log_origin),
    )
    return list(ACCOUNTS)
