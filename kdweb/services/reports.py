"""The district report's numbers, counted by the database (GROUP BY with conditional sums), and the
subjects behind any one of them. A measure means the same thing in both, because both use `measure_condition`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import NamedTuple

from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_, true
from sqlalchemy.orm import aliased

from kdweb.deadlines import local_date
from kdweb.extensions import db
from kdweb.models import Cycle, Finding, QuotaMark, Rating, Submission, Unit, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.services.cycles import cycle_by_year
from kdweb.reports import (
    BASES, LEVELS, MEASURES, REASONS, SUBJECT_KINDS, Counts, MissingUnit, RatedTwice, Report, ReportedUnit, ScoreStats,
    UnitCounts, build_report, with_previous,
)
from kdweb.rules import Level, SubjectKind, get_rule_set
from kdweb.rules.checks_quota import first_listings
from kdweb.rules.terms import QuotaScope
from kdweb.reports.quota import QuotaShares
from kdweb.reports.selection import Selection, UnknownSelection
from kdweb.reports.vocabulary import MEMBER, OTHER_REASON, group_from_key

LISTED_REASONS = tuple(reason for reason in REASONS if reason != OTHER_REASON)


def cycle_years() -> list[int]:
    return list(db.session.scalars(db.select(Cycle.year).order_by(Cycle.year.desc())))


def district_report(cycle: Cycle, basis: str, now: datetime | None = None, compare: bool = True) -> Report:
    """The report of one cycle on one basis, with last year's numbers beside it when that cycle exists."""
    report = _report(cycle, basis, local_date(now or utcnow()))
    previous = cycle_by_year(cycle.year - 1) if compare else None
    if previous is not None:
        report = with_previous(report, _report(previous, basis, report.generated_on), unit_successors())
    return report


def _report(cycle: Cycle, basis: str, today: date) -> Report:
    scored = _is_scored(cycle)
    units = reported_units(cycle.id, basis)
    counts = unit_counts(cycle.id, basis, scored)
    district_wide = _district_quota_kinds(cycle)
    counted_once, counted_at = quota_counts(cycle.id, basis, district_wide)
    units_by_id = {unit.id: unit for unit in units}
    twice = tuple(_with_counted_at(item, counted_at, units_by_id) for item in others_rated_twice(cycle.id, basis))
    report = build_report(cycle.year, basis, today, units, counts, missing_units(cycle.id, basis),
                          distinct_members=distinct_members(cycle.id, basis), rule_set_id=cycle.rule_set_id,
                          rated_twice=members_rated_twice(cycle.id, basis), others_rated_twice=twice,
                          scored=scored, quota_marks=quota_marks(cycle.id) if scored else None,
                          shares=_shares(cycle) if scored else None,
                          quota_counts=[item for item in counts if item.kind not in district_wide] + counted_once)
    retired = no_longer_expected(cycle.id, basis)
    if retired:
        report = replace(report, notes=report.notes + (
            f"Không tính {len(retired)} đơn vị đã nộp kết quả nhưng không còn phải báo cáo (hết hiệu lực trước "
            f"thời điểm đánh giá và đơn vị kế thừa báo cáo thay, ngừng hoạt động hoặc không còn thuộc diện báo "
            f"cáo): {', '.join(retired)}.",))
    return report


def quota_marks(cycle_id: int) -> set[tuple[int, str]]:
    """(unit id, subject kind) of the groups the competent level marked outstanding for the cycle (Q-25)."""
    rows = db.session.execute(db.select(QuotaMark.unit_id, QuotaMark.subject_kind).filter_by(cycle_id=cycle_id))
    return {(unit_id, kind) for unit_id, kind in rows}


def _shares(cycle: Cycle) -> QuotaShares:
    rule_set = get_rule_set(cycle.rule_set_id)
    return QuotaShares(rule_set.share("quota_share"), rule_set.share("quota_outstanding_share"))


def _district_quota_kinds(cycle: Cycle) -> frozenset[str]:
    """The kinds whose quota the district checks count across every workbook (rulebook.md §4 `quota_scope`)."""
    try:
        rule_set = get_rule_set(cycle.rule_set_id)
    except KeyError:
        return frozenset()
    return frozenset(kind.code for kind in SubjectKind if rule_set.quota_scope_of(kind) is QuotaScope.DISTRICT)


