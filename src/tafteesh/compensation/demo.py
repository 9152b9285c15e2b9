"""Thirteen demo compensation claims on the demo cases, written through the services as the
cases' lawyers, so history, clocks and the survivor's timeline look as they would in use.

Every status appears, with the delays survivors meet: a POCSO award paid 999 days after the
order, an award still unpaid after years, an enquiry long past its two months, and a rejection
"until the trial ends" under appeal to the SLSA. Recent dates are relative to today ("-30" is 30
days ago) so the running clocks stay running. Seeding is idempotent: a claim already on the
case for the same survivor and scheme is left alone.

Steps, separated by ";": file DATE (on the application or recommendation date) | verify DATE |
interim DATE RUPEES | final DATE RUPEES | reject DATE REASON: words | appeal DATE FORUM ref |
hearing/allowed/dismissed DATE (the latest appeal) | pending DATE | pay DATE RUPEES
bank|cheque|fd [MATURES] | withdraw DATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tafteesh.auth.principal import Principal
from tafteesh.cases.demo import demo_principals
from tafteesh.cases.demo_cases import CASES, REFERENCE_PREFIX, parse_cases
from tafteesh.cases.models import Case, Survivor
from tafteesh.compensation import appeals, disbursements, service, transitions
from tafteesh.compensation.models import CompensationClaim
from tafteesh.compensation.schemas import (
    AppealCreate,
    AppealStatusIn,
    ClaimCreate,
    DisbursementIn,
    StatusChangeIn,
)
from tafteesh.compensation.statuses import (
    AppealForum,
    AppealStatus,
    AuthorityKind,
    ClaimBasis,
    ClaimDocument,
    ClaimStatus,
    DisbursementMode,
    RejectionReason,
    Scheme,
)
from tafteesh.india import today_in_india

MODES = {
    "bank": DisbursementMode.BANK_TRANSFER,
    "cheque": DisbursementMode.CHEQUE,
    "fd": DisbursementMode.FIXED_DEPOSIT,
}
ALL_PAPERS = tuple(d.value for d in ClaimDocument if d is not ClaimDocument.COURT_RECOMMENDATION)
TRAFFICKING_WB = "rehabilitation of victim of human trafficking"
MANODHAIRYA = "Maharashtra Manodhairya Scheme"


@dataclass(frozen=True)
class DemoClaim:
    case: str  # the demo case's reference after DEMO-
    survivor: str
    scheme: Scheme
    authority: tuple[AuthorityKind, str]  # the DLSA's district, SLSA's state or the court
    basis: ClaimBasis
    heads: tuple[str, ...]
    claimed_rupees: int | None
    steps: str
    minor: bool = False
    scheme_name: str | None = None
    documents: tuple[str, ...] = ALL_PAPERS
    notes: str | None = None


DLSA, SLSA, COURT = AuthorityKind.DLSA, AuthorityKind.SLSA, AuthorityKind.COURT
APPLIED, RECOMMENDED = ClaimBasis.VICTIMS_APPLICATION, ClaimBasis.COURT_RECOMMENDATION

CLAIMS = (
    # A rejection "until the trial ends" (which the Calcutta High Court has held wrong), under
    # appeal to the SLSA: Asha signs in as the demo survivor and sees where it stands.
    DemoClaim(
        "S24-388",
        "Asha",
        Scheme.WEST_BENGAL_2017,
        (DLSA, "South 24 Parganas"),
        APPLIED,
        (TRAFFICKING_WB,),
        300_000,
        "file 2023-01-10; verify 2023-02-14; reject 2023-04-20 trial_not_concluded: The claim is"
        " premature as the trial is pending, the applicant may apply after the judgment;"
        " appeal 2023-05-15 slsa SLSA/WB/VC-APP/112/2023; hearing 2023-09-01",
        notes="SLSA hearing adjourned four times; next listing not yet notified.",
    ),
    # The POCSO Special Court's order paid 999 days later, 80% into a deposit until majority.
    DemoClaim(
        "S24-212",
        "Mitali",
        Scheme.POCSO_SPECIAL_COURT,
        (COURT, "Special POCSO Court, Alipore"),
        RECOMMENDED,
        ("sexual exploitation of a child",),
        None,
        "file 2023-04-11; final 2023-04-11 300000; pending 2023-05-20;"
        " pay 2026-01-04 60000 bank; pay 2026-01-04 240000 fd 2027-08-14",
        minor=True,
        documents=(*ALL_PAPERS, ClaimDocument.COURT_RECOMMENDATION.value),
        notes="State said the victim compensation fund was exhausted; paid after a contempt"
        " petition.",
    ),
    DemoClaim(
        "S24-77",
        "Moyna",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (DLSA, "South 24 Parganas"),
        APPLIED,
        ("rape", "grievous physical injury or mental injury needing rehabilitation"),
        700_000,
        "file 2019-06-10; verify 2019-07-15; interim 2019-10-01 100000; pay 2019-11-20 100000"
        " bank; final 2020-08-14 400000; pay 2021-01-10 50000 bank",
    ),
    DemoClaim(
        "S24-77",
        "Shikha",
        Scheme.WEST_BENGAL_2017,
        (DLSA, "South 24 Parganas"),
        APPLIED,
        (TRAFFICKING_WB,),
        100_000,
        "file 2022-03-01; withdraw 2022-06-15",
        notes="Withdrawn after the accused's family visited her mother; she may apply again.",
    ),
    # Recommended on acquittal (BNSS 396(3) lets the court do so); awarded, unpaid for years.
    DemoClaim(
        "N24-645",
        "Rimpa",
        Scheme.WEST_BENGAL_2017,
        (DLSA, "North 24 Parganas"),
        RECOMMENDED,
        (TRAFFICKING_WB, "physical abuse of minor"),
        300_000,
        "file 2023-03-14; verify 2023-04-10; final 2023-09-20 200000; pending 2023-10-15",
        minor=True,
    ),
    DemoClaim(
        "N24-233",
        "Doel",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (DLSA, "North 24 Parganas"),
        APPLIED,
        ("grievous physical injury or mental injury needing rehabilitation",),
        200_000,
        "file 2023-02-01; verify 2023-03-01; reject 2023-06-30 offender_not_identified: No"
        " chargesheet has been filed and the offender is not identified",
    ),
    # An enquiry long past its two months.
    DemoClaim(
        "N24-911",
        "Jhuma",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (DLSA, "North 24 Parganas"),
        APPLIED,
        ("grievous physical injury or mental injury needing rehabilitation",),
        200_000,
        "file -100; verify -80",
    ),
    DemoClaim(
        "S24-1207",
        "Shapla",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (DLSA, "South 24 Parganas"),
        APPLIED,
        ("rape",),
        500_000,
        "",
        documents=(ClaimDocument.FIR_COPY.value,),
    ),
    DemoClaim(
        "S24-301",
        "Bristi",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (DLSA, "South 24 Parganas"),
        APPLIED,
        ("rape",),
        500_000,
        "file -30",
    ),
    # POCSO Rules 2020 r.9(1): interim compensation at any stage after the FIR.
    DemoClaim(
        "KOL-172",
        "Nandini",
        Scheme.POCSO_SPECIAL_COURT,
        (COURT, "Special POCSO Court, City Sessions Court, Calcutta"),
        APPLIED,
        ("penetrative sexual assault of a child",),
        None,
        "file 2024-07-01; interim 2024-09-10 100000; pay 2024-10-30 100000 bank",
        minor=True,
    ),
    DemoClaim(
        "MUM-233",
        "Chandni",
        Scheme.OTHER_STATE_SCHEME,
        (DLSA, "Mumbai City"),
        RECOMMENDED,
        ("sexual assault of a child",),
        300_000,
        "file 2023-09-26; verify 2023-11-02; final 2024-03-18 300000;"
        " pay 2024-05-02 60000 bank; pay 2024-05-02 240000 fd 2027-10-04",
        minor=True,
        scheme_name=MANODHAIRYA,
    ),
    DemoClaim(
        "PUN-188",
        "Meena",
        Scheme.OTHER_STATE_SCHEME,
        (DLSA, "Pune"),
        RECOMMENDED,
        ("sexual assault of a child",),
        400_000,
        "file 2025-10-28; final -40 400000",
        minor=True,
        scheme_name=MANODHAIRYA,
    ),
    # Kiran signs in as the Hindi-speaking demo survivor: rejected for a missing paper, won on
    # appeal to the DLSA's chairperson, and still waiting for the money.
    DemoClaim(
        "MUM-312",
        "Kiran",
        Scheme.NALSA_2018_WOMEN_VICTIMS,
        (SLSA, "Maharashtra"),
        APPLIED,
        ("grievous physical injury or mental injury needing rehabilitation",),
        200_000,
        "file 2025-12-04; reject 2026-02-22 documents_incomplete: Proof of bank account not"
        " annexed; appeal 2026-03-09 dlsa_chairperson; allowed 2026-05-03;"
        " final 2026-05-03 200000; pending 2026-06-12",
    ),
)


def _day(text: str, today: date) -> date:
    return today + timedelta(days=int(text)) if text.startswith("-") else date.fromisoformat(text)


async def seed_demo_claims(session: AsyncSession) -> int:
    """Add the demo claims that are missing; return how many were added."""
    today = today_in_india()
    teams = {c.reference: c.team for c in parse_cases(CASES, today)}
    people: dict[str, Principal] | None = None
    added = 0
    for demo in CLAIMS:
        reference = f"{REFERENCE_PREFIX}{demo.case}"
        row = (
            await session.execute(
                select(Case, Survivor)
                .join(Survivor, Survivor.case_id == Case.id)
                .where(Case.reference == reference, Survivor.pseudonym == demo.survivor)
            )
        ).one_or_none()
        if row is None:
            continue  # its case was not seeded (a real case took the reference)
        case, survivor = row
        if await session.scalar(
            select(CompensationClaim.id).where(
                CompensationClaim.survivor_id == survivor.id,
                CompensationClaim.scheme == demo.scheme.value,
            )
        ):
            continue
        people = people or await demo_principals(session)
        await _seed_claim(session, people[teams[reference][0]], case, survivor, demo, today)
        added += 1
    return added


async def _seed_claim(
    session: AsyncSession,
    lawyer: Principal,
    case: Case,
    survivor: Survivor,
    demo: DemoClaim,
    today: date,
) -> None:
    steps = [step.strip() for step in demo.steps.split(";") if step.strip()]
    filed = _day(steps[0].split()[1], today) if steps and steps[0].startswith("file") else None
    kind, place = demo.authority
    claim = await service.open_claim(
        session,
        lawyer,
        case,
        data=ClaimCreate(
            survivor_id=survivor.id,
            scheme=demo.scheme,
            scheme_name=demo.scheme_name,
            authority_kind=kind,
            authority_district=place if kind is AuthorityKind.DLSA else None,
            authority_state=place if kind is AuthorityKind.SLSA else None,
            court_name=place if kind is AuthorityKind.COURT else None,
            basis=demo.basis,
            minor=demo.minor,
            applied_on=filed if demo.basis is not RECOMMENDED else None,
            recommended_on=filed if demo.basis is RECOMMENDED else None,
            heads=list(demo.heads),
            claimed_paise=demo.claimed_rupees * 100 if demo.claimed_rupees else None,
            documents=[ClaimDocument(d) for d in demo.documents],
            notes=demo.notes,
            filed=filed is not None,
        ),
    )
    for step in steps[1:] if filed else steps:
        await _step(session, lawyer, case, claim, survivor.pseudonym, step, today)


async def _step(
    session: AsyncSession,
    actor: Principal,
    case: Case,
    claim: CompensationClaim,
    pseudonym: str,
    step: str,
    today: date,
) -> None:
    verb, on_text, *rest = step.split(maxsplit=2)
    on, more = _day(on_text, today), rest[0] if rest else ""
    if verb == "pay":
        amount, mode, *matures = more.split()
        payment = DisbursementIn(
            version=claim.version,
            amount_paise=int(amount) * 100,
            paid_on=on,
            mode=MODES[mode],
            matures_on=date.fromisoformat(matures[0]) if matures else None,
        )
        await disbursements.record_disbursement(
            session, actor, case, claim, data=payment, pseudonym=pseudonym
        )
    elif verb == "appeal":
        forum, *reference = more.split()
        appeal = AppealCreate(
            version=claim.version,
            forum=AppealForum(forum),
            filed_on=on,
            reference=reference[0] if reference else None,
        )
        await appeals.file_appeal(session, actor, case, claim, data=appeal, pseudonym=pseudonym)
    elif verb in ("hearing", "allowed", "dismissed"):
        latest = (await service.appeals_of(session, claim.id))[-1]
        decision = AppealStatusIn(
            version=latest.version, status=AppealStatus(verb), effective_on=on
        )
        await appeals.change_appeal_status(
            session, actor, case, claim, latest, data=decision, pseudonym=pseudonym
        )
    else:
        change = _status_change(claim, verb, on, more)
        await transitions.change_status(
            session, actor, case, claim, data=change, pseudonym=pseudonym
        )


def _status_change(claim: CompensationClaim, verb: str, on: date, more: str) -> StatusChangeIn:
    target = {
        "verify": ClaimStatus.UNDER_VERIFICATION,
        "interim": ClaimStatus.INTERIM_AWARDED,
        "final": ClaimStatus.FINAL_AWARDED,
        "reject": ClaimStatus.REJECTED,
        "pending": ClaimStatus.PAYMENT_PENDING,
        "withdraw": ClaimStatus.WITHDRAWN,
    }[verb]
    change = StatusChangeIn(version=claim.version, status=target, effective_on=on)
    if verb in ("interim", "final"):
        change.amount_paise = int(more) * 100
    if verb == "reject":
        reason, _, words = more.partition(":")
        change.rejection_reason = RejectionReason(reason.strip())
        change.rejection_details = words.strip()
    return change
