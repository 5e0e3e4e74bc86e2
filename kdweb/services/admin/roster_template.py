"""The roster workbook an admin downloads: Vietnamese headers the importer recognises, dropdowns, date formats."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kdweb.domain import Level
from kdweb.exports.safe_cells import is_risky
from kdweb.services.admin.roster_mapping import CELL, DATE, FIELDS, FOUNDING, GENDER, YES_NO

ROSTER_SHEET = "Danh sách đảng viên"
CELLS_SHEET = "Danh mục chi bộ"
VALIDATED_ROWS = 20_000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS = {"code": 16, "full_name": 28, "cell": 18, "temporary_cell": 18, "post": 30, "quota_group": 20}

INSTRUCTIONS = (
    "Hướng dẫn điền danh sách đảng viên",
    "",
    "• Mỗi dòng là một đảng viên; không đổi tên các cột ở dòng tiêu đề (có thể bỏ bớt cột không dùng).",
    "• Bắt buộc: Mã đảng viên (số thẻ), Họ và tên, Chi bộ. Mã đảng viên không được trùng nhau.",
    "• Chi bộ: ghi mã chi bộ (xem trang “Danh mục chi bộ”) hoặc đúng tên chi bộ.",
    "• Ngày: ghi theo dạng ngày/tháng/năm, ví dụ 15/12/1980 (hoặc nhập ô kiểu ngày).",
    "• Ngày thành lập chi bộ: ngày thành lập chi bộ nơi đảng viên sinh hoạt (mọi dòng cùng chi bộ ghi cùng một ngày, "
    "không sau hôm nay); để trống thì giữ ngày đã có trong cây đơn vị.",
    "• Các cột Có/Không: ghi “Có” hoặc để trống (trống là Không).",
    "• Nhóm tính tỷ lệ (chỉ dùng với đợt theo Quy định 366-QĐ/TW): nhóm đảng viên có vị trí, vai trò, chức năng, "
    f"nhiệm vụ tương đồng do cấp có thẩm quyền quyết định để tính tỷ lệ “{Level.HTXSNV.text}”; mẫu Excel của "
    "đơn vị ghi sẵn và khóa ô này. Để trống: tính theo quy định chung (theo tổ chức cơ sở đảng).",
    "• Nhập lại cùng một tệp không tạo bản ghi trùng: đảng viên được nhận ra theo mã.",
)


def roster_workbook(cells: list[tuple[str, str]], persons: list[dict] | None = None) -> bytes:
    """The template (persons=None) or the current roster in the same layout, as .xlsx bytes.

    Written in openpyxl's write-only mode, row by row: a district's 15,000 members take seconds
    (bench/bench_roster_export.py)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(ROSTER_SHEET)
    formats = {}
    for index, roster_field in enumerate(FIELDS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(roster_field.key, 14)
        number_format = ("DD/MM/YYYY" if roster_field.kind in (DATE, FOUNDING)
                         else "@" if roster_field.key == "code" else None)
        if number_format:
            sheet.column_dimensions[letter].number_format = number_format
            formats[index - 1] = number_format
    sheet.freeze_panes = "A2"
    _dropdowns(sheet, len(cells), len(persons or ()) + 1)
    sheet.append([_header_cell(sheet, roster_field.label) for roster_field in FIELDS])
    for person in persons or ():
        sheet.append(_row(sheet, [person.get(roster_field.key) for roster_field in FIELDS], formats))
    _cells_sheet(book.create_sheet(CELLS_SHEET), cells)
    _instructions_sheet(book.create_sheet("Hướng dẫn"))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _header_cell(sheet, label: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=label)
    cell.font, cell.fill = Font(bold=True), _HEADER_FILL
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell


def _row(sheet, values: list, formats: dict[int, str]) -> list:
    """One data row: risky text as quoted text (formula injection), dates and codes with their formats."""
    row = []
    for index, value in enumerate(values):
        number_format = formats.get(index)
        if value is not None and (number_format or is_risky(value)):
            cell = WriteOnlyCell(sheet, value=value)
            if number_format:
                cell.number_format = number_format
            if is_risky(value):
                cell.data_type, cell.quotePrefix = "s", True
            value = cell
        row.append(value)
    return row


def _dropdowns(sheet, cell_count: int, last_row: int) -> None:
    last = max(VALIDATED_ROWS, last_row)
    lists = {
        YES_NO: DataValidation(type="list", formula1='"Có,Không"', allow_blank=True),
        GENDER: DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True),
        CELL: DataValidation(type="list", formula1=f"'{CELLS_SHEET}'!$A$2:$A${cell_count + 1}", allow_blank=True,
                             showErrorMessage=False),
    }
    for index, roster_field in enumerate(FIELDS, start=1):
        letter = get_column_letter(index)
        if roster_field.kind in lists and (roster_field.kind != CELL or cell_count):
            lists[roster_field.kind].add(f"{letter}2:{letter}{last}")
    for validation in lists.values():
        if validation.sqref:
            sheet.data_validations.append(validation)  # write-only sheets have no add_data_validation()


