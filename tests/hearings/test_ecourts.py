"""Reading an eCourts case history that a lawyer uploads, and telling her every mistake at once."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tafteesh.hearings.ecourts import (
    MAX_BYTES,
    HistoryFileError,
    HistoryRow,
    parse_ecourts_date,
    parse_history,
    purpose_from_text,
)
from tafteesh.hearings.vocabulary import Purpose

JUDGE = "Additional District & Sessions Judge, 3rd Court, Barasat"
HEADER = "Judge,Business On Date,Hearing Date,Purpose of Hearing"

# Copied from an eCourts case history into a spreadsheet and saved as CSV: the judge's
# designation has commas, so the spreadsheet quotes it.
SAMPLE = f"""{HEADER}
"{JUDGE}",14-08-2025,11-09-2025,Appearance
"{JUDGE}",11-09-2025,09-10-2025,Framing of Charge
"{JUDGE}",09-10-2025,20-11-2025,Evidence
"{JUDGE}",20-11-2025,18-12-2025,Cross Examination of PW-2
"{JUDGE}",18-12-2025,22-01-2026,Examination of Accused u/s 313 Cr.P.C.
"{JUDGE}",22-01-2026,19-02-2026,Arguments
"{JUDGE}",19-02-2026,12-03-2026,For Orders
"{JUDGE}",12-03-2026,,Judgement
"""


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode() + b"\n"


def problems_of(data: bytes, filename: str = "history.csv") -> list[str]:
    with pytest.raises(HistoryFileError) as caught:
        parse_history(data, filename=filename)
    return caught.value.problems


def test_reads_a_realistic_case_history() -> None:
    rows = parse_history(SAMPLE.encode(), filename="SC-112-2025.csv")

    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert rows[0] == HistoryRow(
        line=2,
        judge=JUDGE,
        business_on=date(2025, 8, 14),
        next_date=date(2025, 9, 11),
        purpose_text="Appearance",
        purpose=Purpose.OTHER,
    )
    assert [row.purpose for row in rows] == [
        Purpose.OTHER,
        Purpose.CHARGE_HEARING,
        Purpose.PROSECUTION_EVIDENCE,
        Purpose.CROSS_EXAMINATION,
        Purpose.STATEMENT_OF_ACCUSED,
        Purpose.ARGUMENTS,
        Purpose.JUDGMENT,
        Purpose.JUDGMENT,
    ]
    assert rows[-1].next_date is None
    assert rows[-1].business_on == date(2026, 3, 12)


@pytest.mark.parametrize(
    ("text", "purpose"),
    [
        ("Framing of Charge", Purpose.CHARGE_HEARING),
        ("Hearing on discharge petition", Purpose.CHARGE_HEARING),
        ("Orders on charge", Purpose.CHARGE_HEARING),
        ("Awaiting charge sheet", Purpose.OTHER),
        ("For Chargesheet", Purpose.OTHER),
        ("Bail Hearing", Purpose.BAIL_HEARING),
        ("Orders on bail petition", Purpose.BAIL_HEARING),
        ("Non-bailable warrant", Purpose.OTHER),
        ("Prosecution Evidence", Purpose.PROSECUTION_EVIDENCE),
        ("Examination of P.W. 3", Purpose.PROSECUTION_EVIDENCE),
        ("PW1 examined", Purpose.PROSECUTION_EVIDENCE),
        ("Cross of PW-2", Purpose.CROSS_EXAMINATION),
        ("Cross-examination", Purpose.CROSS_EXAMINATION),
        ("Defence Evidence", Purpose.DEFENCE_EVIDENCE),
        ("DW-1", Purpose.DEFENCE_EVIDENCE),
        ("Defence arguments", Purpose.ARGUMENTS),
        ("Statement of accused", Purpose.STATEMENT_OF_ACCUSED),
        ("u/s 313", Purpose.STATEMENT_OF_ACCUSED),
        ("Final Arguments", Purpose.ARGUMENTS),
        ("Arguement", Purpose.ARGUMENTS),
        ("Judgment", Purpose.JUDGMENT),
        ("Judgement", Purpose.JUDGMENT),
        ("For Orders", Purpose.JUDGMENT),
        ("Appearance", Purpose.OTHER),
        ("Hearing", Purpose.OTHER),
        ("", Purpose.OTHER),
    ],
)
def test_purpose_is_read_from_the_free_text(text: str, purpose: Purpose) -> None:
    assert purpose_from_text(text) is purpose


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("12-03-2026", date(2026, 3, 12)),
        ("12/03/2026", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("3/4/2026", date(2026, 4, 3)),
        (" 12-03-2026 ", date(2026, 3, 12)),
        ("31-02-2026", None),
        ("12-03/2026", None),
        ("12.03.2026", None),
        ("12-03-26", None),
        ("next week", None),
    ],
)
def test_dates_are_day_first_or_iso(text: str, day: date | None) -> None:
    assert parse_ecourts_date(text) == day


def test_header_names_ignore_case_and_extra_spaces() -> None:
    data = csv_file(
        "ADJ 3rd Court,09-10-2025,20-11-2025,Evidence",
        header=" judge ,BUSINESS ON  DATE,hearing date,  Purpose of\u00a0Hearing",
    )

    (row,) = parse_history(data, filename="history.csv")

    assert (row.judge, row.business_on, row.next_date, row.purpose_text) == (
        "ADJ 3rd Court",
        date(2025, 10, 9),
        date(2025, 11, 20),
        "Evidence",
    )


def test_reordered_columns_keep_each_value_with_its_header() -> None:
    data = csv_file(
        "Evidence,20-11-2025,09-10-2025,ADJ 3rd Court",
        header="Purpose of Hearing,Hearing Date,Business On Date,Judge",
    )

    (row,) = parse_history(data, filename="history.csv")

    assert (row.business_on, row.next_date) == (date(2025, 10, 9), date(2025, 11, 20))
    assert (row.judge, row.purpose) == ("ADJ 3rd Court", Purpose.PROSECUTION_EVIDENCE)


def test_extra_column_is_named_and_rows_are_still_checked() -> None:
    data = csv_file(
        "ADJ,14-08-2025,11-09-2025,Appearance,Charge sheet filed",
        "ADJ,31-02-2026,,Evidence,",
        header=f"{HEADER},Stage",
    )

    assert problems_of(data) == [
        "line 1: unknown column “Stage”; the columns are "
        "Judge, Business On Date, Hearing Date, Purpose of Hearing",
        "line 3: Business On Date “31-02-2026” is not a date (use dd-mm-yyyy)",
    ]


def test_missing_columns_are_named() -> None:
    data = csv_file("ADJ,14-08-2025", header="Judge,Business On Date")

    assert problems_of(data) == ["line 1: missing columns “Hearing Date”, “Purpose of Hearing”"]


def test_a_misnamed_column_is_both_unknown_and_missing() -> None:
    data = csv_file("ADJ,14-08-2025,11-09-2025,Appearance", header="Judge,Date,Next Date,Purpose")

    problems = problems_of(data)

    assert problems[0].startswith("line 1: unknown columns “Date”, “Next Date”, “Purpose”;")
    assert problems[1] == (
        "line 1: missing columns “Business On Date”, “Hearing Date”, “Purpose of Hearing”"
    )


def test_column_given_twice_is_a_problem() -> None:
    data = csv_file("ADJ,14-08-2025,11-09-2025,Appearance,ADJ", header=f"{HEADER},judge")

    assert problems_of(data) == ["line 1: column “Judge” appears 2 times"]


def test_every_bad_date_is_reported_with_its_line() -> None:
    data = csv_file(
        "ADJ,14-08-2025,11-09-2025,Appearance",
        "ADJ,31-02-2026,12-03-2026,Framing of Charge",
        "ADJ,12-03-2026,tomorrow,Evidence",
        "ADJ,,20-04-2026,Evidence",
        "ADJ,20-04-2026,2026-13-01,Arguments",
    )

    assert problems_of(data) == [
        "line 3: Business On Date “31-02-2026” is not a date (use dd-mm-yyyy)",
        "line 4: Hearing Date “tomorrow” is not a date "
        "(use dd-mm-yyyy, or leave it empty when there is no next date)",
        "line 5: Business On Date is empty",
        "line 6: Hearing Date “2026-13-01” is not a date "
        "(use dd-mm-yyyy, or leave it empty when there is no next date)",
    ]


def test_next_date_before_the_hearing_is_a_problem() -> None:
    data = csv_file("ADJ,12-03-2026,10-03-2026,Evidence")

    assert problems_of(data) == [
        "line 2: Hearing Date 10-03-2026 is before Business On Date 12-03-2026"
    ]


def test_next_date_may_be_empty_and_may_be_the_same_day() -> None:
    data = csv_file("ADJ,12-03-2026,,Disposed", "ADJ,13-03-2026,13-03-2026,Evidence")

    rows = parse_history(data, filename="history.csv")

    assert [row.next_date for row in rows] == [None, date(2026, 3, 13)]


def test_duplicate_business_dates_name_both_lines() -> None:
    data = csv_file(
        "ADJ,14-08-2025,11-09-2025,Appearance",
        "ADJ,11-09-2025,09-10-2025,Framing of Charge",
        "ADJ,11/09/2025,09-10-2025,Framing of Charge",
    )

    assert problems_of(data) == ["line 4: Business On Date 11-09-2025 is also on line 3"]


@pytest.mark.parametrize("content", [b"", b"   \r\n\n", b"\xef\xbb\xbf"])
def test_empty_file(content: bytes) -> None:
    assert problems_of(content) == ["The file is empty"]


def test_header_only() -> None:
    assert problems_of(csv_file()) == [
        "There are no hearings in the file: it has only the header line"
    ]


def test_byte_order_mark_is_not_part_of_the_first_column() -> None:
    data = b"\xef\xbb\xbf" + SAMPLE.encode()

    rows = parse_history(data, filename="history.csv")

    assert rows[0].judge == JUDGE
    assert len(rows) == 8


def test_windows_1252_from_plain_excel_csv_is_read() -> None:
    data = csv_file("Smt. Rénuka Dé – ADJ,14-08-2025,11-09-2025,Appearance").decode()

    (row,) = parse_history(data.encode("cp1252"), filename="history.csv")

    assert row.judge == "Smt. Rénuka Dé – ADJ"


def test_utf16_with_byte_order_mark_is_read() -> None:
    data = csv_file("বিচারক,14-08-2025,11-09-2025,Appearance").decode().encode("utf-16")

    (row,) = parse_history(data, filename="history.csv")

    assert row.judge == "বিচারক"


def test_bengali_judge_in_utf8_is_kept() -> None:
    (row,) = parse_history(
        csv_file("অতিরিক্ত জেলা ও দায়রা বিচারক,14-08-2025,11-09-2025,Appearance"),
        filename="history.csv",
    )

    assert row.judge == "অতিরিক্ত জেলা ও দায়রা বিচারক"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "history.csv"),
        (b"anything", "history.xlsx"),
    ],
)
def test_a_spreadsheet_workbook_asks_for_csv(data: bytes, filename: str) -> None:
    assert problems_of(data, filename) == [
        "This is a spreadsheet workbook, not CSV: open it and save it as “CSV UTF-8”"
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02binary",
        # Neither UTF-8 nor Windows-1252 (which leaves 0x81 undefined).
        HEADER.encode() + b"\nADJ \x81\x81,14-08-2025,,Appearance\n",
    ],
)
def test_binary_content_is_not_text(data: bytes) -> None:
    assert problems_of(data, "history.csv") == [
        "The file is not a text file: save the case history as “CSV UTF-8” and upload that"
    ]


def test_file_over_2_mb_is_refused() -> None:
    row = f'"{JUDGE}",14-08-2025,11-09-2025,Appearance\n'
    data = (HEADER + "\n" + row * (MAX_BYTES // len(row) + 1)).encode()
    assert len(data) > MAX_BYTES

    assert problems_of(data) == [
        "The file is larger than 2 MB; a case history is far smaller: is it the right file?"
    ]


def test_windows_line_endings() -> None:
    data = SAMPLE.replace("\n", "\r\n").encode()

    rows = parse_history(data, filename="history.csv")

    assert [row.line for row in rows] == [2, 3, 4, 5, 6, 7, 8, 9]
    assert rows[-1].purpose_text == "Judgement"


def test_quoted_fields_with_commas_quotes_and_line_breaks() -> None:
    data = csv_file(
        '"ADJ, 3rd Court",14-08-2025,11-09-2025,"Evidence, PW-1 ""victim"" absent"',
        '"ADJ, 3rd Court",11-09-2025,09-10-2025,"Hearing on\ncharge"',
        '"ADJ, 3rd Court",09-10-2025,bad,Evidence',
    )

    problems = problems_of(data)

    # The record on lines 3–4 holds a line break, so the next record starts on line 5.
    assert problems == [
        "line 5: Hearing Date “bad” is not a date "
        "(use dd-mm-yyyy, or leave it empty when there is no next date)"
    ]
    rows = parse_history(data.replace(b"bad", b"20-11-2025"), filename="history.csv")
    assert [row.line for row in rows] == [2, 3, 5]
    assert rows[0].purpose_text == 'Evidence, PW-1 "victim" absent'
    assert rows[1].purpose_text == "Hearing on charge"
    assert rows[1].purpose is Purpose.CHARGE_HEARING


def test_blank_lines_are_skipped_but_counted() -> None:
    data = csv_file("", "ADJ,14-08-2025,11-09-2025,Appearance", "", "ADJ,x,,Evidence")

    assert problems_of(data) == ["line 5: Business On Date “x” is not a date (use dd-mm-yyyy)"]


def test_unquoted_comma_gives_a_value_count_problem() -> None:
    data = csv_file("ADJ, 3rd Court,14-08-2025,11-09-2025,Appearance", "ADJ,12-03")

    assert problems_of(data) == [
        "line 2: 5 values, but the header has 4 columns "
        "(put a value that contains a comma in double quotes)",
        "line 3: 2 values, but the header has 4 columns "
        "(put a value that contains a comma in double quotes)",
    ]


def test_unclosed_quote_is_reported_at_its_line() -> None:
    data = csv_file("ADJ,14-08-2025,11-09-2025,Appearance", '"ADJ,11-09-2025,,Evidence')

    (problem,) = problems_of(data)

    assert problem.startswith("line 3: a double quote is not closed")


def test_empty_trailing_columns_from_a_spreadsheet_are_harmless() -> None:
    data = csv_file("ADJ,14-08-2025,11-09-2025,Appearance,,", header=f"{HEADER},,")

    (row,) = parse_history(data, filename="history.csv")

    assert row.purpose_text == "Appearance"


def test_values_in_an_unnamed_column_are_a_problem() -> None:
    data = csv_file("ADJ,14-08-2025,11-09-2025,Appearance,note", header=f"{HEADER},")

    assert problems_of(data)[0].startswith("line 1: unknown column “(no name, column 5)”;")


def test_semicolon_separated_file_asks_for_commas() -> None:
    data = csv_file("ADJ;14-08-2025;11-09-2025;Appearance", header=HEADER.replace(",", ";"))

    assert problems_of(data) == ["line 1: separate the columns with commas"]


def test_error_is_a_value_error_listing_all_problems() -> None:
    data = csv_file("ADJ,x,,Evidence", "ADJ,y,,Evidence")

    with pytest.raises(ValueError, match="line 2: .*; line 3: "):
        parse_history(data, filename="history.csv")


# -- JSON ---------------------------------------------------------------------------------------


def history_entries() -> list[dict[str, str | None]]:
    return [
        {
            "Judge": JUDGE,
            "Business On Date": "14-08-2025",
            "Hearing Date": "11-09-2025",
            "Purpose of Hearing": "Appearance",
        },
        {
            "Judge": JUDGE,
            "Business On Date": "11-09-2025",
            "Hearing Date": None,
            "Purpose of Hearing": "Framing of Charge",
        },
    ]


@pytest.mark.parametrize(
    "document", [history_entries(), {"cnr": "WBNP010012342025", "history": history_entries()}]
)
def test_json_list_or_history_object(document: object) -> None:
    rows = parse_history(json.dumps(document).encode(), filename="history.json")

    assert [(row.line, row.business_on, row.next_date, row.purpose) for row in rows] == [
        (1, date(2025, 8, 14), date(2025, 9, 11), Purpose.OTHER),
        (2, date(2025, 9, 11), None, Purpose.CHARGE_HEARING),
    ]
    assert rows[0].judge == JUDGE


def test_json_keys_match_loosely_and_hearing_date_may_be_left_out() -> None:
    document = [
        {
            "judge": "ADJ",
            "business_on_date": "2025-08-14",
            "Purpose  Of Hearing": "Judgment",
        }
    ]

    (row,) = parse_history(json.dumps(document).encode(), filename="history.json")

    assert (row.business_on, row.next_date, row.purpose) == (
        date(2025, 8, 14),
        None,
        Purpose.JUDGMENT,
    )


def test_json_is_recognised_by_content_without_the_extension() -> None:
    data = json.dumps({"history": history_entries()}, indent=2).encode()

    assert len(parse_history(data, filename="download.txt")) == 2
    assert len(parse_history(data, filename="")) == 2


def test_csv_is_recognised_by_content_without_the_extension() -> None:
    assert len(parse_history(SAMPLE.encode(), filename="case history")) == 8


def test_json_problems_name_entries() -> None:
    entries: list[object] = [*history_entries()]
    entries[1] = {**history_entries()[1], "Business On Date": "14/08/2025", "Stage": "x"}
    entries.append("not an object")
    entries.append({"Judge": 7, "Business On Date": "01-01-2026", "Purpose of Hearing": "x"})
    entries.append({"Judge": "ADJ", "Hearing Date": "01-01-2026"})

    assert problems_of(json.dumps(entries).encode(), "history.json") == [
        "unknown field “Stage” (entry 2); the fields are "
        "Judge, Business On Date, Hearing Date, Purpose of Hearing",
        "entry 2: Business On Date 14-08-2025 is also on entry 1",
        "entry 3: not an object with the fields "
        "Judge, Business On Date, Hearing Date, Purpose of Hearing",
        "entry 4: Judge must be text, not 7",
        "entry 5: missing “Business On Date”, “Purpose of Hearing”",
    ]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "There are no hearings in the file"),
        ({"history": []}, "There are no hearings in the file"),
        ({"cases": []}, "The JSON must be a list of hearings, or an object with a “history” list"),
        ("12-03-2026", "The JSON must be a list of hearings, or an object with a “history” list"),
    ],
)
def test_json_that_is_not_a_history(document: object, problem: str) -> None:
    assert problems_of(json.dumps(document).encode(), "history.json") == [problem]


def test_invalid_json_names_the_line() -> None:
    data = b'[\n  {"Judge": "ADJ",\n  "Business On Date": "14-08-2025"\n'

    (problem,) = problems_of(data, "history.json")

    assert problem.startswith("line 4: the file is not valid JSON")
