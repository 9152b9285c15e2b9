"""Synthetic cases for benchmarks: ``tafteesh bench-data --cases N`` (see bench/README.md).

Fills an empty database with invented but realistic cases, their survivors (identity encrypted
with the app's key), accused, teams, stage history and timeline, written with COPY in one
transaction so a failed run leaves nothing behind. It refuses a database that already holds a
case: it is for a throwaway benchmark data folder, never for one with real work in it.

The values follow the app's own rules, so pages built on them behave as on real data: every stage
history is a chain of moves ``stages.TRANSITIONS`` allows, charges come from the sections
catalogue and fit the case's regime, timeline lines are worded as the services word them, and
``next_clock_due_on`` is what ``clock_service`` computes (so some cases are overdue). Choices come
from a seeded generator: the same seed and size give the same data set, apart from the identity
ciphertexts' random nonces.

To add a part of a case (hearings, say), add its table to ``COLUMNS`` in load order and a
``_CaseBuilder`` method that appends its rows and timeline events.
"""

from __future__ import annotations

import json
import random
import time
import uuid
from bisect import bisect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from itertools import accumulate
from typing import Any, TypeVar

import asyncpg
from sqlalchemy.engine import URL

from tafteesh.auth.passwords import hash_password
from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.cases.bookkeeping import today_in_india
from tafteesh.cases.catalogue import Act, Section, load_catalogue
from tafteesh.cases.clock_service import IN_CUSTODY, CaseClock, next_due
from tafteesh.cases.clocks import CaseFacts, ClockAnchor, compute_clocks
from tafteesh.cases.identity import IdentityCipher, SurvivorIdentity
from tafteesh.cases.parties import ACCUSED_STATUS_LABELS, name_key
from tafteesh.cases.stages import (
    SUSPENDABLE,
    SUSPENSIONS,
    TRANSITIONS,
    Regime,
    Stage,
    check_transition,
    default_regime,
)
from tafteesh.cases.team import TEAM_ROLE_LABELS
from tafteesh.cases.timeline import ACCUSED_STATUS_FOR_SURVIVOR, STAGE_FOR_SURVIVOR, EventKind
from tafteesh.errors import TafteeshError
from tafteesh.hearings.vocabulary import REASON_PARTY, AdjournmentReason, Outcome, Party, Purpose

# Every synthetic account shares this password (and one argon2 hash of it): it is a benchmark.
BENCH_PASSWORD = "tafteesh-bench-2026"
BENCH_DOMAIN = "bench.tafteesh.org"
# The busiest lawyer, on about twice the usual caseload (about 400 cases at any size).
BENCH_LAWYER_EMAIL = f"lawyer.0000@{BENCH_DOMAIN}"
# Reads every case, as consortium leads do.
BENCH_LEAD_EMAIL = f"lead@{BENCH_DOMAIN}"
MAX_CASES = 999_999  # CNRs and references carry a six-digit serial
# Past hearings still awaiting their outcome on the bench lawyer's cases, one per "record an
# outcome" request (bench/run.py tops the pool up when a run has used it).
POOL_HEARINGS = 20_000
CHUNK_CASES = 2_000
_S = Stage
T = TypeVar("T")
Rows = dict[str, list[tuple[Any, ...]]]


class BenchDataError(TafteeshError):
    """The database cannot take benchmark data (not migrated, or not empty)."""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _citations(text: str) -> tuple[tuple[str, str], ...]:
    """ "IPC 370, ITPA 5" -> (("IPC", "370"), ("ITPA", "5"))."""
    pairs = (item.split() for item in text.split(","))
    return tuple((act, section) for act, section in pairs)


# -- vocabularies ------------------------------------------------------------------------------


@dataclass(frozen=True)
class District:
    name: str
    state: str
    weight: float
    police_stations: tuple[str, ...]
    sessions_court: str
    magistrate_court: str
    cnr_prefix: str  # four letters and two digits, as eCourts numbers establishments

    @property
    def seat(self) -> str:
        return self.sessions_court.rsplit(", ", 1)[-1]


_WB, _MH = "West Bengal", "Maharashtra"
_DJ = "District & Sessions Court, "
_CJM = "Court of the Chief Judicial Magistrate, "
DISTRICTS: tuple[District, ...] = (
    District(
        "Kolkata",
        _WB,
        0.20,
        _words("Shyampukur Burtolla Jorasanko Bowbazar Kalighat Tollygunge Watgunge"),
        "City Sessions Court, Calcutta",
        "Court of the Chief Metropolitan Magistrate, Calcutta",
        "WBKO01",
    ),
    District(
        "North 24 Parganas",
        _WB,
        0.18,
        _words("Barasat Basirhat Bongaon Hingalganj Habra Sandeshkhali Swarupnagar"),
        _DJ + "Barasat",
        _CJM + "Barasat",
        "WBNP01",
    ),
    District(
        "South 24 Parganas",
        _WB,
        0.18,
        _words("Baruipur Canning Diamond-Harbour Kakdwip Sonarpur Gosaba Kultali"),
        _DJ + "Alipore",
        _CJM + "Alipore",
        "WBSP01",
    ),
    District(
        "Howrah",
        _WB,
        0.06,
        _words("Howrah Bally Uluberia Domjur"),
        _DJ + "Howrah",
        _CJM + "Howrah",
        "WBHW01",
    ),
    District(
        "Nadia",
        _WB,
        0.07,
        _words("Kotwali Ranaghat Hanskhali Tehatta"),
        _DJ + "Krishnanagar",
        _CJM + "Krishnanagar",
        "WBND01",
    ),
    District(
        "Murshidabad",
        _WB,
        0.06,
        _words("Berhampore Domkal Jangipur Lalgola"),
        _DJ + "Berhampore",
        _CJM + "Berhampore",
        "WBMU01",
    ),
    District(
        "Mumbai",
        _MH,
        0.12,
        _words("Nagpada D.B.-Marg Tardeo Andheri Kurla"),
        "City Civil & Sessions Court, Greater Mumbai",
        "Court of the Additional Chief Metropolitan Magistrate, Esplanade",
        "MHMB01",
    ),
    District(
        "Pune",
        _MH,
        0.08,
        _words("Faraskhana Vishrambaug Hadapsar Swargate"),
        _DJ + "Pune",
        _CJM + "Pune",
        "MHPU01",
    ),
    District(
        "Thane",
        _MH,
        0.05,
        _words("Bhiwandi Kalyan Ulhasnagar"),
        _DJ + "Thane",
        _CJM + "Thane",
        "MHTH01",
    ),
)

