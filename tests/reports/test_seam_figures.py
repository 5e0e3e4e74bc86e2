"""The same figure is the same everywhere: every (kind, row, column) of the district report reads alike on the page
and in the .csv, the .xlsx and the .json, under both rule sets and both bases, with last year's cycle beside it;
percentages are rounded once (two decimals, half up) and written as each place intends: the page and the .csv
with the decimal comma ("33,33"), the .json with the point ("33.33"), the .xlsx as a number with the format
"0.00%". The columns come from `columns()`, so a new column is compared without touching this file."""
from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from kdweb.exports.xlsx_report import BREAKDOWN_SHEET_NAMES, HEADER_TOP, QUOTA_SHEET_NAMES, SHEET_NAMES
from kdweb.extensions import db
from kdweb.models import Finding, QuotaMark, Unit, Upload
from kdweb.reports.columns import columns, quota_columns
from kdweb.reports.formatting import vn_percent
from kdweb.reports.percent import percent
from kdweb.rules import Level, SubjectKind, get_rule_set
from kdweb.rules.terms import QuotaScope
from kdweb.services import district_checks, reports
from tests.reports import factories
from tests.reports.test_exports import csv_key
from tests.reports.test_report_366_additions import year_366  # noqa: F401  (fixture)
from tests.reports.test_scored_report import scored_year  # noqa: F401  (fixture)
from tests.reports.test_seam_district import report
from tests.unit_page.conftest import UNIT, batch  # noqa: F401  (fixture)
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_quota_groups import (
    GROUP_A, both_groups, groups_of, import_groups, quota_messages, set_unit_group, with_excellent,
)
from tests.unit_page.test_quota_marks_now import between_20_and_25_percent, download, set_member_mark, upload_as_staff
from tests.workbooks import fill, submit_latest_upload

PAGE_PERCENT = re.compile(r"^\d{1,3}(\.\d{3})*,\d{2}$")
CSV_DECIMAL = re.compile(r"^\d+,\d{2}$")
JSON_DECIMAL = re.compile(r"^\d+\.\d{2}$")


def figure_columns(kind, scored):
    return [column for column in columns(kind, scored=scored) if column.type in ("count", "percent", "score")]


# --- each place read back as (kind, row key) → column key → canonical text ("12" or "33.33"; None: no value) ---

def page_figures(html: str) -> dict:
    figures = {}
    for table in re.finditer(r'<table[^>]*data-kind="(\w+)"(.*?)</table>', html, re.S):
        kind = table.group(1)
        for row in re.finditer(r'<tr class="row-\w+" data-key="([^"]*)">(.*?)</tr>', table.group(2), re.S):
            cells = {}
            for attribute, key, text in re.findall(r'<td class="[^"]*" data-([mps])="(\w+)">(.*?)</td>', row.group(2),
                                                   re.S):
                text = re.sub(r"<small.*?</small>", "", text, flags=re.S)
                text = re.sub(r"<[^>]+>", "", text).strip()
                if attribute == "m":
                    assert re.fullmatch(r"\d{1,3}(\.\d{3})*", text), (kind, row.group(1), key, text)
                    cells[key] = text.replace(".", "")
                else:
                    assert text in ("–", "") or PAGE_PERCENT.match(text), (kind, row.group(1), key, text)
                    cells[key] = None if text in ("–", "") else text.replace(".", "").replace(",", ".")
            held = figures.setdefault((kind, row.group(1)), cells)
            assert held == cells, ("the total row of a kind's two tables differs", kind, row.group(1))
    return figures


def page_key_of(column) -> str:
    return column.measure or column.key if column.type == "count" else column.key


def csv_figures(text: str, scored: bool) -> dict:
    lines = text.split("\r\n")
    start = next(index for index, line in enumerate(lines) if line.startswith("Đối tượng;"))
    rows = csv.DictReader(io.StringIO("\r\n".join(lines[start:lines.index("", start)])), delimiter=";")
    figures = {}
    for row in rows:
        kind, key = csv_key(row)
        cells = {}
        for column in figure_columns(None, scored):  # one header row for every kind
            value = row[column.header]
            if column.type == "count":
                assert re.fullmatch(r"\d+", value), (kind, key, column.key, value)
                cells[column.key] = value
            else:
                assert value == "" or CSV_DECIMAL.match(value), (kind, key, column.key, value)
                cells[column.key] = value.replace(",", ".") or None
        figures[(kind, key)] = cells
    return figures


