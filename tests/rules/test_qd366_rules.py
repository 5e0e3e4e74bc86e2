"""Rule set qd366-hd43 (docs/rulebook-366.md): every new code at its boundaries, the codes switched off, the waivers,
and properties: a level is never above what score and conditions allow (the registry round trip of every declared
field: tests/rules/test_field_registry.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from kdweb.rules import (
    CollectiveRecord, Discipline, LeaderRecord, Level, MemberRecord, NotRatedReason, OrganisationRecord, SubjectKind,
    UnitBatch, get_rule_set, suggest_level, validate_unit,
)
from kdweb.rules.checks_score import assess, suggest_scored
from kdweb.rules.score_fields import VIOLATION_KINDS

RS = get_rule_set("qd366-hd43")
REVIEW = date(2026, 12, 10)


def member(code="DV1", level=Level.HTTNV, common="27", tasks="63", **facts) -> MemberRecord:
    counts = dict(tasks_assigned=10, tasks_done=10, tasks_on_time=10, tasks_late=0, tasks_exceeded=0)
    counts.update(facts)
    return MemberRecord(
        code=code, name=f"Đảng viên {code}", unit_code="CS01", level=level,
        score_common=Decimal(common) if common is not None else None,
        score_tasks=Decimal(tasks) if tasks is not None else None, **counts,
    )


def rules_of(*records, rule_set=RS) -> list[str]:
    return [finding.rule for finding in findings_of(*records, rule_set=rule_set)]


def findings_of(*records, rule_set=RS):
    batch = UnitBatch(unit_code="CS01", unit_name="Chi bộ 1", review_date=REVIEW)
    for record in records:
        batch.records_of(record.subject_kind).append(record)
    return validate_unit(batch, rule_set)


def with_good(*records, count=10):
    """The records plus enough plain HTTNV members that the quota stays quiet."""
    return (*records, *(member(f"G{number}", Level.HTTNV) for number in range(count)))


@pytest.mark.parametrize("common, tasks, band", [
    ("30", "59.9", Level.HTTNV), ("30", "60", Level.HTXSNV),
    ("20", "49.9", Level.HTNV), ("20", "50", Level.HTTNV),
    ("10", "39.9", Level.KHTNV), ("10", "40", Level.HTNV),
])
def test_the_band_boundaries(common, tasks, band):
    """89.9/90, 69.9/70, 49.9/50: the level above the band is S-BAND, the band's own level is not."""
    above = next(level for level in sorted(Level) if level > band) if band is not Level.HTXSNV else None
    tasks_facts = dict(tasks_exceeded=3)
    assert "S-BAND" not in rules_of(*with_good(member("A", band, common, tasks, **tasks_facts)))
    if above:
        found = findings_of(*with_good(member("A", above, common, tasks, **tasks_facts)))
        assert [f.rule for f in found] == ["S-BAND"]
        assert "thuộc khung" in found[0].message


@pytest.mark.parametrize("exceeded, ok", [(29, False), (30, True)])
def test_htxsnv_needs_thirty_percent_exceeded(exceeded, ok):
    record = member("A", Level.HTXSNV, "28", "65", tasks_assigned=100, tasks_done=100, tasks_on_time=100,
                    tasks_exceeded=exceeded)
    found = [f for f in findings_of(*with_good(record)) if f.rule == "S-COND"]
    assert bool(found) is not ok
    if found:
        assert f"ít nhất 30% nhiệm vụ vượt mức (hiện {exceeded}/100)" in found[0].message
    assert suggest_level(record, RS) is (Level.HTXSNV if ok else Level.HTTNV)


def test_the_blocking_condition_is_named():
    record = member("A", Level.HTTNV, "28", "65", tasks_exceeded=2)
    assert suggest_scored(record, RS) == (Level.HTTNV, "chưa đạt: ít nhất 30% nhiệm vụ vượt mức (hiện 2/10)")


@pytest.mark.parametrize("late, ok", [(20, True), (21, False)])
def test_htnv_allows_at_most_twenty_percent_late(late, ok):
    record = member("A", Level.HTNV, "20", "35", tasks_assigned=100, tasks_done=100, tasks_on_time=100 - late,
                    tasks_late=late)
    assert ("S-COND" in rules_of(record)) is not ok
    assert assess(record, RS).conditions_level is (Level.HTNV if ok else Level.KHTNV)


