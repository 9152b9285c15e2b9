"""BNSS 187(3) / CrPC 167(2) default bail: 60 or 90 days, decided by the sections charged.

Kept apart from the other clocks because its limit is not a constant: it depends on the
punishment of the most serious charged (sub-)section, and on a rule courts still disagree on
(sections_sources.md section 2).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from tafteesh.cases.catalogue import Section

__all__ = ["DefaultBailLimit", "default_bail_for_section", "default_bail_limit"]


@dataclass(frozen=True)
class DefaultBailLimit:
    days: int
    # Courts disagree on 60 or 90 days for this charge; the alert is set at day 60.
    contested: bool
    # The charged section that decides the limit; None when none has a punishment of its own.
    deciding_section: Section | None
    note: str

    @property
    def rank(self) -> int:
        """90 days above contested above 60 days: the order in which charges decide the limit."""
        return 2 if self.days == 90 else int(self.contested)


_SC_ON_TEN_YEARS = "Rajeev Chaudhary, 2001; Rakesh Kumar Paul, 2017"
_SAFER_ERROR = "the alert is set at day 60, since 60 where 90 applies is the safer error"


def default_bail_for_section(section: Section) -> DefaultBailLimit:
    """The rule sections_sources.md section 2 suggests, for the (sub-)section as charged."""
    punishment, minimum = section.max_punishment, section.min_punishment_years
    if punishment is None:
        raise ValueError(f"{section} takes its punishment from the principal offence")
    if punishment.allows_death_or_life or (minimum is not None and minimum >= 10):
        if section.unconfirmed:
            # POCSO 14's "life" stands in for "no maximum": an unchecked row must not lengthen
            # the alert.
            note = (
                f"Contested: {section} would be a 90-day case, but its punishment is "
                f"UNCONFIRMED in the catalogue; until it is checked, {_SAFER_ERROR}."
            )
            return DefaultBailLimit(60, True, section, note)
        shorter = [sub for sub in section.sub_sections if default_bail_for_section(sub).days < 90]
        if shorter:
            # A charge citing only IPC 370 may be 370(2), a 60-day case: the limit depends on
            # the sub-section (sections_sources.md section 2, "charge precision matters").
            note = (
                f"Contested: {section} is charged without its sub-section, and "
                f"{shorter[0]} ({shorter[0].short_title}) is a 60-day case; record the "
                f"sub-section. Until then {_SAFER_ERROR}."
            )
            return DefaultBailLimit(60, True, section, note)
        if punishment.allows_death_or_life:
            return DefaultBailLimit(90, False, section, f"90 days: {section} allows {punishment}.")
        note = f"90 days: {section} carries at least {minimum} years."
        return DefaultBailLimit(90, False, section, note)
    assert punishment.years is not None
    if punishment.years <= 10:
        # "Ten years or more" (BNSS) and "not less than ten years" (CrPC) are read as a minimum,
        # so a maximum of exactly 10 years is a 60-day case.
        note = f"60 days: {section} carries at most {punishment} ({_SC_ON_TEN_YEARS})."
        if section.unconfirmed:
            note += f" Its punishment is UNCONFIRMED in the catalogue: check {section}."
        return DefaultBailLimit(60, False, section, note)
    note = (
        f"Contested: {section} carries up to {punishment} with a minimum below 10 years; "
        f"courts differ on 60 or 90 days, so {_SAFER_ERROR}."
    )
    return DefaultBailLimit(60, True, section, note)


def _severity(section: Section | None) -> tuple[int, Fraction, Fraction]:
    return section.severity if section else (-1, Fraction(0), Fraction(0))


def default_bail_limit(charged: Iterable[Section]) -> DefaultBailLimit:
    """BNSS 187(3) / CrPC 167(2): 60 or 90 days, decided by the most serious charged section.

    Derivative provisions (IPC 34, 120B, POCSO 17) take the principal offence's punishment, so
    they are ignored; if nothing else is charged the limit is unknown and is flagged contested.
    """
    limits = [default_bail_for_section(s) for s in charged if not s.is_derivative]
    if not limits:
        note = (
            "No offence with its own punishment is charged (conspiracy, common intention and "
            f"abetment follow the principal offence); add it. Until then {_SAFER_ERROR}."
        )
        return DefaultBailLimit(60, True, None, note)

    # Every limit here has its deciding section; the rule ranks first, the punishment breaks ties.
    return max(limits, key=lambda limit: (limit.rank, _severity(limit.deciding_section)))