def quota_counts(cycle_id: int, basis: str, kinds: frozenset[str]) -> tuple[list[UnitCounts], dict[tuple, int]]:
    """HTXSNV and HTTNV of `kinds` per unit and quota group, each subject counted once, where it is first listed,
    by the district checks' own rule (`first_listings`: a subject rated by two units, moved after the first one
    submitted, is one HTXSNV in its group, not two); and (kind, subject code) → the id of the unit counting it."""
    if not kinds:
        return [], {}
    rows = db.session.execute(
        _in_basis(cycle_id, basis).join(Rating, Rating.upload_id == Upload.id).join(Unit, Unit.id == Upload.unit_id)
        .where(Rating.subject_kind.in_(kinds))
        .add_columns(Rating.subject_kind, Unit.code, Unit.id, Rating.subject_code, Rating.group, Rating.level))
    listed: dict[str, dict[str, list[_Listing]]] = {}
    for kind, unit_code, unit_id, code, group, level in rows:
        listed.setdefault(kind, {}).setdefault(unit_code, []).append(_Listing(code, unit_id, group, level))
    sums: dict[tuple, list[int]] = {}
    counted_at: dict[tuple, int] = {}
    for kind, units in listed.items():
        for _, listings in first_listings(units.items()):
            for item in listings:
                counted_at[(kind, item.code)] = item.unit_id
                pair = sums.setdefault((item.unit_id, kind, item.group), [0, 0])
                pair[0] += item.level == Level.HTXSNV.code
                pair[1] += item.level == Level.HTTNV.code
    return [UnitCounts(unit_id, kind, group, Counts(htxsnv=excellent, httnv=good))
            for (unit_id, kind, group), (excellent, good) in sums.items()], counted_at


class _Listing(NamedTuple):
    code: str
    unit_id: int
    group: str | None
    level: str | None


def _with_counted_at(item: RatedTwice, counted_at: dict[tuple, int], units: dict[int, ReportedUnit]) -> RatedTwice:
    unit = units.get(counted_at.get((item.kind, item.code)))
    return item if unit is None else replace(item, counted_at=f"{unit.name} ({unit.code})")


def _is_scored(cycle: Cycle) -> bool:
    try:
        return get_rule_set(cycle.rule_set_id).scored
    except KeyError:
        return False


def unit_successors() -> dict[str, str]:
    """Unit code → the code of the unit that took it over (merged, renamed), for comparisons across years."""
    successor = aliased(Unit)
    query = db.select(Unit.code, successor.code).join(successor, successor.id == Unit.successor_id)
    return dict(db.session.execute(query).all())


def distinct_members(cycle_id: int, basis: str) -> int:
    """Members listed in the basis, each once: a temporary listing counts twice only when the home unit is in it."""
    query = (_in_basis(cycle_id, basis).join(Rating, Rating.upload_id == Upload.id)
             .where(Rating.subject_kind == MEMBER)
             .add_columns(func.count(func.distinct(Rating.subject_code))))
    return db.session.scalar(query) or 0


def members_rated_twice(cycle_id: int, basis: str) -> int:
    """Members rated (a level, not a listing) by more than one unit in the basis: moved after the first submitted."""
    twice = (_in_basis(cycle_id, basis).join(Rating, Rating.upload_id == Upload.id)
             .where(Rating.subject_kind == MEMBER, Rating.level.in_(LEVELS))
             .add_columns(Rating.subject_code).group_by(Rating.subject_code)
             .having(func.count() > 1).subquery())
    return db.session.scalar(db.select(func.count()).select_from(twice)) or 0


