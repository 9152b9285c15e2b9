import pytest

from tafteesh.compensation.money import (
    MAX_PAISE,
    InvalidAmountError,
    format_inr,
    group_indian,
    paise_from_rupees,
    parse_rupees,
)

GENERIC = "Enter an amount in rupees, like 1,50,000 or 1,50,000.50."


@pytest.mark.parametrize(
    ("typed", "paise"),
    [
        ("150000", 15000000),
        ("1,50,000", 15000000),
        ("150,000", 15000000),
        ("₹1,50,000", 15000000),
        ("₹ 1,50,000.50", 15000050),
        ("Rs 1,50,000", 15000000),
        ("rs.150000", 15000000),
        ("INR 1,50,000", 15000000),
        ("Rs. 5,000/-", 500000),
        ("  12,34,567.89  ", 123456789),
        ("1,234,567.89", 123456789),
        ("150000.5", 15000050),
        ("0.05", 5),
        ("0", 0),
        ("1,000", 100000),
        ("10,00,000", 100000000),
        ("১,৫০,০০০", 15000000),
        ("१५००००.५०", 15000050),
    ],
)
def test_parse_rupees_reads_what_people_type(typed: str, paise: int) -> None:
    assert parse_rupees(typed) == paise


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", GENERIC),
        ("   ", GENERIC),
        ("₹", GENERIC),
        ("abc", GENERIC),
        ("1 50 000", GENERIC),
        ("150000.", GENERIC),
        ("1e5", GENERIC),
        ("-500", "An amount cannot be negative. Enter it in rupees, like 1,50,000 or 1,50,000.50."),
        (
            "₹-1,50,000",
            "An amount cannot be negative. Enter it in rupees, like 1,50,000 or 1,50,000.50.",
        ),
        (
            "1,50,000.505",
            "Use at most two digits after the point for paise, like 1,50,000 or 1,50,000.50.",
        ),
        ("1.5 lakh", "Write the amount in figures, like 1,50,000 for 1.5 lakh."),
        ("2 crore", "Write the amount in figures, like 1,50,000 for 1.5 lakh."),
        (
            "1,5,0000",
            "Check the commas: write the amount like 1,50,000 or 1,50,000.50, or without commas.",
        ),
        (
            "15,00,00",
            "Check the commas: write the amount like 1,50,000 or 1,50,000.50, or without commas.",
        ),
        ("9" * 20, "This amount is too large to be right. Check the figure."),
    ],
)
def test_parse_rupees_refuses_with_a_message_that_says_what_to_type(
    typed: str, message: str
) -> None:
    with pytest.raises(InvalidAmountError) as raised:
        parse_rupees(typed)
    assert str(raised.value) == message


def test_invalid_amount_is_a_value_error_so_form_validation_catches_it() -> None:
    with pytest.raises(ValueError, match="Enter an amount"):
        parse_rupees("")


def test_the_largest_storable_amount_is_accepted_and_one_paisa_more_is_not() -> None:
    rupees, paise = divmod(MAX_PAISE, 100)
    assert parse_rupees(f"{rupees}.{paise:02d}") == MAX_PAISE
    with pytest.raises(InvalidAmountError):
        parse_rupees(f"{rupees}.{paise + 1:02d}")


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [
        (1, "1"),
        (2, "12"),
        (3, "123"),
        (4, "1,234"),
        (5, "12,345"),
        (6, "1,23,456"),
        (7, "12,34,567"),
        (8, "1,23,45,678"),
        (9, "12,34,56,789"),
        (10, "1,23,45,67,890"),
        (11, "12,34,56,78,901"),
        (12, "1,23,45,67,89,012"),
    ],
)
def test_format_inr_groups_lakhs_and_crores_for_every_length(digits: int, grouped: str) -> None:
    rupees = int("123456789012"[:digits])
    assert format_inr(rupees * 100) == f"₹{grouped}"
    assert group_indian(rupees) == grouped


@pytest.mark.parametrize(
    ("paise", "shown"),
    [
        (15000000, "₹1,50,000"),
        (123456789, "₹12,34,567.89"),
        (0, "₹0"),
        (-50000, "-₹500"),
        (-15000050, "-₹1,50,000.50"),
        (5, "₹0.05"),
        (100000000, "₹10,00,000"),
        (1000000000, "₹1,00,00,000"),
    ],
)
def test_format_inr_shows_paise_only_when_there_are_some(paise: int, shown: str) -> None:
    assert format_inr(paise) == shown


def test_format_inr_can_always_show_paise() -> None:
    assert format_inr(15000000, show_paise=True) == "₹1,50,000.00"
    assert format_inr(0, show_paise=True) == "₹0.00"


@pytest.mark.parametrize(
    ("paise", "shown"),
    [
        (15000049, "₹1,50,000"),
        (15000050, "₹1,50,001"),
        (99, "₹1"),
        (-15000050, "-₹1,50,001"),
        (-40, "₹0"),
    ],
)
def test_format_inr_without_paise_rounds_halves_away_from_zero(paise: int, shown: str) -> None:
    assert format_inr(paise, show_paise=False) == shown


@pytest.mark.parametrize("paise", [0, 1, 99, 100, 15000050, 123456789, 99999999999, MAX_PAISE])
def test_what_format_inr_shows_parses_back_to_the_same_paise(paise: int) -> None:
    assert parse_rupees(format_inr(paise)) == paise
    assert parse_rupees(format_inr(paise, show_paise=True)) == paise


def test_paise_from_rupees() -> None:
    assert paise_from_rupees(150000) == 15000000
