"""Compensation schedules per scheme, read from the packaged `data/compensation_schedules.csv`.

Schedules change (Calcutta High Court, 2023, ordered West Bengal to align with NALSA 2018), so
they are editable data, never constants. `data/compensation_sources.md` gives the source of each
row; a row whose notes say UNCONFIRMED has none yet and is flagged wherever it is shown.
Heads are rows naming an injury or loss; rows whose head starts with "rule:" record a clause of
the scheme, with an amount where the clause gives one.
"""

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType

from tafteesh.compensation.money import MAX_PAISE
from tafteesh.compensation.statuses import Scheme

CSV_COLUMNS = ("scheme", "head", "min_rupees", "max_rupees", "minor_uplift_percent", "notes")

# The CSV names schemes by short codes; the ones the tracker models map to `Scheme`. A code with
# no entry here still loads, with `scheme=None`.
SCHEME_BY_CSV_CODE: Mapping[str, Scheme] = MappingProxyType(
    {
        "NALSA_2018": Scheme.NALSA_2018_WOMEN_VICTIMS,
        "WB_2017": Scheme.WEST_BENGAL_2017,
        "POCSO_2020": Scheme.POCSO_SPECIAL_COURT,
    }
)

# Who counts as a minor for the uplift differs by scheme: NALSA 2018 cl.2(j) "a girl child who has
# not completed the age of 18 years"; the West Bengal gazette "less than 14 years of age" (quoted
# by The Hindu 2022, source W1). A 16-year-old gets the uplift under one and not the other.
MINOR_UPLIFT_BELOW_AGE: Mapping[Scheme, int] = MappingProxyType(
    {
        Scheme.NALSA_2018_WOMEN_VICTIMS: 18,
        Scheme.WEST_BENGAL_2017: 14,
    }
)

_RULE_PREFIX = "rule:"


class ScheduleDataError(ValueError):
    """The schedule CSV has a row that cannot be read; the message names the line and column."""


class UnknownHeadError(LookupError):
    """A head that the scheme's schedule does not list."""


@dataclass(frozen=True)
class ScheduleEntry:
    scheme_code: str
    scheme: Scheme | None
    head: str
    min_paise: int | None
    # None: the source gives no upper limit (West Bengal publishes minimum amounts only).
    max_paise: int | None
    minor_uplift_percent: int | None
    notes: str

    @property
    def unconfirmed(self) -> bool:
        """No source yet: nobody should rely on this row until one is found."""
        return "UNCONFIRMED" in self.notes

    @property
    def is_rule(self) -> bool:
        return self.head.startswith(_RULE_PREFIX)


@dataclass(frozen=True)
class AmountRange:
    """The band a head allows, after any minor uplift; None where the schedule sets no limit."""

    min_paise: int | None
    max_paise: int | None
    minor_uplift_applied: bool
    unconfirmed: bool


@cache
def load_schedule() -> tuple[ScheduleEntry, ...]:
    text = files("tafteesh.compensation").joinpath("data/compensation_schedules.csv")
    return parse_schedule(text.read_text(encoding="utf-8"))


