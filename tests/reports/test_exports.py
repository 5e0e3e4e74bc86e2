""".xlsx, .csv, .ods and .json read back and compared with numbers counted independently from the fixture."""
import csv
import itertools
import io
import json
import re
from urllib.parse import unquote

import openpyxl
import pytest
import tablib

from tests.reports.scenario import (
    KINDS, LEVELS, RISKY_GROUP, RISKY_UNIT_NAME, expected_percent, expected_rows, missing_codes,
)

KIND_SHEETS = {"MEMBER": "Đảng viên", "ORGANISATION": "Tổ chức đảng", "COLLECTIVE": "Tập thể LĐQL",
               "LEADER": "Cán bộ LĐQL"}
BREAKDOWN_SHEETS = {"ORGANISATION": "Tổ chức đảng theo nhóm", "COLLECTIVE": "Tập thể LĐQL theo loại",
                    "LEADER": "Cán bộ LĐQL theo chức danh"}
KIND_TEXTS = {"MEMBER": "Đảng viên", "ORGANISATION": "Tổ chức đảng", "COLLECTIVE": "Tập thể lãnh đạo, quản lý",
              "LEADER": "Cá nhân cán bộ lãnh đạo, quản lý"}
# Column letters of the official layout: counts, then the percentage beside each level.
XLSX_COUNTS = {"roster": "C", "rated": "D", "HTXSNV": "E", "HTTNV": "G", "HTNV": "I", "KHTNV": "K", "not_rated": "N",
               "EXEMPT": "O", "SUSPENDED": "P", "NEW": "Q", "TEMPORARY": "R", "OTHER": "S", "disciplined": "T"}
XLSX_PERCENTS = {"HTXSNV": "F", "HTTNV": "H", "HTNV": "J", "KHTNV": "L"}
CSV_COUNTS = {
    "roster": "Tổng số", "rated": "Số được đánh giá, xếp loại", "HTXSNV": "HTXSNV - số lượng",
    "HTTNV": "HTTNV - số lượng", "HTNV": "HTNV - số lượng", "KHTNV": "KHTNV - số lượng",
    "not_rated": "Không xếp loại - tổng số", "EXEMPT": "Không xếp loại - Miễn công tác và sinh hoạt đảng",
    "SUSPENDED": "Không xếp loại - Đình chỉ sinh hoạt đảng",
    "NEW": "Không xếp loại - Mới kết nạp / mới thành lập chưa đủ 6 tháng",
    "TEMPORARY": "Không xếp loại - Khác: sinh hoạt tạm thời (xếp loại ở nơi sinh hoạt chính thức)",
    "OTHER": "Không xếp loại - Lý do khác", "disciplined": "Trong đó bị kỷ luật",
}
JSON_COUNTS = {measure: measure.lower() for measure in CSV_COUNTS}


def download(client, extension, basis=None):
    response = client.get(f"/reports/2026/report.{extension}" + (f"?basis={basis}" if basis else ""))
    assert response.status_code == 200
    return response


def xlsx_rows(sheet, scenario, kind_of_rows="unit"):
    """Row key → the row's cells, keyed like the fixture expectations."""
    by_name = {name: code for code, name in scenario.unit_names.items()}
    rows = {}
    for row in sheet.iter_rows(min_row=11):
        number, label = row[0].value, row[1].value
        if label is None or str(label).startswith("Ghi chú"):
            continue
        if label == "Tổng cộng toàn Đảng bộ":
            key = "total"
        elif kind_of_rows == "rating_group":
            key = f"rating_group:{label}"
        elif number.isdigit():
            key = f"unit:{by_name[label]}"
        else:
            key = "group:" + ("~" if label == "Cấp trên cơ sở" else label)
        rows[key] = {cell.column_letter: cell for cell in row}
    return rows


