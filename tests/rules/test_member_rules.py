"""M-* rules: each on both sides of its boundary."""
from datetime import date

from kdweb.rules import Discipline, Grade, Level, NotRatedReason, Severity
from kdweb.rules.registry import get_rule_set

from .factories import REVIEW, findings_for, member, not_rated_member, person_grades, rules_of


# M-LEVEL
def test_level_blank_is_an_error_listing_the_allowed_levels():
    [finding] = findings_for("M-LEVEL", member(level=None))
    assert finding.field == "level"
    assert "Hoàn thành xuất sắc nhiệm vụ" in finding.message and "Không xếp loại" in finding.message


def test_level_rated_or_not_rated_with_reason_is_clean():
    assert not findings_for("M-LEVEL", member(level=Level.HTNV, grades=person_grades(Level.HTNV)))
    assert not findings_for("M-LEVEL", not_rated_member(reason=NotRatedReason.OTHER))


def test_not_rated_without_reason_points_at_the_reason_cell():
    [finding] = findings_for("M-LEVEL", not_rated_member(reason=None))
    assert finding.field == "not_rated_reason"


def test_level_and_reason_together_is_an_error():
    [finding] = findings_for("M-LEVEL", member(not_rated_reason=NotRatedReason.OTHER))
    assert finding.field == "not_rated_reason"


def test_unreadable_level_is_not_reported_twice():
    assert not findings_for("M-LEVEL", member(level=None, unreadable=frozenset({"level"})))


# M-EXCLUDED
def test_exempt_member_with_a_level_is_an_error():
    [finding] = findings_for("M-EXCLUDED", member(exempt=True))
    assert finding.field == "level" and "Miễn công tác và sinh hoạt đảng" in finding.message


def test_exempt_member_not_rated_with_that_reason_is_clean():
    assert not findings_for("M-EXCLUDED", not_rated_member(reason=NotRatedReason.EXEMPT, exempt=True))


def test_suspended_member_needs_the_suspension_reason():
    [finding] = findings_for("M-EXCLUDED", not_rated_member(reason=NotRatedReason.EXEMPT, suspended=True))
    assert finding.field == "not_rated_reason" and "Đình chỉ sinh hoạt đảng" in finding.message
    assert not findings_for("M-EXCLUDED", not_rated_member(reason=NotRatedReason.SUSPENDED, suspended=True))


def test_committee_suspended_member_is_still_rated():
    assert not findings_for("M-EXCLUDED", member(committee_suspended=True))


def test_exemption_reason_without_exemption_on_the_roster_is_an_error():
    [finding] = findings_for("M-EXCLUDED", not_rated_member(reason=NotRatedReason.EXEMPT))
    assert "không ghi đảng viên này được miễn" in finding.message


# M-DISCIPLINE
def test_disciplined_member_must_be_khtnv():
    [finding] = findings_for("M-DISCIPLINE", member(level=Level.HTNV, disciplined_in_year=True, discipline=Discipline.KHIEN_TRACH))
    assert "khiển trách" in finding.message and "Không hoàn thành nhiệm vụ" in finding.message
    assert not findings_for("M-DISCIPLINE", member(level=Level.KHTNV, disciplined_in_year=True))


def test_violation_already_counted_in_an_earlier_year_counts_once():
    assert not findings_for("M-DISCIPLINE", member(disciplined_in_year=True, violation_counted_before=True))


def test_undisciplined_member_is_not_capped():
    assert not findings_for("M-DISCIPLINE", member(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV)))


# M-CIVIL
def test_civil_servant_not_above_civil_rating():
    [finding] = findings_for("M-CIVIL", member(is_civil_servant=True, civil_rating=Level.HTNV))
    assert "Hoàn thành nhiệm vụ" in finding.message
    assert not findings_for("M-CIVIL", member(is_civil_servant=True, civil_rating=Level.HTTNV))


def test_htxsnv_needs_civil_htxsnv():
    excellent = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), is_civil_servant=True)
    assert findings_for("M-CIVIL", member(civil_rating=Level.HTTNV, **excellent))
    assert not findings_for("M-CIVIL", member(civil_rating=Level.HTXSNV, **excellent))


def test_civil_khtnv_means_khtnv():
    assert findings_for("M-CIVIL", member(level=Level.HTNV, grades=person_grades(Level.HTNV), is_civil_servant=True, civil_rating=Level.KHTNV))
    assert not findings_for("M-CIVIL", member(level=Level.KHTNV, is_civil_servant=True, civil_rating=Level.KHTNV))


def test_civil_rating_ignored_for_non_civil_servants():
    assert not findings_for("M-CIVIL", member(civil_rating=Level.KHTNV))


# M-GRADES
def test_htxsnv_needs_task_criterion_excellent_and_rest_good():
    grades = person_grades(Level.HTXSNV)
    assert not findings_for("M-GRADES", member(level=Level.HTXSNV, grades=grades))
    [finding] = findings_for("M-GRADES", member(level=Level.HTXSNV, grades={**grades, "5": Grade.TOT}))
    assert "tiêu chí kết quả thực hiện nhiệm vụ 5" in finding.message


def test_htxsnv_with_a_non_task_criterion_average_is_capped_at_htnv():
    [finding] = findings_for("M-GRADES", member(level=Level.HTXSNV, grades={**person_grades(Level.HTXSNV), "2": Grade.TRUNG_BINH}))
    assert "tối đa “Hoàn thành nhiệm vụ”" in finding.message


def test_httnv_needs_all_good():
    assert not findings_for("M-GRADES", member(level=Level.HTTNV, grades=person_grades(Level.HTTNV)))
    assert findings_for("M-GRADES", member(level=Level.HTTNV, grades={**person_grades(Level.HTTNV), "3": Grade.TRUNG_BINH}))


