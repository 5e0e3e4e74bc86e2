"""Another unit's staff are refused on every endpoint of the unit page, and see nothing of it."""
import io

import pytest

from tests.unit_page.conftest import UNIT, upload


@pytest.fixture
def one_version(request, client, auth, saved_state):
    """The unit's clean workbook uploaded once by its staff, then logged out: done once per worker, then given back
    as it left the database (`saved_state`)."""
    def send():
        upload(client, request.getfixturevalue("clean_workbook"))
        auth.logout()
    saved_state("unit_page.one_version", send, client)


ENDPOINTS = [
    ("get", f"/units/{UNIT}"),
    ("get", f"/units/{UNIT}/workbook.xlsx"),
    ("get", f"/units/{UNIT}/v/1"),
    ("get", f"/units/{UNIT}/v/1/findings"),
    ("get", f"/units/{UNIT}/v/1/preview"),
    ("get", f"/units/{UNIT}/v/1/original"),
    ("get", f"/units/{UNIT}/v/1/annotated.xlsx"),
    ("post", f"/units/{UNIT}/uploads"),
    ("post", f"/units/{UNIT}/submit"),
]


@pytest.mark.parametrize("method, path", ENDPOINTS)
def test_foreign_staff_refused(client, auth, one_version, method, path):
    auth.login_as("staff", "BD.P02")
    if method == "get":
        response = client.get(path)
    else:
        response = client.post(path, data={"file": (io.BytesIO(b"x"), "x.xlsx"), "upload_id": "1"},
                               content_type="multipart/form-data")
    assert response.status_code == 404
    assert b"PK" not in response.data[:2]
    assert "Cống Vị" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method, path", ENDPOINTS[1:2] + ENDPOINTS[-2:])
def test_reviewers_read_but_do_not_act_for_the_unit(client, auth, one_version, method, path):
    auth.login_as("reviewer")
    assert client.get(f"/units/{UNIT}/v/1").status_code == 200
    response = client.get(path) if method == "get" else client.post(path, data={"upload_id": "1"})
    assert response.status_code == 403
