from datetime import date
from itertools import pairwise

import pytest

from tafteesh.cases.stages import (
    STAGE_LABELS,
    TRANSITIONS,
    Regime,
    Stage,
    StageTransitionError,
    allowed_next,
    check_transition,
    default_regime,
    requires_victim_heard,
)

S = Stage

# The ordinary course of a sessions trial that ends in a conviction and an appeal.
SESSIONS_TRIAL = [
    S.FIR_REGISTERED,
    S.UNDER_INVESTIGATION,
    S.CHARGESHEET_FILED,
    S.COGNIZANCE,
    S.COMMITTED_TO_SESSIONS,
    S.CHARGE_HEARING,
    S.CHARGES_FRAMED,
    S.PROSECUTION_EVIDENCE,
    S.STATEMENT_OF_ACCUSED,
    S.DEFENCE_EVIDENCE,
    S.FINAL_ARGUMENTS,
    S.JUDGMENT_RESERVED,
    S.CONVICTED,
    S.SENTENCED,
    S.APPEAL_PENDING,
]

LEGAL_MOVES = [
    (S.UNDER_INVESTIGATION, S.CLOSURE_REPORT),
    (S.CLOSURE_REPORT, S.COGNIZANCE),  # magistrate rejects closure on a protest petition
    (S.CLOSURE_REPORT, S.FURTHER_INVESTIGATION),
    (S.CHARGESHEET_FILED, S.FURTHER_INVESTIGATION),
    (S.CHARGE_HEARING, S.FURTHER_INVESTIGATION),
    (S.FURTHER_INVESTIGATION, S.CHARGESHEET_FILED),
    (S.COGNIZANCE, S.CHARGE_HEARING),  # POCSO Special Court: no committal
    (S.CHARGE_HEARING, S.DISCHARGED),
    (S.DISCHARGED, S.APPEAL_PENDING),
    (S.STATEMENT_OF_ACCUSED, S.ACQUITTED),
    (S.STATEMENT_OF_ACCUSED, S.FINAL_ARGUMENTS),
    (S.FINAL_ARGUMENTS, S.ACQUITTED),
    (S.JUDGMENT_RESERVED, S.FINAL_ARGUMENTS),
    (S.ACQUITTED, S.APPEAL_PENDING),
    (S.CONVICTED, S.APPEAL_PENDING),
    (S.APPEAL_PENDING, S.CONVICTED),
    (S.APPEAL_PENDING, S.CHARGES_FRAMED),
    (S.PROSECUTION_EVIDENCE, S.COMPOUNDED),
    (S.PROSECUTION_EVIDENCE, S.STAYED_BY_HIGHER_COURT),
    (S.UNDER_INVESTIGATION, S.STAYED_BY_HIGHER_COURT),
    (S.CHARGES_FRAMED, S.TRANSFERRED),
]

ILLEGAL_MOVES = [
    (S.FIR_REGISTERED, S.CONVICTED),
    (S.FIR_REGISTERED, S.CHARGESHEET_FILED),
    (S.UNDER_INVESTIGATION, S.COGNIZANCE),
    (S.CHARGESHEET_FILED, S.CHARGES_FRAMED),
    (S.CHARGES_FRAMED, S.DISCHARGED),
    (S.CHARGES_FRAMED, S.FURTHER_INVESTIGATION),  # during trial it is an event, not a stage
    (S.PROSECUTION_EVIDENCE, S.CONVICTED),
    (S.ACQUITTED, S.CONVICTED),
    (S.SENTENCED, S.STAYED_BY_HIGHER_COURT),
    (S.CONVICTED, S.TRANSFERRED),
    (S.UNDER_INVESTIGATION, S.COMPOUNDED),
    (S.CHARGES_FRAMED, S.APPEAL_PENDING),
    (S.COMPOUNDED, S.APPEAL_PENDING),
    (S.PROSECUTION_EVIDENCE, S.PROSECUTION_EVIDENCE),
]


def test_every_stage_has_its_own_human_label() -> None:
    assert set(STAGE_LABELS) == set(Stage)
    assert len(set(STAGE_LABELS.values())) == len(Stage)
    assert S.FIR_REGISTERED.label == "FIR registered"


def test_a_sessions_trial_can_run_its_whole_course() -> None:
    for current, target in pairwise(SESSIONS_TRIAL):
        check_transition(current, target)


@pytest.mark.parametrize(("current", "target"), LEGAL_MOVES)
def test_legal_moves_are_accepted(current: Stage, target: Stage) -> None:
    check_transition(current, target)
    assert target in allowed_next(current)


@pytest.mark.parametrize(("current", "target"), ILLEGAL_MOVES)
def test_illegal_moves_are_refused_naming_what_is_allowed(current: Stage, target: Stage) -> None:
    with pytest.raises(StageTransitionError) as refused:
        check_transition(current, target)

    message = str(refused.value)
    assert f"from '{current.label}' to '{target.label}'" in message
    for stage in allowed_next(current):
        assert stage.label in message


def test_the_refusal_lists_the_allowed_stages_in_case_order() -> None:
    with pytest.raises(StageTransitionError) as refused:
        check_transition(S.FIR_REGISTERED, S.CONVICTED)

    assert str(refused.value).endswith(
        "A case at 'FIR registered' can move to: "
        "Under investigation, Transferred, Stayed by a higher court."
    )


