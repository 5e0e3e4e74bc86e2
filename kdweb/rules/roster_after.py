"""After submission: the roster facts an admin corrected since a unit's submitted workbook was checked (an admission
date, a birth date, a status). The district checks tell the reviewer which subject changed and how, and whether the
submitted result still holds under the facts as they stand: the unit's own checks are run again on its stored
records with the new facts, and a rule they now break makes the change an error naming it."""
from __future__ import annotations

from dataclasses import replace

import msgspec

from .findings import Finding
from .records import UnitBatch
from .roster_changes import ROSTER_CHANGED, TOLD_ON_ITS_OWN_ROW, RosterOfRecord, changes_text
from .ruleset import RuleSet
from .terms import Severity, SubjectKind
from .validate import validate_unit

_NOT_ABOUT_THE_RESULT = frozenset({"X-MISSING", ROSTER_CHANGED})  # who is listed: said by the mismatch summary


def facts_changed_after_submission(batch: UnitBatch, now: RosterOfRecord, rule_set: RuleSet) -> list[Finding]:
    """One finding per subject of the stored `batch` whose facts in `now` differ from those it was checked with."""
    updated_batch = replace(batch, expected={}, **{name: list(getattr(batch, name)) for name in _LISTS})
    changed: dict[tuple[SubjectKind, str], tuple] = {}
    for kind in SubjectKind:
        facts = now.facts.get(kind, {})
        records = updated_batch.records_of(kind)
        for position, record in enumerate(records):
            current = facts.get(record.code)
            if current is None:
                continue
            updated = {name: value for name, value in current.items() if getattr(record, name) != value}
            told = {name: value for name, value in updated.items()
                    if name not in TOLD_ON_ITS_OWN_ROW or "cell_code" in updated}
            if updated:
                records[position] = msgspec.structs.replace(record, **updated)
            if told:
                changed[(kind, record.code)] = (record, told)
    if not changed:
        return []
    broken: dict[tuple[SubjectKind, str], list[Finding]] = {}
    for finding in validate_unit(updated_batch, rule_set):
        key = (finding.subject_kind, finding.subject_code)
        if key in changed and finding.severity is Severity.ERROR and finding.rule not in _NOT_ABOUT_THE_RESULT:
            broken.setdefault(key, []).append(finding)
    return [_changed(batch, kind, record, told, broken.get((kind, code), ()))
            for (kind, code), (record, told) in changed.items()]


_LISTS = ("members", "organisations", "collectives", "leaders")


def _changed(batch: UnitBatch, kind: SubjectKind, record, told: dict, broken) -> Finding:
    said = (f"{batch.unit_name} ({batch.unit_code}): {kind.text.lower()} {record.name} (mã {record.code}) có thông "
            f"tin trong danh sách được cập nhật sau khi đơn vị nộp ({changes_text(record, told)}).")
    if broken:
        why = "; ".join(f"{finding.rule}: {finding.message.rstrip('.')}" for finding in broken)
        message = (f"{said} Theo thông tin mới, kết quả đã nộp không còn đúng ({why}). Trả lại để đơn vị tải mẫu "
                   f"mới (số liệu đã nhập được giữ lại), sửa và nộp lại.")
    else:
        message = f"{said} Kết quả đã nộp vẫn phù hợp với thông tin mới; không cần trả lại."
    return Finding(
        rule=ROSTER_CHANGED, severity=Severity.ERROR if broken else Severity.WARNING, subject_kind=kind,
        subject_code=record.code, subject_name=told.get("name", record.name), field=None, message=message,
        unit_code=batch.unit_code,
    )
