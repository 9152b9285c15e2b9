"""Translating the pure rules' errors into responses a person can act on."""

from __future__ import annotations

from tafteesh.errors import Conflict, InvalidInput


class IllegalStageChange(Conflict):
    code = "illegal_stage_change"


class UnknownCharge(InvalidInput):
    code = "unknown_charge"
