"""Canonical JSON for custody events: making it. Checking it lives in `verifier`.

A custody event is stored as the exact bytes it was hashed as, so one event must have exactly one
spelling: keys sorted by code point, no whitespace, UTF-8 without escaping non-ASCII text, no
floats, and instants written only as RFC 3339 UTC strings made by `rfc3339_utc`.

This is not RFC 8785 (JCS): JCS sorts keys by UTF-16 code units, which differs from code point
order only for keys holding characters outside the Basic Multilingual Plane. Unicode normalisation
is not applied; "é" and "e" + U+0301 are different strings, as the collector typed them.

The spelling itself (`encode_canonical`) and the check of stored bytes (`parse_canonical`) are
defined once, in `tafteesh.evidence.verifier`, the standalone module shipped to courts; this
module adds what only the writer needs: refusing values that have no canonical form, and times.
"""

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from tafteesh.evidence.verifier import (
    MAX_SAFE_INTEGER,
    CanonicalValue,
    NonCanonicalError,
    encode_canonical,
    is_canonical,
    parse_canonical,
)

__all__ = [
    "MAX_SAFE_INTEGER",
    "CanonicalValue",
    "NonCanonicalError",
    "canonical_bytes",
    "is_canonical",
    "parse_canonical",
    "parse_rfc3339_utc",
    "rfc3339_utc",
]

_RFC3339_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")


def rfc3339_utc(moment: datetime) -> str:
    """Spell an instant as RFC 3339 in UTC: `2026-03-12T09:30:00.000000Z`.

    Always six fractional digits and always `Z`, so an instant has one spelling and the strings
    sort in time order. Microseconds are PostgreSQL's `timestamptz` resolution, so nothing is
    lost on a round trip through the database. Naive datetimes are refused: a clock time without
    an offset is not an instant.
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NonCanonicalError(f"{moment!r} has no time zone; custody times must be instants")
    utc = moment.astimezone(UTC)
    return (
        f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}T"
        f"{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}.{utc.microsecond:06d}Z"
    )


def parse_rfc3339_utc(text: str) -> datetime:
    """Read a time written by `rfc3339_utc`, refusing every other spelling of it."""
    if not _RFC3339_UTC.fullmatch(text):
        raise NonCanonicalError(
            f"{text!r} is not an RFC 3339 UTC time like 2026-03-12T09:30:00.000000Z"
        )
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise NonCanonicalError(f"{text!r} is not a real date and time") from exc
    return moment


def canonical_bytes(value: CanonicalValue) -> bytes:
    """Encode a custody event (or any part of one) as its canonical bytes."""
    _check_encodable(value, "$")
    return encode_canonical(value)


def _check_encodable(value: object, path: str) -> None:
    # bool before int: bool is an int subclass, and True must stay `true`, not `1`.
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise NonCanonicalError(f"{path}: integer {value} is outside ±(2**53 - 1)")
        return
    if isinstance(value, float):
        raise NonCanonicalError(
            f"{path}: floats are not allowed; store amounts as integer paise, not {value!r}"
        )
    if isinstance(value, datetime):
        raise NonCanonicalError(f"{path}: write datetimes with rfc3339_utc(), not {value!r}")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                # json.dumps would quietly turn 1 into "1"; two keys could then collide.
                raise NonCanonicalError(f"{path}: object key {key!r} is not a string")
            _check_encodable(item, f"{path}.{key}")
        return
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_encodable(item, f"{path}[{index}]")
        return
    raise NonCanonicalError(f"{path}: {type(value).__name__} has no canonical JSON form")
