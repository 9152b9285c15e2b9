"""A synthetic case's hearings: bail hearings while the police investigate, then the court's
dates, most of them adjourned, each naming the next (bench/README.md, "Hearings")."""

from __future__ import annotations

from bisect import bisect
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tafteesh.benchdata.vocabulary import (
    ENDED,
    HEARING_PURPOSES,
    HEARING_TIMES,
    PARTIES,
    WENT_AHEAD,
)
from tafteesh.cases.stages import Stage
from tafteesh.hearings.vocabulary import REASON_PARTY, AdjournmentReason, Outcome, Party, Purpose

if TYPE_CHECKING:
    from tafteesh.benchdata.builder import CaseBuilder

_S = Stage


def add_hearings(case: CaseBuilder) -> None:
    """About ten hearings a case: bail hearings while the police investigate, then the
    court's dates, most of them adjourned. Each past hearing names the next; a live case has
    one upcoming date, unless its last hearing is still waiting for its outcome."""
    rng, today, gen = case.rng, case.today, case.gen
    cognizance = case.entered.get(_S.COGNIZANCE)
    final = case.path[-1] if case.suspended_from is None else case.suspended_from
    live = final not in ENDED
    if cognizance is not None and case.court_name is not None:
        court, number, judge = case.court_name, case.court_number, case.judge
        start, count = cognizance + timedelta(days=rng.randint(7, 30)), rng.randint(9, 15)
    else:
        court, number, judge = case.district.magistrate_court, None, None
        start, count = case.fir_date + timedelta(days=rng.randint(1, 20)), rng.randint(1, 4)
    ended = next((case.entered[s] for s in case.path if s in ENDED), None)
    last = min(ended or today, today - timedelta(days=1))
    span = (last - start).days
    if span < 1:
        days: list[date] = []
    else:
        days = sorted({start + timedelta(days=rng.randint(0, span)) for _ in range(count)})
    lawyer = case.lawyer.id
    bench_lawyer = lawyer == case.staff.lawyers[0].id
    if bench_lawyer and court is not None and span > 30:
        gen.lawyer_courts.append((case.id, start, court, number, judge))
    awaiting = live and bool(days) and rng.random() < 0.06
    upcoming: date | None = None
    if live and not awaiting and (days or cognizance is not None):
        if bench_lawyer and rng.random() < 0.05:
            upcoming = today  # the lawyer's day in court: "my hearings" opens on it
        else:
            upcoming = today + timedelta(days=rng.randint(0, 45))
    ids = [gen.new_id() for _ in days]
    next_id = gen.new_id() if upcoming else None
    rows = case.rows["hearings"]
    for position, day in enumerate(days):
        stage = case.path[max(0, bisect(case.dates, day) - 1)]
        purpose = rng.choice(HEARING_PURPOSES.get(stage, (Purpose.OTHER,)))
        witness = rng.randint(1, 12) if purpose is Purpose.PROSECUTION_EVIDENCE else None
        at = rng.choice(HEARING_TIMES)
        previous = days[position - 1] if position else day - timedelta(days=14)
        created = case.recorded(previous)
        is_last = position == len(days) - 1
        if is_last and awaiting:
            rows.append(
                (ids[position], case.id, day, at, None, court, number, judge, purpose.value,
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
            (ids[position], case.id, day, at, None, court, number, judge, purpose.value,
             witness, outcome.status.value, outcome.value, reason.value if reason else None,
             sought_by.value if sought_by else None, following, following_id,
             case.recorded(day, created), lawyer, created, lawyer, 2)
        )  # fmt: skip
    if upcoming is not None and next_id is not None:
        stage = case.path[-1] if case.suspended_from is None else case.suspended_from
        purpose = rng.choice(HEARING_PURPOSES.get(stage, (Purpose.OTHER,)))
        witness = rng.randint(1, 12) if purpose is Purpose.PROSECUTION_EVIDENCE else None
        created = case.recorded(days[-1] if days else today - timedelta(days=14))
        rows.append(
            (next_id, case.id, upcoming, rng.choice(HEARING_TIMES), None, court, number,
             judge, purpose.value, witness, "scheduled", None, None, None, None, None, None,
             None, created, lawyer, 1)
        )  # fmt: skip
