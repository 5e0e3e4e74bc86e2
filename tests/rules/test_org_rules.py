"""O-* rules: each on both sides of its boundary."""
from datetime import date

from kdweb.rules import Discipline, Grade, Level, NotRatedReason, UnitKind, get_rule_set

from .factories import findings_for, member, org_grades, organisation, person_grades

WITH_O_HTTNV = get_rule_set().enabling("O-HTTNV")
EXCELLENT = dict(level=Level.HTXSNV, grades=org_grades(Level.HTXSNV))


def members_of(cell: str, levels) -> list:
    return [
        member(f"{cell}-{index:02}", level, cell_code=cell, grades=person_grades(level))
        for index, level in enumerate(levels)
    ]


def children_of(parent: str, levels) -> list:
    return [organisation(f"{parent}-{index}", level, parent_code=parent) for index, level in enumerate(levels)]


# O-HTXSNV: chi bộ, 100 % HTNV+ and 80 % HTTNV+
def test_cell_with_exactly_80_percent_httnv_may_be_htxsnv():
    members = members_of("CB01", [Level.HTTNV] * 4 + [Level.HTNV])
    assert not findings_for("O-HTXSNV", organisation("CB01", **EXCELLENT), *members)


def test_cell_with_less_than_80_percent_httnv_may_not_be_htxsnv():
    members = members_of("CB01", [Level.HTTNV] * 3 + [Level.HTNV])
    [finding] = findings_for("O-HTXSNV", organisation("CB01", **EXCELLENT), *members)
    assert "3/4 (75%) đảng viên" in finding.message and "80%" in finding.message


def test_cell_with_a_khtnv_member_may_not_be_htxsnv():
    members = members_of("CB01", [Level.HTTNV] * 9 + [Level.KHTNV])
    [finding] = findings_for("O-HTXSNV", organisation("CB01", **EXCELLENT), *members)
    assert "9/10 (90%)" in finding.message and "100%" in finding.message


def test_grassroots_cell_counts_its_members_by_unit_code():
    cell = organisation("CS01", kind=UnitKind.GRASSROOTS_CELL, **EXCELLENT)
    members = [member(f"DV{index}", Level.HTNV, grades=person_grades(Level.HTNV)) for index in range(3)]
    assert findings_for("O-HTXSNV", cell, *members)


def test_member_disciplined_for_a_violation_elsewhere_does_not_count_here():
    members = members_of("CB01", [Level.HTTNV] * 4)
    moved = member("CB01-09", Level.KHTNV, cell_code="CB01", disciplined_in_year=True, discipline_origin_elsewhere=True)
    assert not findings_for("O-HTXSNV", organisation("CB01", **EXCELLENT), *members, moved)
    stayed = member("CB01-09", Level.KHTNV, cell_code="CB01", disciplined_in_year=True)
    assert findings_for("O-HTXSNV", organisation("CB01", **EXCELLENT), *members, stayed)


# O-HTXSNV: đảng bộ, its directly subordinate organisations
def test_committee_counts_its_subordinate_organisations():
    committee = organisation("DB01", kind=UnitKind.GRASSROOTS_COMMITTEE, **EXCELLENT)
    assert not findings_for("O-HTXSNV", committee, *children_of("DB01", [Level.HTTNV] * 4 + [Level.HTNV]))
    [finding] = findings_for("O-HTXSNV", committee, *children_of("DB01", [Level.HTTNV] * 3 + [Level.HTNV] * 2))
    assert "3/5 (60%) tổ chức đảng trực thuộc" in finding.message


def test_same_level_bodies_must_be_httnv_or_better():
    [finding] = findings_for("O-HTXSNV", organisation(same_level_bodies_lowest=Level.HTNV, **EXCELLENT))
    assert "Mặt trận Tổ quốc" in finding.message
    assert not findings_for("O-HTXSNV", organisation(same_level_bodies_lowest=Level.HTTNV, **EXCELLENT))


