"""Issue 20 point 5: closing a cycle says what it does and wants the year typed; with no cycle open, every
landing page explains it and units still read their history."""
from kdweb.extensions import db
from kdweb.models import Cycle
from tests.review.conftest import submit_unit  # noqa: F401  (fixture)


def is_open(query, year=2026):
    return query(lambda: db.session.execute(db.select(Cycle.is_open).filter_by(year=year)).scalar_one())


def test_close_states_its_effect_and_wants_the_year_typed(client, admin, query):
    cycles = client.get("/admin/cycles").get_data(as_text=True)
    assert 'href="/admin/cycles/2026/close"' in cycles  # a link to the guard, not a one-click form
    guard = client.get("/admin/cycles/2026/close").get_data(as_text=True)
    assert "đơn vị chưa nộp sẽ không tải mẫu, tải lên hay nộp được nữa" in guard and 'name="confirm_year"' in guard
    for typed in ("", "2025", "20266"):
        refused = client.post("/admin/cycles/2026/close", data={"confirm_year": typed})
        assert refused.status_code == 422 and "Gõ đúng năm 2026" in refused.get_data(as_text=True)
    assert is_open(query)
    assert client.post("/admin/cycles/2026/close", data={"confirm_year": " 2026 "}).status_code == 303
    assert not is_open(query)


def test_with_no_cycle_open_landing_pages_explain_and_history_stays(client, auth, submit_unit):
    submit_unit("BD.P01")
    auth.login_as("admin")
    client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"})
    for path in ("/review/", "/review/checks", "/review/approve-clean"):
        page = client.get(path)
        assert page.status_code == 200 and "Không có đợt kiểm điểm nào đang mở" in page.get_data(as_text=True), path
    assert client.get("/review/units/BD.P01").status_code == 302
    auth.logout()
    auth.login_as("staff", "BD.P01")
    landing = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Không có đợt kiểm điểm nào đang mở" in landing and "/units/BD.P01/years/2026" in landing
    past = client.get("/units/BD.P01/years/2026").get_data(as_text=True)
    assert "Lịch sử các phiên bản" in past and "/units/BD.P01/v/1/original?year=2026" in past
    assert "Tải lên và kiểm tra" not in past and "Đợt năm 2026 đã đóng" in past
    assert client.get("/units/BD.P01/v/1/original?year=2026").status_code == 200
    assert client.get("/units/BD.P01/v/1?year=2026").status_code == 200
