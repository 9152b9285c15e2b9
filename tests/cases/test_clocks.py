from collections import Counter
from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any

import pytest

from tafteesh.cases.catalogue import Act, Punishment, Section, load_catalogue
from tafteesh.cases.clocks import (
    CLOCK_RULES,
    CaseFacts,
    ClockState,
    ClockStatus,
    add_months,
    compute_clocks,
    default_bail_limit,
)
from tafteesh.cases.stages import Regime


def charged(*citations: str) -> tuple[Section, ...]:
    catalogue = load_catalogue()
    return tuple(catalogue.get(Act(c.split()[0]), c.split()[1]) for c in citations)


def facts(*citations: str, **overrides: Any) -> CaseFacts:
    case = CaseFacts(regime=Regime.NEW_CODES, charged_sections=charged(*citations))
    return replace(case, **overrides)


def clocks_by_code(case: CaseFacts, today: date) -> dict[str, ClockStatus]:
    return {clock.code: clock for clock in compute_clocks(case, today=today)}


def default_bail(case: CaseFacts, today: date) -> ClockStatus:
    return clocks_by_code(case, today)["default_bail"]


@pytest.mark.parametrize(
    ("citation", "days"),
    [
        # A maximum of exactly 10 years is a 60-day case (Rajeev Chaudhary, Rakesh Kumar Paul).
        ("IPC 370(2)", 60),
        ("BNS 143(2)", 60),
        ("IPC 366", 60),
        ("BNS 144(1)", 60),
        ("ITPA 4", 60),
        ("JJ 75", 60),
        ("ITPA 7(1)", 60),
        # A child victim: the sub-section has no row of its own and takes life from 370 / 143.
        ("IPC 370(4)", 90),
        ("BNS 143(4)", 90),
        ("IPC 376", 90),
        ("ITPA 6", 90),
        ("POCSO 6", 90),
        ("BNS 70(2)", 90),
    ],
)
def test_default_bail_is_60_or_90_days_by_the_section_charged(citation: str, days: int) -> None:
    limit = default_bail_limit(charged(citation))

    assert (limit.days, limit.contested) == (days, False)
    assert limit.deciding_section is not None
    assert limit.deciding_section.citation == citation


def test_a_minimum_of_ten_years_makes_a_90_day_case_without_life() -> None:
    # No row in the CSV has this shape (a term of years with a 10-year minimum); the rule must
    # still hold when one is added.
    ten_to_fourteen = Section(
        act=Act.BNS,
        section="0",
        short_title="hypothetical offence, 10 to 14 years",
        max_punishment=Punishment.term(14),
        min_punishment_years=Fraction(10),
        equivalent=(),
        notes="",
    )

    limit = default_bail_limit([ten_to_fourteen])

    assert (limit.days, limit.contested) == (90, False)
    assert "at least 10 years" in limit.note


@pytest.mark.parametrize(
    ("citation", "because"),
    [
        # Maximum above 10 with a minimum below 10 and no life: courts differ.
        ("BNS 99", "carries up to 14 years with a minimum below 10 years"),
        # "life" is a placeholder for "no maximum" in an UNCONFIRMED row.
        ("POCSO 14", "UNCONFIRMED"),
        # The section allows life, but its sub-section 370(2) is a 60-day case.
        ("IPC 370", "IPC 370(2)"),
        ("BNS 143", "BNS 143(2)"),
    ],
)
def test_contested_charges_alert_at_day_60_and_say_why(citation: str, because: str) -> None:
    limit = default_bail_limit(charged(citation))

    assert (limit.days, limit.contested) == (60, True)
    assert because in limit.note
    assert "safer error" in limit.note


@pytest.mark.parametrize(
    ("citations", "deciding", "days", "contested"),
    [
        (("IPC 370(2)", "IPC 376", "IPC 506"), "IPC 376", 90, False),
        (("BNS 143(2)", "BNS 99"), "BNS 99", 60, True),
        (("BNS 99", "BNS 143(4)"), "BNS 143(4)", 90, False),
        (("IPC 323", "IPC 509", "IPC 366"), "IPC 366", 60, False),
        (("IPC 120B", "IPC 34", "IPC 370(2)"), "IPC 370(2)", 60, False),
    ],
)
def test_the_most_serious_charge_decides(
    citations: tuple[str, ...], deciding: str, days: int, contested: bool
) -> None:
    limit = default_bail_limit(charged(*citations))

    assert limit.deciding_section is not None
    assert limit.deciding_section.citation == deciding
    assert (limit.days, limit.contested) == (days, contested)


