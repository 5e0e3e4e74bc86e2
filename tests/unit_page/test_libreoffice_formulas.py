"""A level typed as a formula in a workbook filled by a script (openpyxl stores no value beside a formula) is told
at its cell; the same file opened and saved by LibreOffice Calc, which calculates the formula and stores its value,
reads clean. How each program behaves is in kdweb/excel/unread_cells.py."""
import pytest

from kdweb.rules import Level, SubjectKind
from tests.excel.test_libreoffice import convert, profile  # noqa: F401 - the module's LibreOffice profile
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_seam_cells import newest_findings
from tests.workbooks import cell_of, changed, clean_values, fill

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]


def test_a_formula_openpyxl_left_uncalculated_is_calculated_by_calc(client, app, staff, batch, profile):  # noqa: F811
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    values = clean_values(batch)
    member = next(m.code for m in batch.members if values(SubjectKind.MEMBER, m.code)["level"] == Level.HTTNV.text)
    sheet, level_cell = cell_of(data, SubjectKind.MEMBER, member, "level")
    filled = fill(data, changed(values, member, level='=LEFT("Hoàn thành tốt nhiệm vụ và hơn", 23)'))

    upload(client, filled)
    assert [(rule, at) for rule, at, _ in newest_findings(app) if rule == "W-FORMULA"] == \
        [("W-FORMULA", f"'{sheet}'!{level_cell}")]

    body = upload(client, convert(filled, profile)).get_data(as_text=True)
    assert "Không có lỗi" in body, newest_findings(app)[:3]
