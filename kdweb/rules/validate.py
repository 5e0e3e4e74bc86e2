"""The entry points: one unit's workbook, and the checks across the district's workbooks."""
from __future__ import annotations

from typing import Iterable

from .context import DistrictContext, UnitContext
from .findings import Finding, sorted_findings
from .process_memos import bounded
from .records import UnitBatch
from .registry import get_rule_set
from .ruleset import Check, RuleSet
from .terms import Severity

UNCHECKED = "E-CHECK"


def validate_unit(batch: UnitBatch, rule_set: RuleSet | None = None) -> list[Finding]:
    """Every per-record and per-unit check of the rule set on one unit's batch, in the one output order."""
    rule_set = rule_set or get_rule_set()
    context = UnitContext(batch, rule_set)
    findings: list[Finding] = []
    for check in _unit_checks(rule_set):
        findings.extend(_run(check, context, batch.unit_code, batch.unit_name))
    return sorted_findings(finding for finding in findings if rule_set.is_on(finding.rule))


_UNIT_CHECKS = bounded(16)  # id of a rule set → (the rule set, its unit checks that run under it)


def _unit_checks(rule_set: RuleSet) -> tuple[Check, ...]:
    """The rule set's unit checks that run under it, in its order: worked out once per rule set (a rule set is
    frozen; the memo holds it, so its id stands for no other)."""
    known = _UNIT_CHECKS.get(id(rule_set))
    if known is not None and known[0] is rule_set:
        return known[1]
    checks = tuple(check for check in rule_set.checks if check.scope == "unit" and check.runs_under(rule_set))
    _UNIT_CHECKS.keep(id(rule_set), (rule_set, checks))
    return checks


def validate_district(batches: Iterable[UnitBatch], rule_set: RuleSet | None = None) -> list[Finding]:
    """The checks that need every workbook at once (district quotas, X-HEAD, cross-unit C-UNIT, X-MISSING and
    X-DISCIPLINE-ORIGIN). Per-unit findings are not repeated here: run validate_unit on each batch for those."""
    rule_set = rule_set or get_rule_set()
    context = DistrictContext(list(batches), rule_set)
    findings: list[Finding] = []
    for check in rule_set.checks:
        if check.scope == "district" and check.runs_under(rule_set):
            findings.extend(_run(check, context, None, ""))
    return sorted_findings(finding for finding in findings if rule_set.is_on(finding.rule))


def _run(check: Check, context, unit_code, unit_name) -> list[Finding]:
    try:
        return list(check.run(context))
    except Exception as error:  # data of a shape no check expects must become a finding, never a crash
        return [Finding(
            rule=UNCHECKED,
            severity=Severity.ERROR,
            subject_kind=check.kind,
            subject_code=str(unit_code or ""),
            subject_name=str(unit_name or ""),
            field=None,
            message=(
                f"Không kiểm tra được quy tắc {check.rule} vì dữ liệu không đúng dạng "
                f"({type(error).__name__}: {error}). Báo cho cơ quan tham mưu của cấp trên."
            ),
            unit_code=str(unit_code) if unit_code else None,
        )]
