"""Administration is for the admin role only: every endpoint, every method, refuses anyone else."""
import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, User

SAMPLE_ARGS = {"code": "BD.P01", "user_id": 1, "year": 2026, "import_id": 1, "mark_id": 1, "job_id": 1,
               "post_code": "LD00001", "collective_code": "BD.P01.TT001"}


def admin_endpoints(app):
    with app.test_request_context():
        from flask import url_for

        found = []
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("admin."):
                url = url_for(rule.endpoint, **{name: SAMPLE_ARGS[name] for name in rule.arguments})
                found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def test_the_admin_blueprint_has_its_endpoints(app):
    endpoints = admin_endpoints(app)
    assert len(endpoints) >= 29
    assert ("POST", "/admin/accounts/1/deactivate") in endpoints
    assert ("POST", "/admin/roster/imports/1/apply") in endpoints


@pytest.mark.parametrize("role", ["staff", "reviewer"])
def test_every_admin_endpoint_refuses_staff_and_reviewers(app, client, auth, query, role):
    auth.login_as(role, "BD.P01" if role == "staff" else None)
    for method, url in admin_endpoints(app):
        response = client.open(url, method=method, data={"login": "intruder", "password": "x" * 12})
        assert response.status_code == 403, (method, url, response.status_code)
        assert "Không có quyền truy cập" in response.get_data(as_text=True)
    # nothing happened behind the refusals
    assert query(lambda: db.session.scalar(db.select(db.func.count(User.id)).filter_by(active=False))) == 0
    actions = query(lambda: set(db.session.execute(db.select(AuditEvent.action)).scalars()))
    assert actions <= {"demo_loaded", "login"}


def test_htmx_refusal_is_a_fragment(client, auth):
    auth.login_as("reviewer")
    response = client.post("/admin/accounts/1/deactivate", headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert "<html" not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_login(app, client, demo):
    for method, url in admin_endpoints(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/login" in response.headers["Location"]


def test_only_admins_see_the_admin_link(client, auth):
    auth.login_as("reviewer")
    assert 'href="/admin/"' not in client.get("/units/").get_data(as_text=True)
    auth.logout()
    auth.login_as("admin")
    page = client.get("/units/").get_data(as_text=True)
    assert '<a href="/admin/">Quản trị</a>' in page
    assert client.get("/admin/").status_code == 200
