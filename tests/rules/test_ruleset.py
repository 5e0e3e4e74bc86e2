"""Rule sets: the registry, the criteria of docs/rulebook.md §1, parameters and switches."""
import pytest

from kdweb.rules import (
    DEFAULT_RULE_SET_ID, RULE_SETS, Criterion, Grade, Level, QuotaBase, Severity, SubjectKind, get_rule_set,
)

from .factories import findings_for, member, person_grades

RULE_CODES = {
    "M-LEVEL", "M-EXCLUDED", "M-DISCIPLINE", "M-CIVIL", "M-GRADES", "M-TRANSFER", "M-TEMPORARY", "M-NEW", "M-SICK",
    "M-MONTHLY", "O-HTXSNV", "O-HTNV", "O-KHTNV", "O-HTTNV", "O-NEW", "C-DISCIPLINE", "C-TARGETS", "C-UNIT",
    "L-DISCIPLINE", "L-TARGETS", "L-CORRUPTION", "L-HEAD", "Q-20", "X-HEAD", "X-MISSING", "X-DISCIPLINE-ORIGIN",
}


def test_default_rule_set_is_qd132_hd21():
    assert DEFAULT_RULE_SET_ID == "qd132-hd21"
    assert get_rule_set() is RULE_SETS["qd132-hd21"] is get_rule_set("qd132-hd21")


def test_unknown_rule_set_names_the_known_ones():
    with pytest.raises(KeyError, match="qd132-hd21"):
        get_rule_set("qd366")


def test_every_rule_code_of_the_rule_book_has_a_check():
    codes = {check.rule for check in get_rule_set().checks}
    codes |= {item.rule for caps in get_rule_set().record_caps.values() for item in caps}
    assert RULE_CODES <= codes


def test_default_parameters_are_those_of_rules_md():
    rule_set = get_rule_set()
    assert rule_set.quota_share == 0.20 and rule_set.quota_base is QuotaBase.HTTNV
    assert (rule_set.small_group_threshold, rule_set.small_group_allowance) == (5, 1)
    assert rule_set.quota_severity_of(SubjectKind.ORGANISATION) is Severity.WARNING
    assert all(rule_set.quota_severity_of(kind) is Severity.ERROR for kind in SubjectKind if kind is not SubjectKind.ORGANISATION)
    assert not rule_set.is_on("O-HTTNV") and rule_set.is_on("O-HTXSNV")
    assert rule_set.org_htxsnv_share == 0.80 and rule_set.transfer_months == 6 and rule_set.sick_leave_months == 3
    assert rule_set.severity("M-MONTHLY") is Severity.WARNING and rule_set.severity("M-DISCIPLINE") is Severity.ERROR


def test_criterion_groups_are_those_of_rules_md_section_1():
    rule_set = get_rule_set()
    organisation = rule_set.criteria_of(SubjectKind.ORGANISATION)
    assert [c.code for c in organisation] == ["I.1", "I.2", "I.3", "I.4", "II.1", "II.2", "III"]
    assert [c.code for c in organisation if not c.task] == ["III"]
    for kind in (SubjectKind.MEMBER, SubjectKind.LEADER, SubjectKind.COLLECTIVE):
        person = rule_set.criteria_of(kind)
        assert [c.code for c in person] == ["1", "2", "3", "4", "5"]
        assert [c.code for c in person if c.task] == ["5"]
    assert person[1].title == "Phẩm chất đạo đức, lối sống" and person[0].field == "grade:1"


def test_a_rule_can_be_switched_off_and_its_severity_changed():
    disciplined = member(disciplined_in_year=True)
    assert findings_for("M-DISCIPLINE", disciplined)
    assert not findings_for("M-DISCIPLINE", disciplined, rule_set=get_rule_set().disabling("M-DISCIPLINE"))
    softer = get_rule_set().with_changes(severities={**get_rule_set().severities, "M-DISCIPLINE": Severity.WARNING})
    [finding] = findings_for("M-DISCIPLINE", disciplined, rule_set=softer)
    assert finding.severity is Severity.WARNING


def test_parameters_change_the_boundaries():
    rule_set = get_rule_set().with_changes(sick_leave_months=2, sick_leave_cap=Level.HTTNV, transfer_months=3)
    excellent = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV))
    assert findings_for("M-SICK", member(sick_leave_months=2, **excellent), rule_set=rule_set)
    assert not findings_for("M-SICK", member(sick_leave_months=1.9, **excellent), rule_set=rule_set)
    assert findings_for("M-TRANSFER", member(transferred_in=True, months_at_old_place=3), rule_set=rule_set)


def test_a_rule_set_with_other_criteria_needs_no_code_change():
    other = get_rule_set().with_changes(id="test", criteria={SubjectKind.MEMBER: (Criterion("A", "Một tiêu chí", task=True),)})
    assert not findings_for("M-GRADES", member(level=Level.HTXSNV, grades={"A": Grade.XUAT_SAC}), rule_set=other)
    assert findings_for("M-GRADES", member(level=Level.HTXSNV, grades={"A": Grade.TOT}), rule_set=other)
    [finding] = findings_for("M-GRADES", member(grades={}), rule_set=other)
    assert finding.field == "grade:A"


def test_the_unit_checks_kept_per_rule_set_are_always_those_of_the_rule_set_asked():
    """validate._unit_checks answers from a memo: for every rule set, and every one derived from it by a switch
    (which may come after it, in any order, and past the memo's bound), the checks that run under that very rule
    set; forgetting empties it."""
    from kdweb.rules import process_memos, validate

    def expected(rule_set):
        return tuple(check for check in rule_set.checks if check.scope == "unit" and check.runs_under(rule_set))

    for rule_set in RULE_SETS.values():
        rules = sorted({rule for check in rule_set.checks for rule in (check.rule, *check.also)})
        derived = [rule_set, rule_set.disabling(*rules)] + [rule_set.disabling(rule) for rule in rules]
        derived += [other.enabling(*rules) for other in derived[1:4]]
        for _ in range(2):
            for each in derived + derived[::-1]:
                assert validate._unit_checks(each) == expected(each)
        assert len(validate._UNIT_CHECKS) <= validate._UNIT_CHECKS.bound
    process_memos.forget()
    assert not validate._UNIT_CHECKS
