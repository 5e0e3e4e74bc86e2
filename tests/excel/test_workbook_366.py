"""The workbook of a qd366-hd43 cycle: score and count columns with their ranges, the total and the band's level
kept live by formulas, the summary's quota per quota group, and reading it back."""
from __future__ import annotations

import io
from dataclasses import replace

from msgspec.structs import replace as changed
from datetime import date

import openpyxl
import pytest

from kdweb.excel.columns import FIRST_DATA_ROW, current_layout, sheet_specs
from kdweb.excel.summary import SHEET as SUMMARY
from kdweb.rules import Level, SubjectKind, get_rule_set

from .builders import (
    COLLECTIVES_SHEET, CYCLE, LEADERS_SHEET, MEMBERS_SHEET, ORGS_SHEET, Filler, build_demo, demo_roster, read_demo,
)

RS = get_rule_set("qd366-hd43")
CYCLE_366 = replace(CYCLE, rule_set_id="qd366-hd43")
MEMBERS = next(spec for spec in sheet_specs(RS) if spec.kind is SubjectKind.MEMBER)


def roster_366():
    roster = demo_roster()
    roster.members[4] = changed(roster.members[4], quota_group="Cán bộ hưu trí", quota_outstanding=True)
    roster.members[6] = changed(roster.members[6], quota_group="Cán bộ hưu trí", quota_outstanding=True)
    return roster


def build_366(roster=None, **options) -> bytes:
    return build_demo(roster or roster_366(), cycle=CYCLE_366, **options)


def scored(filler: Filler, sheet: str, code: str, level: str, common=27, tasks=60, assigned=10, on_time=10,
           late=0, exceeded=1, **more) -> None:
    filler.set(sheet, code, level=level, score_common=common, score_tasks=tasks, tasks_assigned=assigned,
               tasks_done=on_time + late, tasks_on_time=on_time, tasks_late=late, tasks_exceeded=exceeded, **more)


def fill_366(filler: Filler) -> Filler:
    m = MEMBERS_SHEET
    for code in ("DV001", "DV002", "DV006", "DV007", "DV008", "DV010"):
        scored(filler, m, code, "HTTNV")
    filler.set(m, "DV002", civil_rating="Hoàn thành tốt nhiệm vụ")
    filler.set(m, "DV006", transfer_remarks_received="Có")
    filler.set(m, "DV003", level="Không xếp loại", not_rated_reason="Miễn công tác và sinh hoạt đảng")
    filler.set(m, "DV004", level="Không xếp loại", not_rated_reason="Mới kết nạp/mới thành lập chưa đủ 6 tháng")
    scored(filler, m, "DV005", "HTXSNV", 29, "65,5", exceeded=4)
    filler.set(m, "DV009", level="Không xếp loại", not_rated_reason="Đình chỉ sinh hoạt đảng")
    scored(filler, m, "DV011", "HTNV", 20, 35, on_time=8, late=2)
    scored(filler, m, "DV012", "KHTNV", 20, 25, violation_kind="Liên quan đến thực hiện chức trách, nhiệm vụ")
    for code in ("CB1", "CB2", "CB3"):
        scored(filler, ORGS_SHEET, code, "HTTNV")
    scored(filler, COLLECTIVES_SHEET, "TT-KM", "HTTNV")
    scored(filler, LEADERS_SHEET, "LD001", "HTTNV")
    scored(filler, LEADERS_SHEET, "LD002", "HTTNV")
    return filler


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(build_366()))


def test_score_and_count_columns_carry_their_ranges(book):
    sheet = book[MEMBERS_SHEET]
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    common, tasks, assigned = (MEMBERS.column_letter(key) for key in ("score_common", "score_tasks", "tasks_assigned"))
    last = FIRST_DATA_ROW + 11
    assert (rules[f"{common}5:{common}{last}"].type, rules[f"{common}5:{common}{last}"].formula2) == ("decimal", "30")
    assert rules[f"{tasks}5:{tasks}{last}"].formula2 == "70"
    assert rules[f"{assigned}5:{assigned}{last}"].type == "whole"
    violation = MEMBERS.column_letter("violation_kind")
    assert rules[f"{violation}5:{violation}{last}"].type == "list"


def test_total_and_allowed_level_are_formulas_with_computed_letters(book):
    sheet = book[MEMBERS_SHEET]
    common, tasks, total, allowed = (
        MEMBERS.column_letter(key) for key in ("score_common", "score_tasks", "score_total", "allowed_level"))
    assert sheet[f"{total}7"].value == f'=IF(OR(${common}7="",${tasks}7=""),"",IFERROR(${common}7+${tasks}7,""))'
    assert sheet[f"{allowed}7"].value.startswith(f'=IF(${total}7="","",IF(${total}7>=90,"Hoàn thành xuất sắc')
    assert sheet[f"{total}7"].protection.locked


