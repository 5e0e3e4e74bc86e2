"""A user's own account page: the e-mail address notifications are mailed to, beside the password change; the
form needs the CSRF token, says in Vietnamese what is wrong, and every change is audited."""
import json

from kdweb.extensions import db
from kdweb.models import AuditEvent, User


def own_email(app, login):
    with app.app_context():
        return db.session.execute(db.select(User.email).filter_by(login=login)).scalar_one()


def email_events(app):
    with app.app_context():
        return [json.loads(detail) for detail in db.session.execute(
            db.select(AuditEvent.detail).filter_by(action="email_changed").order_by(AuditEvent.id)).scalars()]


def test_the_account_page_has_the_address_beside_the_password(client, auth):
    auth.login_as("staff", "BD.P01")
    home = client.get("/units/BD.P01").get_data(as_text=True)
    assert 'href="/account">E-mail và mật khẩu</a>' in home
    page = client.get("/account").get_data(as_text=True)
    assert "E-mail nhận thông báo" in page and "Đổi mật khẩu" in page
    assert "Máy chủ thư chưa được cấu hình" in page  # tests run without MAIL_SERVER
    assert client.get("/password").status_code == 200  # the page's earlier address still answers


def test_a_user_sets_changes_and_removes_their_address(client, auth, app):
    auth.login_as("staff", "BD.P01")
    response = client.post("/account/email", data={"email": " canbo@Phuong.VN "})
    assert response.status_code == 303 and response.headers["Location"].endswith("/account")
    assert own_email(app, "bd-p01") == "canbo@phuong.vn"
    page = client.get("/account").get_data(as_text=True)
    assert "Đã lưu e-mail nhận thông báo: canbo@phuong.vn." in page and 'value="canbo@phuong.vn"' in page
    client.post("/account/email", data={"email": "canbo@phuong.vn"})  # the same again: nothing to audit
    client.post("/account/email", data={"email": ""})
    assert own_email(app, "bd-p01") is None
    assert [event["changes"]["email"] for event in email_events(app)] == [
        [None, "canbo@phuong.vn"], ["canbo@phuong.vn", None]]
    assert all(event["login"] == "bd-p01" for event in email_events(app))


def test_a_malformed_address_is_refused_with_the_typed_text_kept(client, auth, app):
    auth.login_as("reviewer")
    response = client.post("/account/email", data={"email": "ha@ban to chuc.vn"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "không hợp lệ" in page and 'value="ha@ban to chuc.vn"' in page and 'aria-invalid="true"' in page
    assert own_email(app, "bantochuc") is None and email_events(app) == []


def test_the_form_needs_the_csrf_token_and_a_login(client, auth, app):
    assert "/login" in client.post("/account/email", data={"email": "x@phuong.vn"}).headers["Location"]
    auth.login_as("staff", "BD.P01")
    response = client.post("/account/email", data={"email": "x@phuong.vn"}, csrf=False)
    assert response.status_code == 400
    assert own_email(app, "bd-p01") is None
