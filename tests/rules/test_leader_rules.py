"""L-* rules: each on both sides of its boundary."""
from kdweb.rules import Discipline, Level

from .factories import collective, findings_for, leader, org_grades, organisation, person_grades

HTXSNV = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV))


# L-DISCIPLINE
def test_disciplined_leader_is_khtnv():
    [finding] = findings_for("L-DISCIPLINE", leader(disciplined_in_year=True, discipline=Discipline.CANH_CAO))
    assert "cảnh cáo" in finding.message
    assert not findings_for("L-DISCIPLINE", leader(level=Level.KHTNV, disciplined_in_year=True))
    assert not findings_for("L-DISCIPLINE", leader(disciplined_in_year=True, violation_counted_before=True))


# L-TARGETS
def test_leader_whose_field_missed_half_its_targets_is_khtnv():
    assert findings_for("L-TARGETS", leader(targets_below_half=True))
    assert not findings_for("L-TARGETS", leader())


# L-CORRUPTION
def test_corruption_under_direct_leadership_is_khtnv():
    [finding] = findings_for("L-CORRUPTION", leader(corruption_under_leadership=True))
    assert "tham nhũng" in finding.message


def test_corruption_found_and_remedied_by_the_unit_does_not_cap():
    assert not findings_for("L-CORRUPTION", leader(corruption_under_leadership=True, corruption_self_remedied=True))


# L-HEAD
def test_head_not_above_the_collective_he_heads():
    headed = collective("TT01", Level.HTTNV)
    [finding] = findings_for("L-HEAD", leader(heads=("TT01",), **HTXSNV), headed)
    assert "người đứng đầu tập thể lãnh đạo, quản lý" in finding.message
    assert not findings_for("L-HEAD", leader(heads=("TT01",)), headed)


def test_head_of_a_khtnv_unit_is_khtnv():
    headed = organisation("CB01", Level.KHTNV)
    [finding] = findings_for("L-HEAD", leader(heads=("CB01",), level=Level.HTNV, grades=person_grades(Level.HTNV)), headed)
    assert "phải xếp loại “Không hoàn thành nhiệm vụ”" in finding.message
    assert not findings_for("L-HEAD", leader(heads=("CB01",), level=Level.KHTNV), headed)


def test_head_checked_against_every_subject_headed():
    headed = [collective("TT01", Level.HTXSNV, grades=person_grades(Level.HTXSNV)), organisation("CB01", Level.HTNV, grades=org_grades(Level.HTNV))]
    [finding] = findings_for("L-HEAD", leader(heads=("TT01", "CB01"), **HTXSNV), *headed)
    assert "Chi bộ CB01" in finding.message


def test_head_not_above_the_level_given_for_the_agency():
    assert findings_for("L-HEAD", leader(headed_unit_level=Level.HTNV))
    assert not findings_for("L-HEAD", leader(headed_unit_level=Level.HTTNV))


def test_head_who_moved_in_without_responsibility_is_exempt_from_l_head():
    headed = organisation("CB01", Level.KHTNV)
    assert not findings_for("L-HEAD", leader(heads=("CB01",), moved_in_no_responsibility=True), headed)


def test_head_of_something_not_in_this_workbook_is_left_to_x_head():
    assert not findings_for("L-HEAD", leader(heads=("ELSEWHERE",), **HTXSNV))


# L-GRADES
def test_leader_grades_cap_the_level():
    assert findings_for("L-GRADES", leader(level=Level.HTXSNV, grades=person_grades(Level.HTTNV)))
    assert not findings_for("L-GRADES", leader(**HTXSNV))
