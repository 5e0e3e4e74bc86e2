"""A tab the unit added that repeats a subject tab's table with values typed in it (Excel's "Move or Copy → Create a
copy" makes “Đảng viên (2)”) for subjects the issued tab leaves unrated: the reader reads the issued tab only, so
what was typed there would be lost unsaid. Told once per such tab, as a warning at its first such filled cell; a copy
kept as a backup of a filled tab is not told. Only tabs that are not the template's own are looked at, within the
reader's search budget: the usual upload has none and pays nothing."""
from __future__ import annotations

from kdweb.rules.findings import Finding
from kdweb.rules.parse import normalise_text
from kdweb.rules.terms import Severity

from .columns import SheetSpec, column_letter
from .metadata import META_SHEET
from .sheets import HEADER_SEARCH_ROWS, find_header
from .summary_cells import SHEET as SUMMARY_SHEET

COPIED_TAB = "W-COPIED-TAB"
# the template's tabs other than the subjects' (instructions, summary, lists, signed metadata), named here rather than
# imported: their writers load openpyxl, which the sandbox's reader never does (tests/excel/test_copied_tabs.py)
TEMPLATE_TABS = frozenset({"Hướng dẫn", SUMMARY_SHEET, "Danh mục", META_SHEET})


def candidate_tabs(names, claimed) -> list[str]:
    """The tabs a copy could be: neither read for a kind nor the template's own."""
    return [name for name in names if name not in claimed and name not in TEMPLATE_TABS]


def filled_rows(rows, spec: SheetSpec, issued: frozenset) -> list[tuple[str, str]] | None:
    """Tab `rows` (from row 1) read as a copy of `spec`'s table: (code, cell) of each row of one of the `issued`
    codes with an input typed in it, the cell its first such, in row order; None when the tab holds no such table.
    Read while the workbook is open, before the issued tabs; only these pairs are kept (`copied_tab_finding`)."""
    rows = iter(rows)
    head = [row for _, row in zip(range(HEADER_SEARCH_ROWS), rows)]
    header = find_header(head, spec)
    if header is None:
        return None
    wanted = spec.keys_by_header
    columns = {}
    for index, value in enumerate(head[header]):
        key = wanted.get(normalise_text(value)) if isinstance(value, str) and value else None
        if key is not None:
            columns.setdefault(key, index)
    code_at = columns.get(spec.code_column.key)
    inputs = [columns[column.key] for column in spec.input_columns if column.key in columns]
    if code_at is None or not inputs:
        return None
    found = []
    for number, row in enumerate(_rows_after(head, header, rows), start=header + 2):
        code = row[code_at] if code_at < len(row) else None
        if not isinstance(code, str) or code.strip() not in issued:
            continue
        filled = next((index for index in inputs if index < len(row) and row[index] not in ("", None)), None)
        if filled is not None:
            found.append((code.strip(), f"{column_letter(filled + 1)}{number}"))
    return found


def copied_tab_finding(name: str, filled: list[tuple[str, str]], spec: SheetSpec, read_as: str,
                       codes: frozenset) -> Finding | None:
    """The warning for tab `name` when one of its `filled` rows (`filled_rows`) is of one of `codes` (issued, and
    unrated on the tab read); `read_as`: the tab the reader read for that kind."""
    cell = next((cell for code, cell in filled if code in codes), None)
    return None if cell is None else _finding(name, cell, spec, read_as)


def _rows_after(head: list, header: int, rows):
    yield from head[header + 1:]
    yield from rows


def _finding(name: str, cell: str, spec: SheetSpec, read_as: str) -> Finding:
    message = (
        f"Trang “{name}” là bản sao của bảng {spec.kind.text.lower()} và có giá trị được ghi (ô {cell}) cho đối "
        f"tượng còn chưa xếp loại ở trang “{read_as}”, nhưng hệ thống chỉ đọc trang “{read_as}”: các giá trị ghi ở "
        f"trang “{name}” không được đọc. Nếu đã điền ở trang này, "
        f"hãy chép sang trang “{read_as}”; nếu đây chỉ là bản lưu, hãy xóa trang này. Lưu lại rồi tải lên."
    )
    return Finding(COPIED_TAB, Severity.WARNING, spec.kind, "", "", None, message, sheet=name, cell=cell)
