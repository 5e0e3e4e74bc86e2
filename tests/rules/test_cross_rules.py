"""X-* rules and the cross-workbook C-UNIT: rosters, heads and the origin of a discipline."""
from kdweb.rules import Level, NotRatedReason, SubjectKind, validate_district

from .factories import batch, collective, findings_for, leader, member, not_rated_member, organisation, person_grades

HTXSNV = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV))


def district(rule, *batches):
    return [finding for finding in validate_district(list(batches)) if finding.rule == rule]


# X-MISSING inside one workbook
def test_roster_complete_is_clean():
    expected = {SubjectKind.MEMBER: ["DV1", "DV2"]}
    assert not findings_for("X-MISSING", member("DV1"), not_rated_member("DV2", NotRatedReason.OTHER), expected=expected)


def test_dropped_subject_is_an_error_naming_the_code():
    [finding] = findings_for("X-MISSING", member("DV1"), expected={SubjectKind.MEMBER: ["DV1", "DV2"]})
    assert finding.subject_code == "DV2" and "DV2" in finding.message and finding.field is None


def test_invented_subject_is_an_error():
    [finding] = findings_for("X-MISSING", member("DV1"), member("DV9"), expected={SubjectKind.MEMBER: ["DV1"]})
    assert finding.subject_code == "DV9" and finding.field == "code"


def test_duplicated_subject_is_reported_on_each_of_its_rows():
    findings = findings_for("X-MISSING", member("DV1"), member("DV1", name="Nguyễn Văn Một"))
    assert len(findings) == 2 and all("2 lần" in finding.message for finding in findings)


def test_subject_without_code_is_an_error():
    assert findings_for("X-MISSING", member(""))


def test_kind_without_a_roster_is_not_compared():
    assert not findings_for("X-MISSING", member("DV1"), expected={SubjectKind.LEADER: []})


# X-MISSING across workbooks
def test_subject_rated_in_two_workbooks_is_an_error_in_both():
    findings = district("X-MISSING", batch(member("DV1"), unit_code="A"), batch(member("DV1"), unit_code="B"))
    assert sorted(finding.unit_code for finding in findings) == ["A", "B"]
    assert "A, B" in findings[0].message


def test_a_leader_rated_at_the_district_and_as_a_member_at_home_is_not_twice():
    """The same person as a leader post in the district's workbook and as a member in a grassroots one (allowed),
    even where the post's code reads like the member's: each kind is its own roster."""
    assert not district("X-MISSING", batch(leader("DV1"), unit_code="QU"), batch(member("DV1"), unit_code="A"))
    assert district("X-MISSING", batch(leader("DV1"), unit_code="QU"), batch(leader("DV1"), unit_code="A"))


def test_temporary_member_listed_unrated_in_the_second_workbook_is_fine():
    temporary = not_rated_member("DV1", NotRatedReason.TEMPORARY, temporary_activity=True)
    assert not district("X-MISSING", batch(member("DV1"), unit_code="A"), batch(temporary, unit_code="B"))


# X-HEAD
def test_head_rated_in_one_workbook_and_unit_in_another():
    head = leader("LD1", heads=("CB9",), **HTXSNV)
    headed = organisation("CB9", Level.HTTNV)
    [finding] = district("X-HEAD", batch(head, unit_code="QU"), batch(headed, unit_code="CS9"))
    assert finding.unit_code == "QU" and "Chi bộ CB9" in finding.message
    assert not district("X-HEAD", batch(leader("LD1", heads=("CB9",)), unit_code="QU"), batch(headed, unit_code="CS9"))


def test_x_head_leaves_the_same_workbook_to_l_head():
    head = leader("LD1", heads=("CB9",), **HTXSNV)
    assert not district("X-HEAD", batch(head, organisation("CB9", Level.HTTNV)))


def test_x_head_respects_the_moved_in_flag():
    head = leader("LD1", heads=("CB9",), moved_in_no_responsibility=True, **HTXSNV)
    assert not district("X-HEAD", batch(head, unit_code="QU"), batch(organisation("CB9", Level.KHTNV), unit_code="CS9"))


# C-UNIT across workbooks
def test_collective_rated_above_its_organisation_in_another_workbook():
    led = organisation("CS9", Level.HTNV)
    [finding] = district("C-UNIT", batch(collective("TT9", led_unit_code="CS9"), unit_code="QU"), batch(led, unit_code="CS9"))
    assert finding.subject_code == "TT9"
    assert not district("C-UNIT", batch(collective("TT9", led_unit_code="CS9", level=Level.HTNV), unit_code="QU"), batch(led, unit_code="CS9"))


# X-DISCIPLINE-ORIGIN
def moved_member(**facts):
    return member("DV7", Level.KHTNV, disciplined_in_year=True, discipline_origin_elsewhere=True, discipline_origin_unit="CB1", **facts)


def test_violation_counts_against_the_previous_organisation():
    old = organisation("CB1", Level.HTXSNV, kind=None)
    [finding] = district("X-DISCIPLINE-ORIGIN", batch(old, unit_code="A"), batch(moved_member(), unit_code="B"))
    assert finding.subject_code == "CB1" and finding.unit_code == "A" and "Nguyễn Văn DV7" in finding.message


def test_previous_organisation_below_htxsnv_is_fine():
    old = organisation("CB1", Level.HTTNV)
    assert not district("X-DISCIPLINE-ORIGIN", batch(old, unit_code="A"), batch(moved_member(), unit_code="B"))


def test_discipline_origin_inside_one_workbook():
    assert findings_for("X-DISCIPLINE-ORIGIN", organisation("CB1", Level.HTXSNV), moved_member())
    assert not findings_for("X-DISCIPLINE-ORIGIN", organisation("CB1", Level.HTXSNV), member("DV7", disciplined_in_year=True, discipline_origin_unit="CB1"))