def test_httnv_needs_every_task_on_time():
    record = member("A", Level.HTTNV, "25", "55", tasks_on_time=9, tasks_late=1)
    found = [f for f in findings_of(*with_good(record)) if f.rule == "S-COND"]
    assert found and "(hiện 9/10)" in found[0].message
    assert suggest_level(record, RS) is Level.HTNV


def test_htxsnv_needs_shortcomings_remedied_and_a_body_without_discipline():
    record = member("A", Level.HTXSNV, "29", "65", tasks_exceeded=5, shortcomings_pointed=3, shortcomings_remedied=2)
    assert "khắc phục 100% hạn chế" in suggest_scored(record, RS)[1]
    org = OrganisationRecord("CB1", "Chi bộ 1", "CS01", level=Level.HTXSNV, score_common=Decimal(29),
                             score_tasks=Decimal(65), tasks_assigned=4, tasks_done=4, tasks_on_time=4,
                             tasks_exceeded=2, subordinate_disciplined=True)
    assert "S-COND" in rules_of(org)


@pytest.mark.parametrize("htxsnv, outstanding, rule", [
    (4, False, None), (5, False, "Q-20"), (5, True, None), (6, True, "Q-25"),
])
def test_the_quota_per_group_twenty_and_twenty_five_percent(htxsnv, outstanding, rule):
    good = [member(f"G{n}", Level.HTTNV, quota_group="Khu dân cư", quota_outstanding=outstanding) for n in range(20)]
    excellent = [member(f"X{n}", Level.HTXSNV, "29", "65", tasks_exceeded=5, quota_group="Khu dân cư",
                        quota_outstanding=outstanding) for n in range(htxsnv)]
    rules = [r for r in rules_of(*good, *excellent) if r.startswith("Q-")]
    assert rules == ([rule] if rule else [])


def test_quota_groups_are_counted_apart():
    group_a = [member(f"A{n}", Level.HTTNV, quota_group="A") for n in range(5)] + [
        member("AX", Level.HTXSNV, "29", "65", tasks_exceeded=5, quota_group="A")]
    group_b = [member("BX", Level.HTXSNV, "29", "65", tasks_exceeded=5, quota_group="B")]
    found = [f for f in findings_of(*group_a, *group_b) if f.rule == "Q-20"]
    assert [f.subject_code for f in found] == ["B"]


@pytest.mark.parametrize("failed, forced", [(5, False), (6, True)])
def test_more_than_half_of_tasks_failed_is_khtnv(failed, forced):
    record = member("A", Level.HTNV, "20", "35", tasks_done=10 - failed, tasks_on_time=10 - failed)
    assert ("S-KHTNV" in rules_of(record)) is forced


@pytest.mark.parametrize("form, kind, forced", [
    (Discipline.KHIEN_TRACH, VIOLATION_KINDS[0], True),
    (Discipline.KHIEN_TRACH, VIOLATION_KINDS[2], True),
    (Discipline.CANH_CAO, VIOLATION_KINDS[3], False),
])
def test_member_discipline_from_khien_trach_for_a_duty_violation(form, kind, forced):
    record = member("A", Level.HTNV, "20", "35", disciplined_in_year=True, discipline=form, violation_kind=kind)
    rules = rules_of(record)
    assert ("S-KHTNV" in rules) is forced
    assert "M-DISCIPLINE" not in rules


def test_a_waiver_with_a_reason_is_a_warning_for_the_reviewer_and_without_one_an_error():
    facts = dict(disciplined_in_year=True, discipline=Discipline.KHIEN_TRACH, self_detected=True)
    waived = findings_of(member("A", Level.HTNV, "20", "35", waiver_reason="Tự phát hiện, báo cáo", **facts))
    assert [(f.rule, f.severity.value) for f in waived] == [("S-DISCRETION", "warning")]
    bare = findings_of(member("A", Level.HTNV, "20", "35", **facts))
    assert [(f.rule, f.severity.value) for f in bare] == [("S-DISCRETION", "error")]


def test_a_waiver_never_lifts_a_band_or_a_condition():
    record = member("A", Level.HTTNV, "20", "45", tasks_on_time=9, tasks_late=1, force_majeure=True,
                    waiver_reason="Dịch bệnh")
    assert {"S-BAND", "S-COND"} <= set(rules_of(*with_good(record)))


