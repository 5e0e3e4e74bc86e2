"""Roster facts on their way out and back: fact → JSON (signed) → identity cell, and a cell → comparable key."""
from __future__ import annotations

from datetime import date
from enum import Enum
from functools import lru_cache
from typing import Callable

from kdweb.rules.field_registry import REGISTRY, Registry
from kdweb.rules.parse import YES_NO_CHOICES, display_text, normalise_text, parse_date
from kdweb.rules.rows import tuple_getter
from kdweb.rules.terms import NotRatedReason, UnitKind

from .columns import CODES, DATE, Column


def to_json(value):
    """A roster fact as it is signed: dates ISO, enums by code, tuples as lists."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (tuple, list, set, frozenset)):
        return [to_json(item) for item in value]
    return value


@lru_cache(maxsize=16)
def json_conversions(record_type: type, registry: Registry = REGISTRY) -> dict[str, Callable]:
    """The inverse of to_json, by field, as the field registry declares the field: how a signed fact (a JSON
    value) becomes the record's value. Fields whose JSON value already is the value (text, numbers, booleans)
    are left out."""
    conversions = {}
    for item in registry.of(record_type.subject_kind):
        choices = getattr(item.parser, "accepts", None)
        if item.cell == DATE:
            conversions[item.name] = date.fromisoformat  # TypeError for a value that is not text
        elif isinstance(choices, type) and issubclass(choices, Enum):  # by value, as Enum(value) without its call
            conversions[item.name] = {member.value: member for member in choices}.__getitem__
        elif item.annotation.startswith("tuple"):
            conversions[item.name] = tuple
    return conversions


def cell_value(column: Column, facts: dict):
    """What an identity cell shows, from the signed facts of its row."""
    if column.key == "status":
        return member_status(facts)
    value = facts.get(column.key)
    if value is None or value == "":
        return None
    if column.kind == DATE:
        parsed = parse_date(value)
        return parsed.value if parsed.ok else value
    if column.kind == CODES:
        return ", ".join(value) if isinstance(value, list) else value
    if isinstance(value, bool):
        return YES_NO_CHOICES[0] if value else YES_NO_CHOICES[1]
    if column.key == "kind":
        return next((kind.text for kind in UnitKind if kind.value == value), value)
    return value


_STATUS_FACTS = (
    "probationary", "exempt", "suspended", "committee_suspended", "is_civil_servant", "transferred_in",
    "months_at_old_place", "temporary_activity", "temporary_activity_elsewhere",
)
_STATUS_TEXT = {
    "exempt": NotRatedReason.EXEMPT.text,
    "suspended": NotRatedReason.SUSPENDED.text,
    "committee_suspended": "Đình chỉ sinh hoạt cấp ủy",
    "is_civil_servant": "Cán bộ, công chức, viên chức",
}


def member_status(facts: dict) -> str:
    """The member's roster statuses as one line: "Dự bị; Miễn công tác và sinh hoạt đảng"."""
    return _status_text(tuple(map(facts.get, _STATUS_FACTS)))


class StatusLine:
    """member_status of signed roster rows (JSON values in the issued fields' order), each distinct set of
    statuses worked out once: most members share a handful."""

    def __init__(self, issued_fields: tuple[str, ...]):
        present = [name for name in _STATUS_FACTS if name in issued_fields]
        self.names = present
        self.values = tuple_getter([issued_fields.index(name) for name in present])
        self.lines: dict[tuple, str] = {}

    def __call__(self, row: tuple) -> str:
        key = self.values(row)
        line = self.lines.get(key)
        if line is None:
            line = self.lines[key] = member_status(dict(zip(self.names, key)))
        return line

    def of_rows(self) -> Callable[[tuple], str]:
        """`self(row)` as a plain function with its look-ups bound, for a loop over every member (no method call)."""
        values, lines, names = self.values, self.lines, self.names

        def status_line(row: tuple) -> str:
            key = values(row)
            line = lines.get(key)
            if line is None:
                line = lines[key] = member_status(dict(zip(names, key)))
            return line

        return status_line


@lru_cache(maxsize=256)
def _status_text(values: tuple) -> str:
    facts = dict(zip(_STATUS_FACTS, values))
    parts = ["Dự bị" if facts["probationary"] else "Chính thức"]
    parts += [_STATUS_TEXT[key] for key in _STATUS_TEXT if facts[key]]
    if facts["transferred_in"]:
        months = facts["months_at_old_place"]
        parts.append(f"Chuyển đến trong năm ({months:g} tháng ở nơi cũ)" if months else "Chuyển đến trong năm")
    if facts["temporary_activity"]:
        parts.append("Sinh hoạt tạm thời tại đây")
    if facts["temporary_activity_elsewhere"]:
        parts.append("Sinh hoạt tạm thời ở nơi khác")
    return "; ".join(parts)


def comparable(value) -> str:
    """One key for a cell as typed and as issued: dates by day, numbers without ".0", text normalised."""
    if value is None or value == "":
        return ""
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, str) and value[:1].isdigit() and len(value) <= 20:
        parsed = parse_date(value)
        if parsed.ok and parsed.value is not None:
            return parsed.value.isoformat()
    return normalise_text(display_text(value))
