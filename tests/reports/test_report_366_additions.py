"""docs/rulebook-366.md §5, the report additions of a qd366-hd43 cycle beyond mean score and bands: HTXSNV as a
share of HTTNV per quota group with the 25 % mark; "Không xếp loại" by the three cases of 366; the number of
S-DISCRETION decisions. Every figure below is worked out by hand from the small scenario, in the page and in the
.xlsx, .csv and .json, whose letters and spans come from the column lists."""
from __future__ import annotations

import csv
import io
import json
import re
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import given, strategies as st
from openpyxl.utils import get_column_letter

from kdweb.extensions import db
from kdweb.models import Finding, QuotaMark
from kdweb.rules import get_rule_set
from kdweb.rules.checks_quota_groups import group_limit
from kdweb.reports.columns import THREE_CASES, columns, header_cells, quota_columns
from kdweb.reports.quota import QuotaRow
from kdweb.exports.xlsx_report import HEADER_TOP, QUOTA_SHEET_NAMES
from tests.reports import factories


def org(code, level, group):
    return factories.subject("ORGANISATION", code, level, group=group)


def discretion(submission, code, severity="warning"):
    db.session.add(Finding(upload_id=submission.upload_id, position=0, rule="S-DISCRETION", severity=severity,
                           subject_kind="MEMBER", subject_code=code, message="cấp có thẩm quyền xem xét"))


@pytest.fixture
def year_366(app, demo):
    with app.app_context():
        cycle = factories.cycle(2026)
        cycle.rule_set_id = "qd366-hd43"
        p01, p02 = factories.unit("BD.P01"), factories.unit("BD.P02")
        # BD.P01: 2 HTXSNV, 6 HTTNV, 1 HTNV; not rated: exempt, suspended, new. Marked outstanding for members.
        first = factories.send_result(cycle, p01, [
            *factories.members("P01", "XXTTTTTTN", reasons=("EXEMPT", "SUSPENDED", "NEW")),
            org("O1", "HTXSNV", "Khối phường"), org("O2", "HTTNV", "Khối phường"), org("O3", "HTTNV", "Khối phường"),
        ])
        # BD.P02: 1 HTXSNV, 5 HTTNV; one new member. Its organisations' group is marked outstanding.
        factories.send_result(cycle, p02, [
            *factories.members("P02", "XTTTTT", reasons=("NEW",)),
            org("O4", "HTTNV", "Khối phường"), org("O5", "HTTNV", "Khối phường"),
        ])
        db.session.add_all([QuotaMark(cycle_id=cycle.id, unit_id=p01.id, subject_kind="MEMBER"),
                            QuotaMark(cycle_id=cycle.id, unit_id=p02.id, subject_kind="ORGANISATION")])
        # two S-DISCRETION warnings on one member (one decision), one on another, and an error (no reason yet)
        discretion(first, "P01-009")
        discretion(first, "P01-009")
        discretion(first, "P01-008")
        discretion(first, "P01-007", severity="error")
        db.session.commit()
        db.session.remove()


def test_quota_rows_by_hand():
    outstanding = QuotaRow("rating_group", "1", "P01", httnv=6, htxsnv=2, outstanding=True, share=Fraction(1, 4))
    ordinary = QuotaRow("rating_group", "2", "P02", httnv=5, htxsnv=1, share=Fraction(1, 5))
    assert (outstanding.limit, outstanding.over, str(outstanding.ratio), outstanding.mark) == (1, 1, "33.33", "Có")
    assert (ordinary.limit, ordinary.over, str(ordinary.ratio), ordinary.mark) == (1, 0, "20.00", "")
    assert str(outstanding.share_percent) == "25.00" and str(ordinary.share_percent) == "20.00"  # as every %
    # 20 % of 4 HTTNV allows 0 HTXSNV; 25 % allows 1
    assert QuotaRow("rating_group", "3", "x", 4, 1, share=Fraction(1, 5)).over == 1
    assert QuotaRow("rating_group", "3", "x", 4, 1, outstanding=True, share=Fraction(1, 4)).over == 0


