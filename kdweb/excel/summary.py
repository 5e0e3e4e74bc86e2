"""The summary sheet: live counts per level for each subject sheet, and the 20 % quota with a red mark.

Formulas only, so a unit sees its own totals while it fills the workbook offline. A count takes the level's
text or its code, in any case and with stray spaces (text pasted past the dropdown); other short forms and
decomposed (NFD) text are only recognised by the server, whose reading is the one that counts.

Every letter is computed: the columns are the fixed `HEADERS`, then for a scored rule set the mean score, then
one count per value a subject sheet's column asks to be counted (`Column.summary`). Under a scored rule set, a
row per quota group follows the kinds' rows, with its share (20 %, or 25 % for a group marked outstanding).
"""
from __future__ import annotations

from openpyxl.formatting.rule import FormulaRule

from kdweb.exports.page_setup import fit_to_a4
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import NOT_RATED_TEXT, Level, QuotaBase, QuotaScope, Severity

from . import styles
from .columns import FIRST_DATA_ROW, SheetSpec, column_letter
from .summary_cells import CHECK_COLUMN, COLUMN_LETTERS as _AT, FIRST_ROW, HEADER_ROW, LEVELS, SHEET

HEADERS = (
    "Đối tượng", "Tổng số trong danh sách", *(level.text for level in LEVELS), NOT_RATED_TEXT,
    "Chưa ghi mức xếp loại", "Tỷ lệ HTXSNV/HTTNV", "Số HTXSNV tối đa", "Kiểm tra tỷ lệ",
)
MEAN_HEADER = "Điểm bình quân"
_WIDTHS = (30, 12, 16, 16, 16, 16, 14, 12, 12, 12, 26)


def extra_headers(specs: tuple[SheetSpec, ...], rule_set: RuleSet) -> tuple[tuple[str, str | None, str | None], ...]:
    """The columns after the fixed ones: (header, column key, value counted); the mean score has no value."""
    extras: list[tuple[str, str | None, str | None]] = []
    if rule_set.scored:
        extras.append((MEAN_HEADER, "score_total", None))
    for spec in specs:
        for column in spec.columns:
            for value in column.summary:
                item = (f"{column.header}: {value}", column.key, value)
                if item not in extras:
                    extras.append(item)
    return tuple(extras)


def write_summary(sheet, specs: tuple[SheetSpec, ...], row_counts: dict, rule_set: RuleSet, title: str,
                  groups: dict | None = None) -> dict:
    """Write the sheet; return {SubjectKind: its row number}. `groups` gives each kind's quota groups as
    (name, outstanding) pairs, for a scored rule set."""
    sheet.title = SHEET
    extras = extra_headers(specs, rule_set)
    headers = HEADERS + tuple(header for header, _, _ in extras)
    last = column_letter(len(headers))
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"] = title
    sheet["A1"].style = styles.TITLE
    sheet.merge_cells(f"A2:{last}2")
    sheet["A2"] = _quota_note(rule_set)
    sheet["A2"].style = styles.NOTE
    sheet.row_dimensions[2].height = 45
    for number, header in enumerate(headers, start=1):
        cell = sheet.cell(HEADER_ROW, number, header)
        cell.style = styles.HEADER_IDENTITY
    sheet.row_dimensions[HEADER_ROW].height = 48
    rows = {}
    row = FIRST_ROW
    for spec in specs:
        rows[spec.kind] = row
        _write_row(sheet, row, spec, row_counts.get(spec.kind, 0), rule_set, extras)
        row += 1
    for spec in specs:
        for name, outstanding in (groups or {}).get(spec.kind, ()):
            _write_row(sheet, row, spec, row_counts.get(spec.kind, 0), rule_set, extras, (name, outstanding))
            row += 1
    _mark_broken_quota(sheet, FIRST_ROW, row - 1)
    widths = _WIDTHS + (14,) * len(extras)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[column_letter(number)].width = width
    sheet.sheet_view.showGridLines = False
    fit_to_a4(sheet)
    sheet.protection.sheet = True
    return rows