def json_figures(document: dict, scored: bool) -> dict:
    figures = {}
    for row in document["rows"]:
        kind, row_type = row["kind"], row["row_type"]
        if row_type == "unit":
            key = f"unit:{row['unit_code']}"
        elif row_type == "total":
            key = "total"
        else:
            key = f"{row_type}:{'~' if row['group'] is None else row['group']}"
        cells = {}
        for column in figure_columns(kind, scored):
            value = row[column.key]
            if column.type == "count":
                assert isinstance(value, int), (kind, key, column.key, value)
                cells[column.key] = str(value)
            else:
                assert value is None or (isinstance(value, str) and JSON_DECIMAL.match(value)), \
                    (kind, key, column.key, value)
                cells[column.key] = value
        figures[(kind, key)] = cells
    return figures


def xlsx_figures(book, scored: bool, unit_codes: dict[str, str], group_keys: dict[str, str]) -> dict:
    figures = {}
    for kind, title in SHEET_NAMES.items():
        sheets = [(book[title], "main")]
        if BREAKDOWN_SHEET_NAMES.get(kind) in book.sheetnames:
            sheets.append((book[BREAKDOWN_SHEET_NAMES[kind]], "rating_group"))
        cols = columns(kind, scored=scored)
        for sheet, kind_of_rows in sheets:
            for row in sheet.iter_rows(min_row=HEADER_TOP + 4):
                number, label = row[0].value, row[1].value
                if label is None or str(label).startswith("Ghi chú") or row[2].value is None:
                    continue
                label = str(label).removeprefix("'")
                if label == "Tổng cộng toàn Đảng bộ":
                    key = "total"
                elif kind_of_rows == "rating_group":
                    key = f"rating_group:{label}"
                elif str(number).isdigit():
                    key = f"unit:{unit_codes[label]}"
                else:
                    key = "group:" + group_keys.get(label, label)
                cells = {}
                for index, column in enumerate(cols):
                    if column.type not in ("count", "percent", "score"):
                        continue
                    cell = row[index]
                    if column.type == "count":
                        assert isinstance(cell.value, int) and cell.number_format == "#,##0", (kind, key, column.key)
                        cells[column.key] = str(cell.value)
                    elif column.type == "percent":
                        assert cell.value is None or cell.number_format == "0.00%", (kind, key, column.key)
                        cells[column.key] = None if cell.value is None else f"{cell.value * 100:.2f}"
                    else:
                        assert cell.value is None or cell.number_format == "0.00", (kind, key, column.key)
                        cells[column.key] = None if cell.value is None else f"{cell.value:.2f}"
                held = figures.setdefault((kind, key), cells)
                assert held == cells, ("the total row of a kind's two sheets differs", kind, key)
    return figures


def as_page_keys(figures: dict, scored: bool) -> dict:
    """Column keys → the page's cell names (a count's measure), so every place is keyed alike."""
    result = {}
    for (kind, key), cells in figures.items():
        names = {column.key: page_key_of(column) for column in figure_columns(kind, scored)}
        result[(kind, key)] = {names[name]: value for name, value in cells.items()}
    return result


def every_place(client, year: int, basis: str, scored: bool, unit_codes, group_keys) -> dict[str, dict]:
    suffix = f"?basis={basis}"
    html = client.get(f"/reports/{year}{suffix}").get_data(as_text=True)
    text = client.get(f"/reports/{year}/report.csv{suffix}").data.decode("utf-8-sig")
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/reports/{year}/report.xlsx{suffix}").data))
    document = json.loads(client.get(f"/reports/{year}/report.json{suffix}").data)
    return {"page": page_figures(html),
            "csv": as_page_keys(csv_figures(text, scored), scored),
            "xlsx": as_page_keys(xlsx_figures(book, scored, unit_codes, group_keys), scored),
            "json": as_page_keys(json_figures(document, scored), scored)}


