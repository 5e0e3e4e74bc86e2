"""Decisions against the unit's next step on PostgreSQL, two real requests on two connections, the order made, not
hoped for (the first stops right after its statement on the unit's row and goes on once PostgreSQL shows the second
waiting for it: tests/review/test_seam_close_race.py). A reminder being written holds the unit's row FOR SHARE, so a
submit waits and the reminder, older than the submission, is never mailed; the unit sending back the very file
being returned waits for the return, then keeps it; a new file sent as an approval is reopened waits, then counts."""
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event

from kdweb.extensions import db
from kdweb.models import Notification, Submission, Unit
from kdweb.services import notifications
from tests.review.test_conversation import smtp_server  # noqa: F401
from tests.review.test_seam_close_race import WAIT_SECONDS, blocked_by, engine  # noqa: F401
from tests.review.test_seam_reminders import OTHER, two_days_before_the_deadline, with_addresses
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review, state_of, submit_latest_valid

pytestmark = pytest.mark.postgres  # row locks between two connections


def unit_id(app, code=UNIT) -> int:
    with app.app_context():
        found = db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()
        db.session.remove()
    return found


def while_the_row_is_held(engine, is_the_statement, second):
    """Once this thread has run the statement on the unit's row (its lock held), start `second` in its own thread
    and go on when PostgreSQL shows it waiting. Returns [its future], [seen waiting] and the call that stops."""
    pool, started, seen_waiting = ThreadPoolExecutor(1), [], []

    def after(connection, cursor, statement, parameters, *_):
        if not started and is_the_statement(statement, parameters):
            started.append(pool.submit(second))
            waiting = blocked_by(engine, cursor.connection.info.backend_pid)
            seen_waiting.append(waiting and not started[0].done())

    event.listen(engine, "after_cursor_execute", after)

    def stop():
        event.remove(engine, "after_cursor_execute", after)
        pool.shutdown()
    return started, seen_waiting, stop


def on_units_row(kind: str, unit: int):
    def is_the_statement(statement, parameters):
        return ("FROM unit_cycles" in statement and kind in statement and isinstance(parameters, dict)
                and any(key.startswith("unit_id") and value == unit for key, value in parameters.items()))
    return is_the_statement


def test_a_submit_arriving_while_its_reminder_is_written_waits_and_the_reminder_is_never_mailed(
        app, engine, people, workbooks, smtp_server):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT, OTHER)
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    started, seen_waiting, stop = while_the_row_is_held(engine, on_units_row("FOR SHARE", unit_id(app)),
                                                        lambda: submit_latest_valid(app, people["staff"]))
    try:
        with app.app_context():
            notifications.remind(two_days_before_the_deadline(app))
            db.session.remove()
        started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
    assert seen_waiting == [True] and state_of(app)["status"] == "submitted"
    with app.app_context():
        written = db.session.execute(db.select(Notification.created_at).filter_by(unit_id=unit_id(app))).scalars()
        submitted_at = db.session.execute(db.select(Submission.submitted_at)).scalar_one()
        assert all(at <= submitted_at for at in written)  # true when written: the unit had not submitted yet
        db.session.remove()

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        with app.app_context():
            notifications.send_pending_mail()
            db.session.remove()
    finally:
        app.config.update(MAIL_SERVER="")
    recipients = {address.strip() for mail in received for address in mail["To"].split(",")}
    assert addresses[OTHER] in recipients and addresses[UNIT] not in recipients


def test_the_very_file_sent_while_it_is_being_returned_waits_and_keeps_the_return(app, engine, people, workbooks):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    answers = []
    started, seen_waiting, stop = while_the_row_is_held(
        engine, on_units_row("FOR UPDATE", unit_id(app)),
        lambda: answers.append(send(people["staff"], workbooks["valid"], htmx=True)))
    try:
        review(people, "return", comment="Sửa lại phần tổ chức đảng")
        started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
    assert seen_waiting == [True]
    body = answers[0].get_data(as_text=True)
    assert answers[0].status_code == 200 and "giống hệt tệp đã bị trả lại" in body
    assert state_of(app) == {"status": "returned", "latest": 1, "valid": 1}


def test_a_new_file_sent_while_the_approval_is_reopened_waits_and_counts(app, engine, people, workbooks):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    review(people, "approve")
    answers = []
    started, seen_waiting, stop = while_the_row_is_held(
        engine, on_units_row("FOR UPDATE", unit_id(app)),
        lambda: answers.append(send(people["staff"], workbooks["valid_2"])))
    try:
        review(people, "reopen", comment="Bổ sung số liệu")
        started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
    assert seen_waiting == [True] and answers[0].status_code == 303
    assert state_of(app) == {"status": "valid", "latest": 2, "valid": 2}
