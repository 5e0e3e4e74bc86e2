"""The pure core of the roster import: headers to fields, cells to values, rows to planned changes."""
from datetime import date, datetime

import pytest

from kdweb.services.admin.roster_mapping import (
    ADD, UNCHANGED, UPDATE, UnitDirectory, UnitRef, column_letter, find_header_row, fold, mapping_problems,
    match_header, parse_rows, plan, propose_mapping,
)

UNITS = UnitDirectory([
    UnitRef(1, "BD", "Đảng bộ Quận Ba Đình", "district", None),
    UnitRef(2, "BD.P01", "Đảng bộ phường Cống Vị", "grassroots_committee", 1),
    UnitRef(3, "BD.P01.C01", "Chi bộ Khu dân cư số 1", "cell", 2),
    UnitRef(4, "BD.P01.CQ", "Chi bộ Cơ quan phường", "cell", 2),
    UnitRef(5, "BD.P02", "Đảng bộ phường Điện Biên", "grassroots_committee", 1),
    UnitRef(6, "BD.P02.CQ", "Chi bộ Cơ quan phường", "cell", 5),
    UnitRef(7, "BD.TH01", "Chi bộ Trường Mầm non Hoa Sen", "grassroots_cell", 1),
    UnitRef(8, "BD.P02.C09", "Chi bộ Khu dân cư số 9", "cell", 5, active=False),
])
MAPPING = {0: "code", 1: "full_name", 2: "birth_date", 3: "cell", 4: "probationary"}
HEADER = ["Mã đảng viên", "Họ và tên", "Ngày sinh", "Chi bộ", "Dự bị"]


@pytest.mark.parametrize("header, field", [
    ("Họ và tên", "full_name"), ("Ho va ten", "full_name"), ("HỌ VÀ TÊN", "full_name"), ("Họ tên", "full_name"),
    ("Số thẻ đảng viên", "code"), ("So the dang vien", "code"), ("Mã đảng viên", "code"), ("Ma dang vien", "code"),
    ("Ngày sinh", "birth_date"), ("Ngay sinh", "birth_date"), ("Ngày sinh (dd/mm/yyyy)", "birth_date"),
    ("Chi bộ", "cell"), ("Chi bo", "cell"), ("Tên chi bộ", "cell"), ("Chi bộ sinh hoạt tạm thời", "temporary_cell"),
    ("Ngày vào Đảng", "admitted_on"), ("Ngay vao dang", "admitted_on"), ("Ngày kết nạp", "admitted_on"),
    ("Ðình chỉ sinh hoạt đảng", "suspended"),  # the look-alike Ð (U+00D0) typed for Đ
    ("Dự bị", "probationary"), ("Du bi", "probationary"), ("Giới tính", "gender"), ("Gioi tinh", "gender"),
])
def test_headers_match_with_and_without_diacritics(header, field):
    assert match_header(header) == field


@pytest.mark.parametrize("header", ["STT", "Ngày vào Đảng chính thức", "Quê quán", "", None, "Ghi chú"])
def test_headers_that_name_no_field(header):
    assert match_header(header) is None


def test_fold_removes_marks_case_and_punctuation():
    assert fold("  Họ  và TÊN (ghi đầy đủ): ") == "ho va ten"
    assert fold("Đình chỉ") == fold("Ðình chỉ") == "dinh chi"


def test_proposal_uses_each_field_once_and_skips_unknown_columns():
    mapping = propose_mapping(["STT", "Họ và tên", "Số thẻ ĐV", "Ngày sinh", "Ho ten", "Chi bo", "Ghi chú"])
    assert mapping == {1: "full_name", 2: "code", 3: "birth_date", 5: "cell"}


def test_header_row_is_found_below_a_title():
    rows = [["DANH SÁCH ĐẢNG VIÊN CHI BỘ"], [], ["STT", "Mã đảng viên", "Họ và tên", "Chi bộ"], [1, "DV1", "A", "X"]]
    assert find_header_row(rows) == 3


def test_mapping_must_name_the_required_fields_once():
    assert mapping_problems({0: "code", 1: "full_name", 2: "cell"}) == []
    problems = mapping_problems({0: "code", 1: "code", 2: "full_name"})
    assert any("Chi bộ" in problem for problem in problems)
    assert any("nhiều cột: A, B" in problem for problem in problems)


