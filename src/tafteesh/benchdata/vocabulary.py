"""The words and numbers synthetic cases are made of: accounts, districts, courts, names,
sections, the usual course of a case, and the columns each table is loaded with."""

from __future__ import annotations

import random
from bisect import bisect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import time as day_time
from itertools import accumulate
from typing import Any, TypeVar

from tafteesh.auth.roles import OrganisationKind
from tafteesh.cases.stages import (
    SUSPENDABLE,
    SUSPENSIONS,
    TRANSITIONS,
    Regime,
    Stage,
    check_transition,
)
from tafteesh.errors import TafteeshError
from tafteesh.hearings.vocabulary import AdjournmentReason, Outcome, Party, Purpose

# Every synthetic account shares this password (and one argon2 hash of it): it is a benchmark.
BENCH_PASSWORD = "tafteesh-bench-2026"
BENCH_DOMAIN = "bench.tafteesh.org"
# The busiest lawyer, on about twice the usual caseload: the first BENCH_LAWYER_CASES cases of
# every data set, the same cases at every size (generator.Generator.start_case), so that what
# the benchmark asks of the app as her is the same at 1,000 cases and at 100,000.
BENCH_LAWYER_EMAIL = f"lawyer.0000@{BENCH_DOMAIN}"
BENCH_LAWYER_CASES = 400
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


WEST_BENGAL, MAHARASHTRA = "West Bengal", "Maharashtra"
_DJ = "District & Sessions Court, "
_CJM = "Court of the Chief Judicial Magistrate, "
DISTRICTS: tuple[District, ...] = (
    District(
        "Kolkata",
        WEST_BENGAL,
        0.20,
        _words("Shyampukur Burtolla Jorasanko Bowbazar Kalighat Tollygunge Watgunge"),
        "City Sessions Court, Calcutta",
        "Court of the Chief Metropolitan Magistrate, Calcutta",
        "WBKO01",
    ),
    District(
        "North 24 Parganas",
        WEST_BENGAL,
        0.18,
        _words("Barasat Basirhat Bongaon Hingalganj Habra Sandeshkhali Swarupnagar"),
        _DJ + "Barasat",
        _CJM + "Barasat",
        "WBNP01",
    ),
    District(
        "South 24 Parganas",
        WEST_BENGAL,
        0.18,
        _words("Baruipur Canning Diamond-Harbour Kakdwip Sonarpur Gosaba Kultali"),
        _DJ + "Alipore",
        _CJM + "Alipore",
        "WBSP01",
    ),
    District(
        "Howrah",
        WEST_BENGAL,
        0.06,
        _words("Howrah Bally Uluberia Domjur"),
        _DJ + "Howrah",
        _CJM + "Howrah",
        "WBHW01",
    ),
    District(
        "Nadia",
        WEST_BENGAL,
        0.07,
        _words("Kotwali Ranaghat Hanskhali Tehatta"),
        _DJ + "Krishnanagar",
        _CJM + "Krishnanagar",
        "WBND01",
    ),
    District(
        "Murshidabad",
        WEST_BENGAL,
        0.06,
        _words("Berhampore Domkal Jangipur Lalgola"),
        _DJ + "Berhampore",
        _CJM + "Berhampore",
        "WBMU01",
    ),
    District(
        "Mumbai",
        MAHARASHTRA,
        0.12,
        _words("Nagpada D.B.-Marg Tardeo Andheri Kurla"),
        "City Civil & Sessions Court, Greater Mumbai",
        "Court of the Additional Chief Metropolitan Magistrate, Esplanade",
        "MHMB01",
    ),
    District(
        "Pune",
        MAHARASHTRA,
        0.08,
        _words("Faraskhana Vishrambaug Hadapsar Swargate"),
        _DJ + "Pune",
        _CJM + "Pune",
        "MHPU01",
    ),
    District(
        "Thane",
        MAHARASHTRA,
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


def weighted(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> Callable[[], T]:
    cumulative = list(accumulate(weights))
    total = cumulative[-1]

    def pick() -> T:
        return values[bisect(cumulative, rng.random() * total)]

    return pick
