"""A decision against the workflow: a reviewer's page (or the bulk approve list) opened before the unit was returned
and submitted again decides nothing about the version it never showed; a submit that races the cycle's close is
refused as a closed cycle and records nothing (tests/security/test_state_moves_forward.py: checks ending late;
tests/unit_page/test_seam_workflow.py: actions after the close)."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Submission, Unit, UnitCycle
from kdweb.services import workflow
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, state_of, submit_latest_valid

SUBMISSION_ID = re.compile(r'name="submission_id" value="(\d+)"')


def shown_submission(client) -> str:
    """The submission the reviewer's page of the unit shows (and its decision forms carry)."""
    ids = set(SUBMISSION_ID.findall(client.get(f"/review/units/{UNIT}").get_data(as_text=True)))
    assert len(ids) == 1, ids
    return ids.pop()


def returned_and_sent_again(app, people, workbooks):
    """Another reviewer returns the unit; its staff send another valid version and submit it."""
    answer = people["reviewer"].post(f"/review/units/{UNIT}/return", data={"comment": "Sửa lại ghi chú"})
    assert answer.status_code == 303
    assert send(people["staff"], workbooks["valid_2"]).status_code == 303
    submit_latest_valid(app, people["staff"])


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_decision_from_a_page_opened_before_the_unit_submitted_again_is_refused(app, people, workbooks, action):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    seen = shown_submission(people["reviewer"])  # the reviewer looks at version 1 …
    returned_and_sent_again(app, people, workbooks)  # … meanwhile returned, and version 2 submitted

    answer = people["reviewer"].post(f"/review/units/{UNIT}/{action}", data={
        "confirmed": "1", "submission_id": seen, "comment": "Đồng ý"})
    assert answer.status_code == 303  # told, on the unit's page
    page = people["reviewer"].get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "Đơn vị đã nộp lại (phiên bản 2) sau khi trang này được mở" in page
    assert state_of(app) == {"status": "submitted", "latest": 2, "valid": 2}  # version 2 waits, undecided

    fresh = shown_submission(people["reviewer"])
    assert fresh != seen
    answer = people["reviewer"].post(f"/review/units/{UNIT}/{action}", data={
        "confirmed": "1", "submission_id": fresh, "comment": "Đồng ý"})
    assert answer.status_code == 303
    assert state_of(app)["status"] == {"approve": "approved", "return": "returned"}[action]


def test_the_bulk_approve_list_leaves_a_unit_that_submitted_another_version_since(app, people, workbooks):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    listed = people["reviewer"].get("/review/approve-clean").get_data(as_text=True)
    assert f'value="{UNIT}@1"' in listed
    returned_and_sent_again(app, people, workbooks)

    answer = people["reviewer"].post("/review/approve-clean", data={"unit": [UNIT], "seen": [f"{UNIT}@1"]},
                                     follow_redirects=True)
    assert "Đã duyệt 0 đơn vị" in answer.get_data(as_text=True)
    assert state_of(app)["status"] == "submitted"
    answer = people["reviewer"].post("/review/approve-clean", data={"unit": [UNIT], "seen": [f"{UNIT}@2"]},
                                     follow_redirects=True)
    assert "Đã duyệt 1 đơn vị" in answer.get_data(as_text=True) and state_of(app)["status"] == "approved"


def test_a_submit_racing_the_cycles_close_is_refused_and_records_nothing(app, demo, people, workbooks, monkeypatch):
    """The staff press “Nộp” as the admin closes the cycle: the close commits after the submit's request found the
    cycle open, before the submission is written."""
    admin = app.test_client()
    user = next(u for u in demo.users if u.role == "admin")
    assert admin.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
        db.session.remove()
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    before = state_of(app)
    real, pending = workflow.ensure_expected, [lambda: admin.post(f"/admin/cycles/{year}/close",
                                                                 data={"confirm_year": str(year)})]

    def closing_meanwhile(cycle, unit):
        if pending:
            with ThreadPoolExecutor(1) as pool:
                assert pool.submit(pending.pop()).result().status_code == 303
        return real(cycle, unit)

    monkeypatch.setattr(workflow, "ensure_expected", closing_meanwhile)
    with app.app_context():
        upload_id = db.session.execute(db.select(UnitCycle.valid_upload_id).join(Unit)
                                       .filter(Unit.code == UNIT)).scalar_one()
        db.session.remove()
    answer = people["staff"].post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id})
    assert not pending  # the close ran inside the submit
    assert answer.status_code == 409 and "Không có đợt kiểm điểm nào đang mở" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Submission.id))) == 0
        db.session.remove()
    assert state_of(app) == before
