"""HTXSNV as a share of HTTNV per quota group, with the 25 % mark (docs/rulebook-366.md §3 Q-20/Q-25, §5): the
report's own view of what the quota checks test, one row per group, for a scored rule set.

A member's group is his or her tổ chức cơ sở đảng (or the quota group typed in the workbook, inside it); the other
kinds' groups span the whole party committee (the group of similar subjects). A group is outstanding when the
competent level marked any unit of it (the cycle's quota marks), as the checks take any record's signed mark.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import floor

from kdweb.domain import Level

from .percent import percent
from .tables import QuotaShares, ReportedUnit, UnitCounts
from .vocabulary import MEMBER, rating_group_label

MARK_TEXT = "Có"


@dataclass(frozen=True)
class QuotaRow:
    row_type: str  # rating_group, total
    number: str
    label: str
    httnv: int
    htxsnv: int
    outstanding: bool = False
    share: Fraction | None = None  # None on the total row: each group has its own limit
    over_total: int = 0  # on the total row: the excess summed over the groups

    def count(self, level: str) -> int:
        return {Level.HTTNV.code: self.httnv, Level.HTXSNV.code: self.htxsnv}[level]

    @property
    def ratio(self) -> Decimal | None:
        return percent(self.htxsnv, self.httnv)

    @property
    def share_percent(self) -> Decimal | None:
        """The group's share as the report writes every percentage: two decimals, half up (25 % → 25.00)."""
        return None if self.share is None else percent(self.share.numerator, self.share.denominator)

    @property
    def limit(self) -> int | None:
        """The most HTXSNV the group may have: the share of its HTTNV count, rounded down (as Q-20 counts)."""
        return None if self.share is None else floor(self.share * self.httnv)

    @property
    def over(self) -> int:
        return self.over_total if self.share is None else max(0, self.htxsnv - self.limit)

    @property
    def mark(self) -> str:
        return MARK_TEXT if self.outstanding else ""


def quota_rows(kind: str, units: dict[int, ReportedUnit], counts: list[UnitCounts], marked: set[tuple[int, str]],
               shares: QuotaShares) -> tuple[QuotaRow, ...]:
    """The groups of `kind` in the order their first unit comes, then the total; `marked` holds (unit id, kind)
    pairs of the cycle's quota marks."""
    per_unit = kind == MEMBER
    sums: dict[tuple, list[int]] = {}
    outstanding: dict[tuple, bool] = {}
    first_seen: dict[tuple, tuple] = {}
    for item in counts:
        if item.kind != kind:
            continue
        unit = units[item.unit_id]
        key = (item.unit_id, item.rating_group) if per_unit else (None, item.rating_group)
        pair = sums.setdefault(key, [0, 0])
        pair[0] += item.counts.httnv
        pair[1] += item.counts.htxsnv
        outstanding[key] = outstanding.get(key, False) or (item.unit_id, kind) in marked
        place = (unit.sort_order, unit.code, rating_group_label(item.rating_group))
        first_seen[key] = min(first_seen.get(key, place), place)
    rows = []
    for number, key in enumerate(sorted(sums, key=lambda key: first_seen[key]), 1):
        httnv, htxsnv = sums[key]
        unit_id, group = key
        if per_unit:
            label = units[unit_id].name + (f" — nhóm “{group}”" if group else "")
        else:
            label = rating_group_label(group)
        rows.append(QuotaRow("rating_group", str(number), label, httnv, htxsnv, outstanding[key],
                             shares.outstanding if outstanding[key] else shares.ordinary))
    if rows:
        rows.append(QuotaRow("total", "", "Tổng cộng", sum(row.httnv for row in rows),
                             sum(row.htxsnv for row in rows), over_total=sum(row.over for row in rows)))
    return tuple(rows)
