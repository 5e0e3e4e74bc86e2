"""The workbook a unit downloads: instructions, one pre-filled sheet per subject kind, a live summary, the
lists behind the dropdowns, and the signed metadata sheet."""
from __future__ import annotations

import io
from enum import Enum
from math import ceil

import msgspec
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins

from kdweb.exports.page_setup import fit_to_a4, number_pages
from kdweb.exports.safe_cells import is_risky, set_text
from kdweb.rules.records import RECORD_TYPES
from kdweb.rules.registry import get_rule_set
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import NOT_RATED_TEXT, SubjectKind

from . import styles
from .columns import (
    CHOICE, COUNT, DATE, FIRST_DATA_ROW, HEADER_ROW, IDENTITY, INDEX, LIST_TITLES, LISTS, NUMBER, SCORE,
    Column, SheetSpec, column_letter, current_layout, sheet_specs,
)
from .identity import cell_value, to_json
from .inputs import CycleInfo, Roster, UnitInfo
from .instructions import write_instructions
from .metadata import META_SHEET, IssuedSheet, WorkbookMeta, meta_rows
from .summary import SHEET as SUMMARY_SHEET, write_summary

LISTS_SHEET = "Danh mục"


def build_workbook(
    unit: UnitInfo,
    cycle: CycleInfo,
    roster: Roster,
    *,
    template_version: str,
    secret: bytes | str,
    rule_set: RuleSet | None = None,
    kinds: tuple[SubjectKind, ...] | None = None,
    layout: int | None = None,
) -> bytes:
    """The unit's .xlsx, pre-filled from `roster` and signed with `secret`, with the columns of the rule set's
    `layout` (the newest when None), which the metadata records."""
    rule_set = rule_set or get_rule_set(cycle.rule_set_id)
    chosen = kinds or roster.kinds()
    layout = current_layout(rule_set.id) if layout is None else layout
    specs = tuple(spec for spec in sheet_specs(rule_set, layout) if spec.kind in chosen)
    workbook = Workbook()
    styles.register(workbook)
    write_instructions(workbook.active, unit, cycle, specs, SUMMARY_SHEET, rule_set)
    list_refs = _list_refs()
    issued = tuple(
        _write_subject_sheet(
            workbook.create_sheet(spec.name), spec, roster.records_of(spec.kind), unit, cycle, list_refs, rule_set,
        )
        for spec in specs
    )
    counts = {spec.kind: len(roster.records_of(spec.kind)) for spec in specs}
    title = f"TỔNG HỢP KẾT QUẢ XẾP LOẠI NĂM {cycle.year}: {unit.name.upper()}"
    groups = {spec.kind: quota_groups_of(roster.records_of(spec.kind)) for spec in specs} if rule_set.scored else {}
    write_summary(workbook.create_sheet(SUMMARY_SHEET), specs, counts, rule_set, title, groups)
    _write_lists(workbook.create_sheet(LISTS_SHEET))
    meta = WorkbookMeta(
        template_version=template_version,
        unit_code=unit.code,
        unit_name=unit.name,
        unit_level=unit.level,
        cycle_year=cycle.year,
        rule_set_id=rule_set.id,
        review_date=cycle.review_date,
        deadline=cycle.deadline_for(unit),
        sheets=issued,
        columns_layout=layout,
    )
    _write_meta(workbook.create_sheet(META_SHEET), meta, secret)
    workbook.security.lockStructure = True  # Excel keeps tabs from being renamed or unhidden; LibreOffice drops it
    workbook.properties.creator = "kdweb"
    workbook.properties.title = f"Đánh giá, xếp loại chất lượng năm {cycle.year}: {unit.name}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_subject_sheet(sheet, spec: SheetSpec, records, unit: UnitInfo, cycle: CycleInfo, list_refs,
                         rule_set: RuleSet) -> IssuedSheet:
    columns = spec.columns
    formulas = {column.key: spec.formula_template(column, rule_set) for column in columns if column.formula}
    _write_titles(sheet, spec, unit, cycle)
    _write_header(sheet, columns)
    roster_fields = _issued_fields(spec, records)
    rows = []
    stamp = styles.Stamp(sheet)
    for number, record in enumerate(records, start=1):
        facts = {name: to_json(getattr(record, name)) for name in roster_fields}
        rows.append(tuple(facts[name] for name in roster_fields))
        _write_record(sheet, FIRST_DATA_ROW + number - 1, number, columns, facts, record, stamp, formulas)
    last_row = FIRST_DATA_ROW + max(len(records), 1) - 1
    _add_validations(sheet, columns, last_row, list_refs, rule_set)
    _box_input_cells(sheet, spec, last_row)
    _set_up_sheet(sheet, spec, last_row)
    return IssuedSheet(spec.kind.code, spec.name, roster_fields, tuple(rows))


