"""A submit against the cycle's close on PostgreSQL, two real requests in two threads on two connections: the submit
reads the cycle's row FOR SHARE (`workflow.ensure_still_open`), so whichever comes second waits for the first. A
close that comes while the submit holds the row waits, and the submission it then closes on was made in an open
cycle; a submit that comes while the close holds the row waits, then is refused as a closed cycle and records
nothing. Never a submission in a closed cycle, nor one made after the cycle's closed_at: the close stamps it once it
holds the row (tests/review/test_seam_decisions.py: the same race on SQLite).

The order is made, not hoped for: the first request stops right after its statement on the cycle's row, starts the
second, and goes on only once PostgreSQL shows the second waiting for it (pg_blocking_pids)."""
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, text

from kdweb.extensions import db
from kdweb.models import AuditEvent, Cycle, Submission, Unit, UnitCycle, Upload
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, state_of

pytestmark = pytest.mark.postgres  # row locks between two connections
CLOSED = "Không có đợt kiểm điểm nào đang mở"
WAIT_SECONDS = 30  # the bound on the wait for PostgreSQL to show the second request blocked; never reached


@pytest.fixture
def engine(app):
    with app.app_context():
        return db.engine


def blocked_by(engine, pid: int) -> bool:
    """Whether PostgreSQL shows another backend waiting for a lock `pid` holds, asked until it does (bounded). Each
    question in its own transaction: within one, pg_stat_activity would answer from its first snapshot."""
    deadline = time.monotonic() + WAIT_SECONDS
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watcher:
        while time.monotonic() < deadline:
            if watcher.execute(text("SELECT count(*) FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid))"),
                               {"pid": pid}).scalar():
                return True
    return False


def second_while_first_holds(engine, is_the_statement, second):
    """Once the first request has run the statement on the cycle's row (its lock held, its transaction open),
    start `second` in its own thread and go on when it waits for that lock. Returns the pool, [the second's
    future], [whether it was seen waiting, still unanswered] and the call that stops listening."""
    pool, started, seen_waiting = ThreadPoolExecutor(1), [], []

    def after(connection, cursor, statement, *_):
        if not started and is_the_statement(statement):
            started.append(pool.submit(second))
            waiting = blocked_by(engine, cursor.connection.info.backend_pid)
            seen_waiting.append(waiting and not started[0].done())

    event.listen(engine, "after_cursor_execute", after)
    return pool, started, seen_waiting, lambda: event.remove(engine, "after_cursor_execute", after)


def valid_upload(app):
    with app.app_context():
        found = db.session.execute(db.select(UnitCycle.valid_upload_id).join(Unit).filter(Unit.code == UNIT)).scalar_one()
        db.session.remove()
    return found


def outcome(app):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        submissions = db.session.execute(db.select(Submission.submitted_at)).scalars().all()
        events = db.session.execute(db.select(AuditEvent.action).where(
            AuditEvent.action.in_(("submitted", "cycle_closed"))).order_by(AuditEvent.id)).scalars().all()
        db.session.remove()
    return {"open": cycle.is_open, "closed_at": cycle.closed_at, "submitted_at": submissions, "events": events}


def year_of(app):
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
        db.session.remove()
    return year


def test_a_close_arriving_while_the_submit_holds_the_cycle_waits_for_it(app, engine, people, workbooks, admin_client):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    upload_id, year = valid_upload(app), year_of(app)
    pool, started, seen_waiting, stop = second_while_first_holds(
        engine, lambda statement: "FROM cycles" in statement and "FOR SHARE" in statement,
        lambda: admin_client.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)}))
    try:
        submitted = people["staff"].post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id})
        closed = started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
        pool.shutdown()
    assert seen_waiting == [True]  # the close waited for the submit's transaction, then closed on its submission
    assert submitted.status_code == 303 and closed.status_code == 303
    after = outcome(app)
    assert after["open"] is False and sorted(after["events"]) == ["cycle_closed", "submitted"]
    assert len(after["submitted_at"]) == 1 and state_of(app)["status"] == "submitted"
    assert after["closed_at"] >= after["submitted_at"][0]  # stamped once the close held the row, after the submit


def closed_while_sent(engine, admin_client, year, request):
    """The admin closes the year while `request` is sent, which waits for the close's UPDATE of the cycle's row (no
    sleeps: the waiting is seen in pg_blocking_pids); both answers once the request has waited."""
    pool, started, seen_waiting, stop = second_while_first_holds(
        engine, lambda statement: statement.lstrip().startswith("UPDATE cycles"), request)
    try:
        closed = admin_client.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)})
        answered = started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
        pool.shutdown()
    assert seen_waiting == [True]
    return closed, answered


def test_a_submit_arriving_while_the_close_holds_the_cycle_is_refused(app, engine, people, workbooks, admin_client):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    upload_id, year, before = valid_upload(app), year_of(app), state_of(app)
    closed, submitted = closed_while_sent(engine, admin_client, year, lambda: people["staff"].post(
        f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id}))  # the submit waited for the close …
    assert closed.status_code == 303
    assert submitted.status_code == 409 and CLOSED in submitted.get_data(as_text=True)  # … then saw it closed
    after = outcome(app)
    assert after["open"] is False and after["submitted_at"] == [] and after["events"] == ["cycle_closed"]
    assert state_of(app) == before


def test_the_same_file_sent_again_while_the_close_holds_the_cycle_is_refused_and_moves_nothing(
        app, engine, people, workbooks, admin_client):
    """The unit sends again the bytes of an earlier valid version (which makes that version current again, with no
    check) as the admin closes the cycle: it waits for the close, then is refused as a closed cycle; the closed
    cycle keeps the unit's state as the close found it, and no upload is stored."""
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    assert send(people["staff"], workbooks["errors"]).status_code == 303
    year, before = year_of(app), state_of(app)
    assert before["status"] == "has_errors"
    closed, sent_again = closed_while_sent(engine, admin_client, year,
                                           lambda: send(people["staff"], workbooks["valid"]))  # it waited …
    assert closed.status_code == 303
    assert sent_again.status_code == 409 and CLOSED in sent_again.get_data(as_text=True)  # … then saw it closed
    assert state_of(app) == before
    with app.app_context():
        events = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.action.like("upload%"))
                                    .order_by(AuditEvent.id)).scalars().all()
        uploads = db.session.scalar(db.select(db.func.count(Upload.id)))
        db.session.remove()
    assert "upload_identical" not in events and uploads == 2


def test_a_second_close_arriving_while_the_first_holds_the_cycle_changes_nothing(app, engine, demo, admin_client):
    """Two admins close the year at once: the second waits, then finds it closed: one stamp, one audit event."""
    year, other = year_of(app), app.test_client()
    user = next(u for u in demo.users if u.role == "admin")
    assert other.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    pool, started, seen_waiting, stop = second_while_first_holds(
        engine, lambda statement: statement.lstrip().startswith("UPDATE cycles"),
        lambda: other.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)}))
    try:
        first = admin_client.post(f"/admin/cycles/{year}/close", data={"confirm_year": str(year)})
        stamped = outcome(app)["closed_at"]
        second = started[0].result(timeout=WAIT_SECONDS)
    finally:
        stop()
        pool.shutdown()
    assert seen_waiting == [True] and first.status_code == second.status_code == 303
    after = outcome(app)
    assert after["open"] is False and after["events"] == ["cycle_closed"] and after["closed_at"] == stamped