@pytest.mark.parametrize("citations", [("IPC 120B", "IPC 34"), ("POCSO 17",), ()])
def test_without_a_substantive_charge_the_limit_is_unknown(citations: tuple[str, ...]) -> None:
    limit = default_bail_limit(charged(*citations))

    assert (limit.days, limit.contested, limit.deciding_section) == (60, True, None)
    assert "principal offence" in limit.note


def test_default_bail_counts_the_day_of_remand() -> None:
    # Kapil Wadhawan (2023): remanded on 1 January, the 60th day is 1 March.
    sixty = default_bail(facts("BNS 143(2)", first_remand_date=date(2025, 1, 1)), date(2025, 1, 2))
    ninety = default_bail(facts("BNS 143(4)", first_remand_date=date(2025, 1, 1)), date(2025, 1, 2))

    assert (sixty.due_date, sixty.limit_days) == (date(2025, 3, 1), 60)
    assert (ninety.due_date, ninety.limit_days) == (date(2025, 3, 31), 90)


def test_labels_follow_the_regime() -> None:
    remanded = {"first_remand_date": date(2025, 1, 1)}
    old = facts("IPC 370(2)", regime=Regime.OLD_CODES, **remanded)
    new = facts("BNS 143(2)", **remanded)

    assert default_bail(old, date(2025, 1, 2)).label == "CrPC 167(2) default bail"
    assert default_bail(new, date(2025, 1, 2)).label == "BNSS 187(3) default bail"


def test_contested_default_bail_is_flagged_on_the_clock() -> None:
    clock = default_bail(facts("BNS 99", first_remand_date=date(2025, 1, 1)), date(2025, 1, 2))

    assert clock.contested
    assert clock.limit_days == 60
    assert "BNS 99" in clock.note


REMANDED = date(2025, 1, 1)  # 60-day limit: due 1 March 2025


@pytest.mark.parametrize(
    ("today", "status", "days_left", "days_overdue"),
    [
        (date(2025, 2, 21), ClockState.RUNNING, 8, None),
        (date(2025, 2, 22), ClockState.DUE_SOON, 7, None),
        (date(2025, 3, 1), ClockState.DUE_SOON, 0, None),
        (date(2025, 3, 2), ClockState.OVERDUE, None, 1),
        (date(2025, 4, 30), ClockState.OVERDUE, None, 60),
    ],
)
def test_an_open_clock_is_running_due_soon_or_overdue(
    today: date, status: ClockState, days_left: int | None, days_overdue: int | None
) -> None:
    clock = default_bail(facts("BNS 143(2)", first_remand_date=REMANDED), today)

    assert (clock.status, clock.days_left, clock.days_overdue) == (status, days_left, days_overdue)
    assert clock.met_on is None


@pytest.mark.parametrize(
    ("chargesheet_date", "met_late", "days_late"),
    [
        (date(2025, 2, 20), False, None),
        (date(2025, 3, 1), False, None),
        (date(2025, 3, 5), True, 4),
    ],
)
def test_the_chargesheet_meets_default_bail_even_when_late(
    chargesheet_date: date, met_late: bool, days_late: int | None
) -> None:
    case = facts("BNS 143(2)", first_remand_date=REMANDED, chargesheet_date=chargesheet_date)

    clock = default_bail(case, date(2025, 12, 31))

    assert clock.status is ClockState.MET
    assert clock.met_on == chargesheet_date
    assert (clock.met_late, clock.days_overdue, clock.days_left) == (met_late, days_late, None)


def test_the_two_month_investigation_clock_ends_on_the_last_day_of_a_short_month() -> None:
    case = facts("BNS 64", fir_date=date(2024, 12, 31))

    clock = clocks_by_code(case, date(2025, 1, 10))["investigation_two_months"]

    assert clock.label == "BNSS 193(2) investigation of rape and POCSO offences"
    assert (clock.due_date, clock.limit_days) == (date(2025, 2, 28), 59)


def test_a_closure_report_also_ends_the_investigation_clock() -> None:
    case = facts("BNS 64", fir_date=date(2025, 1, 1), closure_report_date=date(2025, 2, 10))

    clock = clocks_by_code(case, date(2025, 6, 1))["investigation_two_months"]

    assert (clock.status, clock.met_on, clock.met_late) == (
        ClockState.MET,
        date(2025, 2, 10),
        False,
    )


