"""Issue 20: the reviewer decides beside the data; the conversation stays; comments travel back into the file;
the unit is told (in-app, by mail through a real local SMTP server, and by `flask remind`)."""
import io
import socket
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Notification, Unit, UnitCycle
from kdweb.rules import Level, SubjectKind
from tests.workbooks import roster

UNIT = "BD.P01"


def status_of(app, code=UNIT):
    with app.app_context():
        return db.session.execute(
            db.select(UnitCycle.status).join(Unit, UnitCycle.unit_id == Unit.id).filter(Unit.code == code)
        ).scalar_one()


def return_unit(client, auth, comment, code=UNIT):
    auth.login_as("reviewer")
    response = client.post(f"/review/units/{code}/return", data={"comment": comment})
    assert response.status_code == 303
    auth.logout()


def test_review_page_puts_the_decision_beside_the_data(client, auth, submit_unit):
    submit_unit(UNIT)
    auth.login_as("reviewer")
    page = client.get(f"/review/units/{UNIT}").get_data(as_text=True)
    data, side = page.split('<aside class="review-side">')
    assert "Tổng hợp theo trang tính" in data and "Tỷ lệ HTXSNV theo nhóm" in data
    assert 'id="preview"' in data and "/units/BD.P01/v/1/preview" in data
    assert "Duyệt…</button>" in side and 'name="comment"' in side and "required" in side
    assert "Hãy sửa" not in page and "tải lên lại" not in page  # nothing addressed to the unit


def test_approve_asks_for_confirmation_without_javascript(client, auth, app, submit_unit):
    submit_unit(UNIT)
    auth.login_as("reviewer")
    asked = client.post(f"/review/units/{UNIT}/approve")
    body = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Xác nhận duyệt" in body and 'name="confirmed" value="1"' in body
    assert status_of(app) == "submitted"
    assert client.post(f"/review/units/{UNIT}/approve", data={"confirmed": "1"}).status_code == 303
    assert status_of(app) == "approved"


def test_submit_asks_for_confirmation_without_javascript(client, auth, app):
    from tests.workbooks import clean_values, fill

    auth.login_as("staff", UNIT)
    data = fill(client.get(f"/units/{UNIT}/workbook.xlsx").data, clean_values(roster(app, UNIT)))
    client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
                content_type="multipart/form-data")
    with app.app_context():
        upload_id = db.session.execute(db.select(UnitCycle.valid_upload_id).join(Unit, UnitCycle.unit_id == Unit.id)
                                       .filter(Unit.code == UNIT)).scalar_one()
    asked = client.post(f"/units/{UNIT}/submit", data={"upload_id": upload_id})
    assert "Xác nhận nộp kết quả" in asked.get_data(as_text=True) and status_of(app) == "valid"
    client.post(f"/units/{UNIT}/submit", data={"upload_id": upload_id, "confirmed": "1", "acknowledge_warnings": "1"})
    assert status_of(app) == "submitted"


def test_diff_against_the_previous_submission(client, auth, app, submit_unit):
    batch = roster(app, UNIT)
    changed = batch.members[0]
    submit_unit(UNIT)
    return_unit(client, auth, "Xem lại mức của một đảng viên.")

    def lower_one(kind, code, values):
        if kind is SubjectKind.MEMBER and code == changed.code and values.get("level") == Level.HTTNV.text:
            return dict(values, level=Level.HTNV.text)
        return values

    submit_unit(UNIT, lower_one)
    auth.login_as("reviewer")
    page = client.get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "Thay đổi so với phiên bản 1 đã nộp trước" in page
    row = page[page.index('class="diff-changed"'):]
    row = row[:row.index("</tr>")]
    assert changed.code in row and "HTTNV" in row and "HTNV" in row


def test_bulk_approve_lists_clean_units_and_approves_them_after_one_confirmation(client, auth, app, submit_unit):
    submit_unit(UNIT)
    auth.login_as("reviewer")
    listing = client.get("/review/approve-clean").get_data(as_text=True)
    assert 'name="unit" value="BD.P01"' in listing and "Duyệt 1 đơn vị" in listing
    assert status_of(app) == "submitted"  # looking at the list decides nothing
    client.post("/review/approve-clean", data={"unit": [UNIT, "BD.P02"]})
    assert status_of(app) == "approved"
    with app.app_context():  # BD.P02 did not wait for approval: left alone
        assert db.session.execute(db.select(UnitCycle.status).join(Unit, UnitCycle.unit_id == Unit.id)
                                  .filter(Unit.code == "BD.P02")).scalar_one_or_none() != "approved"


