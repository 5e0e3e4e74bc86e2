"""Checks on one leader or manager (cá nhân cán bộ lãnh đạo, quản lý): docs/rulebook.md §3, codes L-*."""
from __future__ import annotations

from .checks_common import over_cap, person_discipline_cap
from .grading import Cap, RecordCap, lowest
from .messages import lower_first, quoted_level, subject_phrase
from .ruleset import Check
from .terms import Level, SubjectKind

LEADER = SubjectKind.LEADER


def targets_cap(leader, rule_set) -> Cap | None:
    """L-TARGETS: the unit or field he or she leads completed fewer than half of its targets: KHTNV."""
    if leader.targets_below_half:
        return Cap(Level.KHTNV, "cơ quan, đơn vị hoặc lĩnh vực phụ trách hoàn thành dưới 50% chỉ tiêu, nhiệm vụ")
    return None


def corruption_cap(leader, rule_set) -> Cap | None:
    """L-CORRUPTION: a unit or person under direct leadership disciplined for corruption, unless self-remedied."""
    if leader.corruption_under_leadership and not leader.corruption_self_remedied:
        return Cap(
            Level.KHTNV,
            "để cơ quan, đơn vị hoặc cá nhân thuộc quyền lãnh đạo trực tiếp bị xử lý kỷ luật về tham ô, tham nhũng "
            "trong năm (không phải trường hợp đơn vị tự phát hiện và xử lý)",
        )
    return None


def headed_caps(leader, subjects_by_code) -> list[Cap]:
    """L-HEAD: a head is never above the collective, organisation, agency or unit he or she heads."""
    caps = []
    for code in leader.heads:
        for subject in subjects_by_code(code):
            if subject.level is not None:
                caps.append(Cap(subject.level, _head_reason(subject)))
    return caps


def _head_reason(subject) -> str:
    headed = lower_first(subject_phrase(subject.subject_kind, subject.name, subject.code))
    return f"là người đứng đầu {headed}, nơi xếp loại {quoted_level(subject.level)}"


def check_head(ctx):
    organisations, collectives = ctx.organisations_by_code(), ctx.collectives_by_code()

    def subjects_by_code(code):
        return [*collectives.get(code, ()), *organisations.get(code, ())]

    for leader in ctx.records(LEADER):
        if leader.level is None or leader.moved_in_no_responsibility:
            continue
        caps = headed_caps(leader, subjects_by_code)
        if leader.headed_unit_level is not None:
            caps.append(Cap(
                leader.headed_unit_level,
                f"là người đứng đầu cơ quan, đơn vị xếp loại {quoted_level(leader.headed_unit_level)}",
            ))
        cap = lowest(caps)
        if cap is not None and leader.level.rank > cap.level.rank:
            yield ctx.finding("L-HEAD", leader, "level", over_cap(cap, leader.level))


LEADER_CAPS = (
    RecordCap("L-DISCIPLINE", person_discipline_cap, "disciplined_in_year"),
    RecordCap("L-TARGETS", targets_cap, "targets_below_half"),
    RecordCap("L-CORRUPTION", corruption_cap, "corruption_under_leadership"),
)

RECORD_CHECKS = (Check("L-HEAD", LEADER, check_head),)
