"""An audit of docs/rulebook-366.md against the rules API (validate_unit), by class of rule: every score band and
quota at its boundary, under the rule set's figures and under other figures (every number is a parameter), the
shared rules under both rule sets, the task counts' consistency (S-SUM), and messages that say the rule set's
figures, never a literal."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kdweb.rules import (
    Discipline, LeaderRecord, Level, MemberRecord, NotRatedReason, UnitBatch, get_rule_set, validate_unit,
)
from kdweb.rules.score_fields import VIOLATION_KINDS

RS = get_rule_set("qd366-hd43")
SEED = get_rule_set("qd132-hd21")
REVIEW = date(2026, 12, 10)
BOTH = pytest.mark.parametrize("rule_set", [SEED, RS], ids=["qd132-hd21", "qd366-hd43"])


def member(code="A", level=Level.HTNV, common="20", tasks="35", **facts) -> MemberRecord:
    counts = dict(tasks_assigned=10, tasks_done=10, tasks_on_time=10, tasks_late=0, tasks_exceeded=3)
    counts.update(facts)
    return MemberRecord(code=code, name=f"Đảng viên {code}", unit_code="CS01", level=level,
                        score_common=None if common is None else Decimal(common),
                        score_tasks=None if tasks is None else Decimal(tasks), **counts)


def findings(*records, rule_set=RS, review=REVIEW):
    batch = UnitBatch(unit_code="CS01", unit_name="Chi bộ 1", review_date=review)
    for record in records:
        batch.records_of(record.subject_kind).append(record)
    return validate_unit(batch, rule_set)


def rules(*records, rule_set=RS, code="A") -> set[str]:
    return {finding.rule for finding in findings(*records, rule_set=rule_set) if finding.subject_code == code}


# ---- bands: 90 / 70 / 50, to the hundredth, and moved with their parameters ------------------------------------

BANDS = [(Level.HTXSNV, "band_htxsnv"), (Level.HTTNV, "band_httnv"), (Level.HTNV, "band_htnv")]


@pytest.mark.parametrize("level, parameter", BANDS, ids=[level.code for level, _ in BANDS])
@pytest.mark.parametrize("figures", [{}, {"band_htxsnv": 85, "band_httnv": 65, "band_htnv": 45}],
                         ids=["as-set", "moved"])
def test_a_band_starts_at_its_floor_to_the_hundredth(level, parameter, figures):
    """A total at the floor allows the band's level; a hundredth below it is S-BAND, naming the band below."""
    rule_set = RS.with_changes(**figures)
    floor = Decimal(getattr(rule_set, parameter))
    at, below = floor, floor - Decimal("0.01")
    for total, fires in ((at, False), (below, True)):
        record = member(level=level, common="30", tasks=str(total - 30))
        band_findings = [f for f in findings(record, rule_set=rule_set) if f.rule == "S-BAND"]
        assert bool(band_findings) is fires, total
        if fires:  # the band below ends at this floor, said with the rule set's figure
            message = band_findings[0].message
            assert f"tổng điểm {str(below).replace('.', ',')}" in message
            assert (f"(dưới {floor} điểm)" if level is Level.HTNV else f"đến dưới {floor} điểm)") in message


@pytest.mark.parametrize("common, tasks, field", [
    ("30", "70", None), ("30.01", "70", "score_common"), ("30", "70.01", "score_tasks"),
])
def test_the_score_maxima_are_inclusive(common, tasks, field):
    record = member(level=Level.HTXSNV, common=common, tasks=tasks)
    assert [f.field for f in findings(record) if f.rule == "S-SUM"] == ([field] if field else [])


def test_the_score_maxima_are_parameters():
    record = member(level=Level.HTTNV, common="35", tasks="45")
    other = RS.with_changes(score_common_max=40, score_tasks_max=60)
    assert "S-SUM" in rules(record) and "S-SUM" not in rules(record, rule_set=other)
    message = next(f.message for f in findings(member(common="41"), rule_set=other) if f.rule == "S-SUM")
    assert "vượt mức tối đa 40 điểm" in message


# ---- conditions of each level: their shares at the boundary, moved with the parameters --------------------------

@pytest.mark.parametrize("share, assigned, exceeded, holds", [
    (0.30, 10, 3, True), (0.30, 10, 2, False), (0.30, 7, 3, True), (0.30, 7, 2, False),  # 2.1 needed of 7
    (0.25, 8, 2, True), (0.25, 8, 1, False),
])
def test_htxsnv_exceeded_share_at_its_boundary(share, assigned, exceeded, holds):
    record = member(level=Level.HTXSNV, common="30", tasks="65", tasks_assigned=assigned, tasks_done=assigned,
                    tasks_on_time=assigned, tasks_exceeded=exceeded)
    assert ("S-COND" not in rules(record, rule_set=RS.with_changes(htxsnv_exceeded_share=share))) is holds