def test_forced_codes_of_rules_md_are_kept_for_their_facts():
    leader = LeaderRecord("L1", "Trần B", "CS01", level=Level.HTNV, score_common=Decimal(20), score_tasks=Decimal(40),
                          tasks_assigned=10, tasks_done=6, tasks_on_time=6)
    assert "L-TARGETS" in rules_of(leader)  # 60 % < 70 %
    leader.tasks_done = leader.tasks_on_time = 7
    assert "L-TARGETS" not in rules_of(leader)
    collective = CollectiveRecord("T1", "BTV", "CS01", level=Level.HTNV, score_common=Decimal(20),
                                  score_tasks=Decimal(40), tasks_assigned=10, tasks_done=10, tasks_on_time=10,
                                  member_discipline=Discipline.KHIEN_TRACH)
    assert "C-DISCIPLINE" in rules_of(collective)  # khiển trách is enough under 366


def test_s_sum_checks_ranges_the_total_and_the_counts():
    record = member("A", Level.HTNV, "31", "35", tasks_done=9, tasks_on_time=8, tasks_late=0, tasks_exceeded=11)
    record.score_total = Decimal("70")
    fields = sorted(f.field for f in findings_of(record) if f.rule == "S-SUM")
    assert fields == ["score_common", "score_total", "tasks_done", "tasks_exceeded"]
    fine = member("B", Level.HTNV, "20.5", "35.25")
    fine.score_total = Decimal("55.75")
    assert "S-SUM" not in rules_of(fine)
    missing = member("C", Level.HTNV, None, "35")
    assert [f.field for f in findings_of(missing) if f.rule == "S-SUM"] == ["score_common"]


def test_switched_off_codes_stay_quiet():
    record = member("A", Level.HTNV, "20", "35", sick_leave_months=5, grades={})
    rules = rules_of(record)
    assert not {"M-SICK", "M-GRADES"} & set(rules)
    for code in ("M-GRADES", "M-SICK", "O-HTXSNV", "Q-SMALL", "M-DISCIPLINE", "L-DISCIPLINE"):
        assert not RS.is_on(code)
    assert get_rule_set("qd132-hd21").is_on("M-GRADES")


def test_not_rated_only_for_the_exempt_suspended_and_new():
    other = member("A", None, None, None, tasks_assigned=None)
    other.not_rated, other.not_rated_reason = True, NotRatedReason.OTHER
    assert "M-LEVEL" in rules_of(other)
    exempt = MemberRecord("B", "B", "CS01", exempt=True, not_rated=True, not_rated_reason=NotRatedReason.EXEMPT)
    assert rules_of(exempt) == []


def test_p_quarter_warns_of_an_excellent_year_with_a_failed_quarter():
    record = member("A", Level.HTXSNV, "29", "65", tasks_exceeded=5,
                    quarterly_levels=(Level.HTTNV, Level.KHTNV, Level.HTTNV, Level.HTXSNV))
    found = [f for f in findings_of(*with_good(record, count=5)) if f.rule == "P-QUARTER"]
    assert found and found[0].severity.value == "warning"


def test_m_civil_is_a_warning_under_366():
    record = member("A", Level.HTTNV, "27", "63", is_civil_servant=True, civil_rating=Level.HTNV)
    found = [f for f in findings_of(record) if f.rule == "M-CIVIL"]
    assert found and found[0].severity.value == "warning"


def test_unconfirmed_points_are_named_parameters():
    """A number of the rule set, or a whole rule ("rule:<code>" on or off, "severity:<code>") that it checks."""
    codes = {code for check in RS.checks for code in (check.rule, *check.also)}
    for name in RS.unconfirmed:
        prefix, _, code = name.partition(":")
        assert hasattr(RS, name) if not code else (prefix in ("rule", "severity") and code in codes), name


SCORES = st.decimals(min_value=0, max_value=75, places=1)
COUNTS = st.integers(min_value=0, max_value=12)