def test_the_summary_has_the_mean_score_and_a_row_per_quota_group(book):
    sheet = book[SUMMARY]
    headers = [cell.value for cell in sheet[4]]
    assert "Điểm bình quân" in headers
    labels = [sheet.cell(row, 1).value for row in range(5, 12)]
    group_row = 5 + labels.index("Đảng viên: nhóm “Cán bộ hưu trí” (nổi trội, tỷ lệ 25%)")
    assert sheet[f"J{group_row}"].value == "=MAX(INT(D{0}*0.25+0.000001),0)".format(group_row)
    assert "Q-SMALL" not in str(sheet["A2"].value) and "25%" in sheet["A2"].value
    assert sheet["J5"].value == "=MAX(INT(D5*0.2+0.000001),0)"


def test_the_metadata_records_the_rule_set_and_its_layout():
    result = read_demo(build_366())
    assert result.ok and result.metadata.rule_set_id == "qd366-hd43" and result.metadata.columns_layout == current_layout("qd366-hd43") == 2


def test_a_filled_366_workbook_reads_back_with_its_findings():
    filler = fill_366(Filler(build_366(), "qd366-hd43"))
    result = read_demo(filler.bytes())
    assert result.ok, result.problem
    found = {(finding.rule, finding.subject_code) for finding in result.findings}
    # DV011: 2/10 late is within HTNV's 20 %; the outstanding group has 1 HTXSNV for 1 HTTNV: above 25 %
    assert found == {("Q-25", "Cán bộ hưu trí")}
    quota = next(finding for finding in result.findings if finding.rule == "Q-25")
    assert quota.sheet == "Tổng hợp"
    dv005 = next(member for member in result.batch.members if member.code == "DV005")
    assert (str(dv005.score_tasks), dv005.tasks_exceeded, dv005.quota_outstanding) == ("65.5", 4, True)


def test_s_sum_points_at_the_cell():
    filler = fill_366(Filler(build_366(), "qd366-hd43"))
    filler.set(MEMBERS_SHEET, "DV001", score_common=31)
    result = read_demo(filler.bytes())
    sums = [finding for finding in result.findings if finding.rule == "S-SUM"]
    assert [finding.cell for finding in sums] == [filler.cell(MEMBERS_SHEET, "DV001", "score_common")]


def test_the_workbooks_ranges_and_help_follow_the_rule_sets_parameters():
    """Every threshold is a parameter of the rule set (docs/rulebook-366.md): one with other maxima, bands and the
    HTXSNV share gives a workbook whose number ranges, computed level and help lines say its own figures."""
    other = RS.with_changes(score_common_max=40, score_tasks_max=60, band_htxsnv=85, band_httnv=65, band_htnv=45,
                            htxsnv_exceeded_share=0.25)
    book = openpyxl.load_workbook(io.BytesIO(build_366(rule_set=other)))
    sheet, last = book[MEMBERS_SHEET], FIRST_DATA_ROW + 11
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    common, tasks, allowed = (MEMBERS.column_letter(key) for key in ("score_common", "score_tasks", "allowed_level"))
    assert rules[f"{common}5:{common}{last}"].formula2 == "40" and "40" in rules[f"{common}5:{common}{last}"].error
    assert rules[f"{tasks}5:{tasks}{last}"].formula2 == "60"
    assert ">=85," in sheet[f"{allowed}7"].value and ">=90," not in sheet[f"{allowed}7"].value
    help_lines = {row[1]: row[2] for row in book.worksheets[0].iter_rows(values_only=True) if row[1]}
    specs = next(spec for spec in sheet_specs(other) if spec.kind is SubjectKind.MEMBER)
    by_key = {column.key: column.header for column in specs.columns}  # the headers say the rule set's maxima too
    assert (by_key["score_common"], by_key["score_tasks"]) == (
        "Điểm tiêu chí chung (tối đa 40)", "Điểm kết quả thực hiện nhiệm vụ (tối đa 60)")
    assert "từ 85 HTXSNV, từ 65 HTTNV, từ 45 HTNV, dưới 45 KHTNV" in help_lines[by_key["allowed_level"]]
    assert "từ 0 đến 40" in help_lines[by_key["score_common"]]
    assert "từ 0 đến 60" in help_lines[by_key["score_tasks"]]
    assert "ít nhất 25% nhiệm vụ vượt mức" in help_lines[by_key["tasks_exceeded"]]
    assert not any("90" in line or "30%" in line for line in help_lines.values() if isinstance(line, str))
