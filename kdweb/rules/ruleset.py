"""A versioned rule set: its parameters (every UNCONFIRMED point of docs/rulebook.md is one), criteria and checks."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction
from functools import lru_cache
from typing import Callable, Mapping

from .terms import Discipline, Level, QuotaBase, QuotaScope, Severity, SubjectKind


@dataclass(frozen=True, slots=True)
class Criterion:
    """One row of the analysis form; `task` marks "kết quả thực hiện nhiệm vụ được giao"."""

    code: str
    title: str
    task: bool = False

    @property
    def field(self) -> str:
        return grade_field(self.code)


def grade_field(criterion_code: str) -> str:
    """The raw-row key and finding field of a criterion's grade cell, e.g. "grade:I.1"."""
    return f"grade:{criterion_code}"


@dataclass(frozen=True, slots=True)
class Check:
    """A rule code and the function that checks it: `unit` checks take a UnitContext, `district` ones a
    DistrictContext. `also` names other rules the function reports, so it runs while any of them is on."""

    rule: str
    kind: SubjectKind
    run: Callable
    scope: str = "unit"
    also: tuple[str, ...] = ()

    def runs_under(self, rule_set: RuleSet) -> bool:
        return rule_set.is_on(self.rule) or any(rule_set.is_on(rule) for rule in self.also)


@dataclass(frozen=True)
class RuleSet:
    id: str
    title: str
    criteria: Mapping[SubjectKind, tuple[Criterion, ...]]
    checks: tuple[Check, ...] = ()
    record_caps: Mapping[SubjectKind, tuple] = field(default_factory=dict)  # of grading.RecordCap
    severities: Mapping[str, Severity] = field(default_factory=dict)
    disabled: frozenset[str] = frozenset()

    # Q-20 and Q-SMALL
    quota_share: float = 0.20
    quota_base: QuotaBase = QuotaBase.HTTNV
    quota_severity: Mapping[SubjectKind, Severity] = field(default_factory=dict)
    quota_scope: Mapping[SubjectKind, QuotaScope] = field(default_factory=dict)
    small_group_threshold: int = 5
    small_group_allowance: int = 1

    # members
    new_subject_months: int = 6
    transfer_months: float = 6
    sick_leave_months: float = 3
    sick_leave_cap: Level = Level.HTNV
    monthly_gap: int = 1
    require_grades: bool = True

    # organisations: O-HTXSNV, and the UNCONFIRMED O-HTTNV
    org_htxsnv_floor: Level = Level.HTNV
    org_htxsnv_share: float = 0.80
    org_htxsnv_share_level: Level = Level.HTTNV
    org_same_level_min: Level = Level.HTTNV
    org_httnv_floor: Level = Level.HTNV
    org_httnv_floor_share: float = 1.0
    org_httnv_share: float = 0.0
    org_httnv_share_level: Level = Level.HTTNV

    # collectives
    collective_member_discipline: Discipline = Discipline.CANH_CAO

    # the 100-point score of qd366-hd43 (docs/rulebook-366.md §1, §7): off unless `scored`
    scored: bool = False
    score_common_max: int = 30
    score_tasks_max: int = 70
    score_subgroup_maxima: Mapping[str, int] = field(default_factory=dict)  # UNCONFIRMED: empty, read by nothing yet
    score_tolerance: str = "0.01"  # a typed total may differ from the sum by this much
    band_htxsnv: int = 90
    band_httnv: int = 70
    band_htnv: int = 50
    band_mode: str = "floor"  # UNCONFIRMED: a failed condition falls to the highest lower level whose conditions hold
    htxsnv_on_time_share: float = 1.0
    htxsnv_exceeded_share: float = 0.30
    htxsnv_remedied_share: float = 1.0
    httnv_on_time_share: float = 1.0
    htnv_done_share: float = 1.0
    htnv_late_share: float = 0.20
    khtnv_failed_share: float = 0.50  # a member with more than this share of tasks failed is KHTNV
    khtnv_unit_done_share: float = 0.70  # a unit (led) that did under this share of its tasks is KHTNV
    khtnv_led_units_share: float = 0.50  # a leader with more than this share of the units led rated KHTNV is KHTNV
    khtnv_low_confidence_share: float = 0.50  # a leader with more than this share of low-confidence votes is KHTNV
    discipline_threshold: Discipline = Discipline.KHIEN_TRACH
    quota_outstanding_share: float = 0.25
    quarter_gap: int = 2  # UNCONFIRMED P-QUARTER: a quarter more than this many levels below the year's
    unconfirmed: tuple[str, ...] = ()  # parameter names that are UNCONFIRMED readings, shown on the cycle's page

    def __post_init__(self) -> None:
        refused = unread_values(self)
        if refused:
            raise ValueError("; ".join(refused))

    def is_on(self, rule: str) -> bool:
        return rule not in self.disabled

    def severity(self, rule: str) -> Severity:
        return self.severities.get(rule, Severity.ERROR)

    def criteria_of(self, kind: SubjectKind) -> tuple[Criterion, ...]:
        return self.criteria.get(kind, ())

    def quota_severity_of(self, kind: SubjectKind) -> Severity:
        return self.quota_severity.get(kind, Severity.ERROR)

    def quota_scope_of(self, kind: SubjectKind) -> QuotaScope:
        return self.quota_scope.get(kind, QuotaScope.UNIT)

    def share(self, name: str) -> Fraction:
        """A share parameter as an exact fraction, so that exactly 20 % or 80 % is never lost to rounding."""
        return _exact(getattr(self, name))

    def with_changes(self, **changes) -> RuleSet:
        return replace(self, **changes)

    def enabling(self, *rules: str) -> RuleSet:
        return replace(self, disabled=self.disabled - set(rules))

    def disabling(self, *rules: str) -> RuleSet:
        return replace(self, disabled=self.disabled | set(rules))


BAND_MODES = ("floor",)  # the fallbacks the score checks are written for (checks_score.Assessment.conditions_level)
SUBGROUP_MAXIMA_UNREAD = ("bảng tính chưa có cột điểm của từng nhóm tiêu chí, nên chỉ kiểm tra tổng điểm tiêu chí "
                          "chung (tối đa {common}) và tổng điểm kết quả thực hiện nhiệm vụ (tối đa {tasks})")


def unread_values(rule_set: RuleSet) -> list[str]:
    """Values of the open points (docs/rulebook-366.md §6) that no check reads: a rule set holding one would say one
    thing on the cycle page and do another, so it is refused where it is built."""
    refused = []
    if rule_set.band_mode not in BAND_MODES:
        refused.append(f"band_mode = {rule_set.band_mode!r} chưa được cài đặt; chỉ có: {', '.join(BAND_MODES)}")
    if rule_set.score_subgroup_maxima:
        refused.append("score_subgroup_maxima chưa dùng được: " + SUBGROUP_MAXIMA_UNREAD.format(
            common=rule_set.score_common_max, tasks=rule_set.score_tasks_max))
    return refused


@lru_cache(maxsize=64)
def _exact(value) -> Fraction:
    """0.2 → 1/5: through its text, as written in the rule set (a float's own value is not exactly 1/5)."""
    return Fraction(str(value))
