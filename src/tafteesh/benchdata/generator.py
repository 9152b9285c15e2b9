"""The accounts and the generator that makes a data set's rows, a chunk of cases at a time."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tafteesh.auth.roles import Language, OrganisationKind, Role
from tafteesh.benchdata.vocabulary import (
    ADJOURNMENT_WEIGHTS,
    ALIASES,
    ALONGSIDE,
    BENCH_DOMAIN,
    DISTRICTS,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    HEARING_PURPOSES,
    HEARING_TIMES,
    ITPA,
    JJ,
    ORGANISATIONS,
    POCSO,
    PSEUDONYMS,
    RAPE,
    STAGE_WEIGHTS,
    SURNAMES,
    SUSPENDED_FROM,
    TRAFFICKING,
    stage_paths,
    weighted,
)
from tafteesh.cases.catalogue import Act, Section, load_catalogue
from tafteesh.cases.identity import IdentityCipher
from tafteesh.cases.stages import Stage
from tafteesh.cases.timeline import EventKind
from tafteesh.hearings.vocabulary import Purpose
from tafteesh.india import today_in_india

_S = Stage

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
        self.seed = seed
        self.rng = rng = random.Random(seed)
        # Who is on a case's team is drawn from pools whose sizes follow the data set's size;
        # those draws come from here, so that they do not shift the case's other draws.
        self.staff_rng = random.Random(seed + 1)
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
        self.pick_district = weighted(rng, DISTRICTS, [d.weight for d in DISTRICTS])
        stages = list(STAGE_WEIGHTS)
        self.pick_stage = weighted(rng, stages, [STAGE_WEIGHTS[s] for s in stages])
        suspended = list(SUSPENDED_FROM)
        self.pick_suspended_from = weighted(rng, suspended, [SUSPENDED_FROM[s] for s in suspended])
        # A few hundred people turn up in many cases: the repeat offenders found by name.
        self.repeat_offenders = [
            (self.person_name(male=rng.random() < 0.8), rng.choice(ALIASES)) for _ in range(300)
        ]
        reasons = list(ADJOURNMENT_WEIGHTS)
        self.pick_reason = weighted(rng, reasons, [ADJOURNMENT_WEIGHTS[r] for r in reasons])
        # The bench lawyer's cases before a court: (case id, first hearing day, court, number,
        # judge), for the pool of hearings awaiting an outcome.
        self.lawyer_courts: list[tuple[uuid.UUID, date, str, str | None, str | None]] = []
        self.org_ids: dict[str, uuid.UUID] = {}
        self.staff: Staff | None = None
        self.cnr_serial = 0

    def start_case(self, index: int) -> None:
        """Everything random about case ``index`` (its ids, history, people, hearings) now
        depends on the seed and the index only, not on how many cases the data set has: the
        bench lawyer's cases are the same at every size, so the benchmark compares like with
        like (their team's other members, drawn from ``staff_rng``, may differ)."""
        self.rng.seed(self.seed * 1_000_003 + index)

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
