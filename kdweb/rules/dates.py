"""Calendar months, as the rule book counts them ("chưa đủ 06 tháng")."""
from __future__ import annotations

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def less_than_months_before(start: date | None, review: date | None, months: int) -> bool | None:
    """True if `start` is less than `months` calendar months before `review`; None if either date is unknown."""
    if start is None or review is None:
        return None
    try:
        return add_months(start, months) > review
    except (OverflowError, ValueError):
        return False


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
