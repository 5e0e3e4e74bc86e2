"""A qd366-hd43 workbook through LibreOffice Calc: downloaded, filled with openpyxl, saved again by Calc,
uploaded: the same findings, and Calc computes the total and the band's level the formulas promise."""
from __future__ import annotations

import io

from python_calamine import CalamineWorkbook

from .builders import MEMBERS_SHEET, Filler, finding_address, read_demo
from .test_libreoffice import convert, pytestmark, profile  # noqa: F401 - the module's skip mark and LO profile
from .test_workbook_366 import MEMBERS, build_366, fill_366, scored


def _findings(result):
    return [(f.rule, f.severity, finding_address(f), f.subject_code, f.field, f.message) for f in result.findings]


def test_a_366_workbook_saved_by_libreoffice_gives_the_same_findings(profile):  # noqa: F811
    filler = fill_366(Filler(build_366(), "qd366-hd43"))
    scored(filler, MEMBERS_SHEET, "DV001", "HTXSNV", 28, 61.5, exceeded=2)  # S-COND: 2/10 exceeded
    scored(filler, MEMBERS_SHEET, "DV007", "HTTNV", 20, 45)  # S-BAND: 65 is HTNV's band
    filler.set(MEMBERS_SHEET, "DV008", score_common=31)  # S-SUM
    filler.set(MEMBERS_SHEET, "DV010", tasks_done=9)  # S-SUM: done ≠ on time + late
    original = filler.bytes()
    through_calc = convert(original, profile)

    before, after = read_demo(original), read_demo(through_calc)
    assert before.ok and after.ok, after.problem
    assert _findings(after) == _findings(before)
    assert {"S-COND", "S-BAND", "S-SUM", "Q-25"} <= {finding.rule for finding in after.findings}

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(through_calc)).get_sheet_by_name(MEMBERS_SHEET).to_python()
    row = filler.row_of(MEMBERS_SHEET, "DV001") - 1
    total = sheet[row][MEMBERS.columns.index(next(c for c in MEMBERS.columns if c.key == "score_total"))]
    allowed = sheet[row][MEMBERS.columns.index(next(c for c in MEMBERS.columns if c.key == "allowed_level"))]
    assert (total, allowed) == (89.5, "Hoàn thành tốt nhiệm vụ")
    summary = CalamineWorkbook.from_filelike(io.BytesIO(through_calc)).get_sheet_by_name("Tổng hợp").to_python()
    members = next(row for row in summary if row[0] == MEMBERS_SHEET)
    assert members[11] == sum(float(m.score_total) for m in after.batch.members if m.score_total is not None) / len(
        [m for m in after.batch.members if m.score_total is not None])  # the mean score, text cells left out
    dv001 = next(member for member in after.batch.members if member.code == "DV001")
    assert str(dv001.score_total) == "89.5"