def _write_titles(sheet, spec: SheetSpec, unit: UnitInfo, cycle: CycleInfo) -> None:
    last = column_letter(len(spec.columns))
    deadline = cycle.deadline_for(unit)
    lines = (
        (styles.TITLE, f"{spec.title} ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {cycle.year}"),
        (styles.SUBTITLE, f"{unit.name} (mã {unit.code})" + (f"; hạn nộp trước ngày {deadline:%d/%m/%Y}" if deadline else "")),
        (styles.NOTE, "Cột tiêu đề nền xám: danh sách do hệ thống cấp, không sửa. Cột tiêu đề nền vàng: đơn vị điền, "
                      "chọn giá trị trong danh sách thả xuống. Xem trang “Hướng dẫn”."),
    )
    for row, (style, text) in enumerate(lines, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row, 1)
        cell.style = style
        set_text(cell, text)  # the unit's name may look like a formula: it stays text
    sheet.row_dimensions[1].height = 22
    sheet.row_dimensions[3].height = 32


def _write_header(sheet, columns: tuple[Column, ...]) -> None:
    lines = 1
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(HEADER_ROW, number, column.header)
        cell.style = styles.HEADER_INPUT if column.is_input else styles.HEADER_IDENTITY
        dimension = sheet.column_dimensions[column_letter(number)]
        dimension.width = column.width
        if column.is_input:
            styles.style_column(dimension, _cell_style(column))
        lines = max(lines, ceil(len(column.header) * 1.15 / max(column.width - 1, 1)))
    sheet.row_dimensions[HEADER_ROW].height = 15 * min(lines, 8) + 6


def _issued_fields(spec: SheetSpec, records) -> tuple[str, ...]:
    """The roster fields worth signing: "code" first, then those any record sets away from the default."""
    record_type = RECORD_TYPES[spec.kind]
    defaults = {item.name: item.default for item in msgspec.structs.fields(record_type)}
    shown = {column.key for column in spec.identity_columns}
    names = [name for name in spec.roster_fields() if name != "code"]
    used = [name for name in names if name in shown or any(getattr(record, name) != defaults.get(name) for record in records)]
    return ("code", *used)


_STYLE_BY_KIND = {
    (INDEX, NUMBER): styles.INDEX,
    (IDENTITY, DATE): styles.IDENTITY_DATE,
    ("input", DATE): styles.INPUT_DATE,
    ("input", NUMBER): styles.INPUT_NUMBER,
    ("input", SCORE): styles.INPUT_NUMBER,
    ("input", COUNT): styles.INPUT_NUMBER,
}


def _write_record(sheet, row: int, number: int, columns, facts: dict, record, stamp, formulas: dict) -> None:
    """Identity cells carry their own style; an input cell is written only when pre-filled, since its column's
    style already unlocks it (a styled empty cell costs as much to write as a full one)."""
    for position, column in enumerate(columns, start=1):
        if column.role == INDEX:
            value = number
        elif column.is_identity:
            value = cell_value(column, facts)
        elif column.is_computed:
            value = formulas[column.key].replace("{row}", str(row))
        else:
            value = _prefilled(column, record)
            if value is None:
                continue
        cell = sheet.cell(row, position, value)
        if is_risky(value) and not column.is_computed:
            cell.data_type = "s"  # roster text such as "=HYPERLINK(…)" stays text, never a formula
        stamp(cell, _cell_style(column))


def _cell_style(column: Column) -> str:
    return _STYLE_BY_KIND.get((column.role, column.kind)) or (styles.INPUT if column.is_input else styles.IDENTITY)


