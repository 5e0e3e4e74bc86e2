"""Cells of a subject sheet that hold a formula whose value the file does not store.

Excel and LibreOffice store each formula's value beside it; a file written by a script (openpyxl and the like)
may not, and calamine then reads the cell as blank. The guards note such cells (`safety.PackageReport`); here the
ones the unit fills or the roster gave (not the template's own computed columns) become an error at their cell,
so the unit learns why a value it sees on screen was read as blank.
"""
from __future__ import annotations

from kdweb.rules.findings import Finding
from kdweb.rules.messages import subject_phrase
from kdweb.rules.parse import quoted
from kdweb.rules.terms import Severity

from .columns import SheetSpec
from .locate import SheetPlaces

RULE = "W-FORMULA"


def uncomputed_formula_findings(formulas: dict[str, str], spec: SheetSpec, places: SheetPlaces, records: list,
                                unit_code: str) -> list[Finding]:
    """An error for each cell below the header, in a column the unit fills or the roster gave, that holds a formula
    without a stored value (`formulas`: cell reference → formula text)."""
    columns = {column.key: column for column in spec.columns if not column.is_computed}
    keys = {letter: key for key, letter in places.columns.items() if key in columns}
    cells = []
    for ref, formula in formulas.items():
        letters = ref.rstrip("0123456789")
        row = int(ref[len(letters):])
        if letters in keys and row > places.header_row:
            cells.append((ref, row, columns[keys[letters]], formula))
    if not cells:  # the usual case, the template's own formulas only
        return []
    subjects = {places.rows[record.code]: record for record in records if record.code in places.rows}
    return [_finding(ref, column, formula, subjects.get(row), spec, places.name, unit_code)
            for ref, row, column, formula in cells]


def _finding(ref: str, column, formula: str, record, spec: SheetSpec, sheet: str, unit_code: str) -> Finding:
    whose = subject_phrase(spec.kind, record.name, record.code) + ": ô" if record else "Ô"
    shown = f" (“{quoted(formula)}”)" if formula else ""
    message = (
        f"{whose} “{column.header}” có công thức{shown} chưa có giá trị đã tính: tệp được lưu bằng một chương trình "
        "không tính công thức, nên ô này được đọc là ô trống. Hãy mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu "
        "lại, hoặc gõ thẳng giá trị vào ô thay cho công thức."
    )
    return Finding(RULE, Severity.ERROR, spec.kind, record.code if record else "", record.name if record else "",
                   column.key, message, unit_code=unit_code or None, sheet=sheet, cell=ref)
