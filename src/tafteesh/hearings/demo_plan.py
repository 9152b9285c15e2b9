"""About ten hearings for each demo case in court, recorded through the services as its lawyer.

They follow the case's stored stage history: a hearing on each day it moved in court, and between
them hearings for the stage of the day, mostly adjourned for the reasons Indian trial courts
report (Law Commission reports 154 and 239, NJDG). A live case ends with its next date, several
of them today and this week; two past hearings wait for their outcome; one survivor's deposition
is being prepared. Chance is seeded by the case's reference, so each run looks the same. A case
that already has a hearing is left alone.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Literal, NamedTuple

from tafteesh.cases.demo_cases import STAGES
from tafteesh.cases.models import Case
from tafteesh.cases.stages import Regime, Stage
from tafteesh.hearings.schemas import Attendance, DepositionPreparationIn
from tafteesh.hearings.vocabulary import AdjournmentReason, Outcome, Party, Purpose

# Where a live case's chain ends, in days from today: 0 puts it on today's cause list, a
# negative number leaves that past hearing waiting for its outcome. Other cases draw theirs.
NEXT_DATE = {
    **{"DEMO-S24-502": 0, "DEMO-S24-77": 0, "DEMO-S24-301": -2, "DEMO-N24-1502": 1},
    **{"DEMO-KOL-395": 2, "DEMO-KOL-172": 4, "DEMO-N24-640": 6, "DEMO-PUN-301": 5},
    **{"DEMO-MUM-141": 0, "DEMO-MUM-512": 0, "DEMO-MUM-312": -3, "DEMO-MUM-164": 3},
}
# Cases where the defence keeps asking for time, past the BNSS 346 limit of two.
DEFENCE_STALLS = {"DEMO-S24-77", "DEMO-MUM-141", "DEMO-S24-301"}
# Prosecution-evidence cases where the survivor comes to testify within the hearings shown.
DEPOSITIONS = {"DEMO-S24-118", "DEMO-S24-502", "DEMO-PUN-301"}
# A survivor's deposition coming up, by video link, with the social worker's checklist half done.
UPCOMING_DEPOSITION = "DEMO-MUM-164"
PREPARATION = DepositionPreparationIn(
    support_person=True,
    video_conference_requested=True,
    notes="Evidence by video link from the DLSA room at Alipore; she wants her sister with her. "
    "Travel to Alipore and the threat check still to do.",
)


def _table(text: str, columns: int, sep: str | None = None) -> list[list[str]]:
    lines = text.strip().splitlines()
    return [[cell.strip() for cell in line.split(sep, columns - 1)] for line in lines]


# Each reason: its code, how often it adjourns a hearing (a weight), and the team's note.
REASON_TABLE = """
aa 14 accused_absent             Accused absent; process issued to secure attendance.
un 10 undertrial_not_produced    Undertrial not produced: no jail escort. Warrant reissued.
pw 22 prosecution_witness_absent Witness absent despite service. Bailable warrant issued.
io  8 io_absent                  IO absent (transferred out). Show-cause to the officer in charge.
sn 16 summons_not_served         Summons returned unserved: address not found. Fresh summons.
pp  8 pp_absent_or_unprepared    PP busy in another trial; case diary not ready.
dr 11 defence_request            Defence sought time; PP objected under {s346}. Last chance.
cn  4 counsel_not_available      Defence counsel unwell; proxy sought time.
po  5 presiding_officer_on_leave Presiding officer on leave.
cb  4 court_busy                 Court busy with an older custody trial; not reached.
ra  4 records_awaited            Records from the committing court awaited.
fr  8 forensic_report_awaited    FSL report on the seized phones awaited; IO to expedite.
ot  6 other                      Judgment not ready.
st  0 stayed_by_higher_court     Trial stayed by the High Court.
"""
REASONS = {
    code: (AdjournmentReason(reason), int(weight), note)
    for code, weight, reason, note in _table(REASON_TABLE, 4)
}


class StageHearing(NamedTuple):
    purpose: Purpose
    text: str | None  # the purpose as the court writes it, when it says more
    reasons: list[str]  # what can hold it up (a repeated code weighs more)
    progress: str  # what the team writes when it went ahead


# Hearings at each stage: stage | purpose | its text | reasons | the note when it went ahead.
STAGE_TABLE = """
cog  | other | Appearance of the accused; supply of copies ({s207}) | aa aa un io sn sn ra po cb
     | Process report filed; fresh process to the accused not yet before the court.