def assert_same_everywhere(places: dict[str, dict], scored: bool):
    page = places["page"]
    assert page, "the page shows no table"
    wanted = {kind: {page_key_of(column) for column in figure_columns(kind, scored)} for kind, _ in page}
    for (kind, key), cells in page.items():
        assert set(cells) == wanted[kind], (kind, key, set(cells) ^ wanted[kind])
    for name, figures in places.items():
        assert set(page) <= set(figures), (name, set(page) - set(figures))
        for kind, key in set(figures) - set(page):  # a kind with no subject: the page says so, the files say 0
            assert key == "total" and set(figures[(kind, key)].values()) <= {"0", None}, (name, kind, key)
        for row_key, cells in figures.items():
            if row_key not in page:
                continue
            for column, value in cells.items():
                assert value == page[row_key][column], (name, row_key, column, value, page[row_key][column])


def names_of(app):
    with app.app_context():
        units = db.session.execute(db.select(Unit.code, Unit.name, Unit.group)).all()
    codes = {name: code for code, name, _ in units}
    groups = {group: group for _, _, group in units if group}
    groups["Cấp trên cơ sở"] = "~"
    return codes, groups


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_every_figure_of_the_132_report_reads_alike_on_the_page_and_in_every_export(app, client, reviewer,
                                                                                   previous_year, basis):
    codes, groups = names_of(app)
    places = every_place(client, 2026, basis, False, codes, groups)
    assert 'class="previous"' in client.get(f"/reports/2026?basis={basis}").get_data(as_text=True)
    assert_same_everywhere(places, scored=False)


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_every_figure_of_the_366_report_reads_alike_on_the_page_and_in_every_export(app, client, auth, year_366,
                                                                                   basis):
    auth.login_as("reviewer")
    codes, groups = names_of(app)
    places = every_place(client, 2026, basis, True, codes, groups)
    assert_same_everywhere(places, scored=True)


# --- the HTXSNV per quota group: page, .csv, .xlsx, .json ---------------------------------------------------

QUOTA_KINDS_TEXT = {"Đảng viên": "MEMBER", "Tổ chức đảng": "ORGANISATION",
                    "Tập thể lãnh đạo, quản lý": "COLLECTIVE", "Cá nhân cán bộ lãnh đạo, quản lý": "LEADER"}


def quota_from_page(html: str) -> dict:
    figures = {}
    for table in re.finditer(r'<table[^>]*data-quota-kind="(\w+)"(.*?)</table>', html, re.S):
        for row in re.finditer(r'<tr class="row-\w+[^"]*">\s*<td>[^<]*</td>\s*<th scope="row">(.*?)</th>(.*?)</tr>',
                               table.group(2), re.S):
            cells = {}
            for key, text in re.findall(r'<td[^>]*data-q="(\w+)">(.*?)</td>', row.group(2), re.S):
                text = text.strip()
                column = next(column for column in quota_columns() if column.key == key)
                if column.type == "percent":
                    assert text == "–" or PAGE_PERCENT.match(text), (key, text)
                    text = None if text == "–" else text.replace(".", "").replace(",", ".")
                elif column.type == "count":
                    text = text.replace(".", "") or None
                cells[key] = text or None
            figures[(table.group(1), row.group(1).strip())] = cells
    return figures


def quota_from_csv(text: str) -> dict:
    table = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = next(row for row in table if "Số HTXSNV vượt mức" in row)
    cols = quota_columns()
    figures = {}
    for row in table[table.index(header) + 1:]:
        if not row or row[0] not in QUOTA_KINDS_TEXT:
            break
        cells = {}
        for index, column in enumerate(cols, 2):
            if column.key in ("number", "label"):
                continue
            value = row[index]
            if column.type == "percent":
                assert value == "" or CSV_DECIMAL.match(value), (column.key, value)
                value = value.replace(",", ".")
            cells[column.key] = value or None
        figures[(QUOTA_KINDS_TEXT[row[0]], row[2 + 1].removeprefix("'"))] = cells
    return figures


def quota_from_json(document: dict) -> dict:
    figures = {}
    for row in document["quota_groups"]:
        cells = {}
        for column in quota_columns():
            if column.key in ("number", "label"):
                continue
            value = row[column.key]
            if column.type == "percent":  # a number here (the rows' percentages are text)
                assert value is None or isinstance(value, (int, float)), (column.key, value)
                value = None if value is None else f"{value:.2f}"
            elif column.type == "count":
                assert value is None or isinstance(value, int), (column.key, value)
                value = None if value is None else str(value)
            cells[column.key] = value or None
        figures[(row["kind"], row["label"])] = cells
    return figures


