"""A copy of an upload with each cell in error filled red (warnings yellow) and its messages as a comment, so
a unit can fix its own file. The stored bytes pass the safety guards again first (a file stored before a guard
existed must not reach openpyxl unchecked); the caller runs this in the sandbox. A finding at a cell covered by a
merged range is marked on the range's first cell (`note_cells.note_cell`)."""
from __future__ import annotations

from collections import defaultdict

from openpyxl.comments import Comment

from kdweb.rules.findings import Finding
from kdweb.rules.terms import Severity

from . import styles
from .note_cells import note_cell, written_copy
from .safety import check_upload

AUTHOR = "kdweb"
_MAX_COMMENT = 2_000


def annotate(data: bytes, findings: list[Finding]) -> bytes:
    """Raises Refusal when the bytes fail a guard, or when openpyxl cannot open them."""
    check_upload(data)
    return written_copy(data, lambda workbook: _mark(workbook, findings))


def _mark(workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.sheet in workbook.sheetnames and finding.cell:
            cell = note_cell(workbook[finding.sheet], finding.cell)
            by_cell[(finding.sheet, cell.coordinate)].append(finding)
    for (sheet_name, cell_name), found in by_cell.items():
        cell = workbook[sheet_name][cell_name]
        is_error = any(finding.severity is Severity.ERROR for finding in found)
        cell.fill = styles.error_fill() if is_error else styles.warning_fill()
        text = "\n".join(f"[{finding.rule}] {finding.message}" for finding in found)[:_MAX_COMMENT]
        cell.comment = Comment(text, AUTHOR, width=420, height=160)
