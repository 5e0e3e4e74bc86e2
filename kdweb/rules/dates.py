"""Calendar months, as the rule book counts them ("chưa đủ 06 tháng")."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

_DAY = timedelta(days=1)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_full_start(review: date | None, months: int) -> date | None:
    """The latest start date that is `months` full calendar months before `review` (a later start is "chưa đủ");
    None when the review date is unknown or out of the calendar's range."""
    if review is None:
        return None
    try:
        cutoff = add_months(review, -months)
        while add_months(cutoff + _DAY, months) <= review:
            cutoff += _DAY
        return cutoff
    except (OverflowError, ValueError):
        return None


def less_than_months_before(start: date | None, review: date | None, months: int) -> bool | None:
    """True if `start` is less than `months` calendar months before `review`; None if either date is unknown."""
    cutoff = last_full_start(review, months)
    if start is None or cutoff is None:
        return None
    return start > cutoff


def deadline_for_level(level: str, grassroots_deadline: date | None, district_deadline: date | None) -> date | None:
    """docs/rulebook.md §5: units of the district level ("district") report by the district's deadline (31/12),
    every other unit by the grassroots one (15/12)."""
    return district_deadline if level == "district" else grassroots_deadline


def dmy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""
