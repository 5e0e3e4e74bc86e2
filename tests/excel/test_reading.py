"""Build the demo unit's workbook, fill it as a user would, read it back: exact records, exact findings at cells."""
from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from kdweb.excel import read_upload
from kdweb.excel.summary_cells import CHECK_COLUMN, SHEET as SUMMARY_SHEET
from kdweb.rules import Discipline, Grade, Level, NotRatedReason, Severity, SubjectKind

from .builders import (
    COLLECTIVES_SHEET, LEADERS_SHEET, MEMBERS_SHEET, ORGS_SHEET, SECRET, UNIT, VERSION, Filler, build_demo,
    at, column_of, fill_clean, finding_address, header_cell, nfd, read_demo,
)
from .files import with_cached_formula


def located(result) -> set[tuple[str, str]]:
    return {(finding.rule, finding_address(finding)) for finding in result.findings}


@pytest.fixture(scope="module")
def template() -> bytes:
    return build_demo()


@pytest.fixture
def filled(template) -> Filler:
    return fill_clean(Filler(template))


def test_a_clean_fill_reads_back_every_record_exactly(filled):
    result = read_demo(filled.bytes())
    assert result.ok and result.problem is None
    assert result.findings == []
    members = {member.code: member for member in result.batch.members}
    assert list(members) == [f"DV{n:03d}" for n in range(1, 13)]
    assert {code: member.level for code, member in members.items()} == {
        "DV001": Level.HTTNV, "DV002": Level.HTTNV, "DV003": None, "DV004": None, "DV005": Level.HTXSNV,
        "DV006": Level.HTTNV, "DV007": Level.HTTNV, "DV008": Level.HTTNV, "DV009": None, "DV010": Level.HTTNV,
        "DV011": Level.HTNV, "DV012": Level.KHTNV,
    }
    assert (members["DV003"].not_rated, members["DV003"].not_rated_reason) == (True, NotRatedReason.EXEMPT)
    assert members["DV004"].not_rated_reason is NotRatedReason.NEW  # typed in NFD
    assert members["DV011"].grades == {"1": Grade.TRUNG_BINH, "2": Grade.TRUNG_BINH, "3": Grade.TRUNG_BINH,
                                       "4": Grade.TRUNG_BINH, "5": Grade.TRUNG_BINH}
    assert members["DV005"].grades["5"] is Grade.XUAT_SAC  # "XS"
    assert members["DV002"].civil_rating is Level.HTTNV and members["DV002"].is_civil_servant
    assert members["DV006"].transfer_remarks_received and members["DV006"].months_at_old_place == 8
    assert (members["DV012"].discipline, members["DV012"].disciplined_in_year) == (Discipline.KHIEN_TRACH, True)
    assert members["DV008"].remarks == "Gương mẫu, nhiệt tình"  # typed in NFD, read as NFC
    assert unicodedata.is_normalized("NFC", members["DV008"].remarks)
    assert members["DV001"].birth_date == date(1950, 3, 2) and members["DV001"].unit_code == "KM"
    assert members["DV003"].exempt and members["DV009"].suspended and members["DV004"].probationary
    batch = result.batch
    assert (batch.unit_code, batch.unit_name, batch.review_date) == ("KM", "Đảng bộ phường Kim Mã", date(2024, 11, 30))
    assert set(batch.expected[SubjectKind.MEMBER]) == set(members)
    assert [org.level for org in batch.organisations] == [Level.HTTNV] * 3
    assert batch.collectives[0].code == "TT-KM" and batch.collectives[0].led_unit_code == "KM"
    assert batch.leaders[1].heads == ("TT-KM",) and batch.leaders[1].level is Level.HTTNV