def assert_xlsx_row(cells, counts, where):
    for measure, letter in XLSX_COUNTS.items():
        assert cells[letter].value == counts[measure], (where, measure)
        assert cells[letter].number_format == "#,##0"
    for level, letter in XLSX_PERCENTS.items():
        expected = expected_percent(counts[level], counts["rated"])
        shown = cells[letter].value
        assert (None if shown is None else f"{shown * 100:.2f}") == expected, (where, level)
        assert cells[letter].number_format == "0.00%"
    ratio = cells["M"].value
    assert (None if ratio is None else f"{ratio * 100:.2f}") == expected_percent(counts["HTXSNV"], counts["HTTNV"])


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_xlsx_rows_and_totals_match_the_fixture(client, reviewer, scenario, basis):
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", basis).data))
    expected = expected_rows(scenario.results, basis, scenario.unit_groups)
    assert book.sheetnames == [*KIND_SHEETS.values(), *BREAKDOWN_SHEETS.values(), "Đơn vị chưa có số liệu"]
    for kind in KINDS:
        main = {key: counts for key, counts in expected[kind].items() if not key.startswith("rating_group:")}
        rows = xlsx_rows(book[KIND_SHEETS[kind]], scenario)
        if not main:
            assert set(rows) == {"total"} and rows["total"]["C"].value == 0
            continue
        assert set(rows) == set(main), kind
        for key, counts in main.items():
            assert_xlsx_row(rows[key], counts, (kind, key))
    for kind, title in BREAKDOWN_SHEETS.items():
        groups = {key: counts for key, counts in expected[kind].items() if key.startswith("rating_group:")}
        rows = xlsx_rows(book[title], scenario, "rating_group")
        assert set(rows) == set(groups) | {"total"}
        for key, counts in groups.items():
            assert_xlsx_row(rows[key], counts, (kind, key))
        if groups:
            assert_xlsx_row(rows["total"], expected[kind]["total"], (kind, "total"))
    missing = [row[1].value for row in book["Đơn vị chưa có số liệu"].iter_rows(min_row=8)]
    assert set(missing) == missing_codes(scenario.results, basis, scenario.unit_codes)


def test_xlsx_has_the_official_title_block_headers_and_print_setup(client, reviewer, scenario):
    sheet = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx").data))["Đảng viên"]
    assert sheet["A1"].value == "QUẬN ỦY BA ĐÌNH"
    assert sheet["A2"].value == "BAN TỔ CHỨC"
    assert sheet["P1"].value == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert re.fullmatch(r"Ba Đình, ngày \d\d tháng \d\d năm \d{4}", sheet["P2"].value)
    assert sheet["A4"].value == "BÁO CÁO KẾT QUẢ ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN NĂM 2026"
    assert sheet["A5"].value == ("Cơ sở số liệu: Kết quả đã được cấp trên duyệt (4/8 đơn vị có số liệu)")
    merged = {str(area) for area in sheet.merged_cells.ranges}
    assert {"A1:F1", "A4:U4", "A7:A9", "B7:B9", "C7:C9", "D7:D9", "E7:M7", "N7:S7", "E8:F8", "G8:H8", "I8:J8",
            "K8:L8", "M8:M9", "N8:N9", "O8:O9", "S8:S9", "T7:T9", "U7:U9"} <= merged
    headers = {cell.coordinate: cell.value for row in sheet["A7:U9"] for cell in row if cell.value}
    assert headers == {
        "A7": "STT", "B7": "Đơn vị", "C7": "Tổng số", "D7": "Số được đánh giá, xếp loại",
        "E7": "Kết quả đánh giá, xếp loại", "N7": "Không xếp loại", "T7": "Trong đó bị kỷ luật", "U7": "Ghi chú",
        "E8": "Hoàn thành xuất sắc nhiệm vụ (HTXSNV)", "G8": "Hoàn thành tốt nhiệm vụ (HTTNV)",
        "I8": "Hoàn thành nhiệm vụ (HTNV)", "K8": "Không hoàn thành nhiệm vụ (KHTNV)",
        "M8": "Tỷ lệ HTXSNV/HTTNV (%)", "N8": "Tổng số", "O8": "Miễn công tác và sinh hoạt đảng",
        "P8": "Đình chỉ sinh hoạt đảng", "Q8": "Mới kết nạp chưa đủ 6 tháng",
        "R8": "Khác: sinh hoạt tạm thời (xếp loại ở nơi sinh hoạt chính thức)", "S8": "Lý do khác",
        **{f"{letter}9": text for letter, text in zip("EFGHIJKL", ["Số lượng", "Tỷ lệ (%)"] * 4)},
    }
    assert [cell.value for cell in sheet[10]][:3] == ["(1)", "(2)", "(3)"]
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (int(sheet.page_setup.fitToWidth), int(sheet.page_setup.fitToHeight)) == (1, 0)
    assert sheet.print_title_rows == "$7:$10"
    assert sheet.freeze_panes == "C11"
    for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row):
        for cell in row:
            if cell.value is not None:
                assert cell.font.name == "Times New Roman", cell.coordinate
    rows = {cell.value: cell.row for cell in sheet["B"] if cell.row >= 11}
    assert sheet.cell(rows["Đảng bộ phường"], 3).font.b and sheet.cell(rows["Tổng cộng toàn Đảng bộ"], 3).font.b
    unit_row = rows["Đảng bộ phường Cống Vị"]
    assert not sheet.cell(unit_row, 3).font.b
    assert sheet.cell(unit_row, 3).border.left.style == "thin"
    assert any("sinh hoạt tạm thời" in str(cell.value) for cell in sheet["A"] if cell.row > unit_row)