def parse_schedule(text: str) -> tuple[ScheduleEntry, ...]:
    """Read schedule rows from CSV text, refusing the whole file at its first bad row."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise ScheduleDataError(
            f"The schedule's header must be {','.join(CSV_COLUMNS)};"
            f" found {','.join(reader.fieldnames or ())}."
        )
    entries: list[ScheduleEntry] = []
    seen: set[tuple[str, str]] = set()
    for row in reader:
        line = reader.line_num
        code, head = (row["scheme"] or "").strip(), (row["head"] or "").strip()
        if not code or not head:
            raise ScheduleDataError(f"Line {line}: every row needs a scheme and a head.")
        if (code, head) in seen:
            raise ScheduleDataError(f"Line {line}: {code} lists the head {head!r} twice.")
        seen.add((code, head))
        min_rupees = _whole_number(row["min_rupees"], line, "min_rupees")
        max_rupees = _whole_number(row["max_rupees"], line, "max_rupees")
        if min_rupees is not None and max_rupees is not None and min_rupees > max_rupees:
            raise ScheduleDataError(
                f"Line {line}: min_rupees {min_rupees} is more than max_rupees {max_rupees}."
            )
        entries.append(
            ScheduleEntry(
                scheme_code=code,
                scheme=SCHEME_BY_CSV_CODE.get(code),
                head=head,
                min_paise=None if min_rupees is None else min_rupees * 100,
                max_paise=None if max_rupees is None else max_rupees * 100,
                minor_uplift_percent=_whole_number(
                    row["minor_uplift_percent"], line, "minor_uplift_percent"
                ),
                notes=(row["notes"] or "").strip(),
            )
        )
    return tuple(entries)


def _whole_number(cell: str | None, line: int, column: str) -> int | None:
    value = (cell or "").strip()
    if not value:
        return None
    # ASCII digits only: no commas, signs or decimals, so "4,00,000" or "4e5" are caught here.
    if not (value.isascii() and value.isdigit()):
        raise ScheduleDataError(
            f"Line {line}: {column} {value!r} must be a whole number without commas, or empty."
        )
    number = int(value)
    if number * 100 > MAX_PAISE:
        raise ScheduleDataError(f"Line {line}: {column} {value} is too large.")
    return number


def _entries_for(scheme: Scheme | str) -> tuple[ScheduleEntry, ...]:
    if isinstance(scheme, Scheme):
        return tuple(entry for entry in load_schedule() if entry.scheme is scheme)
    return tuple(entry for entry in load_schedule() if entry.scheme_code == scheme)


def heads_for(scheme: Scheme | str) -> tuple[ScheduleEntry, ...]:
    """The injury or loss heads of a scheme, in the schedule's order; a str is a CSV code."""
    return tuple(entry for entry in _entries_for(scheme) if not entry.is_rule)


def rules_for(scheme: Scheme | str) -> tuple[ScheduleEntry, ...]:
    return tuple(entry for entry in _entries_for(scheme) if entry.is_rule)


def head_entry(scheme: Scheme | str, head: str) -> ScheduleEntry:
    for entry in heads_for(scheme):
        if entry.head == head:
            return entry
    name = scheme.label if isinstance(scheme, Scheme) else scheme
    raise UnknownHeadError(f"The {name} schedule has no head {head!r}; choose one it lists.")


def range_for(scheme: Scheme | str, head: str, *, minor: bool) -> AmountRange:
    """The band for a head; for a minor, both limits raised by the scheme's uplift.

    NALSA 2018 cl.9(3): for a minor "the limit of compensation shall be deemed to be 50% higher";
    the West Bengal scheme adds 50% under 14. Whether the victim counts as a minor is for
    `minor_uplift_applies`. The upper limit is not a cap on what an authority may award:
    cl.9(3) lets it be exceeded "in deserving cases, for reasons to be recorded".
    """
    entry = head_entry(scheme, head)
    uplift = entry.minor_uplift_percent if minor else None
    return AmountRange(
        min_paise=_uplifted(entry.min_paise, uplift),
        max_paise=_uplifted(entry.max_paise, uplift),
        minor_uplift_applied=bool(uplift),
        unconfirmed=entry.unconfirmed,
    )


def _uplifted(paise: int | None, percent: int | None) -> int | None:
    if paise is None or not percent:
        return paise
    # Schedule amounts are whole rupees (100 paise each), so any whole percent divides exactly.
    return paise * (100 + percent) // 100


def minor_uplift_applies(scheme: Scheme, age_years: int) -> bool:
    """Whether a victim of this age gets the scheme's minor uplift; False for other schemes."""
    below = MINOR_UPLIFT_BELOW_AGE.get(scheme)
    return below is not None and age_years < below
