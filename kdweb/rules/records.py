"""Plain records: every fact a check needs, one dataclass per subject kind, and a unit's batch.

A record that is not rated has `level is None` and `not_rated` True ("Không xếp loại"); a record whose level
cell is blank has both unset. `unreadable` names the fields whose cell could not be parsed, so the checks do not
report a second, misleading finding about them.

Records are values: nothing changes a record once it is built (use dataclasses.replace for a changed copy).
They are not declared frozen because a frozen dataclass sets each field through object.__setattr__: 3 µs more
for each of the 10,000 member rows an upload may hold, on the reading hot path (docs/performance.md §1).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal  # noqa: F401 - named by the declared score fields' annotations
from typing import Collection, Mapping

from .score_fields import with_fields
from .terms import Discipline, Grade, Level, NotRatedReason, SubjectKind, UnitKind


@dataclass(slots=True)
@with_fields(SubjectKind.MEMBER)
class MemberRecord:
    code: str
    name: str
    unit_code: str
    cell_code: str = ""
    cell_name: str = ""
    birth_date: date | None = None
    probationary: bool = False
    admitted_on: date | None = None
    exempt: bool = False
    suspended: bool = False
    committee_suspended: bool = False
    transferred_in: bool = False
    months_at_old_place: float | None = None
    transfer_remarks_received: bool = False
    temporary_activity: bool = False
    temporary_activity_elsewhere: bool = False
    temporary_remarks_received: bool = False
    is_civil_servant: bool = False
    post: str = ""
    level: Level | None = None
    not_rated: bool = False
    not_rated_reason: NotRatedReason | None = None
    grades: Mapping[str, Grade] = field(default_factory=dict)
    disciplined_in_year: bool = False
    discipline: Discipline | None = None
    violation_counted_before: bool = False
    discipline_origin_elsewhere: bool = False
    discipline_origin_unit: str = ""
    civil_rating: Level | None = None
    monthly_ratings: tuple[Level | None, ...] = ()
    targets_below_half: bool = False
    sick_leave_months: float = 0.0
    maternity_leave_months: float = 0.0
    remarks: str = ""
    unreadable: frozenset[str] = frozenset()

    subject_kind = SubjectKind.MEMBER


@dataclass(slots=True)
@with_fields(SubjectKind.ORGANISATION)
class OrganisationRecord:
    code: str
    name: str
    unit_code: str
    kind: UnitKind | None = None
    parent_code: str = ""
    founded_on: date | None = None
    group: str = ""
    level: Level | None = None
    not_rated: bool = False
    not_rated_reason: NotRatedReason | None = None
    grades: Mapping[str, Grade] = field(default_factory=dict)
    disciplined_in_year: bool = False
    discipline: Discipline | None = None
    violation_counted_before: bool = False
    self_remedied: bool = False
    targets_below_half: bool = False
    same_level_bodies_lowest: Level | None = None
    remarks: str = ""
    unreadable: frozenset[str] = frozenset()

    subject_kind = SubjectKind.ORGANISATION


@dataclass(slots=True)
@with_fields(SubjectKind.COLLECTIVE)
class CollectiveRecord:
    code: str
    name: str
    unit_code: str
    collective_type: str = ""
    led_unit_code: str = ""
    led_unit_level: Level | None = None
    founded_on: date | None = None
    level: Level | None = None
    not_rated: bool = False
    not_rated_reason: NotRatedReason | None = None
    grades: Mapping[str, Grade] = field(default_factory=dict)
    disciplined_in_year: bool = False
    discipline: Discipline | None = None
    violation_counted_before: bool = False
    member_discipline: Discipline | None = None
    targets_below_half: bool = False
    main_target_missed: bool = False
    force_majeure: bool = False
    remarks: str = ""
    unreadable: frozenset[str] = frozenset()

    subject_kind = SubjectKind.COLLECTIVE


@dataclass(slots=True)
@with_fields(SubjectKind.LEADER)
class LeaderRecord:
    code: str
    name: str
    unit_code: str
    post: str = ""
    post_group: str = ""
    heads: tuple[str, ...] = ()
    headed_unit_level: Level | None = None
    moved_in_no_responsibility: bool = False
    party_member: bool = True
    level: Level | None = None
    not_rated: bool = False
    not_rated_reason: NotRatedReason | None = None
    grades: Mapping[str, Grade] = field(default_factory=dict)
    disciplined_in_year: bool = False
    discipline: Discipline | None = None
    violation_counted_before: bool = False
    targets_below_half: bool = False
    corruption_under_leadership: bool = False
    corruption_self_remedied: bool = False
    remarks: str = ""
    unreadable: frozenset[str] = frozenset()

    subject_kind = SubjectKind.LEADER


Record = MemberRecord | OrganisationRecord | CollectiveRecord | LeaderRecord

_KIND_BY_TYPE = {
    MemberRecord: SubjectKind.MEMBER,
    OrganisationRecord: SubjectKind.ORGANISATION,
    CollectiveRecord: SubjectKind.COLLECTIVE,
    LeaderRecord: SubjectKind.LEADER,
}

RECORD_TYPES = {kind: record_type for record_type, kind in _KIND_BY_TYPE.items()}


@dataclass
class UnitBatch:
    """One reporting unit's workbook as records; `expected` is the roster issued, by kind (absent: unknown)."""

    unit_code: str
    unit_name: str = ""
    review_date: date | None = None
    members: list[MemberRecord] = field(default_factory=list)
    organisations: list[OrganisationRecord] = field(default_factory=list)
    collectives: list[CollectiveRecord] = field(default_factory=list)
    leaders: list[LeaderRecord] = field(default_factory=list)
    expected: Mapping[SubjectKind, Collection[str]] = field(default_factory=dict)

    def records_of(self, kind: SubjectKind) -> list:
        return getattr(self, _BATCH_FIELDS[kind.value])


_BATCH_FIELDS = {
    SubjectKind.MEMBER.value: "members",
    SubjectKind.ORGANISATION.value: "organisations",
    SubjectKind.COLLECTIVE.value: "collectives",
    SubjectKind.LEADER.value: "leaders",
}