def test_xlsx_neutralises_text_from_users(client, reviewer, scenario):
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx").data))
    labels = {cell.value: cell for cell in book["Đảng viên"]["B"]}
    risky = labels[RISKY_UNIT_NAME]
    assert risky.data_type == "s" and risky.quotePrefix
    group = {cell.value: cell for cell in book["Tập thể LĐQL theo loại"]["B"]}[RISKY_GROUP]
    assert group.data_type == "s" and group.quotePrefix
    assert not labels["Đảng bộ phường Cống Vị"].quotePrefix
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def read_csv(client, basis=None):
    """The table of the .csv: below its header block, up to the blank line before the notes."""
    text = download(client, "csv", basis).data.decode("utf-8-sig")
    lines = text.split("\r\n")
    start = next(index for index, line in enumerate(lines) if line.startswith("Đối tượng;"))
    end = lines.index("", start)
    return list(csv.DictReader(io.StringIO("\r\n".join(lines[start:end])), delimiter=";"))


def csv_block(client, basis=None):
    text = download(client, "csv", basis).data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def csv_key(row):
    kind = {text: kind for kind, text in KIND_TEXTS.items()}[row["Đối tượng"]]
    row_type = row["Loại dòng"]
    if row_type == "Đơn vị":
        return kind, f"unit:{row['Mã đơn vị']}"
    if row_type == "Cộng nhóm":
        return kind, "group:" + ("~" if row["Nhóm"] == "Cấp trên cơ sở" else row["Nhóm"])
    if row_type == "Theo nhóm đối tượng":
        return kind, "rating_group:" + row["Nhóm"].removeprefix("'")
    assert row_type == "Tổng cộng"
    return kind, "total"


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_csv_rows_match_the_fixture(client, reviewer, scenario, basis):
    expected = expected_rows(scenario.results, basis, scenario.unit_groups)
    rows = {csv_key(row): row for row in read_csv(client, basis)}
    wanted = {(kind, key) for kind in KINDS for key in expected[kind]}
    empty_totals = {(kind, "total") for kind in KINDS if not expected[kind]}
    assert set(rows) == wanted | empty_totals
    for (kind, key), row in rows.items():
        counts = expected[kind].get(key)
        if counts is None:
            assert row["Tổng số"] == "0"
            continue
        assert {measure: int(row[header]) for measure, header in CSV_COUNTS.items()} == counts, (kind, key)
        for level in LEVELS:
            percent = expected_percent(counts[level], counts["rated"])
            assert (row[f"{level} - tỷ lệ (%)"] or None) == (percent.replace(".", ",") if percent else None)