def test_the_three_cases_and_the_quota_headers_are_computed_from_the_columns():
    cols = columns("MEMBER", scored=True)
    keys = [column.key for column in cols]
    spans = {(cell.row, cell.text): (cell.first, cell.last, cell.rows) for cell in header_cells(cols)}
    assert spans[(1, THREE_CASES)] == (keys.index("exempt"), keys.index("new"), 1)
    assert spans[(1, "Trường hợp khác")] == (keys.index("temporary"), keys.index("other"), 1)
    assert spans[(0, "Không xếp loại")] == (keys.index("not_rated"), keys.index("other"), 1)
    assert keys.index("discretion") == keys.index("band_khtnv") + 1
    unscored = {(cell.row, cell.text) for cell in header_cells(columns("MEMBER"))}
    assert (1, THREE_CASES) not in unscored and "discretion" not in [c.key for c in columns("MEMBER")]
    quota = quota_columns()
    qkeys = [column.key for column in quota]
    qspans = {(cell.row, cell.text): (cell.first, cell.last, cell.rows) for cell in header_cells(quota)}
    assert qspans[(0, "Mức tối đa")] == (qkeys.index("outstanding"), qkeys.index("limit"), 1)
    assert qspans[(0, "Số xếp loại")] == (qkeys.index("httnv"), qkeys.index("htxsnv"), 1)
    assert qspans[(0, "Số HTXSNV vượt mức")][2] == 3


def row_of(page, marker):
    return re.search(marker + r".*?</tr>", page, re.S).group(0)


def test_the_page(client, auth, year_366):
    auth.login_as("reviewer")
    page = client.get("/reports/2026").get_data(as_text=True)
    members = page.split('data-quota-kind="MEMBER"', 1)[1].split("</table>", 1)[0]
    p01 = row_of(members, "Đảng bộ phường Cống Vị")
    assert 'data-q="httnv">6<' in p01 and 'data-q="htxsnv">2<' in p01
    assert 'data-q="htxsnv_httnv_ratio">33,33<' in p01 and 'data-q="outstanding">Có<' in p01
    assert 'data-q="limit_percent">25,00<' in p01 and 'data-q="limit">1<' in p01 and 'data-q="over">1<' in p01
    p02 = row_of(members, "Đảng bộ phường Điện Biên")
    assert 'data-q="limit_percent">20,00<' in p02 and 'data-q="over">0<' in p02 and 'data-q="outstanding"><' in p02
    total = row_of(members, 'class="row-total')
    assert 'data-q="httnv">11<' in total and 'data-q="htxsnv">3<' in total
    assert 'data-q="htxsnv_httnv_ratio">27,27<' in total and 'data-q="over">1<' in total
    # organisations: one group across both units, outstanding because BD.P02 is marked: 25 % of 4 = 1, none over
    orgs = page.split('data-quota-kind="ORGANISATION"', 1)[1].split("</table>", 1)[0]
    group = row_of(orgs, "Khối phường")
    assert 'data-q="httnv">4<' in group and 'data-q="htxsnv">1<' in group and 'data-q="limit">1<' in group
    assert 'data-q="outstanding">Có<' in group and 'data-q="over">0<' in group
    # the three cases and the S-DISCRETION decisions in the member table's total row
    table = page.split('data-kind="MEMBER"', 1)[1].split("</table>", 1)[0]
    total = row_of(table, 'data-key="total"')
    for measure, count in (("EXEMPT", 1), ("SUSPENDED", 1), ("NEW", 2), ("not_rated", 4)):
        assert re.search(rf'data-m="{measure}">(<a [^>]*>)?{count}<', total), measure
    assert 'data-m="discretion">2<' in total  # P01-008 and P01-009; the error is not a decision yet
    assert THREE_CASES in table