def others_rated_twice(cycle_id: int, basis: str) -> tuple[RatedTwice, ...]:
    """Subjects other than members rated (a level) by more than one unit in the basis, with the units that rated
    them: a chi bộ moved under another đảng bộ, a collective or a leader post moved, after the first unit submitted."""
    rated = and_(Rating.subject_kind != MEMBER, Rating.level.in_(LEVELS))
    twice = (_in_basis(cycle_id, basis).join(Rating, Rating.upload_id == Upload.id).where(rated)
             .add_columns(Rating.subject_kind, Rating.subject_code).group_by(Rating.subject_kind, Rating.subject_code)
             .having(func.count() > 1).subquery())
    rows = db.session.execute(
        _in_basis(cycle_id, basis).join(Rating, Rating.upload_id == Upload.id).join(Unit, Unit.id == Upload.unit_id)
        .join(twice, and_(twice.c.subject_kind == Rating.subject_kind, twice.c.subject_code == Rating.subject_code))
        .where(rated).add_columns(Rating.subject_kind, Rating.subject_code, Rating.subject_name, Unit.code, Unit.name)
        .order_by(Rating.subject_kind, Rating.subject_code, Unit.sort_order, Unit.code))
    found: dict[tuple[str, str], RatedTwice] = {}
    for kind, code, name, unit_code, unit_name in rows:
        held = found.get((kind, code))
        unit = f"{unit_name} ({unit_code})"
        found[(kind, code)] = RatedTwice(kind, code, name, (unit,)) if held is None else \
            replace(held, units=held.units + (unit,))
    return tuple(found.values())


def measure_condition(measure: str):
    """The SQL condition a rating row meets to count under `measure` (docs/rulebook.md §6 columns)."""
    rated = Rating.level.in_(LEVELS)
    not_rated = or_(Rating.level.is_(None), Rating.level.not_in(LEVELS))
    if measure == "roster":
        return true()
    if measure == "rated":
        return rated
    if measure in LEVELS:
        return Rating.level == measure
    if measure == "not_rated":
        return not_rated
    if measure in LISTED_REASONS:
        return and_(not_rated, Rating.not_rated_reason == measure)
    if measure == OTHER_REASON:
        return and_(not_rated, or_(Rating.not_rated_reason.is_(None),
                                   Rating.not_rated_reason.not_in(LISTED_REASONS)))
    if measure == "disciplined":
        return and_(rated, Rating.disciplined.is_(True))
    raise UnknownSelection(measure)


def _in_basis(cycle_id: int, basis: str):
    """Rating rows of the uploads behind the units' current submissions that are in the basis, of units the
    cycle expects (a unit merged or dissolved before the review date keeps its files, but its successor reports
    for its members)."""
    return (
        db.select()
        .select_from(UnitCycle)
        .join(Submission, Submission.id == UnitCycle.submission_id)
        .join(Upload, Upload.id == Submission.upload_id)
        .where(UnitCycle.cycle_id == cycle_id, Submission.state.in_(BASES[basis]), _expected(UnitCycle.unit_id))
    )


def _expected(unit_id):
    """The cycle expects the unit's report: valid at the review date of the cycle, and, while the cycle is open,
    a reporting unit still active (`Unit.expected_clause`, as the dashboard and the district checks count; a
    correlated test, so every query can use it)."""
    unit = aliased(Unit)
    return (db.select(unit.id)
            .where(unit.id == unit_id, Cycle.id == UnitCycle.cycle_id, Unit.expected_clause(Cycle.review_date, unit, Cycle.is_open))
            .exists())


def no_longer_expected(cycle_id: int, basis: str) -> list[str]:
    """Names of the units whose results are in the basis but which the cycle no longer expects."""
    query = (db.select(Unit.name).select_from(UnitCycle).join(Unit, Unit.id == UnitCycle.unit_id)
             .join(Submission, Submission.id == UnitCycle.submission_id)
             .where(UnitCycle.cycle_id == cycle_id, Submission.state.in_(BASES[basis]), ~_expected(UnitCycle.unit_id))
             .order_by(Unit.sort_order, Unit.code))
    return list(db.session.scalars(query))


def unit_counts(cycle_id: int, basis: str, scored: bool = False) -> list[UnitCounts]:
    sums = [func.sum(case((measure_condition(measure), 1), else_=0)).label(measure) for measure in MEASURES]
    score_sums = [
        func.sum(case((Rating.score.is_not(None), 1), else_=0)),
        func.coalesce(func.sum(Rating.score), 0),
        *(func.sum(case((Rating.score_band == level, 1), else_=0)) for level in LEVELS),
        func.sum(case((_has_discretion(), 1), else_=0)),
    ] if scored else []
    query = (
        _in_basis(cycle_id, basis)
        .join(Rating, Rating.upload_id == Upload.id)
        .add_columns(Upload.unit_id, Rating.subject_kind, Rating.group, *sums, *score_sums)
        .group_by(Upload.unit_id, Rating.subject_kind, Rating.group)
    )
    width = 3 + len(MEASURES)
    return [UnitCounts(row[0], row[1], row[2], Counts.from_row(row[3:width]),
                       _score_stats(row[width:]) if scored else None)
            for row in db.session.execute(query) if row[1] in SUBJECT_KINDS]


