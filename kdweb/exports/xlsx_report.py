"""The report as a formatted .xlsx in the official layout: title block, three-row merged headers, numbered
columns, group and total rows in bold, A4 landscape fitted to the page width, headers repeated on every page.
"""
from __future__ import annotations

from dataclasses import dataclass
from copy import copy
from io import BytesIO
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from kdweb.exports.page_setup import fit_to_a4, number_pages
from kdweb.exports.safe_cells import set_text
from kdweb.domain import SubjectKind
from kdweb.reports import KIND_TEXTS, Report, group_label
from kdweb.reports.vocabulary import UNIT_GROUP_TEXT
from kdweb.reports.columns import columns, header_cells, quota_columns
from kdweb.reports.tables import KindTable, TableRow

FONT = "Times New Roman"
COUNT_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
HEADER_TOP = 7  # three header rows, then the row of column numbers
FIRST_DATA_ROW = HEADER_TOP + 4
SHEET_NAMES = {kind.code: kind.short for kind in SubjectKind}
BREAKDOWN_SHEET_NAMES = {kind.code: f"{kind.short} theo {kind.group_short}"
                         for kind in SubjectKind if kind.group_short}
QUOTA_SHEET_NAMES = {kind.code: f"Tỷ lệ HTXSNV - {kind.short}" for kind in SubjectKind}
MISSING_SHEET_NAME = "Đơn vị chưa có số liệu"
ROW_STYLES = {"unit": "body", "rating_group": "body", "group": "subtotal", "total": "total"}
_STYLE_ARRAYS: WeakKeyDictionary = WeakKeyDictionary()  # workbook → style name → its cell style array


@dataclass(frozen=True)
class Letterhead:
    committee: str = "QUẬN ỦY BA ĐÌNH"
    department: str = "BAN TỔ CHỨC"
    place: str = "Ba Đình"


def report_xlsx(report: Report, letterhead: Letterhead = Letterhead()) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    _add_styles(workbook)
    for table in report.tables:
        _table_sheet(workbook.create_sheet(SHEET_NAMES[table.kind]), report, letterhead, table, table.rows,
                     first_header="Đơn vị")
    for table in report.tables:
        if table.rating_group_rows:
            _table_sheet(workbook.create_sheet(BREAKDOWN_SHEET_NAMES[table.kind]), report, letterhead, table,
                         table.rating_group_rows, first_header=table.rating_group_title,
                         subtitle=f"Theo {table.rating_group_title.lower()}")
    for table in report.tables:
        if table.quota_rows:
            _table_sheet(workbook.create_sheet(QUOTA_SHEET_NAMES[table.kind]), report, letterhead, table,
                         table.quota_rows, first_header=None, subtitle=report.quota_shares.title,
                         cols=quota_columns(report.quota_shares))
    _missing_sheet(workbook.create_sheet(MISSING_SHEET_NAME), report, letterhead)
    workbook.properties.title = f"Báo cáo kết quả đánh giá, xếp loại chất lượng năm {report.year}"
    workbook.properties.creator = "kdweb"
    stream = BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def report_title(kind: str, year: int) -> str:
    return f"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG {KIND_TEXTS[kind].upper()} NĂM {year}"


def date_line(report: Report, letterhead: Letterhead) -> str:
    day = report.generated_on
    return f"{letterhead.place}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def basis_line(report: Report) -> str:
    return (f"Cơ sở số liệu: {report.basis_text} ({report.reported_count}/{report.expected_count} đơn vị "
            "có số liệu)")


def _table_sheet(sheet: Worksheet, report: Report, letterhead: Letterhead, table: KindTable, rows,
                 first_header: str | None, subtitle: str = "", cols=None) -> None:
    cols = cols or columns(table.kind, scored=report.scored)
    _title_block(sheet, report, letterhead, report_title(table.kind, report.year), subtitle, len(cols))
    _headers(sheet, cols, first_header)
    for offset, row in enumerate(rows):
        _data_row(sheet, FIRST_DATA_ROW + offset, row, cols)
    last = FIRST_DATA_ROW + len(rows) - 1
    notes = table.notes + report.notes
    _notes(sheet, last + 2, notes, get_column_letter(len(cols)))
    _page_setup(sheet, last + 2 + len(notes), [column.width for column in cols])