# Where cases rest today: many in investigation or in the long middle of a trial.
STAGE_WEIGHTS: dict[Stage, float] = {
    _S.FIR_REGISTERED: 2,
    _S.UNDER_INVESTIGATION: 14,
    _S.CHARGESHEET_FILED: 5,
    _S.CLOSURE_REPORT: 3,
    _S.FURTHER_INVESTIGATION: 2,
    _S.COGNIZANCE: 5,
    _S.COMMITTED_TO_SESSIONS: 3,
    _S.CHARGE_HEARING: 6,
    _S.CHARGES_FRAMED: 5,
    _S.DISCHARGED: 2,
    _S.PROSECUTION_EVIDENCE: 18,
    _S.STATEMENT_OF_ACCUSED: 3,
    _S.DEFENCE_EVIDENCE: 3,
    _S.FINAL_ARGUMENTS: 4,
    _S.JUDGMENT_RESERVED: 2,
    _S.CONVICTED: 3,
    _S.ACQUITTED: 5,
    _S.SENTENCED: 4,
    _S.APPEAL_PENDING: 3,
    _S.TRANSFERRED: 1,
    _S.STAYED_BY_HIGHER_COURT: 2,
    _S.WITHDRAWN: 1,
    _S.COMPOUNDED: 1,
}

# Days from the previous stage to this one (low, high).
STAGE_GAPS: dict[Stage, tuple[int, int]] = {
    _S.UNDER_INVESTIGATION: (0, 3),
    _S.CHARGESHEET_FILED: (45, 240),
    _S.CLOSURE_REPORT: (60, 300),
    _S.FURTHER_INVESTIGATION: (30, 200),
    _S.COGNIZANCE: (7, 90),
    _S.COMMITTED_TO_SESSIONS: (20, 120),
    _S.CHARGE_HEARING: (20, 150),
    _S.CHARGES_FRAMED: (30, 200),
    _S.DISCHARGED: (30, 200),
    _S.PROSECUTION_EVIDENCE: (14, 90),
    _S.STATEMENT_OF_ACCUSED: (180, 900),
    _S.DEFENCE_EVIDENCE: (14, 60),
    _S.FINAL_ARGUMENTS: (30, 180),
    _S.JUDGMENT_RESERVED: (7, 60),
    _S.CONVICTED: (14, 90),
    _S.ACQUITTED: (14, 90),
    _S.SENTENCED: (7, 45),
    _S.APPEAL_PENDING: (30, 120),
    _S.TRANSFERRED: (30, 300),
    _S.STAYED_BY_HIGHER_COURT: (30, 300),
    _S.WITHDRAWN: (30, 300),
    _S.COMPOUNDED: (30, 300),
}

# Stages a stay or a transfer most often interrupts.
SUSPENDED_FROM: dict[Stage, float] = {
    s: {_S.PROSECUTION_EVIDENCE: 4, _S.CHARGE_HEARING: 2, _S.UNDER_INVESTIGATION: 2}.get(s, 1)
    for s in sorted(SUSPENDABLE)
}
INVESTIGATION = frozenset(
    {_S.FIR_REGISTERED, _S.UNDER_INVESTIGATION, _S.FURTHER_INVESTIGATION, _S.CLOSURE_REPORT}
)
# Where the accused end up when the case ends at a stage.
OUTCOMES: dict[Stage, str] = {
    _S.DISCHARGED: "discharged",
    _S.CONVICTED: "convicted",
    _S.ACQUITTED: "acquitted",
    _S.WITHDRAWN: "discharged",
    _S.COMPOUNDED: "acquitted",
}
# Stages never passed through on the way to another (they end or branch off the usual course).
_NOT_ON_THE_WAY = SUSPENSIONS | {
    _S.WITHDRAWN,
    _S.COMPOUNDED,
    _S.FURTHER_INVESTIGATION,
    _S.CLOSURE_REPORT,
    _S.DISCHARGED,
    _S.APPEAL_PENDING,
}

# Charges from the catalogue, for each regime's penal code (the special acts serve both).
TRAFFICKING = {
    Regime.OLD_CODES: _citations("IPC 370, IPC 370(2), IPC 370A(2), IPC 366A, IPC 372, IPC 373"),
    Regime.NEW_CODES: _citations("BNS 143, BNS 143(2), BNS 144(2), BNS 96, BNS 98, BNS 99"),
}
RAPE = {
    Regime.OLD_CODES: _citations("IPC 376, IPC 376(3), IPC 376D"),
    Regime.NEW_CODES: _citations("BNS 64, BNS 65(1), BNS 70(1)"),
}
# Charged beside the main offence with these probabilities.
ALONGSIDE_ODDS = (0.40, 0.25, 0.15, 0.15)
ALONGSIDE = {
    Regime.OLD_CODES: _citations("IPC 120B, IPC 34, IPC 506, IPC 342"),
    Regime.NEW_CODES: _citations("BNS 61(2), BNS 3(5), BNS 351(2), BNS 127(2)"),
}
ITPA = _citations("ITPA 3, ITPA 4, ITPA 5, ITPA 6, ITPA 7(1)")
POCSO = _citations("POCSO 4, POCSO 6, POCSO 8, POCSO 10")
JJ = _citations("JJ 75, JJ 81")

PSEUDONYMS = _words(
    "Shapla Juhi Kamini Bela Tara Mohua Palash Shiuli Champa Rajani Megha Nandini Bakul Dolon "
    "Kusum Malati Parul Rupsha Shefali Tuli Akash Nodi Brishti Jhumpa Mitali Sonali Chandni Gauri "
    "Heena Indu Jaya Kajal Lata Meena Nisha Pooja Rekha Sapna Uma Vani"
)
FIRST_NAMES_F = _words(
    "Rina Mousumi Sathi Moumita Puja Sabina Rumpa Asma Jesmin Tania Sumana Rupali Priya Anjali "
    "Sunita Kavita Reshma Salma Lakshmi Durga Anita Shampa Mithu Rakhi Papiya Soma Nasima Rehana"
)
FIRST_NAMES_M = _words(
    "Rakesh Sanjay Bapi Manas Subrata Abdul Rafiq Sukumar Tapas Anil Mohan Rahul Imran Shankar "
    "Gopal Haripada Nirmal Jamal Kalu Suresh Vinod Dilip Prakash Ganesh Biswajit Pintu Raju Asit"
)
SURNAMES = _words(
    "Sardar Mondal Naskar Halder Das Biswas Sheikh Molla Gazi Ghosh Roy Pal Mistri Bibi Khatun "
    "Paik Purkait Pramanik Laskar Patil Jadhav Shinde Shaikh Pawar Gaikwad Khan Ansari Yadav Singh"
)
ALIASES = _words("Bapi Raju Munna Didi Mama Bhaiya Kalu Chhotu Babu Tiger")
JUDGES = tuple(
    "Shri A. K. Sen|Smt. R. Banerjee|Shri S. Chatterjee|Smt. P. Mukherjee|Shri M. R. Deshmukh|"
    "Smt. S. V. Kulkarni|Shri N. Bose|Smt. A. Rahman".split("|")
)
SOURCE_STATES = ("West Bengal", "Jharkhand", "Assam", "Odisha", "Bihar")
DESTINATION_STATES = ("Maharashtra", "Delhi", "Karnataka", "West Bengal", "Uttar Pradesh")