def _cells_sheet(sheet, cells: list[tuple[str, str]]) -> None:
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 20, 50
    bold = Font(bold=True)
    header = [WriteOnlyCell(sheet, value=text) for text in ("Mã chi bộ", "Tên chi bộ")]
    for cell in header:
        cell.font = bold
    sheet.append(header)
    for code, name in cells:
        sheet.append(_row(sheet, [code, name], {}))


def _instructions_sheet(sheet) -> None:
    sheet.column_dimensions["A"].width = 110
    title = WriteOnlyCell(sheet, value=INSTRUCTIONS[0])
    title.font = Font(bold=True, size=13)
    sheet.append([title])
    for line in INSTRUCTIONS[1:]:
        sheet.append([line])


def person_row(person, units_by_id: dict[int, str], founded_by_id: dict | None = None) -> dict[str, object]:
    """A Person's values by roster field key, as the template writes them (with the founding date of his or her
    chi bộ, from `founded_by_id`)."""
    row: dict[str, object] = {}
    for roster_field in FIELDS:
        if roster_field.kind == FOUNDING:
            row[roster_field.key] = (founded_by_id or {}).get(person.cell_id)
            continue
        value = getattr(person, roster_field.column)
        if roster_field.kind == CELL:
            value = units_by_id.get(value)
        elif roster_field.kind == YES_NO:
            value = "Có" if value else None
        row[roster_field.key] = value
    return row


def roster_export(cycle) -> bytes:
    """The cycle's whole roster in the template's layout: plain columns, no ORM objects, written row by row
    (bench/bench_roster_export.py)."""
    from types import SimpleNamespace

    from kdweb.extensions import db
    from kdweb.models import Person, Unit

    codes = dict(db.session.execute(db.select(Unit.id, Unit.code)).all())
    founded = dict(db.session.execute(db.select(Unit.id, Unit.founded_on).where(Unit.founded_on.is_not(None))).all())
    columns = sorted({roster_field.column for roster_field in FIELDS if roster_field.kind != FOUNDING})
    query = db.select(*(getattr(Person, name) for name in columns)).filter_by(cycle_id=cycle.id).order_by(Person.code)
    rows = [person_row(SimpleNamespace(**record._mapping), codes, founded) for record in db.session.execute(query)]
    return roster_workbook(member_cells(cycle), rows)


def member_cells(cycle) -> list[tuple[str, str]]:
    """The chi bộ the roster file's dropdown offers, (code, name): active, and in force at the cycle's review date
    (every active one without a cycle). Only a suggestion: the dropdown lets any text through, and the import
    takes a chi bộ out of force with a warning."""
    from kdweb.services.admin.roster_mapping import CELL_KINDS
    from kdweb.services.admin.units import unit_tree

    day = cycle.review_date if cycle is not None else None
    return [(row.unit.code, row.unit.name) for row in unit_tree()
            if row.unit.active and row.unit.kind in CELL_KINDS and row.unit.valid_on(day)]
