"""An annotated copy of an upload: cells with errors red, warnings yellow, every message in the cell's comment."""
from __future__ import annotations

import io

import openpyxl

from kdweb.excel.annotate import annotate
from kdweb.excel.styles import ERROR_FILL, WARNING_FILL
from kdweb.rules import Finding, Severity, SubjectKind

from .builders import MEMBERS_SHEET, Filler, build_demo, column_of, fill_clean, read_demo


def test_error_cells_are_red_with_their_messages():
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV002", level="khá")
    filler.set(MEMBERS_SHEET, "DV003", grades="Tốt", level="HTTNV", not_rated_reason=None)
    data = filler.bytes()
    result = read_demo(data)
    level, name = column_of(MEMBERS_SHEET, "level"), f"{column_of(MEMBERS_SHEET, 'name')}5"
    warning = Finding("P-FONT", Severity.WARNING, SubjectKind.MEMBER, "DV001", "Nguyễn Văn An", "name",
                      "Kiểm tra phông chữ.", sheet=MEMBERS_SHEET, cell=name)
    book = openpyxl.load_workbook(io.BytesIO(annotate(data, result.findings + [warning])))
    sheet = book[MEMBERS_SHEET]
    dv001, dv002, dv003 = (sheet[f"{level}{row}"] for row in (5, 6, 7))
    assert dv002.fill.fgColor.rgb.endswith(ERROR_FILL)
    assert result.findings[0].message in dv002.comment.text and "[P-VALUE]" in dv002.comment.text
    assert dv003.fill.fgColor.rgb.endswith(ERROR_FILL) and "[M-EXCLUDED]" in dv003.comment.text
    assert sheet[name].fill.fgColor.rgb.endswith(WARNING_FILL)
    assert dv001.comment is None and dv001.fill.fgColor.rgb != "00" + ERROR_FILL
    assert read_demo(annotate(data, result.findings)).ok  # still our workbook, still signed
