"""Roster files built in memory, as an admin's spreadsheet program would save them."""
import csv
import io

import tablib
from openpyxl import Workbook

HEADERS = ["STT", "Số thẻ đảng viên", "Họ và tên", "Ngày sinh", "Giới tính", "Chi bộ", "Ngày vào Đảng",
           "Đảng viên dự bị", "Chức vụ"]


def xlsx(rows, title="Danh sách", extra_sheets=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for name, extra_rows in extra_sheets:
        other = book.create_sheet(name)
        for row in extra_rows:
            other.append(list(row))
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def ods(rows) -> bytes:
    width = max(len(row) for row in rows)
    dataset = tablib.Dataset(title="Danh sách")
    for row in rows:
        dataset.append([("" if value is None else value) for value in row] + [""] * (width - len(row)))
    return dataset.export("ods")


def csv_bytes(rows, delimiter=",", encoding="utf-8-sig") -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream, delimiter=delimiter)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return stream.getvalue().encode(encoding)
