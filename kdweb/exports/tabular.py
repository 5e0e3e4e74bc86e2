"""The report's tables as .csv, .ods and .json, through tablib.

.csv holds every table in one sheet, one row per table row, with the subject kind and the row type in front;
.ods has a sheet per table like the .xlsx; .json has the .csv's rows under stable ASCII keys, and the report's
year, basis and missing units around them. Text goes through `safe_cells` in .csv and .ods.
"""
from __future__ import annotations

import csv
import io
import json

from decimal import Decimal

import tablib

from kdweb.exports.safe_cells import neutralise_row
from kdweb.exports.xlsx_report import BREAKDOWN_SHEET_NAMES, MISSING_SHEET_NAME, QUOTA_SHEET_NAMES, SHEET_NAMES
from kdweb.reports import KIND_TEXTS, Report, group_label
from kdweb.reports.vocabulary import MEMBER, UNIT_GROUP_TEXT
from kdweb.reports.columns import columns, quota_columns
from kdweb.reports.tables import KindTable, TableRow

ROW_TYPE_TEXTS = {"unit": "Đơn vị", "group": "Cộng nhóm", "total": "Tổng cộng", "rating_group": "Theo nhóm đối tượng"}
QUOTA_LEAD_COLUMNS = (("kind", "Đối tượng"), ("row_type", "Loại dòng"))
QUOTA_ROW_TYPE_TEXTS = {"rating_group": "Nhóm tính tỷ lệ", "total": "Tổng cộng"}
LEAD_COLUMNS = (("kind", "Đối tượng"), ("row_type", "Loại dòng"), ("group", "Nhóm"), ("unit_code", "Mã đơn vị"))
MISSING_COLUMNS = (("code", "Mã đơn vị"), ("name", "Đơn vị"), ("group", UNIT_GROUP_TEXT),
                   ("status", "Tình trạng"))


CSV_DELIMITER = ";"  # the list separator of a vi-VN spreadsheet, whose decimal separator is the comma


