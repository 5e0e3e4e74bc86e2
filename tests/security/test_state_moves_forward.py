"""A check that ends late never undoes a later decision, whatever finishes first; a check that cannot finish
leaves the upload "Chưa kiểm tra được" with its reason and a "Kiểm tra lại" for the unit and for Ban Tổ chức.

The races are made deterministic: while one request is reading its file (inside `uploads.read`), other
requests run to the end — a reviewer approves, or the unit sends a newer version."""
import hashlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, Cycle, Finding, Rating, Unit, UnitCycle, Upload, User
from kdweb.models.base import utcnow
from kdweb.services import uploads
from tests.workbooks import clean_values, fill, roster

UNIT = "BD.P01"
UNCHECKED = "Chưa kiểm tra được"


@pytest.fixture
def people(app, demo):
    """Logged-in clients: the unit's staff, a second session of the same staff, and a reviewer."""
    def client_for(role, unit=None):
        client = app.test_client()
        user = next(u for u in demo.users if u.role == role and (unit is None or u.unit_code == unit))
        assert client.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
        return client

    return {"staff": client_for("staff", UNIT), "staff_again": client_for("staff", UNIT),
            "reviewer": client_for("reviewer"), "foreign": client_for("staff", "BD.P02")}


@pytest.fixture
def workbooks(app, people):
    """Two different valid files and two different files with errors for the unit."""
    template = people["staff"].get(f"/units/{UNIT}/workbook.xlsx").data
    values = clean_values(roster(app, UNIT))
    first_member = next(code for kind, code in members(app))

    def made(remark, broken):
        def values_for(kind, code):
            found = values(kind, code)
            if found is None:
                return None
            found = dict(found, remarks=remark)
            if broken and code == first_member:
                found["level"] = "Mức không có"
            return found
        values_for.fill_key = (values.fill_key, remark, broken and first_member)  # made once a session (fill)
        return fill(template, values_for)

    return {"valid": made("một", False), "valid_2": made("hai", False),
            "errors": made("ba", True), "errors_2": made("bốn", True)}


def members(app):
    from kdweb.rules import SubjectKind

    batch = roster(app, UNIT)
    return [(SubjectKind.MEMBER, record.code) for record in batch.members]


def send(client, data, htmx=False):
    return client.post(f"/units/{UNIT}/uploads", data={"file": (io.BytesIO(data), "ket-qua.xlsx")},
                       content_type="multipart/form-data", headers={"HX-Request": "true"} if htmx else {})


def during_next_read(monkeypatch, action):
    """Run `action` once, to its end, while the next upload's file is being read (after its bytes are stored).
    It runs in its own thread, as another request would: nothing of the reading request's context is shared."""
    real_read, pending = uploads.read, [action]

    def read(*args, **kwargs):
        if pending:
            with ThreadPoolExecutor(1) as pool:
                pool.submit(pending.pop()).result()
        return real_read(*args, **kwargs)

    monkeypatch.setattr(uploads, "read", read)


def state_of(app):
    with app.app_context():
        state = db.session.execute(db.select(UnitCycle).join(Unit).filter(Unit.code == UNIT)).scalar_one()
        versions = {u.id: u.version for u in db.session.execute(db.select(Upload)).scalars()}
        db.session.remove()
    return {"status": state.status, "latest": versions.get(state.latest_upload_id),
            "valid": versions.get(state.valid_upload_id)}


def upload_row(app, version):
    with app.app_context():
        upload = db.session.execute(db.select(Upload).filter_by(version=version)).scalar_one()
        findings = db.session.scalar(db.select(db.func.count(Finding.id)).filter_by(upload_id=upload.id))
        ratings = db.session.scalar(db.select(db.func.count(Rating.id)).filter_by(upload_id=upload.id))
        db.session.expunge(upload)
        db.session.remove()
    return upload, findings, ratings