def test_column_letters():
    assert [column_letter(i) for i in (0, 1, 25, 26, 27, 701, 702)] == ["A", "B", "Z", "AA", "AB", "ZZ", "AAA"]


def parse(*data_rows, mapping=MAPPING, header=HEADER):
    return parse_rows([header, *data_rows], 1, mapping, UNITS)


def test_a_clean_row_becomes_person_values():
    rows, errors = parse(["DV1", "  Nguyễn   Văn An ", "15/12/1980", "BD.P01.C01", "Có"])
    assert errors == []
    assert rows[0].row == 2
    assert rows[0].values == {"code": "DV1", "full_name": "Nguyễn Văn An", "birth_date": date(1980, 12, 15),
                              "cell_id": 3, "grassroots_id": 2, "probationary": True}


@pytest.mark.parametrize("cell", [date(1980, 12, 15), datetime(1980, 12, 15, 0, 0), "15/12/1980", "1980-12-15",
                                  "15-12-1980", 29570])
def test_dates_accept_date_cells_and_both_written_forms(cell):
    rows, errors = parse(["DV1", "An", cell, "BD.P01.C01", ""])
    assert errors == []
    assert rows[0].values["birth_date"] == date(1980, 12, 15)


@pytest.mark.parametrize("cell", ["31/02/1980", "1980/31/12", "mười lăm", "15/12/80", "01/01/1850"])
def test_a_bad_date_is_an_error_at_its_row_and_column(cell):
    rows, errors = parse(["DV1", "An", "01/01/1980", "BD.P01.C01", ""], ["DV2", "Bình", cell, "BD.P01.C01", ""])
    assert [row.values["code"] for row in rows] == ["DV1"]
    assert [(error.row, error.column, error.header, error.field) for error in errors] == [
        (3, "C", "Ngày sinh", "Ngày sinh")]
    assert "ngày hợp lệ" in errors[0].message


def test_chi_bo_by_code_by_name_and_by_name_without_prefix():
    rows, errors = parse(["DV1", "An", "", "bd.p01.c01", ""], ["DV2", "Bình", "", "Chi bộ Trường Mầm non Hoa Sen", ""],
                         ["DV3", "Chi", "", "Truong Mam non Hoa Sen", ""], ["DV4", "Dung", "", "BD.P01.CQ - Chi bộ Cơ quan phường", ""])
    assert errors == []
    assert [(row.values["cell_id"], row.values["grassroots_id"]) for row in rows] == [(3, 2), (7, 7), (7, 7), (4, 2)]


@pytest.mark.parametrize("cell, message", [
    ("BD.P09.C01", "Không tìm thấy chi bộ"),
    ("Chi bộ Cơ quan phường", "Có nhiều chi bộ tên"),  # in two wards: the code is needed
    ("BD.P01", "không phải chi bộ"),
    ("BD.P02.C09", "đã ngừng hoạt động"),
])
def test_unknown_ambiguous_or_wrong_chi_bo_is_an_error(cell, message):
    rows, errors = parse(["DV1", "An", "", cell, ""])
    assert rows == []
    assert [(error.row, error.column, error.field) for error in errors] == [(2, "D", "Chi bộ")]
    assert message in errors[0].message


def test_missing_name_code_and_chi_bo_are_errors():
    rows, errors = parse(["DV1", "", "", "BD.P01.C01", ""], ["", "Bình", "", "BD.P01.C01", ""],
                         ["DV3", "Chi", "", "", ""])
    assert rows == []
    assert [(error.row, error.column, error.message) for error in errors] == [
        (2, "B", "Thiếu họ và tên."), (3, "A", "Thiếu mã đảng viên."), (4, "D", "Thiếu chi bộ.")]


def test_duplicate_codes_mark_every_occurrence():
    rows, errors = parse(["DV1", "An", "", "BD.P01.C01", ""], ["DV2", "Bình", "", "BD.P01.C01", ""],
                         ["DV1", "An khác", "", "BD.P01.C01", ""])
    assert [row.values["code"] for row in rows] == ["DV2"]
    assert [(error.row, error.column, error.message) for error in errors] == [
        (2, "A", "Mã đảng viên “DV1” trùng với dòng 4 trong tệp."),
        (4, "A", "Mã đảng viên “DV1” trùng với dòng 2 trong tệp.")]


