"""suggest_level: the highest level the grades and flags allow."""
from datetime import date

from kdweb.rules import Grade, Level, suggest_level

from .factories import REVIEW, collective, leader, member, org_grades, organisation, person_grades


def test_suggestion_follows_the_grades():
    assert suggest_level(member(grades=person_grades(Level.HTXSNV))) is Level.HTXSNV
    assert suggest_level(member(grades=person_grades(Level.HTTNV))) is Level.HTTNV
    assert suggest_level(member(grades=person_grades(Level.HTNV))) is Level.HTNV
    assert suggest_level(member(grades={**person_grades(Level.HTXSNV), "5": Grade.KEM})) is Level.KHTNV


def test_flags_lower_the_suggestion():
    excellent = person_grades(Level.HTXSNV)
    assert suggest_level(member(grades=excellent, is_civil_servant=True, civil_rating=Level.HTTNV)) is Level.HTTNV
    assert suggest_level(member(grades=excellent, sick_leave_months=4)) is Level.HTNV
    assert suggest_level(member(grades=excellent, disciplined_in_year=True)) is Level.KHTNV


def test_khtnv_flag_wins_even_without_grades():
    assert suggest_level(member(grades={}, targets_below_half=True)) is Level.KHTNV
    assert suggest_level(member(grades={})) is None


def test_subjects_not_to_be_rated_get_no_suggestion():
    assert suggest_level(member(exempt=True)) is None
    assert suggest_level(member(temporary_activity=True)) is None
    assert suggest_level(member(admitted_on=date(2024, 9, 1)), review_date=REVIEW) is None
    assert suggest_level(member(admitted_on=date(2024, 6, 10)), review_date=REVIEW) is Level.HTTNV


def test_other_kinds():
    assert suggest_level(organisation(grades=org_grades(Level.HTXSNV))) is Level.HTXSNV
    assert suggest_level(organisation(grades=org_grades(Level.HTXSNV), disciplined_in_year=True)) is Level.KHTNV
    assert suggest_level(organisation(grades=org_grades(Level.HTXSNV), disciplined_in_year=True, self_remedied=True)) is Level.HTXSNV
    assert suggest_level(collective(grades=person_grades(Level.HTXSNV), main_target_missed=True)) is Level.KHTNV
    assert suggest_level(leader(grades=person_grades(Level.HTNV))) is Level.HTNV


def test_suggestion_never_raises():
    assert suggest_level(object()) is None
    assert suggest_level(member(grades=dict.fromkeys(("1", "2", "3", "4", "5"), "Tốt"))) is None