@pytest.mark.parametrize("share, late, holds", [(0.20, 2, True), (0.20, 3, False), (0.30, 3, True), (0.30, 4, False)])
def test_htnv_late_share_at_its_boundary(share, late, holds):
    record = member(level=Level.HTNV, tasks_on_time=10 - late, tasks_late=late)
    found = [f for f in findings(record, rule_set=RS.with_changes(htnv_late_share=share)) if f.rule == "S-COND"]
    assert (not found) is holds
    if found:
        assert f"không quá {round(share * 100)}% nhiệm vụ chậm tiến độ (hiện {late}/10)" in found[0].message


@pytest.mark.parametrize("failed, share, forced", [(5, 0.5, False), (6, 0.5, True), (6, 0.6, False), (7, 0.6, True)])
def test_more_than_the_failed_share_is_forced_khtnv(failed, share, forced):
    """Điều 11 k4: more than 50 % of tasks failed; the level typed (HTNV) already fails HTNV's 100 % done, so the
    forced cause is told apart by its own code."""
    record = member(level=Level.HTNV, tasks_done=10 - failed, tasks_on_time=10 - failed)
    assert ("S-KHTNV" in rules(record, rule_set=RS.with_changes(khtnv_failed_share=share))) is forced


@pytest.mark.parametrize("done, forced", [(69, True), (70, False)])
def test_a_leaders_unit_under_seventy_percent_is_l_targets(done, forced):
    leader = LeaderRecord("A", "Trần B", "CS01", level=Level.HTNV, score_common=Decimal(20), score_tasks=Decimal(40),
                          tasks_assigned=100, tasks_done=done, tasks_on_time=done)
    assert ("L-TARGETS" in rules(leader)) is forced
    moved = RS.with_changes(khtnv_unit_done_share=0.6)
    assert "L-TARGETS" not in rules(leader, rule_set=moved)


@pytest.mark.parametrize("form, threshold, forced", [
    (Discipline.KHIEN_TRACH, Discipline.KHIEN_TRACH, True),
    (Discipline.KHIEN_TRACH, Discipline.CANH_CAO, False),
    (Discipline.CANH_CAO, Discipline.CANH_CAO, True),
])
def test_the_discipline_threshold_is_a_parameter(form, threshold, forced):
    record = member(disciplined_in_year=True, discipline=form, violation_kind=VIOLATION_KINDS[0])
    assert ("S-KHTNV" in rules(record, rule_set=RS.with_changes(discipline_threshold=threshold))) is forced


# ---- S-SUM: the counts fit together even when one of them is blank ----------------------------------------------

@pytest.mark.parametrize("counts, field", [
    (dict(tasks_done=None, tasks_on_time=8, tasks_late=2), None),
    (dict(tasks_done=None, tasks_on_time=8, tasks_late=3), "tasks_late"),  # 11 of 10 assigned
    (dict(tasks_done=5, tasks_on_time=5, tasks_late=None), None),
    (dict(tasks_done=5, tasks_on_time=6, tasks_late=None), "tasks_on_time"),  # on time ≤ done
    (dict(tasks_done=5, tasks_on_time=None, tasks_late=6), "tasks_late"),
    (dict(tasks_done=9, tasks_on_time=8, tasks_late=0), "tasks_done"),  # done = on time + late
    (dict(tasks_done=10, tasks_on_time=10, tasks_late=0, tasks_exceeded=11), "tasks_exceeded"),
    (dict(tasks_done=6, tasks_on_time=6, tasks_late=0, tasks_exceeded=7), "tasks_exceeded"),  # exceeded ≤ done
])
def test_task_counts_are_consistent(counts, field):
    record = member(level=Level.KHTNV, common="20", tasks="20", **counts)
    assert [f.field for f in findings(record) if f.rule == "S-SUM"] == ([field] if field else [])


# ---- not rated, new members: shared rules under both sets, the months a parameter -------------------------------

@BOTH
@pytest.mark.parametrize("admitted, new", [(date(2026, 6, 10), False), (date(2026, 6, 11), True)])
def test_a_member_admitted_less_than_six_calendar_months_before_is_new(rule_set, admitted, new):
    record = MemberRecord("A", "A", "CS01", level=Level.HTNV, admitted_on=admitted, score_common=Decimal(20),
                          score_tasks=Decimal(35), tasks_assigned=1, tasks_done=1, tasks_on_time=1)
    assert ("M-NEW" in rules(record, rule_set=rule_set)) is new


@BOTH
def test_the_new_members_months_are_the_rule_sets(rule_set):
    record = MemberRecord("A", "A", "CS01", level=Level.HTNV, admitted_on=date(2026, 4, 1), score_common=Decimal(20),
                          score_tasks=Decimal(35), tasks_assigned=1, tasks_done=1, tasks_on_time=1)
    nine = rule_set.with_changes(new_subject_months=9)
    assert "M-NEW" not in rules(record, rule_set=rule_set)
    message = next(f.message for f in findings(record, rule_set=nine) if f.rule == "M-NEW")
    assert "chưa đủ 9 tháng" in message