@pytest.mark.parametrize("basis, text", [("approved", "duyệt"), ("submitted", "nộp")])
def test_csv_says_what_it_is_above_the_table(client, reviewer, scenario, basis, text):
    rows = csv_block(client, basis)
    head = {row[0]: row[1] for row in rows[:7] if len(row) == 2}
    assert rows[0][0].startswith("BÁO CÁO") and "2026" in rows[0][0]
    assert head["Năm"] == "2026" and text in head["Cơ sở số liệu"]
    reported, expected = map(int, head["Đơn vị có số liệu"].split("/"))
    assert expected == len(scenario.unit_groups) and reported == expected - len(missing_codes(
        scenario.results, basis, scenario.unit_groups))
    assert "dấu phẩy" in head["Số thập phân"]
    assert any(row[:1] == ["Ghi chú"] and "không tính trùng" in row[1] for row in rows)


def test_csv_neutralises_text_from_users(client, reviewer, scenario):
    rows = read_csv(client)
    risky = next(row for row in rows if row["Mã đơn vị"] == "BD.DN01")
    assert risky["Đơn vị"] == "'" + RISKY_UNIT_NAME
    group = next(row for row in rows if row["Loại dòng"] == "Theo nhóm đối tượng" and "Nhóm tự đặt" in row["Nhóm"])
    assert group["Nhóm"] == "'" + RISKY_GROUP and group["Đơn vị"] == "'" + RISKY_GROUP
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")) and not re.match(r"-\D", value)


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_json_rows_match_the_fixture(client, reviewer, scenario, basis):
    document = json.loads(download(client, "json", basis).data)
    expected = expected_rows(scenario.results, basis, scenario.unit_groups)
    assert (document["year"], document["basis"]) == (2026, basis)
    assert {unit["code"] for unit in document["missing_units"]} == missing_codes(
        scenario.results, basis, scenario.unit_codes)
    assert document["reported_units"] + len(document["missing_units"]) == document["expected_units"] == 8
    seen = set()
    for row in document["rows"]:
        kind = row["kind"]
        if row["row_type"] == "unit":
            key = f"unit:{row['unit_code']}"
        elif row["row_type"] in ("group", "rating_group"):
            key = f"{row['row_type']}:{'~' if row['group'] is None else row['group']}"
        else:
            key = "total"
        seen.add((kind, key))
        counts = expected[kind].get(key)
        if counts is None:
            assert key == "total" and row["roster"] == 0
            continue
        assert {measure: row[name] for measure, name in JSON_COUNTS.items()} == counts, (kind, key)
        for level in LEVELS:
            assert row[f"{level.lower()}_percent"] == expected_percent(counts[level], counts["rated"])
        assert row["htxsnv_httnv_ratio"] == expected_percent(counts["HTXSNV"], counts["HTTNV"])
    assert seen >= {(kind, key) for kind in KINDS for key in expected[kind]}
    risky = next(row for row in document["rows"] if row["unit_code"] == "BD.DN01")
    assert risky["label"] == RISKY_UNIT_NAME  # JSON is data, not a spreadsheet: kept as sent


