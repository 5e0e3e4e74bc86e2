"""Round trips through LibreOffice Calc (`soffice --headless --convert-to`), as many units fill the workbook.

Marked `libreoffice` and `slow`: skipped, with the reason, where LibreOffice is not installed; under CI=true a
missing soffice is a failure (tests/conftest.py). CI installs Debian's libreoffice-calc-nogui.
"""
from __future__ import annotations

import io
import os
import subprocess
from datetime import date, time
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from kdweb.excel import metadata
from kdweb.excel.metadata import META_SHEET
from kdweb.rules import Level, MemberRecord

from tests.conftest import SOFFICE

from .builders import (
    MEMBERS_SHEET, ORGS_SHEET, Filler, build_demo, column_of, demo_roster, fill_clean, finding_address, nfd,
    read_demo,
)

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


@pytest.fixture(scope="module")
def profile(tmp_path_factory) -> Path:
    """One LibreOffice user profile for the module, apart from any other soffice running on the machine."""
    return tmp_path_factory.mktemp("lo-profile")


def convert(data: bytes, profile: Path, target: str = "xlsx", suffix: str = ".xlsx") -> bytes:
    work = profile.parent / f"lo-{os.urandom(4).hex()}"
    work.mkdir()
    source = work / f"upload{suffix}"
    source.write_bytes(data)
    done = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", target, "--outdir", str(work / "out"), str(source)],
        capture_output=True, text=True, timeout=240,
    )
    produced = work / "out" / f"upload.{target.split(':')[0]}"
    assert done.returncode == 0 and produced.exists(), done.stdout + done.stderr
    return produced.read_bytes()


def comparable(result):
    records = [*result.batch.members, *result.batch.organisations, *result.batch.collectives, *result.batch.leaders]
    findings = [(f.rule, f.severity, finding_address(f), f.subject_code, f.field, f.message) for f in result.findings]
    return records, findings


def test_a_workbook_saved_by_libreoffice_reads_the_same(profile):
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV003", grades="Tốt", level="HTTNV", not_rated_reason=None)
    filler.set(MEMBERS_SHEET, "DV007", name="Đặng Văn Giang Sơn")
    filler.set(MEMBERS_SHEET, "DV008", level="khá", remarks=nfd("Đã chuyển công tác  "))
    filler.set(ORGS_SHEET, "CB2", level="tốt", grades="xuất sắc")
    filler.reorder(MEMBERS_SHEET, [f"DV{n:03d}" for n in (12, 11, 9, 8, 7, 6, 5, 4, 3, 2, 1)], gaps={4: 1})
    original = filler.bytes()
    through_calc = convert(original, profile)

    before, after = read_demo(original), read_demo(through_calc)
    assert before.ok and after.ok, after.problem
    assert comparable(after) == comparable(before)
    rules = {finding.rule for finding in after.findings}
    assert {"M-EXCLUDED", "W-IDENTITY", "P-VALUE", "X-MISSING"} <= rules  # the round trip kept real findings
    states = {sheet.name: sheet.visible for sheet in CalamineWorkbook.from_filelike(io.BytesIO(through_calc)).sheets_metadata}
    assert states[META_SHEET] == SheetVisibleEnum.Hidden  # LibreOffice's "very hidden" is "hidden": accepted


def test_libreoffice_keeps_dropdowns_protection_and_unlocked_inputs(profile):
    book = openpyxl.load_workbook(io.BytesIO(convert(build_demo(), profile)))
    sheet = book[MEMBERS_SHEET]
    assert sheet.protection.sheet
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    level, name = column_of(MEMBERS_SHEET, "level"), column_of(MEMBERS_SHEET, "name")
    assert rules[f"{level}5:{level}16"].type == "list" and "Danh mục" in rules[f"{level}5:{level}16"].formula1
    assert sheet.column_dimensions[level].protection.locked is False
    assert sheet[f"{name}5"].protection.locked and sheet[f"{name}5"].font.name == "Times New Roman"
    assert book["Tổng hợp"]["B5"].value.startswith("=COUNTA(")


def test_formulas_are_read_by_the_values_libreoffice_saved(profile):
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV001", level='=IF(1=1,"Hoàn thành tốt nhiệm vụ","")')
    result = read_demo(convert(filler.bytes(), profile))
    assert result.findings == []
    assert result.batch.members[0].level is Level.HTTNV