def quota_from_xlsx(book) -> dict:
    cols = quota_columns()
    figures = {}
    for kind, title in QUOTA_SHEET_NAMES.items():
        if title not in book.sheetnames:
            continue
        for row in book[title].iter_rows(min_row=HEADER_TOP + 4):
            label = row[1].value
            if label is None or str(label).startswith("Ghi chú") or row[2].value is None:
                continue
            cells = {}
            for index, column in enumerate(cols):
                if column.key in ("number", "label"):
                    continue
                value = row[index].value
                if column.type == "percent":
                    assert value is None or row[index].number_format == "0.00%", column.key
                    value = None if value is None else f"{value * 100:.2f}"
                elif column.type == "count":
                    value = None if value is None else str(value)
                cells[column.key] = value or None
            figures[(kind, str(label).removeprefix("'"))] = cells
    return figures


def test_the_quota_table_reads_alike_on_the_page_and_in_every_export(client, auth, year_366):  # noqa: F811
    auth.login_as("reviewer")
    page = quota_from_page(client.get("/reports/2026").get_data(as_text=True))
    assert page and any(cells["over"] not in (None, "0") for cells in page.values())
    places = {
        "csv": quota_from_csv(client.get("/reports/2026/report.csv").data.decode("utf-8-sig")),
        "xlsx": quota_from_xlsx(openpyxl.load_workbook(io.BytesIO(client.get("/reports/2026/report.xlsx").data))),
        "json": quota_from_json(json.loads(client.get("/reports/2026/report.json").data)),
    }
    for name, figures in places.items():
        assert set(figures) == set(page), (name, set(figures) ^ set(page))
        for key, cells in figures.items():
            assert cells == page[key], (name, key, cells, page[key])


# --- the reviewer's dashboard against the report on the submitted basis ----------------------------------------

LEVEL_CODES = ("HTXSNV", "HTTNV", "HTNV", "KHTNV")


def dashboard_rows(html: str) -> dict[str, dict[str, int]]:
    rows = {}
    for code, cells in re.findall(r'<tr data-unit="([^"]+)">(.*?)</tr>', html, re.S):
        numbers = re.findall(r'<td class="num">(\d+)</td>', cells)
        rows[code] = dict(zip(LEVEL_CODES, map(int, numbers)))
    return rows


def dashboard_chart(html: str) -> dict[str, str]:
    """Level short name → the text beside its bar ("12 (12,50 %)") in the members' chart."""
    svg = re.search(r'<svg class="chart"[^>]*aria-label="Đảng viên theo mức xếp loại[^"]*".*?</svg>', html, re.S)
    return dict(re.findall(r'class="chart-label">([^<]+)</text>.*?class="chart-value">([^<]+)</text>',
                           svg.group(0), re.S))


def test_the_dashboards_member_counts_and_shares_are_the_reports_on_the_submitted_basis(client, reviewer,
                                                                                      scenario):
    document = json.loads(client.get("/reports/2026/report.json?basis=submitted").data)
    members = {row["unit_code"]: row for row in document["rows"]
               if row["kind"] == "MEMBER" and row["row_type"] == "unit"}
    total = next(row for row in document["rows"] if row["kind"] == "MEMBER" and row["row_type"] == "total")
    html = client.get("/review/").get_data(as_text=True)
    shown = dashboard_rows(html)
    assert set(members) <= set(shown)
    for code, row in members.items():
        assert shown[code] == {level: row[level.lower()] for level in LEVEL_CODES}, code
    chart = dashboard_chart(html)
    rated = sum(total[level.lower()] for level in LEVEL_CODES)
    assert rated == total["rated"]
    for level in Level:
        count = total[level.code.lower()]
        assert chart[level.short] == f"{count} ({vn_percent(percent(count, rated))} %)", level
        assert vn_percent(percent(count, rated)).replace(",", ".") == total[f"{level.code.lower()}_percent"]


# --- one unit's quota: its summary by sheet, the reviewer's quota table, the report's and what counted ---

