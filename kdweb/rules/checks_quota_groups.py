"""Q-20 and Q-25 of `qd366-hd43`: HTXSNV at most 20 % of HTTNV per quota group, up to 25 % in a group the
reviewer marked outstanding (docs/rulebook-366.md §3, §7). The group is the record's `quota_group`, else docs/rulebook.md's scope."""
from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from math import floor
from typing import Collection

from .checks_quota import _GROUP_FIELDS, group_label
from .findings import Finding
from .messages import percent
from .ruleset import RuleSet
from .terms import Level, SubjectKind


def mark_as_now(batch, marked: Collection[str]) -> None:
    """Each record's "outstanding group" mark (Q-25) as the cycle holds it now: `marked` are the codes of the kinds
    the competent level marked for the batch's unit. The workbook signs the mark it was issued with; an admin may add
    or remove one afterwards, and the unit's check, the district checks and the report then all read the cycle's."""
    for kind in SubjectKind:
        outstanding = kind.code in marked
        for record in batch.records_of(kind):
            record.quota_outstanding = outstanding


def group_key(record, kind: SubjectKind, fallback: str) -> str:
    return record.quota_group or getattr(record, _GROUP_FIELDS[kind]) or fallback


def quota_groups(kind: SubjectKind, units) -> dict[str, list]:
    """The HTXSNV and HTTNV records of each group; `units` are (unit code, records) pairs."""
    groups: dict[str, list] = defaultdict(list)
    for unit_code, records in units:
        fallback = unit_code if kind is SubjectKind.MEMBER else ""
        for record in records:
            if record.level is Level.HTXSNV or record.level is Level.HTTNV:
                groups[group_key(record, kind, fallback)].append(record)
    return groups


def group_limit(good: int, outstanding: bool, rule_set: RuleSet) -> int:
    share = rule_set.share("quota_outstanding_share" if outstanding else "quota_share")
    return floor(share * good)


def group_findings(kind: SubjectKind, units, rule_set: RuleSet, unit_names, unit_code=None) -> list[Finding]:
    findings = []
    for key, records in quota_groups(kind, units).items():
        excellent = sorted((record for record in records if record.level is Level.HTXSNV), key=lambda r: r.code)
        good = len(records) - len(excellent)
        outstanding = any(record.quota_outstanding for record in records)
        limit = group_limit(good, outstanding, rule_set)
        if len(excellent) <= limit:
            continue
        rule = "Q-25" if outstanding else "Q-20"
        share = rule_set.share("quota_outstanding_share" if outstanding else "quota_share")
        label = f"nhóm “{key}”" if any(record.quota_group for record in records) else group_label(kind, key, unit_names)
        noun = kind.noun
        mark = " (nhóm được đánh giá nổi trội)" if outstanding else ""
        names = ", ".join(record.name or record.code for record in excellent[:10])
        found = percent(Fraction(len(excellent), good)) if good else "không xác định"
        findings.append(Finding(
            rule=rule, severity=rule_set.quota_severity_of(kind), subject_kind=kind, subject_code=key,
            subject_name=label, field=None, unit_code=unit_code,
            message=(
                f"Trong {label}{mark} có {len(excellent)} {noun} xếp loại “{Level.HTXSNV.text}”, vượt mức tối đa "
                f"{limit} ({percent(share)} của {good} {noun} xếp loại “{Level.HTTNV.text}”; tỷ lệ hiện là {found}). "
                f"Xếp loại “{Level.HTXSNV.text}”: {names}."
            ),
        ))
    return findings
