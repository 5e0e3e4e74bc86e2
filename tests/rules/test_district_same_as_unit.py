"""One path decides: the check across workbooks gives exactly the findings the single-workbook check gives on the
same records, and records kept as JSON per upload come back equal to what was read."""
import itertools
import typing
from msgspec.structs import fields
from datetime import date
from decimal import Decimal

import pytest

from kdweb.rules import (
    RECORD_TYPES, Discipline, Grade, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord, UnitKind,
    SubjectKind, UnitBatch, validate_district, validate_unit,
)
from kdweb.rules.stored import record_from_json, record_to_json

H, T, N, K = Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV


def organisations(committee_level, cell_levels):
    committee = OrganisationRecord(code="KM", name="Đảng bộ phường Kim Mã", unit_code="BD",
                                   kind=UnitKind.GRASSROOTS_COMMITTEE, parent_code="BD", level=committee_level)
    cells = [OrganisationRecord(code=f"KM.C{n}", name=f"Chi bộ số {n}", unit_code="KM", kind=UnitKind.CELL,
                                parent_code="KM", level=level) for n, level in enumerate(cell_levels, 1)]
    return committee, cells


def cell_members(cell_level, member_levels):
    cell = OrganisationRecord(code="CB", name="Chi bộ Trường THCS", unit_code="BD", kind=UnitKind.GRASSROOTS_CELL,
                              parent_code="BD", level=cell_level)
    members = [MemberRecord(code=f"DV{n:03d}", name=f"Đảng viên {n}", unit_code="CB", cell_code="CB", level=level)
               for n, level in enumerate(member_levels, 1)]
    return cell, members


def key(finding):
    return finding.rule, finding.severity, finding.subject_kind, finding.subject_code, finding.message


def o_htxsnv(findings):
    return sorted(key(f) for f in findings if f.rule == "O-HTXSNV")


CASES = [
    (H, [H, T, T, T, T], H, [T] * 8 + [H, H]),  # both qualify: nothing
    (H, [H, T, N, N, T], H, [T] * 7 + [N] * 3),  # 60 % and 70 % HTTNV or better
    (H, [T, T, T, K], H, [T] * 9 + [K]),  # one below HTNV in each
    (T, [N, N, N], T, [N] * 5),  # not HTXSNV: nothing to check
    (H, [], H, [K, K]),  # a committee with no rated subordinates; a chi bộ with every member KHTNV
]


@pytest.mark.parametrize("committee_level, cell_levels, cell_level, member_levels", CASES)
def test_o_htxsnv_across_workbooks_is_the_single_workbook_check(committee_level, cell_levels, cell_level,
                                                                  member_levels):
    committee, cells = organisations(committee_level, cell_levels)
    school, members = cell_members(cell_level, member_levels)
    one = UnitBatch(unit_code="BD", organisations=[committee, school, *cells], members=members)
    split = [UnitBatch(unit_code="BD", organisations=[committee, school]),
             UnitBatch(unit_code="KM", organisations=cells), UnitBatch(unit_code="CB", members=members)]

    single = o_htxsnv(validate_unit(one))
    across = o_htxsnv(validate_district(split))
    assert across == single
    assert o_htxsnv(itertools.chain.from_iterable(validate_unit(batch) for batch in split)) == []  # no double count
    expected_findings = sum(1 for levels in (cell_levels, member_levels) if any(
        level.rank < T.rank for level in levels)) if committee_level is H else 0
    assert (len(single) > 0) == (expected_findings > 0)


def test_the_same_batches_after_storage_give_the_same_district_findings():
    committee, cells = organisations(H, [H, T, N, N])
    school, members = cell_members(H, [T] * 6 + [N] * 4)
    moved_in = LeaderRecord(code="LD1", name="Nguyễn Văn A", unit_code="BD", heads=("KM.C1",), level=H,
                            moved_in_no_responsibility=True)
    head = LeaderRecord(code="LD2", name="Trần Thị B", unit_code="BD", heads=("KM.C3",), level=T)
    disciplined = MemberRecord(code="DV900", name="Lê Văn C", unit_code="CB", cell_code="CB", level=K,
                               disciplined_in_year=True, discipline=Discipline.KHIEN_TRACH,
                               discipline_origin_elsewhere=True, discipline_origin_unit="KM.C1",
                               grades={"5": Grade.KEM})
    batches = [UnitBatch(unit_code="BD", organisations=[committee, school], leaders=[moved_in, head]),
               UnitBatch(unit_code="KM", organisations=cells),
               UnitBatch(unit_code="CB", members=[*members, disciplined])]
    stored = [UnitBatch(unit_code=batch.unit_code, **{
        name: [record_from_json(kind, record_to_json(record)) for record in batch.records_of(kind)]
        for kind, name in ((SubjectKind.MEMBER, "members"), (SubjectKind.ORGANISATION, "organisations"),
                           (SubjectKind.COLLECTIVE, "collectives"), (SubjectKind.LEADER, "leaders"))})
        for batch in batches]
    for before, after in zip(batches, stored):
        for kind in SubjectKind:
            assert before.records_of(kind) == after.records_of(kind)
    findings = sorted(map(key, validate_district(batches)))
    assert sorted(map(key, validate_district(stored))) == findings
    rules = {(rule, code) for rule, _, _, code, _ in findings}
    assert ("X-HEAD", "LD2") in rules and ("X-HEAD", "LD1") not in rules
    assert ("X-DISCIPLINE-ORIGIN", "KM.C1") in rules
    assert ("O-HTXSNV", "KM") in rules and ("O-HTXSNV", "CB") in rules


