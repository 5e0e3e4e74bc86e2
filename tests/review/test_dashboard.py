import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import event

from kdweb.extensions import db
from kdweb.models import Cycle
from kdweb.services import dashboard

REVIEW_ENDPOINTS = ["/review/", "/review/units/BD.P01", "/review/checks", "/review/audit", "/review/bulk/1",
                    "/review/bulk/1/file"]
REVIEW_POSTS = ["/review/units/BD.P01/approve", "/review/units/BD.P01/return", "/review/units/BD.P01/reopen",
                "/review/bulk/templates", "/review/bulk/approved"]


@pytest.mark.parametrize("path", REVIEW_ENDPOINTS)
def test_staff_refused_on_every_dashboard_page(client, auth, path):
    auth.login_as("staff", "BD.P01")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", REVIEW_POSTS)
def test_staff_refused_on_every_dashboard_action(client, auth, path):
    auth.login_as("staff", "BD.P01")
    assert client.post(path, data={"comment": "x"}).status_code == 403


def test_dashboard_lists_every_reporting_unit_grouped(client, auth, demo):
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    for unit in demo.reporting_units:
        assert f'data-unit="{unit.code}"' in page
    assert "Cấp quận · Cấp quận (1)" in page and "Cấp cơ sở · Đảng bộ phường (2)" in page
    assert "0</strong> / 8 đơn vị đã được duyệt" in page


def test_each_status_appears_as_units_move(client, auth, app, submit_unit):
    submit_unit("BD.P01")
    submit_unit("BD.P02", submit=False)
    auth.login_as("staff", "BD.TH01")
    client.get("/units/BD.TH01/workbook.xlsx")
    auth.logout()
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    row = lambda code: page.split(f'data-unit="{code}"', 1)[1].split("</tr>", 1)[0]  # noqa: E731
    assert "Đã nộp, chờ duyệt" in row("BD.P01")
    assert "Hợp lệ, chưa nộp" in row("BD.P02")
    assert "Đã tải mẫu" in row("BD.TH01")
    assert "Chưa tải mẫu" in row("BD.DN01")
    client.post("/review/units/BD.P01/approve", data={"confirmed": "1"})
    page = client.get("/review/").get_data(as_text=True)
    assert "Đã duyệt" in page.split('data-unit="BD.P01"', 1)[1].split("</tr>", 1)[0]
    assert "1</strong> / 8 đơn vị đã được duyệt" in page


@pytest.mark.parametrize("query, shown, hidden", [
    ("q=cong+vi", ["BD.P01"], ["BD.P02", "BD.TH01"]),
    ("q=Cống+Vị", ["BD.P01"], ["BD.P02"]),
    ("q=dien+bien", ["BD.P02"], ["BD.P01"]),
    ("group=Khối+giáo+dục", ["BD.TH01", "BD.TH02"], ["BD.P01", "BD.CQ01"]),
    ("level=district", ["BD"], ["BD.P01"]),
    ("status=not_downloaded", ["BD.P01", "BD"], []),
    ("status=approved", [], ["BD.P01", "BD"]),
])
def test_filters(client, auth, query, shown, hidden):
    auth.login_as("reviewer")
    body = client.get(f"/review/?{query}", headers={"HX-Request": "true", "HX-Target": "dashboard-body"})
    text = body.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="dashboard-body"')
    for code in shown:
        assert f'data-unit="{code}"' in text
    for code in hidden:
        assert f'data-unit="{code}"' not in text


def test_filters_are_in_the_url_and_the_poll_keeps_them(client, auth):
    auth.login_as("reviewer")
    page = client.get("/review/?q=cong&sort=status").get_data(as_text=True)
    assert 'hx-push-url="true"' in page
    assert 'hx-trigger="every 30s"' in page and 'hx-include="#dashboard-filters"' in page
    assert 'value="cong"' in page and '<option value="status" selected>' in page


def test_late_only_filter_at_the_deadline_boundary(app, demo):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        late = dashboard.Filters(late=True)
        on_deadline = datetime(2026, 12, 15, 16, 59, tzinfo=timezone.utc)  # 23:59 on 15/12 in Hà Nội
        after = datetime(2026, 12, 15, 17, 0, tzinfo=timezone.utc)  # 00:00 on 16/12
        assert dashboard.build(cycle, late, now=on_deadline).rows == []
        late_codes = {row.code for row in dashboard.build(cycle, late, now=after).rows}
        assert "BD.P01" in late_codes and "BD" not in late_codes  # the district level has until 31/12
        year_end = datetime(2026, 12, 31, 17, 0, tzinfo=timezone.utc)
        assert "BD" in {row.code for row in dashboard.build(cycle, late, now=year_end).rows}


def test_sorting_by_errors(app, client, auth, submit_unit):
    submit_unit("BD.P02", submit=False)
    auth.login_as("staff", "BD.P01")
    import io
    client.post("/units/BD.P01/uploads", data={"file": (io.BytesIO(b"junk"), "x.xlsx")}, content_type="multipart/form-data")
    auth.logout()
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        rows = dashboard.build(cycle, dashboard.Filters(sort="errors")).rows
        assert rows[0].code == "BD.P01" and rows[0].error_count == 1


def test_dashboard_query_count_does_not_grow_with_units(app, client, auth, submit_unit):
    submit_unit("BD.P01")
    submit_unit("BD.P02")
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        statements = []
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            board = dashboard.build(cycle, dashboard.Filters())
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert len(board.all_rows) == 8
        assert len(statements) <= 2
        assert sum(board.all_rows[i].levels.get("HTTNV", 0) for i in range(8)) > 0


def test_charts_are_inline_svg(client, auth):
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    assert page.count('<svg class="chart"') == 2
    assert 'data-value="8"' in page  # every unit not downloaded yet


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("key", sorted(dashboard.SORTS))
def test_the_sort_select_offers_every_sort_and_shows_the_one_in_the_address(client, auth, key, order):
    """On a phone the table's headers are out of sight: the filters' sort select is the sort control, so it offers
    every sort the dashboard knows and shows the one the address asks for (the page and the poll's fields alike)."""
    auth.login_as("reviewer")
    for fields in (_sort_fields(client.get(f"/review/?sort={key}&order={order}").get_data(as_text=True)),
                   _sort_fields(client.get(f"/review/?sort={key}&order={order}",
                                           headers={"HX-Request": "true", "HX-Target": "dashboard-body"}
                                           ).get_data(as_text=True))):
        keys, orders = fields.split('name="order"')
        assert set(re.findall(r'<option value="(\w+)"', keys)) == set(dashboard.SORTS)
        assert re.findall(r'<option value="(\w+)" selected>', keys) == [key]
        assert re.findall(r'<option value="(\w+)" selected>', orders) == [order]


def _sort_fields(page: str) -> str:
    fields = page[page.index('id="dashboard-sort-fields"'):]
    return fields[:fields.index("</select>", fields.index("</select>") + 1)]  # the sort's select, then the order's
