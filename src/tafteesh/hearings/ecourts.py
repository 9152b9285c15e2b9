"""Reading an eCourts case history that a lawyer downloaded and uploads (DOMAIN.md "Hearings").

eCourts shows a case's history as a table with the columns Judge, Business On Date, Hearing Date
and Purpose of Hearing: on each Business On Date the case was before the judge, and Hearing Date
is the next date it was given. A lawyer copies that table into a spreadsheet and saves it as CSV,
or a script saves it as JSON; this module reads either into `HistoryRow`s and, when the file has
mistakes, lists every one of them with its line so the lawyer can fix the file in one go.

Encoding: UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8"), UTF-16 with a
byte-order mark, and, failing UTF-8, Windows-1252: Excel's plain "CSV" on an English Windows
saves in that code page, and the history's text is English. Windows-1252 is tried strictly, so
bytes it does not define still end in a problem instead of a guess.

Column names (CSV header, JSON keys) match ignoring case, extra spaces and underscores. A JSON
entry is numbered from 1 and its problems say "entry 3"; a CSV problem says "line 3", counting
physical lines, so a quoted value that holds a line break moves the rows below it down.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from tafteesh.hearings.vocabulary import Purpose

MAX_BYTES = 2 * 1024 * 1024

JUDGE = "Judge"
BUSINESS_ON = "Business On Date"
HEARING_DATE = "Hearing Date"
PURPOSE = "Purpose of Hearing"
COLUMNS = (JUDGE, BUSINESS_ON, HEARING_DATE, PURPOSE)
_COLUMN_LIST = ", ".join(COLUMNS)

NO_HEARINGS = "There are no hearings in the file"

# eCourts prints dd-mm-yyyy; spreadsheets turn it into dd/mm/yyyy, and scripts write ISO dates.
# Indian spreadsheets are day-first, so 03/04/2026 is 3 April, never 4 March.
_DAY_FIRST = re.compile(r"([0-9]{1,2})([-/])([0-9]{1,2})\2([0-9]{4})")
_ISO = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")

# First match wins, so the order settles texts that name two things: "Cross of PW-2" is a
# cross-examination, "Orders on charge" a charge hearing, "Defence arguments" arguments. A
# survivor's deposition is never guessed: eCourts does not say which witness she is, and the
# lawyer marks it when reviewing the import.
_PURPOSE_PATTERNS: tuple[tuple[Purpose, re.Pattern[str]], ...] = tuple(
    (purpose, re.compile(pattern))
    for purpose, pattern in (
        (
            Purpose.STATEMENT_OF_ACCUSED,
            r"\b313\b|STATEMENT OF (?:THE )?ACCUSED|EXAMINATION OF (?:THE )?ACCUSED",
        ),
        (Purpose.CROSS_EXAMINATION, r"\bCROSS"),
        # "Non-bailable warrant" is not a bail hearing.
        (Purpose.BAIL_HEARING, r"\bBAIL\b"),
        # A charge sheet is the police report, not the charge; discharge is argued at the
        # charge hearing (CrPC 227 / BNSS 250).
        (Purpose.CHARGE_HEARING, r"\b(?:DIS)?CHARGES?\b(?!\s*-?\s*SHEET)"),
        # "Arguement" is a common spelling in court records.
        (Purpose.ARGUMENTS, r"\bARGUE?MENTS?\b"),
        (Purpose.DEFENCE_EVIDENCE, r"\bDEFEN[CS]E\b|\bD\.?\s?W\.?S?(?![A-Z])"),
        (Purpose.PROSECUTION_EVIDENCE, r"\bEVIDENCE\b|\bP\.?\s?W\.?S?(?![A-Z])"),
        (Purpose.JUDGMENT, r"\bJUDGE?MENTS?\b|\bORDERS?\b"),
    )
)


class HistoryFileError(ValueError):
    """A history file that cannot be imported; `problems` lists every mistake, in file order."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class HistoryRow:
    """One row of the history: `line` is the CSV line (header = 1) or the JSON entry (from 1)."""

    line: int
    judge: str
    business_on: date
    next_date: date | None
    purpose_text: str
    purpose: Purpose


@dataclass(frozen=True)
class _Entry:
    line: int
    where: str
    values: dict[str, str]


