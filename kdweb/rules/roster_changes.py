"""The roster of record is the database's, per cycle: a workbook signed over an older roster is checked against
the roster as it stands now. Subjects added since the download must be rated (X-MISSING, naming them); rows of
subjects removed or moved out since are not counted here, and the unit is told so (X-ROSTER, a warning)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

from .findings import Finding
from .records import UnitBatch
from .terms import Severity, SubjectKind

ROSTER_CHANGED = "X-ROSTER"


@dataclass(frozen=True)
class RosterOfRecord:
    """The unit's subjects now, by kind: code → name. Plain data, so it crosses a process boundary (the reader
    may run in a sandbox). Where a subject who left went is added afterwards (`with_where_now`)."""

    subjects: Mapping[SubjectKind, Mapping[str, str]] = field(default_factory=dict)


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


def reconcile(batch: UnitBatch, now: RosterOfRecord, severity_of: Callable[[str], Severity]) -> list[Finding]:
    """Bring the batch to the roster of record: drop the rows of subjects no longer on it, make the expected
    subjects the current ones, and say what changed. Call before the unit's checks."""
    change = roster_change(batch.expected, now)
    findings: list[Finding] = []
    expected = {}
    for kind in SubjectKind:
        records = batch.records_of(kind)
        present = {record.code for record in records}
        gone = set(change.removed[kind])
        kept = [record for record in records if record.code not in gone]
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


def with_where_now(findings: list[Finding], where_now: Callable[[SubjectKind, str], str | None]) -> list[Finding]:
    """The X-ROSTER warnings told where each subject who left the roster is now (a look-up the caller makes)."""
    out = []
    for finding in findings:
        if finding.rule == ROSTER_CHANGED and finding.field == "code" and finding.subject_kind is not None:
            place = where_now(finding.subject_kind, finding.subject_code)
            if place:
                finding = replace(finding, message=_left_message(
                    finding.subject_kind, finding.subject_code, finding.subject_name, place))
        out.append(finding)
    return out