def test_ods_has_the_same_tables_with_text_neutralised(client, reviewer, scenario):
    book = tablib.Databook().load(download(client, "ods").data, format="ods")
    sheets = {sheet.title: sheet for sheet in book.sheets()}
    assert list(sheets) == [*KIND_SHEETS.values(), *BREAKDOWN_SHEETS.values(), "Đơn vị chưa có số liệu"]
    members = sheets["Đảng viên"]
    assert members.headers[:4] == ["STT", "Đơn vị", "Tổng số", "Số được đánh giá, xếp loại"]
    expected = expected_rows(scenario.results, "approved", scenario.unit_groups)["MEMBER"]
    by_label = {row[1]: row for row in members}
    risky = by_label["'" + RISKY_UNIT_NAME]
    assert [int(value) for value in risky[2:4]] == [expected["unit:BD.DN01"]["roster"],
                                                     expected["unit:BD.DN01"]["rated"]]
    total = by_label["Tổng cộng toàn Đảng bộ"]
    assert int(total[2]) == expected["total"]["roster"]
    assert total[members.headers.index("HTXSNV - tỷ lệ (%)")] == float(
        expected_percent(expected["total"]["HTXSNV"], expected["total"]["rated"]))
    assert "'" + RISKY_GROUP in [row[1] for row in sheets["Tập thể LĐQL theo loại"]]


@pytest.mark.parametrize("extension, content_type", [
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("csv", "text/csv; charset=utf-8"),
    ("ods", "application/vnd.oasis.opendocument.spreadsheet"),
    ("json", "application/json"),
])
def test_downloads_carry_a_vietnamese_file_name(client, reviewer, scenario, extension, content_type):
    response = download(client, extension, "submitted")
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.isascii()
    fallback, encoded = disposition.split("; filename*=UTF-8''")
    assert fallback == (f'attachment; filename="Bao cao ket qua danh gia, xep loai chat luong nam 2026 - da nop.{extension}"')
    assert unquote(encoded) == f"Báo cáo kết quả đánh giá, xếp loại chất lượng năm 2026 - đã nộp.{extension}"


def test_exports_refuse_an_unknown_basis_or_year(client, reviewer, scenario):
    assert client.get("/reports/2026/report.xlsx?basis=all").status_code == 400
    assert client.get("/reports/2020/report.csv").status_code == 404


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_the_distinct_members_note_counts_each_member_listed_in_the_basis_once(client, reviewer, scenario, basis):
    """A temporary listing duplicates a member only if his or her home unit is in the basis: here no home unit of a
    temporary listing is, so nobody is counted twice (the note used to subtract every temporary listing)."""
    from tests.reports.scenario import current_in_basis

    listed = [s for subjects in current_in_basis(scenario.results, basis).values() for s in subjects
              if s["subject_kind"] == "MEMBER"]
    distinct = len({s["subject_code"] for s in listed})
    temporary = sum(1 for s in listed if s["not_rated_reason"] == "TEMPORARY")
    assert temporary and distinct == len(listed)
    document = json.loads(download(client, "json", basis).data)
    note = next(note for note in document["notes"] if "không tính trùng" in note)
    assert f"tức {distinct} đảng viên không tính trùng" in note
    assert f"gồm cả {temporary} lượt ghi tên này" in note


def test_every_xlsx_sheet_shows_the_issuing_body_beside_the_party_name(client, reviewer, scenario):
    """The letterhead's left block (issuing body) and right block (party name, date) never share a cell: on the
    narrow "Đơn vị chưa có số liệu" sheet the right block used to be merged over the left one."""
    book = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx").data))
    for sheet in book.worksheets:
        top = [cell_range for cell_range in sheet.merged_cells.ranges if cell_range.min_row <= 3]
        texts = {sheet.cell(r.min_row, r.min_col).value for r in top}
        assert {"QUẬN ỦY BA ĐÌNH", "BAN TỔ CHỨC", "ĐẢNG CỘNG SẢN VIỆT NAM"} <= texts, sheet.title
        for first, second in itertools.combinations(top, 2):
            assert first.isdisjoint(second), (sheet.title, first, second)
    missing = book["Đơn vị chưa có số liệu"]
    assert missing["A1"].value == "QUẬN ỦY BA ĐÌNH" and missing["A2"].value == "BAN TỔ CHỨC"