def review_quota(client, auth, code) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    """(kind text, group) → (HTXSNV, HTTNV, limit, over) as the reviewer's unit page shows them."""
    auth.login_as("reviewer")
    page = client.get(f"/review/units/{code}").get_data(as_text=True)
    auth.logout()
    section = page.split('id="quota-title"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for kind, group, excellent, good, limit in re.findall(
            r'<tr[^>]*><td>([^<]+)</td><th scope="row">([^<]+)</th><td class="num">(\d+)</td>'
            r'<td class="num">(\d+)</td>\s*<td class="num">([^<]+)</td></tr>', section):
        over = re.search(r"\(vượt (\d+)\)", limit)
        rows[(kind, group)] = (int(excellent), int(good), int(limit.split()[0]), int(over.group(1)) if over else 0)
    return rows


@pytest.mark.parametrize("mark_kept", [True, False], ids=["marked", "mark-removed-after-submission"])
def test_a_units_quota_is_the_same_on_its_summary_the_review_page_the_report_and_the_checks(client, auth, app, batch,
                                                                                           mark_kept):
    switch_to_366(client, auth, app)
    set_member_mark(client, auth, app, True)
    values, excellent_count = between_20_and_25_percent(batch, scored_values(batch))
    assert "Không có lỗi" in upload_as_staff(client, auth, fill(download(client, auth), values, "qd366-hd43"))
    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    with app.app_context():
        upload = db.session.execute(db.select(Upload).join(Unit).filter(Unit.code == UNIT)).scalar_one()
        [sheet] = [sheet for sheet in json.loads(upload.summary_json)["sheets"] if sheet["kind"] == "MEMBER"]
        fired = db.session.execute(db.select(Finding.rule).where(Finding.upload_id == upload.id,
                                                                 Finding.rule.in_(("Q-20", "Q-25")))).all()
    assert fired == []  # Q-25 counted the group within its 25 %
    if not mark_kept:
        set_member_mark(client, auth, app, False)

    [row] = [row for row in report(client, auth, app)["quota_groups"]
             if row["kind"] == "MEMBER" and row["row_type"] == "rating_group"]
    auth.logout()
    reported = (row["htxsnv"], row["httnv"], row["limit"], row["over"])
    shown = review_quota(client, auth, UNIT)[(SubjectKind.MEMBER.text, "Cả đơn vị")]
    assert shown == reported
    assert reported[0] == excellent_count
    if mark_kept:
        assert reported[2:] == (excellent_count, 0)
        # the summary the unit saw after its check: the same counts and the same limit, not broken
        assert (sheet["levels"]["HTXSNV"], sheet["levels"]["HTTNV"], sheet["quota_limit"]) == reported[:3]
        assert sheet["quota_broken"] is False
    else:
        assert reported[3] > 0  # the ordinary 20 % now: over, on the review page as in the report


# --- the report's quota groups against the district checks (Q-20/Q-25 across workbooks) ---------------------------

def test_every_group_over_its_limit_in_the_report_is_the_one_q20_or_q25_names_with_the_same_counts(app, year_366):  # noqa: F811
    with app.app_context():
        cycle = factories.cycle(2026)
        collectives = [factories.subject("COLLECTIVE", f"T{index}", level, group=group)
                       for index, (level, group) in enumerate(
                           [("HTXSNV", "Trường học"), ("HTXSNV", "Trường học"), *[("HTTNV", "Trường học")] * 3,
                            ("HTXSNV", "Trạm y tế"), *[("HTTNV", "Trạm y tế")] * 5, ("HTNV", "Trạm y tế")])]
        leaders = [factories.subject("LEADER", f"L{index}", level, group="Hiệu trưởng")
                   for index, level in enumerate(["HTXSNV", "HTXSNV", *["HTTNV"] * 8])]
        factories.send_result(cycle, factories.unit("BD.CQ01"), collectives + leaders)
        db.session.add(QuotaMark(cycle_id=cycle.id, unit_id=factories.unit("BD.CQ01").id, subject_kind="LEADER"))
        db.session.commit()
        report = reports.district_report(cycle, "submitted")
        findings, _, _ = district_checks.district_findings(cycle)
    scoped = {kind for kind in SubjectKind
              if get_rule_set("qd366-hd43").quota_scope_of(kind) is QuotaScope.DISTRICT}
    assert {kind.code for kind in scoped} >= {"ORGANISATION", "COLLECTIVE", "LEADER"}
    fired = {(finding.subject_kind.code, finding.subject_code): finding for finding in findings
             if finding.rule in ("Q-20", "Q-25")}
    over = {}
    compared = 0
    for table in report.tables:
        if table.kind not in {kind.code for kind in scoped}:
            continue
        for row in table.quota_rows:
            if row.row_type != "rating_group":
                continue
            compared += 1
            if row.over:
                over[(table.kind, row.label)] = row
    assert compared >= 4 and len(over) == 1  # Trường học over; Trạm y tế, Hiệu trưởng (marked) and Khối phường not
    assert set(fired) == set(over)
    for key, row in over.items():
        message = fired[key].message
        assert fired[key].rule == ("Q-25" if row.outstanding else "Q-20")
        counted = re.search(r"có (\d+) [^“]*xếp loại “[^”]+”, vượt mức tối đa (\d+) \([\d,]+ ?% của (\d+)", message)
        assert counted, message
        assert tuple(map(int, counted.groups())) == (row.htxsnv, row.limit, row.httnv), message


