"""The highest level a subject's criterion grades and flags allow: a hint for the person filling the workbook."""
from __future__ import annotations

from datetime import date

from .dates import less_than_months_before
from .checks_score import suggest_scored
from .grading import grade_cap, lowest, missing_criteria
from .records import CollectiveRecord, MemberRecord, OrganisationRecord
from .registry import get_rule_set
from .ruleset import RuleSet
from .terms import Level


def suggest_level(record, rule_set: RuleSet | None = None, review_date: date | None = None) -> Level | None:
    """None when the subject is not to be rated, or when its grades (a scored rule set: its score) are incomplete
    and no flag already means KHTNV; under a scored rule set, what score and conditions allow
    (`checks_score.suggest_scored` also says what blocks the next level up). Caps that need other records (C-UNIT, L-HEAD, O-HTXSNV, quotas) are not considered."""
    try:
        return _suggest(record, rule_set or get_rule_set(), review_date)
    except Exception:  # a hint is never worth a crash
        return None


def _suggest(record, rule_set: RuleSet, review_date: date | None) -> Level | None:
    if not_to_be_rated(record, rule_set, review_date):
        return None
    if rule_set.scored:
        return suggest_scored(record, rule_set)[0]
    kind = record.subject_kind
    caps = rule_set.record_caps.get(kind, ())
    flags = lowest(item.cap(record, rule_set) for item in caps if rule_set.is_on(item.rule))
    if flags is not None and flags.level is Level.KHTNV:
        return Level.KHTNV
    criteria = rule_set.criteria_of(kind)
    if missing_criteria(record.grades, criteria):
        return None
    cap = lowest([flags, grade_cap(record.grades, criteria)])
    return cap.level if cap else Level.HTXSNV


def not_to_be_rated(record, rule_set: RuleSet, review_date: date | None) -> bool:
    """Exempt, suspended, in temporary activity here, or admitted or founded less than six months before."""
    months = rule_set.new_subject_months
    if isinstance(record, MemberRecord):
        if record.exempt or record.suspended or record.temporary_activity:
            return True
        return bool(less_than_months_before(record.admitted_on, review_date, months))
    if isinstance(record, (OrganisationRecord, CollectiveRecord)):
        return bool(less_than_months_before(record.founded_on, review_date, months))
    return False
