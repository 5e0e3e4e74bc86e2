from kdweb.extensions import db
from kdweb.models import AuditEvent, User


def test_login_page_is_vietnamese(client):
    page = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in page and "Mật khẩu" in page
    assert 'lang="vi"' in page


def test_pages_need_login(client, demo):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_login_and_logout(client, auth, app):
    response = auth.login("bantochuc")
    assert response.status_code == 302
    assert client.get("/units/").status_code == 200
    auth.logout()
    assert client.get("/units/").status_code == 302
    with app.app_context():
        actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions[-2:] == ["login", "logout"]


def test_wrong_password_gives_no_hint_whether_account_exists(client, auth):
    wrong_password = auth.login("admin", "not-the-password")
    no_account = auth.login("nobody-here", "whatever")
    assert wrong_password.status_code == no_account.status_code == 401
    message = "Tên đăng nhập hoặc mật khẩu không đúng."
    assert message in wrong_password.get_data(as_text=True)
    assert message in no_account.get_data(as_text=True)


def test_passwords_are_hashed(app, demo):
    with app.app_context():
        admin = db.session.execute(db.select(User).filter_by(login="admin")).scalar_one()
        password = next(u.password for u in demo.users if u.login == "admin")
        assert password not in admin.password_hash
        assert admin.check_password(password)
        assert not admin.check_password(password + "x")


def test_deactivated_user_cannot_log_in(client, auth, app):
    with app.app_context():
        db.session.execute(db.update(User).where(User.login == "admin").values(active=False))
        db.session.commit()
    assert auth.login("admin").status_code == 401


def test_password_change_logs_out_other_sessions(client, auth, app):
    auth.login_as("reviewer")
    assert client.get("/units/").status_code == 200
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(role="reviewer")).scalar_one()
        user.session_version += 1
        db.session.commit()
    assert client.get("/units/").status_code == 302


def test_login_redirect_stays_on_site(client, auth):
    password = next(u.password for u in auth.district.users if u.login == "admin")
    response = client.post("/login?next=//evil.example/x", data={"login": "admin", "password": password})
    assert response.headers["Location"] in ("/", "http://localhost/")


def test_login_post_without_csrf_token_is_refused(client, demo):
    password = next(u.password for u in demo.users if u.login == "admin")
    response = client.post("/login", data={"login": "admin", "password": password}, csrf=False)
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)