def test_quota_groups_set_by_the_admin_read_alike_on_the_review_page_in_q20_and_in_the_report(client, auth, app,
                                                                                              batch):
    switch_to_366(client, auth, app)
    excellent, group_a, group_b = groups_of(batch)
    import_groups(client, auth, both_groups(group_a, group_b))
    data = download(client, auth)
    member = SubjectKind.MEMBER.text

    # over in group A: the reviewer's table (of the latest version) says what Q-20 counted, group by group
    upload_as_staff(client, auth, fill(data, with_excellent(scored_values(batch), excellent), "qd366-hd43"))
    shown = review_quota(client, auth, UNIT)
    [message] = quota_messages(app, 1)
    counted = re.search(r"nhóm “([^”]+)” có (\d+) [^“]*xếp loại “[^”]+”, vượt mức tối đa (\d+) \([\d,]+ ?% của (\d+)",
                        message)
    group, excellent_count, limit, good = counted.group(1), *map(int, counted.groups()[1:])
    assert group == GROUP_A and shown[(member, GROUP_A)] == (excellent_count, good, limit, excellent_count - limit)
    assert [key for key, row in shown.items() if key[0] == member and row[3]] == [(member, GROUP_A)]

    # within the limits and submitted: each group's row of the reviewer's table is the report's
    upload_as_staff(client, auth, fill(data, with_excellent(scored_values(batch), excellent[1:]), "qd366-hd43"))
    assert quota_messages(app, 2) == []
    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    with app.app_context():
        unit_name = db.session.execute(db.select(Unit.name).filter_by(code=UNIT)).scalar_one()
    reported = {row["label"]: (row["htxsnv"], row["httnv"], row["limit"], row["over"])
                for row in report(client, auth, app)["quota_groups"]
                if row["kind"] == "MEMBER" and row["row_type"] == "rating_group"}
    auth.logout()
    shown = {group: row for (kind, group), row in review_quota(client, auth, UNIT).items() if kind == member}
    as_reported = {(f"{unit_name} — nhóm “{group}”" if group != "Cả đơn vị" else unit_name): row
                   for group, row in shown.items()}
    assert len(as_reported) == 3 and as_reported == reported


def test_a_unit_taken_off_the_reporting_list_after_it_submitted_leaves_the_report_the_checks_and_the_chart_alike(
        app, client, auth, scenario):
    """docs/design.md "Units that change": a cycle expects every active reporting unit valid at its review date; one
    no longer expected that has uploaded is listed apart on the dashboard, and the report and the checks across
    units leave its results out, a note naming it. Taken off the reporting list (not only out of force)."""
    set_unit_group(client, auth, app, "BD.P02", "", field="reports")
    auth.login_as("reviewer")
    document = json.loads(client.get("/reports/2026/report.json?basis=submitted").data)
    html = client.get("/review/").get_data(as_text=True)
    auth.logout()
    assert not any(row["unit_code"] == "BD.P02" for row in document["rows"])
    assert "BD.P02" not in {unit["code"] for unit in document["missing_units"]}
    assert any(scenario.unit_names["BD.P02"] in note and "không còn phải báo cáo" in note
               for note in document["notes"])
    assert 'data-no-longer-expected="BD.P02"' in html and 'data-unit="BD.P02"' not in html
    total = next(row for row in document["rows"] if row["kind"] == "MEMBER" and row["row_type"] == "total")
    chart = dashboard_chart(html)
    for level in Level:
        assert chart[level.short].split()[0] == str(total[level.code.lower()]), level
    with app.app_context():
        batches, _ = district_checks.current_batches(factories.cycle(2026))
    assert "BD.P02" not in {batch.unit_code for batch in batches}


