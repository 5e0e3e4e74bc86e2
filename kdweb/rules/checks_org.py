"""Checks on one party organisation (tổ chức đảng): docs/rulebook.md §3, codes O-*."""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from msgspec.structs import replace

from .context import UnitContext
from .grading import Cap, RecordCap
from .messages import percent, quoted_level, ratio
from .records import UnitBatch
from .ruleset import Check
from .terms import Level, SubjectKind

ORGANISATION = SubjectKind.ORGANISATION


def discipline_cap(org, rule_set) -> Cap | None:
    """O-HTNV: disciplined in the year, it cannot be rated HTNV or better, unless it found and remedied it itself."""
    if org.disciplined_in_year and not org.self_remedied and not org.violation_counted_before:
        return Cap(Level.KHTNV, "bị thi hành kỷ luật trong năm (không phải trường hợp tự phát hiện và khắc phục)")
    return None


def targets_cap(org, rule_set) -> Cap | None:
    """O-KHTNV: fewer than half of the assigned targets completed means KHTNV."""
    if org.targets_below_half:
        return Cap(Level.KHTNV, "hoàn thành dưới 50% chỉ tiêu, nhiệm vụ được giao")
    return None


def subordinate_levels(org, ctx) -> tuple[str, list[Level]]:
    """The rated subjects directly below: organisations for a đảng bộ, members for a chi bộ. A member disciplined
    here for a violation committed at a previous organisation counts there, not here (X-DISCIPLINE-ORIGIN)."""
    children = [child for child in ctx.organisations_by_parent().get(org.code, ()) if child.code != org.code]
    is_committee = org.kind.is_committee if org.kind is not None else bool(children)
    if is_committee:
        return "tổ chức đảng trực thuộc", [child.level for child in children if child.level is not None]
    members = ctx.members_of_cell(org.code)
    return "đảng viên", [
        member.level for member in members
        if member.level is not None and not (member.disciplined_in_year and member.discipline_origin_elsewhere)
    ]


def _share_findings(ctx, rule, org, floor: Level, floor_share: Fraction, share_level: Level, share: Fraction):
    noun, levels = subordinate_levels(org, ctx)
    total = len(levels)
    if not total:
        return
    at_floor = sum(1 for level in levels if level.rank >= floor.rank)
    if _below(at_floor, total, floor_share):
        yield ctx.finding(
            rule, org, "level",
            f"xếp loại {quoted_level(org.level)} nhưng chỉ có {ratio(at_floor, total)} {noun} xếp loại từ "
            f"{quoted_level(floor)} trở lên (cần {percent(floor_share)}).",
        )
    at_share = sum(1 for level in levels if level.rank >= share_level.rank)
    if share and _below(at_share, total, share):
        yield ctx.finding(
            rule, org, "level",
            f"xếp loại {quoted_level(org.level)} nhưng chỉ có {ratio(at_share, total)} {noun} xếp loại từ "
            f"{quoted_level(share_level)} trở lên (cần ít nhất {percent(share)}).",
        )


def _below(part: int, whole: int, share: Fraction) -> bool:
    """part/whole < share, exactly, without building a Fraction for every organisation."""
    return part * share.denominator < share.numerator * whole


def check_htxsnv(ctx):
    """O-HTXSNV: 100 % of the subjects directly below HTNV or better and at least 80 % HTTNV or better; the
    government, Fatherland Front and socio-political organisations of the same level HTTNV or better."""
    rule_set = ctx.rule_set
    for org in ctx.records(ORGANISATION):
        if org.level is not Level.HTXSNV:
            continue
        yield from _share_findings(
            ctx, "O-HTXSNV", org, rule_set.org_htxsnv_floor, Fraction(1),
            rule_set.org_htxsnv_share_level, rule_set.share("org_htxsnv_share"),
        )
        lowest = org.same_level_bodies_lowest
        if lowest is not None and lowest.rank < rule_set.org_same_level_min.rank:
            yield ctx.finding(
                "O-HTXSNV", org, "level",
                f"xếp loại {quoted_level(org.level)} nhưng chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - "
                f"xã hội cùng cấp có nơi chỉ xếp loại {quoted_level(lowest)} "
                f"(cần từ {quoted_level(rule_set.org_same_level_min)} trở lên).",
            )


def check_httnv(ctx):
    """O-HTTNV (UNCONFIRMED, off by default): thresholds on the subjects directly below for HTTNV."""
    rule_set = ctx.rule_set
    for org in ctx.records(ORGANISATION):
        if org.level is Level.HTTNV:
            yield from _share_findings(
                ctx, "O-HTTNV", org, rule_set.org_httnv_floor, rule_set.share("org_httnv_floor_share"),
                rule_set.org_httnv_share_level, rule_set.share("org_httnv_share"),
            )


ORGANISATION_CAPS = (
    RecordCap("O-HTNV", discipline_cap, "disciplined_in_year"),
    RecordCap("O-KHTNV", targets_cap, "targets_below_half"),
)

def district_htxsnv(dctx):
    """O-HTXSNV across workbooks: a tổ chức cơ sở đảng rated HTXSNV in one workbook (the district's) whose
    subordinate organisations or members are rated in their own. The check is the single-workbook one, run on
    the organisation with all its subordinates, wherever they were rated."""
    children, members = defaultdict(list), defaultdict(list)
    for position, child in dctx.records(ORGANISATION):
        children[child.parent_code].append((position, child))
    for position, member in dctx.records(SubjectKind.MEMBER):
        members[member.cell_code or member.unit_code].append((position, member))
    for position, org in dctx.records(ORGANISATION):
        if org.level is not Level.HTXSNV:
            continue
        child_orgs = [child for _, child in children.get(org.code, ()) if child.code != org.code]
        cell_members = [member for _, member in members.get(org.code, ())]
        elsewhere = any(other != position for other, _ in children.get(org.code, ())) or any(
            other != position for other, _ in members.get(org.code, ()))
        if not elsewhere:
            continue  # all in one workbook: its own check has decided
        batch = dctx.batches[position]
        whole = UnitBatch(
            unit_code=batch.unit_code, unit_name=batch.unit_name, review_date=batch.review_date,
            # same-level bodies are the organisation's own workbook's matter, checked there
            organisations=[replace(org, same_level_bodies_lowest=None), *child_orgs], members=cell_members,
        )
        for finding in check_htxsnv(UnitContext(whole, dctx.rule_set)):
            if finding.subject_code == org.code:
                yield finding


RECORD_CHECKS = (
    Check("O-HTXSNV", ORGANISATION, check_htxsnv),
    Check("O-HTTNV", ORGANISATION, check_httnv),
)

DISTRICT_CHECKS = (
    Check("O-HTXSNV", ORGANISATION, district_htxsnv, scope="district"),
)
