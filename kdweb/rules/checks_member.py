"""Checks on one member (đảng viên): docs/rulebook.md §3, codes M-*."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from .checks_common import person_discipline_cap
from .grading import Cap, RecordCap
from .messages import quoted_level
from .ruleset import Check
from .terms import NOT_RATED_TEXT, Level, NotRatedReason, Severity, SubjectKind

MEMBER = SubjectKind.MEMBER


def civil_cap(member, rule_set) -> Cap | None:
    """M-CIVIL: a civil servant or public employee is never rated above the civil-service rating of the year."""
    civil = member.civil_rating
    if member.is_civil_servant and civil is not None:
        return _CIVIL_CAPS[civil]
    return None


# a cap per civil-service rating, written once: asked of every civil servant, most of a unit's members in some
_CIVIL_CAPS = {level: Cap(level, f"là cán bộ, công chức, viên chức được xếp loại {quoted_level(level)} trong năm")
               for level in Level}


def targets_cap(member, rule_set) -> Cap | None:
    """M-GRADES: completing fewer than half of the assigned targets means KHTNV."""
    if member.targets_below_half:
        return Cap(Level.KHTNV, "hoàn thành dưới 50% chỉ tiêu, nhiệm vụ được giao")
    return None


def sick_cap(member, rule_set) -> Cap | None:
    """M-SICK: three months or more of sick leave caps the level at HTNV; maternity leave does not."""
    if member.sick_leave_months >= rule_set.sick_leave_months:
        months = f"{member.sick_leave_months:g}".replace(".", ",")
        threshold = f"{rule_set.sick_leave_months:g}".replace(".", ",")
        return Cap(rule_set.sick_leave_cap, f"nghỉ ốm {months} tháng trong năm (từ {threshold} tháng trở lên)")
    return None


def check_excluded(ctx):
    """M-EXCLUDED: an exempt or suspended member carries only "Không xếp loại" with that reason, and that reason
    only when the roster says so."""
    candidates = [m for m in ctx.records(MEMBER) if m.exempt or m.suspended or m.not_rated_reason is not None]
    for member in candidates:
        allowed = _exclusion_reasons(member)
        reason = member.not_rated_reason
        if allowed and member.level is not None:
            yield ctx.finding(
                "M-EXCLUDED", member, "level",
                f"{_exclusion_text(allowed)} nên không xếp loại: ghi “{NOT_RATED_TEXT}”, lý do "
                f"“{allowed[0].text}”, không xếp {quoted_level(member.level)}.",
            )
        elif allowed and member.not_rated and reason is not None and reason not in allowed:
            yield ctx.finding(
                "M-EXCLUDED", member, "not_rated_reason",
                f"{_exclusion_text(allowed)}; lý do không xếp loại phải là “{allowed[0].text}”, "
                f"không phải “{reason.text}”.",
            )
        elif reason in _EXCLUSION_FLAGS and not getattr(member, _EXCLUSION_FLAGS[reason]):
            yield ctx.finding(
                "M-EXCLUDED", member, "not_rated_reason",
                f"ghi lý do “{reason.text}” nhưng danh sách không ghi đảng viên này {_EXCLUSION_PHRASES[reason]}; "
                f"nếu không đúng như vậy thì phải xếp loại.",
            )


_EXCLUSION_FLAGS = {NotRatedReason.EXEMPT: "exempt", NotRatedReason.SUSPENDED: "suspended"}
_EXCLUSION_PHRASES = {
    NotRatedReason.EXEMPT: "được miễn công tác và sinh hoạt đảng",
    NotRatedReason.SUSPENDED: "bị đình chỉ sinh hoạt đảng",
}


def _exclusion_reasons(member) -> tuple[NotRatedReason, ...]:
    """The reasons `_EXCLUSION_FLAGS` allows, in its order: asked of every member not rated or excluded."""
    if member.exempt:
        return _EXEMPT_AND_SUSPENDED if member.suspended else _EXEMPT
    return _SUSPENDED if member.suspended else ()


_EXEMPT, _SUSPENDED = (NotRatedReason.EXEMPT,), (NotRatedReason.SUSPENDED,)
_EXEMPT_AND_SUSPENDED = _EXEMPT + _SUSPENDED


def _exclusion_text(reasons) -> str:
    return "đang " + " và ".join(_EXCLUSION_PHRASES[reason] for reason in reasons)


def check_transfer(ctx):
    """M-TRANSFER: moved in after six months or more at the old place: the old chi bộ's remarks are recorded."""
    months = ctx.rule_set.transfer_months
    for member in [m for m in ctx.records(MEMBER) if m.transferred_in]:
        if (
            member.level is not None
            and member.months_at_old_place is not None
            and member.months_at_old_place >= months
            and not member.transfer_remarks_received
        ):
            yield ctx.finding(
                "M-TRANSFER", member, "transfer_remarks_received",
                f"chuyển sinh hoạt đến trong năm sau {member.months_at_old_place:g} tháng ở nơi cũ "
                f"(từ {months:g} tháng trở lên) nhưng chưa có nhận xét của chi bộ nơi chuyển đi.",
            )


