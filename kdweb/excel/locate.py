"""Where a finding belongs in the workbook: its subject's row and its field's column.

A finding without a field points at the row's level cell; a subject with no row (dropped from the sheet) at
the sheet's code header; a quota finding at the summary's check cell; anything else at the summary's title.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kdweb.rules.findings import Finding
from kdweb.rules.terms import SubjectKind

from .summary_cells import CHECK_COLUMN, SHEET as SUMMARY_SHEET

QUOTA_RULES = frozenset({"Q-20", "Q-25", "Q-SMALL"})
UNIT_RULES = frozenset({"E-CHECK"})  # about the whole workbook, not a subject


def address(sheet: str | None, cell: str | None) -> str:
    """"'Đảng viên'!J12", as Excel and LibreOffice write a reference to another sheet."""
    if not sheet:
        return cell or ""
    quoted = "'" + sheet.replace("'", "''") + "'"
    return f"{quoted}!{cell}" if cell else quoted


@dataclass
class SheetPlaces:
    """One subject sheet as read: its name, where its header is, each field's column and each code's rows."""

    name: str
    header_row: int
    columns: dict[str, str] = field(default_factory=dict)  # field key → column letter
    # subject code → its first row; a code on more than one row → all its rows too (an int, not a list, per code:
    # 2 MB less for 30,000 members)
    rows: dict[str, int] = field(default_factory=dict)
    repeated_rows: dict[str, list[int]] = field(default_factory=dict)

    def add_row(self, code: str, number: int) -> None:
        first = self.rows.setdefault(code, number)
        if first != number:
            self.repeated_rows.setdefault(code, [first]).append(number)

    def cell(self, code: str, key: str | None, nth: int = 0) -> str | None:
        """The field's cell on the code's first row, or on its nth row (the last when it has fewer)."""
        row = self.rows.get(code)
        if row is None:
            return None
        if nth:
            repeated = self.repeated_rows.get(code, (row,))
            row = repeated[min(nth, len(repeated) - 1)]
        letter = self.column_of(key) or self.columns.get("level") or self.columns.get("code") or "A"
        return f"{letter}{row}"

    def column_of(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key.startswith("month:"):
            key = "monthly_ratings"
        return self.columns.get(key) or (self.columns.get("status") if key in _STATUS_FIELDS else None)

    def header_cell(self, key: str = "code") -> str:
        return f"{self.columns.get(key, 'A')}{self.header_row}"


_STATUS_FIELDS = frozenset({
    "probationary", "exempt", "suspended", "committee_suspended", "transferred_in", "months_at_old_place",
    "temporary_activity", "temporary_activity_elsewhere", "is_civil_servant",
})


@dataclass
class Locator:
    sheets: dict[SubjectKind, SheetPlaces] = field(default_factory=dict)
    summary_rows: dict[SubjectKind, int] = field(default_factory=dict)
    placed_on_rows: dict[tuple, int] = field(default_factory=dict)  # a code on several rows: findings placed so far

    def recode(self, kind: SubjectKind, typed: str, code: str) -> None:
        """A row read as `typed` now carries the roster's `code` (roster_changes.reconcile): its rows are that code's."""
        places = self.sheets.get(kind)
        if places is None or typed not in places.rows:
            return
        for number in places.repeated_rows.get(typed, (places.rows[typed],)):
            places.add_row(code, number)

    def locate(self, finding: Finding) -> Finding:
        if finding.sheet and finding.cell:
            return finding
        sheet, cell = self.place(finding)
        return finding.with_location(sheet, cell)

    def place(self, finding: Finding) -> tuple[str | None, str | None]:
        kind = finding.subject_kind
        if finding.rule in UNIT_RULES:
            return SUMMARY_SHEET, "A1"
        if finding.rule in QUOTA_RULES and kind in self.summary_rows:
            return SUMMARY_SHEET, f"{CHECK_COLUMN}{self.summary_rows[kind]}"
        places = self.sheets.get(kind)
        if places is None:  # its sheet is gone: the kind's line on the summary
            return SUMMARY_SHEET, f"A{self.summary_rows[kind]}" if kind in self.summary_rows else "A1"
        nth = 0
        if finding.rule == "X-MISSING" and finding.field == "code":  # one finding per row of a repeated code
            key = (kind, finding.subject_code, finding.message)
            nth = self.placed_on_rows[key] = self.placed_on_rows.get(key, -1) + 1
        cell = places.cell(finding.subject_code, finding.field, nth=nth)
        if cell is None:
            return places.name, places.header_cell()
        return places.name, cell
