"""Raw rows (field name → cell value as read) to records, with a finding for every cell that cannot be read.

Keys are the record's field names; a criterion grade is "grade:<criterion code>" (e.g. "grade:I.1", "grade:5")
and a monthly civil-service rating "month:<1..12>". A finding's `field` is the key of the cell it is about.
"""
from __future__ import annotations

from dataclasses import fields
from datetime import date
from enum import Enum
from typing import Callable, Mapping

from .findings import Finding
from .labels import field_label
from .messages import subject_phrase
from .parse import (
    Parsed, display_text, is_blank, looks_like_legacy_font, parse_civil_rating, parse_code, parse_codes,
    parse_date, parse_discipline, parse_grade, parse_level, parse_not_rated_reason, parse_number,
    parse_org_kind, parse_yes_no,
)
from .records import CollectiveRecord, LeaderRecord, MemberRecord, OrganisationRecord
from .terms import Severity

GRADE_PREFIX = "grade:"
MONTH_PREFIX = "month:"


def _text(value: object) -> Parsed:
    return Parsed(display_text(value))


_COMMON: dict[str, Callable[[object], Parsed]] = {
    "code": parse_code,
    "name": _text,
    "unit_code": parse_code,
    "level": parse_level,
    "not_rated_reason": parse_not_rated_reason,
    "disciplined_in_year": parse_yes_no,
    "discipline": parse_discipline,
    "violation_counted_before": parse_yes_no,
    "targets_below_half": parse_yes_no,
    "remarks": _text,
}

_MEMBER = _COMMON | {
    "cell_code": parse_code,
    "cell_name": _text,
    "birth_date": parse_date,
    "probationary": parse_yes_no,
    "admitted_on": parse_date,
    "exempt": parse_yes_no,
    "suspended": parse_yes_no,
    "committee_suspended": parse_yes_no,
    "transferred_in": parse_yes_no,
    "months_at_old_place": parse_number,
    "transfer_remarks_received": parse_yes_no,
    "temporary_activity": parse_yes_no,
    "temporary_activity_elsewhere": parse_yes_no,
    "temporary_remarks_received": parse_yes_no,
    "is_civil_servant": parse_yes_no,
    "post": _text,
    "discipline_origin_elsewhere": parse_yes_no,
    "discipline_origin_unit": parse_code,
    "civil_rating": parse_civil_rating,
    "sick_leave_months": parse_number,
    "maternity_leave_months": parse_number,
}

_ORGANISATION = _COMMON | {
    "kind": parse_org_kind,
    "parent_code": parse_code,
    "founded_on": parse_date,
    "group": _text,
    "self_remedied": parse_yes_no,
    "same_level_bodies_lowest": parse_civil_rating,
}

_COLLECTIVE = _COMMON | {
    "collective_type": _text,
    "led_unit_code": parse_code,
    "led_unit_level": parse_civil_rating,
    "founded_on": parse_date,
    "member_discipline": parse_discipline,
    "main_target_missed": parse_yes_no,
    "force_majeure": parse_yes_no,
}

_LEADER = _COMMON | {
    "post": _text,
    "post_group": _text,
    "heads": parse_codes,
    "headed_unit_level": parse_civil_rating,
    "moved_in_no_responsibility": parse_yes_no,
    "party_member": parse_yes_no,
    "corruption_under_leadership": parse_yes_no,
    "corruption_self_remedied": parse_yes_no,
}

_TEXT_FIELDS = frozenset({"name", "cell_name", "post", "remarks", "group", "collective_type", "post_group"})


def parse_member_row(raw: Mapping[str, object]) -> tuple[MemberRecord, list[Finding]]:
    return _parse_row(MemberRecord, _MEMBER, raw)


def parse_organisation_row(raw: Mapping[str, object]) -> tuple[OrganisationRecord, list[Finding]]:
    return _parse_row(OrganisationRecord, _ORGANISATION, raw)


def parse_collective_row(raw: Mapping[str, object]) -> tuple[CollectiveRecord, list[Finding]]:
    return _parse_row(CollectiveRecord, _COLLECTIVE, raw)


def parse_leader_row(raw: Mapping[str, object]) -> tuple[LeaderRecord, list[Finding]]:
    return _parse_row(LeaderRecord, _LEADER, raw)


