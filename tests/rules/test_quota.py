"""Q-20 and Q-SMALL: exactly 20 %, 4 versus 5 HTTNV, the base, the scopes and their severities."""
from kdweb.rules import Level, QuotaBase, Severity, SubjectKind, get_rule_set, validate_district, validate_unit

from .factories import batch, collective, findings_for, leader, member, organisation, person_grades

QUOTA = {"Q-20", "Q-SMALL"}


def members(excellent: int, good: int, others: int = 0) -> list:
    levels = [Level.HTXSNV] * excellent + [Level.HTTNV] * good + [Level.HTNV] * others
    return [member(f"DV{index:03}", level, grades=person_grades(level)) for index, level in enumerate(levels)]


def quota_findings(*records, rule_set=None):
    return [finding for finding in validate_unit(batch(*records), rule_set) if finding.rule in QUOTA]


def test_exactly_20_percent_is_allowed():
    assert not quota_findings(*members(1, 5))
    assert not quota_findings(*members(2, 10))
    assert not quota_findings(*members(20, 100))


def test_one_over_20_percent_is_an_error_with_the_numbers():
    [finding] = quota_findings(*members(3, 10))
    assert finding.rule == "Q-20" and finding.severity is Severity.ERROR
    assert "có 3 đảng viên" in finding.message and "tối đa 2" in finding.message and "của 10 đảng viên" in finding.message
    assert finding.subject_kind is SubjectKind.MEMBER and finding.subject_code == "CS01"


def test_five_httnv_allow_one_htxsnv_by_the_share_not_two():
    [finding] = quota_findings(*members(2, 5))
    assert finding.rule == "Q-20"


def test_four_httnv_allow_one_htxsnv_by_the_small_group_rule():
    assert not quota_findings(*members(1, 4))
    assert not quota_findings(*members(1, 0))


def test_four_httnv_do_not_allow_two():
    [finding] = quota_findings(*members(2, 4))
    assert finding.rule == "Q-SMALL"
    assert "chỉ có 4 đảng viên" in finding.message and "dưới 5" in finding.message and "hiện có 2" in finding.message


def test_without_q_small_four_httnv_allow_none():
    rule_set = get_rule_set().disabling("Q-SMALL")
    [finding] = quota_findings(*members(1, 4), rule_set=rule_set)
    assert finding.rule == "Q-20"


def test_small_group_threshold_and_allowance_are_parameters():
    rule_set = get_rule_set().with_changes(small_group_threshold=10, small_group_allowance=2)
    assert not quota_findings(*members(2, 9), rule_set=rule_set)
    assert quota_findings(*members(3, 9), rule_set=rule_set)


def test_base_httnv_alone_by_default_and_httnv_and_better_as_a_parameter():
    assert quota_findings(*members(2, 8))
    rule_set = get_rule_set().with_changes(quota_base=QuotaBase.HTTNV_AND_BETTER)
    assert not quota_findings(*members(2, 8), rule_set=rule_set)
    assert quota_findings(*members(3, 8), rule_set=rule_set)


def test_share_is_a_parameter():
    rule_set = get_rule_set().with_changes(quota_share=0.25)
    assert not quota_findings(*members(2, 8), rule_set=rule_set)
    assert quota_findings(*members(3, 8), rule_set=rule_set)


def test_members_below_httnv_and_not_rated_do_not_count():
    assert not quota_findings(*members(1, 5, others=30))
    assert quota_findings(*members(2, 5, others=30))


def test_members_are_counted_per_grassroots_organisation():
    other_unit = [member(f"X{index}", Level.HTTNV, unit_code="CS02") for index in range(10)]
    [finding] = quota_findings(*members(2, 5), *other_unit)
    assert finding.subject_code == "CS01"


def test_message_lists_the_htxsnv_subjects_in_code_order():
    [finding] = quota_findings(*members(3, 10))
    assert finding.message.index("Nguyễn Văn DV000") < finding.message.index("Nguyễn Văn DV002")


def test_quota_of_organisations_is_district_wide_and_a_warning():
    orgs = [organisation(f"CB{index}", Level.HTXSNV, group="Chi bộ khu dân cư") for index in range(2)]
    orgs += [organisation(f"CG{index}", Level.HTTNV, group="Chi bộ khu dân cư") for index in range(5)]
    assert not {finding.rule for finding in validate_unit(batch(*orgs))} & QUOTA
    [finding] = [finding for finding in validate_district([batch(*orgs)]) if finding.rule in QUOTA]
    assert finding.severity is Severity.WARNING and finding.subject_name == "nhóm tổ chức đảng “Chi bộ khu dân cư”"


def test_quota_of_organisations_can_be_made_an_error():
    rule_set = get_rule_set().with_changes(quota_severity={**get_rule_set().quota_severity, SubjectKind.ORGANISATION: Severity.ERROR})
    orgs = [organisation(f"CB{index}", Level.HTXSNV, group="G") for index in range(2)]
    orgs += [organisation(f"CG{index}", Level.HTTNV, group="G") for index in range(5)]
    [finding] = [finding for finding in validate_district([batch(*orgs)], rule_set) if finding.rule in QUOTA]
    assert finding.severity is Severity.ERROR