ORGANISATIONS: tuple[tuple[str, OrganisationKind], ...] = (
    ("Alokdhara Legal Aid (bench)", OrganisationKind.LEGAL_AID),
    ("Nyaya Setu Advocates (bench)", OrganisationKind.LEGAL_AID),
    ("Mukti Path Network (bench)", OrganisationKind.NGO),
    ("Sahyog Mumbai (bench)", OrganisationKind.NGO),
    ("Nirbhaya Ghar Pune (bench)", OrganisationKind.NGO),
    ("Ujjwal Survivors' Collective (bench)", OrganisationKind.SURVIVOR_COLLECTIVE),
    ("Consortium Secretariat (bench)", OrganisationKind.CONSORTIUM_SECRETARIAT),
)

# Why hearings are adjourned, weighted as in the Law Commission's and NJDG's figures: witnesses
# and the accused not turning up, undertrials not produced from jail, the prosecutor not ready.
ADJOURNMENT_WEIGHTS: dict[AdjournmentReason, float] = {
    AdjournmentReason.PROSECUTION_WITNESS_ABSENT: 22,
    AdjournmentReason.ACCUSED_ABSENT: 12,
    AdjournmentReason.UNDERTRIAL_NOT_PRODUCED: 9,
    AdjournmentReason.PP_ABSENT_OR_UNPREPARED: 9,
    AdjournmentReason.DEFENCE_REQUEST: 12,
    AdjournmentReason.COUNSEL_NOT_AVAILABLE: 6,
    AdjournmentReason.IO_ABSENT: 6,
    AdjournmentReason.SUMMONS_NOT_SERVED: 7,
    AdjournmentReason.PRESIDING_OFFICER_ON_LEAVE: 5,
    AdjournmentReason.COURT_BUSY: 6,
    AdjournmentReason.RECORDS_AWAITED: 3,
    AdjournmentReason.FORENSIC_REPORT_AWAITED: 2,
    AdjournmentReason.OTHER: 1,
}
# What a hearing is for, by the stage the case was at on its date.
HEARING_PURPOSES: dict[Stage, tuple[Purpose, ...]] = {
    _S.FIR_REGISTERED: (Purpose.BAIL_HEARING,),
    _S.UNDER_INVESTIGATION: (Purpose.BAIL_HEARING,),
    _S.FURTHER_INVESTIGATION: (Purpose.BAIL_HEARING, Purpose.OTHER),
    _S.CHARGESHEET_FILED: (Purpose.OTHER, Purpose.BAIL_HEARING),
    _S.CLOSURE_REPORT: (Purpose.OTHER,),
    _S.COGNIZANCE: (Purpose.OTHER, Purpose.BAIL_HEARING),
    _S.COMMITTED_TO_SESSIONS: (Purpose.OTHER,),
    _S.CHARGE_HEARING: (Purpose.CHARGE_HEARING,),
    _S.CHARGES_FRAMED: (Purpose.PROSECUTION_EVIDENCE, Purpose.SURVIVOR_DEPOSITION),
    _S.PROSECUTION_EVIDENCE: (
        Purpose.PROSECUTION_EVIDENCE,
        Purpose.PROSECUTION_EVIDENCE,
        Purpose.SURVIVOR_DEPOSITION,
        Purpose.CROSS_EXAMINATION,
    ),
    _S.STATEMENT_OF_ACCUSED: (Purpose.STATEMENT_OF_ACCUSED,),
    _S.DEFENCE_EVIDENCE: (Purpose.DEFENCE_EVIDENCE,),
    _S.FINAL_ARGUMENTS: (Purpose.ARGUMENTS,),
    _S.JUDGMENT_RESERVED: (Purpose.JUDGMENT,),
}
# How a hearing that went ahead ended, for its purpose.
WENT_AHEAD: dict[Purpose, tuple[Outcome, ...]] = {
    Purpose.BAIL_HEARING: (Outcome.ORDER_PASSED, Outcome.PART_HEARD),
    Purpose.CHARGE_HEARING: (Outcome.PART_HEARD, Outcome.PROCEEDED),
    Purpose.PROSECUTION_EVIDENCE: (Outcome.EVIDENCE_RECORDED, Outcome.PART_HEARD),
    Purpose.SURVIVOR_DEPOSITION: (Outcome.EVIDENCE_RECORDED, Outcome.PART_HEARD),
    Purpose.CROSS_EXAMINATION: (Outcome.PART_HEARD, Outcome.EVIDENCE_RECORDED),
    Purpose.STATEMENT_OF_ACCUSED: (Outcome.PART_HEARD, Outcome.PROCEEDED),
    Purpose.DEFENCE_EVIDENCE: (Outcome.EVIDENCE_RECORDED, Outcome.PART_HEARD),
    Purpose.ARGUMENTS: (Outcome.PART_HEARD, Outcome.PROCEEDED),
    Purpose.JUDGMENT: (Outcome.PART_HEARD,),
    Purpose.OTHER: (Outcome.PROCEEDED, Outcome.ORDER_PASSED),
}
HEARING_TIMES = tuple(
    day_time(h, m) for h, m in ((10, 30), (11, 0), (11, 30), (12, 0), (14, 0), (15, 0))
)
PARTIES = tuple(Party)
ENDED = frozenset(OUTCOMES) | {_S.SENTENCED, _S.APPEAL_PENDING}

# The columns each table is loaded with, in load order (parents before children).
COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": _words(
        "id reference regime police_station fir_district fir_state fir_number fir_year fir_date "
        "zero_fir court_establishment court_number judge court_district cnr case_type "
        "case_number victim_informed_on source_state destination_state owning_organisation_id "
        "stage stage_before_suspension stage_since next_clock_due_on created_at updated_at "
        "created_by version"
    ),
    "case_charges": _words("case_id act section"),
    "stage_changes": _words("case_id from_stage to_stage effective_on recorded_at actor_id note"),
    "survivors": _words(
        "id case_id pseudonym identity_ciphertext user_id leader_consent_on "
        "leader_consent_recorded_by created_at version"
    ),
    "accused": _words(
        "id case_id name alias name_key alias_key status status_since first_remand_on "
        "bail_court created_at version"
    ),
    "accused_status_changes": _words(
        "accused_id from_status to_status effective_on recorded_at actor_id note"
    ),
    "case_team_members": _words("case_id user_id team_role assigned_at assigned_by"),
    "hearings": _words(
        "id case_id hearing_date hearing_time session court_establishment court_number judge "
        "purpose witness_number status outcome adjournment_reason adjournment_sought_by "
        "next_date next_hearing_id outcome_recorded_at outcome_recorded_by created_at "
        "created_by version"
    ),
    "timeline_events": _words(
        "case_id occurred_at actor_id kind survivor_visible summary survivor_summary params"
    ),
}
USER_COLUMNS = _words(
    "id email display_name organisation_id role is_active preferred_language password_hash"
)


