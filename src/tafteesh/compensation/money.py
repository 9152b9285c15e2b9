"""Money as integer paise: parsing what a lawyer types and showing it in the Indian grouping.

Amounts never pass through a float: ₹1,50,000.10 is 15000010 paise, and 0.1 + 0.2 never
becomes a claim that is off by a paisa.
"""

import re
from typing import NewType

Paise = NewType("Paise", int)

# Columns holding paise are BIGINT; a larger figure is a typing mistake, not an award.
MAX_PAISE = 2**63 - 1

_EXAMPLE = "like 1,50,000 or 1,50,000.50"

# Survivors and staff in West Bengal and Hindi-speaking states may type Bengali or Devanagari
# digits; they mean the same number, so they are read as ASCII digits before anything else.
_LOCAL_DIGITS = str.maketrans("০১২৩৪৫৬৭৮৯०१२३४५६७८९", "01234567890123456789")

# "₹", "Rs", "Rs." or "INR" before the figure, and the "/-" that Indian orders put after it
# ("Rs. 5,000/-") are decoration, not part of the amount.
_PREFIX = re.compile(r"^(?:₹|rs\.?|inr)\s*", re.IGNORECASE)
_SUFFIX = re.compile(r"\s*/-$")

# Either no commas, western grouping (150,000) or Indian grouping (1,50,000); then at most two
# digits of paise. Only ASCII digits: `\d` would also match scripts that were not translated.
_AMOUNT = re.compile(
    r"(?P<rupees>[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,2}(?:,[0-9]{2})*,[0-9]{3})"
    r"(?:\.(?P<paise>[0-9]{1,2}))?"
)
_TOO_MANY_DECIMALS = re.compile(r"[0-9,]*\.[0-9]{3,}")
_WORDS = re.compile(r"lakh|lac|crore|cr\b|thousand|hundred", re.IGNORECASE)


class InvalidAmountError(ValueError):
    """An amount a person typed that cannot be read as rupees; the message says what to type."""


def paise_from_rupees(rupees: int) -> Paise:
    return Paise(rupees * 100)


def parse_rupees(text: str) -> Paise:
    """Read an amount in rupees, as typed in a form, into paise.

    Accepts "150000", "1,50,000", "150,000", "₹1,50,000.50", "Rs. 5,000/-" and Bengali or
    Devanagari digits. Refuses words ("1.5 lakh"): an award is copied from an order that states
    it in figures, and "1.5 lakh" is one slip away from "15 lakh".
    """
    cleaned = _SUFFIX.sub("", _PREFIX.sub("", text.strip().translate(_LOCAL_DIGITS)))
    if not cleaned:
        raise InvalidAmountError(f"Enter an amount in rupees, {_EXAMPLE}.")
    if cleaned.startswith("-"):
        raise InvalidAmountError(f"An amount cannot be negative. Enter it in rupees, {_EXAMPLE}.")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise InvalidAmountError(_explain(cleaned))
    rupees = int(match["rupees"].replace(",", ""))
    # "150000.5" means fifty paise, as it would on a cheque.
    paise = int((match["paise"] or "0").ljust(2, "0"))
    amount = rupees * 100 + paise
    if amount > MAX_PAISE:
        raise InvalidAmountError("This amount is too large to be right. Check the figure.")
    return Paise(amount)


def _explain(cleaned: str) -> str:
    if _WORDS.search(cleaned):
        return "Write the amount in figures, like 1,50,000 for 1.5 lakh."
    if _TOO_MANY_DECIMALS.fullmatch(cleaned):
        return f"Use at most two digits after the point for paise, {_EXAMPLE}."
    if re.fullmatch(r"[0-9,.]+", cleaned) and "," in cleaned:
        return f"Check the commas: write the amount {_EXAMPLE}, or without commas."
    return f"Enter an amount in rupees, {_EXAMPLE}."


def format_inr(paise: int, *, show_paise: bool | None = None) -> str:
    """Show paise as rupees in the Indian grouping: 15000000 -> "₹1,50,000".

    `show_paise=None` shows paise only when there are some; True always shows them ("₹500.00");
    False rounds to the nearest rupee, halves away from zero, for totals in tables.
    """
    magnitude = abs(paise)
    if show_paise is False:
        rupees, remainder = (magnitude + 50) // 100, 0
    else:
        rupees, remainder = divmod(magnitude, 100)
    # Checked after rounding, so -40 paise shown without paise is "₹0", not "-₹0".
    sign = "-" if paise < 0 and (rupees or remainder) else ""
    text = f"{sign}₹{group_indian(rupees)}"
    if show_paise or (show_paise is None and remainder):
        text += f".{remainder:02d}"
    return text


def group_indian(number: int) -> str:
    """Digits grouped as in India: the last three together, then pairs (1,23,45,67,890)."""
    if number < 0:
        return "-" + group_indian(-number)
    digits = str(number)
    if len(digits) <= 3:
        return digits
    head, last_three = digits[:-3], digits[-3:]
    pairs = [head[max(end - 2, 0) : end] for end in range(len(head), 0, -2)]
    return ",".join([*reversed(pairs), last_three])
