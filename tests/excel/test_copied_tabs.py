"""A subject tab duplicated (Excel's "Move or Copy → Create a copy": “Đảng viên (2)”) and filled there: the reader
reads the issued tab only, so the unit is told, at the copy's first filled cell, that what it typed there is not
read and what to do; a tab of the unit's own that merely repeats a header, or a copy left as it came, is not told."""
from __future__ import annotations

import pytest

from .builders import MEMBERS_SHEET, ORGS_SHEET, Filler, build_demo, fill_clean, read_demo

COPY = f"{MEMBERS_SHEET} (2)"


def with_copy(filler: Filler, fill_copy: bool) -> Filler:
    book = filler.workbook
    book.security.lockStructure = False
    copy = book.copy_worksheet(book[MEMBERS_SHEET])
    copy.title = COPY
    filler.specs[COPY] = filler.specs[MEMBERS_SHEET]
    if fill_copy:
        for code in ("DV001", "DV002"):
            filler.set(COPY, code, grades="Tốt", level="HTTNV")
    return filler


def test_a_copied_tab_filled_instead_of_the_issued_one_is_told_at_its_first_filled_cell():
    filler = with_copy(Filler(build_demo()), fill_copy=True)
    result = read_demo(filler.bytes())
    told = [finding for finding in result.findings if finding.rule == "W-COPIED-TAB"]
    assert [(finding.sheet, finding.cell) for finding in told] == [(COPY, filler.cell(COPY, "DV001", "grade:1"))]
    message = told[0].message
    assert f"“{COPY}”" in message and f"“{MEMBERS_SHEET}”" in message and "không được đọc" in message
    assert told[0].severity.name == "WARNING"


@pytest.mark.parametrize("fill_copy", [False], ids=["a copy left as it came"])
def test_a_copy_left_as_it_came_is_not_told(fill_copy):
    result = read_demo(with_copy(fill_clean(Filler(build_demo())), fill_copy).bytes())
    assert result.findings == []


def test_a_tab_of_the_units_own_with_a_header_word_is_not_told():
    filler = fill_clean(Filler(build_demo()))
    filler.workbook.security.lockStructure = False
    notes = filler.workbook.create_sheet("Ghi chép riêng")
    notes["A1"], notes["B2"], notes["A2"] = "Mã đảng viên", "Hoàn thành tốt nhiệm vụ", "DV001"
    other = filler.workbook.copy_worksheet(filler.workbook[ORGS_SHEET])  # a copy as it came, of another kind
    other.title = "Bản sao"
    assert read_demo(filler.bytes()).findings == []


def test_the_template_tabs_the_reader_skips_are_the_templates_own():
    """copied_tabs names them rather than importing their writers (openpyxl): the names must follow the template."""
    from python_calamine import CalamineWorkbook
    import io

    from kdweb.excel.columns import SHEET_NAMES
    from kdweb.excel.copied_tabs import TEMPLATE_TABS

    names = set(CalamineWorkbook.from_filelike(io.BytesIO(build_demo())).sheet_names)
    assert names - set(SHEET_NAMES.values()) == TEMPLATE_TABS


def test_a_copy_is_told_only_for_a_subject_the_issued_tab_leaves_unrated():
    """The copy's filled rows are read before the issued tab (the workbook is closed before the issued tabs' rows:
    kdweb/excel/reader.py), and matched against what the issued tab rates only afterwards."""
    filler = with_copy(Filler(build_demo()), fill_copy=False)
    filler.set(MEMBERS_SHEET, "DV001", grades="Tốt", level="HTTNV")
    for code in ("DV001", "DV002"):
        filler.set(COPY, code, grades="Tốt", level="HTTNV")
    told = [finding for finding in read_demo(filler.bytes()).findings if finding.rule == "W-COPIED-TAB"]
    assert [(finding.sheet, finding.cell) for finding in told] == [(COPY, filler.cell(COPY, "DV002", "grade:1"))]


def test_a_copy_filled_only_where_the_issued_tab_rates_is_not_told():
    filler = with_copy(fill_clean(Filler(build_demo())), fill_copy=True)  # the copy of a tab that rates everyone
    assert [finding for finding in read_demo(filler.bytes()).findings if finding.rule == "W-COPIED-TAB"] == []
