"""An annotated copy of an upload: cells with errors red, warnings yellow, every message in the cell's comment."""
from __future__ import annotations

import io

import openpyxl

from kdweb.excel import annotate
from kdweb.excel.styles import ERROR_FILL, WARNING_FILL
from kdweb.rules import Finding, Severity, SubjectKind

from .builders import MEMBERS_SHEET, Filler, build_demo, fill_clean, read_demo


def test_error_cells_are_red_with_their_messages():
    filler = fill_clean(Filler(build_demo()))
    filler.set(MEMBERS_SHEET, "DV002", level="khá")
    filler.set(MEMBERS_SHEET, "DV003", grades="Tốt", level="HTTNV", not_rated_reason=None)
    data = filler.bytes()
    result = read_demo(data)
    warning = Finding("P-FONT", Severity.WARNING, SubjectKind.MEMBER, "DV001", "Nguyễn Văn An", "name",
                      "Kiểm tra phông chữ.", sheet=MEMBERS_SHEET, cell="C5")
    book = openpyxl.load_workbook(io.BytesIO(annotate(data, result.findings + [warning])))
    sheet = book[MEMBERS_SHEET]
    assert sheet["N6"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert result.findings[0].message in sheet["N6"].comment.text and "[P-VALUE]" in sheet["N6"].comment.text
    assert sheet["N7"].fill.fgColor.rgb.endswith(ERROR_FILL) and "[M-EXCLUDED]" in sheet["N7"].comment.text
    assert sheet["C5"].fill.fgColor.rgb.endswith(WARNING_FILL)
    assert sheet["N5"].comment is None and sheet["N5"].fill.fgColor.rgb != "00" + ERROR_FILL
    assert read_demo(annotate(data, result.findings)).ok  # still our workbook, still signed