@settings(max_examples=300, deadline=None)
@given(
    common=SCORES, tasks=SCORES, assigned=st.integers(1, 12), done=COUNTS, on_time=COUNTS, exceeded=COUNTS,
    pointed=COUNTS, remedied=COUNTS, disciplined=st.booleans(), degenerate=st.booleans(),
    level=st.sampled_from(Level),
)
def test_a_level_is_never_above_what_score_and_conditions_allow(
    common, tasks, assigned, done, on_time, exceeded, pointed, remedied, disciplined, degenerate, level,
):
    done, on_time = min(done, assigned), min(on_time, done, assigned)
    record = member(
        "A", level, str(common), str(tasks), tasks_assigned=assigned, tasks_done=done, tasks_on_time=on_time,
        tasks_late=done - on_time, tasks_exceeded=min(exceeded, done), shortcomings_pointed=pointed,
        shortcomings_remedied=min(remedied, pointed), disciplined_in_year=disciplined,
        discipline=Discipline.KHIEN_TRACH if disciplined else None, degenerate=degenerate,
    )
    allowed = suggest_level(record, RS)
    errors = {f.rule for f in findings_of(*with_good(record, count=20)) if f.is_error and f.subject_code == "A"}
    assert allowed is not None
    assert (level > allowed) == bool(errors & {"S-BAND", "S-COND", "S-KHTNV"})
    assert allowed <= (assess(record, RS).band or Level.HTXSNV)


@settings(max_examples=300, deadline=None)
@given(
    assigned=st.integers(0, 12), done=COUNTS, on_time=COUNTS, exceeded=COUNTS, pointed=COUNTS, remedied=COUNTS,
    kind=st.sampled_from([SubjectKind.MEMBER, SubjectKind.ORGANISATION]), disciplined_below=st.booleans(),
)
def test_the_fast_condition_test_agrees_with_the_worded_one(
    assigned, done, on_time, exceeded, pointed, remedied, kind, disciplined_below,
):
    from kdweb.rules.checks_score import conditions_hold, thresholds

    counts = dict(tasks_assigned=assigned, tasks_done=done, tasks_on_time=on_time, tasks_late=max(done - on_time, 0),
                  tasks_exceeded=exceeded, shortcomings_pointed=pointed, shortcomings_remedied=remedied)
    if kind is SubjectKind.MEMBER:
        record = MemberRecord("A", "A", "CS01", **counts)
    else:
        record = OrganisationRecord("A", "A", "CS01", subordinate_disciplined=disciplined_below, **counts)
    found = assess(record, RS)
    for level in Level:
        assert conditions_hold(record, level, thresholds(RS)) == (found.conditions_level >= level), level


def test_the_leaders_majority_shares_are_parameters_of_the_rule_set():
    """Điều 11 k4's “more than 50 %” of the units led rated KHTNV and of low-confidence votes: named parameters,
    said in the S-KHTNV message with the rule set's figure, never a literal in the check."""
    leader = LeaderRecord("L1", "Trần B", "CS01", level=Level.HTNV, score_common=Decimal(20), score_tasks=Decimal(40),
                          tasks_assigned=10, tasks_done=10, tasks_on_time=10, led_units_khtnv_majority=True,
                          low_confidence_majority=True)
    messages = [f.message for f in findings_of(leader) if f.rule == "S-KHTNV"]
    assert any("trên 50% đơn vị thuộc quyền" in m for m in messages)
    assert any("trên 50% phiếu tín nhiệm thấp" in m for m in messages)
    other = RS.with_changes(khtnv_led_units_share=0.6, khtnv_low_confidence_share=2 / 3)
    messages = [f.message for f in findings_of(leader, rule_set=other) if f.rule == "S-KHTNV"]
    assert any("trên 60% đơn vị thuộc quyền" in m for m in messages)
    assert any("trên 66,67% phiếu tín nhiệm thấp" in m for m in messages)
    from kdweb.rules.parameters import describe
    shown = {row.name: row.value for row in describe(RS)}
    assert shown["khtnv_led_units_share"] == "50%" and shown["khtnv_low_confidence_share"] == "50%"


@pytest.mark.parametrize("typed, text", [(70, "70"), (70.0, "70"), ("70", "70"), ("100", "100"), ("70,00", "70"),
                                         ("27,50", "27.5"), (65.25, "65.25"), ("0", "0")])
def test_a_score_has_one_form_whatever_way_it_was_typed(typed, text):
    """70 typed as a number, as text or with decimals is the Decimal 70, kept as "70" in the stored record (never
    normalize()'s 7E+1); 27,50 is 27.5."""
    from kdweb.rules.score_fields import parse_score
    from kdweb.rules.stored import record_to_json
    value = parse_score(typed).value
    assert str(value) == text
    from msgspec.structs import replace
    assert f'"score_tasks":"{text}"' in record_to_json(replace(member(), score_tasks=value))