def parse_history(data: bytes, *, filename: str) -> list[HistoryRow]:
    """The rows of an eCourts case history in CSV or JSON, in file order.

    The format follows the filename's extension (.csv, .json) and otherwise the content. Raises
    `HistoryFileError` listing every problem found, rather than only the first.
    """
    if len(data) > MAX_BYTES:
        raise HistoryFileError(
            ["The file is larger than 2 MB; a case history is far smaller: is it the right file?"]
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("xlsx", "xls", "ods") or data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise HistoryFileError(
            ["This is a spreadsheet workbook, not CSV: open it and save it as “CSV UTF-8”"]
        )
    text = _decode(data)
    if not text.strip():
        raise HistoryFileError(["The file is empty"])
    is_json = extension == "json" or (extension != "csv" and text.lstrip()[:1] in ("[", "{"))
    problems: list[str] = []
    entries = _read_json(text, problems) if is_json else _read_csv(text, problems)
    rows = _rows(entries, problems)
    if problems:
        # Checks run in passes; the lawyer reads the problems top to bottom, like her file.
        raise HistoryFileError(sorted(problems, key=_position))
    return rows


def purpose_from_text(text: str) -> Purpose:
    """The hearing purpose that eCourts' free text names, by keywords; `OTHER` when none."""
    words = " ".join(text.upper().split())
    for purpose, pattern in _PURPOSE_PATTERNS:
        if pattern.search(words):
            return purpose
    return Purpose.OTHER


def parse_ecourts_date(text: str) -> date | None:
    """A date written dd-mm-yyyy, dd/mm/yyyy or yyyy-mm-dd; None when it is not a real date."""
    text = text.strip()
    try:
        if match := _DAY_FIRST.fullmatch(text):
            return date(int(match[4]), int(match[3]), int(match[1]))
        if match := _ISO.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


_POSITION = re.compile(r"(?:line|entry) ([0-9]+):")


def _position(problem: str) -> int:
    """Where a problem is in the file; problems about the whole file come first."""
    match = _POSITION.match(problem)
    return int(match[1]) if match else 0


def _decode(data: bytes) -> str:
    not_text = HistoryFileError(
        ["The file is not a text file: save the case history as “CSV UTF-8” and upload that"]
    )
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text = data.decode("utf-16")
        else:
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise not_text from None
    # NUL never occurs in text; it does in UTF-16 without a byte-order mark and in binaries.
    if "\x00" in text:
        raise not_text
    return text


def _normal(name: str) -> str:
    return " ".join(name.replace("_", " ").split()).casefold()


_CANONICAL = {_normal(column): column for column in COLUMNS}


def _quoted(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)


def _read_csv(text: str, problems: list[str]) -> list[_Entry]:
    records: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    try:
        for cells in reader:
            # A record that holds a quoted line break spans several lines; it starts on the first.
            start, last_line = last_line + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((start, cells))
    except csv.Error:
        raise HistoryFileError(
            [
                f"line {last_line + 1}: a double quote is not closed, or text follows a closing "
                f"quote. Put values with commas in double quotes, and write a quote inside a "
                f'value as two ("").'
            ]
        ) from None

    if not records:
        raise HistoryFileError(["The file is empty"])
    (_, header), data_records = records[0], records[1:]
    if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
        raise HistoryFileError(["line 1: separate the columns with commas"])
    columns = [_CANONICAL.get(_normal(name)) for name in header]
    unknown = [
        name.strip() or f"(no name, column {position})"
        for position, (name, column) in enumerate(zip(header, columns, strict=True), start=1)
        # Spreadsheets may leave an empty, unnamed column after the table: harmless.
        if not column and (name.strip() or _has_values(data_records, position - 1))
    ]
    if unknown:
        problems.append(
            f"line 1: unknown column{'s' if len(unknown) > 1 else ''} {_quoted(unknown)}; "
            f"the columns are {_COLUMN_LIST}"
        )
    for column in COLUMNS:
        if columns.count(column) > 1:
            problems.append(f"line 1: column “{column}” appears {columns.count(column)} times")
    missing = [column for column in COLUMNS if column not in columns]
    if missing:
        # Rows read against a header that misnames a column would only add confusing problems.
        problems.append(
            f"line 1: missing column{'s' if len(missing) > 1 else ''} {_quoted(missing)}"
        )
        raise HistoryFileError(problems)
    if not data_records:
        problems.append(f"{NO_HEARINGS}: it has only the header line")
        raise HistoryFileError(problems)

    entries = []
    for line, cells in data_records:
        where = f"line {line}"
        # Spreadsheets may pad rows with empty cells beyond the header; those are harmless.
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != len(header):
            problems.append(
                f"{where}: {len(cells)} values, but the header has {len(header)} columns "
                f"(put a value that contains a comma in double quotes)"
            )
            continue
        values: dict[str, str] = {}
        for name, cell in zip(columns, cells, strict=True):
            if name:
                values.setdefault(name, cell)
        entries.append(_Entry(line, where, values))
    return entries


def _has_values(records: list[tuple[int, list[str]]], position: int) -> bool:
    return any(len(cells) > position and cells[position].strip() for _, cells in records)


def _read_json(text: str, problems: list[str]) -> list[_Entry]:
    try:
        document: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise HistoryFileError(
            [f"line {error.lineno}: the file is not valid JSON ({error.msg})"]
        ) from None
    history = document.get("history") if isinstance(document, dict) else document
    if not isinstance(history, list):
        raise HistoryFileError(
            ["The JSON must be a list of hearings, or an object with a “history” list"]
        )
    if not history:
        raise HistoryFileError([NO_HEARINGS])

    unknown: dict[str, list[int]] = {}
    entries = []
    row_problems: list[str] = []
    for number, item in enumerate(history, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            row_problems.append(f"{where}: not an object with the fields {_COLUMN_LIST}")
            continue
        values: dict[str, str] = {}
        fine = True
        for key, value in item.items():
            column = _CANONICAL.get(_normal(str(key)))
            if column is None:
                unknown.setdefault(str(key), []).append(number)
            elif column in values:
                row_problems.append(f"{where}: “{column}” is given twice")
                fine = False
            elif value is None or isinstance(value, str):
                values[column] = value or ""
            else:
                row_problems.append(f"{where}: {column} must be text, not {json.dumps(value)}")
                values[column] = ""
                fine = False
        # A disposed case has no next date; serialisers often leave out a null field.
        values.setdefault(HEARING_DATE, "")
        missing = [column for column in COLUMNS if column not in values]
        if missing:
            row_problems.append(f"{where}: missing {_quoted(missing)}")
        elif fine:
            entries.append(_Entry(number, where, values))
    for key, numbers in unknown.items():
        shown = ", ".join(str(number) for number in numbers[:5])
        more = ", …" if len(numbers) > 5 else ""
        problems.append(
            f"unknown field “{key}” (entr{'ies' if len(numbers) > 1 else 'y'} {shown}{more}); "
            f"the fields are {_COLUMN_LIST}"
        )
    problems.extend(row_problems)
    return entries


def _rows(entries: list[_Entry], problems: list[str]) -> list[HistoryRow]:
    rows = []
    first_seen: dict[date, str] = {}
    for entry in entries:
        where = entry.where
        business_text = entry.values[BUSINESS_ON].strip()
        next_text = entry.values[HEARING_DATE].strip()
        business_on = parse_ecourts_date(business_text)
        next_date = parse_ecourts_date(next_text) if next_text else None
        fine = business_on is not None
        if not business_text:
            problems.append(f"{where}: {BUSINESS_ON} is empty")
        elif business_on is None:
            problems.append(
                f"{where}: {BUSINESS_ON} “{business_text}” is not a date (use dd-mm-yyyy)"
            )
        if next_text and next_date is None:
            problems.append(
                f"{where}: {HEARING_DATE} “{next_text}” is not a date (use dd-mm-yyyy, "
                f"or leave it empty when there is no next date)"
            )
            fine = False
        if business_on is None:
            continue
        if business_on in first_seen:
            problems.append(
                f"{where}: {BUSINESS_ON} {business_on:%d-%m-%Y} is also on "
                f"{first_seen[business_on]}"
            )
            fine = False
        else:
            first_seen[business_on] = where
        if next_date is not None and next_date < business_on:
            problems.append(
                f"{where}: {HEARING_DATE} {next_date:%d-%m-%Y} is before "
                f"{BUSINESS_ON} {business_on:%d-%m-%Y}"
            )
            fine = False
        if fine:
            purpose_text = " ".join(entry.values[PURPOSE].split())
            rows.append(
                HistoryRow(
                    line=entry.line,
                    judge=" ".join(entry.values[JUDGE].split()),
                    business_on=business_on,
                    next_date=next_date,
                    purpose_text=purpose_text,
                    purpose=purpose_from_text(purpose_text),
                )
            )
    return rows
