"""Checks on one leadership collective (tập thể lãnh đạo, quản lý): docs/rulebook.md §3, codes C-*."""
from __future__ import annotations

from .grading import Cap, RecordCap, lowest
from .checks_common import over_cap
from .messages import lower_first, quoted_level, record_phrase
from .ruleset import Check
from .terms import Level, SubjectKind

COLLECTIVE = SubjectKind.COLLECTIVE


def discipline_cap(collective, rule_set) -> Cap | None:
    """C-DISCIPLINE: the collective itself, or a member at cảnh cáo or above, disciplined in the year: KHTNV."""
    if collective.violation_counted_before:
        return None
    if collective.disciplined_in_year:
        return Cap(Level.KHTNV, "tập thể bị thi hành kỷ luật trong năm")
    threshold = rule_set.collective_member_discipline
    form = collective.member_discipline
    if form is not None and form.rank >= threshold.rank:
        return Cap(
            Level.KHTNV,
            f"có thành viên bị kỷ luật “{form.text}” trong năm (từ “{threshold.text}” trở lên)",
        )
    return None


def targets_cap(collective, rule_set) -> Cap | None:
    """C-TARGETS: fewer than half of the targets, or a main target missed without force majeure: KHTNV."""
    if collective.targets_below_half:
        return Cap(Level.KHTNV, "cơ quan, đơn vị hoàn thành dưới 50% chỉ tiêu, nhiệm vụ")
    if collective.main_target_missed and not collective.force_majeure:
        return Cap(Level.KHTNV, "không hoàn thành chỉ tiêu chủ yếu (không do nguyên nhân bất khả kháng)")
    return None


def led_organisation_caps(organisations) -> list[Cap]:
    """C-UNIT: never above the party organisation it leads."""
    return [
        Cap(org.level, f"{lower_first(record_phrase(org))}, nơi tập thể lãnh đạo, xếp loại {quoted_level(org.level)}")
        for org in organisations
        if org.level is not None
    ]


def led_level_cap(collective) -> Cap | None:
    """C-UNIT: never above the agency or unit it leads, when its level is given on the collective's row."""
    if collective.led_unit_level is None:
        return None
    return Cap(
        collective.led_unit_level,
        f"cơ quan, đơn vị do tập thể lãnh đạo xếp loại {quoted_level(collective.led_unit_level)}",
    )


def check_unit(ctx):
    organisations = ctx.organisations_by_code()
    for collective in ctx.records(COLLECTIVE):
        if collective.level is None:
            continue
        led = organisations.get(collective.led_unit_code, ()) if collective.led_unit_code else ()
        cap = lowest([*led_organisation_caps(led), led_level_cap(collective)])
        if cap is not None and collective.level.rank > cap.level.rank:
            yield ctx.finding("C-UNIT", collective, "level", over_cap(cap, collective.level))


COLLECTIVE_CAPS = (
    RecordCap("C-DISCIPLINE", discipline_cap),
    RecordCap("C-TARGETS", targets_cap),
)

RECORD_CHECKS = (Check("C-UNIT", COLLECTIVE, check_unit),)
