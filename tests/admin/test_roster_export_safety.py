"""The roster export writes formula-looking names as text, never as formulas."""
import io

from openpyxl import load_workbook

from kdweb.services.admin.roster_template import roster_workbook

EVIL = "=HYPERLINK(\"http://evil.example\",\"x\")"


def test_formula_looking_text_stays_text():
    data = roster_workbook([("BD.P01.C01", "@Chi bộ số 1")], persons=[{"code": "DV1", "full_name": EVIL}])
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value in (EVIL, "@Chi bộ số 1")]
    assert len(cells) == 2
    assert all(cell.data_type == "s" for cell in cells)