def _title_block(sheet: Worksheet, report: Report, letterhead: Letterhead, title: str, subtitle: str,
                 width: int) -> None:
    last = get_column_letter(width)
    # the issuing body on the left, the party's name and the date on the right: side by side, never overlapping
    left_end = min(6, width // 2)
    left = get_column_letter(left_end)
    right = get_column_letter(max(left_end + 1, width - 5))
    _merged(sheet, f"A1:{left}1", letterhead.committee, "letterhead")
    _merged(sheet, f"A2:{left}2", letterhead.department, "letterhead_bold")
    _merged(sheet, f"A3:{left}3", "*", "letterhead")
    _merged(sheet, f"{right}1:{last}1", "ĐẢNG CỘNG SẢN VIỆT NAM", "national")
    _merged(sheet, f"{right}2:{last}2", date_line(report, letterhead), "date_line")
    _merged(sheet, f"A4:{last}4", title, "title")
    _merged(sheet, f"A5:{last}5", basis_line(report), "basis")
    if subtitle:
        _merged(sheet, f"A6:{last}6", subtitle, "basis")
    sheet.row_dimensions[4].height = 36


def _headers(sheet: Worksheet, cols, first_header: str | None) -> None:
    """The three header rows, every span computed from the columns' header paths."""
    for cell in header_cells(cols, first_header):
        top, bottom = HEADER_TOP + cell.row, HEADER_TOP + cell.row + cell.rows - 1
        first, last = get_column_letter(cell.first + 1), get_column_letter(cell.last + 1)
        if (first, top) == (last, bottom):
            _styled(sheet.cell(top, cell.first + 1), cell.text, "header")
        else:
            _merged(sheet, f"{first}{top}:{last}{bottom}", cell.text, "header")
    for column in range(1, len(cols) + 1):
        _styled(sheet.cell(HEADER_TOP + 3, column), f"({column})", "number_header")
    sheet.row_dimensions[HEADER_TOP + 1].height = 48
    sheet.row_dimensions[HEADER_TOP + 2].height = 72


def _data_row(sheet: Worksheet, row_number: int, row: TableRow, cols) -> None:
    prefix = ROW_STYLES[row.row_type]
    for index, column in enumerate(cols, 1):
        cell = sheet.cell(row_number, index)
        value = column.value(row)
        if column.type == "count":
            _style(cell, prefix + "_count")
            cell.value = value
        elif column.type == "percent":
            _style(cell, prefix + "_percent")
            cell.value = None if value is None else float(value / 100)
        elif column.type == "score":
            _style(cell, prefix + "_count")
            cell.number_format = SCORE_FORMAT
            cell.value = None if value is None else float(value)
        else:
            _style(cell, prefix + ("_label" if column.key == "label" else "_text"))
            set_text(cell, value or None)


def _notes(sheet: Worksheet, row_number: int, notes, last_column: str = "U") -> None:
    for offset, note in enumerate(notes):
        _merged(sheet, f"A{row_number + offset}:{last_column}{row_number + offset}", f"Ghi chú: {note}", "note")
        sheet.row_dimensions[row_number + offset].height = 32


def _missing_sheet(sheet: Worksheet, report: Report, letterhead: Letterhead) -> None:
    headers = ["STT", "Mã đơn vị", "Đơn vị", UNIT_GROUP_TEXT, "Tình trạng"]
    width = len(headers)
    _title_block(sheet, report, letterhead, f"DANH SÁCH ĐƠN VỊ CHƯA CÓ SỐ LIỆU NĂM {report.year}", "", 6)
    for column, text in enumerate(headers, 1):
        _styled(sheet.cell(HEADER_TOP, column), text, "header")
    for offset, unit in enumerate(report.missing, 1):
        values = [str(offset), unit.code, unit.name, group_label(unit.group), unit.state_text]
        for column, value in enumerate(values, 1):
            _styled(sheet.cell(HEADER_TOP + offset, column), value, "body_label" if column == 3 else "body_text")
    for column, size in enumerate([6, 16, 44, 30, 20, 4], 1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    _print_setup(sheet, f"A1:{get_column_letter(width)}{HEADER_TOP + len(report.missing)}", f"{HEADER_TOP}:{HEADER_TOP}")


def _page_setup(sheet: Worksheet, last_row: int, widths: list[float]) -> None:
    for column, size in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(column)].width = size
    sheet.freeze_panes = f"C{FIRST_DATA_ROW}"
    _print_setup(sheet, f"A1:{get_column_letter(len(widths))}{last_row}", f"{HEADER_TOP}:{HEADER_TOP + 3}")


def _print_setup(sheet: Worksheet, area: str, title_rows: str) -> None:
    fit_to_a4(sheet)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.print_title_rows = title_rows
    sheet.print_area = area
    number_pages(sheet, FONT)


def _merged(sheet: Worksheet, area: str, text: str, style: str) -> None:
    sheet.merge_cells(area)
    for row in sheet[area]:
        for cell in row:
            _style(cell, style)
    set_text(sheet[area.partition(":")[0]], text)


def _styled(cell, text: str, style: str) -> None:
    _style(cell, style)  # first: a named style replaces the quote prefix that set_text may add
    set_text(cell, text)


def _style(cell, name: str) -> None:
    """Give the cell a named style; openpyxl looks names up slowly, so copy the first result."""
    cache = _STYLE_ARRAYS.setdefault(cell.parent.parent, {})
    if name not in cache:
        cell.style = name
        cache[name] = copy(cell._style)
    else:
        cell._style = copy(cache[name])


def _add_styles(workbook: Workbook) -> None:
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

    def add(name, size=12, bold=False, italic=False, underline=None, border=None, align=centre, fill=None,
            number_format="General"):
        workbook.add_named_style(NamedStyle(
            name=name, font=Font(name=FONT, size=size, bold=bold, italic=italic, underline=underline),
            border=border or Border(), alignment=align, number_format=number_format,
            fill=PatternFill("solid", start_color=fill, end_color=fill) if fill else PatternFill()))

    add("letterhead", size=13)
    add("letterhead_bold", size=13, bold=True)
    add("national", size=13, bold=True, underline="single")
    add("date_line", size=13, italic=True)
    add("title", size=14, bold=True)
    add("basis", size=12, italic=True)
    add("note", size=11, italic=True, align=Alignment(horizontal="left", vertical="top", wrap_text=True))
    add("header", size=11, bold=True, border=box, fill="F2F2F2")
    add("number_header", size=10, italic=True, border=box)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    for prefix, bold, fill in (("body", False, None), ("subtotal", True, "F2F2F2"), ("total", True, "D9D9D9")):
        add(f"{prefix}_text", size=11, bold=bold, border=box, fill=fill)
        add(f"{prefix}_label", size=11, bold=bold, border=box, fill=fill, align=left)
        add(f"{prefix}_count", size=11, bold=bold, border=box, fill=fill,
            align=Alignment(horizontal="right", vertical="center"), number_format=COUNT_FORMAT)
        add(f"{prefix}_percent", size=11, bold=bold, border=box, fill=fill,
            align=Alignment(horizontal="right", vertical="center"), number_format=PERCENT_FORMAT)