def test_user_mistakes_are_found_at_their_cells_whatever_the_row_order(filled):
    filler = filled
    filler.set(MEMBERS_SHEET, "DV005", grade_5="Tốt")  # HTXSNV needs the task criterion "Xuất sắc"
    filler.set(MEMBERS_SHEET, "DV003", grades="Tốt", level="HTTNV", not_rated_reason=None)  # exempt, yet rated
    filler.set(MEMBERS_SHEET, "DV007", name="Đặng Văn Giang Sơn")  # a locked roster cell, edited anyway
    filler.set(MEMBERS_SHEET, "DV008", level="khá")  # not a level
    filler.set(MEMBERS_SHEET, "DV004", not_rated_reason=None, grades="TB", level="HTNV")  # admitted 4 months ago
    order = ["DV012", "DV011", "DV099", "DV009", "DV008", "DV007", "DV006", "DV005", "DV004", "DV003", "DV002", "DV001"]
    rows = filler.reorder(MEMBERS_SHEET, order, gaps={3: 2, 7: 1})  # DV010 dropped; blank rows in between
    filler.set(MEMBERS_SHEET, "DV099", name="Người Ngoài Danh Sách", grades="Tốt", level="HTTNV")
    result = read_demo(filler.bytes())
    assert result.ok
    assert located(result) == {
        ("M-GRADES", at(MEMBERS_SHEET, "level", rows["DV005"])),
        ("M-EXCLUDED", at(MEMBERS_SHEET, "level", rows["DV003"])),
        ("W-IDENTITY", at(MEMBERS_SHEET, "name", rows["DV007"])),
        ("P-VALUE", at(MEMBERS_SHEET, "level", rows["DV008"])),
        ("M-NEW", at(MEMBERS_SHEET, "level", rows["DV004"])),
        ("X-MISSING", at(MEMBERS_SHEET, "code", 4)),  # DV010, dropped: at the code column's header
        ("X-MISSING", at(MEMBERS_SHEET, "code", rows["DV099"])),  # invented
    }
    assert rows["DV009"] == 10 and rows["DV005"] == 15  # the gaps really are there
    edited = next(finding for finding in result.findings if finding.rule == "W-IDENTITY")
    assert "Đặng Văn Giang" in edited.message and "Đặng Văn Giang Sơn" in edited.message
    member = next(member for member in result.batch.members if member.code == "DV007")
    assert member.name == "Đặng Văn Giang"  # the roster stands
    dropped = next(finding for finding in result.findings if finding.rule == "X-MISSING" and finding.subject_code == "DV010")
    assert dropped.field is None and dropped.severity is Severity.ERROR
    assert all(finding.sheet and finding.cell for finding in result.findings)


def test_findings_come_in_reading_order(filled):
    filled.set(MEMBERS_SHEET, "DV002", level="xyz")
    filled.set(MEMBERS_SHEET, "DV001", level="abc")
    filled.set(ORGS_SHEET, "CB1", level="???")
    result = read_demo(filled.bytes())
    assert [finding_address(finding) for finding in result.findings] == [
        at(MEMBERS_SHEET, "level", 5), at(MEMBERS_SHEET, "level", 6), at(ORGS_SHEET, "level", 5),
    ]


def test_the_quota_finding_points_at_the_summary(filled):
    filled.set(MEMBERS_SHEET, "DV001", grades="Xuất sắc", level="HTXSNV")
    filled.set(MEMBERS_SHEET, "DV007", grades="Xuất sắc", level="xuất sắc")
    result = read_demo(filled.bytes())
    assert located(result) == {("Q-SMALL", f"'{SUMMARY_SHEET}'!{CHECK_COLUMN}5")}  # 3 HTXSNV where 4 HTTNV allow 1
    assert result.errors[0].subject_kind is SubjectKind.MEMBER


def test_a_duplicated_row_and_a_row_without_code(filled):
    sheet = filled.sheet(MEMBERS_SHEET)
    for column in range(1, sheet.max_column + 1):
        sheet.cell(18, column).value = sheet.cell(5, column).value  # DV001 copied below the list
    name, level = column_of(MEMBERS_SHEET, "name"), column_of(MEMBERS_SHEET, "level")
    sheet[f"{name}20"], sheet[f"{level}20"] = "Nguyễn Văn Mới", "HTTNV"
    result = read_demo(filled.bytes())
    assert located(result) == {("X-MISSING", at(MEMBERS_SHEET, "code", 5)), ("X-MISSING", at(MEMBERS_SHEET, "code", 18)),
                               ("P-CODE", at(MEMBERS_SHEET, "code", 20))}
    assert len(result.findings) == 3  # the repeated code told once on each of its rows, not twice on one
    assert [member.code for member in result.batch.members].count("DV001") == 2
    assert "Nguyễn Văn Mới" not in {member.name for member in result.batch.members}


