"""Formula injection is neutralised in every spreadsheet format; download names survive in Vietnamese."""
import unicodedata
from io import BytesIO
from urllib.parse import unquote

import openpyxl
import pytest

from kdweb.exports.content_disposition import ascii_fallback, attachment
from kdweb.exports.safe_cells import is_risky, neutralise, neutralise_row, set_text

RISKY = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTab", "\rCR", '=HYPERLINK("http://x","y")', "＝1+1"]
HARMLESS = ["Đảng bộ phường Cống Vị", "1+1", " =1", "a=b", "", "Chi bộ 3-2"]


@pytest.mark.parametrize("text", RISKY)
def test_risky_text_gets_a_leading_apostrophe(text):
    assert is_risky(text)
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", HARMLESS + [12, -5, 3.5, None])
def test_harmless_values_are_left_alone(value):
    assert neutralise(value) == value


def test_rows_are_neutralised_cell_by_cell():
    assert neutralise_row(["=x", 1, "ok", -1]) == ["'=x", 1, "ok", -1]


def test_xlsx_cells_keep_the_text_but_never_become_formulas():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row, text in enumerate(RISKY + HARMLESS[:2], 1):
        set_text(sheet.cell(row, 1), text)
    stream = BytesIO()
    workbook.save(stream)
    cells = [row[0] for row in openpyxl.load_workbook(BytesIO(stream.getvalue())).active.iter_rows()]
    for cell, text in zip(cells, RISKY):
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
        assert cell.value == text.replace("\r", "\n")  # XML keeps no bare CR
    assert cells[len(RISKY)].quotePrefix is False


def test_content_disposition_carries_the_vietnamese_name_and_an_ascii_fallback():
    name = "Báo cáo xếp loại chất lượng năm 2026 - đã duyệt.xlsx"
    header = attachment(unicodedata.normalize("NFD", name))
    assert header.isascii()
    fallback, encoded = header.split("; filename*=UTF-8''")
    assert fallback == 'attachment; filename="Bao cao xep loai chat luong nam 2026 - da duyet.xlsx"'
    assert unquote(encoded) == name
    assert unicodedata.is_normalized("NFC", unquote(encoded))


def test_fallback_names_are_plain_and_safe():
    assert ascii_fallback('Đảng ủy "Ba Đình"; x.csv') == "Dang uy _Ba Dinh_ x.csv"
    assert "/" not in ascii_fallback("../../etc/passwd") and ".." not in ascii_fallback("../../etc/passwd")
    assert ascii_fallback("Báo cáo.tar.gz") == "Bao cao.tar.gz"
    assert ascii_fallback("Ủy") == "Uy"
    assert ascii_fallback("中文.csv") == "download.csv"
    assert ascii_fallback("中文") == "download"
    assert attachment('a"b.csv').split(";")[1] == ' filename="a_b.csv"'
