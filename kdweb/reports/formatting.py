"""Numbers written the Vietnamese way: 15.694 and 33,33."""
from __future__ import annotations

from decimal import Decimal

NO_VALUE = "–"


def vn_count(value: int | None) -> str:
    if value is None:
        return NO_VALUE
    return f"{value:,}".replace(",", ".")


def vn_percent(value: Decimal | None) -> str:
    if value is None:
        return NO_VALUE
    whole, _, fraction = f"{value:.2f}".partition(".")
    return f"{vn_count(int(whole))},{fraction}"
