"""Session hygiene: `next` stays on this site; a cookie copied before a logout or a password change is dead;
login starts a new session with a new CSRF secret; an unknown name costs one password hash like a known one.

Fresh test clients only: pytest-flask's `client` keeps its last request context pushed, which another client in
the same thread would share."""
import re

import pytest
from werkzeug import security

from kdweb.extensions import db
from kdweb.models import AuditEvent, User
from kdweb.services.sessions import safe_next

COOKIE = "session"


@pytest.fixture
def reviewer(demo):
    return next(u for u in demo.users if u.role == "reviewer")


def log_in(client, user, next_value=None, password=None):
    query = {"next": next_value} if next_value is not None else {}
    return client.post("/login", query_string=query, data={"login": user.login, "password": password or user.password})


def cookie_of(client) -> str:
    return client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """Another browser holding a copy of the cookie."""
    thief = app.test_client()
    thief.set_cookie(COOKIE, cookie)
    return thief.get("/review/")


REFUSED_NEXT = [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example", "/%09/evil.example",
    "/\t/evil.example", "/\n/evil.example", "/x\r\nSet-Cookie: a=b", "/\x00", "/\x7f/x", "http:/evil.example",
    "javascript:alert(1)", "evil.example", " /review/", "/ /evil.example", "",
]


@pytest.mark.parametrize("target", REFUSED_NEXT)
def test_next_refuses_anything_but_a_local_path(app, reviewer, target):
    assert safe_next(target) is None
    answer = log_in(app.test_client(), reviewer, target)
    if answer.status_code == 400:  # a control character other than tab and line breaks: refused at the edge
        assert re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", target)
        return
    assert answer.status_code == 302
    assert answer.headers["Location"] in ("/", "http://localhost/")


@pytest.mark.parametrize("target", ["/review/", "/units/BD.P01?cell=A1", "/reports/2026#phan-2", "/units/BD.P01/v/1",
                                    "/review/?q=C%E1%BB%91ng%20V%E1%BB%8B"])
def test_next_keeps_a_local_path(app, reviewer, target):
    answer = log_in(app.test_client(), reviewer, target)
    assert answer.status_code == 302 and answer.headers["Location"].removeprefix("http://localhost") == target


def test_raw_percent_encoded_next_variants_never_leave_the_site(app, reviewer):
    for raw in ("%2F%09%2Fevil.example", "%2F%0D%0A%2Fevil.example", "%2F%2Fevil.example", "%5C%5Cevil.example",
                "%2F%00"):
        answer = app.test_client().post(f"/login?next={raw}", data={"login": reviewer.login,
                                                                     "password": reviewer.password})
        assert answer.status_code in (302, 400) and "evil" not in answer.headers.get("Location", ""), raw
    page = app.test_client().get("/login?next=%2F%09%2Fevil.example").get_data(as_text=True)
    assert "evil" not in page


def test_a_cookie_copied_before_logout_is_dead_after_it(app, reviewer):
    browser = app.test_client()
    log_in(browser, reviewer)
    copied = cookie_of(browser)
    assert replay(app, copied).status_code == 200
    browser.post("/logout")
    answer = replay(app, copied)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]


def test_logout_ends_every_session_of_that_user_only(app, demo, reviewer):
    laptop, phone, admin = app.test_client(), app.test_client(), app.test_client()
    log_in(laptop, reviewer)
    log_in(phone, reviewer)
    log_in(admin, next(u for u in demo.users if u.login == "admin"))
    laptop.post("/logout")
    assert phone.get("/review/").status_code == 302
    assert admin.get("/review/").status_code == 200


def test_a_cookie_copied_before_a_password_change_is_dead_after_it(app, reviewer):
    browser = app.test_client()
    log_in(browser, reviewer)
    copied = cookie_of(browser)
    new = "mat-khau-moi-dai-hon"
    answer = browser.post("/password", data={"current": reviewer.password, "new": new, "again": new})
    assert answer.status_code == 303  # a posted form: a reload does not post again
    assert browser.get("/review/").status_code == 200  # the browser that changed it stays logged in
    assert replay(app, copied).status_code == 302
    assert log_in(app.test_client(), reviewer, password=new).status_code == 302
    assert log_in(app.test_client(), reviewer).status_code == 401
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="password_changed")) == 1


@pytest.mark.parametrize("current, new, again, message", [
    ("sai", "mat-khau-moi-dai-hon", "mat-khau-moi-dai-hon", "Mật khẩu hiện tại không đúng."),
    (None, "ngan", "ngan", "ít nhất 10 ký tự"),
    (None, "mat-khau-moi-dai-hon", "mat-khau-khac-han", "không khớp"),
])
def test_a_refused_password_change_says_why_and_changes_nothing(app, reviewer, current, new, again, message):
    browser = app.test_client()
    log_in(browser, reviewer)
    copied = cookie_of(browser)
    answer = browser.post("/password", data={"current": current or reviewer.password, "new": new, "again": again})
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    assert replay(app, copied).status_code == 200


def test_an_admin_password_reset_ends_the_sessions_too(app, demo, reviewer):
    browser, admin = app.test_client(), app.test_client()
    log_in(browser, reviewer)
    log_in(admin, next(u for u in demo.users if u.login == "admin"))
    with app.app_context():
        user_id = db.session.execute(db.select(User.id).filter_by(login=reviewer.login)).scalar_one()
    new = "mat-khau-cap-lai-moi"
    assert admin.post(f"/admin/accounts/{user_id}/password", data={"password": new, "password_again": new}
                      ).status_code in (200, 302, 303)
    assert browser.get("/review/").status_code == 302


def test_login_starts_a_new_session_with_a_new_csrf_secret(app, reviewer):
    browser = app.test_client()
    before_token = browser.csrf_token()
    before_cookie = cookie_of(browser)
    log_in(browser, reviewer)
    assert cookie_of(browser) != before_cookie
    refused = browser.post("/logout", headers={"X-CSRFToken": before_token}, csrf=False)
    assert refused.status_code == 400  # a token planted before the login is worth nothing after it
    assert browser.get("/review/").status_code == 200
    assert browser.post("/logout").status_code == 303


def test_an_unknown_name_costs_one_password_hash_like_a_known_one(app, reviewer, monkeypatch):
    calls = []
    real = security.check_password_hash

    def counted(pwhash, password):
        calls.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr("kdweb.services.sessions.check_password_hash", counted)
    monkeypatch.setattr("kdweb.models.users.check_password_hash", counted)
    for login in (reviewer.login, "khong-ai-ca", ""):
        calls.clear()
        answer = app.test_client().post("/login", data={"login": login, "password": "sai-mat-khau"})
        assert answer.status_code == 401
        assert len(calls) == 1 and calls[0] == app.config["PASSWORD_HASH_METHOD"], (login, calls)


def test_a_deactivated_account_costs_the_same_hash_and_gets_the_same_answer(app, reviewer, monkeypatch):
    with app.app_context():
        db.session.execute(db.update(User).where(User.login == reviewer.login).values(active=False))
        db.session.commit()
    answer = log_in(app.test_client(), reviewer)
    assert answer.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in answer.get_data(as_text=True)


def test_the_login_form_carries_only_a_safe_next(app):
    page = app.test_client().get("/login?next=/review/").get_data(as_text=True)
    assert re.search(r'action="/login\?next=/review/"', page)
    page = app.test_client().get("/login?next=//evil.example").get_data(as_text=True)
    assert 'action="/login"' in page
