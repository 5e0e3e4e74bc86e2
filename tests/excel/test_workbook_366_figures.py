"""The workbook download of a qd366-hd43 cycle says the rule set's figures in its headers and instructions
(docs/rulebook-366.md: every number is a parameter), keeps the headers it was issued with, and reads a workbook
whose headers carry other figures (issued before a parameter changed)."""
from __future__ import annotations

import io
from dataclasses import replace

import openpyxl
import pytest

from kdweb.excel.columns import HEADER_ROW
from kdweb.excel.instructions import SHEET as INSTRUCTIONS
from kdweb.rules import Discipline, get_rule_set

from .builders import CYCLE, LEADERS_SHEET, MEMBERS_SHEET, Filler, build_demo, demo_roster, read_demo

RS = get_rule_set("qd366-hd43")
CYCLE_366 = replace(CYCLE, rule_set_id="qd366-hd43")
OTHER = RS.with_changes(score_common_max=40, score_tasks_max=60, quota_outstanding_share=0.35,
                        khtnv_led_units_share=0.6, khtnv_low_confidence_share=0.55,
                        discipline_threshold=Discipline.CANH_CAO, htxsnv_remedied_share=0.9)


def headers(book, sheet: str) -> list[str]:
    return [cell.value for cell in book[sheet][HEADER_ROW] if cell.value]


def instructions(book) -> dict[str, str]:
    return {row[1]: row[2] for row in book[INSTRUCTIONS].iter_rows(values_only=True) if row[1]}


@pytest.fixture(scope="module")
def other_book():
    return openpyxl.load_workbook(io.BytesIO(build_demo(demo_roster(), cycle=CYCLE_366, rule_set=OTHER)))


def test_headers_say_the_rule_sets_figures(other_book):
    members, leaders = headers(other_book, MEMBERS_SHEET), headers(other_book, LEADERS_SHEET)
    for expected in ("Điểm tiêu chí chung (tối đa 40)", "Điểm kết quả thực hiện nhiệm vụ (tối đa 60)",
                     "Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỷ lệ 35%)"):
        assert expected in members and expected in leaders
    assert "Trên 60% đơn vị thuộc quyền xếp loại KHTNV" in leaders
    assert "Trên 55% phiếu tín nhiệm thấp" in leaders
    shown = " | ".join(members + leaders)
    for literal in ("tối đa 30", "tối đa 70", "25%", "Trên 50%"):
        assert literal not in shown


def test_the_instructions_say_them_too(other_book):
    lines = instructions(other_book)
    assert lines["Điểm tiêu chí chung (tối đa 40)"].startswith("Điểm các tiêu chí chung, từ 0 đến 40")
    assert lines["Loại vi phạm bị kỷ luật"].startswith("Từ cảnh cáo trở lên")
    assert "khắc phục 90%" in lines["Số hạn chế, khuyết điểm đã khắc phục"]
    assert "Trên 60% đơn vị thuộc quyền xếp loại KHTNV" in lines


def test_the_rule_sets_own_figures_give_the_headers_workbooks_were_issued_with():
    """Issued workbooks are read by their headers: with the rule set as it is, the texts stay as layout 2 wrote them."""
    book = openpyxl.load_workbook(io.BytesIO(build_demo(demo_roster(), cycle=CYCLE_366)))
    members, leaders = headers(book, MEMBERS_SHEET), headers(book, LEADERS_SHEET)
    assert {"Điểm tiêu chí chung (tối đa 30)", "Điểm kết quả thực hiện nhiệm vụ (tối đa 70)",
            "Nhóm được cấp có thẩm quyền đánh giá nổi trội (tỷ lệ 25%)"} <= set(members)
    assert {"Trên 50% đơn vị thuộc quyền xếp loại KHTNV", "Trên 50% phiếu tín nhiệm thấp"} <= set(leaders)
    assert instructions(book)["Loại vi phạm bị kỷ luật"].startswith("Từ khiển trách trở lên")


def test_a_workbook_issued_with_other_figures_is_still_read():
    """Issued while the maximum was 40 and read now that it is 30: the columns are found (no W-COLUMN) and the
    score is checked against today's maximum."""
    filler = Filler(build_demo(demo_roster(), cycle=CYCLE_366, rule_set=OTHER), "qd366-hd43")
    filler.set(MEMBERS_SHEET, "DV001", level="HTTNV", score_common=35, score_tasks=40, tasks_assigned=10,
               tasks_done=10, tasks_on_time=10, tasks_late=0, tasks_exceeded=0)
    result = read_demo(filler.bytes())
    assert result.ok
    assert not [f for f in result.findings if f.rule == "W-COLUMN"]
    sums = [f for f in result.findings if f.rule == "S-SUM" and f.subject_code == "DV001"]
    assert [f.field for f in sums] == ["score_common"] and "vượt mức tối đa 30 điểm" in sums[0].message


def test_the_instructions_offer_not_rated_only_for_the_cases_366_allows(other_book):
    """Under 366 whoever is reviewed is rated: "Lý do khác" is refused (M-LEVEL), so the instructions do not offer it;
    the seed's workbook still does."""
    line = instructions(other_book)["Không xếp loại"]
    assert "Miễn công tác và sinh hoạt đảng" in line and "Đình chỉ sinh hoạt đảng" in line
    assert "Lý do khác" not in line
    seed = openpyxl.load_workbook(io.BytesIO(build_demo(demo_roster())))
    assert "Lý do khác" in instructions(seed)["Không xếp loại"]