def _parse_row(record_type, parsers, raw):
    field_names = {item.name for item in fields(record_type)}
    values: dict[str, object] = {}
    problems: list[tuple[str, str, str, Severity]] = []  # (rule, field, text, severity)
    for key, parser in parsers.items():
        if key not in raw or key not in field_names:
            continue
        parsed = _safe(parser, raw[key])
        if parsed.error:
            problems.append(("P-VALUE", key, parsed.error, Severity.ERROR))
        elif key == "level":
            values["level"] = parsed.value
            values["not_rated"] = parsed.not_rated
        elif parsed.value is not None:
            values[key] = parsed.value
        if key in _TEXT_FIELDS and looks_like_legacy_font(raw[key]):
            problems.append(("P-FONT", key, _LEGACY_FONT, Severity.WARNING))
    grades = _parse_prefixed(raw, GRADE_PREFIX, parse_grade, problems)
    if grades:
        values["grades"] = grades
    if record_type is MemberRecord:
        _parse_months(raw, values, problems)
    if values.get("discipline") is not None and is_blank(raw.get("disciplined_in_year")):
        values["disciplined_in_year"] = True
    values.setdefault("code", "")
    values.setdefault("name", "")
    values.setdefault("unit_code", "")
    if not values["code"] and not any(key == "code" for _, key, _, _ in problems):
        problems.append(("P-CODE", "code", "thiếu mã đối tượng, không đối chiếu được với danh sách.", Severity.ERROR))
    values["unreadable"] = frozenset(key for rule, key, _, _ in problems if rule == "P-VALUE")
    record = record_type(**values)
    return record, [_finding(record, rule, key, text, severity) for rule, key, text, severity in problems]


_LEGACY_FONT = (
    "văn bản có vẻ được gõ bằng phông chữ cũ (TCVN3/VNI); hãy chuyển sang Unicode "
    "(ví dụ bằng công cụ chuyển mã của Unikey) rồi tải lên lại."
)


_CELL_TYPES = (str, int, float, date, Enum, tuple, list)


def _safe(parser, value) -> Parsed:
    if value is not None and not isinstance(value, _CELL_TYPES):
        return Parsed(error=f"không đọc được giá trị kiểu {type(value).__name__} trong ô này.")
    if isinstance(value, (tuple, list)) and parser is not parse_codes:
        return Parsed(error="ô chỉ được ghi một giá trị.")
    try:
        return parser(value)
    except Exception as error:  # a cell value of a type no parser expects: report it, never raise
        return Parsed(error=f"không đọc được giá trị “{display_text(value)}” ({type(error).__name__}).")


def _parse_prefixed(raw, prefix, parser, problems) -> dict:
    found = {}
    for key, value in raw.items():
        if not (isinstance(key, str) and key.startswith(prefix)):
            continue
        parsed = _safe(parser, value)
        if parsed.error:
            problems.append(("P-VALUE", key, parsed.error, Severity.ERROR))
        elif parsed.value is not None:
            found[key.removeprefix(prefix)] = parsed.value
    return found


def _parse_months(raw, values, problems) -> None:
    months = _parse_prefixed(raw, MONTH_PREFIX, parse_civil_rating, problems)
    listed = raw.get("monthly_ratings")
    if isinstance(listed, str):
        listed = parse_codes(listed).value
    if isinstance(listed, (list, tuple)):
        for index, value in enumerate(listed, start=1):
            parsed = _safe(parse_civil_rating, value)
            if parsed.error:
                problems.append(("P-VALUE", "monthly_ratings", parsed.error, Severity.ERROR))
            elif parsed.value is not None:
                months.setdefault(str(index), parsed.value)
    if months:
        values["monthly_ratings"] = tuple(months[key] for key in sorted(months, key=_month_order))


def _month_order(key: str) -> tuple:
    return (0, int(key), "") if key.isdigit() else (1, 0, key)


def _finding(record, rule, key, text, severity) -> Finding:
    kind = record.subject_kind
    message = f"{subject_phrase(kind, record.name, record.code)}, ô “{field_label(key)}”: {text}"
    return Finding(rule, severity, kind, record.code, record.name, key, message, unit_code=record.unit_code or None)