def test_blank_rows_are_skipped_but_keep_numbering():
    rows, errors = parse([None] * 5, ["", " ", None, "", ""], ["DV1", "An", "", "BD.P01.C01", ""])
    assert errors == []
    assert rows[0].row == 4


def test_legacy_font_names_and_bad_yes_no_are_errors():
    rows, errors = parse(["DV1", "NguyÔn V¨n A", "", "BD.P01.C01", "có lẽ"])
    assert [(error.column, error.field) for error in errors] == [("B", "Họ và tên"), ("E", "Đảng viên dự bị")]
    assert "TCVN3" in errors[0].message


def test_numbers_from_a_spreadsheet_become_codes_without_decimals():
    rows, errors = parse([1234.0, "An", "", "BD.P01.C01", 1])
    assert errors == []
    assert rows[0].values["code"] == "1234"
    assert rows[0].values["probationary"] is True


def test_plan_sorts_rows_into_add_update_unchanged():
    rows, errors = parse(["DV1", "Nguyễn Văn Hoà", "01/01/1980", "BD.P01.C01", ""],
                         ["DV2", "Trần Thị Bình", "02/02/1982", "BD.P02.CQ", "Có"],
                         ["DV3", "Lê Văn Cường", "", "BD.P01.C01", ""])
    existing = {
        "DV1": {"id": 11, "code": "DV1", "full_name": "Nguyễn Văn Hòa", "birth_date": date(1980, 1, 1), "cell_id": 3,
                "grassroots_id": 2, "probationary": False},
        "DV2": {"id": 12, "code": "DV2", "full_name": "Trần Thị Bình", "birth_date": date(1982, 2, 2), "cell_id": 3,
                "grassroots_id": 2, "probationary": False},
        "DV9": {"id": 19, "code": "DV9", "full_name": "Không có trong tệp", "cell_id": 3, "grassroots_id": 2},
    }
    result = plan(rows, errors, existing, UNITS)
    assert [row.code for row in result.added] == ["DV3"] and result.added[0].action == ADD
    assert [row.code for row in result.unchanged] == ["DV1"] and result.unchanged[0].action == UNCHANGED
    assert [row.code for row in result.updated] == ["DV2"] and result.updated[0].action == UPDATE
    changes = {(change.field, change.old, change.new) for change in result.updated[0].changes}
    assert changes == {("Chi bộ", "BD.P01.C01", "BD.P02.CQ"), ("Tổ chức cơ sở đảng", "BD.P01", "BD.P02"),
                       ("Đảng viên dự bị", "Không", "Có")}
    assert result.updated[0].person_id == 12
    assert result.not_in_file == 1
    assert result.can_apply


@pytest.mark.parametrize("header", ["Nhóm tính tỷ lệ", "Nhóm tính tỉ lệ", "Nhom tinh ti le", "NHÓM TÍNH TỶ LỆ",
                                    "Nhóm tính tỉ lệ (trống: theo quy định chung)"])
def test_the_quota_group_column_is_known_by_its_vietnamese_header_either_spelling(header):
    assert match_header(header) == "quota_group"


def test_a_quota_group_is_a_short_text_blank_the_general_rule():
    mapping, header = {0: "code", 1: "full_name", 2: "cell", 3: "quota_group"}, ["Mã", "Họ tên", "Chi bộ", "Nhóm"]
    rows, errors = parse_rows([header, ["DV1", "An", "BD.P01.C01", "  Cán bộ   hưu trí "],
                               ["DV2", "Bình", "BD.P01.C01", ""], ["DV3", "Cường", "BD.P01.C01", "x" * 101],
                               ["DV4", "Dũng", "BD.P01.C01", "C¸n bé h­u trÝ"]], 1, mapping, UNITS)
    assert [row.values["quota_group"] for row in rows] == ["Cán bộ hưu trí", None]
    assert [(error.row, error.column, error.field) for error in errors] == [
        (4, "D", "Nhóm tính tỷ lệ"), (5, "D", "Nhóm tính tỷ lệ")]
    assert "100 ký tự" in errors[0].message and "TCVN3" in errors[1].message
