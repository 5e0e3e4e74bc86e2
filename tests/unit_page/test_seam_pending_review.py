"""A unit's upload against the reviewer's decision: while a submission waits for review or after its approval, a
new file is refused with a message and nothing moves (the reviewer still decides on the version submitted); a
returned unit's trail reads in order; "Kiểm tra lại" of an approved version changes nothing; a check the sandbox
cannot finish on a returned unit keeps the file and the status (tests/security/test_state_moves_forward.py:
checks ending late; tests/review/test_seam_decisions.py: stale decision forms)."""
import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, Submission, Upload
from kdweb import isolation
from kdweb.services import untrusted
from tests.review.test_seam_decisions import shown_submission
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review, state_of, submit_latest_valid


def uploads_kept(app) -> int:
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(Upload.id)))
        db.session.remove()
    return count


def submitted(app, people, workbooks):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])


@pytest.mark.parametrize("file", ["valid", "valid_2", "errors"])
def test_a_file_sent_while_the_submission_waits_is_refused_and_the_reviewer_decides_on_the_submitted_one(
        app, people, workbooks, file):
    submitted(app, people, workbooks)
    seen = shown_submission(people["reviewer"])
    answer = send(people["staff"], workbooks[file])
    assert answer.status_code == 409
    assert "chờ duyệt" in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "submitted", "latest": 1, "valid": 1} and uploads_kept(app) == 1
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Đã nộp, chờ duyệt" in page and "không thể tải lên tệp mới" in answer.get_data(as_text=True)
    assert shown_submission(people["reviewer"]) == seen
    answer = people["reviewer"].post(f"/review/units/{UNIT}/approve",
                                     data={"confirmed": "1", "submission_id": seen}, follow_redirects=True)
    assert "flash-success" in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "approved", "latest": 1, "valid": 1}


@pytest.mark.parametrize("file", ["valid", "valid_2"])
def test_a_file_sent_after_the_approval_is_refused_and_the_approval_stays(app, people, workbooks, file):
    submitted(app, people, workbooks)
    review(people, "approve")
    answer = send(people["staff"], workbooks[file], htmx=True)
    assert answer.status_code == 409 and "đã được duyệt và khóa" in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "approved", "latest": 1, "valid": 1} and uploads_kept(app) == 1
    with app.app_context():
        assert db.session.execute(db.select(Submission.state)).scalars().all() == ["approved"]


def test_returned_then_submitted_again_then_approved_reads_in_order(app, people, workbooks):
    submitted(app, people, workbooks)
    review(people, "return", comment="Sửa lại phần tổ chức đảng")
    assert state_of(app)["status"] == "returned"
    assert send(people["staff"], workbooks["valid_2"]).status_code == 303
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2}
    submit_latest_valid(app, people["staff"])
    review(people, "approve")
    assert state_of(app) == {"status": "approved", "latest": 2, "valid": 2}
    with app.app_context():
        trail = [event.action for event in db.session.execute(
            db.select(AuditEvent).filter(AuditEvent.action.in_(("submitted", "returned", "approved")))
            .order_by(AuditEvent.id)).scalars()]
        states = dict(db.session.execute(db.select(Submission.id, Submission.state).order_by(Submission.id)).all())
        db.session.remove()
    assert trail == ["submitted", "returned", "submitted", "approved"]
    assert list(states.values()) == ["returned", "approved"]
    page = people["reviewer"].get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "Sửa lại phần tổ chức đảng" in page


def test_kiem_tra_lai_of_an_approved_version_changes_nothing(app, people, workbooks):
    submitted(app, people, workbooks)
    review(people, "approve")
    for who in ("staff", "reviewer"):
        answer = people[who].post(f"/units/{UNIT}/v/1/recheck", follow_redirects=True)
        assert answer.status_code == 200 and "đã được kiểm tra xong" in answer.get_data(as_text=True), who
    assert state_of(app) == {"status": "approved", "latest": 1, "valid": 1}
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action="upload_recheck")) == 0