def test_htnv_needs_all_average():
    assert not findings_for("M-GRADES", member(level=Level.HTNV, grades=person_grades(Level.HTNV)))
    assert findings_for("M-GRADES", member(level=Level.HTNV, grades={**person_grades(Level.HTNV), "1": Grade.KEM}))


def test_kem_on_task_criterion_means_khtnv():
    [finding] = findings_for("M-GRADES", member(level=Level.HTNV, grades={**person_grades(Level.HTNV), "5": Grade.KEM}))
    assert "Kém" in finding.message
    assert not findings_for("M-GRADES", member(level=Level.KHTNV, grades={**person_grades(Level.HTNV), "5": Grade.KEM}))


def test_fewer_than_half_of_targets_means_khtnv():
    assert findings_for("M-GRADES", member(level=Level.HTNV, grades=person_grades(Level.HTNV), targets_below_half=True))
    assert not findings_for("M-GRADES", member(level=Level.KHTNV, targets_below_half=True))


def test_missing_grade_points_at_its_cell():
    grades = person_grades(Level.HTTNV)
    del grades["4"]
    [finding] = findings_for("M-GRADES", member(grades=grades))
    assert finding.field == "grade:4" and "Ý thức tổ chức kỷ luật" in finding.message


def test_missing_grades_tolerated_when_not_required():
    rule_set = get_rule_set().with_changes(require_grades=False)
    assert not findings_for("M-GRADES", member(grades={}), rule_set=rule_set)


def test_not_rated_member_needs_no_grades():
    assert not findings_for("M-GRADES", not_rated_member(reason=NotRatedReason.OTHER, grades={}))


# M-TRANSFER: six months at the old place
def test_transfer_after_six_months_needs_old_remarks():
    [finding] = findings_for("M-TRANSFER", member(transferred_in=True, months_at_old_place=6))
    assert finding.field == "transfer_remarks_received" and "6 tháng" in finding.message
    assert not findings_for("M-TRANSFER", member(transferred_in=True, months_at_old_place=6, transfer_remarks_received=True))


def test_transfer_after_less_than_six_months_needs_no_remarks():
    assert not findings_for("M-TRANSFER", member(transferred_in=True, months_at_old_place=5))
    assert not findings_for("M-TRANSFER", member(transferred_in=True, months_at_old_place=5.9))


# M-TEMPORARY
def test_temporary_member_is_not_rated_here():
    [finding] = findings_for("M-TEMPORARY", member(temporary_activity=True))
    assert finding.field == "level"
    assert not findings_for("M-TEMPORARY", not_rated_member(reason=NotRatedReason.TEMPORARY, temporary_activity=True))


def test_temporary_reason_without_temporary_activity_is_an_error():
    [finding] = findings_for("M-TEMPORARY", not_rated_member(reason=NotRatedReason.TEMPORARY))
    assert finding.field == "not_rated_reason"


def test_member_temporarily_elsewhere_needs_the_temporary_remarks():
    [finding] = findings_for("M-TEMPORARY", member(temporary_activity_elsewhere=True))
    assert finding.field == "temporary_remarks_received"
    assert not findings_for("M-TEMPORARY", member(temporary_activity_elsewhere=True, temporary_remarks_received=True))


# M-NEW: six months before the review date
def test_member_admitted_less_than_six_months_before_is_not_rated():
    [finding] = findings_for("M-NEW", member(admitted_on=date(2024, 6, 11)))
    assert "11/06/2024" in finding.message and "10/12/2024" in finding.message
    assert not findings_for("M-NEW", not_rated_member(reason=NotRatedReason.NEW, admitted_on=date(2024, 6, 11)))


def test_member_admitted_exactly_six_months_before_is_rated():
    assert not findings_for("M-NEW", member(admitted_on=date(2024, 6, 10)))
    [finding] = findings_for("M-NEW", not_rated_member(reason=NotRatedReason.NEW, admitted_on=date(2024, 6, 10)))
    assert finding.field == "not_rated_reason"


def test_new_check_needs_a_review_date():
    assert not findings_for("M-NEW", member(admitted_on=date(2024, 11, 1)), review_date=None)


def test_probationary_member_is_rated():
    assert not rules_of(member(probationary=True, admitted_on=date(2023, 1, 1)))


# M-SICK: three months
def test_three_months_of_sick_leave_caps_at_htnv():
    [finding] = findings_for("M-SICK", member(sick_leave_months=3))
    assert "nghỉ ốm 3 tháng" in finding.message
    assert not findings_for("M-SICK", member(level=Level.HTNV, grades=person_grades(Level.HTNV), sick_leave_months=3))


def test_less_than_three_months_of_sick_leave_does_not_cap():
    assert not findings_for("M-SICK", member(sick_leave_months=2.5))


def test_maternity_leave_does_not_cap():
    assert not findings_for("M-SICK", member(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), maternity_leave_months=6))


# M-MONTHLY (warning)
def test_yearly_level_far_above_a_month_is_a_warning():
    [finding] = findings_for("M-MONTHLY", member(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), monthly_ratings=(Level.HTXSNV,) * 11 + (Level.HTNV,)))
    assert finding.severity is Severity.WARNING and "1/12 tháng" in finding.message


def test_yearly_level_one_step_above_the_months_is_fine():
    assert not findings_for("M-MONTHLY", member(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), monthly_ratings=(Level.HTTNV,) * 12))
    assert not findings_for("M-MONTHLY", member(monthly_ratings=()))


def test_clean_member_has_no_findings():
    assert rules_of(member(admitted_on=date(REVIEW.year - 10, 1, 1))) == set()