def _score_stats(values) -> ScoreStats:
    scored, total, *bands, discretion = values
    return ScoreStats(int(scored or 0), Decimal(str(total or 0)), tuple(int(band or 0) for band in bands),
                      int(discretion or 0))


def _has_discretion():
    """The rating's subject has an S-DISCRETION warning in its upload: a forced KHTNV the unit asks the competent
    level to waive, with the flag and a written reason (one decision per subject, however many causes)."""
    return (db.select(Finding.id)
            .where(Finding.upload_id == Rating.upload_id, Finding.rule == "S-DISCRETION",
                   Finding.severity == "warning", Finding.subject_code == Rating.subject_code,
                   Finding.subject_kind == Rating.subject_kind)
            .exists())


def reported_units(cycle_id: int, basis: str) -> list[ReportedUnit]:
    query = (
        _in_basis(cycle_id, basis)
        .join(Unit, Unit.id == Upload.unit_id)
        .add_columns(Unit.id, Unit.code, Unit.name, Unit.group, Unit.sort_order, Submission.state)
    )
    return [ReportedUnit(row.id, row.code, row.name, row.group, row.sort_order, row.state)
            for row in db.session.execute(query)]


def missing_units(cycle_id: int, basis: str) -> list[MissingUnit]:
    query = (
        db.select(Unit.code, Unit.name, Unit.group, UnitCycle.status, Submission.state, Unit.sort_order)
        .select_from(UnitCycle)
        .join(Unit, Unit.id == UnitCycle.unit_id)
        .outerjoin(Submission, Submission.id == UnitCycle.submission_id)
        .where(UnitCycle.cycle_id == cycle_id, _expected(UnitCycle.unit_id),
               or_(Submission.id.is_(None), Submission.state.not_in(BASES[basis])))
    )
    return [MissingUnit(*row) for row in db.session.execute(query)]


@dataclass(frozen=True)
class SubjectRow:
    subject_code: str
    subject_name: str
    unit_code: str
    unit_name: str
    group: str | None
    level: str | None
    not_rated_reason: str | None
    disciplined: bool
    remarks: str | None


def subjects(cycle_id: int, basis: str, selection: Selection, page: int = 1,
             per_page: int = 100) -> tuple[list[SubjectRow], int]:
    """One page of the subjects behind a number, and how many there are in all."""
    query = (
        _in_basis(cycle_id, basis)
        .join(Rating, Rating.upload_id == Upload.id)
        .join(Unit, Unit.id == Upload.unit_id)
        .where(Rating.subject_kind == selection.kind, measure_condition(selection.measure))
    )
    if selection.unit is not None:
        query = query.where(Unit.code == selection.unit)
    if selection.group is not None:
        query = query.where(_equals_key(Unit.group, selection.group))
    if selection.rating_group is not None:
        query = query.where(_equals_key(Rating.group, selection.rating_group))
    total = db.session.scalar(query.add_columns(func.count(literal(1))))
    rows = db.session.execute(
        query.add_columns(Rating.subject_code, Rating.subject_name, Unit.code.label("unit_code"),
                          Unit.name.label("unit_name"), Rating.group, Rating.level, Rating.not_rated_reason,
                          Rating.disciplined, Rating.remarks)
        .order_by(Unit.sort_order, Unit.code, Rating.id)
        .limit(per_page).offset((page - 1) * per_page)
    )
    return [SubjectRow(*row) for row in rows], total or 0


def _equals_key(column, key: str):
    group = group_from_key(key)
    return column.is_(None) if group is None else column == group


__all__ = ["SubjectRow", "cycle_years", "district_report",
           "measure_condition", "missing_units", "reported_units", "subjects", "unit_counts"]
