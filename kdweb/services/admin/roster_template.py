"""The roster workbook an admin downloads: Vietnamese headers the importer recognises, dropdowns, date formats."""
from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kdweb.exports.safe_cells import append_row
from kdweb.extensions import db
from kdweb.models import Person, Unit
from kdweb.services.admin.roster_mapping import CELL, DATE, FIELDS, GENDER, YES_NO

ROSTER_SHEET = "Danh sách đảng viên"
CELLS_SHEET = "Danh mục chi bộ"
VALIDATED_ROWS = 20_000
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WIDTHS = {"code": 16, "full_name": 28, "cell": 18, "temporary_cell": 18, "post": 30}

INSTRUCTIONS = (
    "Hướng dẫn điền danh sách đảng viên",
    "",
    "• Mỗi dòng là một đảng viên; không đổi tên các cột ở dòng tiêu đề (có thể bỏ bớt cột không dùng).",
    "• Bắt buộc: Mã đảng viên (số thẻ), Họ và tên, Chi bộ. Mã đảng viên không được trùng nhau.",
    "• Chi bộ: ghi mã chi bộ (xem trang “Danh mục chi bộ”) hoặc đúng tên chi bộ.",
    "• Ngày: ghi theo dạng ngày/tháng/năm, ví dụ 15/12/1980 (hoặc nhập ô kiểu ngày).",
    "• Các cột Có/Không: ghi “Có” hoặc để trống (trống là Không).",
    "• Nhập lại cùng một tệp không tạo bản ghi trùng: đảng viên được nhận ra theo mã.",
)


def roster_workbook(cells: list[tuple[str, str]], persons: list[dict] | None = None) -> bytes:
    """The template (persons=None) or the current roster in the same layout, as .xlsx bytes."""
    book = Workbook()
    sheet = book.active
    sheet.title = ROSTER_SHEET
    sheet.append([roster_field.label for roster_field in FIELDS])
    for index, roster_field in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = _WIDTHS.get(roster_field.key, 14)
    sheet.freeze_panes = "A2"
    for person in persons or ():
        append_row(sheet, [person.get(roster_field.key) for roster_field in FIELDS])
    _formats_and_dropdowns(sheet, len(cells), len(persons or ()) + 1)
    _cells_sheet(book.create_sheet(CELLS_SHEET), cells)
    _instructions_sheet(book.create_sheet("Hướng dẫn"))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _formats_and_dropdowns(sheet, cell_count: int, last_row: int) -> None:
    last = max(VALIDATED_ROWS, last_row)
    lists = {
        YES_NO: DataValidation(type="list", formula1='"Có,Không"', allow_blank=True),
        GENDER: DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True),
        CELL: DataValidation(type="list", formula1=f"'{CELLS_SHEET}'!$A$2:$A${cell_count + 1}", allow_blank=True,
                             showErrorMessage=False),
    }
    for validation in lists.values():
        sheet.add_data_validation(validation)
    for index, roster_field in enumerate(FIELDS, start=1):
        letter = get_column_letter(index)
        if roster_field.kind in lists and (roster_field.kind != CELL or cell_count):
            lists[roster_field.kind].add(f"{letter}2:{letter}{last}")
        number_format = "DD/MM/YYYY" if roster_field.kind == DATE else "@" if roster_field.key == "code" else None
        if number_format:
            for row in range(2, last_row + 1):
                sheet.cell(row=row, column=index).number_format = number_format
            sheet.column_dimensions[letter].number_format = number_format


def _cells_sheet(sheet, cells: list[tuple[str, str]]) -> None:
    sheet.append(["Mã chi bộ", "Tên chi bộ"])
    for code, name in cells:
        append_row(sheet, [code, name])
    sheet["A1"].font = sheet["B1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 20, 50


def _instructions_sheet(sheet) -> None:
    for line in INSTRUCTIONS:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.column_dimensions["A"].width = 110


def person_row(person, units_by_id: dict[int, str]) -> dict[str, object]:
    """A Person's values by roster field key, as the template writes them."""
    row: dict[str, object] = {}
    for roster_field in FIELDS:
        value = getattr(person, roster_field.column)
        if roster_field.kind == CELL:
            value = units_by_id.get(value)
        elif roster_field.kind == YES_NO:
            value = "Có" if value else None
        row[roster_field.key] = value
    return row


def export_rows(cycle) -> list[dict[str, object]]:
    """Every member of the cycle's roster, by code, as the roster template's rows."""
    codes = dict(db.session.execute(db.select(Unit.id, Unit.code)).all())
    persons = db.session.execute(db.select(Person).filter_by(cycle_id=cycle.id).order_by(Person.code)).scalars()
    return [person_row(person, codes) for person in persons]
