"""Plain records: every fact a check needs, one dataclass per subject kind, and a unit's batch.

A record's fields beyond its code, name and unit, the not-rated flag and the grades are those the field registry
(kdweb.rules.field_registry) declares for its kind, each with its type and default.

A record that is not rated has `level is None` and `not_rated` True ("Không xếp loại"); a record whose level
cell is blank has both unset. `unreadable` names the fields whose cell could not be parsed, so the checks do not
report a second, misleading finding about them.

Records are values: nothing changes a record once it is built (use dataclasses.replace for a changed copy).
They are not declared frozen because a frozen dataclass sets each field through object.__setattr__: 3 µs more
for each of the 10,000 member rows an upload may hold, on the reading hot path (docs/reading.md, docs/performance.md).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal  # noqa: F401 - named by the declared fields' annotations
from typing import Collection, Mapping

from .field_registry import with_fields
from .terms import Discipline, Grade, Level, NotRatedReason, SubjectKind, UnitKind  # noqa: F401 - named by the declared fields' annotations


def _record_class(name: str, kind: SubjectKind) -> type:
    """The record of a kind: its code, name and unit, the not-rated flag, the grades, then the fields the registry
    declares for the kind, and `unreadable` last."""
    namespace = {
        "__module__": __name__, "__qualname__": name, "__doc__": f"A {kind.name.lower()} as the checks see it.",
        "__annotations__": {"code": "str", "name": "str", "unit_code": "str", "not_rated": "bool",
                            "grades": "Mapping[str, Grade]", "unreadable": "frozenset[str]"},
        "not_rated": False, "grades": field(default_factory=dict), "unreadable": frozenset(), "subject_kind": kind,
    }
    return dataclass(slots=True)(with_fields(kind)(type(name, (), namespace)))


MemberRecord = _record_class("MemberRecord", SubjectKind.MEMBER)
OrganisationRecord = _record_class("OrganisationRecord", SubjectKind.ORGANISATION)
CollectiveRecord = _record_class("CollectiveRecord", SubjectKind.COLLECTIVE)
LeaderRecord = _record_class("LeaderRecord", SubjectKind.LEADER)

Record = MemberRecord | OrganisationRecord | CollectiveRecord | LeaderRecord

_KIND_BY_TYPE = {
    MemberRecord: SubjectKind.MEMBER,
    OrganisationRecord: SubjectKind.ORGANISATION,
    CollectiveRecord: SubjectKind.COLLECTIVE,
    LeaderRecord: SubjectKind.LEADER,
}

RECORD_TYPES = {kind: record_type for record_type, kind in _KIND_BY_TYPE.items()}


# the list of each kind's records in `Subjects`
SUBJECT_LISTS = {
    SubjectKind.MEMBER: "members",
    SubjectKind.ORGANISATION: "organisations",
    SubjectKind.COLLECTIVE: "collectives",
    SubjectKind.LEADER: "leaders",
}


@dataclass
class Subjects:
    """A unit's subjects, one list per kind: the roster a workbook is issued with (records carrying roster facts
    only), or, as a UnitBatch, the records read back from it."""

    members: list[MemberRecord] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)
    collectives: list[CollectiveRecord] = field(default_factory=list)
    leaders: list[LeaderRecord] = field(default_factory=list)

    def records_of(self, kind: SubjectKind) -> list:
        return getattr(self, SUBJECT_LISTS[kind])

    def kinds(self) -> tuple[SubjectKind, ...]:
        """The kinds with anyone in their list (members at least)."""
        found = tuple(kind for kind in SubjectKind if self.records_of(kind))
        return found or (SubjectKind.MEMBER,)


@dataclass(kw_only=True)
class UnitBatch(Subjects):
    """One reporting unit's workbook as records; `expected` is the roster issued, by kind (absent: unknown)."""

    unit_code: str
    unit_name: str = ""
    review_date: date | None = None
    expected: Mapping[SubjectKind, Collection[str]] = field(default_factory=dict)