def submit_latest_valid(app, client):
    with app.app_context():
        upload_id = db.session.execute(db.select(UnitCycle.valid_upload_id).join(Unit)
                                       .filter(Unit.code == UNIT)).scalar_one()
        db.session.remove()
    answer = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id, "acknowledge_warnings": "1"})
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]


def review(people, action, **form):
    answer = people["reviewer"].post(f"/review/units/{UNIT}/{action}", data={"confirmed": "1", **form},
                                     follow_redirects=True)
    assert answer.status_code == 200 and "flash-success" in answer.get_data(as_text=True)


DECISIONS = {
    "submitted": lambda app, people: submit_latest_valid(app, people["staff_again"]),
    "approved": lambda app, people: (submit_latest_valid(app, people["staff_again"]), review(people, "approve")),
    "returned": lambda app, people: (submit_latest_valid(app, people["staff_again"]),
                                     review(people, "return", comment="Sửa lại phần tổ chức đảng")),
}


@pytest.mark.parametrize("decision", list(DECISIONS))
@pytest.mark.parametrize("late_file", ["valid_2", "errors"])
def test_a_check_ending_after_a_decision_does_not_undo_it(app, people, workbooks, monkeypatch, decision, late_file):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    during_next_read(monkeypatch, lambda: DECISIONS[decision](app, people))
    assert send(people["staff"], workbooks[late_file]).status_code == 303
    assert state_of(app) == {"status": decision, "latest": 1, "valid": 1}
    late, findings, ratings = upload_row(app, 2)
    assert late.outcome == {"valid_2": "valid", "errors": "errors"}[late_file] and ratings > 0
    assert (findings > 0) == (late_file == "errors")  # the findings are kept for that version
    page = people["staff"].get(f"/units/{UNIT}/v/2").get_data(as_text=True)
    assert {"valid_2": "Không có lỗi", "errors": "lỗi"}[late_file] in page
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).filter_by(action="upload_checked", target_id=late.id)
                                   ).scalar_one()
        assert json.loads(event.detail)["status_moved"] is False


@pytest.mark.parametrize("older, newer, expected", [
    ("valid", "errors", {"status": "has_errors", "latest": 2, "valid": 1}),
    ("errors", "valid", {"status": "valid", "latest": 2, "valid": 2}),
    ("valid", "valid_2", {"status": "valid", "latest": 2, "valid": 2}),
    ("errors", "errors_2", {"status": "has_errors", "latest": 2, "valid": None}),
])
def test_an_older_version_finishing_last_ends_as_if_checked_in_order(app, people, workbooks, monkeypatch,
                                                                      older, newer, expected):
    during_next_read(monkeypatch, lambda: send(people["staff_again"], workbooks[newer]))
    assert send(people["staff"], workbooks[older]).status_code == 303
    assert state_of(app) == expected
    for version in (1, 2):
        assert upload_row(app, version)[0].is_checked


def test_the_same_file_checked_twice_at_once_is_recorded_once(app, people, workbooks, monkeypatch):
    during_next_read(monkeypatch, lambda: send(people["staff_again"], workbooks["errors"]))
    send(people["staff"], workbooks["errors"])  # stored, then the same bytes come again while it is read
    upload, findings, _ratings = upload_row(app, 1)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1
        single = db.session.scalar(db.select(db.func.count(Finding.id)))
    assert upload.outcome == "errors" and findings == single == upload.error_count + upload.warning_count


def break_checks(monkeypatch):
    def broken(*args, **kwargs):
        raise MemoryError("the reader ran out of memory")

    monkeypatch.setattr(uploads, "read", broken)


