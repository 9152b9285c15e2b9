"""Case stages, the moves allowed between them, and the legal regime a case runs under.

The moves are data (`TRANSITIONS`), so an auditor or a lawyer can read the whole table in one
place. Two stages suspend a case rather than advance it: a stay by a higher court and a transfer.
Neither knows by itself where the case goes next; it resumes at the stage it was stayed or
transferred from, which the caller passes as `previous` (the last stage in the case's history
before the suspension).
"""

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from types import MappingProxyType


class Regime(StrEnum):
    OLD_CODES = "old_codes"
    NEW_CODES = "new_codes"

    @property
    def label(self) -> str:
        if self is Regime.OLD_CODES:
            return "Old codes (IPC, CrPC, Evidence Act)"
        return "New codes (BNS, BNSS, BSA)"


NEW_CODES_IN_FORCE = date(2024, 7, 1)


def default_regime(fir_date: date) -> Regime:
    """The regime a case registered on `fir_date` starts under.

    Only a default: the case records its regime and a person can change it, because an offence
    committed before 1 July 2024 is still punished under the IPC even when the FIR comes later.
    """
    return Regime.NEW_CODES if fir_date >= NEW_CODES_IN_FORCE else Regime.OLD_CODES


class Stage(StrEnum):
    FIR_REGISTERED = "fir_registered"
    UNDER_INVESTIGATION = "under_investigation"
    CHARGESHEET_FILED = "chargesheet_filed"
    CLOSURE_REPORT = "closure_report"
    FURTHER_INVESTIGATION = "further_investigation"
    COGNIZANCE = "cognizance"
    COMMITTED_TO_SESSIONS = "committed_to_sessions"
    CHARGE_HEARING = "charge_hearing"
    CHARGES_FRAMED = "charges_framed"
    DISCHARGED = "discharged"
    PROSECUTION_EVIDENCE = "prosecution_evidence"
    STATEMENT_OF_ACCUSED = "statement_of_accused"
    DEFENCE_EVIDENCE = "defence_evidence"
    FINAL_ARGUMENTS = "final_arguments"
    JUDGMENT_RESERVED = "judgment_reserved"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"
    SENTENCED = "sentenced"
    APPEAL_PENDING = "appeal_pending"
    TRANSFERRED = "transferred"
    STAYED_BY_HIGHER_COURT = "stayed_by_higher_court"
    WITHDRAWN = "withdrawn"
    COMPOUNDED = "compounded"

    @property
    def label(self) -> str:
        return STAGE_LABELS[self]


STAGE_LABELS: Mapping[Stage, str] = MappingProxyType(
    {
        Stage.FIR_REGISTERED: "FIR registered",
        Stage.UNDER_INVESTIGATION: "Under investigation",
        Stage.CHARGESHEET_FILED: "Chargesheet filed",
        Stage.CLOSURE_REPORT: "Closure report filed",
        Stage.FURTHER_INVESTIGATION: "Further investigation",
        Stage.COGNIZANCE: "Cognizance taken",
        Stage.COMMITTED_TO_SESSIONS: "Committed to sessions",
        Stage.CHARGE_HEARING: "Hearing on charge",
        Stage.CHARGES_FRAMED: "Charges framed",
        Stage.DISCHARGED: "Discharged",
        Stage.PROSECUTION_EVIDENCE: "Prosecution evidence",
        Stage.STATEMENT_OF_ACCUSED: "Statement of accused",
        Stage.DEFENCE_EVIDENCE: "Defence evidence",
        Stage.FINAL_ARGUMENTS: "Final arguments",
        Stage.JUDGMENT_RESERVED: "Judgment reserved",
        Stage.CONVICTED: "Convicted",
        Stage.ACQUITTED: "Acquitted",
        Stage.SENTENCED: "Sentenced",
        Stage.APPEAL_PENDING: "Appeal pending",
        Stage.TRANSFERRED: "Transferred",
        Stage.STAYED_BY_HIGHER_COURT: "Stayed by a higher court",
        Stage.WITHDRAWN: "Withdrawn from prosecution",
        Stage.COMPOUNDED: "Compounded",
    }
)

_S = Stage

