"""Builders of records and batches for the rules tests: every default is a clean, rateable subject."""
from __future__ import annotations

from datetime import date

from kdweb.rules import (
    CollectiveRecord, Grade, LeaderRecord, Level, MemberRecord, OrganisationRecord, UnitKind, SubjectKind, UnitBatch,
    validate_unit,
)

REVIEW = date(2024, 12, 10)
UNIT = "CS01"

PERSON_CODES = ("1", "2", "3", "4", "5")
ORG_CODES = ("I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III")
ORG_TASKS = ("I.1", "I.2", "I.3", "I.4", "II.1", "II.2")


def person_grades(level: Level = Level.HTTNV) -> dict:
    """Grades that allow exactly `level`."""
    if level is Level.HTXSNV:
        return {**dict.fromkeys(PERSON_CODES, Grade.TOT), "5": Grade.XUAT_SAC}
    fill = {Level.HTTNV: Grade.TOT, Level.HTNV: Grade.TRUNG_BINH, Level.KHTNV: Grade.KEM}[level]
    return dict.fromkeys(PERSON_CODES, fill)


def org_grades(level: Level = Level.HTTNV) -> dict:
    if level is Level.HTXSNV:
        return {**dict.fromkeys(ORG_TASKS, Grade.XUAT_SAC), "III": Grade.TOT}
    fill = {Level.HTTNV: Grade.TOT, Level.HTNV: Grade.TRUNG_BINH, Level.KHTNV: Grade.KEM}[level]
    return dict.fromkeys(ORG_CODES, fill)


def member(code: str = "DV001", level: Level | None = Level.HTTNV, **facts) -> MemberRecord:
    facts.setdefault("name", f"Nguyễn Văn {code}")
    facts.setdefault("unit_code", UNIT)
    facts.setdefault("grades", person_grades(level or Level.HTTNV))
    return MemberRecord(code=code, level=level, **facts)


def not_rated_member(code: str = "DV001", reason=None, **facts) -> MemberRecord:
    return member(code, None, not_rated=True, not_rated_reason=reason, **facts)


def organisation(code: str = "CB01", level: Level | None = Level.HTTNV, **facts) -> OrganisationRecord:
    facts.setdefault("name", f"Chi bộ {code}")
    facts.setdefault("unit_code", UNIT)
    facts.setdefault("kind", UnitKind.CELL)
    facts.setdefault("grades", org_grades(level or Level.HTTNV))
    return OrganisationRecord(code=code, level=level, **facts)


def collective(code: str = "TT01", level: Level | None = Level.HTTNV, **facts) -> CollectiveRecord:
    facts.setdefault("name", f"Tập thể lãnh đạo {code}")
    facts.setdefault("unit_code", UNIT)
    facts.setdefault("grades", person_grades(level or Level.HTTNV))
    return CollectiveRecord(code=code, level=level, **facts)


def leader(code: str = "LD01", level: Level | None = Level.HTTNV, **facts) -> LeaderRecord:
    facts.setdefault("name", f"Trần Thị {code}")
    facts.setdefault("unit_code", UNIT)
    facts.setdefault("grades", person_grades(level or Level.HTTNV))
    return LeaderRecord(code=code, level=level, **facts)


def batch(*records, unit_code: str = UNIT, review_date: date | None = REVIEW, expected=None) -> UnitBatch:
    sorted_records = {kind: [] for kind in SubjectKind}
    for record in records:
        sorted_records[record.subject_kind].append(record)
    return UnitBatch(
        unit_code=unit_code,
        unit_name=f"Đảng bộ {unit_code}",
        review_date=review_date,
        members=sorted_records[SubjectKind.MEMBER],
        organisations=sorted_records[SubjectKind.ORGANISATION],
        collectives=sorted_records[SubjectKind.COLLECTIVE],
        leaders=sorted_records[SubjectKind.LEADER],
        expected=expected or {},
    )


def findings_for(rule: str, *records, rule_set=None, **batch_options) -> list:
    return [finding for finding in validate_unit(batch(*records, **batch_options), rule_set) if finding.rule == rule]


def rules_of(*records, rule_set=None, **batch_options) -> set[str]:
    return {finding.rule for finding in validate_unit(batch(*records, **batch_options), rule_set)}