def check_temporary(ctx):
    """M-TEMPORARY: rated only at the chi bộ of official activity, with the temporary chi bộ's remarks."""
    temporary = NotRatedReason.TEMPORARY  # an enum member read from its class costs more than the rest of the test
    candidates = [
        m for m in ctx.records(MEMBER)
        if m.temporary_activity or m.temporary_activity_elsewhere or m.not_rated_reason is temporary
    ]
    for member in candidates:
        if member.temporary_activity and member.level is not None:
            yield ctx.finding(
                "M-TEMPORARY", member, "level",
                f"sinh hoạt tạm thời tại đây, chỉ được xếp loại ở chi bộ nơi sinh hoạt chính thức: ghi "
                f"“{NOT_RATED_TEXT}”, lý do “{NotRatedReason.TEMPORARY.text}”, không xếp {quoted_level(member.level)}.",
            )
        elif member.not_rated_reason is NotRatedReason.TEMPORARY and not member.temporary_activity:
            yield ctx.finding(
                "M-TEMPORARY", member, "not_rated_reason",
                "ghi lý do sinh hoạt tạm thời nhưng danh sách không ghi đảng viên này sinh hoạt tạm thời tại đây.",
            )
        if member.temporary_activity_elsewhere and member.level is not None and not member.temporary_remarks_received:
            yield ctx.finding(
                "M-TEMPORARY", member, "temporary_remarks_received",
                "đang sinh hoạt tạm thời ở nơi khác nhưng chưa có nhận xét của chi bộ nơi sinh hoạt tạm thời "
                "làm căn cứ xếp loại.",
            )


def check_monthly(ctx):
    """M-MONTHLY (warning): a yearly level far above the member's monthly civil-service ratings."""
    gap = ctx.rule_set.monthly_gap
    for member in [m for m in ctx.records(MEMBER) if m.monthly_ratings and m.level is not None]:
        level, months = member.level, member.monthly_ratings
        if _too_low(level.rank, gap).isdisjoint(months):
            continue
        months = [month for month in months if month is not None]
        worst = min(months, key=lambda month: month.rank)
        if level.rank - worst.rank > gap:
            count = sum(1 for month in months if month is worst)
            yield ctx.finding(
                "M-MONTHLY", member, "level",
                f"xếp loại năm {quoted_level(level)} nhưng có {count}/{len(months)} tháng chỉ được đánh giá "
                f"{quoted_level(worst)}; đề nghị xem lại.",
            )


def check_civil_rating_given(ctx):
    """M-CIVIL (warning) when the rule cannot be checked: a civil servant or public employee rated HTNV or better
    with no civil-service rating for the year. KHTNV needs none (it is the floor)."""
    for member in ctx.records(MEMBER):
        if (member.is_civil_servant and member.civil_rating is None and member.level is not None
                and member.level is not Level.KHTNV and "civil_rating" not in member.unreadable):
            finding = ctx.finding(
                "M-CIVIL", member, "civil_rating",
                f"là cán bộ, công chức, viên chức, xếp loại {quoted_level(member.level)} nhưng chưa ghi kết quả "
                f"xếp loại công chức, viên chức trong năm, nên chưa đối chiếu được (đảng viên không được xếp cao hơn "
                f"mức đó). Hãy ghi mức xếp loại công chức, viên chức của năm.",
            )
            yield replace(finding, severity=Severity.WARNING)


@lru_cache(maxsize=None)
def _too_low(rank: int, gap: int) -> frozenset[Level]:
    """Monthly levels more than `gap` steps below a yearly level of this rank (a set: see _requirements)."""
    return frozenset(level for level in Level if rank - level.rank > gap)


MEMBER_CAPS = (
    RecordCap("M-DISCIPLINE", person_discipline_cap, "disciplined_in_year"),
    RecordCap("M-CIVIL", civil_cap, "civil_rating"),
    RecordCap("M-GRADES", targets_cap, "targets_below_half"),
    RecordCap("M-SICK", sick_cap, "sick_leave_months"),
)

RECORD_CHECKS = (
    Check("M-EXCLUDED", MEMBER, check_excluded),
    Check("M-TRANSFER", MEMBER, check_transfer),
    Check("M-TEMPORARY", MEMBER, check_temporary),
    Check("M-MONTHLY", MEMBER, check_monthly),
    Check("M-CIVIL", MEMBER, check_civil_rating_given),
)