@pytest.mark.parametrize(
    ("regime", "citations", "applies"),
    [
        (Regime.NEW_CODES, ("BNS 64",), True),
        (Regime.NEW_CODES, ("BNS 65(1)", "BNS 143(4)"), True),
        (Regime.NEW_CODES, ("POCSO 8",), True),
        (Regime.NEW_CODES, ("BNS 143(4)",), False),
        (Regime.NEW_CODES, ("POCSO 12", "BNS 74"), False),
        (Regime.OLD_CODES, ("IPC 376D",), True),
        (Regime.OLD_CODES, ("IPC 370(4)", "ITPA 5"), False),
        # CrPC 173(1A) named IPC rape sections only; BNSS 193(2) added POCSO 4, 6, 8, 10.
        (Regime.OLD_CODES, ("POCSO 4",), False),
    ],
)
def test_the_rape_and_pocso_investigation_clock_needs_such_a_charge(
    regime: Regime, citations: tuple[str, ...], applies: bool
) -> None:
    case = facts(*citations, regime=regime, fir_date=date(2025, 1, 1))

    assert ("investigation_two_months" in clocks_by_code(case, date(2025, 1, 2))) is applies


def test_the_old_codes_label_the_investigation_clock_by_the_crpc() -> None:
    case = facts("IPC 376", regime=Regime.OLD_CODES, fir_date=date(2024, 1, 1))

    clock = clocks_by_code(case, date(2024, 1, 2))["investigation_two_months"]

    assert clock.label == "CrPC 173(1A) investigation of rape"


def test_bnss_only_deadlines_do_not_run_under_the_old_codes() -> None:
    dates = {
        "fir_date": date(2024, 1, 1),
        "first_appearance_date": date(2024, 3, 1),
        "cognizance_date": date(2024, 3, 1),
        "first_charge_hearing_date": date(2024, 4, 1),
        "arguments_closed_date": date(2024, 9, 1),
    }
    bnss_only = {
        "victim_told_of_progress",
        "documents_to_accused",
        "committal",
        "framing_of_charge",
        "judgment",
    }

    old = clocks_by_code(facts("IPC 370(4)", regime=Regime.OLD_CODES, **dates), date(2024, 9, 2))
    new = clocks_by_code(facts("BNS 143(4)", **dates), date(2024, 9, 2))

    assert bnss_only.isdisjoint(old)
    assert bnss_only <= set(new)
    assert new["judgment"].due_date == date(2024, 10, 1)
    assert "45 days" in new["judgment"].note


def test_clocks_that_have_not_started_are_not_returned() -> None:
    assert compute_clocks(facts("BNS 64"), today=date(2025, 1, 1)) == []

    started = clocks_by_code(facts("BNS 64", fir_date=date(2025, 1, 1)), date(2025, 1, 2))

    assert set(started) == {"investigation_two_months", "victim_told_of_progress"}


@pytest.mark.parametrize(
    ("citations", "victim_is_minor", "pocso_clocks", "committal"),
    [
        (("POCSO 6", "BNS 65(1)"), True, True, False),
        # A child raped but no POCSO section charged: a Special Court still tries it.
        (("BNS 65(1)",), True, True, False),
        (("BNS 64",), False, False, True),
        (("BNS 143(4)",), True, False, True),
    ],
)
def test_pocso_timelines_run_from_cognizance_for_child_sexual_offences(
    citations: tuple[str, ...], victim_is_minor: bool, pocso_clocks: bool, committal: bool
) -> None:
    case = facts(*citations, victim_is_minor=victim_is_minor, cognizance_date=date(2025, 3, 1))

    clocks = clocks_by_code(case, date(2025, 3, 2))

    assert ("pocso_child_evidence" in clocks) is pocso_clocks
    assert ("pocso_trial" in clocks) is pocso_clocks
    assert ("committal" in clocks) is committal
    if pocso_clocks:
        assert clocks["pocso_child_evidence"].due_date == date(2025, 3, 31)
        assert clocks["pocso_trial"].due_date == date(2026, 3, 1)
    if committal:
        assert clocks["committal"].due_date == date(2025, 5, 30)


def test_the_rape_trial_clock_runs_from_the_chargesheet_until_judgment() -> None:
    case = facts("BNS 64", chargesheet_date=date(2025, 1, 15), judgment_date=date(2025, 4, 1))

    clock = clocks_by_code(case, date(2025, 4, 2))["rape_trial"]

    assert (clock.label, clock.due_date) == ("BNSS 346(1) trial of rape", date(2025, 3, 15))
    assert (clock.status, clock.met_late, clock.days_overdue) == (ClockState.MET, True, 17)


def test_each_rule_appears_once_per_regime() -> None:
    per_regime = Counter(
        (rule.code, regime)
        for rule in CLOCK_RULES
        for regime in ([rule.regime] if rule.regime else list(Regime))
    )

    assert max(per_regime.values()) == 1
    assert per_regime[("default_bail", Regime.OLD_CODES)] == 1
    assert per_regime[("default_bail", Regime.NEW_CODES)] == 1


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2024, 12, 15), 2, date(2025, 2, 15)),
        (date(2024, 11, 30), 12, date(2025, 11, 30)),
    ],
)
def test_add_months_keeps_the_day_or_falls_back_to_the_months_end(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected
