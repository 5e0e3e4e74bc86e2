"""The summary sheet: live counts per level for each subject sheet, and the 20 % quota with a red mark.

Formulas only, so a unit sees its own totals while it fills the workbook offline. A count takes the level's
text or its code, in any case and with stray spaces (text pasted past the dropdown); other short forms and
decomposed (NFD) text are only recognised by the server, whose reading is the one that counts.
"""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule

from kdweb.exports.page_setup import fit_to_a4
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import NOT_RATED_TEXT, Level, QuotaBase, QuotaScope, Severity

from . import styles
from .columns import FIRST_DATA_ROW, SheetSpec, column_letter

SHEET = "Tổng hợp"
HEADER_ROW = 4
FIRST_ROW = 5

LEVELS = tuple(sorted(Level, reverse=True))
HEADERS = (
    "Đối tượng", "Tổng số trong danh sách", *(level.text for level in LEVELS), NOT_RATED_TEXT,
    "Chưa ghi mức xếp loại", "Tỷ lệ HTXSNV/HTTNV", "Số HTXSNV tối đa", "Kiểm tra tỷ lệ",
)
CHECK_COLUMN = column_letter(len(HEADERS))  # the cell a quota finding points at


def write_summary(sheet, specs: tuple[SheetSpec, ...], row_counts: dict, rule_set: RuleSet, title: str) -> dict:
    """Write the sheet; return {SubjectKind: its row number}."""
    sheet.title = SHEET
    last = column_letter(len(HEADERS))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = title
    sheet["A1"].style = styles.TITLE
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = _quota_note(rule_set)
    sheet["A2"].style = styles.NOTE
    sheet.row_dimensions[2].height = 45
    for number, header in enumerate(HEADERS, start=1):
        cell = sheet.cell(HEADER_ROW, number, header)
        cell.style = styles.HEADER_IDENTITY
    sheet.row_dimensions[HEADER_ROW].height = 48
    rows = {}
    for offset, spec in enumerate(specs):
        row = FIRST_ROW + offset
        rows[spec.kind] = row
        _write_row(sheet, row, spec, row_counts.get(spec.kind, 0), rule_set)
    _mark_broken_quota(sheet, FIRST_ROW, FIRST_ROW + len(specs) - 1)
    widths = (30, 12, 16, 16, 16, 16, 14, 12, 12, 12, 26)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(number)].width = width
    sheet.sheet_view.showGridLines = False
    fit_to_a4(sheet)
    sheet.protection.sheet = True
    return rows


def _write_row(sheet, row: int, spec: SheetSpec, count: int, rule_set: RuleSet) -> None:
    last = FIRST_DATA_ROW + max(count, 1) - 1
    levels = _range(spec, "level", last)
    codes = _range(spec, "code", last)
    excellent, good = f"C{row}", f"D{row}"
    base = f"({good}+{excellent})" if rule_set.quota_base is QuotaBase.HTTNV_AND_BETTER else good
    share = rule_set.quota_share
    formulas = [
        spec.name,
        f"=COUNTA({codes})",
        *(_count(levels, level.text, level.code) for level in LEVELS),
        _count(levels, NOT_RATED_TEXT),
        f"=B{row}-SUM(C{row}:G{row})",
        f'=IF({good}=0,"",{excellent}/{good})',
        (
            f"=MAX(INT({base}*{share}+0.000001),"
            f"IF({good}<{rule_set.small_group_threshold},{rule_set.small_group_allowance},0))"
        ),
        f'=IF({excellent}>J{row},"{_broken_text(spec, rule_set)}","Đạt")',
    ]
    for number, value in enumerate(formulas, start=1):
        cell = sheet.cell(row, number, value)
        cell.style = styles.PERCENT if number == 9 else styles.COUNT
    sheet.cell(row, 1).style = styles.IDENTITY


def _count(cells: str, *texts: str) -> str:
    matches = "+".join(f'(TRIM({cells})="{text}")' for text in texts)
    return f"=SUMPRODUCT({matches})"


def _range(spec: SheetSpec, key: str, last: int) -> str:
    letter = spec.column_letter(key)
    return f"'{spec.name}'!${letter}${FIRST_DATA_ROW}:${letter}${last}"


def _broken_text(spec: SheetSpec, rule_set: RuleSet) -> str:
    kind = spec.kind
    text = "Vượt tỷ lệ" if rule_set.quota_severity_of(kind) is Severity.ERROR else "Vượt tỷ lệ (cảnh báo)"
    if rule_set.quota_scope_of(kind) is QuotaScope.DISTRICT:
        text += ", xét chung toàn Quận"
    return text


def _mark_broken_quota(sheet, first: int, last: int) -> None:
    red = FormulaRule(formula=[f"$C{first}>$J{first}"], fill=styles.error_fill(), font=None, stopIfTrue=False)
    sheet.conditional_formatting.add(f"A{first}:{CHECK_COLUMN}{last}", red)


def _quota_note(rule_set: RuleSet) -> str:
    share = f"{rule_set.quota_share * 100:g}".replace(".", ",")
    base = "“Hoàn thành tốt nhiệm vụ”" if rule_set.quota_base is QuotaBase.HTTNV else "“Hoàn thành tốt nhiệm vụ” trở lên"
    return (
        f"Số xếp loại “Hoàn thành xuất sắc nhiệm vụ” không vượt quá {share}% số xếp loại {base}; nơi có dưới "
        f"{rule_set.small_group_threshold} đối tượng xếp loại “Hoàn thành tốt nhiệm vụ” được chọn "
        f"{rule_set.small_group_allowance} đối tượng “Hoàn thành xuất sắc nhiệm vụ” nếu đủ điều kiện. "
        "Các số trên trang này tự tính theo các trang danh sách."
    )
