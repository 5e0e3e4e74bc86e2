"""Cells of a subject sheet that show the unit a value the reader reads as blank, each told at its cell.

- A formula whose value the file does not store (`W-FORMULA`). Excel and LibreOffice store each formula's value
  beside it (LibreOffice calculates one it finds without); a file written by a script (openpyxl and the like) may
  not, and calamine then reads the cell as blank. The guards note such cells (`safety.PackageReport`).
- A cell covered by a merge (`W-MERGED`, a warning: a blank that matters is an error of its own, a remark shared
  by two rows is not): the merged block shows its first cell's value on every row it spans, but only that first
  cell holds it; the others are read as blank.

Only the cells the unit fills or the roster gave count, below the header: the template's own computed columns
(qd366's level a score allows, never calculated in a file openpyxl filled) and columns of the unit's own are left
alone.
"""
from __future__ import annotations

from kdweb.rules.findings import Finding
from kdweb.rules.messages import subject_phrase
from kdweb.rules.parse import quoted
from kdweb.rules.terms import Severity

from .columns import Column, SheetSpec, column_letter, column_number
from .locate import SheetPlaces

FORMULA, MERGED = "W-FORMULA", "W-MERGED"
SEVERITY = {FORMULA: Severity.ERROR, MERGED: Severity.WARNING}
_SAVE_AGAIN = ("Hãy mở tệp bằng Excel hoặc LibreOffice Calc rồi lưu lại, hoặc gõ thẳng giá trị vào ô thay cho "
               "công thức.")


def unread_cell_findings(spec: SheetSpec, places: SheetPlaces, records: list, unit_code: str,
                         formulas: dict[str, str] | None, merged: list | None) -> list[Finding]:
    """The findings of a sheet's `formulas` (cell reference → formula text, "" when unknown) and `merged` ranges
    (calamine's ((first row, first column), (last row, last column)), from 0)."""
    columns = {column.key: column for column in spec.columns if not column.is_computed}
    keys = {letter: columns[key] for key, letter in places.columns.items() if key in columns}
    told = []  # (cell, row, column, rule, what the message says of it)
    for ref, formula in (formulas or {}).items():
        letters = ref.rstrip("0123456789")
        row = int(ref[len(letters):])
        if letters in keys and row > places.header_row:
            shown = f" (“{quoted(formula)}”)" if formula else ""
            told.append((ref, row, keys[letters], FORMULA, f"có công thức{shown} chưa có giá trị đã tính: tệp được "
                         "lưu bằng một chương trình không tính công thức, nên ô này được đọc là ô trống. " + _SAVE_AGAIN))
    for (top, left), (bottom, right) in merged or ():
        if bottom >= places.header_row:  # else above the first row read, as the template's own titles are
            told.extend(_merged(top + 1, left + 1, bottom + 1, right + 1, keys, places.header_row))
    if not told:  # the usual case: none, or the template's own formulas and merged titles only
        return []
    subjects = {places.rows[record.code]: record for record in records if record.code in places.rows}
    return [_finding(ref, column, rule, says, subjects.get(row), spec, places.name, unit_code)
            for ref, row, column, rule, says in told]


def _merged(top: int, left: int, bottom: int, right: int, keys: dict[str, Column], header_row: int):
    """One finding per merged block below the header: at its first covered cell in a column that is read. Found
    among the read columns the block spans, never cell by cell: a block may reach XFD1048576."""
    first = f"{column_letter(left)}{top}"
    whole = f"{first}:{column_letter(right)}{bottom}"
    spanned = sorted(number for number in map(column_number, keys) if left <= number <= right)
    start = max(top, header_row + 1)
    covered = [(row, number) for row in (start, start + 1) if row <= bottom for number in spanned
               if (row, number) != (top, left)]
    if covered:
        row, number = covered[0]
        letters = column_letter(number)
        yield (f"{letters}{row}", row, keys[letters], MERGED,
               f"nằm trong vùng gộp ô {whole}: chỉ ô đầu vùng ({first}) giữ giá trị, các ô còn lại của vùng "
               "được đọc là ô trống dù trên màn hình vẫn thấy giá trị. Hãy bỏ gộp ô (Unmerge) và ghi giá trị "
               "cho từng dòng.")


def _finding(ref: str, column: Column, rule: str, says: str, record, spec: SheetSpec, sheet: str,
             unit_code: str) -> Finding:
    whose = subject_phrase(spec.kind, record.name, record.code) + ": ô" if record else "Ô"
    return Finding(rule, SEVERITY[rule], spec.kind, record.code if record else "", record.name if record else "",
                   column.key, f"{whose} “{column.header}” {says}", unit_code=unit_code or None, sheet=sheet, cell=ref)