fi   | other | Report on further investigation | fr fr io io ra po cb
     | IO filed a progress report; more time granted.
com  | other | Appearance of the accused after committal | aa un ra dr po cb
     | Accused appeared; documents filed.
ch   | charge_hearing | | aa un sn dr cn pp po cb | Heard in part; discharge petition pending.
cf   | prosecution_evidence | | sn sn pw pp io po dr | PW-{w} examined, cross-examined, discharged.
pe   | prosecution_evidence | | pw pw pw sn sn io pp dr aa un fr po cb
     | PW-{w} examined, cross-examined, discharged.
soa  | statement_of_accused | | aa un dr po cb | Statement of accused no. 1 recorded ({s313}).
de   | defence_evidence | | dr dr cn aa po cb | A defence witness examined and cross-examined.
fa   | arguments | | dr cn pp po cb | Prosecution argued in part; written notes to be filed.
jr   | judgment | | ot ot po cb un |
conv | other | Hearing on sentence ({s235}) | dr aa un | Heard on sentence in part.
""".replace("\n     |", " |")
STAGE_HEARINGS = {
    STAGES[code]: StageHearing(Purpose(purpose), text or None, reasons.split(), progress)
    for code, purpose, text, reasons, progress in _table(STAGE_TABLE, 5, "|")
}
WHEN_TESTIFYING = StageHearing(
    Purpose.SURVIVOR_DEPOSITION, None, "sn pp dr dr un po cb".split(), ""
)
TESTIMONY = {
    Purpose.SURVIVOR_DEPOSITION: "PW-{w} (survivor) examined in chief in camera ({s366}).",
    Purpose.CROSS_EXAMINATION: "PW-{w} (survivor) cross-examined in camera and discharged.",
}
# Moves made at a hearing of the trial court: that hearing's outcome, and what the order says
# when the stage history holds no better note.
MOVE_TABLE = """
cog  order_passed        Cognizance taken ({s190}); summons issued to the accused.
com  order_passed        Copies supplied; committed to the Court of Sessions ({s209}).
ch   order_passed        Fixed for hearing on charge.
cf   order_passed        Charges framed ({s228}); the accused pleaded not guilty, claimed trial.
pe   evidence_recorded   PW-1 examined: prosecution evidence begins.
soa  proceeded           Prosecution evidence closed; for statements of the accused ({s313}).
de   proceeded           Statements of the accused recorded ({s313}); defence evidence next.
fa   proceeded           Evidence closed; fixed for final arguments.
jr   proceeded           Arguments heard; judgment reserved.
conv judgment_pronounced Judgment pronounced: convicted.
acq  judgment_pronounced Judgment pronounced: acquitted.
sen  order_passed        Sentence pronounced.
tr   order_passed        Case transferred.
fi   order_passed        Further investigation directed.
"""
COURT_MOVES = {
    STAGES[code]: (Outcome(outcome), text) for code, outcome, text in _table(MOVE_TABLE, 3)
}
# Sections cited, under the old codes (CrPC) and the new (BNSS).
LAWS = {
    key: (f"CrPC {old}", f"BNSS {new}")
    for key, old, new in _table(
        "s190 190 210\ns207 207 230\ns209 209 232\ns228 228 251\ns235 235(2) 258(2)\n"
        "s313 313 351\ns346 309 346\ns366 327(2) 366(2)",
        3,
    )
}
SUSPENSIONS = (Stage.STAYED_BY_HIGHER_COURT, Stage.TRANSFERRED)
# Days between hearings (most stages: 18 to 50); a stayed trial is listed only to be adjourned.
GAPS = {
    Stage.STAYED_BY_HIGHER_COURT: (60, 120),
    Stage.COGNIZANCE: (40, 80),
    Stage.JUDGMENT_RESERVED: (10, 25),
    Stage.CONVICTED: (10, 20),
}
PART_HEARD = (Purpose.CHARGE_HEARING, Purpose.STATEMENT_OF_ACCUSED, Purpose.ARGUMENTS)
HOLIDAYS = {(1, 26), (8, 15), (10, 2), (12, 25)}
Sitting = tuple[time | None, Literal["morning", "afternoon"] | None]
SITTINGS: tuple[Sitting, ...] = ((time(10, 30), "morning"), (time(14, 0), "afternoon"))
SURVIVOR_NOTES: dict[str | Stage, str] = {
    "testify": "You will give evidence on the next date. Your social worker will prepare you "
    "and come with you.",
    "by_video": "Your evidence will be recorded by video link from Kolkata on the next date. "
    "Your social worker will be with you.",
    "done": "Your evidence is complete. You need not come again unless the court calls you.",
    "skip": "You do not need to come to court on the next date.",
    Stage.CONVICTED: "The court found the accused guilty. Your lawyer will explain the sentence "
    "and your compensation claim.",
    Stage.ACQUITTED: "The court acquitted the accused. Your lawyer will talk to you about appeal.",
}


class Move(NamedTuple):
    on: date
    stage: Stage
    note: str


@dataclass
class Step:
    """One hearing to schedule and, once it is past, its outcome."""

    day: date
    purpose: Purpose
    text: str | None = None
    witness: int | None = None
    court: str | None = None
    sitting: Sitting = (None, None)
    outcome: Outcome | None = None
    reason: str | None = None  # a REASONS code
    party: Party | None = None  # None: the reason's usual party
    attendance: Attendance | None = None
    business: str | None = None
    note: str | None = None
    chained: bool = True  # the next step is the next date given at this one
    prep: DepositionPreparationIn | None = None


def _court_day(day: date) -> date:
    while day.weekday() >= 5 or (day.month, day.day) in HOLIDAYS:
        day += timedelta(days=1)
    return day


def _stage_before(moves: list[Move], day: date) -> tuple[Stage, Move | None]:
    """The stage the case stood at before ``day``, and the stay or transfer it was under."""
    stage, suspension = Stage.COGNIZANCE, None
    for move in moves:
        if move.on >= day:
            break
        if move.stage in SUSPENSIONS:
            suspension = move
        else:
            stage, suspension = move.stage, None
    return stage, suspension


def _dates(rng: random.Random, moves: list[Move], moved_on: set[date], end: date) -> list[date]:
    """Walk back from the last hearing, landing on every day the case moved in court."""
    start, days, wanted = min(moved_on), [end], rng.randint(9, 12)
    while len(days) < wanted:
        stage, suspension = _stage_before(moves, days[-1])
        gap = rng.randint(*GAPS.get(suspension.stage if suspension else stage, (18, 50)))
        moved = [day for day in moved_on if days[-1] - timedelta(days=gap) <= day < days[-1]]
        previous = max(moved) if moved else _court_day(days[-1] - timedelta(days=gap))
        if previous < start:
            break
        days.append(previous)
    return days[::-1]


def _first(moves: list[Move], stage: Stage) -> date:
    return min((move.on for move in moves if move.stage is stage), default=date.max)


def plan_hearings(case: Case, moves: list[Move], today: date) -> list[Step]:
    """The hearings of one case, oldest first, from its stage history."""
    rng = random.Random(zlib.crc32(case.reference.encode()))
    laws = {key: pair[case.regime == Regime.NEW_CODES] for key, pair in LAWS.items()}
    start = _first(moves, Stage.COGNIZANCE)
    if start == date.max:
        return []  # never reached court
    court_moves = {  # a case resuming after a stay moves without a hearing
        move.on: move
        for before, move in zip([None, *moves], moves, strict=False)
        if move.stage in COURT_MOVES
        and move.on >= start
        and not (before and before.stage in SUSPENSIONS)
    }
    decided = moves[-1].stage in (Stage.ACQUITTED, Stage.SENTENCED, Stage.APPEAL_PENDING)
    if decided:
        ends = (Stage.SENTENCED, Stage.ACQUITTED)
        end = max(on for on, move in court_moves.items() if move.stage in ends)
    else:
        offset = NEXT_DATE.get(case.reference)
        if offset is None:
            stayed = moves[-1].stage is Stage.STAYED_BY_HIGHER_COURT
            offset = rng.randint(30, 110) if stayed else rng.randint(1, 45)
        end = today + timedelta(days=offset)
        end = _court_day(end) if offset > 0 else end
    steps: list[Step] = []
    witness, survivor_pw, chief_done, counted = 1, 0, False, False
    days = _dates(rng, moves, set(court_moves), end)
    for day in [day for day in days[:-1] if day < today] + days[-1:]:  # only the last is ahead
        stage, suspension = _stage_before(moves, day)
        kind = STAGE_HEARINGS.get(stage, STAGE_HEARINGS[Stage.COGNIZANCE])
        step = Step(day, kind.purpose, kind.text, sitting=rng.choice((*SITTINGS, (None, None))))
        if suspension is not None and suspension.stage is Stage.TRANSFERRED:
            step.court = suspension.note.split(" to the ", 1)[-1].removeprefix("newly notified ")
        if stage is Stage.PROSECUTION_EVIDENCE and not counted:  # a witness every four months
            witness = max(witness, 1 + (day - _first(moves, stage)).days // 120)
            counted, survivor_pw = True, witness + 1 if case.reference in DEPOSITIONS else 0
        if stage in (Stage.CHARGES_FRAMED, Stage.PROSECUTION_EVIDENCE):
            step.witness = witness
            if witness == survivor_pw:
                kind = WHEN_TESTIFYING
                step.purpose = Purpose.CROSS_EXAMINATION if chief_done else kind.purpose
        moved = court_moves.get(day)
        if moved is not None:
            _moved(step, moved, laws)
            witness += moved.stage is Stage.PROSECUTION_EVIDENCE
        elif day >= end and not decided:  # the next date, or one waiting for its outcome
            if case.reference == UPCOMING_DEPOSITION:
                step.purpose, step.prep = Purpose.SURVIVOR_DEPOSITION, PREPARATION
        elif suspension is not None and suspension.stage is Stage.STAYED_BY_HIGHER_COURT:
            _adjourn(rng, step, "st", laws)
            step.business = f"Trial stayed by the High Court since {suspension.on:%d %b %Y}."
        else:
            _ordinary(rng, step, kind, laws, case.reference in DEFENCE_STALLS)
            if step.outcome is Outcome.EVIDENCE_RECORDED:
                chief_done = chief_done or step.purpose is Purpose.SURVIVOR_DEPOSITION
                witness += step.purpose is not Purpose.SURVIVOR_DEPOSITION
                step.note = SURVIVOR_NOTES["done"] if step.purpose.survivor_testifies else None
        step.text = step.text.format(**laws) if step.text else None
        steps.append(step)
    if case.reference in DEFENCE_STALLS:
        _defence_stalls(steps, laws)
    for step, following in zip(steps, steps[1:], strict=False):  # tell her when to come
        if following.purpose.survivor_testifies and step.outcome is not None:
            step.note = SURVIVOR_NOTES["by_video" if following.prep else "testify"]
    if moves[-1].stage is Stage.APPEAL_PENDING:  # the appeal's next date in the High Court
        steps[-1].chained = False
        court = (
            "High Court at Calcutta" if case.fir_state == "West Bengal" else "High Court of Bombay"
        )
        day = _court_day(today + timedelta(days=rng.randint(7, 60)))
        steps.append(Step(day, Purpose.OTHER, "Criminal appeal: hearing", court=court))
    return steps


def _moved(step: Step, move: Move, laws: dict[str, str]) -> None:
    """The hearing at which the case moved on: it went ahead, and the order says so."""
    if move.stage is Stage.COGNIZANCE:
        step.purpose, step.text = Purpose.OTHER, "Cognizance on the police report"
    elif move.stage in (Stage.CONVICTED, Stage.ACQUITTED):
        step.purpose, step.text, step.note = Purpose.JUDGMENT, None, SURVIVOR_NOTES[move.stage]
    elif move.stage is Stage.SENTENCED:
        step.purpose, step.text = Purpose.OTHER, STAGE_HEARINGS[Stage.CONVICTED].text
    step.outcome, order = COURT_MOVES[move.stage]
    examined = int(step.outcome is Outcome.EVIDENCE_RECORDED)
    step.attendance = Attendance(
        pp=True, accused=True, defence_counsel=True, witnesses_examined=examined
    )
    default = move.note.startswith(move.stage.label)  # the history holds only the stage's name
    step.business = order.format(**laws) if default else move.note.rstrip(".") + "."


def _ordinary(
    rng: random.Random, step: Step, kind: StageHearing, laws: dict[str, str], stalling: bool
) -> None:
    """A hearing of the stage of the day: mostly adjourned, sometimes not reached at all."""
    draw = rng.random()
    if draw < 0.07:
        step.outcome = Outcome.NOT_TAKEN_UP
        step.business = "Not reached: the board was too long." if draw < 0.035 else None
    elif (kind.progress or step.purpose.survivor_testifies) and draw > (0.75 if stalling else 0.6):
        step.outcome = Outcome.PART_HEARD if step.purpose in PART_HEARD else Outcome.PROCEEDED
        if step.purpose is not Purpose.OTHER and step.purpose not in PART_HEARD:
            step.outcome = Outcome.EVIDENCE_RECORDED
        business = TESTIMONY.get(step.purpose, kind.progress)
        if step.purpose is Purpose.PROSECUTION_EVIDENCE and rng.random() < 0.35:
            step.outcome, business = Outcome.PART_HEARD, "PW-{w} examined in chief in part."
        step.business = business.format(w=step.witness, **laws)
        step.attendance = _attendance(rng, step, None)
    else:
        weights = [REASONS[c][1] * (3 if stalling and c == "dr" else 1) for c in kind.reasons]
        _adjourn(rng, step, rng.choices(kind.reasons, weights)[0], laws)


def _adjourn(rng: random.Random, step: Step, code: str, laws: dict[str, str]) -> None:
    step.outcome, step.reason = Outcome.ADJOURNED, code
    step.party = Party.COURT if code == "ot" else None
    step.business = REASONS[code][2].format(**laws) if rng.random() < 0.6 else None
    step.attendance = _attendance(rng, step, code)
    step.note = SURVIVOR_NOTES["skip"] if rng.random() < 0.2 else None


def _attendance(rng: random.Random, step: Step, code: str | None) -> Attendance:
    io_needed = step.purpose is Purpose.PROSECUTION_EVIDENCE and code not in ("io", "fr")
    return Attendance(
        pp=code != "pp",
        io=io_needed and rng.random() < 0.4,
        accused=code not in ("aa", "un"),
        survivor=step.purpose.survivor_testifies and code != "sn",
        defence_counsel=code != "cn",
        witnesses_examined=int(step.outcome is Outcome.EVIDENCE_RECORDED),
    )


def _defence_stalls(steps: list[Step], laws: dict[str, str]) -> None:
    """See that the defence asked for time more than twice (the latest adjournments first)."""
    rng, asked = random.Random(len(steps)), sum(step.reason == "dr" for step in steps)
    for step in reversed(steps):
        if asked <= 2 and step.outcome is Outcome.ADJOURNED and step.reason != "dr":
            _adjourn(rng, step, "dr", laws)
            asked += 1