@pytest.mark.parametrize(("target", "code"), [("xls", "E-XLS"), ("ods", "E-ODS"), ("csv", "E-CSV")])
def test_real_files_of_other_formats_from_libreoffice(profile, target, code):
    result = read_demo(convert(build_demo(), profile, target=target))
    assert result.ok is False and result.problem.code == code


def test_the_summary_formulas_count_what_the_reader_counts(profile):
    """Levels as chosen from the dropdown, as codes, in another case or with stray spaces: both count alike."""
    levels = {
        "DV001": "HTXSNV", "DV002": "Hoàn thành tốt nhiệm vụ", "DV005": "Hoàn thành xuất sắc nhiệm vụ  ",
        "DV006": "HTTNV", "DV007": "hoàn thành xuất sắc nhiệm vụ", "DV008": " Hoàn thành tốt nhiệm vụ",
        "DV010": "httnv", "DV011": "Hoàn thành nhiệm vụ", "DV012": "Không hoàn thành nhiệm vụ",
    }
    filler = fill_clean(Filler(build_demo()))
    for code, level in levels.items():
        filler.set(MEMBERS_SHEET, code, level=level, grades="Xuất sắc" if "x" in level.lower() else "Tốt")
    filler.set(MEMBERS_SHEET, "DV011", grades="Trung bình")
    through_calc = convert(filler.bytes(), profile)
    summary = CalamineWorkbook.from_filelike(io.BytesIO(through_calc)).get_sheet_by_name("Tổng hợp").to_python()
    members = next(row for row in summary if row[0] == MEMBERS_SHEET)
    # total, HTXSNV, HTTNV, HTNV, KHTNV, not rated, blank, ratio, allowed, check
    assert members[1:] == [12.0, 3.0, 4.0, 1.0, 1.0, 3.0, 0.0, 0.75, 1.0, "Vượt tỷ lệ"]
    result = read_demo(through_calc)
    read_levels = [member.level for member in result.batch.members]
    assert [read_levels.count(level) for level in (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)] == [3, 4, 1, 1]
    assert [finding.rule for finding in result.findings] == ["Q-SMALL"]


def test_a_large_roster_signed_over_several_cells_survives_libreoffice(profile, monkeypatch):
    monkeypatch.setattr(metadata, "CHUNK_CHARS", 4_000)  # layout 2 deflates the roster: 900 members fit in 15 KB
    roster = demo_roster()
    roster.members[:] = [
        MemberRecord(code=f"DV{n:05d}", name=f"Nguyễn Thị Thu Hương {n}", unit_code="KM", cell_name="Chi bộ số 1",
                     birth_date=date(1950 + n % 40, 1 + n % 12, 1 + n % 28))
        for n in range(900)
    ]
    original = build_demo(roster)
    book = openpyxl.load_workbook(io.BytesIO(original))
    assert sum(1 for row in book[META_SHEET].iter_rows() if row[0].value == "payload") >= 3
    before, after = read_demo(original), read_demo(convert(original, profile))
    assert after.ok, after.problem
    assert comparable(after) == comparable(before) and len(after.batch.members) == 900


@pytest.mark.parametrize("via", ["ods", "xls"])
def test_a_workbook_taken_through_ods_or_xls_and_back_to_xlsx_reads_the_same(profile, via):
    """A unit that saved the workbook as .ods (LibreOffice's own) or .xls (Excel 97-2003), was refused, and saved it
    back as .xlsx: the signature, the hidden metadata and every cell survive; a time and a date typed into remarks
    read as they show."""
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV008", remarks=time(8, 30))
    filler.set(MEMBERS_SHEET, "DV010", remarks=date(2023, 3, 15))
    original = filler.bytes()
    back = convert(convert(original, profile, target=via), profile, target="xlsx", suffix=f".{via}")
    before, after = read_demo(original), read_demo(back)
    assert after.ok, after.problem
    assert comparable(after) == comparable(before) and after.findings == []
    remarks = {member.code: member.remarks for member in after.batch.members}
    assert (remarks["DV008"], remarks["DV010"]) == ("08:30", "15/03/2023")
