"""Read a roster file (.xlsx, .ods or .csv) into rows, every row and column in its place.

A row error must name the row and column the admin sees, so positions are kept: row 1 of the file is `rows[0]`,
column A is index 0, blank rows and cells stay (as None) wherever data follows them. Spreadsheets go through
calamine, as uploads do (an .xlsx first through the uploads' guards against zip and XML bombs and absurd sizes);
.csv through the standard csv module, its separator found by csv.Sniffer.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from itertools import islice

from python_calamine import CalamineWorkbook, PasswordError

from kdweb.excel import sniff
from kdweb.excel.problems import Refusal
from kdweb.excel.safety import Limits, check_upload

MAX_ROWS = 50_000
MAX_COLUMNS = 200
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ODS_CONTENT_BYTES = 64 * 1024 * 1024  # calamine holds the sheet's cells in memory
EXTENSIONS = (".xlsx", ".ods", ".csv")
FORMATS_TAKEN = "Chỉ nhận tệp .xlsx, .ods hoặc .csv."
# Markup a spreadsheet program saved with a spreadsheet's name: told as the workbook upload tells it, by its guards.
_SAVED_AS_MARKUP = ("E-WEB-PAGE", "E-XML-2003")
_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_SPARE_ROWS = 1000  # trailing blank rows (formatted, not filled) read before a sheet counts as too long
_GUARDS = Limits(max_upload_bytes=2**62, max_rows=MAX_ROWS + _SPARE_ROWS, max_columns=MAX_COLUMNS)
_TOO_LARGE = f"Tệp có quá nhiều dòng hoặc cột (tối đa {MAX_ROWS} dòng, {MAX_COLUMNS} cột)."
_GUARD_MESSAGES = {
    "E-DIMENSION": _TOO_LARGE,
    "E-TOO-MANY-CELLS": _TOO_LARGE,
    "E-STRING-BOMB": "Tệp có một đoạn chữ rất dài lặp lại ở rất nhiều ô nên không được đọc.",
    "E-ZIP-BOMB": "Tệp giải nén quá lớn.",
    "E-XML-BOMB": "Tệp có cấu trúc bất thường (khai báo DOCTYPE/ENTITY) nên không được đọc.",
    "E-ENCRYPTED": "Tệp đang đặt mật khẩu; hãy gỡ mật khẩu, lưu lại rồi tải lên.",
    "E-MACRO": "Tệp có chứa macro; hãy lưu thành .xlsx không có macro rồi tải lên.",
    "E-XLSB": "Tệp .xlsb không được hỗ trợ; hãy lưu thành .xlsx rồi tải lên.",
}


class RosterFileError(ValueError):
    """The file cannot be read as a roster; the message says why, in Vietnamese."""


@dataclass
class Sheet:
    title: str
    rows: list[list[object]]  # rows[0] is the file's row 1; an empty cell is None


def read_roster_file(filename: str, content: bytes) -> list[Sheet]:
    """The file's sheets, each with its rows in place; RosterFileError when it cannot be read."""
    kind = _kind(filename, content)
    try:
        if kind == "csv":
            return [Sheet("CSV", _csv_rows(_decode(content)))]
        if kind == "xlsx":
            check_upload(content, _GUARDS)
        return _spreadsheet(content)
    except RosterFileError:
        raise
    except Refusal as refusal:
        message = _GUARD_MESSAGES.get(refusal.problem.code)
        raise RosterFileError(message or _damaged(filename)) from None
    except PasswordError:
        raise RosterFileError(_GUARD_MESSAGES["E-ENCRYPTED"]) from None
    except (KeyboardInterrupt, SystemExit, MemoryError):
        raise
    except BaseException as error:  # noqa: BLE001 - a damaged file fails inside calamine (a Rust panic too) or csv
        raise RosterFileError(_damaged(filename)) from error


def _damaged(filename: str) -> str:
    return f"Không đọc được tệp “{filename}”: tệp bị hỏng hoặc không đúng định dạng."


def _spreadsheet(content: bytes) -> list[Sheet]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        sheets = []
        for name in workbook.sheet_names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False, nrows=MAX_ROWS + _SPARE_ROWS + 1)
            sheets.append(Sheet(name, _in_place([[None if value == "" else value for value in row] for row in rows])))
        return sheets
    finally:
        workbook.close()


def _csv_rows(text: str) -> list[list[object]]:
    lines = io.StringIO(text, newline="")
    rows = [[value if value != "" else None for value in row]
            for row in islice(csv.reader(lines, dialect=_dialect(text)), MAX_ROWS + _SPARE_ROWS + 1)]
    return _in_place(rows)


def _dialect(text: str):
    """The separator Excel used (',' or, in some locales, ';'; tab for "Unicode text"), as csv.Sniffer finds it
    in the first lines; ',' when it cannot tell."""
    sample = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _in_place(rows: list[list[object]]) -> list[list[object]]:
    """Trailing blank rows dropped, every row as wide as the widest; too many rows or columns refused."""
    while rows and all(_blank(value) for value in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    if len(rows) > MAX_ROWS or width > MAX_COLUMNS:
        raise RosterFileError(_TOO_LARGE)
    return [row + [None] * (width - len(row)) for row in rows]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _kind(filename: str, content: bytes) -> str:
    """What the bytes are (never the name alone): an .xlsx or .ods package, or text for .csv."""
    found = sniff.sniff(content)
    if found == sniff.EMPTY:
        raise RosterFileError("Tệp rỗng.")
    if found == sniff.ZIP:
        return _package_kind(content)
    advice = markup_advice(content)
    if advice:
        raise RosterFileError(advice)
    if found == sniff.TEXT and filename.lower().endswith(".csv"):
        return "csv"
    if found == sniff.OLE2_XLS:
        raise RosterFileError("Tệp .xls (Excel 97–2003) không được hỗ trợ; hãy lưu lại thành .xlsx rồi tải lên.")
    raise RosterFileError(FORMATS_TAKEN)


def markup_advice(content: bytes) -> str | None:
    """For a spreadsheet saved by Excel as a web page (.htm, .mht) or as XML Spreadsheet 2003, whatever its name:
    what it is and how to save it as .xlsx, in the workbook upload's words (its guards tell it); else None."""
    if sniff.sniff(content) != sniff.TEXT:
        return None
    try:
        check_upload(content, _GUARDS)
    except Refusal as refusal:
        return refusal.problem.message if refusal.problem.code in _SAVED_AS_MARKUP else None
    return None


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
    raise RosterFileError(FORMATS_TAKEN)


def _decode(content: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 as Excel's "Unicode text" saves it, else Windows-1258."""
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return content.decode("utf-16")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1258", errors="replace")