def test_thread_survives_a_new_upload_and_notifies_the_unit(client, auth, app, submit_unit):
    submit_unit(UNIT)
    return_unit(client, auth, "Bổ sung nhận xét của chi bộ 3.")
    submit_unit(UNIT, submit=False)  # a new upload after the return
    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Trao đổi với Ban Tổ chức" in page and "Bổ sung nhận xét của chi bộ 3." in page
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "đã trả lại" in listing and "Bổ sung nhận xét của chi bộ 3." in listing


def test_returned_unit_downloads_its_file_with_the_comments_as_notes(client, auth, app, submit_unit):
    batch = roster(app, UNIT)
    member = batch.members[0]
    submit_unit(UNIT)
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/returned.xlsx").status_code == 404  # nothing returned yet
    auth.logout()
    comment = f"'Đảng viên'!B9 ghi sai; đảng viên {member.code} cần xem lại mức xếp loại."
    return_unit(client, auth, comment)
    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Tải xuống tệp đã nộp kèm nhận xét" in page
    response = client.get(f"/units/{UNIT}/returned.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    assert comment in workbook["Hướng dẫn"]["A1"].comment.text
    assert comment in workbook["Đảng viên"]["B9"].comment.text
    rows = [row for row in workbook["Đảng viên"].iter_rows(max_col=4)
            if any(str(cell.value) == member.code for cell in row)]
    assert rows and comment in rows[0][0].comment.text


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Keep(Message):
        def handle_message(self, message):
            received.append(message)

    with socket.socket() as probe:  # a free port: the controller checks its server by connecting to it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, received
    controller.stop()


def set_addresses_through_the_forms(client, auth, app) -> list[str]:
    """The admin opens a second staff account for the unit with its address (admin form); the unit's own clerk
    types theirs on the account page. Returns both addresses."""
    with app.app_context():
        unit_id = db.session.execute(db.select(Unit.id).filter_by(code=UNIT)).scalar_one()
    auth.login_as("admin")
    password = "mat-khau-pho-2026"
    deputy = {"login": "bd-p01-pho", "full_name": "Phó bí thư BD.P01", "role": "staff", "unit_id": unit_id,
              "email": "pho.bithu@phuong.example", "password": password, "password_again": password}
    assert client.post("/admin/accounts/new", data=deputy).status_code == 303
    auth.logout()
    auth.login_as("staff", UNIT)
    assert client.post("/account/email", data={"email": "canbo@Phuong.Example"}).status_code == 303
    auth.logout()
    return ["canbo@phuong.example", "pho.bithu@phuong.example"]


def test_a_return_mails_the_units_staff_once_with_the_comment(client, auth, app, submit_unit, smtp_server):
    controller, received = smtp_server
    addresses = set_addresses_through_the_forms(client, auth, app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        submit_unit(UNIT)
        return_unit(client, auth, "Thiếu chữ ký của bí thư.")
    finally:
        app.config.update(MAIL_SERVER="")
    assert len(received) == 1
    mail = received[0]
    assert sorted(a.strip() for a in mail["To"].split(",")) == addresses
    body = mail.get_payload(decode=True).decode("utf-8")
    assert "Thiếu chữ ký của bí thư." in body and "trả lại" in body


def test_no_mail_unless_configured(client, auth, app, submit_unit, smtp_server):
    _controller, received = smtp_server
    submit_unit(UNIT)
    return_unit(client, auth, "Thiếu chữ ký.")
    assert received == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(kind="returned")) >= 1


def test_remind_writes_each_reminder_once(app, demo):
    from kdweb.models import Cycle
    from kdweb.services.notifications import remind

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        before = datetime.combine(cycle.grassroots_deadline, datetime.min.time(), tzinfo=timezone.utc)
        soon = remind(before.replace(day=cycle.grassroots_deadline.day - 2))
        again = remind(before.replace(day=cycle.grassroots_deadline.day - 2))
        late = remind(before.replace(day=cycle.grassroots_deadline.day + 1))
        kinds = {kind for (kind,) in db.session.execute(db.select(Notification.kind).distinct())}
    assert soon["deadline_soon"] > 0 and again["deadline_soon"] == 0
    assert late["overdue"] > 0 and kinds == {"deadline_soon", "overdue"}


def test_remind_command(app, demo):
    result = app.test_cli_runner().invoke(args=["remind"])
    assert result.exit_code == 0 and "Nhắc hạn:" in result.output
