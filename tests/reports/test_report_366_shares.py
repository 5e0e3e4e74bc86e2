"""The report's quota table and the admin's quota marks say the rule set's shares (docs/rulebook-366.md §5: "HTXSNV
as a share of HTTNV per quota group with the 25 % mark"; every number a parameter), in the page and every export."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from kdweb.exports.xlsx_report import QUOTA_SHEET_NAMES
from kdweb.rules import RULE_SETS

from tests.reports.test_report_366_additions import year_366  # noqa: F401 (the fixture: a small 366 cycle)

DEFAULT_TITLE = "Tỷ lệ HTXSNV/HTTNV theo nhóm tính tỷ lệ (mức 20 %, nhóm được đánh giá nổi trội 25 %)"
OTHER_TITLE = "Tỷ lệ HTXSNV/HTTNV theo nhóm tính tỷ lệ (mức 30 %, nhóm được đánh giá nổi trội 35 %)"


@pytest.fixture
def other_shares(monkeypatch):
    rule_set = RULE_SETS["qd366-hd43"].with_changes(quota_share=0.3, quota_outstanding_share=0.35)
    monkeypatch.setitem(RULE_SETS, "qd366-hd43", rule_set)


def everything(client) -> tuple[str, openpyxl.Workbook, str]:
    page = client.get("/reports/2026").get_data(as_text=True)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx").data))
    text = client.get("/reports/2026/report.csv").data.decode("utf-8-sig")
    return page, book, text


def quota_header(book) -> list:
    sheet = book[QUOTA_SHEET_NAMES["MEMBER"]]
    return [cell.value for row in sheet.iter_rows(max_row=12) for cell in row if isinstance(cell.value, str)]


def test_the_rule_sets_own_shares(client, auth, year_366):  # noqa: F811
    auth.login_as("reviewer")
    page, book, text = everything(client)
    assert DEFAULT_TITLE in page and DEFAULT_TITLE in quota_header(book)
    assert DEFAULT_TITLE.upper() in text
    csv_header = next(row for row in csv.reader(io.StringIO(text), delimiter=";") if "Số HTXSNV vượt mức" in row)
    assert "Nhóm được đánh giá nổi trội (mức 25 %)" in csv_header


def test_other_shares_change_every_heading(client, auth, year_366, other_shares):  # noqa: F811
    auth.login_as("reviewer")
    page, book, text = everything(client)
    assert OTHER_TITLE in page and DEFAULT_TITLE not in page
    assert OTHER_TITLE in quota_header(book)
    assert OTHER_TITLE.upper() in text and "25 %" not in text
    csv_header = next(row for row in csv.reader(io.StringIO(text), delimiter=";") if "Số HTXSNV vượt mức" in row)
    assert "Nhóm được đánh giá nổi trội (mức 35 %)" in csv_header
    assert 'data-q="limit_percent">35,00<' in page  # the rows already took the rule set's share


def test_the_quota_marks_section_says_the_shares(client, auth, demo, other_shares):
    auth.login_as("admin")
    client.post("/admin/cycles", data={"year": "2031", "rule_set_id": "qd366-hd43"})
    page = client.get("/admin/cycles/2031").get_data(as_text=True)
    assert "Nhóm được đánh giá nổi trội (tỷ lệ tới 35%)" in page and "thay vì 30%" in page
    assert "25%" not in page.split('id="quota-marks"', 1)[1].split("</section>", 1)[0]
