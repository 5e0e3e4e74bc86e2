"""C-* rules: each on both sides of its boundary."""
from datetime import date

from kdweb.rules import Discipline, Level, NotRatedReason, get_rule_set

from .factories import collective, findings_for, organisation, person_grades


# C-DISCIPLINE: cảnh cáo versus khiển trách
def test_member_warned_makes_the_collective_khtnv():
    [finding] = findings_for("C-DISCIPLINE", collective(member_discipline=Discipline.CANH_CAO))
    assert "Cảnh cáo" in finding.message and "Không hoàn thành nhiệm vụ" in finding.message


def test_member_reprimanded_does_not_cap_the_collective():
    assert not findings_for("C-DISCIPLINE", collective(member_discipline=Discipline.KHIEN_TRACH))


def test_heavier_member_discipline_also_caps():
    assert findings_for("C-DISCIPLINE", collective(member_discipline=Discipline.KHAI_TRU))


def test_collective_itself_disciplined_is_khtnv():
    assert findings_for("C-DISCIPLINE", collective(disciplined_in_year=True))
    assert not findings_for("C-DISCIPLINE", collective(level=Level.KHTNV, disciplined_in_year=True))


def test_violation_counted_before_counts_once_for_a_collective():
    assert not findings_for("C-DISCIPLINE", collective(member_discipline=Discipline.CANH_CAO, violation_counted_before=True))


def test_member_discipline_threshold_is_a_parameter():
    strict = get_rule_set().with_changes(collective_member_discipline=Discipline.KHIEN_TRACH)
    assert findings_for("C-DISCIPLINE", collective(member_discipline=Discipline.KHIEN_TRACH), rule_set=strict)


# C-TARGETS
def test_collective_below_half_of_targets_is_khtnv():
    assert findings_for("C-TARGETS", collective(targets_below_half=True))
    assert not findings_for("C-TARGETS", collective())


def test_main_target_missed_is_khtnv_unless_force_majeure():
    [finding] = findings_for("C-TARGETS", collective(main_target_missed=True))
    assert "chỉ tiêu chủ yếu" in finding.message
    assert not findings_for("C-TARGETS", collective(main_target_missed=True, force_majeure=True))


# C-UNIT
def test_collective_not_above_the_organisation_it_leads():
    led = organisation("CB09", Level.HTNV)
    [finding] = findings_for("C-UNIT", collective(led_unit_code="CB09"), led)
    assert "Chi bộ CB09" in finding.message
    assert not findings_for("C-UNIT", collective(led_unit_code="CB09", level=Level.HTNV, grades=person_grades(Level.HTNV)), led)


def test_collective_not_above_the_level_given_for_its_agency():
    assert findings_for("C-UNIT", collective(led_unit_level=Level.HTNV))
    assert not findings_for("C-UNIT", collective(led_unit_level=Level.HTTNV))


def test_collective_leading_an_unrated_organisation_is_not_capped():
    led = organisation("CB09", None, not_rated=True, not_rated_reason=NotRatedReason.NEW)
    assert not findings_for("C-UNIT", collective(led_unit_code="CB09"), led)


# C-NEW
def test_collective_founded_less_than_six_months_before_is_not_rated():
    assert findings_for("C-NEW", collective(founded_on=date(2024, 9, 1)))
    assert not findings_for("C-NEW", collective(founded_on=date(2024, 6, 10)))


# C-GRADES
def test_collective_grades_cap_the_level():
    assert findings_for("C-GRADES", collective(level=Level.HTXSNV, grades=person_grades(Level.HTTNV)))
    assert not findings_for("C-GRADES", collective(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV)))
