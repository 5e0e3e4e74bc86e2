"""The workbook a unit downloads: sheets, look, dropdowns, protection, summary formulas and the signature."""
from __future__ import annotations

import io
import json
from datetime import date, datetime

import openpyxl
import pytest

from kdweb.excel import build_workbook
from kdweb.excel.columns import FIRST_DATA_ROW, HEADER_ROW, LISTS, sheet_specs
from kdweb.excel import metadata
from kdweb.excel.metadata import CHUNK_CHARS, META_SHEET, WorkbookMeta, signed_meta, verify
from kdweb.excel.summary import SHEET as SUMMARY
from kdweb.excel.template import LISTS_SHEET
from kdweb.rules import LEVEL_CHOICES, MemberRecord, SubjectKind, get_rule_set

from .builders import (
    COLLECTIVES_SHEET, CYCLE, LEADERS_SHEET, MEMBERS_SHEET, ORGS_SHEET, SECRET, UNIT, VERSION, build_demo,
    column_of, demo_roster, header_cell,
)

LEVEL, NAME = column_of(MEMBERS_SHEET, "level"), column_of(MEMBERS_SHEET, "name")
LAST = column_of(MEMBERS_SHEET, "remarks")  # the last column


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(build_demo()))


def test_sheets_in_order_with_their_states(book):
    assert book.sheetnames == [
        "Hướng dẫn", MEMBERS_SHEET, ORGS_SHEET, COLLECTIVES_SHEET, LEADERS_SHEET, SUMMARY, LISTS_SHEET, META_SHEET,
    ]
    states = {sheet.title: sheet.sheet_state for sheet in book.worksheets}
    assert states[LISTS_SHEET] == "hidden"
    assert states[META_SHEET] == "veryHidden"
    assert all(states[name] == "visible" for name in (MEMBERS_SHEET, SUMMARY, "Hướng dẫn"))
    assert book.active.title == "Hướng dẫn"


def test_only_the_kinds_on_the_roster_get_a_sheet():
    roster = demo_roster()
    roster.collectives.clear()
    roster.leaders.clear()
    names = openpyxl.load_workbook(io.BytesIO(build_demo(roster))).sheetnames
    assert COLLECTIVES_SHEET not in names and LEADERS_SHEET not in names
    assert MEMBERS_SHEET in names and ORGS_SHEET in names


def test_title_names_the_unit_and_the_year(book):
    sheet = book[MEMBERS_SHEET]
    assert "NĂM 2024" in sheet["A1"].value and sheet["A1"].value.startswith("DANH SÁCH ĐẢNG VIÊN")
    assert "Đảng bộ phường Kim Mã" in sheet["A2"].value and "15/12/2024" in sheet["A2"].value
    assert "A1:" in str(sheet.merged_cells)


def test_instructions_give_levels_deadline_and_contact(book):
    text = "\n".join(str(cell.value) for row in book["Hướng dẫn"].iter_rows() for cell in row if cell.value)
    for expected in (*LEVEL_CHOICES, "15/12/2024", "Phạm Thu Hà", "Xuất sắc, Tốt, Trung bình, Kém", "NĂM 2024"):
        assert expected in text


def test_header_columns_and_prefilled_identity(book):
    sheet = book[MEMBERS_SHEET]
    spec = sheet_specs(get_rule_set())[0]
    assert [cell.value for cell in sheet[HEADER_ROW]] == [column.header for column in spec.columns]
    first = FIRST_DATA_ROW
    assert [sheet.cell(first, n).value for n in range(1, 5)] == [1, "DV001", "Nguyễn Văn An", datetime(1950, 3, 2)]
    assert sheet.cell(first, 4).number_format == "DD/MM/YYYY"
    status = sheet[f"{spec.column_letter('status')}{first + 2}"].value  # DV003, exempt
    assert status == "Chính thức; Miễn công tác và sinh hoạt đảng"
    assert sheet[f"{spec.column_letter('status')}{first + 3}"].value == "Dự bị"
    discipline = sheet[f"{spec.column_letter('discipline')}{first + 11}"].value  # DV012: known, pre-filled input
    assert discipline == "Khiển trách"


def test_look_font_freeze_wrap_widths_and_print_setup(book):
    sheet = book[MEMBERS_SHEET]
    assert sheet[f"{NAME}5"].font.name == "Times New Roman"
    assert sheet["A1"].font.name == "Times New Roman" and sheet["A1"].font.b
    assert sheet[header_cell(MEMBERS_SHEET)].alignment.wrap_text and sheet[header_cell(MEMBERS_SHEET, "level")].alignment.wrap_text
    assert sheet.freeze_panes == f"{column_of(MEMBERS_SHEET, 'birth_date')}5"  # index, code and name stay in view
    assert sheet.column_dimensions[NAME].width == 24
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4 == "9"
    assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.auto_filter.ref == f"A4:{LAST}16"


def test_identity_locked_inputs_unlocked_and_sheet_protected(book):
    sheet = book[MEMBERS_SHEET]
    spec = sheet_specs(get_rule_set())[0]
    assert sheet.protection.sheet
    assert sheet.protection.sort is False and sheet.protection.autoFilter is False
    assert sheet[f"{NAME}5"].protection.locked
    for column in spec.input_columns:
        letter = spec.column_letter(column.key)
        assert sheet.column_dimensions[letter].protection.locked is False, column.key
    assert sheet[f"{spec.column_letter('discipline')}16"].protection.locked is False


