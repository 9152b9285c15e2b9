"""India's clock: court dates and deadlines are Indian dates, whatever the server's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

INDIA = ZoneInfo("Asia/Kolkata")


def today_in_india() -> date:
    return datetime.now(INDIA).date()
