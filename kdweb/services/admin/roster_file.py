"""Read a roster file (.xlsx, .ods or .csv) into rows, through tablib, keeping every row and column in place.

tablib's own readers lose positions: the .ods one drops blank rows and collapses repeated cells (two empty
cells side by side shift the rest of the row left), the .csv one drops blank rows, and the .xlsx one fails on
rows longer than the first. A row error must name the row and column the admin sees, so the sheet walkers
below keep positions; tablib still detects nothing by name, loads the book and converts each cell's value.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import tablib
from tablib.formats._csv import CSVFormat
from tablib.formats._ods import ODSFormat
from tablib.formats._xlsx import XLSXFormat

from kdweb.excel import sniff

MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ODS_CONTENT_BYTES = 64 * 1024 * 1024  # odfpy holds the whole content.xml as a tree in memory
EXTENSIONS = (".xlsx", ".ods", ".csv")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


class RosterFileError(ValueError):
    """The file cannot be read as a roster; the message says why, in Vietnamese."""


@dataclass
class Sheet:
    title: str
    rows: list[list[object]]  # rows[0] is the file's row 1


def _fill(dset: tablib.Dataset, rows: list[list[object]]) -> None:
    while rows and all(_blank(value) for value in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    if len(rows) > MAX_ROWS or width > MAX_COLUMNS:
        raise RosterFileError(f"Tệp có quá nhiều dòng hoặc cột (tối đa {MAX_ROWS} dòng, {MAX_COLUMNS} cột).")
    for row in rows:
        dset.append(list(row) + [None] * (width - len(row)))


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _XLSX(XLSXFormat):
    @classmethod
    def import_sheet(cls, dset, sheet, headers=False, skip_lines=0):
        dset.title = sheet.title
        rows = []
        # A declared range of thousands of columns (whole formatted columns) would be padded cell by cell.
        for row in sheet.iter_rows(max_col=min(sheet.max_column or MAX_COLUMNS, MAX_COLUMNS), values_only=True):
            rows.append(list(row))
            if len(rows) > MAX_ROWS + 1000:  # trailing formatted rows are trimmed; real data this long is refused
                break
        _fill(dset, rows)


class _ODS(ODSFormat):
    @classmethod
    def import_sheet(cls, dset, sheet, headers=False, skip_lines=0):
        dset.title = sheet.getAttribute("name")
        rows, pending_blank = [], 0
        for row in _table_rows(sheet):
            values = _row_values(cls, row)
            repeat = int(row.getAttribute("numberrowsrepeated") or 1)
            if all(_blank(value) for value in values):
                pending_blank += repeat  # blank rows count only when data follows them
                continue
            if len(rows) + pending_blank + repeat > MAX_ROWS:
                raise RosterFileError(f"Tệp có quá nhiều dòng (tối đa {MAX_ROWS} dòng).")
            rows.extend([[] for _ in range(pending_blank)])
            rows.extend(list(values) for _ in range(repeat))
            pending_blank = 0
        _fill(dset, rows)

    @classmethod
    def read_cell(cls, cell, value_type=None):
        """A number's value, not its displayed text ("1.234,5" in a Vietnamese locale)."""
        if value_type is None and getattr(cell, "qname", (None, None))[1] == "table-cell":
            if cell.getAttribute("valuetype") in ("float", "percentage", "currency") and cell.getAttribute("value"):
                return float(cell.getAttribute("value"))
        return super().read_cell(cell, value_type)


def _table_rows(element):
    """Rows of a table, also those inside header-row and row-group elements."""
    for child in element.childNodes:
        name = getattr(child, "qname", (None, None))[1]
        if name == "table-row":
            yield child
        elif name in ("table-header-rows", "table-row-group", "table-rows"):
            yield from _table_rows(child)


def _row_values(reader, row) -> list[object]:
    values, pending_blank = [], 0
    for cell in row.childNodes:
        if getattr(cell, "qname", (None, None))[1] not in ("table-cell", "covered-table-cell"):
            continue
        value = reader.read_cell(cell) if cell.childNodes or cell.getAttribute("valuetype") else None
        repeat = int(cell.getAttribute("numbercolumnsrepeated") or 1)
        if _blank(value):
            pending_blank += repeat
            continue
        if len(values) + pending_blank + repeat > MAX_COLUMNS:
            raise RosterFileError(f"Tệp có quá nhiều cột (tối đa {MAX_COLUMNS} cột).")
        values.extend([None] * pending_blank + [value] * repeat)
        pending_blank = 0
    return values


class _CSV(CSVFormat):
    @classmethod
    def import_set(cls, dset, in_stream, headers=False, skip_lines=0, **kwargs):
        dset.wipe()
        rows = []
        for row in csv.reader(in_stream, **kwargs):
            rows.append(row)
            if len(rows) > MAX_ROWS + 1000:
                break
        _fill(dset, rows)


def read_roster_file(filename: str, content: bytes) -> list[Sheet]:
    """The file's sheets, each with its rows in place; RosterFileError when it cannot be read."""
    kind = _kind(filename, content)
    try:
        if kind == "csv":
            dset = tablib.Dataset()
            text = _decode(content)
            _CSV.import_set(dset, io.StringIO(text, newline=""), delimiter=_delimiter(text))
            return [Sheet("CSV", [list(row) for row in dset])]
        book = tablib.Databook()
        (_XLSX if kind == "xlsx" else _ODS).import_book(book, io.BytesIO(content))
        return [Sheet(dset.title or "", [list(row) for row in dset]) for dset in book.sheets()]
    except RosterFileError:
        raise
    except Exception as error:  # a damaged file fails deep inside openpyxl, odfpy or csv, in many ways
        raise RosterFileError(f"Không đọc được tệp “{filename}”: tệp bị hỏng hoặc không đúng định dạng.") from error


def _kind(filename: str, content: bytes) -> str:
    """What the bytes are (never the name alone): an .xlsx or .ods package, or text for .csv."""
    found = sniff.sniff(content)
    if found == sniff.EMPTY:
        raise RosterFileError("Tệp rỗng.")
    if found == sniff.ZIP:
        return _package_kind(content)
    if found == sniff.TEXT and filename.lower().endswith(".csv"):
        return "csv"
    if found == sniff.OLE2_XLS:
        raise RosterFileError("Tệp .xls (Excel 97–2003) không được hỗ trợ; hãy lưu lại thành .xlsx rồi tải lên.")
    raise RosterFileError("Chỉ nhận tệp .xlsx, .ods hoặc .csv.")


def _package_kind(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise RosterFileError("Tệp giải nén quá lớn.")
            names = {info.filename for info in infos}
            if "mimetype" in names and archive.read("mimetype").startswith(_ODS_MIMETYPE):
                if "content.xml" in names and archive.getinfo("content.xml").file_size > MAX_ODS_CONTENT_BYTES:
                    raise RosterFileError("Tệp .ods quá lớn; hãy lưu thành .xlsx hoặc chia nhỏ tệp.")
                return "ods"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except zipfile.BadZipFile as error:
        raise RosterFileError("Tệp bị hỏng (không mở được gói nén).") from error
    raise RosterFileError("Chỉ nhận tệp .xlsx, .ods hoặc .csv.")


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 as Excel's "Unicode text" saves it, else Windows-1258."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1258", errors="replace")


def _delimiter(text: str) -> str:
    """The separator that splits the first lines into the most columns (Excel writes ';' in some locales)."""
    head = [line for line in text.splitlines()[:20] if line.strip()]

    def columns(delimiter):
        return sum(len(row) for row in csv.reader(head, delimiter=delimiter))

    return max((",", ";", "\t"), key=columns)
