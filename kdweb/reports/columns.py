"""The columns of docs/rulebook.md §6 in their official order, shared by the page and every export."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .tables import TableRow
from .vocabulary import LEVELS, REASONS, reason_label


@dataclass(frozen=True)
class Column:
    key: str  # stable ASCII name (JSON)
    header: str  # one-line Vietnamese header (CSV, ODS)
    type: str  # text, count, percent
    value: Callable[[TableRow], object]
    measure: str | None = None  # the drill-down measure of a count
    previous: Callable[[TableRow], object] | None = None  # last year's value of a percentage


def _count(measure: str, key: str, header: str) -> Column:
    return Column(key, header, "count", lambda row: row.counts.get(measure), measure)


def _percent(level: str) -> Column:
    return Column(f"{level.lower()}_percent", f"{level} - tỷ lệ (%)", "percent", lambda row: row.percent(level),
                  previous=lambda row: row.previous_percent(level))


def columns(kind: str | None = None) -> list[Column]:
    """Every column of a table; `kind` only words the "new" reason (kết nạp / thành lập)."""
    result = [
        Column("number", "STT", "text", lambda row: row.number),
        Column("label", "Đơn vị", "text", lambda row: row.label),
        _count("roster", "roster", "Tổng số"),
        _count("rated", "rated", "Số được đánh giá, xếp loại"),
    ]
    for level in LEVELS:
        result += [_count(level, level.lower(), f"{level} - số lượng"), _percent(level)]
    result.append(Column("htxsnv_httnv_ratio", "Tỷ lệ HTXSNV/HTTNV (%)", "percent", lambda row: row.ratio,
                         previous=lambda row: row.previous_ratio))
    result.append(_count("not_rated", "not_rated", "Không xếp loại - tổng số"))
    result += [_count(reason, reason, f"Không xếp loại - {reason_label(reason, kind)}") for reason in REASONS]
    result.append(_count("disciplined", "disciplined", "Trong đó bị kỷ luật"))
    result.append(Column("note", "Ghi chú", "text", lambda row: row.note))
    return result