def test_not_rated_for_another_reason_names_the_rule_sets_months():
    record = MemberRecord("A", "A", "CS01", not_rated=True, not_rated_reason=NotRatedReason.OTHER)
    for months in (6, 9):
        message = next(f.message for f in findings(record, rule_set=RS.with_changes(new_subject_months=months))
                       if f.rule == "M-LEVEL")
        assert f"mới kết nạp chưa đủ {months} tháng" in message


@pytest.mark.parametrize("reason, allowed", [
    (NotRatedReason.EXEMPT, True), (NotRatedReason.SUSPENDED, True), (NotRatedReason.NEW, True),
    (NotRatedReason.OTHER, False),
])
def test_not_rated_only_for_the_three_cases(reason, allowed):
    facts = {NotRatedReason.EXEMPT: dict(exempt=True), NotRatedReason.SUSPENDED: dict(suspended=True),
             NotRatedReason.NEW: dict(admitted_on=date(2026, 10, 1))}.get(reason, {})
    record = MemberRecord("A", "A", "CS01", not_rated=True, not_rated_reason=reason, **facts)
    assert (rules(record) == set()) is allowed


def test_a_committee_suspended_member_is_rated():
    """HD 43: suspended from the committee, still reviewed and rated; "Không xếp loại" for it is M-LEVEL."""
    rated = member(level=Level.HTTNV, common="25", tasks="50", committee_suspended=True)
    assert rules(rated) == set()
    unrated = MemberRecord("A", "A", "CS01", committee_suspended=True, not_rated=True,
                           not_rated_reason=NotRatedReason.OTHER)
    assert rules(unrated) == {"M-LEVEL"}


@BOTH
def test_sick_leave_caps_only_under_the_seed(rule_set):
    """HD 43 §7.5: sick ≥ 3 months is rated on the work done (M-SICK off under 366, on under 132)."""
    record = member(level=Level.HTTNV, common="25", tasks="50", sick_leave_months=4)
    assert ("M-SICK" in rules(record, rule_set=rule_set)) is (rule_set is SEED)


# ---- quota: 20 % of HTTNV per group, 25 % for an outstanding group, rounded down, moved with the shares ----------

def group(httnv: int, htxsnv: int, outstanding=False, name="Khu dân cư"):
    good = [member(f"G{n}", Level.HTTNV, "25", "50", quota_group=name, quota_outstanding=outstanding)
            for n in range(httnv)]
    excellent = [member(f"X{n}", Level.HTXSNV, "30", "65", quota_group=name, quota_outstanding=outstanding)
                 for n in range(htxsnv)]
    return good + excellent


@pytest.mark.parametrize("httnv, htxsnv, outstanding, fired", [
    (24, 4, False, None), (24, 5, False, "Q-20"),  # 20 % of 24 = 4.8: 4
    (25, 5, False, None), (25, 6, False, "Q-20"),
    (24, 6, True, None), (24, 7, True, "Q-25"),  # 25 % of 24 = 6
    (23, 5, True, None), (23, 6, True, "Q-25"),  # 5.75: 5
    (4, 0, False, None), (4, 1, False, "Q-20"),  # Q-SMALL is off under 366
])
def test_the_quota_at_its_boundaries(httnv, htxsnv, outstanding, fired):
    found = {f.rule for f in findings(*group(httnv, htxsnv, outstanding)) if f.rule.startswith("Q-")}
    assert found == ({fired} if fired else set())


def test_the_quota_shares_are_parameters_and_said_in_the_message():
    other = RS.with_changes(quota_share=0.3, quota_outstanding_share=0.35)
    assert not [f for f in findings(*group(20, 6), rule_set=other) if f.rule.startswith("Q-")]
    q20 = [f for f in findings(*group(20, 7), rule_set=other) if f.rule == "Q-20"]
    assert q20 and "vượt mức tối đa 6 (30% của 20" in q20[0].message
    q25 = [f for f in findings(*group(20, 8, True), rule_set=other) if f.rule == "Q-25"]
    assert q25 and "vượt mức tối đa 7 (35% của 20" in q25[0].message


@BOTH
def test_the_seeds_small_group_rule_only_under_the_seed(rule_set):
    """Q-SMALL (one HTXSNV where fewer than 5 are HTTNV) is the seed's; 366 has no such allowance."""
    records = [member(f"G{n}", Level.HTTNV, "25", "50") for n in range(3)] + [
        member("X", Level.HTXSNV, "30", "65")]
    quota = {f.rule for f in findings(*records, rule_set=rule_set) if f.rule.startswith("Q-")}
    assert quota == (set() if rule_set is SEED else {"Q-20"})