def test_a_compounded_case_cannot_move() -> None:
    with pytest.raises(StageTransitionError, match="'Compounded' cannot move to another stage"):
        check_transition(S.COMPOUNDED, S.FIR_REGISTERED)


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [
        (S.COMPOUNDED, set()),
        (S.DISCHARGED, {S.APPEAL_PENDING}),
        (S.ACQUITTED, {S.APPEAL_PENDING}),
        (S.SENTENCED, {S.APPEAL_PENDING}),
        (S.WITHDRAWN, {S.APPEAL_PENDING}),
        (S.CONVICTED, {S.SENTENCED, S.APPEAL_PENDING}),
    ],
)
def test_decided_cases_go_nowhere_but_to_appeal(stage: Stage, allowed: set[Stage]) -> None:
    assert allowed_next(stage) == allowed


def test_appeal_is_only_open_after_a_decision() -> None:
    before_appeal = {stage for stage, moves in TRANSITIONS.items() if S.APPEAL_PENDING in moves}

    assert before_appeal == {
        S.CLOSURE_REPORT,  # revision against acceptance of the closure report
        S.DISCHARGED,
        S.CONVICTED,
        S.ACQUITTED,
        S.SENTENCED,
        S.WITHDRAWN,
    }


def test_further_investigation_reopens_only_before_trial() -> None:
    reopenable = {stage for stage, moves in TRANSITIONS.items() if S.FURTHER_INVESTIGATION in moves}

    assert reopenable == {
        S.CHARGESHEET_FILED,
        S.CLOSURE_REPORT,
        S.COGNIZANCE,
        S.COMMITTED_TO_SESSIONS,
        S.CHARGE_HEARING,
        S.APPEAL_PENDING,  # a revision court sets aside a closure and orders investigation
    }


def test_every_stage_can_be_reached_from_the_fir() -> None:
    reached, frontier = {S.FIR_REGISTERED}, [S.FIR_REGISTERED]
    while frontier:
        stage = frontier.pop()
        for target in TRANSITIONS[stage]:
            if target not in reached:
                reached.add(target)
                frontier.append(target)

    assert reached == set(Stage)


@pytest.mark.parametrize("suspension", [S.STAYED_BY_HIGHER_COURT, S.TRANSFERRED])
def test_a_stayed_or_transferred_case_resumes_where_it_stopped(suspension: Stage) -> None:
    check_transition(S.PROSECUTION_EVIDENCE, suspension)

    assert allowed_next(suspension, previous=S.PROSECUTION_EVIDENCE) == {S.PROSECUTION_EVIDENCE}
    check_transition(suspension, S.PROSECUTION_EVIDENCE, previous=S.PROSECUTION_EVIDENCE)
    with pytest.raises(StageTransitionError, match="can move to: Prosecution evidence."):
        check_transition(suspension, S.FINAL_ARGUMENTS, previous=S.PROSECUTION_EVIDENCE)


@pytest.mark.parametrize("suspension", [S.STAYED_BY_HIGHER_COURT, S.TRANSFERRED])
def test_resuming_needs_the_stage_the_case_stopped_at(suspension: Stage) -> None:
    with pytest.raises(StageTransitionError, match="give that stage as previous"):
        allowed_next(suspension)
    with pytest.raises(StageTransitionError, match="cannot be"):
        allowed_next(suspension, previous=S.ACQUITTED)


def test_previous_is_ignored_for_a_case_that_is_not_suspended() -> None:
    assert allowed_next(S.FIR_REGISTERED, previous=S.JUDGMENT_RESERVED) == allowed_next(
        S.FIR_REGISTERED
    )


def test_withdrawal_needs_the_victim_heard_first() -> None:
    assert requires_victim_heard(S.WITHDRAWN)
    assert not requires_victim_heard(S.COMPOUNDED)

    with pytest.raises(StageTransitionError, match=r"must hear the victim \(BNSS 360"):
        check_transition(S.PROSECUTION_EVIDENCE, S.WITHDRAWN)
    check_transition(S.PROSECUTION_EVIDENCE, S.WITHDRAWN, victim_heard=True)


def test_withdrawal_is_only_possible_once_a_court_has_the_case() -> None:
    with pytest.raises(StageTransitionError, match="can move to"):
        check_transition(S.UNDER_INVESTIGATION, S.WITHDRAWN, victim_heard=True)
    with pytest.raises(StageTransitionError, match="can move to"):
        check_transition(S.CONVICTED, S.WITHDRAWN, victim_heard=True)


@pytest.mark.parametrize(
    ("fir_date", "regime"),
    [
        (date(2024, 6, 30), Regime.OLD_CODES),
        (date(2024, 7, 1), Regime.NEW_CODES),
        (date(2019, 1, 1), Regime.OLD_CODES),
        (date(2026, 3, 12), Regime.NEW_CODES),
    ],
)
def test_the_new_codes_apply_to_firs_from_1_july_2024(fir_date: date, regime: Regime) -> None:
    assert default_regime(fir_date) is regime
