"""The catalogue of sections commonly charged in trafficking cases, read from `data/sections.csv`.

The CSV is packaged with the code (never read from outside the package) and its conventions are
written down in `data/sections_sources.md`: section-level rows give the maximum across all
sub-sections, and a sub-section has its own row only where its maximum is lower. So a charge under
a sub-section without a row of its own (IPC 370(4)) is looked up under its section (IPC 370).
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from fractions import Fraction
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from tafteesh.cases.stages import Regime


class Act(StrEnum):
    IPC = "IPC"
    BNS = "BNS"
    ITPA = "ITPA"
    POCSO = "POCSO"
    JJ = "JJ"

    @property
    def full_name(self) -> str:
        return ACT_NAMES[self]


ACT_NAMES: Mapping[Act, str] = MappingProxyType(
    {
        Act.IPC: "Indian Penal Code, 1860",
        Act.BNS: "Bharatiya Nyaya Sanhita, 2023",
        Act.ITPA: "Immoral Traffic (Prevention) Act, 1956",
        Act.POCSO: "Protection of Children from Sexual Offences Act, 2012",
        Act.JJ: "Juvenile Justice (Care and Protection of Children) Act, 2015",
    }
)

# The special acts were not replaced on 1 July 2024, so they are charged under both regimes; only
# the penal code changed (IPC -> BNS).
REGIME_ACTS: Mapping[Regime, frozenset[Act]] = MappingProxyType(
    {
        Regime.OLD_CODES: frozenset({Act.IPC, Act.ITPA, Act.POCSO, Act.JJ}),
        Regime.NEW_CODES: frozenset({Act.BNS, Act.ITPA, Act.POCSO, Act.JJ}),
    }
)

# The `equivalent` column maps only between the old and the new penal code.
_EQUIVALENT_ACT: Mapping[Act, Act] = MappingProxyType({Act.IPC: Act.BNS, Act.BNS: Act.IPC})

_SUB_SECTION = re.compile(r"\([^()]*\)$")


class PunishmentKind(StrEnum):
    DEATH = "death"
    LIFE = "life"
    YEARS = "years"


@dataclass(frozen=True)
class Punishment:
    """The highest punishment a section allows: death, life imprisonment or a term of years."""

    kind: PunishmentKind
    # Months are fractions of a year (3 months = 1/4), so a term never goes through a float.
    years: Fraction | None = None

    def __post_init__(self) -> None:
        if (self.kind is PunishmentKind.YEARS) != (self.years is not None):
            raise ValueError("only a term of imprisonment has a number of years")
        if self.years is not None and self.years <= 0:
            raise ValueError("a term of imprisonment must be longer than zero")

    @classmethod
    def death(cls) -> "Punishment":
        return cls(PunishmentKind.DEATH)

    @classmethod
    def life(cls) -> "Punishment":
        return cls(PunishmentKind.LIFE)

    @classmethod
    def term(cls, years: Fraction | int | str) -> "Punishment":
        return cls(PunishmentKind.YEARS, Fraction(years))

    @classmethod
    def parse(cls, text: str) -> "Punishment | None":
        """Read a `max_punishment` cell: `death`, `life`, years (`10`) or a fraction (`0.25`).

        A blank cell is a derivative provision (IPC 34, 120B, POCSO 17) whose punishment is that
        of the principal offence, so it has no punishment of its own: None.
        """
        text = text.strip().lower()
        if not text:
            return None
        if text in (PunishmentKind.DEATH, PunishmentKind.LIFE):
            return cls(PunishmentKind(text))
        return cls.term(text)

    @property
    def allows_death_or_life(self) -> bool:
        return self.kind is not PunishmentKind.YEARS

    @property
    def severity(self) -> tuple[int, Fraction]:
        """Sort key: death above life above any term, longer terms above shorter ones."""
        order = {PunishmentKind.YEARS: 0, PunishmentKind.LIFE: 1, PunishmentKind.DEATH: 2}
        return order[self.kind], self.years or Fraction(0)

    def __str__(self) -> str:
        if self.kind is PunishmentKind.DEATH:
            return "death"
        if self.kind is PunishmentKind.LIFE:
            return "life imprisonment"
        assert self.years is not None
        return _format_years(self.years)


def _format_years(years: Fraction) -> str:
    if years.denominator == 1:
        return f"{years.numerator} year" + ("" if years == 1 else "s")
    months = years * 12
    if months.denominator == 1:
        return f"{months.numerator} month" + ("" if months == 1 else "s")
    return f"{float(years):g} years"


@dataclass(frozen=True)
class Section:
    act: Act
    # As cited: "370", "370(2)", "376AB", "3(5)".
    section: str
    short_title: str
    max_punishment: Punishment | None
    min_punishment_years: Fraction | None
    # Citations in the other penal code (IPC <-> BNS); several when a section was split or merged.
    equivalent: tuple[str, ...]
    notes: str
    # Set when a sub-section without a row of its own is charged: the row it takes its values from.
    inherited_from: str | None = None
    # The rows for this section's sub-sections, which the CSV adds only where their maximum is
    # lower (IPC 370 -> 370(2)): a charge citing only the section may be one of them.
    sub_sections: tuple["Section", ...] = field(default=(), repr=False, compare=False)

    @property
    def citation(self) -> str:
        return f"{self.act} {self.section}"

    @property
    def base_section(self) -> str:
        """The section without sub-sections: "370(2)" -> "370", "61(2)(b)" -> "61"."""
        return self.section.split("(", 1)[0]

    @property
    def is_derivative(self) -> bool:
        """Takes its punishment from the principal offence (sections_sources.md section 1)."""
        return self.max_punishment is None

    @property
    def severity(self) -> tuple[int, Fraction, Fraction]:
        """Sort key for the most serious of several charges: maximum first, then minimum."""
        rank, years = self.max_punishment.severity if self.max_punishment else (-1, Fraction(0))
        return rank, years, self.min_punishment_years or Fraction(0)

    @property
    def unconfirmed(self) -> bool:
        """The punishment has no source yet; nobody should rely on it (sections_sources.md s.5)."""
        return "UNCONFIRMED" in self.notes

    def __str__(self) -> str:
        return self.citation


class UnknownSectionError(LookupError):
    """The act and section are not in the catalogue."""


def normalise_section(section: str) -> str:
    """Spell a citation the way the CSV does: "370 a" -> "370A", " 370 (2)" -> "370(2)"."""
    return "".join(section.split()).upper()


@dataclass(frozen=True)
class Catalogue:
    sections: tuple[Section, ...]
    _by_citation: dict[tuple[Act, str], Section] = field(
        init=False, repr=False, compare=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        for row in self.sections:
            key = (row.act, row.section)
            if key in self._by_citation:
                raise ValueError(f"{row.citation} appears twice in the sections catalogue")
            self._by_citation[key] = row

    def __iter__(self) -> Iterator[Section]:
        return iter(self.sections)

    def __len__(self) -> int:
        return len(self.sections)

    def get(self, act: Act, section: str) -> Section:
        """The section as charged, taking its values from its section's row if it has none.

        IPC 370(4) has no row, so it is IPC 370(4) with the values of IPC 370 (max life): the CSV
        adds a sub-section row only where the sub-section's maximum is lower, as with IPC 370(2)
        (max 10 years).
        """
        cited = normalise_section(section)
        candidate = cited
        while True:
            found = self._by_citation.get((act, candidate))
            if found is not None and candidate == cited:
                return found
            if found is not None:
                return replace(found, section=cited, inherited_from=candidate, sub_sections=())
            parent = _SUB_SECTION.sub("", candidate)
            if parent == candidate or not parent:
                raise UnknownSectionError(f"{act} {cited} is not in the sections catalogue")
            candidate = parent

    def equivalent_of(self, section: Section) -> tuple[Section, ...]:
        """The same offence in the other penal code: IPC 370 -> BNS 143, BNS 143 -> IPC 370.

        Empty for the special acts (ITPA, POCSO, JJ), which both regimes share, and for rows whose
        equivalent the CSV does not give.
        """
        other_act = _EQUIVALENT_ACT.get(section.act)
        if other_act is None:
            return ()
        found: dict[str, Section] = {}
        for citation in section.equivalent:
            # BNS 64 -> IPC 376(1)/376(2): both are answered by the IPC 376 row.
            other = self.get(other_act, citation)
            row = self._by_citation[(other_act, other.inherited_from or other.section)]
            found.setdefault(row.section, row)
        return tuple(found.values())

    def for_regime(self, regime: Regime) -> tuple[Section, ...]:
        acts = REGIME_ACTS[regime]
        return tuple(row for row in self.sections if row.act in acts)


def parse_catalogue(text: str) -> Catalogue:
    """Read sections.csv text; a bad row names its line so the data can be fixed."""
    rows = tuple(_parse_rows(csv.DictReader(io.StringIO(text))))
    return Catalogue(tuple(_with_sub_sections(row, rows) for row in rows))


def _with_sub_sections(row: Section, rows: tuple[Section, ...]) -> Section:
    prefix = row.section + "("
    subs = tuple(r for r in rows if r.act == row.act and r.section.startswith(prefix))
    return replace(row, sub_sections=subs) if subs else row


def _parse_rows(rows: Iterable[dict[str, str]]) -> Iterator[Section]:
    # Line 1 is the header.
    for line, row in enumerate(rows, start=2):
        try:
            minimum = row["min_punishment_years"].strip()
            equivalent = row["equivalent"].strip()
            yield Section(
                act=Act(row["act"].strip()),
                section=normalise_section(row["section"]),
                short_title=row["short_title"].strip(),
                max_punishment=Punishment.parse(row["max_punishment"]),
                min_punishment_years=Fraction(minimum) if minimum else None,
                equivalent=tuple(
                    normalise_section(part) for part in equivalent.split("/") if part.strip()
                ),
                notes=row["notes"].strip(),
            )
        except (KeyError, ValueError, ZeroDivisionError) as error:
            raise ValueError(f"sections.csv line {line}: {error}") from error


@cache
def load_catalogue() -> Catalogue:
    """The catalogue packaged with the code, read once per process."""
    text = files("tafteesh.cases").joinpath("data", "sections.csv").read_text(encoding="utf-8")
    return parse_catalogue(text)