# The ordinary course of a case (DOMAIN.md "Case stages").
_COURSE: Mapping[Stage, frozenset[Stage]] = {
    _S.FIR_REGISTERED: frozenset({_S.UNDER_INVESTIGATION}),
    _S.UNDER_INVESTIGATION: frozenset({_S.CHARGESHEET_FILED, _S.CLOSURE_REPORT}),
    _S.CHARGESHEET_FILED: frozenset({_S.COGNIZANCE}),
    # On a protest petition the magistrate may reject the closure report and take cognizance; the
    # victim may also challenge its acceptance in revision.
    _S.CLOSURE_REPORT: frozenset({_S.COGNIZANCE, _S.APPEAL_PENDING}),
    # Further investigation ends in a supplementary police report (CrPC 173(8) / BNSS 193(9)).
    _S.FURTHER_INVESTIGATION: frozenset({_S.CHARGESHEET_FILED, _S.CLOSURE_REPORT}),
    # Sessions-triable offences are committed (CrPC 209 / BNSS 232); a POCSO Special Court takes
    # cognizance itself (POCSO 33(1)) and a magistrate tries ITPA offences, so both go to charge.
    _S.COGNIZANCE: frozenset({_S.COMMITTED_TO_SESSIONS, _S.CHARGE_HEARING}),
    _S.COMMITTED_TO_SESSIONS: frozenset({_S.CHARGE_HEARING}),
    _S.CHARGE_HEARING: frozenset({_S.CHARGES_FRAMED, _S.DISCHARGED}),
    _S.CHARGES_FRAMED: frozenset({_S.PROSECUTION_EVIDENCE}),
    _S.PROSECUTION_EVIDENCE: frozenset({_S.STATEMENT_OF_ACCUSED}),
    # CrPC 232 / BNSS 255: acquittal when there is no evidence that the accused did it.
    _S.STATEMENT_OF_ACCUSED: frozenset({_S.DEFENCE_EVIDENCE, _S.FINAL_ARGUMENTS, _S.ACQUITTED}),
    _S.DEFENCE_EVIDENCE: frozenset({_S.FINAL_ARGUMENTS}),
    _S.FINAL_ARGUMENTS: frozenset({_S.JUDGMENT_RESERVED, _S.CONVICTED, _S.ACQUITTED}),
    # A judge transferred before pronouncing judgment means arguments are heard again.
    _S.JUDGMENT_RESERVED: frozenset({_S.CONVICTED, _S.ACQUITTED, _S.FINAL_ARGUMENTS}),
    _S.CONVICTED: frozenset({_S.SENTENCED, _S.APPEAL_PENDING}),
    _S.ACQUITTED: frozenset({_S.APPEAL_PENDING}),
    _S.SENTENCED: frozenset({_S.APPEAL_PENDING}),
    _S.DISCHARGED: frozenset({_S.APPEAL_PENDING}),
    # The victim may challenge an order permitting withdrawal in revision.
    _S.WITHDRAWN: frozenset({_S.APPEAL_PENDING}),
    _S.COMPOUNDED: frozenset(),
    # The higher court decides (conviction or acquittal, or a sentence), or sets aside a
    # discharge or the acceptance of a closure report and sends the case back.
    _S.APPEAL_PENDING: frozenset(
        {_S.CONVICTED, _S.ACQUITTED, _S.SENTENCED, _S.CHARGES_FRAMED, _S.FURTHER_INVESTIGATION}
    ),
    # Suspensions resume at the stage they came from: see `allowed_next`.
    _S.TRANSFERRED: frozenset(),
    _S.STAYED_BY_HIGHER_COURT: frozenset(),
}

# Further investigation (CrPC 173(8) / BNSS 193(9)) reopens a case until the trial begins
# (Vinubhai Haribhai Malaviya, 2019). Once charges are framed it needs the trial court's leave and
# runs beside the trial (BNSS 193(9) proviso), so it is an event in the trial, not a stage.
REOPENABLE_BY_FURTHER_INVESTIGATION = frozenset(
    {
        _S.CHARGESHEET_FILED,
        _S.CLOSURE_REPORT,
        _S.COGNIZANCE,
        _S.COMMITTED_TO_SESSIONS,
        _S.CHARGE_HEARING,
    }
)

