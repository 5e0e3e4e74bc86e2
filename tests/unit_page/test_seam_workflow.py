"""A check against the workflow: the unit's page was open when the admin closed the cycle. Every action the page
offers (download, upload with and without htmx, submit) is then refused as what it is, a closed cycle, never as a
page not found, and stores nothing; the unit's past results still show."""
import io

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Upload
from tests.security.test_state_moves_forward import during_next_read, people, send, state_of, workbooks  # noqa: F401
from tests.unit_page.conftest import UNIT
from tests.workbooks import clean_values, fill, roster

CLOSED = "Không có đợt kiểm điểm nào đang mở"


def closing_cycle(client, auth, app):
    auth.login_as("admin")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
    assert client.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)}).status_code == 303
    auth.logout()


ACTIONS = {
    "download": lambda client, data: client.get(f"/units/{UNIT}/workbook.xlsx"),
    "upload": lambda client, data: client.post(
        f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")}, content_type="multipart/form-data"),
    "upload with htmx": lambda client, data: client.post(
        f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")}, content_type="multipart/form-data",
        headers={"HX-Request": "true", "HX-Target": "results"}),
    "submit": lambda client, data: client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": "1"}),
    "submit with htmx": lambda client, data: client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": "1"},
                                                         headers={"HX-Request": "true"}),
}


@pytest.mark.parametrize("action", list(ACTIONS))
def test_an_action_after_the_cycle_closed_is_told_the_cycle_is_closed(client, auth, app, demo, action):
    auth.login_as("staff", UNIT)
    filled = fill(client.get(f"/units/{UNIT}/workbook.xlsx").data, clean_values(roster(app, UNIT)))
    assert client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(filled), "kq.xlsx")},
                       content_type="multipart/form-data").status_code == 303
    auth.logout()
    closing_cycle(client, auth, app)

    auth.login_as("staff", UNIT)
    response = ACTIONS[action](client, filled)
    assert response.status_code == 409 and CLOSED in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1  # nothing stored against no cycle
    assert "Các đợt đã qua" in client.get(f"/units/{UNIT}").get_data(as_text=True)



def test_a_check_ending_after_the_cycle_closed_leaves_the_closed_cycle_as_it_was(app, demo, people, workbooks,
                                                                                 monkeypatch):
    """The unit sent its file just before the admin closed the cycle; the check ends after the close. The file
    is kept and its findings recorded, but the closed cycle's state of the unit no longer moves: what the close
    counted (docs/design.md) is what the cycle keeps."""
    admin = app.test_client()
    user = next(u for u in demo.users if u.role == "admin")
    assert admin.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    before = state_of(app)
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
        db.session.remove()
    during_next_read(monkeypatch, lambda: admin.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)}))

    send(people["staff"], workbooks["valid"])
    with app.app_context():
        assert not db.session.execute(db.select(Cycle.is_open)).scalar_one()
        stored = db.session.execute(db.select(Upload)).scalar_one()
        assert stored.outcome == "valid" and stored.content == workbooks["valid"]  # kept and checked
        db.session.remove()
    assert state_of(app) == before  # not "Hợp lệ, chưa nộp" in a closed cycle