def stage_paths() -> dict[Stage, tuple[Stage, ...]]:
    """The usual shortest course from the FIR to every stage, checked against the move table."""
    start = _S.FIR_REGISTERED
    paths: dict[Stage, tuple[Stage, ...]] = {start: (start,)}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if here in _NOT_ON_THE_WAY:
            continue
        for step in sorted(TRANSITIONS[here]):
            if step not in SUSPENSIONS and step not in paths:
                paths[step] = (*paths[here], step)
                queue.append(step)
    for path in paths.values():
        check_path(path)
    return paths


def check_path(path: Sequence[Stage]) -> None:
    """Raise ``StageTransitionError`` unless each move in the history is allowed."""
    for at, (before, after) in enumerate(zip(path, path[1:], strict=False)):
        previous = path[at - 1] if before in SUSPENSIONS and at > 0 else None
        check_transition(before, after, previous=previous, victim_heard=True)


def _weighted(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> Callable[[], T]:
    cumulative = list(accumulate(weights))
    total = cumulative[-1]

    def pick() -> T:
        return values[bisect(cumulative, rng.random() * total)]

    return pick


# -- accounts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BenchUser:
    id: uuid.UUID
    email: str
    display_name: str
    role: Role
    organisation: str
    language: Language = Language.EN


def pool_sizes(cases: int) -> dict[Role, int]:
    """Caseloads stay realistic at any size: a lawyer has about 200 cases, a social worker 100."""
    return {
        Role.LAWYER: max(4, cases // 200),
        Role.SOCIAL_WORKER: max(6, cases // 100),
        Role.SURVIVOR_LEADER: max(2, cases // 1_000),
    }


@dataclass(frozen=True)
class Staff:
    lawyers: tuple[BenchUser, ...]
    social_workers: tuple[BenchUser, ...]
    leaders: tuple[BenchUser, ...]
    lead: BenchUser

    @property
    def everyone(self) -> list[BenchUser]:
        return [*self.lawyers, *self.social_workers, *self.leaders, self.lead]


# -- the generator -----------------------------------------------------------------------------

Event = tuple[datetime, uuid.UUID | None, EventKind, str, str | None, dict[str, Any]]


class Generator:
    """Makes the rows of one case at a time; ``chunk`` returns them grouped by table."""

    def __init__(self, *, cases: int, seed: int, cipher: IdentityCipher) -> None:
        self.cases = cases
        self.rng = rng = random.Random(seed)
        self.cipher = cipher
        self.today = today_in_india()
        self.now = datetime.now(UTC)
        self.paths = stage_paths()
        catalogue = load_catalogue()
        self.sections: dict[tuple[str, str], Section] = {
            (act, number): catalogue.get(Act(act), number)
            for group in (
                *TRAFFICKING.values(),
                *RAPE.values(),
                *ALONGSIDE.values(),
                ITPA,
                POCSO,
                JJ,
            )
            for act, number in group
        }
        self.pick_district = _weighted(rng, DISTRICTS, [d.weight for d in DISTRICTS])
        stages = list(STAGE_WEIGHTS)
        self.pick_stage = _weighted(rng, stages, [STAGE_WEIGHTS[s] for s in stages])
        suspended = list(SUSPENDED_FROM)
        self.pick_suspended_from = _weighted(rng, suspended, [SUSPENDED_FROM[s] for s in suspended])
        # A few hundred people turn up in many cases: the repeat offenders found by name.
        self.repeat_offenders = [
            (self.person_name(male=rng.random() < 0.8), rng.choice(ALIASES)) for _ in range(300)
        ]
        reasons = list(ADJOURNMENT_WEIGHTS)
        self.pick_reason = _weighted(rng, reasons, [ADJOURNMENT_WEIGHTS[r] for r in reasons])
        # The bench lawyer's cases before a court: (case id, first hearing day, court, number,
        # judge), for the pool of hearings awaiting an outcome.
        self.lawyer_courts: list[tuple[uuid.UUID, date, str, str | None, str | None]] = []
        self.org_ids: dict[str, uuid.UUID] = {}
        self.staff: Staff | None = None
        self.cnr_serial = 0

    def new_id(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def person_name(self, *, male: bool) -> str:
        """A name as an FIR gives it, with the father's name, so few people share one."""
        rng = self.rng
        first = rng.choice(FIRST_NAMES_M if male else FIRST_NAMES_F)
        relation = "s/o" if male else "d/o"
        return f"{first} {rng.choice(SURNAMES)} ({relation} {rng.choice(FIRST_NAMES_M)})"

    def at(self, day: date, *, not_before: datetime | None = None) -> datetime:
        """Office hours in India on ``day``, after ``not_before``, never in the future."""
        rng = self.rng
        moment = datetime(day.year, day.month, day.day, 4, 30, tzinfo=UTC) + timedelta(
            seconds=rng.randrange(8 * 3600)
        )
        moment = min(moment, self.now - timedelta(seconds=rng.randrange(60, 3600)))
        if not_before is not None and moment <= not_before:
            moment = min(not_before + timedelta(seconds=rng.randrange(60, 3600)), self.now)
        return moment

    def make_staff(self, organisation_ids: dict[str, uuid.UUID]) -> Staff:
        self.org_ids = organisation_ids
        rng, sizes = self.rng, pool_sizes(self.cases)
        kinds = {kind: [n for n, k in ORGANISATIONS if k is kind] for _, kind in ORGANISATIONS}
        legal_aid, ngos = kinds[OrganisationKind.LEGAL_AID], kinds[OrganisationKind.NGO]
        collective = kinds[OrganisationKind.SURVIVOR_COLLECTIVE][0]
        secretariat = kinds[OrganisationKind.CONSORTIUM_SECRETARIAT][0]

        def user(email: str, name: str, role: Role, org: str, lang: Language) -> BenchUser:
            return BenchUser(self.new_id(), f"{email}@{BENCH_DOMAIN}", name, role, org, lang)

        lawyers = tuple(
            user(
                f"lawyer.{i:04d}",
                f"Adv. {rng.choice(FIRST_NAMES_M + FIRST_NAMES_F)} {rng.choice(SURNAMES)}",
                Role.LAWYER,
                legal_aid[i % len(legal_aid)],
                Language.EN,
            )
            for i in range(sizes[Role.LAWYER])
        )
        workers = tuple(
            user(
                f"socialworker.{i:04d}",
                f"{rng.choice(FIRST_NAMES_F)} {rng.choice(SURNAMES)}",
                Role.SOCIAL_WORKER,
                ngos[i % len(ngos)],
                Language.HI if i % 3 == 2 else Language.BN,
            )
            for i in range(sizes[Role.SOCIAL_WORKER])
        )
        leaders = tuple(
            user(
                f"leader.{i:04d}",
                f"{rng.choice(PSEUDONYMS)} (survivor leader {i + 1})",
                Role.SURVIVOR_LEADER,
                collective,
                Language.BN,
            )
            for i in range(sizes[Role.SURVIVOR_LEADER])
        )
        lead = user(
            "lead", "Consortium Lead (bench)", Role.CONSORTIUM_LEAD, secretariat, Language.EN
        )
        self.staff = Staff(lawyers, workers, leaders, lead)
        return self.staff

    def chunk(self, first: int, count: int) -> Rows:
        rows: Rows = {table: [] for table in COLUMNS}
        for index in range(first, first + count):
            _CaseBuilder(self, index, rows).build()
        return rows

    def hearing_pool(self, count: int) -> list[tuple[Any, ...]]:
        """``count`` past hearings still scheduled on the bench lawyer's cases before a court:
        each "record an outcome" request of the benchmark takes one."""
        assert self.staff is not None, "make_staff() first"
        if not self.lawyer_courts:
            return []
        rng, lawyer = self.rng, self.staff.lawyers[0].id
        purposes = HEARING_PURPOSES[_S.PROSECUTION_EVIDENCE]
        rows = []
        for _ in range(count):
            case_id, start, court, number, judge = rng.choice(self.lawyer_courts)
            first = max(start, self.today - timedelta(days=400))
            span = (self.today - first).days - 1
            day = first + timedelta(days=rng.randint(0, max(0, span)))
            purpose = rng.choice(purposes)
            witness = rng.randint(1, 12) if purpose is Purpose.PROSECUTION_EVIDENCE else None
            rows.append(
                (self.new_id(), case_id, day, rng.choice(HEARING_TIMES), None, court, number,
                 judge, purpose.value, witness, "scheduled", None, None, None, None, None, None,
                 None, self.at(day - timedelta(days=30)), lawyer, 1)
            )  # fmt: skip
        return rows


class _CaseBuilder:
    """One case: its history first, then the people and clocks that follow from it."""

    def __init__(self, gen: Generator, index: int, rows: Rows) -> None:
        assert gen.staff is not None, "make_staff() first"
        self.gen, self.rng, self.today, self.rows = gen, gen.rng, gen.today, rows
        self.staff = gen.staff
        self.index = index
        self.id = gen.new_id()
        self.events: list[Event] = []

    def build(self) -> None:
        self.history()
        self.court()
        self.survivors()
        self.team()
        self.accused()
        self.charges()
        self.case_row()
        self.hearings()
        self.timeline()

    # the course of the case

    def history(self) -> None:
        gen, rng = self.gen, self.rng
        self.district = gen.pick_district()
        self.target = target = gen.pick_stage()
        self.suspended_from: Stage | None = None
        if target in SUSPENSIONS:
            self.suspended_from = gen.pick_suspended_from()
            path = (*gen.paths[self.suspended_from], target)
        else:
            path = gen.paths[target]
        self.minors = [rng.random() < 0.35 for _ in range(1 if rng.random() < 0.7 else 2)]
        self.pocso = any(self.minors)
        # Sessions-triable offences are committed; a POCSO Special Court takes cognizance itself.
        if _S.CHARGE_HEARING in path and _S.COGNIZANCE in path and not self.pocso:
            if rng.random() < 0.4:
                at = path.index(_S.CHARGE_HEARING)
                path = (*path[:at], _S.COMMITTED_TO_SESSIONS, *path[at:])
        gaps = [rng.randint(*STAGE_GAPS[stage]) for stage in path[1:]]
        # Many cases stall: the time since the last move ranges from days to years.
        resting = rng.randint(0, 20 if target is _S.FIR_REGISTERED else 420)
        if target is not _S.FIR_REGISTERED and rng.random() < 0.3:
            resting += rng.randint(0, 1_100)
        self.fir_date = fir_date = self.today - timedelta(days=resting + sum(gaps))
        dates = [fir_date]
        for gap in gaps:
            dates.append(dates[-1] + timedelta(days=gap))
        self.path, self.dates = path, dates
        self.entered: dict[Stage, date] = {}
        for stage, day in zip(path, dates, strict=True):
            self.entered.setdefault(stage, day)
        self.regime = default_regime(fir_date)
        if self.regime is Regime.NEW_CODES and rng.random() < 0.1:
            self.regime = Regime.OLD_CODES  # the offence predates 1 July 2024
        self.reference = f"BENCH-{fir_date.year}-{self.index + 1:06d}"
        self.lawyer = self.pick_lawyer()
        self.worker = rng.choice(self.staff.social_workers)
        self.created_at = gen.at(fir_date + timedelta(days=rng.randint(1, 10)))
        self.event(
            self.created_at,
            self.worker.id,
            EventKind.CASE_OPENED,
            f"Case {self.reference} opened at '{path[0].label}'",
            "Your case is now being tracked by your support team.",
            {"reference": self.reference, "stage": path[0].value},
        )
        stage_rows = self.rows["stage_changes"]
        stage_rows.append(
            (self.id, None, path[0].value, fir_date, self.created_at, self.worker.id, "case opened")
        )
        for before, after, day in zip(path, path[1:], dates[1:], strict=False):
            recorded = self.recorded(day + timedelta(days=rng.randint(0, 3)))
            stage_rows.append(
                (self.id, before.value, after.value, day, recorded, self.lawyer.id, "")
            )
            self.event(
                recorded,
                self.lawyer.id,
                EventKind.STAGE_CHANGED,
                f"Stage: {before.label} → {after.label} (on {day:%d %b %Y})",
                STAGE_FOR_SURVIVOR[after],
                {"from": before.value, "to": after.value, "effective_on": day.isoformat()},
            )

    def pick_lawyer(self) -> BenchUser:
        # Lawyer 0 carries a double caseload: the benchmark signs in as them.
        lawyers = self.staff.lawyers
        return lawyers[max(0, self.rng.randrange(len(lawyers) + 1) - 1)]

    def recorded(self, day: date, not_before: datetime | None = None) -> datetime:
        """When the team entered a fact that happened on ``day``: never before the case existed."""
        return self.gen.at(
            max(day, self.created_at.date()), not_before=not_before or self.created_at
        )

    def court(self) -> None:
        self.court_name = self.judge = self.court_number = None
        self.cnr = self.case_type = self.case_number = None
        cognizance = self.entered.get(_S.COGNIZANCE)
        if cognizance is None:
            return
        rng, district = self.rng, self.district
        if self.pocso:
            self.court_name = f"Special Court (POCSO), {district.seat}"
            self.case_type = "Special (POCSO) Case"
        elif _S.COMMITTED_TO_SESSIONS in self.entered:
            self.court_name, self.case_type = district.sessions_court, "Sessions Case"
        else:
            self.court_name, self.case_type = district.magistrate_court, "GR Case"
        self.court_number = f"Court No. {rng.randint(1, 12)}"
        self.judge = rng.choice(JUDGES)
        self.gen.cnr_serial += 1
        self.cnr = f"{district.cnr_prefix}{self.gen.cnr_serial:06d}{cognizance.year}"
        self.case_number = f"{rng.randint(1, 2_500)}/{cognizance.year}"

    # people

    def survivors(self) -> None:
        rng, district, worker = self.rng, self.district, self.worker
        pseudonyms = rng.sample(PSEUDONYMS, len(self.minors))
        self.consent_on: date | None = None
        with_leader = rng.random() < 0.15
        for position, (minor, pseudonym) in enumerate(zip(self.minors, pseudonyms, strict=True)):
            survivor_id = self.gen.new_id()
            station = rng.choice(district.police_stations)
            identity = SurvivorIdentity(
                legal_name=f"{rng.choice(FIRST_NAMES_F)} {rng.choice(SURNAMES)}",
                guardian_name=f"{rng.choice(FIRST_NAMES_M)} {rng.choice(SURNAMES)}",
                phone=f"+91 9{rng.randrange(10**9):09d}",
                address=f"Village {rng.choice(PSEUDONYMS)}pur, PS {station}, {district.name}",
                age_at_offence=rng.randint(12, 17) if minor else rng.randint(18, 28),
                is_minor=minor,
            )
            added = self.recorded(self.created_at.date())
            consent = None
            if with_leader and position == 0:
                consent = min(added.date() + timedelta(days=rng.randint(0, 60)), self.today)
                self.consent_on = consent
            ciphertext = self.gen.cipher.encrypt(survivor_id, identity)
            self.rows["survivors"].append(
                (survivor_id, self.id, pseudonym, ciphertext, None, consent,
                 worker.id if consent else None, added, 1)
            )  # fmt: skip
            self.event(
                added,
                worker.id,
                EventKind.SURVIVOR_ADDED,
                f"Survivor {pseudonym} added to the case",
                None,
                {"survivor_id": str(survivor_id), "pseudonym": pseudonym},
            )
            if consent is not None:
                self.event(
                    self.recorded(consent, added),
                    worker.id,
                    EventKind.LEADER_CONSENT,
                    f"Survivor {pseudonym}: leader consent updated",
                    "You agreed that a survivor leader may support you in your case.",
                    {"survivor_id": str(survivor_id), "changed": ["leader consent"]},
                )

    def team(self) -> None:
        """A lawyer and a social worker; sometimes a second worker, or a survivor leader once
        the survivor has consented."""
        rng, staff = self.rng, self.staff
        team = [(self.lawyer, "lawyer", self.created_at.date())]
        team.append((self.worker, "social_worker", self.created_at.date()))
        if self.consent_on is not None:
            team.append((rng.choice(staff.leaders), "survivor_leader", self.consent_on))
        elif rng.random() < 0.25:
            other = rng.choice(staff.social_workers)
            if other is not self.worker:
                team.append((other, "social_worker", self.created_at.date()))
        for member, team_role, day in team:
            joined = self.recorded(day)
            self.rows["case_team_members"].append(
                (self.id, member.id, team_role, joined, staff.lead.id)
            )
            label = TEAM_ROLE_LABELS[team_role]
            self.event(
                joined,
                staff.lead.id,
                EventKind.TEAM_JOINED,
                f"{member.display_name} joined the team as {label}",
                f"{member.display_name} ({label}) is now part of your team.",
                {"user_id": str(member.id), "team_role": team_role, "name": member.display_name},
            )

    def accused(self) -> None:
        rng, today, entered = self.rng, self.today, self.entered
        ended_at = next((s for s in OUTCOMES if s in entered), None)
        outcome = OUTCOMES[ended_at] if ended_at else None
        ends = entered[ended_at] if ended_at else today
        pre_trial = (self.suspended_from or self.target) in INVESTIGATION
        bail_court = self.court_name or self.district.magistrate_court
        self.custody: list[tuple[str, date]] = []
        for _ in range(rng.choices((1, 2, 3), (45, 35, 20))[0]):
            accused_id = self.gen.new_id()
            alias: str | None
            if rng.random() < 0.04:
                name, alias = rng.choice(self.gen.repeat_offenders)
            else:
                name = self.gen.person_name(male=rng.random() < 0.8)
                alias = rng.choice(ALIASES) if rng.random() < 0.3 else None
            history: list[tuple[str, date]] = []
            remand: date | None = None
            if rng.random() < (0.2 if outcome is None else 0.08):
                history.append(
                    ("absconding", min(self.fir_date + timedelta(rng.randint(0, 3)), today))
                )
            else:
                arrested = min(self.fir_date + timedelta(days=rng.randint(0, 20)), today)
                history.append(("arrested", arrested))
                if arrested < today or rng.random() < 0.5:
                    remand = min(arrested + timedelta(days=1), today)
                    history.append(("judicial_custody", remand))
                    bailed = remand + timedelta(days=rng.randint(20, 200))
                    # Held past the default-bail limit without a chargesheet, most get bail.
                    held_long = (min(ends, today) - remand).days > 90
                    bail_odds = 0.35 if pre_trial and outcome is None and not held_long else 0.75
                    if rng.random() < bail_odds and bailed < ends:
                        history.append(("on_bail", bailed))
                if outcome is not None:
                    history.append((outcome, ends))
            status, since = history[-1]
            added = self.recorded(history[0][1])
            self.rows["accused"].append(
                (accused_id, self.id, name, alias, name_key(name) or "", name_key(alias), status,
                 since, remand, bail_court if status == "on_bail" else None, added, 1)
            )  # fmt: skip
            changes = self.rows["accused_status_changes"]
            first = history[0][0]
            changes.append(
                (accused_id, None, first, history[0][1], added, self.worker.id, "added to the case")
            )
            self.event(
                added,
                self.worker.id,
                EventKind.ACCUSED_ADDED,
                f"Accused {name} added ({ACCUSED_STATUS_LABELS[first].lower()})",
                None,
                {"accused_id": str(accused_id), "status": first},
            )
            for (before, _), (after, day) in zip(history, history[1:], strict=False):
                recorded = self.recorded(day, added)
                changes.append((accused_id, before, after, day, recorded, self.lawyer.id, ""))
                self.event(
                    recorded,
                    self.lawyer.id,
                    EventKind.ACCUSED_STATUS,
                    f"{name}: {ACCUSED_STATUS_LABELS[before]} → {ACCUSED_STATUS_LABELS[after]} "
                    f"(on {day:%d %b %Y})",
                    f"An accused person in your case {ACCUSED_STATUS_FOR_SURVIVOR[after]}.",
                    {"accused_id": str(accused_id), "from": before, "to": after},
                )
            if remand is not None and status in IN_CUSTODY:
                self.custody.append((name, remand))

    def charges(self) -> None:
        rng, regime = self.rng, self.regime
        chosen = [rng.choice(TRAFFICKING[regime])]
        if rng.random() < 0.55:
            chosen.append(rng.choice(ITPA))
        if rng.random() < 0.25:
            chosen.append(rng.choice(RAPE[regime]))
        if self.pocso and rng.random() < 0.7:
            chosen.append(rng.choice(POCSO))
        if self.pocso and rng.random() < 0.2:
            chosen.append(rng.choice(JJ))
        for odds, section in zip(ALONGSIDE_ODDS, ALONGSIDE[regime], strict=True):
            if rng.random() < odds:
                chosen.append(section)
        self.charged = list(dict.fromkeys(chosen))
        self.rows["case_charges"].extend((self.id, act, number) for act, number in self.charged)

    # the case row and its clocks

    def next_clock_due(self, victim_informed: date | None) -> date | None:
        """What ``clock_service.refresh_next_due`` would store: the facts ``case_facts`` reads
        from the history, fed to the same pure rules. bench/check_data.py catches drift."""
        entered = self.entered
        # The first move out of a stage ends it (clock_service._first_dates).
        ended: dict[Stage, date] = {}
        for before, day in zip(self.path, self.dates[1:], strict=False):
            ended.setdefault(before, day)
        judgment = [entered[s] for s in (_S.CONVICTED, _S.ACQUITTED) if s in entered]
        facts = CaseFacts(
            regime=self.regime,
            charged_sections=tuple(self.gen.sections[c] for c in self.charged),
            victim_is_minor=self.pocso,
            fir_date=self.fir_date,
            chargesheet_date=entered.get(_S.CHARGESHEET_FILED),
            closure_report_date=entered.get(_S.CLOSURE_REPORT),
            cognizance_date=entered.get(_S.COGNIZANCE),
            committal_date=entered.get(_S.COMMITTED_TO_SESSIONS),
            first_charge_hearing_date=entered.get(_S.CHARGE_HEARING),
            charges_framed_date=entered.get(_S.CHARGES_FRAMED),
            arguments_closed_date=ended.get(_S.FINAL_ARGUMENTS),
            # Until hearings record the child's deposition, the end of prosecution evidence.
            child_evidence_recorded_date=ended.get(_S.PROSECUTION_EVIDENCE),
            judgment_date=min(judgment) if judgment else None,
            victim_informed_date=victim_informed,
        )
        clocks = [CaseClock(status) for status in compute_clocks(facts, today=self.today)]
        for name, remand in self.custody:
            per_accused = replace(facts, first_remand_date=remand)
            for status in compute_clocks(per_accused, today=self.today):
                if status.anchor is ClockAnchor.FIRST_REMAND:
                    clocks.append(CaseClock(status, accused_name=name))
        return next_due(clocks)

    def case_row(self) -> None:
        rng, district = self.rng, self.district
        victim_informed = None
        if rng.random() < (0.85 if self.regime is Regime.NEW_CODES else 0.3):
            informed = self.fir_date + timedelta(days=rng.randint(20, 140))
            victim_informed = informed if informed <= self.today else None
        if district.state == _WB:
            source, destination = _WB, rng.choice(DESTINATION_STATES)
        else:
            source, destination = rng.choice(SOURCE_STATES), district.state
        station = rng.choice(district.police_stations).replace("-", " ")
        updated_at = max(event[0] for event in self.events)
        self.rows["cases"].append(
            (self.id, self.reference, self.regime.value, f"{station} PS", district.name,
             district.state, str(rng.randint(1, 999)), self.fir_date.year, self.fir_date,
             rng.random() < 0.03, self.court_name, self.court_number, self.judge,
             district.name if self.cnr else None, self.cnr, self.case_type, self.case_number,
             victim_informed, source, destination, self.gen.org_ids[self.worker.organisation],
             self.target.value, self.suspended_from.value if self.suspended_from else None,
             self.dates[-1], self.next_clock_due(victim_informed), self.created_at, updated_at,
             self.worker.id, 1)
        )  # fmt: skip

    # hearings

    def hearings(self) -> None:
        """About ten hearings a case: bail hearings while the police investigate, then the
        court's dates, most of them adjourned. Each past hearing names the next; a live case has
        one upcoming date, unless its last hearing is still waiting for its outcome."""
        rng, today, gen = self.rng, self.today, self.gen
        cognizance = self.entered.get(_S.COGNIZANCE)
        final = self.path[-1] if self.suspended_from is None else self.suspended_from
        live = final not in ENDED
        if cognizance is not None and self.court_name is not None:
            court, number, judge = self.court_name, self.court_number, self.judge
            start, count = cognizance + timedelta(days=rng.randint(7, 30)), rng.randint(9, 15)
        else:
            court, number, judge = self.district.magistrate_court, None, None
            start, count = self.fir_date + timedelta(days=rng.randint(1, 20)), rng.randint(1, 4)
        ended = next((self.entered[s] for s in self.path if s in ENDED), None)
        last = min(ended or today, today - timedelta(days=1))
        span = (last - start).days
        if span < 1:
            days: list[date] = []
        else:
            days = sorted({start + timedelta(days=rng.randint(0, span)) for _ in range(count)})
        lawyer = self.lawyer.id
        bench_lawyer = lawyer == self.staff.lawyers[0].id
        if bench_lawyer and court is not None and span > 30:
            gen.lawyer_courts.append((self.id, start, court, number, judge))
        awaiting = live and bool(days) and rng.random() < 0.06
        upcoming: date | None = None
        if live and not awaiting and (days or cognizance is not None):
            if bench_lawyer and rng.random() < 0.05:
                upcoming = today  # the lawyer's day in court: "my hearings" opens on it
            else:
                upcoming = today + timedelta(days=rng.randint(0, 45))
        ids = [gen.new_id() for _ in days]
        next_id = gen.new_id() if upcoming else None
        rows = self.rows["hearings"]
        for position, day in enumerate(days):
            stage = self.path[max(0, bisect(self.dates, day) - 1)]
            purpose = rng.choice(HEARING_PURPOSES.get(stage, (Purpose.OTHER,)))
            witness = rng.randint(1, 12) if purpose is Purpose.PROSECUTION_EVIDENCE else None
            at = rng.choice(HEARING_TIMES)
            previous = days[position - 1] if position else day - timedelta(days=14)
            created = self.recorded(previous)
            is_last = position == len(days) - 1
            if is_last and awaiting:
                rows.append(
                    (ids[position], self.id, day, at, None, court, number, judge, purpose.value,
                     witness, "scheduled", None, None, None, None, None, None, None, created,
                     lawyer, 1)
                )  # fmt: skip
                continue
            following, following_id = (
                (upcoming, next_id) if is_last else (days[position + 1], ids[position + 1])
            )
            roll = rng.random()
            reason: AdjournmentReason | None = None
            sought_by: Party | None = None
            if roll < 0.62:
                outcome = Outcome.ADJOURNED
                reason = gen.pick_reason()
                sought_by = REASON_PARTY[reason] if rng.random() < 0.9 else rng.choice(PARTIES)
            elif roll < 0.72:
                outcome = Outcome.NOT_TAKEN_UP
            else:
                outcome = rng.choice(WENT_AHEAD[purpose])
            rows.append(
                (ids[position], self.id, day, at, None, court, number, judge, purpose.value,
                 witness, outcome.status.value, outcome.value, reason.value if reason else None,
                 sought_by.value if sought_by else None, following, following_id,
                 self.recorded(day, created), lawyer, created, lawyer, 2)
            )  # fmt: skip
        if upcoming is not None and next_id is not None:
            stage = self.path[-1] if self.suspended_from is None else self.suspended_from
            purpose = rng.choice(HEARING_PURPOSES.get(stage, (Purpose.OTHER,)))
            witness = rng.randint(1, 12) if purpose is Purpose.PROSECUTION_EVIDENCE else None
            created = self.recorded(days[-1] if days else today - timedelta(days=14))
            rows.append(
                (next_id, self.id, upcoming, rng.choice(HEARING_TIMES), None, court, number,
                 judge, purpose.value, witness, "scheduled", None, None, None, None, None, None,
                 None, created, lawyer, 1)
            )  # fmt: skip

    # the timeline

    def event(
        self,
        occurred: datetime,
        actor: uuid.UUID | None,
        kind: EventKind,
        summary: str,
        survivor_summary: str | None,
        params: dict[str, Any],
    ) -> None:
        self.events.append((occurred, actor, kind, summary, survivor_summary, params))

    def timeline(self) -> None:
        self.events.sort(key=lambda event: event[0])
        timeline = self.rows["timeline_events"]
        for occurred, actor, kind, summary, survivor_summary, params in self.events:
            timeline.append(
                (self.id, occurred, actor, kind.value, survivor_summary is not None, summary[:300],
                 survivor_summary[:300] if survivor_summary else None, json.dumps(params))
            )  # fmt: skip


# -- loading -----------------------------------------------------------------------------------


@dataclass
class LoadReport:
    cases: int
    rows: dict[str, int] = field(default_factory=dict)
    generate_seconds: float = 0.0
    copy_seconds: float = 0.0
    total_seconds: float = 0.0


def asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def _check_empty(conn: asyncpg.Connection) -> None:
    if await conn.fetchval("SELECT to_regclass('public.timeline_events')") is None:
        raise BenchDataError(
            "The database has no case tables yet: run `tafteesh db upgrade` first."
        )
    existing = await conn.fetchval("SELECT count(*) FROM cases")
    if existing:
        raise BenchDataError(
            f"This database already holds {existing:,} cases. bench-data fills only an empty "
            "database, so it never mixes invented cases with real ones: point TAFTEESH_DATA_DIR "
            "(or TAFTEESH_DATABASE_URL) at a fresh one, or keep using this data set as it is."
        )
    taken = await conn.fetchval(
        "SELECT count(*) FROM users WHERE lower(email) LIKE '%@' || $1", BENCH_DOMAIN
    )
    if taken:
        raise BenchDataError(
            f"{taken} benchmark accounts (@{BENCH_DOMAIN}) exist but no cases do; "
            "use a fresh benchmark database."
        )


async def _organisations(conn: asyncpg.Connection) -> dict[str, uuid.UUID]:
    ids: dict[str, uuid.UUID] = {}
    for name, kind in ORGANISATIONS:
        found = await conn.fetchval(
            "SELECT id FROM organisations WHERE lower(name) = lower($1)", name
        )
        if found is None:
            found = uuid.uuid4()
            await conn.execute(
                "INSERT INTO organisations (id, name, kind) VALUES ($1, $2, $3)",
                found,
                name,
                kind.value,
            )
        ids[name] = found
    return ids


async def fill(
    dsn: str,
    *,
    cases: int,
    cipher: IdentityCipher,
    seed: int = 2026,
    progress: Callable[[str], None] = lambda _: None,
) -> LoadReport:
    """Load ``cases`` synthetic cases into an empty, migrated database, in one transaction."""
    if not 1 <= cases <= MAX_CASES:
        raise BenchDataError(f"The number of cases must be between 1 and {MAX_CASES:,}.")
    started = time.perf_counter()
    report = LoadReport(cases=cases, rows=dict.fromkeys(["organisations", "users", *COLUMNS], 0))
    generator = Generator(cases=cases, seed=seed, cipher=cipher)
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await _check_empty(conn)
            organisation_ids = await _organisations(conn)
            users = generator.make_staff(organisation_ids).everyone
            password_hash = hash_password(BENCH_PASSWORD)  # one hash for all: it is a bench
            await conn.copy_records_to_table(
                "users",
                columns=USER_COLUMNS,
                records=[
                    (u.id, u.email, u.display_name, organisation_ids[u.organisation],
                     u.role.value, True, u.language.value, password_hash)
                    for u in users
                ],
            )  # fmt: skip
            report.rows["organisations"] = len(organisation_ids)
            report.rows["users"] = len(users)
            done, next_note = 0, cases / 10
            while done < cases:
                count = min(CHUNK_CASES, cases - done)
                tick = time.perf_counter()
                rows = generator.chunk(done, count)
                report.generate_seconds += time.perf_counter() - tick
                tick = time.perf_counter()
                for table, columns in COLUMNS.items():
                    await conn.copy_records_to_table(table, columns=columns, records=rows[table])
                    report.rows[table] += len(rows[table])
                report.copy_seconds += time.perf_counter() - tick
                done += count
                if done >= next_note:
                    elapsed = time.perf_counter() - started
                    progress(f"  {done:,} of {cases:,} cases ({elapsed:.1f} s)")
                    next_note += cases / 10
            pool = generator.hearing_pool(POOL_HEARINGS)
            await conn.copy_records_to_table("hearings", columns=COLUMNS["hearings"], records=pool)
            report.rows["hearings"] += len(pool)
            report.rows["hearing_pool"] = len(pool)
            await conn.execute(
                "INSERT INTO audit_events (action, summary) VALUES ('bench.load', $1)",
                f"benchmark data: {cases} synthetic cases (seed {seed})",
            )
    finally:
        await conn.close()
    report.total_seconds = time.perf_counter() - started
    return report


async def vacuum_analyze(dsn: str) -> float:
    """Refresh the planner's statistics and the visibility map (needs the tables' owner)."""
    started = time.perf_counter()
    conn = await asyncpg.connect(dsn)
    try:
        for table in ("organisations", "users", *COLUMNS):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return time.perf_counter() - started
