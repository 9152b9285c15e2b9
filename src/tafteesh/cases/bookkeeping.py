"""Small rules shared by the case services: checking dates."""

from __future__ import annotations

from datetime import date

from tafteesh.errors import InvalidInput


def check_date_between(
    label: str, day: date | None, earliest: date, latest: date, field: str
) -> None:
    """Refuse a date outside [earliest, latest] with a message naming both ends."""
    if day is not None and not earliest <= day <= latest:
        raise InvalidInput(
            f"The {label} must be between {earliest:%d %b %Y} and {latest:%d %b %Y}.",
            details={"fields": {field: "out of range"}},
        )


def check_fir_year(fir_year: int, fir_date: date, *, zero_fir: bool) -> None:
    # Police number FIRs per year; a mismatch is usually a typing slip. A zero FIR keeps the
    # number given where it was first registered.
    if fir_year != fir_date.year and not zero_fir:
        raise InvalidInput(
            f"The FIR year {fir_year} does not match the FIR date ({fir_date:%d %b %Y}).",
            details={"fields": {"fir_year": "does not match the FIR date"}},
        )
