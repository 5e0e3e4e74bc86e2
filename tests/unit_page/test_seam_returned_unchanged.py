"""A return against the unit's next file: Ban Tổ chức returned a submission (or reopened an approval) asking for
changes, and the unit sends back the very same bytes. The return is never silently undone: the status stays
"Trả lại", the unit's page names the version, when and by whom it was returned and why, and what to do; the
unchanged file can still be submitted, but only with an explicit acknowledgement (a normal step is warned about,
not refused: what needs changing may lie outside the file, or in a roster fixed since), which the reviewer then
sees beside the decision; the bulk approval leaves it for a look of its own. Nothing uploaded is lost."""
import json

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, Submission, Upload, User
from tests.review.test_seam_decisions import shown_submission
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review, state_of, submit_latest_valid

REASON = "Sửa lại phần tổ chức đảng"
UNCHANGED = "giống hệt tệp đã bị trả lại"
ACKNOWLEDGE = "acknowledge_unchanged"


def reviewer_name(app) -> str:
    with app.app_context():
        name = db.session.execute(db.select(User.full_name).filter_by(role="reviewer").order_by(User.id)).scalar()
        db.session.remove()
    return name


def uploads_kept(app) -> int:
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(Upload.id)))
        db.session.remove()
    return count


def submission_states(app) -> list[str]:
    with app.app_context():
        states = db.session.execute(db.select(Submission.state).order_by(Submission.id)).scalars().all()
        db.session.remove()
    return states


def returned(app, people, workbooks, how="return"):
    """Version 1 submitted, then sent back: returned, or approved and reopened."""
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    if how == "reopen":
        review(people, "approve")
    review(people, how, comment=REASON)
    assert state_of(app)["status"] == "returned"


def submit(app, client, **form):
    with app.app_context():
        from kdweb.models import Unit, UnitCycle
        upload_id = db.session.execute(db.select(UnitCycle.valid_upload_id).join(Unit)
                                       .filter(Unit.code == UNIT)).scalar_one()
        db.session.remove()
    return client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id,
                                                      "acknowledge_warnings": "1", **form},
                       headers={"HX-Request": "true"})


def told_unchanged(app, page: str, version: int = 1) -> bool:
    return (f"Phiên bản {version} {UNCHANGED}" in page and reviewer_name(app) in page and REASON in page
            and "sửa theo nhận xét" in page)


@pytest.mark.parametrize("how", ["return", "reopen"])
def test_the_same_bytes_sent_back_after_a_return_keep_the_return_and_say_so(app, people, workbooks, how):
    returned(app, people, workbooks, how)
    answer = send(people["staff"], workbooks["valid"], htmx=True)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "giống hệt phiên bản 1" in body
    assert told_unchanged(app, body)
    assert state_of(app) == {"status": "returned", "latest": 1, "valid": 1}  # the return is not undone
    assert uploads_kept(app) == 1  # the bytes are version 1, kept; nothing to lose
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    assert 'data-status="returned"' in page and told_unchanged(app, page)
    assert f'name="{ACKNOWLEDGE}"' in page  # the submit form asks for the acknowledgement


@pytest.mark.parametrize("between", ["nothing", "valid_2", "errors"])
def test_the_unchanged_version_is_submitted_only_with_an_acknowledgement(app, people, workbooks, between):
    """Straight after the return, after a changed file, or after a file with errors (the returned version is then
    still the unit's valid one): the unchanged returned version needs the acknowledgement, each time."""
    returned(app, people, workbooks)
    if between != "nothing":
        assert send(people["staff"], workbooks[between]).status_code == 303
    if between == "valid_2":  # then the returned bytes again: version 1 is the valid one once more
        assert send(people["staff"], workbooks["valid"]).status_code == 303
    refused = submit(app, people["staff"])
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and told_unchanged(app, body), body[:2000]
    assert submission_states(app) == ["returned"] and state_of(app)["status"] in ("returned", "has_errors")

    answer = submit(app, people["staff"], **{ACKNOWLEDGE: "1"})
    assert answer.status_code == 200 and "Đã nộp kết quả" in answer.get_data(as_text=True)
    assert submission_states(app) == ["returned", "submitted"]
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).filter_by(action="submitted")
                                   .order_by(AuditEvent.id.desc())).scalars().first()
        assert json.loads(event.detail)["unchanged_since_return"] == 1
        db.session.remove()
    page = people["reviewer"].get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "nộp lại nguyên tệp" in page and REASON in page  # the reviewer sees it was sent back unchanged


def test_a_changed_file_after_a_return_needs_no_acknowledgement(app, people, workbooks):
    returned(app, people, workbooks)
    assert send(people["staff"], workbooks["valid_2"]).status_code == 303
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2}
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    assert UNCHANGED not in page and f'name="{ACKNOWLEDGE}"' not in page
    answer = submit(app, people["staff"])
    assert answer.status_code == 200 and submission_states(app) == ["returned", "submitted"]


