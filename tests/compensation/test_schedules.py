from importlib.resources import files

import pytest

from tafteesh.compensation.schedules import (
    AmountRange,
    ScheduleDataError,
    UnknownHeadError,
    heads_for,
    load_schedule,
    minor_uplift_applies,
    parse_schedule,
    range_for,
    rules_for,
)
from tafteesh.compensation.statuses import Scheme

NALSA = Scheme.NALSA_2018_WOMEN_VICTIMS
WB = Scheme.WEST_BENGAL_2017
LAKH = 100_000 * 100  # paise

HEADER = "scheme,head,min_rupees,max_rupees,minor_uplift_percent,notes\n"


def test_the_schedule_ships_inside_the_package() -> None:
    packaged = files("tafteesh.compensation").joinpath("data/compensation_schedules.csv")
    assert packaged.is_file()
    assert len(load_schedule()) == packaged.read_text(encoding="utf-8").count("\n") - 1


def test_nalsa_rape_band_is_4_to_7_lakh() -> None:
    assert range_for(NALSA, "rape", minor=False) == AmountRange(
        min_paise=4 * LAKH, max_paise=7 * LAKH, minor_uplift_applied=False, unconfirmed=False
    )


def test_a_minor_under_nalsa_gets_both_limits_raised_by_half() -> None:
    band = range_for(NALSA, "rape", minor=True)
    assert (band.min_paise, band.max_paise) == (6 * LAKH, 10 * LAKH + 50 * LAKH // 100)
    assert band.minor_uplift_applied


def test_west_bengal_gives_minimums_only() -> None:
    band = range_for(WB, "acid attack", minor=False)
    assert band.min_paise == 3 * LAKH
    assert band.max_paise is None


def test_west_bengal_child_acid_attack_minimum_is_the_reported_4_5_lakh() -> None:
    # Calcutta HC 2023 reports: a child victim was paid Rs 4.5 lakh "as per existing rules".
    assert range_for(WB, "acid attack", minor=True).min_paise == 4 * LAKH + 50 * LAKH // 100


def test_rows_without_a_source_are_flagged_unconfirmed() -> None:
    assert range_for(WB, "rehabilitation of victim of human trafficking", minor=False).unconfirmed
    assert not range_for(WB, "acid attack", minor=False).unconfirmed
    assert not range_for(NALSA, "gang rape", minor=False).unconfirmed


def test_heads_leave_out_the_rule_rows() -> None:
    nalsa_heads = heads_for(NALSA)
    assert len(nalsa_heads) == 19
    assert nalsa_heads[0].head == "loss of life"
    assert all(not entry.head.startswith("rule:") for entry in nalsa_heads)


def test_west_bengal_has_the_eleven_categories_the_gazette_reports() -> None:
    heads = heads_for(WB)
    assert len(heads) == 11
    # "lowest Rs 50,000 and the highest Rs 3 lakh" (The Hindu 2022, source W1).
    minimums = [entry.min_paise for entry in heads if entry.min_paise is not None]
    assert (min(minimums), max(minimums)) == (50_000 * 100, 3 * LAKH)


def test_heads_can_be_asked_for_by_csv_code_too() -> None:
    assert heads_for("WB_2017") == heads_for(WB)


def test_pocso_has_rules_but_no_schedule_of_heads() -> None:
    assert heads_for(Scheme.POCSO_SPECIAL_COURT) == ()
    payment = [rule for rule in rules_for(Scheme.POCSO_SPECIAL_COURT) if "payment" in rule.head]
    assert payment
    assert "30 days" in payment[0].notes


def test_rule_rows_keep_their_amounts() -> None:
    (cash,) = [
        rule for rule in rules_for(NALSA) if rule.head.endswith("immediate cash on application")
    ]
    assert (cash.min_paise, cash.max_paise) == (5_000 * 100, 10_000 * 100)


def test_schemes_the_tracker_does_not_model_load_without_an_enum() -> None:
    (entry,) = parse_schedule(HEADER + "KA_2011,rape,200000,,,\n")
    assert entry.scheme is None
    assert entry.scheme_code == "KA_2011"
    assert heads_for(Scheme.OTHER_STATE_SCHEME) == ()


def test_an_unknown_head_names_the_scheme() -> None:
    with pytest.raises(UnknownHeadError) as raised:
        range_for(NALSA, "Rape", minor=False)
    assert str(raised.value) == (
        "The NALSA scheme for women victims, 2018 schedule has no head 'Rape'; choose one it lists."
    )


def test_a_rule_row_is_not_a_head() -> None:
    with pytest.raises(UnknownHeadError):
        range_for(NALSA, "rule: minor uplift", minor=True)


@pytest.mark.parametrize(
    ("scheme", "age", "applies"),
    [
        (NALSA, 17, True),
        (NALSA, 18, False),
        (WB, 13, True),
        (WB, 14, False),
        (WB, 16, False),
        (Scheme.OTHER_STATE_SCHEME, 5, False),
    ],
)
def test_who_counts_as_a_minor_differs_by_scheme(scheme: Scheme, age: int, applies: bool) -> None:
    assert minor_uplift_applies(scheme, age) is applies


@pytest.mark.parametrize(
    ("csv_text", "message"),
    [
        (
            "scheme,head,min,max\n",
            "The schedule's header must be"
            " scheme,head,min_rupees,max_rupees,minor_uplift_percent,notes;"
            " found scheme,head,min,max.",
        ),
        (HEADER + 'NALSA_2018,rape,"4,00,000",700000,50,\n', "Line 2: min_rupees '4,00,000'"),
        (HEADER + "NALSA_2018,rape,400000,7e5,50,\n", "Line 2: max_rupees '7e5'"),
        (HEADER + "NALSA_2018,rape,400000,700000,-5,\n", "Line 2: minor_uplift_percent '-5'"),
        (
            HEADER + "NALSA_2018,rape,700000,400000,50,\n",
            "Line 2: min_rupees 700000 is more than max_rupees 400000.",
        ),
        (
            HEADER + "NALSA_2018,rape,1,2,,\nNALSA_2018,rape,1,2,,\n",
            "Line 3: NALSA_2018 lists the head 'rape' twice.",
        ),
        (HEADER + "NALSA_2018,,1,2,,\n", "Line 2: every row needs a scheme and a head."),
    ],
)
def test_a_bad_row_is_refused_with_its_line(csv_text: str, message: str) -> None:
    with pytest.raises(ScheduleDataError) as raised:
        parse_schedule(csv_text)
    assert str(raised.value).startswith(message)