def _write_row(sheet, row: int, spec: SheetSpec, count: int, rule_set: RuleSet, extras, group=None) -> None:
    last = FIRST_DATA_ROW + max(count, 1) - 1
    levels = _range(spec, "level", last)
    codes = _range(spec, "code", last)
    at = {name: f"{letter}{row}" for name, letter in _AT.items()}
    excellent, good = at["HTXSNV"], at["HTTNV"]
    base = f"({good}+{excellent})" if rule_set.quota_base is QuotaBase.HTTNV_AND_BETTER else good
    in_group = ""
    label = spec.name
    share = rule_set.quota_share
    if group is not None:
        name, outstanding = group
        in_group = f"*({_range(spec, 'quota_group', last)}=\"{_quoted(name)}\")"
        share = rule_set.quota_outstanding_share if outstanding else rule_set.quota_share
        label = f"{spec.name}: nhóm “{name}”" + (f" (nổi trội, tỷ lệ {share * 100:g}%)" if outstanding else "")
    small = (
        f",IF({good}<{rule_set.small_group_threshold},{rule_set.small_group_allowance},0)"
        if rule_set.is_on("Q-SMALL") else ",0"
    )
    formulas = [
        label,
        f"=SUMPRODUCT(({codes}<>\"\"){in_group})" if group else f"=COUNTA({codes})",
        *(_count(levels, in_group, level.text, level.code) for level in LEVELS),
        _count(levels, in_group, NOT_RATED_TEXT),
        f"={at['total']}-SUM({at['HTXSNV']}:{at['not_rated']})",
        f'=IF({good}=0,"",{excellent}/{good})',
        f"=MAX(INT({base}*{share}+0.000001){small})",
        f'=IF({excellent}>{at["limit"]},"{_broken_text(spec, rule_set)}","Đạt")',
    ]
    for header, key, value in extras:
        formulas.append(_extra(spec, key, value, last, in_group))
    for number, value in enumerate(formulas, start=1):
        cell = sheet.cell(row, number, value)
        cell.style = styles.PERCENT if number == 9 else styles.COUNT
    sheet.cell(row, 1).style = styles.IDENTITY


def _extra(spec: SheetSpec, key: str, value: str | None, last: int, in_group: str) -> str | None:
    if spec.column_letter(key) is None:
        return None
    cells = _range(spec, key, last)
    if value is None:  # the mean of a number column (computed cells that are blank are text: not counted)
        return f'=IF(COUNT({cells})=0,"",AVERAGE({cells}))' if not in_group else None
    return _count(cells, in_group, value)


def _quoted(text: str) -> str:
    return text.replace('"', '""')


def _count(cells: str, in_group: str, *texts: str) -> str:
    matches = "+".join(f'(TRIM({cells})="{_quoted(text)}")' for text in texts)
    if in_group:
        matches = f"({matches}){in_group}"
    return f"=SUMPRODUCT({matches})"


def _range(spec: SheetSpec, key: str, last: int) -> str:
    letter = spec.column_letter(key)
    return f"'{spec.name}'!${letter}${FIRST_DATA_ROW}:${letter}${last}"


def _broken_text(spec: SheetSpec, rule_set: RuleSet) -> str:
    kind = spec.kind
    text = "Vượt tỷ lệ" if rule_set.quota_severity_of(kind) is Severity.ERROR else "Vượt tỷ lệ (cảnh báo)"
    if rule_set.quota_scope_of(kind) is QuotaScope.DISTRICT:
        text += ", xét chung ở cấp trên"
    return text


def _mark_broken_quota(sheet, first: int, last: int) -> None:
    excellent, limit = _AT["HTXSNV"], _AT["limit"]
    red = FormulaRule(formula=[f"${excellent}{first}>${limit}{first}"], fill=styles.error_fill(), font=None,
                      stopIfTrue=False)
    sheet.conditional_formatting.add(f"A{first}:{CHECK_COLUMN}{last}", red)


def _quota_note(rule_set: RuleSet) -> str:
    share = f"{rule_set.quota_share * 100:g}".replace(".", ",")
    good, excellent = f"“{Level.HTTNV.text}”", f"“{Level.HTXSNV.text}”"
    base = good if rule_set.quota_base is QuotaBase.HTTNV else f"{good} trở lên"
    text = f"Số xếp loại {excellent} không vượt quá {share}% số xếp loại {base}"
    if rule_set.is_on("Q-SMALL"):
        text += (
            f"; nơi có dưới {rule_set.small_group_threshold} đối tượng xếp loại {good} được chọn "
            f"{rule_set.small_group_allowance} đối tượng {excellent} nếu đủ điều kiện"
        )
    if rule_set.scored:
        outstanding = f"{rule_set.quota_outstanding_share * 100:g}".replace(".", ",")
        text += f", tính theo từng nhóm; nhóm được cấp có thẩm quyền đánh giá nổi trội được tới {outstanding}%"
    return text + ". Các số trên trang này tự tính theo các trang danh sách."
