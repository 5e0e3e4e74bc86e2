"""A report of a qd366-hd43 cycle: mean score and counts per score band beside the docs/rulebook.md §6 columns, in the page
and every export; a comparison with a year rated under another rule set says so; last year's numbers of a unit
that was merged into another (after last year's review) follow its successor."""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from kdweb.extensions import db
from kdweb.models import Unit
from kdweb.reports import Counts, ScoreStats
from kdweb.reports.columns import columns, header_cells
from tests.reports import factories


def scored(code, level, score, band=None):
    row = factories.subject("MEMBER", code, level)
    row.update(score=Decimal(str(score)), score_band=band or level)
    return row


@pytest.fixture
def scored_year(app, demo):
    with app.app_context():
        cycle = factories.cycle(2026)
        cycle.rule_set_id = "qd366-hd43"
        factories.send_result(cycle, factories.unit("BD.P01"), [
            scored("P01-1", "HTXSNV", 92), scored("P01-2", "HTTNV", 75), scored("P01-3", "HTTNV", 80),
            scored("P01-4", "HTNV", 55), factories.subject("MEMBER", "P01-5", None, reason="EXEMPT"),
        ])
        factories.send_result(cycle, factories.unit("BD.P02"), [
            scored("P02-1", "HTTNV", 71.5), scored("P02-2", "HTNV", 88, band="HTTNV"),
        ])
        previous = factories.add_cycle(2025)
        ward = factories.unit("BD.P01")
        merged = Unit(code="BD.P01-CU", name="Đảng bộ phường cũ", kind=ward.kind, level=ward.level, group=ward.group,
                      parent_id=ward.parent_id, reports=True, active=False, valid_to=date(2025, 12, 31),
                      successor_id=ward.id)
        db.session.add(merged)
        db.session.flush()
        factories.send_result(previous, merged, factories.members("CU", "XTTT"))
        db.session.commit()
        db.session.remove()


def test_the_score_columns_and_their_headers_are_computed():
    cols = columns("MEMBER", scored=True)
    keys = [column.key for column in cols]
    assert keys.index("score_mean") == keys.index("other") + 1 and keys[-2:] == ["disciplined", "note"]
    heads = {(cell.row, cell.text): (cell.first, cell.last, cell.rows) for cell in header_cells(cols)}
    first = keys.index("score_mean")
    assert heads[(0, "Chấm điểm (Quy định 366-QĐ/TW)")] == (first, first + 4, 1)
    assert heads[(1, "Số theo khung điểm")] == (first + 1, first + 4, 1)
    assert heads[(1, "Điểm bình quân")] == (first, first, 2)
    assert heads[(0, "Ghi chú")] == (len(cols) - 1, len(cols) - 1, 3)
    assert ScoreStats(2, Decimal("151.5"), (0, 1, 1, 0)).mean == Decimal("75.75")
    assert (ScoreStats(1, Decimal(90), (1, 0, 0, 0)) + ScoreStats(1, Decimal(60), (0, 0, 1, 0))).bands["HTNV"] == 1
    assert Counts() + Counts() == Counts()


def test_the_page_shows_mean_score_bands_and_says_the_years_differ(client, auth, scored_year):
    auth.login_as("reviewer")
    page = client.get("/reports/2026").get_data(as_text=True)
    assert "Điểm bình quân" in page and "Khung HTXSNV" in page
    p01 = re.search(r'data-key="unit:BD.P01".*?</tr>', page, re.S).group(0)
    assert 'data-s="score_mean">75,50<' in p01
    assert re.search(r'data-s="band_htxsnv"|data-m', p01)
    assert "hai năm không cùng tiêu chí" in page
    # last year BD.P01-CU (merged into BD.P01) had 1 HTXSNV of 4 rated: 25 %
    assert re.search(r'data-p="htxsnv_percent">[^<]*<small class="previous"[^>]*>25,00', p01)


def test_the_exports_carry_the_score_columns(client, auth, scored_year):
    auth.login_as("reviewer")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx").data))
    sheet = book["Đảng viên"]
    headers = [cell.value for row in sheet.iter_rows(min_row=7, max_row=9) for cell in row if cell.value]
    assert "Chấm điểm (Quy định 366-QĐ/TW)" in headers and "Khung HTTNV" in headers
    rows = {row[1].value: row for row in sheet.iter_rows(min_row=11) if row[1].value}
    mean_at = [cell.value for cell in sheet[8]].index("Điểm bình quân")
    assert rows["Tổng cộng toàn Đảng bộ"][mean_at].value == pytest.approx(76.92, abs=0.001)  # 461.5 / 6
    text = client.get("/reports/2026/report.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(row for row in table if "Điểm bình quân" in row)
    total = next(row for row in table if row[:2] == ["Đảng viên", "Tổng cộng"])
    assert total[header.index("Điểm bình quân")] == "76,92"
    document = json.loads(client.get("/reports/2026/report.json").data)
    total = next(row for row in document["rows"] if row["kind"] == "MEMBER" and row["row_type"] == "total")
    assert (total["band_htxsnv"], total["band_httnv"], total["band_htnv"]) == (1, 4, 1)