def test_a_check_the_sandbox_cannot_finish_on_a_returned_unit_keeps_the_file_and_the_status(
        app, people, workbooks, monkeypatch):
    submitted(app, people, workbooks)
    review(people, "return", comment="Sửa lại phần tổ chức đảng")

    def timed_out(*args, **kwargs):
        raise isolation.SandboxRefused(isolation.TIME, untrusted.limits(), "wall time (forged)")

    monkeypatch.setattr(untrusted, "run", timed_out)
    answer = send(people["staff"], workbooks["valid_2"], htmx=True)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Chưa kiểm tra được" in body and "quá giới hạn thời gian" in body
    assert state_of(app) == {"status": "returned", "latest": 1, "valid": 1}
    with app.app_context():
        kept = db.session.execute(db.select(Upload).filter_by(version=2)).scalar_one()
        assert kept.outcome == "unchecked" and kept.content == workbooks["valid_2"]
        db.session.remove()
    monkeypatch.undo()
    people["staff"].post(f"/units/{UNIT}/v/2/recheck")
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2}


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_decision_from_a_page_opened_before_another_reviewer_returned_it_and_the_unit_uploaded_is_refused(
        app, people, workbooks, action):
    """The reviewer's page shows version 1; meanwhile another reviewer returns it and the unit's staff send version
    2 in the same minute, not yet submitted: the old form decides nothing and says what happened to version 1."""
    submitted(app, people, workbooks)
    seen = shown_submission(people["reviewer"])
    review(people, "return", comment="Sửa lại phần tổ chức đảng")
    assert send(people["staff"], workbooks["valid_2"]).status_code == 303

    answer = people["reviewer"].post(f"/review/units/{UNIT}/{action}", data={
        "confirmed": "1", "submission_id": seen, "comment": "Đồng ý"}, follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "flash-success" not in page
    assert "Phiên bản 1 đã được trả lại sau khi trang này được mở" in page
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2}
    with app.app_context():
        assert db.session.execute(db.select(Submission.state)).scalars().all() == ["returned"]


def test_a_return_from_a_page_opened_before_another_reviewer_approved_is_refused_and_the_approval_stays(
        app, people, workbooks):
    submitted(app, people, workbooks)
    seen = shown_submission(people["reviewer"])
    review(people, "approve")
    answer = people["reviewer"].post(f"/review/units/{UNIT}/return", data={
        "confirmed": "1", "submission_id": seen, "comment": "Sửa lại"}, follow_redirects=True)
    assert "Phiên bản 1 đã được duyệt sau khi trang này được mở" in answer.get_data(as_text=True)
    assert state_of(app) == {"status": "approved", "latest": 1, "valid": 1}


def test_the_same_file_sent_again_after_a_return_keeps_one_version_and_the_return(app, people, workbooks):
    """The return is not undone by the unchanged file (tests/unit_page/test_seam_returned_unchanged.py: the
    notice, and the acknowledgement the unchanged file needs to be submitted again)."""
    submitted(app, people, workbooks)
    review(people, "return", comment="Sửa lại phần tổ chức đảng")
    answer = send(people["staff"], workbooks["valid"], htmx=True)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:500]
    assert uploads_kept(app) == 1  # no duplicate version
    assert state_of(app) == {"status": "returned", "latest": 1, "valid": 1}


def test_kiem_tra_lai_after_a_return_of_a_file_sent_before_the_submission_says_how_to_use_it(app, people, workbooks):
    """Version 2 was stored before version 1 was submitted, its check never finished; after the return the clerk
    checks it again: it is valid, yet a check ending after a decision never moves the unit's state by itself, so the
    clerk is told how to make it the current version (send the file again), and doing so does."""
    from tests.security.test_state_moves_forward import make_stuck

    assert send(people["staff"], workbooks["valid"]).status_code == 303
    make_stuck(app, workbooks["valid_2"])
    submit_latest_valid(app, people["staff"])
    review(people, "return", comment="Sửa lại phần tổ chức đảng")
    answer = people["staff"].post(f"/units/{UNIT}/v/2/recheck", follow_redirects=True)
    body = answer.get_data(as_text=True)
    assert "Đã kiểm tra lại phiên bản 2: tệp hợp lệ." in body
    assert "tải lên lại chính tệp này" in body  # the next step, not a silent dead end
    assert state_of(app) == {"status": "returned", "latest": 1, "valid": 1}
    assert send(people["staff"], workbooks["valid_2"]).status_code == 303
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2} and uploads_kept(app) == 2
