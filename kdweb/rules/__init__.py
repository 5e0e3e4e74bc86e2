"""The rule book (docs/rulebook.md) as pure Python: records in, findings out. No Flask, SQLAlchemy or openpyxl here."""
from .findings import Finding, sorted_findings
from .labels import FIELD_LABELS, field_label
from .parse import (
    CIVIL_RATING_CHOICES, DISCIPLINE_CHOICES, GRADE_CHOICES, LEVEL_CHOICES, REASON_CHOICES, YES_NO_CHOICES,
    Parsed, looks_like_legacy_font, normalise_text, parse_civil_rating, parse_date, parse_discipline, parse_grade,
    parse_level, parse_not_rated_reason, parse_number, parse_org_kind, parse_yes_no,
)
from .records import CollectiveRecord, LeaderRecord, MemberRecord, OrganisationRecord, RECORD_TYPES, UnitBatch
from .registry import DEFAULT_RULE_SET_ID, RULE_SETS, get_rule_set
from .rows import (
    GRADE_PREFIX, MONTH_PREFIX, parse_collective_row, parse_leader_row, parse_member_row, parse_organisation_row,
)
from .ruleset import Check, Criterion, RuleSet, grade_field
from .suggest import suggest_level
from .terms import (
    NOT_RATED_TEXT, ORGANISATION_KINDS, Discipline, Grade, Level, NotRatedReason, QuotaBase, QuotaScope, Severity,
    SubjectKind, UnitKind,
)
from .validate import validate_district, validate_unit

__all__ = [
    "CIVIL_RATING_CHOICES", "DEFAULT_RULE_SET_ID", "DISCIPLINE_CHOICES", "FIELD_LABELS", "GRADE_CHOICES",
    "GRADE_PREFIX", "LEVEL_CHOICES", "MONTH_PREFIX", "NOT_RATED_TEXT", "REASON_CHOICES", "RECORD_TYPES", "RULE_SETS",
    "YES_NO_CHOICES", "Check", "CollectiveRecord", "Criterion", "Discipline", "Finding", "Grade", "LeaderRecord",
    "Level", "MemberRecord", "NotRatedReason", "ORGANISATION_KINDS", "OrganisationRecord", "Parsed", "QuotaBase",
    "QuotaScope", "RuleSet", "Severity", "SubjectKind", "UnitBatch", "UnitKind", "field_label", "get_rule_set",
    "grade_field", "looks_like_legacy_font", "normalise_text", "parse_civil_rating", "parse_collective_row",
    "parse_date", "parse_discipline", "parse_grade", "parse_leader_row", "parse_level", "parse_member_row",
    "parse_not_rated_reason", "parse_number", "parse_org_kind", "parse_organisation_row", "parse_yes_no",
    "sorted_findings", "suggest_level", "validate_district", "validate_unit",
]
