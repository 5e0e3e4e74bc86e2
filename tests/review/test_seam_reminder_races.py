"""Two reminder runs at once on PostgreSQL (the daily job and `flask remind`, or a retried job): each reminder is
written once and mailed once. The second run writing the reminder the first has just written waits for it on the
key's unique index and leaves it to the first; two mailings at once never deliver the same notification twice (each
event's notifications are claimed, skipping any another mailing holds)."""
from concurrent.futures import ThreadPoolExecutor
from email.header import decode_header, make_header

import pytest
from sqlalchemy import event

from kdweb.extensions import db
from kdweb.models import Notification
from kdweb.services import notifications
from tests.review.test_conversation import smtp_server  # noqa: F401
from tests.review.test_seam_close_race import WAIT_SECONDS, engine  # noqa: F401
from tests.review.test_seam_pg_races import unit_id, while_the_row_is_held
from tests.review.test_seam_reminder_rounds import remind_on, submit
from tests.review.test_seam_reminders import OTHER, two_days_before_the_deadline, with_addresses
from tests.security.test_state_moves_forward import people, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review

pytestmark = pytest.mark.postgres  # row locks and a unique index between two connections


def on_reminder_insert(unit: int):
    def is_the_statement(statement, parameters):
        return ("INSERT INTO notifications" in statement and isinstance(parameters, dict)
                and any(key.startswith("unit_id") and value == unit for key, value in parameters.items()))
    return is_the_statement


def reminders_mailed(received, address) -> int:
    return sum(1 for mail in received if address in mail["To"]
               and str(make_header(decode_header(mail["Subject"]))).endswith(("Sắp đến hạn", "Quá hạn")))


def reminders_written_since(app, before: int | None) -> int:
    """The reminders written, all units, since there were `before` of them (None: how many there are)."""
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count(Notification.id))
                                  .where(Notification.kind.in_(notifications.REMINDERS)))
        db.session.remove()
    return count if before is None else count - before


def written_for(app, code=UNIT) -> list[str]:
    with app.app_context():
        keys = db.session.execute(db.select(Notification.once_key).where(
            Notification.unit_id == unit_id(app, code), Notification.kind.in_(notifications.REMINDERS))).scalars()
        found = sorted(keys)
        db.session.remove()
    return found


@pytest.mark.parametrize("returned", [False, True], ids=["first round", "after a return"])
def test_two_reminder_runs_at_once_write_and_mail_each_reminder_once(app, engine, people, workbooks, smtp_server,
                                                                     returned):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT, OTHER)
    day = two_days_before_the_deadline(app)
    if returned:
        remind_on(app, day)  # the first round's reminder, unmailed (no mail server yet)
        submit(app, people, workbooks["valid"])
        review(people, "return", comment="Thiếu chữ ký của bí thư")
    before = reminders_written_since(app, None)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    started, seen_waiting, stop = while_the_row_is_held(engine, on_reminder_insert(unit_id(app)),
                                                        lambda: remind_on(app, day))
    try:
        first = remind_on(app, day)
        second = started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
        app.config.update(MAIL_SERVER="")
    assert seen_waiting == [True]  # the second run waited for the first's reminder of the unit
    # each reminder written by one run or the other, never by both: what they say they wrote is what there is
    assert first["deadline_soon"] + second["deadline_soon"] == reminders_written_since(app, before)
    assert len(set(written_for(app))) == (2 if returned else 1)
    assert reminders_mailed(received, addresses[UNIT]) == 1
    assert reminders_mailed(received, addresses[OTHER]) == 1


@pytest.mark.parametrize("held_at", ["the pending list", "the first claim"])
def test_two_mailings_at_once_deliver_each_reminder_once(app, engine, demo, smtp_server, held_at):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT, OTHER)
    remind_on(app, two_days_before_the_deadline(app))  # written, unmailed (no mail server yet)
    is_the_statement = {
        "the pending list": lambda statement: "FROM notifications" in statement and "FOR UPDATE" not in statement
        and "emailed_at IS NULL" in statement,
        "the first claim": lambda statement: "FROM notifications" in statement and "SKIP LOCKED" in statement,
    }[held_at]
    held, seconds = [], []

    def mail_meanwhile(connection, cursor, statement, *_):  # another mailing runs to its end meanwhile
        if not held and is_the_statement(statement):
            held.append(statement)  # the other mailing's own statements pass through here too
            with ThreadPoolExecutor(1) as pool:
                seconds.append(pool.submit(mail_from_another_connection, app).result(timeout=WAIT_SECONDS))

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    event.listen(engine, "after_cursor_execute", mail_meanwhile)
    try:
        with app.app_context():
            first = notifications.send_pending_mail()
            db.session.remove()
    finally:
        event.remove(engine, "after_cursor_execute", mail_meanwhile)
        app.config.update(MAIL_SERVER="")
    assert seconds and first + seconds[0] >= 2
    assert reminders_mailed(received, addresses[UNIT]) == 1
    assert reminders_mailed(received, addresses[OTHER]) == 1


def mail_from_another_connection(app) -> int:
    with app.app_context():
        sent = notifications.send_pending_mail()
        db.session.remove()
    return sent
