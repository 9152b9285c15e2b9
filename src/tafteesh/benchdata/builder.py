"""One synthetic case: its history, court, survivors, team, accused, charges, clocks, hearings
and timeline, as the services would have written them."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from tafteesh.benchdata.generator import (
    BenchUser,
    Event,
    Generator,
)
from tafteesh.benchdata.hearings import add_hearings
from tafteesh.benchdata.vocabulary import (
    ALIASES,
    ALONGSIDE,
    ALONGSIDE_ODDS,
    BENCH_LAWYER_CASES,
    COLUMNS,
    DESTINATION_STATES,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    INVESTIGATION,
    ITPA,
    JJ,
    JUDGES,
    OUTCOMES,
    POCSO,
    PSEUDONYMS,
    RAPE,
    SOURCE_STATES,
    STAGE_GAPS,
    SURNAMES,
    TRAFFICKING,
    WEST_BENGAL,
    Rows,
)
from tafteesh.cases.clock_service import IN_CUSTODY, CaseClock, next_due
from tafteesh.cases.clocks import CaseFacts, ClockAnchor, compute_clocks
from tafteesh.cases.identity import SurvivorIdentity
from tafteesh.cases.parties import ACCUSED_STATUS_LABELS, name_key
from tafteesh.cases.stages import (
    SUSPENSIONS,
    Regime,
    Stage,
    default_regime,
)
from tafteesh.cases.team import TEAM_ROLE_LABELS
from tafteesh.cases.timeline import ACCUSED_STATUS_FOR_SURVIVOR, STAGE_FOR_SURVIVOR, EventKind

_S = Stage


class CaseBuilder:
    """One case: its history first, then the people and clocks that follow from it."""

    def __init__(self, gen: Generator, index: int, rows: Rows) -> None:
        assert gen.staff is not None, "make_staff() first"
        gen.start_case(index)
        self.gen, self.rng, self.today, self.rows = gen, gen.rng, gen.today, rows
        self.staff, self.staff_rng = gen.staff, gen.staff_rng
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
        add_hearings(self)
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
        self.worker = self.staff_rng.choice(self.staff.social_workers)
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
        # Lawyer 0, whom the benchmark signs in as, has the first BENCH_LAWYER_CASES cases.
        lawyers = self.staff.lawyers
        if self.index < BENCH_LAWYER_CASES or len(lawyers) == 1:
            return lawyers[0]
        return lawyers[1 + self.staff_rng.randrange(len(lawyers) - 1)]

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
            team.append((self.staff_rng.choice(staff.leaders), "survivor_leader", self.consent_on))
        elif rng.random() < 0.25:
            # Always someone else (the pools hold six or more), so that the team's size, and
            # with it the case's later draws, do not depend on the pool.
            workers = staff.social_workers
            other = self.staff_rng.choice(workers)
            if other is self.worker:
                other = workers[(workers.index(other) + 1) % len(workers)]
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
        if district.state == WEST_BENGAL:
            source, destination = WEST_BENGAL, rng.choice(DESTINATION_STATES)
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


def build_chunk(gen: Generator, first: int, count: int) -> Rows:
    """The rows of cases ``first`` to ``first + count - 1``, grouped by table."""
    rows: Rows = {table: [] for table in COLUMNS}
    for index in range(first, first + count):
        CaseBuilder(gen, index, rows).build()
    return rows
