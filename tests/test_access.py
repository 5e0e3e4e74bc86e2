"""One helper decides scope: staff see their unit and its subtree, nothing else."""
import re

import pytest


def staff_of(demo, unit_code):
    return next(u for u in demo.users if u.role == "staff" and u.unit_code == unit_code)


def test_staff_sees_own_unit(client, auth, demo):
    user = auth.login_as("staff", "BD.P01")
    page = client.get("/units/BD.P01").get_data(as_text=True)
    assert "Đảng bộ phường Cống Vị" in page
    assert user.unit_code == "BD.P01"


def test_staff_sees_a_chi_bo_of_own_unit(client, auth):
    auth.login_as("staff", "BD.P01")
    assert client.get("/units/BD.P01.C01").status_code == 200


@pytest.mark.parametrize("foreign", ["BD.P02", "BD.P02.C01", "BD", "BD.TH01"])
def test_staff_cannot_see_another_unit(client, auth, foreign):
    auth.login_as("staff", "BD.P01")
    response = client.get(f"/units/{foreign}")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Không tìm thấy" in body
    assert "Điện Biên" not in body


def without_csrf_token(page: str) -> str:
    """The page with its CSRF token masked: the token carries the second it was signed in."""
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page).group(1)
    return page.replace(token, "CSRF-TOKEN")


def test_unknown_and_foreign_units_look_the_same(client, auth):
    auth.login_as("staff", "BD.P01")
    foreign = client.get("/units/BD.P02")
    unknown = client.get("/units/NO.SUCH.UNIT")
    assert foreign.status_code == unknown.status_code == 404
    assert without_csrf_token(foreign.get_data(as_text=True)) == without_csrf_token(unknown.get_data(as_text=True))


def test_staff_cannot_list_units(client, auth):
    auth.login_as("staff", "BD.P01")
    response = client.get("/units/")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["reviewer", "admin"])
def test_reviewer_and_admin_see_every_unit(client, auth, demo, role):
    auth.login_as(role)
    listing = client.get("/units/").get_data(as_text=True)
    for unit in demo.reporting_units:
        assert unit.name in listing
    for code in ("BD.P01", "BD.P02", "BD"):
        assert client.get(f"/units/{code}").status_code == 200


def test_home_sends_each_role_to_its_place(client, auth):
    auth.login_as("staff", "BD.P02")
    assert client.get("/").headers["Location"].endswith("/units/BD.P02")
    auth.logout()
    auth.login_as("reviewer")
    assert client.get("/").headers["Location"].endswith("/review/")


def test_htmx_error_is_a_fragment(client, auth):
    auth.login_as("staff", "BD.P01")
    response = client.get("/units/BD.P02", headers={"HX-Request": "true"})
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "<html" not in body and "data-error-code=\"404\"" in body
