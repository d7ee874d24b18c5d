"""Reduced ISO 8601 dates: YYYY, YYYY-MM or YYYY-MM-DD, their precision and the span they cover."""

from __future__ import annotations

import calendar
import datetime as dt
import re

PATTERN = re.compile(r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
PRECISION = {4: "year", 7: "month", 10: "day"}


class NotADate(ValueError):
    pass


def span(value: str) -> tuple[dt.date, dt.date]:
    """The first and last calendar day a reduced date can mean; NotADate if it is not a real date."""
    if not PATTERN.match(value):
        raise NotADate(f"{value!r} is not a reduced ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)")
    parts = [int(p) for p in value.split("-")]
    year = parts[0]
    try:
        if len(parts) == 1:
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
        month = parts[1]
        if len(parts) == 2:
            dt.date(year, month, 1)
            return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
        day = dt.date(year, month, parts[2])
        return day, day
    except ValueError:
        raise NotADate(f"{value} is not a calendar date") from None


def earliest(value: str) -> dt.date:
    return span(value)[0]


def latest(value: str) -> dt.date:
    return span(value)[1]


def precision(value: str) -> str:
    return PRECISION[len(value)]