def test_htxsnv_grade_condition_is_reported_under_o_htxsnv():
    grades = {**org_grades(Level.HTXSNV), "II.2": Grade.TOT}
    [finding] = findings_for("O-HTXSNV", organisation(level=Level.HTXSNV, grades=grades))
    assert "II.2" in finding.message
    assert not findings_for("O-GRADES", organisation(level=Level.HTXSNV, grades=grades))


def test_htxsnv_grade_condition_follows_o_htxsnv_not_o_grades():
    grades = {**org_grades(Level.HTXSNV), "II.2": Grade.TOT}
    assert findings_for("O-HTXSNV", organisation(level=Level.HTXSNV, grades=grades), rule_set=get_rule_set().disabling("O-GRADES"))
    assert not findings_for("O-HTXSNV", organisation(level=Level.HTXSNV, grades=grades), rule_set=get_rule_set().disabling("O-HTXSNV"))


def test_httnv_organisation_is_not_held_to_the_htxsnv_conditions():
    assert not findings_for("O-HTXSNV", organisation("CB01"), *members_of("CB01", [Level.KHTNV]))


# O-GRADES
def test_organisation_grades_cap_the_level():
    assert findings_for("O-GRADES", organisation(grades={**org_grades(), "III": Grade.TRUNG_BINH}))
    assert not findings_for("O-GRADES", organisation(level=Level.HTNV, grades={**org_grades(), "III": Grade.TRUNG_BINH}))


# O-HTNV
def test_disciplined_organisation_cannot_be_htnv_or_better():
    [finding] = findings_for("O-HTNV", organisation(level=Level.HTNV, grades=org_grades(Level.HTNV), disciplined_in_year=True, discipline=Discipline.KHIEN_TRACH))
    assert "Không hoàn thành nhiệm vụ" in finding.message
    assert not findings_for("O-HTNV", organisation(level=Level.KHTNV, disciplined_in_year=True))


def test_self_remedied_violation_does_not_cap():
    assert not findings_for("O-HTNV", organisation(disciplined_in_year=True, self_remedied=True))


# O-KHTNV
def test_organisation_below_half_of_targets_is_khtnv():
    assert findings_for("O-KHTNV", organisation(level=Level.HTNV, grades=org_grades(Level.HTNV), targets_below_half=True))
    assert not findings_for("O-KHTNV", organisation(level=Level.KHTNV, targets_below_half=True))
    assert not findings_for("O-KHTNV", organisation())


# O-HTTNV: UNCONFIRMED, off by default
def test_o_httnv_is_off_by_default():
    assert not findings_for("O-HTTNV", organisation("CB01"), *members_of("CB01", [Level.KHTNV]))


def test_o_httnv_when_enabled_needs_all_subordinates_htnv_or_better():
    [finding] = findings_for("O-HTTNV", organisation("CB01"), *members_of("CB01", [Level.HTTNV, Level.KHTNV]), rule_set=WITH_O_HTTNV)
    assert "1/2 (50%)" in finding.message
    assert not findings_for("O-HTTNV", organisation("CB01"), *members_of("CB01", [Level.HTTNV, Level.HTNV]), rule_set=WITH_O_HTTNV)


def test_o_httnv_share_of_httnv_is_a_parameter():
    strict = WITH_O_HTTNV.with_changes(org_httnv_share=0.5)
    members = members_of("CB01", [Level.HTTNV, Level.HTNV, Level.HTNV])
    assert findings_for("O-HTTNV", organisation("CB01"), *members, rule_set=strict)
    assert not findings_for("O-HTTNV", organisation("CB01"), *members[:2], rule_set=strict)


# O-NEW
def test_organisation_founded_less_than_six_months_before_is_not_rated():
    assert findings_for("O-NEW", organisation(founded_on=date(2024, 7, 1)))
    assert not findings_for("O-NEW", organisation(level=None, not_rated=True, not_rated_reason=NotRatedReason.NEW, founded_on=date(2024, 7, 1)))
    assert not findings_for("O-NEW", organisation(founded_on=date(2024, 6, 10)))