def report_csv(report: Report) -> bytes:
    """Self-describing and in the convention a vi-VN spreadsheet reads: a header block (title, year, basis,
    coverage, date), a blank line, the table with ";" between columns and a decimal comma, then the notes.
    UTF-8 with a byte-order mark, so that Excel reads the Vietnamese text right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    for line in csv_header_block(report):
        writer.writerow(neutralise_row(line))
    writer.writerow([])
    dataset = flat_dataset(report, safe=True)
    writer.writerow(dataset.headers)
    percent_columns = {index for index, column in enumerate(columns(scored=report.scored), len(LEAD_COLUMNS))
                       if column.type in ("percent", "score")}
    for row in dataset:
        writer.writerow([_decimal_comma(value) if index in percent_columns else _plain(value)
                         for index, value in enumerate(row)])
    if report.scored:
        quota = quota_dataset(report, safe=True)
        decimal_columns = {index for index, column in enumerate(quota_columns(report.quota_shares),
                                                                len(QUOTA_LEAD_COLUMNS))
                           if column.type == "percent"}
        writer.writerow([])
        writer.writerow(neutralise_row([report.quota_shares.title.upper()]))
        writer.writerow(quota.headers)
        for row in quota:
            writer.writerow([_decimal_comma(value) if index in decimal_columns else _plain(value)
                             for index, value in enumerate(row)])
    notes = report.every_note
    if notes:
        writer.writerow([])
        for note in notes:
            writer.writerow(neutralise_row(["Ghi chú", note]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_header_block(report: Report) -> list[list]:
    day = report.generated_on
    return [
        [f"BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM {report.year}"],
        ["Năm", str(report.year)],
        ["Cơ sở số liệu", report.basis_text],
        ["Đơn vị có số liệu", f"{report.reported_count}/{report.expected_count}"],
        ["Ngày lập", f"{day.day:02d}/{day.month:02d}/{day.year}"],
        ["Số thập phân", "dấu phẩy (ví dụ 33,33); các cột cách nhau dấu chấm phẩy"],
    ]


def _decimal_comma(value) -> str:
    return "" if value is None or value == "" else str(value).replace(".", ",")


def _plain(value) -> str:
    return "" if value is None else str(value)


def report_ods(report: Report) -> bytes:
    book = tablib.Databook()
    for table in report.tables:
        book.add_sheet(table_dataset(table, table.rows, SHEET_NAMES[table.kind], report.scored))
    for table in report.tables:
        if table.rating_group_rows:
            book.add_sheet(table_dataset(table, table.rating_group_rows, BREAKDOWN_SHEET_NAMES[table.kind],
                                         report.scored))
    for table in report.tables:
        if table.quota_rows:
            quota = quota_columns(report.quota_shares)
            dataset = tablib.Dataset(headers=[column.header for column in quota], title=QUOTA_SHEET_NAMES[table.kind])
            for row in table.quota_rows:
                dataset.append(neutralise_row([column.value(row) for column in quota]))
            book.add_sheet(dataset)
    book.add_sheet(missing_dataset(report, keys=False))
    return book.export("ods")


def report_json(report: Report) -> str:
    document = {
        "year": report.year,
        "basis": report.basis,
        "basis_text": report.basis_text,
        "generated_on": report.generated_on.isoformat(),
        "reported_units": report.reported_count,
        "expected_units": report.expected_count,
        "notes": report.every_note,
        "rows": json.loads(flat_dataset(report, keys=True, safe=False).export("json")),
        "missing_units": json.loads(missing_dataset(report, keys=True).export("json")),
    }
    if report.scored:
        document["quota_groups"] = json.loads(quota_dataset(report, keys=True, safe=False).export("json"))
    return json.dumps(document, ensure_ascii=False, indent=1)


def flat_dataset(report: Report, *, keys: bool = False, safe: bool = True) -> tablib.Dataset:
    cols = columns(scored=report.scored)
    dataset = tablib.Dataset(headers=[key if keys else text for key, text in LEAD_COLUMNS]
                             + [column.key if keys else column.header for column in cols])
    for table in report.tables:
        rows = [*table.rows, *(row for row in table.rating_group_rows if row.row_type == "rating_group")]
        table_cols = columns(table.kind, scored=report.scored)
        for row in rows:
            values = [table.kind if keys else KIND_TEXTS[table.kind],
                      row.row_type if keys else ROW_TYPE_TEXTS[row.row_type],
                      _group_text(row, keys), row.unit_code if keys else (row.unit_code or "")]
            values += [column.value(row) for column in table_cols]
            dataset.append(neutralise_row(values) if safe else values)
    return dataset


def quota_dataset(report: Report, *, keys: bool = False, safe: bool = True) -> tablib.Dataset:
    """HTXSNV per quota group of every kind (docs/rulebook-366.md §5), one row per group and a total per kind."""
    cols = quota_columns(report.quota_shares)
    dataset = tablib.Dataset(headers=[key if keys else text for key, text in QUOTA_LEAD_COLUMNS]
                             + [column.key if keys else column.header for column in cols])
    for table in report.tables:
        for row in table.quota_rows:
            values = [table.kind if keys else KIND_TEXTS[table.kind],
                      row.row_type if keys else QUOTA_ROW_TYPE_TEXTS[row.row_type]]
            values += [_json_number(column.value(row)) if keys else column.value(row) for column in cols]
            dataset.append(neutralise_row(values) if safe else values)
    return dataset


def _json_number(value):
    return float(value) if isinstance(value, Decimal) else value


def table_dataset(table: KindTable, rows, title: str, scored: bool = False) -> tablib.Dataset:
    cols = columns(table.kind, scored=scored)
    headers = [column.header for column in cols]
    if rows and rows[0].row_type == "rating_group":
        headers[1] = table.rating_group_title
    dataset = tablib.Dataset(headers=headers, title=title)
    for row in rows:
        dataset.append(neutralise_row([column.value(row) for column in cols]))
    return dataset


def missing_dataset(report: Report, *, keys: bool) -> tablib.Dataset:
    dataset = tablib.Dataset(headers=[key if keys else text for key, text in MISSING_COLUMNS],
                             title=MISSING_SHEET_NAME)
    for unit in report.missing:
        values = [unit.code, unit.name, unit.group if keys else group_label(unit.group), unit.state_text]
        dataset.append(values if keys else neutralise_row(values))
    return dataset


def _group_text(row: TableRow, keys: bool) -> str | None:
    if row.row_type == "rating_group":
        return row.rating_group if keys else (row.rating_group or "")
    if row.row_type == "total":
        return None if keys else ""
    return row.group if keys else group_label(row.group)