def test_an_unchecked_upload_is_shown_with_its_reason_to_the_unit_and_to_the_reviewers(app, people, workbooks,
                                                                                      monkeypatch):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    break_checks(monkeypatch)
    answer = send(people["staff"], workbooks["errors"], htmx=True)
    assert answer.status_code == 200 and UNCHECKED in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "valid", "latest": 1, "valid": 1}  # nothing known: nothing moves
    upload, findings, ratings = upload_row(app, 2)
    assert upload.outcome == "unchecked" and "nguyên vẹn" in upload.check_error and findings == ratings == 0
    for who, path in (("staff", f"/units/{UNIT}"), ("reviewer", f"/review/units/{UNIT}")):
        page = people[who].get(path).get_data(as_text=True)
        assert f"Phiên bản 2 (ket-qua.xlsx): {UNCHECKED}" in page and upload.check_error in page, who
        assert f"/units/{UNIT}/v/2/recheck" in page and "Kiểm tra lại" in page, who
    assert "Kiểm tra lại" not in people["staff"].get(f"/units/{UNIT}/v/1").get_data(as_text=True).split(
        'id="history"')[0].split('id="results"')[1]
    assert people["staff"].get(f"/units/{UNIT}/v/2/preview").status_code == 200  # no parse of that file
    assert people["staff"].get(f"/units/{UNIT}/v/2/annotated.xlsx").status_code == 404


@pytest.mark.parametrize("who", ["staff", "reviewer"])
def test_kiem_tra_lai_checks_it_and_moves_the_state_forward(app, people, workbooks, monkeypatch, who):
    send(people["staff"], workbooks["valid"])
    break_checks(monkeypatch)
    send(people["staff"], workbooks["errors"])
    monkeypatch.undo()
    answer = people[who].post(f"/units/{UNIT}/v/2/recheck", follow_redirects=True)
    assert answer.status_code == 200
    assert "Đã kiểm tra lại phiên bản 2: có 1 lỗi cần sửa." in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "has_errors", "latest": 2, "valid": 1}
    assert upload_row(app, 2)[0].outcome == "errors" and upload_row(app, 2)[1] >= 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="upload_recheck")) == 1
    again = people[who].post(f"/units/{UNIT}/v/2/recheck", follow_redirects=True)
    assert "đã được kiểm tra xong" in again.get_data(as_text=True)


def test_kiem_tra_lai_is_refused_to_others_and_without_the_csrf_token(app, people, workbooks, monkeypatch):
    break_checks(monkeypatch)
    send(people["staff"], workbooks["valid"])
    assert people["staff"].post(f"/units/{UNIT}/v/1/recheck", csrf=False).status_code == 400
    assert people["foreign"].post(f"/units/{UNIT}/v/1/recheck").status_code == 404
    assert people["staff"].post(f"/units/{UNIT}/v/9/recheck").status_code == 404
    assert upload_row(app, 1)[0].outcome == "unchecked"


def make_stuck(app, data):
    """A file stored whose check died with its process: still "received", long ago."""
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        user = db.session.execute(db.select(User).filter_by(unit_id=unit.id)).scalars().first()
        upload = uploads.store(cycle, unit, user, "ket-qua.xlsx", data, hashlib.sha256(data).hexdigest())
        upload.created_at = utcnow() - timedelta(minutes=30)
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("how", ["button", "same_file"])
def test_an_upload_stuck_received_is_recovered_the_same_way(app, people, workbooks, how):
    make_stuck(app, workbooks["valid"])
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    assert UNCHECKED in page and f"/units/{UNIT}/v/1/recheck" in page
    if how == "button":
        people["staff"].post(f"/units/{UNIT}/v/1/recheck")
    else:
        send(people["staff"], workbooks["valid"])
    assert upload_row(app, 1)[0].outcome == "valid"
    assert state_of(app) == {"status": "valid", "latest": 1, "valid": 1}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1


def test_an_upload_being_checked_now_is_not_offered_for_recheck(app, people, workbooks):
    make_stuck(app, workbooks["valid"])
    with app.app_context():
        db.session.execute(db.update(Upload).values(created_at=utcnow()))
        db.session.commit()
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Đang kiểm tra" in page and "/recheck" not in page
    assert people["staff"].post(f"/units/{UNIT}/v/1/recheck").status_code == 303
    assert upload_row(app, 1)[0].outcome == "received"