def a_value(hint):
    """A value of the field's type that is not its default."""
    text = str(hint)
    for enum in (Level, Grade, Discipline, NotRatedReason, UnitKind):
        if enum.__name__ in text and "Mapping" not in text and "tuple" not in text:
            return list(enum)[-1]
    if "Mapping" in text:
        return {"1": Grade.KEM, "I.1": Grade.XUAT_SAC}
    if "tuple[" in text and "Level" in text:
        return (Level.HTNV, None, Level.HTXSNV)
    if "tuple" in text:
        return ("A", "B")
    if "frozenset" in text:
        return frozenset({"level", "grade:1"})
    if "date" in text:
        return date(2026, 6, 30)
    if "float" in text:
        return 2.5
    if "Decimal" in text:  # a score of the 100-point rule set
        return Decimal("27.25")
    if "int" in text:  # a count of tasks
        return 7
    if "bool" in text:
        return True
    return "Chữ có dấu “ngoặc”"


@pytest.mark.parametrize("record_type", list(RECORD_TYPES.values()))
def test_every_field_of_every_record_survives_storage(record_type):
    hints = typing.get_type_hints(record_type)
    record = record_type(**{item.name: a_value(hints[item.name]) for item in fields(record_type)})
    back = record_from_json(record.subject_kind, record_to_json(record))
    assert back == record, [f.name for f in fields(record) if getattr(back, f.name) != getattr(record, f.name)]


FAMILY = {"L-HEAD": "head", "X-HEAD": "head", "X-DISCIPLINE-ORIGIN": "origin", "O-HTXSNV": "htxsnv"}


def decided(findings):
    """What the head, discipline-origin and HTXSNV-share checks decided: which subject, how severe."""
    return sorted((FAMILY[f.rule], f.severity, f.subject_code) for f in findings if f.rule in FAMILY)


@pytest.mark.parametrize("moved_in, head_level, origin_level", [
    (False, T, H), (True, T, H), (False, N, T), (True, H, H),
])
def test_heads_and_discipline_origin_across_workbooks_decide_as_in_one(moved_in, head_level, origin_level):
    """The same records in one workbook (L-HEAD, X-DISCIPLINE-ORIGIN inside it) and split over three (X-HEAD,
    X-DISCIPLINE-ORIGIN across): the same subjects are flagged, the moved-in head's exception holds in both."""
    committee, cells = organisations(H, [origin_level, T, N, N])
    head = LeaderRecord(code="LD1", name="Nguyễn Văn A", unit_code="BD", heads=("KM.C3",), level=head_level,
                        moved_in_no_responsibility=moved_in)
    disciplined = MemberRecord(code="DV900", name="Lê Văn C", unit_code="CB", cell_code="CB", level=K,
                               disciplined_in_year=True, discipline=Discipline.KHIEN_TRACH,
                               discipline_origin_elsewhere=True, discipline_origin_unit="KM.C1",
                               grades={"5": Grade.KEM})
    one = UnitBatch(unit_code="BD", organisations=[committee, *cells], leaders=[head], members=[disciplined])
    split = [UnitBatch(unit_code="BD", organisations=[committee], leaders=[head]),
             UnitBatch(unit_code="KM", organisations=cells), UnitBatch(unit_code="CB", members=[disciplined])]

    single = decided(validate_unit(one))
    across = decided([*validate_district(split), *itertools.chain.from_iterable(map(validate_unit, split))])
    assert across == single
    flagged = {(family, code) for family, _, code in single}
    assert (("head", "LD1") in flagged) == (head_level.rank > N.rank and not moved_in)
    assert (("origin", "KM.C1") in flagged) == (origin_level is H)
    assert ("htxsnv", "KM") in flagged
