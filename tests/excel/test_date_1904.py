"""A workbook switched to the 1904 date system (Excel: Options → Advanced → "Use 1904 date system"; old Mac Excel's
habit): the same serial numbers then show every date 4 years and 1 day later. The roster's dates stand as signed;
the unit is told once per sheet, at a date cell, what the setting did and how to undo it, not once per date cell that
it "edited" them. A date really edited is still told at its cell."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.excel import files

from .builders import COLLECTIVES_SHEET, MEMBERS_SHEET, ORGS_SHEET, Filler, build_demo, demo_roster, fill_clean, read_demo

SHIFT = timedelta(days=1462)


@pytest.fixture(scope="module")
def filler() -> Filler:
    return fill_clean(Filler(build_demo()))


def in_1904(data: bytes) -> bytes:
    return files.patch_part(data, "xl/workbook.xml", rb"<workbookPr\s*/>", b'<workbookPr date1904="1"/>')


def test_the_1904_date_system_is_told_once_per_sheet_and_the_signed_dates_stand(filler):
    result = read_demo(in_1904(filler.bytes()))
    assert result.ok, result.problem
    assert [finding for finding in result.findings if finding.rule == "W-IDENTITY"] == []
    told = [finding for finding in result.findings if finding.rule == "W-DATE1904"]
    assert sorted(finding.sheet for finding in told) == sorted([MEMBERS_SHEET, ORGS_SHEET, COLLECTIVES_SHEET])
    members = next(finding for finding in told if finding.sheet == MEMBERS_SHEET)
    assert members.cell == "D5" and members.severity.value == "warning"
    assert "1904" in members.message and f"Trang “{MEMBERS_SHEET}”" in members.message
    assert "02/03/1950" in members.message and "03/03/1954" in members.message  # issued, and as it shows now
    roster = {member.code: member for member in demo_roster().members}
    assert all(member.birth_date == roster[member.code].birth_date for member in result.batch.members)


def test_a_date_really_edited_in_a_1904_workbook_is_still_told_at_its_cell(filler):
    sheet = filler.sheet(MEMBERS_SHEET)
    cell = filler.cell(MEMBERS_SHEET, "DV002", "birth_date")
    original = sheet[cell].value
    sheet[cell].value = original.replace(year=original.year + 10)
    try:
        result = read_demo(in_1904(filler.bytes()))
    finally:
        sheet[cell].value = original
    assert [(finding.rule, finding.cell) for finding in result.findings if finding.rule == "W-IDENTITY"] == [
        ("W-IDENTITY", cell)]


def test_a_date_four_years_off_in_a_1900_workbook_is_an_edit(filler):
    sheet = filler.sheet(MEMBERS_SHEET)
    cell = filler.cell(MEMBERS_SHEET, "DV002", "birth_date")
    original = sheet[cell].value
    sheet[cell].value = original + SHIFT
    try:
        result = read_demo(filler.bytes())
    finally:
        sheet[cell].value = original
    assert [(finding.rule, finding.cell) for finding in result.findings] == [("W-IDENTITY", cell)]
