"""Canonical custody-event JSON: one value, one spelling, and every other spelling refused."""

import math
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tafteesh.evidence.canonical import (
    MAX_SAFE_INTEGER,
    NonCanonicalError,
    canonical_bytes,
    is_canonical,
    parse_canonical,
    parse_rfc3339_utc,
    rfc3339_utc,
)

IST = timezone(timedelta(hours=5, minutes=30))

EVENT = {
    "seq": 42,
    "kind": "collected",
    "item_id": "7f1c",
    "prev_hash": None,
    "recorded_at": "2026-03-12T04:00:00.000000Z",
    "collector": {"name": "Sunita Devi", "place": "पश्चिम बंगाल"},
    "sealed": True,
    "files": [{"sha256": "ab" * 32, "size_bytes": 1024}],
}


def test_keys_are_sorted_at_every_level_with_no_whitespace() -> None:
    assert canonical_bytes({"b": 1, "a": {"z": [3, {"y": 2, "x": 1}], "c": False}}) == (
        b'{"a":{"c":false,"z":[3,{"x":1,"y":2}]},"b":1}'
    )


def test_non_ascii_text_is_written_as_utf8_not_escaped() -> None:
    assert canonical_bytes({"place": "पश्चिम बंगाल"}) == '{"place":"पश्चिम बंगाल"}'.encode()


def test_control_characters_and_quotes_have_one_escape() -> None:
    assert canonical_bytes(['a"b\\c\n\t\x01']) == b'["a\\"b\\\\c\\n\\t\\u0001"]'


def test_equal_events_built_in_different_orders_have_equal_bytes() -> None:
    reordered = dict(reversed(list(EVENT.items())))
    assert canonical_bytes(reordered) == canonical_bytes(EVENT)
    assert canonical_bytes((1, 2)) == canonical_bytes([1, 2])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ({"amount": 1.5}, "floats are not allowed"),
        ({"amount": 2.0}, "floats are not allowed"),
        ([math.nan], "floats are not allowed"),
        ([math.inf], "floats are not allowed"),
        ({1: "a"}, "is not a string"),
        ({("a",): "b"}, "is not a string"),
        ({"at": datetime(2026, 3, 12, tzinfo=UTC)}, "rfc3339_utc"),
        ({"amount": Decimal("1.5")}, "Decimal has no canonical JSON form"),
        ({"photo": b"\xff"}, "bytes has no canonical JSON form"),
        ({"tags": {"a"}}, "set has no canonical JSON form"),
        ([MAX_SAFE_INTEGER + 1], "outside"),
        ([-MAX_SAFE_INTEGER - 1], "outside"),
        (["\ud800"], "lone surrogate"),
    ],
)
def test_values_without_one_canonical_spelling_are_refused(value: object, reason: str) -> None:
    with pytest.raises(NonCanonicalError, match=reason):
        canonical_bytes(value)  # type: ignore[arg-type]


def test_the_path_to_a_refused_value_is_named() -> None:
    with pytest.raises(NonCanonicalError, match=r"\$\.files\[0\]\.size: floats"):
        canonical_bytes({"files": [{"size": 1.0}]})


def test_integer_limits_and_booleans_encode_exactly() -> None:
    assert canonical_bytes([MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 0, True, False, None]) == (
        b"[9007199254740991,-9007199254740991,0,true,false,null]"
    )


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 3, 12, 9, 30, tzinfo=UTC), "2026-03-12T09:30:00.000000Z"),
        (datetime(2026, 3, 12, 9, 30, 0, 5, tzinfo=UTC), "2026-03-12T09:30:00.000005Z"),
        # An IST wall-clock time is the same instant as 04:00 UTC.
        (datetime(2026, 3, 12, 9, 30, tzinfo=IST), "2026-03-12T04:00:00.000000Z"),
        (datetime(2026, 1, 1, 3, 0, tzinfo=IST), "2025-12-31T21:30:00.000000Z"),
        (datetime(999, 1, 2, tzinfo=UTC), "0999-01-02T00:00:00.000000Z"),
    ],
)
def test_rfc3339_utc_has_one_spelling_per_instant(moment: datetime, expected: str) -> None:
    assert rfc3339_utc(moment) == expected
    assert parse_rfc3339_utc(expected) == moment


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NonCanonicalError, match="no time zone"):
        rfc3339_utc(datetime(2026, 3, 12, 9, 30))


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-12T09:30:00Z",
        "2026-03-12T09:30:00.000Z",
        "2026-03-12T09:30:00.000000+00:00",
        "2026-03-12T09:30:00.000000z",
        "2026-03-12 09:30:00.000000Z",
        "2026-02-30T09:30:00.000000Z",
        "2026-03-12T24:00:00.000000Z",
        "12 Mar 2026",
    ],
)
def test_other_spellings_of_times_are_refused(text: str) -> None:
    with pytest.raises(NonCanonicalError):
        parse_rfc3339_utc(text)


def test_canonical_bytes_parse_back_to_the_same_event() -> None:
    data = canonical_bytes(EVENT)
    assert is_canonical(data)
    assert parse_canonical(data) == EVENT


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}',
        b'{"a":1}\n',
        b' {"a":1}',
        b'{"b":1,"a":2}',
        b'{"a":1,"a":1}',
        b'{"a":1.0}',
        b'{"a":1e3}',
        b'{"a":NaN}',
        b'{"a":Infinity}',
        b'{"a":-0}',
        b'{"a":01}',
        b'{"a":"\\u0926"}',
        b'{"a":"\\/"}',
        b'{"a":"\\u000a"}',
        b"\xef\xbb\xbf{}",
        b'{"a":"\xff"}',
        b'{"a":9007199254740992}',
        b'{"a":1',
        b"",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_other_spellings_are_not_canonical(data: bytes) -> None:
    assert not is_canonical(data)
    with pytest.raises(NonCanonicalError):
        parse_canonical(data)


def test_duplicate_keys_are_reported_by_name() -> None:
    with pytest.raises(NonCanonicalError, match="duplicate key 'item_id'"):
        parse_canonical(b'{"item_id":"a","item_id":"b"}')