def test_dates_as_text_and_codes_in_another_case(filled):
    sheet = filled.sheet(MEMBERS_SHEET)
    code, name, born = (column_of(MEMBERS_SHEET, key) for key in ("code", "name", "birth_date"))
    sheet[f"{born}5"] = "02/03/1950"  # DV001's birth date, typed as text: the same day
    sheet[f"{born}6"] = "14/07/1963"  # DV002's, a different year
    sheet[f"{code}7"] = "dv003 "  # DV003's code retyped in lower case: the same code
    sheet[f"{name}8"] = nfd("phạm thị dung")  # DV004's name, lower case and decomposed: the same name
    sheet[f"{code}9"] = "DV0005"  # DV005's code, changed: an unknown subject, and DV005 missing
    result = read_demo(filled.bytes())
    assert located(result) == {
        ("W-IDENTITY", at(MEMBERS_SHEET, "birth_date", 6)),
        ("X-MISSING", at(MEMBERS_SHEET, "code", 9)),
        ("X-MISSING", at(MEMBERS_SHEET, "code", 4)),
    }
    codes = {member.code for member in result.batch.members}
    assert codes == {f"DV{n:03d}" for n in range(1, 13) if n != 5} | {"DV0005"}


def test_renamed_tab_extra_sheet_merged_cells_and_hidden_metadata(filled):
    filled.set(LEADERS_SHEET, "LD002", level="KHTNV?")
    book = filled.workbook
    book.security.lockStructure = False
    book[LEADERS_SHEET].title = "Lãnh đạo"
    notes = book.create_sheet("Ghi chép riêng")
    notes["A1"], notes["B2"] = "Mã đảng viên", "không phải danh sách"
    members = book[MEMBERS_SHEET]
    remarks = column_of(MEMBERS_SHEET, "remarks")
    members.merge_cells(f"{remarks}5:{remarks}6")
    members[f"{remarks}5"] = "Ghi chú chung cho hai dòng"
    book["_kdweb"].sheet_state = "hidden"  # what LibreOffice saves
    result = read_demo(filled.bytes())
    assert located(result) == {("P-VALUE", f"'Lãnh đạo'!{column_of(LEADERS_SHEET, 'level')}6"),
                               ("W-MERGED", f"'{MEMBERS_SHEET}'!{remarks}6")}  # a warning: the merge is told
    merged = next(finding for finding in result.findings if finding.rule == "W-MERGED")
    assert merged.severity.name == "WARNING" and f"vùng gộp ô {remarks}5:{remarks}6" in merged.message
    assert [sheet.name for sheet in result.sheets] == [MEMBERS_SHEET, ORGS_SHEET, COLLECTIVES_SHEET, "Lãnh đạo"]
    remarks = {member.code: member.remarks for member in result.batch.members}
    assert remarks["DV001"] == "Ghi chú chung cho hai dòng" and remarks["DV002"] == ""


def test_a_formula_is_read_by_its_saved_value(filled):
    filled.set(MEMBERS_SHEET, "DV001", level="placeholder")
    data = with_cached_formula(filled.bytes(), MEMBERS_SHEET, f"{column_of(MEMBERS_SHEET, 'level')}5", 'IF(1=1,"Hoàn thành tốt nhiệm vụ","")',
                               "Hoàn thành tốt nhiệm vụ")
    result = read_demo(data)
    assert result.findings == []
    assert result.batch.members[0].level is Level.HTTNV


def test_a_missing_sheet_and_a_missing_column(filled):
    book = filled.workbook
    book.security.lockStructure = False
    del book[COLLECTIVES_SHEET]
    filled.sheet(MEMBERS_SHEET)[header_cell(MEMBERS_SHEET, "remarks")] = "Ý kiến"  # the remarks header, overwritten
    result = read_demo(filled.bytes())
    assert result.ok
    found = located(result)
    assert found == {
        ("W-SHEET", f"'{SUMMARY_SHEET}'!A7"),  # the collectives' line of the summary
        ("X-MISSING", f"'{SUMMARY_SHEET}'!A7"),  # TT-KM, on a sheet no longer there
        ("W-COLUMN", f"'{MEMBERS_SHEET}'!A4"),
    }
    column = next(finding for finding in result.findings if finding.rule == "W-COLUMN")
    assert column.field == "remarks" and column.severity is Severity.ERROR and "Ghi chú" in column.message


