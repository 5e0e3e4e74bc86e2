"""Plain records: every fact a check needs, one msgspec Struct per subject kind, and a unit's batch.

A record's fields beyond its code, name and unit, the not-rated flag and the grades are those the field registry
(kdweb.rules.field_registry) declares for its kind, each with its type and default.

A record that is not rated has `level is None` and `not_rated` True ("Không xếp loại"); a record whose level
cell is blank has both unset. `unreadable` names the fields whose cell could not be parsed, so the checks do not
report a second, misleading finding about them.

Records are values: nothing changes a record once it is built (use msgspec.structs.replace for a changed copy).
They are msgspec Structs, not dataclasses: one is built from its 50-odd fields in half a dataclass's time, and
its JSON is written by msgspec's encoder (kdweb/rules/stored.py), both once for each of the 10,000 member rows an
upload may hold (docs/reading.md, docs/performance.md). Their grades are `Grades`, a read-only dict that the
records whose cells read alike share (kdweb/rules/rows.py), or the one empty `NO_GRADES`, their default.
"""
from __future__ import annotations

import types
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal  # noqa: F401 - named by the declared fields' annotations
from typing import Collection, Mapping

import msgspec

from .field_registry import REGISTRY, Registry, with_fields
from .terms import Discipline, Grade, Level, NotRatedReason, SubjectKind, UnitKind  # noqa: F401 - named by the declared fields' annotations


class Grades(dict):
    """A record's criterion grades (criterion code → Grade), read-only: the records whose cells read alike share
    one. A dict, so that msgspec writes it as a JSON object; read-only, so that sharing it is safe."""

    __slots__ = ()

    def _read_only(self, *args, **kwargs):
        raise TypeError("a record's grades are read-only")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _read_only

    def __reduce__(self):  # not dict's, which would fill the copy through __setitem__
        return grades_of, (dict(self),)

    def __copy__(self):
        return self

    def __deepcopy__(self, _memo):
        return self

    def __repr__(self) -> str:
        return f"Grades({dict.__repr__(self)})"


NO_GRADES = Grades()  # every record's default: msgspec leaves a field out of the JSON when it holds its default


def grades_of(items: Mapping | None) -> Grades:
    """Grades holding these items: NO_GRADES when there are none."""
    return Grades(items) if items else NO_GRADES


def record_class(name: str, kind: SubjectKind, registry: Registry = REGISTRY) -> type:
    """The record of a kind: its code, name and unit, the not-rated flag, the grades, then the fields the registry
    declares for the kind, and `unreadable` last. `omit_defaults`: a field that holds its default (the very
    object: `stored.json_writer` sees to values that only equal it) is left out of the record's JSON. `gc=False`: a
    record holds only values and never refers back to anything that holds it, so the collector need not track it;
    an upload's 10,000 records, alive after the read's pause (reader.gc_paused) until their rating rows are made,
    are then not walked by the first collection that follows (bench/bench_excel.py)."""
    declared = with_fields(kind, registry)(type(name, (), {
        "__annotations__": {"code": "str", "name": "str", "unit_code": "str", "not_rated": "bool",
                            "grades": "Mapping[str, Grade]", "unreadable": "frozenset[str]"},
        "not_rated": False, "grades": NO_GRADES, "unreadable": frozenset(),
    }))
    body = {key: value for key, value in vars(declared).items() if key not in ("__dict__", "__weakref__", "__doc__")}
    body.update({"__module__": __name__, "__qualname__": name, "subject_kind": kind,
                 "__doc__": f"A {kind.name.lower()} as the checks see it."})
    return types.new_class(name, (msgspec.Struct,), {"omit_defaults": True, "gc": False},
                           lambda namespace: namespace.update(body))


MemberRecord = record_class("MemberRecord", SubjectKind.MEMBER)
OrganisationRecord = record_class("OrganisationRecord", SubjectKind.ORGANISATION)
CollectiveRecord = record_class("CollectiveRecord", SubjectKind.COLLECTIVE)
LeaderRecord = record_class("LeaderRecord", SubjectKind.LEADER)

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
