"""Percentages of the report: two decimals, rounded half up, exact (docs/rulebook.md §6)."""
from __future__ import annotations

from decimal import Decimal


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage with two decimals, half up; None when there is nothing to divide by.

    Integer arithmetic first, so no binary or decimal-context rounding happens before the one rounding that
    counts: 1/3 → 33.33, 2/3 → 66.67, 1/8 → 12.50, 1/800 → 0.13.
    """
    if not whole:
        return None
    hundredths, remainder = divmod(part * 10_000, whole)
    if 2 * remainder >= whole:
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)