def test_read_upload_alone_gives_structure_and_parse_findings_only(filled):
    filled.set(MEMBERS_SHEET, "DV001", level="không rõ")
    filled.set(MEMBERS_SHEET, "DV003", grades="Tốt", level="HTTNV", not_rated_reason=None)  # a rules finding
    result = read_upload(filled.bytes(), secret=SECRET, expected_unit_code=UNIT.code, open_cycle_year=2024,
                         known_template_versions={VERSION})
    assert located(result) == {("P-VALUE", at(MEMBERS_SHEET, "level", 5))}


def test_preview_rows_carry_addresses_and_shown_text(filled):
    result = read_demo(filled.bytes(), keep_values=True)
    preview = result.sheet(MEMBERS_SHEET)
    assert preview.kind is SubjectKind.MEMBER and preview.header_row == 4
    assert preview.header[:3] == ["STT", "Mã đảng viên", "Họ và tên"]
    rows = list(preview.rows(limit=3))
    assert [number for number, _ in rows] == [5, 6, 7]
    number, cells = rows[0]
    assert (cells[1].address, cells[1].text, cells[1].field) == (f"{column_of(MEMBERS_SHEET, 'code')}5", "DV001", "code")
    assert (cells[3].address, cells[3].text) == (f"{column_of(MEMBERS_SHEET, 'birth_date')}5", "02/03/1950")
    assert cells[0].text == "1"  # STT, read back as 1.0
    assert result.sheet(SubjectKind.MEMBER) is preview
    assert list(preview.rows(start=11))[0][0] == 16


def test_the_cells_are_let_go_unless_kept_for_a_preview(filled):
    lean, kept = read_demo(filled.bytes()), read_demo(filled.bytes(), keep_values=True)
    assert lean.batch == kept.batch and lean.findings == kept.findings
    assert lean.sheet(MEMBERS_SHEET).values is None and lean.sheet(MEMBERS_SHEET).header_row == 4
    with pytest.raises(ValueError, match="keep_values=True"):
        list(lean.sheet(MEMBERS_SHEET).rows())
    assert kept.sheet(MEMBERS_SHEET).values[3][1] == "Mã đảng viên"


def test_a_sheet_whose_column_a_is_empty_keeps_its_cell_addresses(filled):
    """calamine starts each streamed row at the sheet's first used column; the reader puts it back at A."""
    filled.set(MEMBERS_SHEET, "DV001", level="không rõ")
    before = read_demo(filled.bytes())
    sheet = filled.sheet(MEMBERS_SHEET)
    for row in range(1, sheet.max_row + 1):
        sheet.cell(row, 1).value = None  # the title and the STT column
    after = read_demo(filled.bytes(), keep_values=True)
    assert after.batch == before.batch
    assert located(after) == located(before) and (("P-VALUE", at(MEMBERS_SHEET, "level", 5)) in located(after))
    assert after.sheet(MEMBERS_SHEET).values[4][:2] == ["", "DV001"]


def test_header_cell_helper_matches_the_layout(template):
    book = Filler(template).workbook
    assert book[MEMBERS_SHEET][header_cell(MEMBERS_SHEET)].value == "Mã đảng viên"
    assert book[ORGS_SHEET][header_cell(ORGS_SHEET, "level")].value == "Mức xếp loại"


def test_a_sheet_whose_header_row_is_gone(filled):
    sheet = filled.sheet(MEMBERS_SHEET)
    sheet.delete_rows(4)  # the header row
    result = read_demo(filled.bytes(), keep_values=True)
    assert result.ok
    assert ("W-COLUMN", f"'{MEMBERS_SHEET}'!A1") in located(result)
    assert result.batch.members == [] and result.sheet(MEMBERS_SHEET).header == []
    missing = [finding for finding in result.findings if finding.rule == "X-MISSING"]
    assert len(missing) == 12 and {finding.cell for finding in missing} == {"A1"}  # no header: the first cell


def test_a_file_given_by_its_path_reads_as_its_bytes(filled, tmp_path):
    """The sandbox worker is handed a large upload as the path of the web process's copy (untrusted.handed)."""
    filled.sheet(MEMBERS_SHEET)[f"{column_of(MEMBERS_SHEET, 'level')}6"] = "Tốt lắm"
    data = filled.bytes()
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(data)
    by_bytes, by_path = read_demo(data), read_demo(path)
    assert by_path.ok and by_path.findings and by_path.findings == by_bytes.findings
    assert by_path.batch == by_bytes.batch and len(by_path.batch.members) == 12