def test_dropdowns_carry_exactly_the_allowed_values(book):
    sheet = book[MEMBERS_SHEET]
    spec = sheet_specs(get_rule_set())[0]
    lists = book[LISTS_SHEET]
    by_area = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    for column in spec.input_columns:
        letter = spec.column_letter(column.key)
        area = f"{letter}5:{letter}16"
        if column.choices is None:
            if column.kind == "number":
                assert by_area[area].type == "decimal"
            continue
        rule = by_area[area]
        assert rule.type == "list" and rule.showErrorMessage and rule.allow_blank
        sheet_ref, cells = rule.formula1.split("!")
        assert sheet_ref == f"'{LISTS_SHEET}'"
        first, last = cells.replace("$", "").split(":")
        values = tuple(cell.value for row in lists[f"{first}:{last}"] for cell in row)
        assert values == LISTS[column.choices], column.key
    level_rule = by_area[f"{LEVEL}5:{LEVEL}16"]
    assert level_rule.formula1.endswith("$A$2:$A$6")
    assert LISTS["levels"] == LEVEL_CHOICES


def test_summary_counts_levels_and_marks_the_quota(book):
    sheet = book[SUMMARY]
    assert sheet["A5"].value == MEMBERS_SHEET and sheet["A8"].value == LEADERS_SHEET
    code, levels = column_of(MEMBERS_SHEET, "code"), f"'Đảng viên'!${LEVEL}$5:${LEVEL}$16"
    assert sheet["B5"].value == f"=COUNTA('Đảng viên'!${code}$5:${code}$16)"
    assert sheet["C5"].value == (
        f"=SUMPRODUCT((TRIM({levels})=\"Hoàn thành xuất sắc nhiệm vụ\")"
        f"+(TRIM({levels})=\"HTXSNV\"))"
    )
    assert sheet["G5"].value == f"=SUMPRODUCT((TRIM({levels})=\"Không xếp loại\"))"
    assert sheet["J5"].value == "=MAX(INT(D5*0.2+0.000001),IF(D5<5,1,0))"
    assert sheet["K5"].value == '=IF(C5>J5,"Vượt tỷ lệ","Đạt")'
    assert "cảnh báo" in sheet["K6"].value  # party organisations: a warning, counted district-wide
    rules = [rule for area in sheet.conditional_formatting for rule in area.rules]
    assert any(rule.formula == ["$C5>$J5"] and rule.dxf.fill.fgColor.rgb.endswith("FFC7CE") for rule in rules)


def facts_by_code(sheet) -> dict[str, dict]:
    """An issued sheet's signed rows, each as its fields by name, by subject code."""
    return {row[0]: dict(zip(sheet.fields, row)) for row in sheet.rows}


def test_metadata_is_signed_and_lists_the_issued_roster(book):
    rows = [[cell.value for cell in row] for row in book[META_SHEET].iter_rows()]
    signed = signed_meta(rows)
    assert signed.verified(SECRET)
    assert not signed.verified(b"another secret")
    meta = WorkbookMeta.from_payload(signed.payload)
    assert (meta.unit_code, meta.cycle_year, meta.rule_set_id, meta.template_version) == ("KM", 2024, "qd132-hd21", VERSION)
    assert meta.review_date == date(2024, 11, 30) and meta.deadline == date(2024, 12, 15)
    members = meta.sheet(SubjectKind.MEMBER.code)
    facts = facts_by_code(members)
    assert list(facts) == [f"DV{n:03d}" for n in range(1, 13)]
    assert facts["DV003"]["exempt"] is True and facts["DV001"]["birth_date"] == "1950-03-02"
    assert "level" not in members.fields and "discipline" not in members.fields


def test_a_large_payload_is_split_over_cells_within_excels_limit(monkeypatch):
    members = [MemberRecord(code=f"DV{n:05d}", name=f"Nguyễn Thị Thu Hương {n}", unit_code="KM", cell_name="Chi bộ số 1")
               for n in range(1500)]
    monkeypatch.setattr(metadata, "CHUNK_CHARS", 4_000)  # layout 2 deflates the roster: 1,500 members in 20 KB
    roster = demo_roster()
    roster.members[:] = members
    book = openpyxl.load_workbook(io.BytesIO(build_demo(roster)))
    chunks = [row[1].value for row in book[META_SHEET].iter_rows() if row[0].value == "payload"]
    assert len(chunks) > 1 and all(len(chunk) <= metadata.CHUNK_CHARS for chunk in chunks) and CHUNK_CHARS <= 32_767
    payload = "".join(chunks)
    assert payload.isascii() and len(WorkbookMeta.from_payload(payload).sheets[0].rows) == 1500
    signature = next(row[1].value for row in book[META_SHEET].iter_rows() if row[0].value == "signature")
    assert verify(payload, signature, SECRET)


def test_district_unit_gets_the_district_deadline():
    unit = type(UNIT)("VPQU", "Chi bộ Văn phòng Quận ủy", "district")
    book = openpyxl.load_workbook(io.BytesIO(build_workbook(unit, CYCLE, demo_roster(), template_version=VERSION, secret=SECRET)))
    assert "31/12/2024" in book[MEMBERS_SHEET]["A2"].value