def test_quota_of_collectives_is_per_type_across_the_district():
    school = [collective(f"T{index}", Level.HTTNV, collective_type="Trường tiểu học") for index in range(5)]
    excellent = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), collective_type="Trường tiểu học")
    first, second = batch(*school[:3], collective("TX1", **excellent), unit_code="A"), batch(*school[3:], collective("TX2", **excellent), unit_code="B")
    [finding] = [finding for finding in validate_district([first, second]) if finding.rule in QUOTA]
    assert finding.rule == "Q-20" and finding.severity is Severity.ERROR and "loại tập thể “Trường tiểu học”" in finding.message
    other_type = batch(collective("TX3", **{**excellent, "collective_type": "Phòng, ban"}), unit_code="C")
    assert [f.rule for f in validate_district([first, second, other_type]) if f.rule in QUOTA] == ["Q-20"]


def test_quota_of_leaders_is_per_group_of_equivalent_posts():
    excellent = dict(level=Level.HTXSNV, grades=person_grades(Level.HTXSNV), post_group="Chủ tịch UBND phường")
    leaders = [leader(f"L{index}", Level.HTTNV, post_group="Chủ tịch UBND phường") for index in range(4)]
    assert not [f for f in validate_district([batch(*leaders, leader("LX", **excellent))]) if f.rule in QUOTA]
    [finding] = [f for f in validate_district([batch(*leaders, leader("LX", **excellent), leader("LY", **excellent))]) if f.rule in QUOTA]
    assert finding.rule == "Q-SMALL" and finding.subject_kind is SubjectKind.LEADER


def test_member_quota_scope_can_move_to_the_district():
    from kdweb.rules import QuotaScope
    rule_set = get_rule_set().with_changes(quota_scope={**get_rule_set().quota_scope, SubjectKind.MEMBER: QuotaScope.DISTRICT})
    assert not quota_findings(*members(3, 10), rule_set=rule_set)
    assert [f.rule for f in validate_district([batch(*members(3, 10))], rule_set) if f.rule in QUOTA] == ["Q-20"]


def test_lowering_an_httnv_to_htnv_can_shrink_the_base():
    """Why the order property is stated for subjects rated other than HTTNV: the base is the HTTNV count."""
    assert not quota_findings(*members(2, 10))
    assert quota_findings(*members(2, 9, others=1))


def test_q20_switched_off_reports_no_quota():
    assert not quota_findings(*members(5, 5), rule_set=get_rule_set().disabling("Q-20"))
    assert findings_for("Q-20", *members(5, 5))


def test_a_subject_rated_by_two_units_counts_once_in_a_district_quota():
    """A chi bộ moved under another đảng bộ after the first unit submitted is in both workbooks (X-MISSING names
    it to the reviewer): the district-wide quota of its group counts it once, not as two HTXSNV."""
    moved = organisation("CB0", Level.HTXSNV, group="G")
    first = batch(moved, *[organisation(f"CG{index}", Level.HTTNV, group="G") for index in range(5)], unit_code="A")
    second = batch(organisation("CB0", Level.HTXSNV, group="G"), unit_code="B")
    assert not [f for f in validate_district([first, second]) if f.rule in QUOTA]
    third = batch(organisation("CB9", Level.HTXSNV, group="G"), unit_code="C")  # another subject still counts
    assert [f.rule for f in validate_district([first, second, third]) if f.rule in QUOTA] == ["Q-20"]


def test_a_member_rated_by_two_units_counts_once_when_the_member_quota_is_district_wide():
    from kdweb.rules import QuotaScope
    rule_set = get_rule_set().with_changes(quota_scope={**get_rule_set().quota_scope, SubjectKind.MEMBER: QuotaScope.DISTRICT})
    first = batch(*members(2, 10), unit_code="A")
    moved = next(record for record in first.members if record.level is Level.HTXSNV)
    second = batch(moved, unit_code="B")
    assert not [f for f in validate_district([first, second], rule_set) if f.rule in QUOTA]


def test_the_limit_is_the_floor_of_the_share_for_every_share_and_base():
    """quota_limit works the floor out in integers: the same as the exact fraction's floor, for shares as rule sets
    write them (a fifth, a quarter, shares that are no short decimal) and every base up to 1,000 of either kind."""
    from fractions import Fraction
    from math import floor

    from kdweb.rules.checks_quota import quota_limit

    for share in (0.2, 0.25, 0.3, 1 / 3, 0.0, 1.0, 0.123456789):
        for base in (QuotaBase.HTTNV, QuotaBase.HTTNV_AND_BETTER):
            rule_set = get_rule_set().with_changes(quota_share=share, quota_base=base).disabling("Q-SMALL")
            for good in range(0, 1001, 7):
                for excellent in (0, 1, good // 3):
                    counted = good + excellent if base is QuotaBase.HTTNV_AND_BETTER else good
                    assert quota_limit(excellent, good, rule_set).limit == floor(Fraction(str(share)) * counted)
