import io

import pytest
from sqlalchemy import event

from kdweb.extensions import db
from tests.workbooks import clean_values, fill, roster, submit_latest_upload


@pytest.fixture
def statements(app):
    """Every SQL statement the app runs while the test runs."""
    seen = []

    def remember(_connection, _cursor, statement, *_):
        seen.append(statement)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    yield seen
    event.remove(engine, "before_cursor_execute", remember)


@pytest.fixture
def submit_unit(client, auth, app):
    """Log in as the unit's staff, fill its workbook (override(kind, code, values) may change rows), upload,
    submit, log out; returns the upload's version."""

    def _submit(unit_code, override=None, submit=True):
        auth.login_as("staff", unit_code)
        data = client.get(f"/units/{unit_code}/workbook.xlsx").data
        values = clean_values(roster(app, unit_code))
        filled = fill(data, values if override is None else lambda kind, code: override(kind, code, values(kind, code)))
        response = client.post(f"/units/{unit_code}/uploads", data={"file": (io.BytesIO(filled), "kq.xlsx")},
                               content_type="multipart/form-data", headers={"HX-Request": "true"})
        assert "Không có lỗi" in response.get_data(as_text=True), (unit_code, _messages(app, unit_code))
        if submit:
            submit_latest_upload(client, app, unit_code)
        auth.logout()

    return _submit


def _messages(app, unit_code):
    """The newest upload's errors, to say why a fill meant to be clean was not."""
    from kdweb.models import Finding, Unit, Upload

    with app.app_context():
        upload_id = db.session.execute(
            db.select(Upload.id).join(Unit).filter(Unit.code == unit_code).order_by(Upload.id.desc())).scalars().first()
        found = db.session.execute(db.select(Finding.rule, Finding.message).filter_by(
            upload_id=upload_id, severity="error")).all()
        db.session.remove()
    return found


@pytest.fixture
def admin_client(app, demo):
    """A client logged in as the demo's admin (its own cookies: beside the people of a test)."""
    client = app.test_client()
    user = next(u for u in demo.users if u.role == "admin")
    assert client.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    return client