# Stages at which a higher court can stay the proceedings or a case can be transferred: the live
# stages from the FIR (a High Court can stay an investigation) up to judgment.
SUSPENDABLE = frozenset(
    {
        _S.FIR_REGISTERED,
        _S.UNDER_INVESTIGATION,
        _S.CHARGESHEET_FILED,
        _S.CLOSURE_REPORT,
        _S.FURTHER_INVESTIGATION,
        _S.COGNIZANCE,
        _S.COMMITTED_TO_SESSIONS,
        _S.CHARGE_HEARING,
        _S.CHARGES_FRAMED,
        _S.PROSECUTION_EVIDENCE,
        _S.STATEMENT_OF_ACCUSED,
        _S.DEFENCE_EVIDENCE,
        _S.FINAL_ARGUMENTS,
        _S.JUDGMENT_RESERVED,
    }
)

SUSPENSIONS = frozenset({_S.STAYED_BY_HIGHER_COURT, _S.TRANSFERRED})

# CrPC 321 / BNSS 360: the prosecutor may withdraw "at any time before the judgment is
# pronounced", so only once a court has the case. Compounding (CrPC 320 / BNSS 359) is also done
# in court; whether the offence is compoundable at all is for the charges to decide, not stages.
ENDABLE_IN_COURT = frozenset(
    {
        _S.COGNIZANCE,
        _S.COMMITTED_TO_SESSIONS,
        _S.CHARGE_HEARING,
        _S.CHARGES_FRAMED,
        _S.PROSECUTION_EVIDENCE,
        _S.STATEMENT_OF_ACCUSED,
        _S.DEFENCE_EVIDENCE,
        _S.FINAL_ARGUMENTS,
        _S.JUDGMENT_RESERVED,
    }
)


def _with_side_moves(stage: Stage, course: frozenset[Stage]) -> frozenset[Stage]:
    moves = set(course)
    if stage in REOPENABLE_BY_FURTHER_INVESTIGATION:
        moves.add(_S.FURTHER_INVESTIGATION)
    if stage in SUSPENDABLE:
        moves |= SUSPENSIONS
    if stage in ENDABLE_IN_COURT:
        moves |= {_S.WITHDRAWN, _S.COMPOUNDED}
    return frozenset(moves)


TRANSITIONS: Mapping[Stage, frozenset[Stage]] = MappingProxyType(
    {stage: _with_side_moves(stage, _COURSE[stage]) for stage in Stage}
)


class StageTransitionError(ValueError):
    """A stage change the case's current stage does not allow; the message says what does."""


def allowed_next(current: Stage, *, previous: Stage | None = None) -> frozenset[Stage]:
    """The stages a case at `current` may move to.

    For a stayed or transferred case, `previous` is the stage it was stayed or transferred from,
    and the only move is back to it: lifting a stay resumes the proceedings where they stopped,
    and the court a case is transferred to takes it up at the same stage. `previous` is ignored
    for every other stage.
    """
    if current not in SUSPENSIONS:
        return TRANSITIONS[current]
    if previous is None:
        raise StageTransitionError(
            f"A case at '{current.label}' resumes at the stage it was at before; "
            "give that stage as previous."
        )
    if previous not in SUSPENDABLE:
        raise StageTransitionError(f"A case cannot be '{current.label}' from '{previous.label}'.")
    return frozenset({previous})


def requires_victim_heard(target: Stage) -> bool:
    """BNSS 360 proviso: no court allows withdrawal without hearing the victim.

    Compounding needs no separate hearing: the victim is the one who compounds.
    """
    return target is Stage.WITHDRAWN


def describe_allowed(current: Stage, allowed: frozenset[Stage]) -> str:
    if not allowed:
        return f"A case at '{current.label}' cannot move to another stage."
    labels = ", ".join(stage.label for stage in Stage if stage in allowed)
    return f"A case at '{current.label}' can move to: {labels}."


def check_transition(
    current: Stage,
    target: Stage,
    *,
    previous: Stage | None = None,
    victim_heard: bool = False,
) -> None:
    """Raise `StageTransitionError` unless a case at `current` may move to `target` now."""
    allowed = allowed_next(current, previous=previous)
    if target not in allowed:
        raise StageTransitionError(
            f"A case cannot move from '{current.label}' to '{target.label}'. "
            + describe_allowed(current, allowed)
        )
    if requires_victim_heard(target) and not victim_heard:
        raise StageTransitionError(
            f"Before '{target.label}' the court must hear the victim (BNSS 360 / CrPC 321); "
            "record the hearing first."
        )