def test_the_xlsx(client, auth, year_366):
    auth.login_as("reviewer")
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx").data))
    sheet = book[QUOTA_SHEET_NAMES["MEMBER"]]
    keys = [column.key for column in quota_columns()]
    letter = {key: get_column_letter(index + 1) for index, key in enumerate(keys)}
    merged = {str(area) for area in sheet.merged_cells.ranges}
    assert f"{letter['outstanding']}{HEADER_TOP}:{letter['limit']}{HEADER_TOP}" in merged
    assert f"{letter['over']}{HEADER_TOP}:{letter['over']}{HEADER_TOP + 2}" in merged
    rows = {row[keys.index("label")].value: row for row in sheet.iter_rows(min_row=HEADER_TOP + 4)
            if row[keys.index("label")].value}
    p01 = rows["Đảng bộ phường Cống Vị"]
    assert (p01[keys.index("httnv")].value, p01[keys.index("htxsnv")].value, p01[keys.index("over")].value) == (6, 2, 1)
    assert p01[keys.index("htxsnv_httnv_ratio")].value == pytest.approx(0.3333)
    assert p01[keys.index("limit_percent")].value == pytest.approx(0.25)
    assert rows["Tổng cộng"][keys.index("htxsnv_httnv_ratio")].value == pytest.approx(0.2727)
    member = book["Đảng viên"]
    cols = [column.key for column in columns("MEMBER", scored=True)]
    total = next(row for row in member.iter_rows(min_row=HEADER_TOP + 4) if row[1].value == "Tổng cộng toàn Đảng bộ")
    assert (total[cols.index("new")].value, total[cols.index("discretion")].value) == (2, 2)
    three = f"{get_column_letter(cols.index('exempt') + 1)}{HEADER_TOP + 1}:" \
            f"{get_column_letter(cols.index('new') + 1)}{HEADER_TOP + 1}"
    assert three in {str(area) for area in member.merged_cells.ranges}
    assert member[three.split(":")[0]].value == THREE_CASES


def test_the_csv_and_json(client, auth, year_366):
    auth.login_as("reviewer")
    text = client.get("/reports/2026/report.csv").data.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(row for row in table if "Số HTXSNV vượt mức" in row)
    total = next(row for row in table[table.index(header):] if row[:2] == ["Đảng viên", "Tổng cộng"])
    assert total[header.index("Tỷ lệ HTXSNV/HTTNV (%)")] == "27,27" and total[header.index("Số HTXSNV vượt mức")] == "1"
    main = next(row for row in table if "Điểm bình quân" in row)
    member_total = next(row for row in table if row[:2] == ["Đảng viên", "Tổng cộng"])
    assert member_total[main.index("Số trường hợp đề nghị cấp có thẩm quyền xem xét (S-DISCRETION)")] == "2"
    document = json.loads(client.get("/reports/2026/report.json").data)
    p01 = next(row for row in document["quota_groups"]
               if row["kind"] == "MEMBER" and row["label"] == "Đảng bộ phường Cống Vị")
    assert (p01["httnv"], p01["htxsnv"], p01["limit_percent"], p01["limit"], p01["over"], p01["outstanding"]) == \
        (6, 2, 25.0, 1, 1, "Có")
    orgs = [row for row in document["quota_groups"] if row["kind"] == "ORGANISATION"]
    assert [(row["row_type"], row["httnv"], row["htxsnv"]) for row in orgs] == [("rating_group", 4, 1), ("total", 4, 1)]


def test_an_unscored_cycle_has_none_of_them(client, auth, app, demo):
    with app.app_context():
        factories.send_result(factories.cycle(2026), factories.unit("BD.P01"), factories.members("P01", "XTTTT"))
        db.session.commit()
        db.session.remove()
    auth.login_as("reviewer")
    page = client.get("/reports/2026").get_data(as_text=True)
    assert "data-quota-kind" not in page and THREE_CASES not in page and 'data-m="discretion"' not in page
    assert "quota_groups" not in json.loads(client.get("/reports/2026/report.json").data)


@given(httnv=st.integers(0, 400), htxsnv=st.integers(0, 200), outstanding=st.booleans())
def test_the_report_limit_is_the_quota_checks_limit(httnv, htxsnv, outstanding):
    """The report's table says a group is over exactly when Q-20/Q-25 would fire: same shares, same rounding."""
    rule_set = get_rule_set("qd366-hd43")
    share = rule_set.share("quota_outstanding_share" if outstanding else "quota_share")
    row = QuotaRow("rating_group", "1", "x", httnv, htxsnv, outstanding, share)
    limit = group_limit(httnv, outstanding, rule_set)
    assert row.limit == limit and (row.over > 0) == (htxsnv > limit)
