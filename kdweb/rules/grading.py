"""Caps: the highest level a fact allows, and the cap that the criterion grades allow (M-GRADES and its kin)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .ruleset import Criterion
from .terms import Grade, Level

_KEM, _TRUNG_BINH, _TOT, _XUAT_SAC = (grade.rank for grade in (Grade.KEM, Grade.TRUNG_BINH, Grade.TOT, Grade.XUAT_SAC))


@dataclass(frozen=True, slots=True)
class Cap:
    """The highest level a subject may get, and why (a clause of the Vietnamese message). `why` may be a function
    that writes the clause, so that a cap which turns out not to be broken costs no text."""

    level: Level
    why: str | Callable[[], str]

    @property
    def reason(self) -> str:
        return self.why() if callable(self.why) else self.why


@dataclass(frozen=True, slots=True)
class RecordCap:
    """A rule that caps one record's level from its own facts; `trigger` is the field without which it never applies."""

    rule: str
    cap: Callable[[object, object], Cap | None]
    trigger: str | None = None


def lowest(caps) -> Cap | None:
    found = [cap for cap in caps if cap is not None]
    return min(found, key=lambda cap: (cap.level.rank, cap.reason)) if found else None


def grade_cap(grades, criteria: tuple[Criterion, ...]) -> Cap | None:
    """HTXSNV: task criteria Xuất sắc, the rest Tốt or better; HTTNV: all Tốt or better; HTNV: all Trung bình or
    better; a Kém means KHTNV. An ungraded criterion is taken at its best, so the cap is never too low."""
    kem, average, task_not_excellent = [], [], []
    for criterion in criteria:
        grade = grades.get(criterion.code)
        if grade is None:
            continue
        rank = grade.rank
        if rank == _KEM:
            kem.append(criterion)
        elif rank == _TRUNG_BINH:
            average.append(criterion)
        elif criterion.task and rank < _XUAT_SAC:
            task_not_excellent.append(criterion)
    if kem:
        return Cap(Level.KHTNV, f"tiêu chí {_codes(kem)} xếp cấp độ “Kém”")
    if average:
        return Cap(Level.HTNV, f"tiêu chí {_codes(average)} chỉ đạt cấp độ “Trung bình”")
    if task_not_excellent:
        return Cap(Level.HTTNV, f"tiêu chí kết quả thực hiện nhiệm vụ {_codes(task_not_excellent)} chưa đạt “Xuất sắc”")
    return None


def missing_criteria(grades, criteria: tuple[Criterion, ...]) -> list[Criterion]:
    return [criterion for criterion in criteria if criterion.code not in grades]


def _codes(criteria) -> str:
    return ", ".join(criterion.code for criterion in criteria)