def _prefilled(column: Column, record):
    """An input the roster already knows (e.g. a discipline decided earlier in the year); the unit may change it."""
    if column.key.startswith("grade:"):
        grade = record.grades.get(column.key.removeprefix("grade:")) if hasattr(record, "grades") else None
        return grade.text if grade else None
    value = getattr(record, column.key, None)
    if column.key == "level" and value is None and getattr(record, "not_rated", False):
        return NOT_RATED_TEXT  # carried over from an upload: "Không xếp loại" is a choice of the level column
    if column.key == "monthly_ratings" and value:
        return ", ".join(item.code if item is not None else "" for item in value)
    if value is None or value == "" or value is False or value == 0 or value == ():
        return None
    if isinstance(value, Enum):
        return getattr(value, "text", value.value)
    if value is True:
        return "Có"
    if isinstance(value, tuple):
        return ", ".join(getattr(item, "code", str(item)) for item in value)
    return value


def _add_validations(sheet, columns, last_row: int, list_refs: dict, rule_set: RuleSet) -> None:
    for position, column in enumerate(columns, start=1):
        if not column.is_input:
            continue
        letter = column_letter(position)
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}"
        if column.kind == CHOICE:
            rule = DataValidation(type="list", formula1=list_refs[column.choices], allow_blank=True)
            rule.error = f"Chọn một giá trị trong danh sách thả xuống của cột “{column.header[:150]}”."
        elif column.kind in (NUMBER, SCORE, COUNT):
            low, high = (f"{bound:g}" for bound in column.range_under(rule_set))
            whole = column.kind == COUNT
            rule = DataValidation(
                type="whole" if whole else "decimal", operator="between", formula1=low, formula2=high, allow_blank=True,
            )
            rule.error = _NUMBER_ERRORS[column.kind].format(low=low, high=high)
        else:
            continue
        rule.errorTitle = "Giá trị không hợp lệ"
        rule.showErrorMessage = True
        rule.add(area)
        sheet.add_data_validation(rule)


_NUMBER_ERRORS = {
    NUMBER: "Ghi một số tháng từ {low} đến {high}, ví dụ 3 hoặc 2,5.",
    SCORE: "Ghi số điểm từ {low} đến {high}, tối đa hai chữ số thập phân, ví dụ 27,5.",
    COUNT: "Ghi một số nguyên từ {low} đến {high}.",
}


def quota_groups_of(records) -> tuple[tuple[str, bool], ...]:
    """The quota groups the roster names, each with its outstanding mark (docs/rulebook-366.md §3 Q-20, Q-25)."""
    marks: dict[str, bool] = {}
    for record in records:
        group = getattr(record, "quota_group", "")
        if group:
            marks[group] = marks.get(group, False) or bool(record.quota_outstanding)
    return tuple(sorted(marks.items()))


def _box_input_cells(sheet, spec: SheetSpec, last_row: int) -> None:
    """Borders on the input cells of listed rows, drawn by a conditional format instead of 10,000 cell styles."""
    inputs = [position for position, column in enumerate(spec.columns, start=1) if column.is_input]
    if not inputs:
        return
    code = spec.column_letter("code")
    area = f"{column_letter(inputs[0])}{FIRST_DATA_ROW}:{column_letter(inputs[-1])}{last_row}"
    rule = FormulaRule(formula=[f'${code}{FIRST_DATA_ROW}<>""'], border=styles.box())
    sheet.conditional_formatting.add(area, rule)


def _set_up_sheet(sheet, spec: SheetSpec, last_row: int) -> None:
    last = column_letter(len(spec.columns))
    freeze_column = column_letter(spec.columns.index(spec.code_column) + 3)
    sheet.freeze_panes = f"{freeze_column}{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last}{last_row}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    fit_to_a4(sheet)
    sheet.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.5, header=0.3, footer=0.3)
    number_pages(sheet)
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False
    protection.sort = False


def _list_refs() -> dict[str, str]:
    refs = {}
    for number, (key, values) in enumerate(LISTS.items(), start=1):
        letter = column_letter(number)
        refs[key] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return refs


def _write_lists(sheet) -> None:
    for number, (key, values) in enumerate(LISTS.items(), start=1):
        sheet.cell(1, number, LIST_TITLES[key]).style = styles.HEADER_IDENTITY
        for row, value in enumerate(values, start=2):
            set_text(sheet.cell(row, number), value)
        sheet.column_dimensions[column_letter(number)].width = 34
    sheet.sheet_state = "hidden"
    sheet.protection.sheet = True


def _write_meta(sheet, meta: WorkbookMeta, secret) -> None:
    for row, (key, value) in enumerate(meta_rows(meta, secret), start=1):
        sheet.cell(row, 1, key)
        set_text(sheet.cell(row, 2), value)
    sheet.sheet_state = "veryHidden"
    sheet.protection.sheet = True
