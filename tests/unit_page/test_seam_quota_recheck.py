"""“Kiểm tra lại” after an admin changed the unit's outstanding-group mark, against the reviewer's decision: an
approved version stays approved and locked (the unit is told to ask for a reopening, and no version is added); a
returned version checked again is a new version with the very bytes that were returned, so the unit stays
"Trả lại" and the unchanged file needs the acknowledgement to go back (tests/unit_page/test_quota_marks_now.py:
the mark against an open upload; tests/unit_page/test_seam_returned_unchanged.py: the same after a roster change)."""
from kdweb.extensions import db
from kdweb.models import Submission, Unit, UnitCycle, Upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_quota_marks_now import RULE_SET, download, set_member_mark, upload_as_staff
from tests.unit_page.test_seam_returned_unchanged import ACKNOWLEDGE, REASON
from tests.workbooks import fill, submit_latest_upload

UNIT = "BD.P01"


def state(app) -> dict:
    with app.app_context():
        row = db.session.execute(db.select(UnitCycle).join(Unit).filter(Unit.code == UNIT)).scalar_one()
        versions = {u.id: u.version for u in db.session.execute(db.select(Upload)).scalars()}
        found = {"status": row.status, "latest": versions.get(row.latest_upload_id),
                 "valid": versions.get(row.valid_upload_id), "versions": len(versions)}
        db.session.remove()
    return found


def submitted_under_366(client, auth, app, batch):
    switch_to_366(client, auth, app)
    body = upload_as_staff(client, auth, fill(download(client, auth), scored_values(batch), RULE_SET))
    assert "Không có lỗi" in body, body[:1000]
    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()


def decide(client, auth, action, **form):
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{UNIT}/{action}", data={"confirmed": "1", **form}).status_code == 303
    auth.logout()


def test_kiem_tra_lai_after_a_mark_changed_leaves_an_approved_version_approved(client, auth, app, batch):
    submitted_under_366(client, auth, app, batch)
    decide(client, auth, "approve")
    set_member_mark(client, auth, app, True)
    auth.login_as("staff", UNIT)
    answer = client.post(f"/units/{UNIT}/v/1/recheck", follow_redirects=True)
    assert answer.status_code == 200 and "đã được duyệt và khóa" in answer.get_data(as_text=True)
    auth.logout()
    assert state(app) == {"status": "approved", "latest": 1, "valid": 1, "versions": 1}


def test_kiem_tra_lai_after_a_mark_changed_keeps_a_returned_version_returned(client, auth, app, batch):
    submitted_under_366(client, auth, app, batch)
    decide(client, auth, "return", comment=REASON)
    set_member_mark(client, auth, app, True)
    auth.login_as("staff", UNIT)
    answer = client.post(f"/units/{UNIT}/v/1/recheck")
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/units/{UNIT}/v/2")
    assert state(app) == {"status": "returned", "latest": 2, "valid": 2, "versions": 2}
    page = client.get(f"/units/{UNIT}/v/2").get_data(as_text=True)
    assert "Phiên bản 2 giống hệt tệp đã bị trả lại" in page and REASON in page
    upload_id = db_upload_id(app, 2)
    refused = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id})
    assert refused.status_code == 422
    assert client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id,
                                                      ACKNOWLEDGE: "1"}).status_code == 303
    with app.app_context():
        assert db.session.execute(db.select(Submission.state).order_by(Submission.id)).scalars().all() == [
            "returned", "submitted"]


def db_upload_id(app, version) -> int:
    with app.app_context():
        found = db.session.execute(db.select(Upload.id).filter_by(version=version)).scalar_one()
        db.session.remove()
    return found
