"""Reading roster files (calamine for .xlsx and .ods, csv for .csv) with every row and column in its place."""
import io
import zipfile
from datetime import date, datetime

import pytest
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableHeaderRows, TableRow
from odf.text import P
from openpyxl import Workbook

from kdweb.services.admin.roster_file import MAX_ROWS, RosterFileError, read_roster_file
from tests.admin.files import csv_bytes, ods, xlsx
from tests.excel import files


def test_xlsx_keeps_dates_and_row_positions():
    content = xlsx([["Tiêu đề"], [], ["Mã", "Ngày"], ["DV1", date(1980, 12, 15)]],
                   extra_sheets=[("Khác", [["x"]])])
    sheets = read_roster_file("ds.xlsx", content)
    assert [sheet.title for sheet in sheets] == ["Danh sách", "Khác"]
    rows = sheets[0].rows
    assert rows[2] == ["Mã", "Ngày"]
    assert rows[3][0] == "DV1" and rows[3][1] in (date(1980, 12, 15), datetime(1980, 12, 15))
    assert rows[1] == [None, None]


def test_ods_from_tablib_reads_back():
    sheets = read_roster_file("ds.ods", ods([["Mã", "Ngày"], ["DV1", date(1980, 12, 15)]]))
    assert sheets[0].rows == [["Mã", "Ngày"], ["DV1", date(1980, 12, 15)]]


def _cell(text=None, repeat=None, **attributes):
    cell = TableCell(numbercolumnsrepeated=repeat, **attributes) if repeat else TableCell(**attributes)
    if text is not None:
        cell.addElement(P(text=text))
    return cell


def _row(*cells, repeat=None):
    row = TableRow(numberrowsrepeated=repeat) if repeat else TableRow()
    for cell in cells:
        row.addElement(cell)
    return row


def test_ods_as_libreoffice_writes_it_keeps_columns_and_blank_rows():
    """LibreOffice writes runs of empty cells and rows as one repeated element; tablib alone would shift them."""
    document = OpenDocumentSpreadsheet()
    table = Table(name="Trang 1")
    header = TableHeaderRows()
    header.addElement(_row(_cell("Mã", valuetype="string"), _cell("Tên", valuetype="string"),
                           _cell("Chi bộ", valuetype="string"), _cell("Số", valuetype="string")))
    table.addElement(header)
    table.addElement(_row(_cell("DV1", valuetype="string"), _cell(repeat=2), _cell("1.234,5", valuetype="float", value="1234.5"),
                          _cell(repeat=1020)))
    table.addElement(_row(_cell(repeat=1024), repeat=2))
    table.addElement(_row(_cell("DV2", valuetype="string"), _cell("Bình", valuetype="string"), repeat=2))
    table.addElement(_row(_cell(repeat=1024), repeat=1048570))
    document.spreadsheet.addElement(table)
    stream = io.BytesIO()
    document.save(stream)
    rows = read_roster_file("ds.ods", stream.getvalue())[0].rows
    assert rows == [["Mã", "Tên", "Chi bộ", "Số"], ["DV1", None, None, 1234.5], [None] * 4, [None] * 4,
                    ["DV2", "Bình", None, None], ["DV2", "Bình", None, None]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_any_usual_delimiter_keeps_blank_rows(delimiter):
    content = csv_bytes([["Mã", "Họ và tên"], ["DV1", "Nguyễn Văn An"], [], ["DV2", "Trần Thị Bình"]], delimiter)
    rows = read_roster_file("ds.csv", content)[0].rows
    assert rows[0] == ["Mã", "Họ và tên"]
    assert rows[1] == ["DV1", "Nguyễn Văn An"]
    assert rows[2] == [None, None]
    assert rows[3] == ["DV2", "Trần Thị Bình"]


def test_csv_in_utf16_as_excel_unicode_text():
    content = "Mã\tHọ và tên\r\nDV1\tNguyễn Văn An\r\n".encode("utf-16")
    assert read_roster_file("ds.csv", content)[0].rows[1] == ["DV1", "Nguyễn Văn An"]


@pytest.mark.parametrize("name, content, message", [
    ("ds.xlsx", b"", "Tệp rỗng"),
    ("ds.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le") + b"\x00" * 100, ".xls"),
    ("ds.xlsx", b"PK\x03\x04 not really a zip", "hỏng"),
    ("ds.pdf", b"%PDF-1.4 ...", "Chỉ nhận"),
    ("ds.txt", b"Ma,Ten\nDV1,An\n", "Chỉ nhận"),
])
def test_unreadable_files_are_refused_in_vietnamese(name, content, message):
    with pytest.raises(RosterFileError, match=message):
        read_roster_file(name, content)


def test_a_zip_that_is_no_spreadsheet_is_refused():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(RosterFileError, match="Chỉ nhận"):
        read_roster_file("ds.xlsx", stream.getvalue())


def test_too_many_rows_is_refused():
    content = ("Mã\n" + "DV\n" * (MAX_ROWS + 5)).encode()
    with pytest.raises(RosterFileError, match="quá nhiều dòng"):
        read_roster_file("ds.csv", content)


def test_xlsx_rows_longer_than_the_first_and_data_away_from_a1_keep_their_places():
    """calamine, like the admin's spreadsheet, counts rows and columns from A1 whatever the used range."""
    book = Workbook()
    sheet = book.active
    sheet["C3"], sheet["D3"] = "Mã", "Họ và tên"
    sheet["C4"], sheet["D4"], sheet["F4"] = "DV1", "Nguyễn Văn An", 12
    stream = io.BytesIO()
    book.save(stream)
    rows = read_roster_file("ds.xlsx", stream.getvalue())[0].rows
    assert rows[:2] == [[None] * 6, [None] * 6]
    assert rows[2] == [None, None, "Mã", "Họ và tên", None, None]
    assert rows[3][2:4] == ["DV1", "Nguyễn Văn An"] and rows[3][5] == 12


def test_xlsx_goes_through_the_upload_guards():
    bomb = files.dense_bomb(xlsx([["Mã"], ["DV1"]]))
    with pytest.raises(RosterFileError, match="giải nén quá lớn"):
        read_roster_file("ds.xlsx", bomb)
    doctype = files.patch_part(xlsx([["Mã"], ["DV1"]]), "xl/workbook.xml", rb"^<workbook",
                               b'<!DOCTYPE x [<!ENTITY a "b">]><workbook')
    with pytest.raises(RosterFileError, match="DOCTYPE"):
        read_roster_file("ds.xlsx", doctype)


def test_csv_quoted_fields_may_hold_the_separator():
    content = 'Mã;Họ và tên;Chức vụ\r\nDV1;"Nguyễn Văn An";"Bí thư; Chủ tịch"\r\n'.encode()
    assert read_roster_file("ds.csv", content)[0].rows == [["Mã", "Họ và tên", "Chức vụ"],
                                                          ["DV1", "Nguyễn Văn An", "Bí thư; Chủ tịch"]]


def test_a_csv_of_one_column_reads_as_one_column():
    assert read_roster_file("ds.csv", "Mã\nDV1\nDV2\n".encode())[0].rows == [["Mã"], ["DV1"], ["DV2"]]