@pytest.fixture
def year_366_in_full(app, year_366):  # noqa: F811
    """year_366 with what the brief's district has besides: every not-rated reason, collectives and leaders in
    groups, a unit whose version was returned, one with no submission, and last year's cycle (compare)."""
    with app.app_context():
        cycle = factories.cycle(2026)
        factories.send_result(cycle, factories.unit("BD.TH01"), [
            *factories.members("TH01", "XTTTTN", reasons=("TEMPORARY", "OTHER", "EXEMPT")),
            *(factories.subject("COLLECTIVE", f"TH01.T{index}", level, group="Trường học")
              for index, level in enumerate(("HTXSNV", "HTTNV", "HTTNV", "HTNV"))),
            factories.subject("LEADER", "TH01.L1", "HTXSNV", group="Hiệu trưởng"),
            factories.subject("LEADER", "TH01.L2", None, reason="NEW", group="Hiệu trưởng"),
        ], "submitted")
        factories.send_result(cycle, factories.unit("BD.CQ01"), factories.members("CQ01", "TTTX"), "returned")
        previous = factories.add_cycle(2025)
        factories.send_result(previous, factories.unit("BD.P01"), factories.members("P01-2025", "XXTTTTTNK"))
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("basis", ["approved", "submitted"])
def test_every_figure_of_a_full_366_district_reads_alike_everywhere(app, client, auth, year_366_in_full, basis):
    auth.login_as("reviewer")
    html = client.get(f"/reports/2026?basis={basis}").get_data(as_text=True)
    assert 'class="previous"' in html and 'data-missing="BD.CQ01"' in html and 'data-missing="BD.TH02"' in html
    codes, groups = names_of(app)
    places = every_place(client, 2026, basis, True, codes, groups)
    assert ("COLLECTIVE", "total") in places["page"] or basis == "approved"
    assert_same_everywhere(places, scored=True)
    page = quota_from_page(html)
    document = json.loads(client.get(f"/reports/2026/report.json?basis={basis}").data)
    assert quota_from_json(document) == page


def test_the_report_charts_say_the_tables_counts_and_percentages(client, reviewer, previous_year):
    html = client.get("/reports/2026?basis=submitted").get_data(as_text=True)
    figures = page_figures(html)
    labels = {}
    for table in re.finditer(r'<table[^>]*data-kind="(\w+)"(.*?)</table>', html, re.S):
        for key, label in re.findall(r'data-key="([^"]*)">\s*<td>[^<]*</td>\s*<th scope="row">([^<]*)', table.group(2)):
            if key.startswith("group:") or key == "total":  # the charts draw the group rows and the total
                labels[(table.group(1), label.strip())] = key
    compared = 0
    for kind, chart in re.findall(r'aria-labelledby="chart-title-(\w+)"(.*?)</svg>', html, re.S):
        for label, level, count, share in re.findall(r"<title>([^<]*) · (\w+): ([\d.]+) \(([^)]*) %\)</title>", chart):
            label = label.replace("&amp;", "&").replace("&#34;", '"').replace("&#39;", "'")
            cells = figures[(kind, labels[(kind, label)])]
            assert (count.replace(".", ""), share.replace(".", "").replace(",", ".")) == \
                (cells[level], cells[f"{level.lower()}_percent"]), (kind, label, level)
            compared += 1
    assert compared > 20


def test_the_mean_scores_read_alike_on_the_page_and_in_every_export(app, client, auth, scored_year):  # noqa: F811
    auth.login_as("reviewer")
    codes, groups = names_of(app)
    places = every_place(client, 2026, "approved", True, codes, groups)
    assert places["page"][("MEMBER", "unit:BD.P01")]["score_mean"] == "75.50"
    assert_same_everywhere(places, scored=True)
