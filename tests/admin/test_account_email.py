"""The notification address in the admin's account forms: set on creation, changed or removed on edit, its shape
checked with a Vietnamese message, shared between accounts on purpose (kdweb/email_address.py), audited."""
import pytest

from kdweb.email_address import EmailRefused, checked_email
from kdweb.extensions import db
from kdweb.models import Unit, User
from tests.admin.test_accounts import new_account


def email_of(query, login):
    return query(lambda: db.session.execute(db.select(User.email).filter_by(login=login)).scalar_one())


@pytest.mark.parametrize("typed, stored", [
    ("  canbo@Phuong.Gov.VN ", "canbo@phuong.gov.vn"),
    ("Le.Thi-Hoa+ubnd@ba-dinh.hanoi.gov.vn", "Le.Thi-Hoa+ubnd@ba-dinh.hanoi.gov.vn"),
    ("", None),
    ("   ", None),
])
def test_an_address_is_stored_trimmed_with_its_domain_in_lower_case(typed, stored):
    assert checked_email(typed) == stored


@pytest.mark.parametrize("typed", [
    "canbo", "canbo@", "@phuong.vn", "canbo@phuong", "can bo@phuong.vn", "cán.bộ@phuong.vn", "a@b@phuong.vn",
    "a@phuong..vn", "a..b@phuong.vn", "a@phuong.vn, b@phuong.vn", "Hoa <a@phuong.vn>", "a@phuong.vn\nBcc: x@y.vn",
    "a@-phuong.vn", "x" * 190 + "@phuong.vn", "hoa@" + "p" * 200 + ".vn",
])
def test_anything_but_one_plain_address_is_refused(typed):
    with pytest.raises(EmailRefused) as refused:
        checked_email(typed)
    assert "e-mail" in refused.value.message


def test_create_an_account_with_an_address(client, admin, query, audit_log):
    form = new_account(unit_id=query.id_of(Unit, code="BD.P01"), email="Hoa.Le@Phuong.VN")
    page = client.get("/admin/accounts/new").get_data(as_text=True)
    assert 'name="email" type="email"' in page and "E-mail nhận thông báo" in page
    assert client.post("/admin/accounts/new", data=form).status_code == 303
    assert email_of(query, "bd-p01-2") == "Hoa.Le@phuong.vn"
    [(_who, _target, detail)] = audit_log("account_created")
    assert detail["email"] == "Hoa.Le@phuong.vn"
    listing = client.get("/admin/accounts").get_data(as_text=True)  # the list shows who can be reached
    assert "<th scope=\"col\">E-mail nhận thông báo</th>" in listing
    assert '<td class="email">Hoa.Le@phuong.vn</td>' in listing and "Chưa có" in listing


def test_a_malformed_address_refuses_the_new_account_and_keeps_what_was_typed(client, admin, query, audit_log):
    form = new_account(unit_id=query.id_of(Unit, code="BD.P01"), email="hoa@phuong")
    response = client.post("/admin/accounts/new", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Địa chỉ e-mail “hoa@phuong” không hợp lệ" in page and 'value="hoa@phuong"' in page
    assert query(lambda: db.session.execute(db.select(User).filter_by(login="bd-p01-2")).scalar_one_or_none()) is None
    assert audit_log("account_created") == []


def test_two_accounts_may_share_the_units_mailbox(client, admin, query):
    shared = "chibo1@phuong.vn"
    target = query.id_of(User, login="bd-p01")
    form = {"full_name": "Cán bộ BD.P01", "role": "staff", "unit_id": query.id_of(Unit, code="BD.P01"), "email": shared}
    assert client.post(f"/admin/accounts/{target}", data=form).status_code == 303
    second = new_account(unit_id=query.id_of(Unit, code="BD.P01"), email=shared)
    assert client.post("/admin/accounts/new", data=second).status_code == 303
    assert email_of(query, "bd-p01") == email_of(query, "bd-p01-2") == shared


def test_edit_changes_then_removes_the_address_and_audits_both(client, admin, query, audit_log):
    target = query.id_of(User, login="bd-p02")
    form = {"full_name": "Cán bộ BD.P02", "role": "staff", "unit_id": query.id_of(Unit, code="BD.P02")}
    assert client.post(f"/admin/accounts/{target}", data={**form, "email": "p02@phuong.vn"}).status_code == 303
    assert 'value="p02@phuong.vn"' in client.get(f"/admin/accounts/{target}").get_data(as_text=True)
    assert client.post(f"/admin/accounts/{target}", data=form).status_code == 303  # no field: kept
    assert email_of(query, "bd-p02") == "p02@phuong.vn"
    assert client.post(f"/admin/accounts/{target}", data={**form, "email": ""}).status_code == 303
    assert email_of(query, "bd-p02") is None
    changes = [detail["changes"].get("email") for _who, _target, detail in audit_log("account_updated")]
    assert [None, "p02@phuong.vn"] in changes and ["p02@phuong.vn", None] in changes


def test_edit_refuses_a_malformed_address_and_changes_nothing(client, admin, query, audit_log):
    target = query.id_of(User, login="bd-p02")
    form = {"full_name": "Tên mới", "role": "staff", "unit_id": query.id_of(Unit, code="BD.P02"), "email": "p02 @phuong.vn"}
    response = client.post(f"/admin/accounts/{target}", data=form)
    assert response.status_code == 422 and "không hợp lệ" in response.get_data(as_text=True)
    assert email_of(query, "bd-p02") is None
    assert audit_log("account_updated") == []
