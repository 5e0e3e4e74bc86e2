"""Accounts: create, edit role and scope, reset password, deactivate; never lose the last admin; all audited."""
import pytest

from kdweb.extensions import db
from kdweb.models import Unit, User
from kdweb.services.admin import AdminRefusal
from kdweb.services.admin.accounts import deactivate_account

HX = {"HX-Request": "true"}
NEW_PASSWORD = "mat-khau-moi-2026"




def account(query, login):
    return query.one(User, lambda user: {"role": user.role, "unit": user.unit.code if user.unit else None,
                                         "active": user.active, "version": user.session_version,
                                         "full_name": user.full_name}, login=login)


def new_account(**values):
    form = {"login": "bd-p01-2", "full_name": "Lê Thị Hoa", "role": "staff", "unit_id": "",
            "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    form.update(values)
    return form


@pytest.fixture
def other_client(app, client, demo):
    """A second browser, for the user whose account the admin changes. pytest-flask's `client` keeps its last
    request's context pushed, and a second client's requests would run inside it and share its `g` (and so the
    admin's logged-in user): end that before the second browser starts."""
    client.__exit__(None, None, None)

    def login(login, password):
        browser = app.test_client()
        response = browser.post("/login", data={"login": login, "password": password})
        assert response.status_code == 302, "login failed"
        return browser
    return login


def test_create_a_staff_account_that_can_log_in(client, admin, query, audit_log, other_client):
    response = client.post("/admin/accounts/new", data=new_account(unit_id=query.id_of(Unit, code="BD.P01")))
    assert response.status_code == 303
    assert account(query, "bd-p01-2") == {"role": "staff", "unit": "BD.P01", "active": True, "version": 1,
                                          "full_name": "Lê Thị Hoa"}
    [(who, target, detail)] = audit_log("account_created")
    assert who == "admin" and target == query.id_of(User, login="bd-p01-2")
    assert detail == {"login": "bd-p01-2", "role": "staff", "unit_code": "BD.P01"}
    assert NEW_PASSWORD not in str(audit_log("account_created"))
    browser = other_client("bd-p01-2", NEW_PASSWORD)
    assert browser.get("/").headers["Location"].endswith("/units/BD.P01")


@pytest.mark.parametrize("values, message", [
    ({"password": "ngan-9-kt", "password_again": "ngan-9-kt"}, "ít nhất 10 ký tự"),
    ({"password_again": "khac-hoan-toan"}, "không khớp"),
    ({"unit_id": ""}, "phải gắn với một đơn vị"),
    ({"login": "admin"}, "Đã có tài khoản"),
    ({"login": "Có Dấu"}, "Tên đăng nhập"),
    ({"role": "root"}, "Chọn vai trò"),
])
def test_create_refusals(client, admin, query, audit_log, values, message):
    form = new_account(unit_id=query.id_of(Unit, code="BD.P01"))
    form.update(values)
    response = client.post("/admin/accounts/new", data=form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert account(query, "bd-p01-2") is None
    assert audit_log("account_created") == []


def test_a_reviewer_needs_no_unit(client, admin, query):
    assert client.post("/admin/accounts/new", data=new_account(login="btc-2", role="reviewer")).status_code == 303
    assert account(query, "btc-2")["role"] == "reviewer"


def test_change_role_and_unit_scope(client, admin, query, audit_log):
    target = query.id_of(User, login="bd-p01")
    form = {"full_name": "Cán bộ chuyển", "role": "staff", "unit_id": query.id_of(Unit, code="BD.P02")}
    assert client.post(f"/admin/accounts/{target}", data=form).status_code == 303
    assert account(query, "bd-p01")["unit"] == "BD.P02"
    [(who, changed, detail)] = audit_log("account_updated")
    assert who == "admin" and changed == target
    assert detail["changes"]["unit"] == ["BD.P01", "BD.P02"]
    assert detail["changes"]["full_name"][1] == "Cán bộ chuyển"


def test_reset_password_ends_the_users_sessions(client, admin, demo, query, audit_log, other_client):
    staff = next(user for user in demo.users if user.login == "bd-p01")
    browser = other_client("bd-p01", staff.password)
    assert browser.get("/units/BD.P01").status_code == 200
    version = account(query, "bd-p01")["version"]
    target = query.id_of(User, login="bd-p01")
    response = client.post(f"/admin/accounts/{target}/password",
                           data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert response.status_code == 303
    assert account(query, "bd-p01")["version"] == version + 1
    assert "/login" in browser.get("/units/BD.P01").headers["Location"]
    assert other_client("bd-p01", NEW_PASSWORD).get("/units/BD.P01").status_code == 200
    assert browser.post("/login", data={"login": "bd-p01", "password": staff.password}).status_code == 401
    [(who, changed, detail)] = audit_log("password_reset")
    assert who == "admin" and changed == target and detail == {"login": "bd-p01"}


def test_a_short_new_password_is_refused(client, admin, query, audit_log):
    target = query.id_of(User, login="bd-p01")
    response = client.post(f"/admin/accounts/{target}/password", data={"password": "123456789", "password_again": "123456789"})
    assert response.status_code == 422
    assert "ít nhất 10 ký tự" in response.get_data(as_text=True)
    assert audit_log("password_reset") == []


def test_an_admin_resetting_their_own_password_stays_logged_in(client, admin, query):
    target = query.id_of(User, login="admin")
    client.post(f"/admin/accounts/{target}/password", data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert client.get("/admin/").status_code == 200


def test_deactivate_ends_sessions_and_blocks_login(client, admin, demo, query, audit_log, other_client):
    staff = next(user for user in demo.users if user.login == "bd-p02")
    browser = other_client("bd-p02", staff.password)
    target = query.id_of(User, login="bd-p02")
    response = client.post(f"/admin/accounts/{target}/deactivate", headers=HX)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<tr id="account-{target}" class="is-inactive">') and "Mở khóa" in body
    assert account(query, "bd-p02")["active"] is False
    assert "/login" in browser.get("/units/BD.P02").headers["Location"]
    assert browser.post("/login", data={"login": "bd-p02", "password": staff.password}).status_code == 401
    [(who, changed, _)] = audit_log("account_deactivated")
    assert who == "admin" and changed == target


def test_activate_again(client, admin, query, audit_log):
    target = query.id_of(User, login="bd-p02")
    client.post(f"/admin/accounts/{target}/deactivate")
    assert client.post(f"/admin/accounts/{target}/activate").status_code == 303
    assert account(query, "bd-p02")["active"] is True
    assert [changed for _, changed, _ in audit_log("account_activated")] == [target]


def test_an_admin_cannot_lock_themselves_out(client, admin, query, audit_log):
    me = query.id_of(User, login="admin")
    response = client.post(f"/admin/accounts/{me}/deactivate", headers=HX)
    assert response.status_code == 409
    assert "Không thể tự khóa" in response.get_data(as_text=True)
    assert account(query, "admin")["active"] is True
    assert audit_log("account_deactivated") == []


def test_the_last_admin_cannot_be_demoted(client, admin, query, audit_log):
    me = query.id_of(User, login="admin")
    response = client.post(f"/admin/accounts/{me}", data={"full_name": "Quản trị", "role": "reviewer", "unit_id": ""})
    assert response.status_code == 422
    assert "quản trị cuối cùng" in response.get_data(as_text=True)
    assert account(query, "admin")["role"] == "admin"
    assert audit_log("account_updated") == []


def test_the_last_admin_cannot_be_deactivated(app, demo, query):
    def attempt():
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalars().first()
        last_admin = db.session.execute(db.select(User).filter_by(role="admin")).scalar_one()
        with pytest.raises(AdminRefusal, match="quản trị cuối cùng"):
            deactivate_account(reviewer, last_admin)
        db.session.rollback()
        return last_admin.active
    assert query(attempt) is True


def test_with_a_second_admin_one_may_be_demoted_but_not_both(client, admin, query):
    client.post("/admin/accounts/new", data=new_account(login="admin2", role="admin", full_name="Quản trị 2"))
    second = query.id_of(User, login="admin2")
    assert client.post(f"/admin/accounts/{second}/deactivate").status_code == 303
    me = query.id_of(User, login="admin")
    response = client.post(f"/admin/accounts/{me}", data={"full_name": "Quản trị", "role": "reviewer", "unit_id": ""})
    assert response.status_code == 422  # admin2 is locked: this is still the last active admin
    client.post(f"/admin/accounts/{second}/activate")
    response = client.post(f"/admin/accounts/{second}", data={"full_name": "Quản trị 2", "role": "reviewer", "unit_id": ""})
    assert response.status_code == 303
    assert account(query, "admin2")["role"] == "reviewer"


def test_search_with_or_without_diacritics(client, admin):
    for words in ("Nguyễn Thị Thu Hà", "nguyen thi thu ha", "BAN TO CHUC"):
        page = client.get("/admin/accounts", query_string={"q": words}).get_data(as_text=True)
        assert "bantochuc" in page and "bd-p01" not in page
    fragment = client.get("/admin/accounts", query_string={"q": "bd-p0"}, headers=HX).get_data(as_text=True)
    assert "<html" not in fragment and "bd-p01" in fragment and "bd-p02" in fragment and "bantochuc" not in fragment
    assert "Không có tài khoản nào khớp" in client.get("/admin/accounts?q=zzz").get_data(as_text=True)
