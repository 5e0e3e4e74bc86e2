"""The dashboard's 30-second poll: an ETag on the fragment, 304 while nothing changed, the new state as soon as
anything changed; the board is built again only after a change (no per-poll GROUP BY over the ratings)."""
import re

from kdweb.extensions import db
from kdweb.status import WorkbookStatus

POLL = {"HX-Request": "true", "HX-Target": "dashboard-body"}


def status_of(fragment: str, unit_code: str) -> str:
    row = re.search(rf'<tr data-unit="{re.escape(unit_code)}">(.*?)</tr>', fragment, re.S).group(1)
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', row).group(1)


def test_the_poll_answers_304_until_something_changes(client, auth, submit_unit, statements):
    auth.login_as("reviewer")
    first = client.get("/review/?sort=status", headers=POLL)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    assert status_of(first.get_data(as_text=True), "BD.P01") == WorkbookStatus.NOT_DOWNLOADED.text

    statements.clear()
    again = client.get("/review/?sort=status", headers={**POLL, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert not [s for s in statements if "ratings" in s or "unit_cycles" in s], statements

    other_filter = client.get("/review/?sort=errors", headers={**POLL, "If-None-Match": first.headers["ETag"]})
    assert other_filter.status_code == 200  # the tag is the query's too

    auth.logout()
    submit_unit("BD.P01")
    auth.login_as("reviewer")
    changed = client.get("/review/?sort=status", headers={**POLL, "If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert status_of(changed.get_data(as_text=True), "BD.P01") == WorkbookStatus.SUBMITTED.text


def test_the_board_is_built_once_per_change(client, auth, statements):
    auth.login_as("reviewer")
    client.get("/review/")  # the full page: builds the board
    statements.clear()
    page = client.get("/review/")  # nothing changed: the same board, no query over ratings or unit_cycles
    assert page.status_code == 200 and "ETag" not in page.headers  # the page carries a CSRF token: not tagged
    assert not [s for s in statements if "FROM ratings" in s or "FROM unit_cycles" in s], statements


def test_a_big_board_is_paged_and_its_poll_keeps_the_page(client, auth, demo, monkeypatch):
    from kdweb.services import dashboard
    monkeypatch.setattr(dashboard, "PAGE_SIZE", 3)
    auth.login_as("reviewer")
    first = client.get("/review/").get_data(as_text=True)
    second = client.get("/review/?page=2", headers=POLL).get_data(as_text=True)
    units = [re.findall(r'<tr data-unit="([^"]+)">', page) for page in (first, second)]
    assert len(units[0]) == len(units[1]) == 3 and not set(units[0]) & set(units[1])
    pages = -(-len(demo.reporting_units) // 3)
    assert f"trang 2/{pages}" in second and 'aria-current="page">2<' in second
    assert """hx-vals='{"page": 2}'""" in second  # the 30-second poll asks for the page shown
    assert f"Tổng cộng ({len(demo.reporting_units)} đơn vị)" in second  # totals stay the whole board's
    last = client.get(f"/review/?page={pages + 5}", headers=POLL).get_data(as_text=True)
    assert f"trang {pages}/{pages}" in last


def test_the_marker_moves_when_an_earlier_transaction_commits_late(app_ctx, demo):
    """Transaction 1 takes audit id n, transaction 2 id n+1 and commits first: when 1 lands, neither the highest
    id nor the latest time moves, yet the dashboard has changed."""
    from datetime import timedelta

    from kdweb.models import AuditEvent, Cycle
    from kdweb.models.base import utcnow
    from kdweb.services import dashboard

    cycle = db.session.execute(db.select(Cycle)).scalar_one()
    now = utcnow()
    early = AuditEvent(action="submitted", at=now - timedelta(seconds=2))
    late = AuditEvent(action="approved", at=now - timedelta(seconds=1))
    db.session.add_all([early, late])
    db.session.commit()
    early_id = early.id
    db.session.delete(early)  # as if transaction 1 had not committed yet
    db.session.commit()
    before = dashboard.change_marker(cycle, now)
    db.session.add(AuditEvent(id=early_id, action="submitted", at=now - timedelta(seconds=2)))
    db.session.commit()
    assert dashboard.change_marker(cycle, now) != before


def test_the_board_is_rendered_once_per_change_and_its_time_is_the_requests(client, auth, app, monkeypatch):
    from datetime import timedelta

    from flask import template_rendered

    from kdweb.views import review
    rendered = []

    def remember(_sender, template, **_):
        rendered.append(template.name)
    auth.login_as("reviewer")
    client.get("/review/?sort=errors")
    template_rendered.connect(remember, app)
    try:
        first = client.get("/review/?sort=errors", headers=POLL).get_data(as_text=True)
        later = review.utcnow() + timedelta(minutes=7)
        monkeypatch.setattr(review, "utcnow", lambda: later)
        second = client.get("/review/?sort=errors", headers=POLL).get_data(as_text=True)
        page = client.get("/review/?sort=errors").get_data(as_text=True)
    finally:
        template_rendered.disconnect(remember, app)
    assert rendered.count("review/_dashboard_body.html") == 1  # the poll's variant, once; the page's was cached
    shown = [re.search(r"cập nhật (\d\d:\d\d:\d\d)", text).group(1) for text in (first, second, page)]
    assert shown[0] != shown[1] and shown[1] == shown[2]
    assert "\x00" not in first + second + page
