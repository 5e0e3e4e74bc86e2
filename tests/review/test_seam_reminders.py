"""The deadline reminders against the workflow: a reminder tells a unit it has not submitted, so it must never
reach a unit that has. Not when the unit submits while the reminders are being written (its status is read again
as its reminder is written, the row read FOR SHARE on PostgreSQL, so a submit arriving then waits for it), nor
when a reminder written before the submission is mailed after it (the mail server was down, or the mailing runs
after a decision): such a reminder stays in the unit's in-app list, dated, and is never mailed."""
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

from kdweb.extensions import db
from kdweb.models import Cycle, Notification, Unit, User
from kdweb.services import notifications
from tests.review.test_conversation import smtp_server  # noqa: F401
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, state_of, submit_latest_valid

OTHER = "BD.P02"


def two_days_before_the_deadline(app) -> datetime:
    with app.app_context():
        deadline = db.session.execute(db.select(Cycle.grassroots_deadline)).scalar_one()
        db.session.remove()
    return datetime.combine(deadline - timedelta(days=2), datetime.min.time(), tzinfo=timezone.utc)


def reminded_units(app) -> set[str]:
    with app.app_context():
        codes = set(db.session.execute(db.select(Unit.code).join(Notification, Notification.unit_id == Unit.id)
                                       .where(Notification.kind.in_(("deadline_soon", "overdue")))).scalars())
        db.session.remove()
    return codes


def with_addresses(app, *codes) -> dict[str, str]:
    """An address for the staff of each unit: code → address."""
    addresses = {}
    with app.app_context():
        for code in codes:
            unit_id = db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()
            address = f"van-phong.{code.lower().replace('.', '-')}@phuong.example"
            db.session.execute(db.update(User).filter_by(unit_id=unit_id, role="staff").values(email=address))
            addresses[code] = address
        db.session.commit()
        db.session.remove()
    return addresses


def test_a_unit_submitting_while_the_reminders_are_written_is_not_told_it_has_not(app, people, workbooks,
                                                                                  monkeypatch):
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    real, pending = notifications.deadline_state, [lambda: submit_latest_valid(app, people["staff"])]

    def submitting_meanwhile(*args, **kwargs):  # the unit presses “Nộp” once the reminders' list was read
        if pending:
            with ThreadPoolExecutor(1) as pool:
                pool.submit(pending.pop()).result()
        return real(*args, **kwargs)

    monkeypatch.setattr(notifications, "deadline_state", submitting_meanwhile)
    with app.app_context():
        counts = notifications.remind(two_days_before_the_deadline(app))
        db.session.remove()
    assert not pending and state_of(app)["status"] == "submitted"
    reminded = reminded_units(app)
    assert counts["deadline_soon"] > 0 and OTHER in reminded  # the others are reminded as before
    assert UNIT not in reminded


def test_a_reminder_written_before_the_unit_submitted_is_never_mailed_after(app, people, workbooks, smtp_server):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT, OTHER)
    with app.app_context():  # the mail server is not reachable (not configured): the reminders wait, unmailed
        notifications.remind(two_days_before_the_deadline(app))
        db.session.remove()
    assert {UNIT, OTHER} <= reminded_units(app)
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        with app.app_context():
            mailed = notifications.send_pending_mail()
            db.session.remove()
    finally:
        app.config.update(MAIL_SERVER="")
    recipients = {address.strip() for mail in received for address in mail["To"].split(",")}
    assert mailed >= 1 and addresses[OTHER] in recipients  # the unit that has not submitted is mailed
    assert addresses[UNIT] not in recipients
    page = people["staff"].get("/notifications/").get_data(as_text=True)
    assert "Đơn vị chưa nộp" in page  # kept in the unit's list, with its date


def extend_grassroots_deadline(app, admin_client, days: int):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        day = cycle.grassroots_deadline + timedelta(days=days)
        year, form = cycle.year, {"rule_set_id": cycle.rule_set_id, "review_date": cycle.review_date.strftime("%d/%m/%Y"),
                                  "grassroots_deadline": day.strftime("%d/%m/%Y"),
                                  "district_deadline": max(cycle.district_deadline, day).strftime("%d/%m/%Y")}
        db.session.remove()
    assert admin_client.post(f"/admin/cycles/{year}", data=form).status_code == 303
    return day


def test_after_an_extension_the_old_overdue_reminder_is_not_mailed_and_the_new_deadline_is_reminded(
        app, demo, smtp_server):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT)
    admin = app.test_client()
    user = next(u for u in demo.users if u.role == "admin")
    assert admin.post("/login", data={"login": user.login, "password": user.password}).status_code == 302
    overdue_day = two_days_before_the_deadline(app) + timedelta(days=3)
    with app.app_context():  # the mail server is not reachable: the overdue reminder waits, unmailed
        assert notifications.remind(overdue_day)["overdue"] > 0
        db.session.remove()
    new_deadline = extend_grassroots_deadline(app, admin, 10)

    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        with app.app_context():
            notifications.send_pending_mail()  # the unit is no longer overdue: not told it is
            db.session.remove()
        assert not [mail for mail in received if addresses[UNIT] in mail["To"]]
        with app.app_context():
            soon = datetime.combine(new_deadline - timedelta(days=2), datetime.min.time(), tzinfo=timezone.utc)
            counts = notifications.remind(soon)
            again = notifications.remind(soon)
            db.session.remove()
    finally:
        app.config.update(MAIL_SERVER="")
    assert counts["deadline_soon"] > 0 and again["deadline_soon"] == 0  # the new deadline, reminded once
    mailed = [mail for mail in received if addresses[UNIT] in mail["To"]]
    assert len(mailed) == 1
    body = mailed[0].get_payload(decode=True).decode("utf-8")
    assert new_deadline.strftime("%d/%m/%Y") in body and "quá hạn" not in body


def test_a_reminder_written_before_the_deadline_was_in_its_key_is_not_written_again(app, demo):
    """Reminders written before this release (key kind:cycle:unit) still count as sent: no second one."""
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        for user in notifications.staff_of(unit):
            db.session.add(Notification(user_id=user.id, unit_id=unit.id, cycle_id=cycle.id, kind="deadline_soon",
                                        text="Hạn nộp …", once_key=f"deadline_soon:{cycle.id}:{unit.id}"))
        db.session.commit()
        notifications.remind(two_days_before_the_deadline(app))
        written = db.session.scalar(db.select(db.func.count(Notification.id)).filter_by(unit_id=unit.id))
        others = db.session.scalar(db.select(db.func.count(Notification.id)).where(Notification.unit_id != unit.id))
        db.session.remove()
    assert written == len(demo_staff(app)) and others > 0


def demo_staff(app) -> list:
    with app.app_context():
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        staff = notifications.staff_of(unit)
        db.session.remove()
    return staff
