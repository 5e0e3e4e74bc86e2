"""Walks every endpoint of the URL map for every kind of user: what is not theirs is refused, with no data."""
import io

import pytest
from flask import url_for

from tests.security.access_rules import ACCESS, ALLOWED, PUBLIC, SAMPLE_ARGS

UNIT_NAME = "Cống Vị"  # BD.P01: no refused answer may carry it
ACTORS = {"own_staff": ("staff", "BD.P01"), "foreign_staff": ("staff", "BD.P02"),
          "reviewer": ("reviewer", None), "admin": ("admin", None)}


def endpoints(app):
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return found


def test_every_endpoint_has_an_access_rule(app):
    missing = sorted({endpoint for endpoint, _, _ in endpoints(app)} - set(ACCESS))
    assert not missing, f"add these endpoints to tests/security/access_rules.py: {missing}"


def address(app, endpoint, rule):
    unknown = [name for name in rule.arguments if name not in SAMPLE_ARGS]
    assert not unknown, f"{endpoint}: add a sample value for {unknown} in access_rules.SAMPLE_ARGS"
    with app.test_request_context():
        return url_for(endpoint, **{name: SAMPLE_ARGS[name] for name in rule.arguments})


@pytest.fixture
def one_upload(client, auth):
    auth.login_as("staff", "BD.P01")
    client.get("/units/BD.P01/workbook.xlsx")
    client.post("/units/BD.P01/uploads", data={"file": (io.BytesIO(b"%PDF-1.4 x"), "x.xlsx")},
                content_type="multipart/form-data")
    auth.logout()


def request(client, method, path):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={"comment": "x", "upload_id": "1"})


@pytest.mark.parametrize("actor", list(ACTORS))
def test_each_actor_gets_what_the_table_says(app, client, auth, one_upload, actor):
    role, unit = ACTORS[actor]
    auth.login_as(role, unit)
    problems = []
    for endpoint, method, rule in endpoints(app):
        allowed = actor in ALLOWED[ACCESS[endpoint]]
        if endpoint in ("auth.logout", "auth.login_post") or (method == "POST" and allowed):
            continue  # acting is tested feature by feature; the sweep checks refusals and reads
        path = address(app, endpoint, rule)
        response = request(client, method, path)
        body = response.get_data(as_text=True) if response.mimetype.startswith("text") else ""
        if response.status_code == 500:
            problems.append(f"{method} {path}: 500")
        elif allowed and response.status_code == 403:
            problems.append(f"{method} {path}: 403 for {actor}, who is allowed")
        elif not allowed and response.status_code not in (403, 404):
            problems.append(f"{method} {path}: {response.status_code} for {actor}, who is not allowed")
        elif not allowed and actor != "own_staff" and UNIT_NAME in body:
            problems.append(f"{method} {path}: refused but shows {UNIT_NAME}")
    assert not problems, "\n".join(problems)


def test_anonymous_users_are_sent_to_login(app, client, demo):
    problems = []
    for endpoint, method, rule in endpoints(app):
        if ACCESS[endpoint] == PUBLIC:
            continue
        path = address(app, endpoint, rule)
        response = request(client, method, path)
        if response.status_code != 302 or "/login" not in response.headers.get("Location", ""):
            problems.append(f"{method} {path}: {response.status_code}")
    assert not problems, "\n".join(problems)