def test_the_bulk_approval_leaves_an_unchanged_resubmission_for_a_look_of_its_own(app, people, workbooks):
    returned(app, people, workbooks)
    assert submit(app, people["staff"], **{ACKNOWLEDGE: "1"}).status_code == 200
    listed = people["reviewer"].get("/review/approve-clean").get_data(as_text=True)
    assert f'value="{UNIT}@1"' not in listed
    answer = people["reviewer"].post("/review/approve-clean", data={"unit": [UNIT], "seen": [f"{UNIT}@1"]},
                                     follow_redirects=True)
    assert "Đã duyệt 0 đơn vị" in answer.get_data(as_text=True) and state_of(app)["status"] == "submitted"
    seen = shown_submission(people["reviewer"])  # the reviewer's own look decides it
    answer = people["reviewer"].post(f"/review/units/{UNIT}/approve", data={"confirmed": "1", "submission_id": seen},
                                     follow_redirects=True)
    assert "flash-success" in answer.get_data(as_text=True) and state_of(app)["status"] == "approved"


def admin_changed_the_roster(app):
    """What an admin's roster change leaves on the unit's row (services/roster.mark_roster_changed)."""
    from kdweb.models import Cycle, Unit
    from kdweb.services.roster import mark_roster_changed

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        unit_id = db.session.execute(db.select(Unit.id).filter_by(code=UNIT)).scalar_one()
        mark_roster_changed(cycle, [unit_id])
        db.session.commit()
        db.session.remove()


def test_the_returned_bytes_checked_again_as_a_new_version_after_a_roster_change_keep_the_return(
        app, people, workbooks):
    """After a roster change the same bytes are a new version, checked against the roster as it stands: still the
    very file that was returned, so still "Trả lại" and still the acknowledgement (perhaps what the reviewer asked
    for was that roster change: then the unit says so by acknowledging)."""
    returned(app, people, workbooks)
    admin_changed_the_roster(app)
    answer = send(people["staff"], workbooks["valid"], htmx=True)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "giống hệt phiên bản" not in body
    assert uploads_kept(app) == 2 and state_of(app) == {"status": "returned", "latest": 2, "valid": 2}
    assert told_unchanged(app, body, version=2)
    assert submit(app, people["staff"]).status_code == 422
    assert submit(app, people["staff"], **{ACKNOWLEDGE: "1"}).status_code == 200
    assert submission_states(app) == ["returned", "submitted"]


def test_a_stale_bulk_list_does_not_approve_the_returned_file_sent_back_unchanged(app, people, workbooks):
    """The list showed version 1 waiting; meanwhile another reviewer returned it and the unit sent version 1 back
    unchanged: the same version number, but not what the list's reviewer looked at."""
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    listed = people["reviewer"].get("/review/approve-clean").get_data(as_text=True)
    assert f'value="{UNIT}@1"' in listed
    review(people, "return", comment=REASON)
    assert submit(app, people["staff"], **{ACKNOWLEDGE: "1"}).status_code == 200
    answer = people["reviewer"].post("/review/approve-clean", data={"unit": [UNIT], "seen": [f"{UNIT}@1"]},
                                     follow_redirects=True)
    assert "Đã duyệt 0 đơn vị" in answer.get_data(as_text=True)
    assert state_of(app)["status"] == "submitted" and submission_states(app) == ["returned", "submitted"]


def test_a_bulk_approval_racing_a_return_and_an_unchanged_resubmission_approves_nothing(app, people, workbooks,
                                                                                         monkeypatch):
    """The bulk approval has read its list (version 1 waiting, clean) when another reviewer returns version 1 and
    the unit sends it back unchanged, before the approval takes the unit's row: the submission it found is no
    longer the one waiting, so nothing is approved."""
    from concurrent.futures import ThreadPoolExecutor

    from kdweb.services import review_page

    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    real, pending = review_page.clean_submissions, [lambda: (
        review(people, "return", comment=REASON), submit(app, people["staff_again"], **{ACKNOWLEDGE: "1"}))]

    def returned_and_sent_back_meanwhile(cycle):
        found = real(cycle)
        if pending:
            with ThreadPoolExecutor(1) as pool:
                pool.submit(pending.pop()).result()
        return found

    monkeypatch.setattr(review_page, "clean_submissions", returned_and_sent_back_meanwhile)
    answer = people["reviewer"].post("/review/approve-clean", data={"unit": [UNIT], "seen": [f"{UNIT}@1"]},
                                     follow_redirects=True)
    assert not pending and "Đã duyệt 0 đơn vị" in answer.get_data(as_text=True)
    assert state_of(app)["status"] == "submitted" and submission_states(app) == ["returned", "submitted"]


@pytest.mark.parametrize("next_file, status", [("errors", "has_errors"), ("valid_2", "valid")])
@pytest.mark.parametrize("how", ["return", "reopen"])
def test_the_reason_for_a_return_stays_in_view_until_the_unit_submits_again(app, people, workbooks, next_file, status,
                                                                            how):
    """The clerk's next step after a return is to fix what was asked: a later file, with errors or valid, does not
    take the reviewer's comment off the status card; submitting again does."""
    returned(app, people, workbooks, how)
    assert send(people["staff"], workbooks[next_file]).status_code == 303
    assert state_of(app)["status"] == status
    page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
    card = page[page.index('class="status-card"'):page.index("</article>", page.index('class="status-card"'))]
    assert REASON in card and ("mở lại" if how == "reopen" else "trả lại") in card
    if status == "valid":
        assert submit(app, people["staff"]).status_code == 200
        page = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True)
        card = page[page.index('class="status-card"'):page.index("</article>", page.index('class="status-card"'))]
        assert REASON not in card
