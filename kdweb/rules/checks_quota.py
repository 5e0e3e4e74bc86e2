"""Q-20 and Q-SMALL: HTXSNV at most 20 % of HTTNV in a group, or 1 where fewer than 5 are HTTNV
(docs/rulebook.md §4)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction
from operator import attrgetter, itemgetter
from typing import Callable, NamedTuple

from .findings import Finding
from .messages import percent
from .ruleset import Check, RuleSet
from .terms import Level, QuotaBase, QuotaScope, SubjectKind

_NAMES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class QuotaCount:
    excellent: int
    good: int
    limit: int
    small_group: bool


def quota_limit(excellent: int, good: int, rule_set: RuleSet) -> QuotaCount:
    """The most HTXSNV a group may have: the share of its base, or the small-group allowance (Q-SMALL)."""
    base = good + excellent if rule_set.quota_base is QuotaBase.HTTNV_AND_BETTER else good
    share = rule_set.share("quota_share")
    limit = share.numerator * base // share.denominator  # floor(share * base), in ints: Fraction's own steps cost more
    small = rule_set.is_on("Q-SMALL") and good < rule_set.small_group_threshold
    if small:
        limit = max(limit, rule_set.small_group_allowance)
    return QuotaCount(excellent, good, limit, small)


_GROUP_FIELDS = {
    SubjectKind.MEMBER: "unit_code",  # per tổ chức cơ sở đảng
    SubjectKind.ORGANISATION: "group",  # per group of similar function
    SubjectKind.COLLECTIVE: "collective_type",  # per type of collective
    SubjectKind.LEADER: "post_group",  # per group of equivalent posts
}


def group_label(kind: SubjectKind, key: str, unit_names: dict[str, str]) -> str:
    if kind is SubjectKind.MEMBER:
        name = unit_names.get(key, "")
        return f"tổ chức cơ sở đảng {name} (mã {key})" if name else f"tổ chức cơ sở đảng mã {key}"
    if not key:
        return {
            SubjectKind.ORGANISATION: "nhóm tổ chức đảng chưa ghi nhóm có chức năng, nhiệm vụ tương đồng",
            SubjectKind.COLLECTIVE: "nhóm tập thể chưa ghi loại tập thể",
            SubjectKind.LEADER: "nhóm cán bộ chưa ghi nhóm chức danh tương đương",
        }[kind]
    return {
        SubjectKind.ORGANISATION: f"nhóm tổ chức đảng “{key}”",
        SubjectKind.COLLECTIVE: f"loại tập thể “{key}”",
        SubjectKind.LEADER: f"nhóm chức danh tương đương “{key}”",
    }[kind]


def quota_findings(kind, units, rule_set: RuleSet, unit_names, unit_code=None) -> list[Finding]:
    """Q-20 / Q-SMALL for every group of `kind`; `units` are (unit code, records) pairs. A member whose unit code
    is blank belongs to the unit whose workbook lists it."""
    group_of = attrgetter(_GROUP_FIELDS[kind])
    by_unit = kind is SubjectKind.MEMBER
    excellent_level, good_level = Level.HTXSNV, Level.HTTNV
    groups: dict[str, list] = defaultdict(list)
    for record_unit, records in units:
        fallback = record_unit if by_unit else ""
        for record in records:
            level = record.level
            if level is excellent_level or level is good_level:
                groups[group_of(record) or fallback].append(record)
    findings = []
    for key, records in groups.items():
        excellent = sorted((record for record in records if record.level is excellent_level), key=_order)
        count = quota_limit(len(excellent), len(records) - len(excellent), rule_set)
        if count.excellent > count.limit:
            label = group_label(kind, key, unit_names)
            findings.append(_finding(kind, key, label, count, excellent, rule_set, unit_code))
    return findings


def _order(record) -> tuple:
    return (record.code, record.name)


def _finding(kind, key, label, count: QuotaCount, excellent, rule_set, unit_code) -> Finding:
    noun = kind.noun
    rule = "Q-SMALL" if count.small_group else "Q-20"
    if count.small_group:
        text = (
            f"Trong {label} chỉ có {count.good} {noun} xếp loại “{Level.HTTNV.text}” (dưới "
            f"{rule_set.small_group_threshold}), nên chỉ được chọn tối đa {count.limit} {noun} xếp loại "
            f"“{Level.HTXSNV.text}” nếu đủ điều kiện; hiện có {count.excellent}"
        )
    else:
        base = count.good + (count.excellent if rule_set.quota_base is QuotaBase.HTTNV_AND_BETTER else 0)
        base_text = "trở lên" if rule_set.quota_base is QuotaBase.HTTNV_AND_BETTER else ""
        text = (
            f"Trong {label} có {count.excellent} {noun} xếp loại “{Level.HTXSNV.text}”, vượt mức tối đa "
            f"{count.limit} ({percent(rule_set.share('quota_share'))} của {base} {noun} xếp loại "
            f"“{Level.HTTNV.text}”{(' ' + base_text) if base_text else ''}; tỷ lệ hiện là "
            f"{percent(Fraction(count.excellent, base)) if base else 'không xác định'})"
        )
    names = ", ".join(record.name or record.code for record in excellent[:_NAMES_SHOWN])
    more = f" và {len(excellent) - _NAMES_SHOWN} {noun} khác" if len(excellent) > _NAMES_SHOWN else ""
    return Finding(
        rule=rule,
        severity=rule_set.quota_severity_of(kind),
        subject_kind=kind,
        subject_code=key,
        subject_name=label,
        field=None,
        message=f"{text}. Xếp loại “{Level.HTXSNV.text}”: {names}{more}.",
        unit_code=unit_code,
    )


class ScopedChecks(NamedTuple):
    unit: tuple[Check, ...]
    district: tuple[Check, ...]


def unit_and_district_checks(rule: str, findings_of: Callable, **options) -> ScopedChecks:
    """One quota rule for every kind, twice: inside each unit's workbook for the kinds whose quota scope is the
    unit (members: per TCCS đảng), across every workbook for the kinds whose scope is the district.
    `findings_of(kind, units, rule_set, unit_names, unit_code=None)` takes (unit code, records) pairs."""

    def in_unit(kind: SubjectKind) -> Check:
        def run(ctx):
            if ctx.rule_set.quota_scope_of(kind) is not QuotaScope.UNIT:
                return []
            units = [(ctx.unit_code, ctx.records(kind))]
            return findings_of(kind, units, ctx.rule_set, {ctx.unit_code: ctx.batch.unit_name}, ctx.unit_code)

        return Check(rule, kind, run, **options)

    def in_district(kind: SubjectKind) -> Check:
        def run(dctx):
            if dctx.rule_set.quota_scope_of(kind) is not QuotaScope.DISTRICT:
                return []
            return findings_of(kind, each_once(dctx.batches, kind), dctx.rule_set, dctx.unit_names)

        return Check(rule, kind, run, scope="district", **options)

    return ScopedChecks(tuple(map(in_unit, SubjectKind)), tuple(map(in_district, SubjectKind)))


def each_once(batches, kind: SubjectKind) -> list[tuple[str, list]]:
    """(unit code, records of `kind`) of every workbook, each subject once (`first_listings`)."""
    return first_listings((batch.unit_code, batch.records_of(kind)) for batch in batches)


def first_listings(units) -> list[tuple[str, list]]:
    """(unit code, records) pairs in unit code order, a subject (by `code`) listed by an earlier unit left out: one
    moved to another unit after the first unit submitted is rated in both (X-MISSING names it to the reviewer),
    and a quota across the district counts it once, where it is first listed. The district checks and the
    report's quota table both count so (kdweb/services/reports.py)."""
    seen: set[str] = set()
    kept = []
    for unit_code, records in sorted(units, key=itemgetter(0)):
        kept.append((unit_code, [record for record in records if record.code not in seen] if seen else records))
        seen.update(record.code for record in records)
    return kept
