"""The roster of record is the database's, per cycle: a workbook signed over an older roster is checked against
the roster as it stands now. Subjects added since the download must be rated (X-MISSING, naming them); rows of
subjects removed or moved out since are not counted here, and the unit is told so (X-ROSTER, a warning); subjects
whose roster facts changed since (a corrected admission date, a name, a status) are checked with the facts as they
stand, and the unit is told which (X-ROSTER, a warning)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable, Mapping

import msgspec

from .findings import Finding
from .labels import field_label
from .parse import code_key
from .records import UnitBatch
from .terms import Severity, SubjectKind

ROSTER_CHANGED = "X-ROSTER"
# a renamed chi bộ is told once, on its row, not on each member's; a member moved to another chi bộ is told its name
TOLD_ON_ITS_OWN_ROW = frozenset({"cell_name"})


@dataclass(frozen=True)
class RosterOfRecord:
    """The unit's subjects now, by kind: code → name. Plain data, so it crosses a process boundary (the reader
    may run in a sandbox). Where a subject who left went is added afterwards (`with_where_now`).

    `facts` holds the roster facts (field → value) of the subjects some workbook of the unit was issued without:
    a row the unit typed for one of them is read with the roster's facts, not with what its own cells say; and,
    once an admin changed the unit's roster after a workbook was issued, of every subject, so that facts changed
    since the download replace the signed ones."""

    subjects: Mapping[SubjectKind, Mapping[str, str]] = field(default_factory=dict)
    facts: Mapping[SubjectKind, Mapping[str, Mapping[str, object]]] = field(default_factory=dict)


@dataclass(frozen=True)
class RosterChange:
    added: Mapping[SubjectKind, tuple[str, ...]]
    removed: Mapping[SubjectKind, tuple[str, ...]]

    def __bool__(self) -> bool:
        return any(self.added.values()) or any(self.removed.values())


def roster_change(issued: Mapping[SubjectKind, frozenset | set], now: RosterOfRecord) -> RosterChange:
    """What changed between the roster a workbook was issued for and the roster of record."""
    added, removed = {}, {}
    for kind in SubjectKind:
        was, is_now = set(issued.get(kind, ())), set(now.subjects.get(kind, {}))
        added[kind] = tuple(sorted(is_now - was))
        removed[kind] = tuple(sorted(was - is_now))
    return RosterChange(added, removed)


def reconcile(batch: UnitBatch, now: RosterOfRecord, severity_of: Callable[[str], Severity],
              recoded: Callable[[SubjectKind, str, str], None] | None = None) -> list[Finding]:
    """Bring the batch to the roster of record: drop the rows of subjects no longer on it, make the expected
    subjects the current ones, and say what changed. Call before the unit's checks. A row typed for a subject
    added since the download, its code typed as typing changes it (`parse.code_key`), is that subject's: the
    record takes the roster's code, and `recoded(kind, typed, code)` is told, for the row's place."""
    change = roster_change(batch.expected, now)
    findings: list[Finding] = []
    expected = {}
    for kind in SubjectKind:
        records = batch.records_of(kind)
        _recode_typed_rows(kind, records, change.added[kind], batch.expected.get(kind, ()), recoded)
        present = {record.code for record in records}
        gone = set(change.removed[kind])
        arrived, facts = set(change.added[kind]), now.facts.get(kind, {})
        kept = []
        for record in records:
            if record.code in gone:
                continue
            current = facts.get(record.code)
            if current is not None and record.code not in arrived:
                updated = {name: value for name, value in current.items() if getattr(record, name) != value}
                told = {name: value for name, value in updated.items()
                        if name not in TOLD_ON_ITS_OWN_ROW or "cell_code" in updated}
                if told:
                    findings.append(_updated(kind, record, told, batch.unit_code))
                current = updated
            kept.append(msgspec.structs.replace(record, **current) if current else record)
        for record in records:
            if record.code in gone:
                findings.append(_left(kind, record.code, record.name, None, batch.unit_code))
                gone.discard(record.code)  # one warning per subject, even on a duplicated row
        records[:] = kept
        for code in change.added[kind]:
            if code not in present:
                findings.append(_added(kind, code, now.subjects[kind][code], batch.unit_code, severity_of))
        issued = set(batch.expected.get(kind, ()))
        expected[kind] = frozenset((issued & set(now.subjects.get(kind, {}))) | (set(change.added[kind]) & present))
    batch.expected = expected
    return findings


def _recode_typed_rows(kind, records: list, added: tuple[str, ...], issued, recoded) -> None:
    """The records typed with a code that only typing made differ from one code added since the download (other
    case, an invisible character, leading zeros dropped) given that code. The issued codes are matched so by the
    reader already."""
    if not added:
        return
    by_key: dict[str, list[str]] = {}
    for code in added:
        by_key.setdefault(code_key(code), []).append(code)
    known = set(added) | set(issued)
    for position, record in enumerate(records):
        if record.code in known:
            continue
        matches = by_key.get(code_key(record.code), ())
        if len(matches) == 1:
            records[position] = msgspec.structs.replace(record, code=matches[0])
            if recoded is not None:
                recoded(kind, record.code, matches[0])


def _added(kind, code, name, unit_code, severity_of) -> Finding:
    return Finding(
        rule="X-MISSING", severity=severity_of("X-MISSING"), subject_kind=kind, subject_code=code, subject_name=name,
        field=None,
        message=(
            f"{kind.text} {name} (mã {code}) được bổ sung vào danh sách sau khi tải mẫu: hãy tải mẫu mới "
            f"(số liệu đã nhập được giữ lại) hoặc thêm dòng cho {kind.text.lower()} này với mức xếp loại "
            f"hoặc “Không xếp loại”."
        ),
        unit_code=unit_code or None,
    )


def changes_text(record, updated: dict) -> str:
    """"Ngày kết nạp: “19/05/2015” → “01/10/2026”; …": each fact as the record has it and as it is now."""
    return "; ".join(f"{field_label(name)}: “{_fact_text(getattr(record, name))}” → “{_fact_text(value)}”"
                     for name, value in updated.items())


def _updated(kind, record, updated: dict, unit_code) -> Finding:
    changes = changes_text(record, updated)
    return Finding(
        rule=ROSTER_CHANGED, severity=Severity.WARNING, subject_kind=kind, subject_code=record.code,
        subject_name=updated.get("name", record.name),
        field="cell_name" if "cell_name" in updated else next(iter(updated)),  # a chi bộ's code has no column
        message=(f"{kind.text} {record.name} (mã {record.code}): thông tin trong danh sách đã được cập nhật sau khi "
                 f"đơn vị tải mẫu ({changes}); tệp được kiểm tra theo thông tin mới. Hãy tải mẫu mới (số liệu đã "
                 f"nhập được giữ lại)."),
        unit_code=unit_code or None,
    )


def _fact_text(value) -> str:
    if value is None or value == "" or value == ():
        return "trống"
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, tuple):
        return ", ".join(map(_fact_text, value))
    return getattr(value, "text", None) or str(value)


def _left(kind, code, name, where_now, unit_code) -> Finding:
    return Finding(
        rule=ROSTER_CHANGED, severity=Severity.WARNING, subject_kind=kind, subject_code=code, subject_name=name,
        field="code", message=_left_message(kind, code, name, where_now), unit_code=unit_code or None,
    )


def _left_message(kind, code, name, where_now) -> str:
    if where_now:
        why = f"đã chuyển sang {where_now} sau khi đơn vị tải mẫu"
    else:
        why = "đã được rút khỏi danh sách của đơn vị sau khi đơn vị tải mẫu"
    return (f"{kind.text} {name} (mã {code}) {why}; dòng này không được tính ở đơn vị. "
            f"Hãy tải mẫu mới (số liệu đã nhập được giữ lại) hoặc xóa dòng này.")


NOT_LISTED_LOOKUPS = 50  # rows typed for codes on no roster of this unit: where each is listed, for so many


def with_where_now(findings: list[Finding], where_now: Callable[[SubjectKind, str], str | None]) -> list[Finding]:
    """The X-ROSTER warnings told where each subject who left the roster is now, and the rows typed for a subject
    on another unit's roster told which (look-ups the caller makes)."""
    out, lookups = [], 0
    for finding in findings:
        if finding.field == "code" and finding.subject_kind is not None and finding.subject_code:
            if finding.rule == ROSTER_CHANGED:
                place = where_now(finding.subject_kind, finding.subject_code)
                if place:
                    finding = replace(finding, message=_left_message(
                        finding.subject_kind, finding.subject_code, finding.subject_name, place))
            elif finding.rule == "X-MISSING" and lookups < NOT_LISTED_LOOKUPS:
                lookups += 1
                place = where_now(finding.subject_kind, finding.subject_code)
                if place:
                    finding = replace(finding, message=(
                        f"{finding.message} Mã {finding.subject_code} hiện có trong danh sách của {place}: nếu "
                        f"{finding.subject_kind.text.lower()} này đã chuyển về đơn vị, cơ quan tham mưu của cấp "
                        f"trên cần chuyển sang danh sách của đơn vị."))
        out.append(finding)
    return out
