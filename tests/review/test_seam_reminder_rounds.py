"""The deadline reminders against each round of a unit's work: a unit reminded, then submitted, then returned (or
reopened after approval) before the same deadline has work to do again, so it is reminded again, once per return,
and told its submission was returned and what to do. A unit whose work waits with Ban Tổ chức (submitted or
approved) is never reminded."""
import unicodedata
from datetime import timedelta
from email.header import decode_header, make_header

from kdweb.extensions import db
from kdweb.models import Notification, Unit
from kdweb.services import notifications
from kdweb.services.cycles import open_cycle
from tests.review.test_conversation import smtp_server  # noqa: F401
from tests.review.test_seam_reminders import OTHER, reminded_units, two_days_before_the_deadline, with_addresses
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review, submit_latest_valid


def remind_on(app, day) -> dict:
    with app.app_context():
        counts = notifications.remind(day)
        db.session.remove()
    return counts


def reminders_of(app, code=UNIT) -> list[tuple[str, str]]:
    """(kind, text) of the unit's deadline reminders, one per reminder (not per staff account), oldest first."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Notification.once_key, Notification.kind, Notification.text)
            .join(Unit, Notification.unit_id == Unit.id)
            .where(Unit.code == code, Notification.kind.in_(notifications.REMINDERS)).order_by(Notification.id)
        ).all()
        db.session.remove()
    return list({key: (kind, text) for key, kind, text in rows}.values())


def submit(app, people, workbook):
    assert send(people["staff"], workbook).status_code == 303
    submit_latest_valid(app, people["staff"])


def test_a_unit_returned_after_its_reminder_is_reminded_again_once_and_told_what_to_do(app, people, workbooks):
    day = two_days_before_the_deadline(app)
    remind_on(app, day)
    assert len(reminders_of(app)) == 1
    submit(app, people, workbooks["valid"])
    assert remind_on(app, day)["deadline_soon"] == 0  # waits with Ban Tổ chức: nothing to do
    review(people, "return", comment="Thiếu chữ ký của bí thư")

    remind_on(app, day)
    remind_on(app, day + timedelta(hours=6))  # the job runs again the same day, or twice at once: no second one
    reminders = reminders_of(app)
    assert len(reminders) == 2
    kind, text = reminders[-1]
    assert kind == "deadline_soon" and text == unicodedata.normalize("NFC", text)
    assert "đã trả lại kết quả" in text and "nộp lại" in text and "Đơn vị chưa nộp." not in text
    assert (day + timedelta(days=2)).strftime("%d/%m/%Y") in text
    assert "Đơn vị chưa nộp." in reminders[0][1]  # the first round's reminder is worded as before


def test_a_unit_returned_twice_is_reminded_once_per_return(app, people, workbooks):
    day = two_days_before_the_deadline(app)
    submit(app, people, workbooks["valid"])
    review(people, "return", comment="Thiếu chữ ký của bí thư")
    remind_on(app, day)
    submit(app, people, workbooks["valid_2"])
    review(people, "return", comment="Sai số đảng viên")
    remind_on(app, day)
    remind_on(app, day)
    assert len(reminders_of(app)) == 2


def test_a_unit_reopened_after_approval_is_reminded_as_a_returned_one(app, people, workbooks):
    day = two_days_before_the_deadline(app)
    remind_on(app, day)
    submit(app, people, workbooks["valid"])
    review(people, "approve")
    assert remind_on(app, day)["deadline_soon"] == 0
    review(people, "reopen", comment="Bổ sung số liệu")
    remind_on(app, day)
    reminders = reminders_of(app)
    assert len(reminders) == 2 and "đã mở lại kết quả" in reminders[-1][1]


def test_an_overdue_unit_returned_is_told_it_is_overdue_and_must_send_again(app, people, workbooks):
    late = two_days_before_the_deadline(app) + timedelta(days=4)
    submit(app, people, workbooks["valid"])
    review(people, "return", comment="Thiếu chữ ký của bí thư")
    remind_on(app, late)
    remind_on(app, late)
    [(kind, text)] = reminders_of(app)
    assert kind == "overdue" and "quá hạn" in text and "đã trả lại kết quả" in text and "nộp lại" in text


def test_a_unit_that_submitted_or_was_approved_is_not_reminded(app, people, workbooks):
    day = two_days_before_the_deadline(app)
    submit(app, people, workbooks["valid"])
    remind_on(app, day)
    assert UNIT not in reminded_units(app) and OTHER in reminded_units(app)
    review(people, "approve")
    remind_on(app, day + timedelta(days=3))  # overdue for the others: the approved unit has nothing to do
    assert UNIT not in reminded_units(app)


def test_the_returned_unit_is_mailed_its_second_reminder(app, people, workbooks, smtp_server):
    controller, received = smtp_server
    addresses = with_addresses(app, UNIT)
    day = two_days_before_the_deadline(app)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        remind_on(app, day)
        submit(app, people, workbooks["valid"])
        review(people, "return", comment="Thiếu chữ ký của bí thư")
        remind_on(app, day)
        remind_on(app, day)
    finally:
        app.config.update(MAIL_SERVER="")
    bodies = [mail.get_payload(decode=True).decode("utf-8") for mail in received
              if addresses[UNIT] in mail["To"] and "Sắp đến hạn" in str(make_header(decode_header(mail["Subject"])))]
    assert len(bodies) == 2 and "đã trả lại kết quả" in bodies[1]


def write_first_round_reminder(app):
    """The unit's reminder as the release before this one wrote it: keyed by its deadline alone."""
    with app.app_context():
        cycle = open_cycle()
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        key = notifications.reminder_key("deadline_soon", cycle, unit)
        for user in notifications.staff_of(unit):
            db.session.add(Notification(user_id=user.id, unit_id=unit.id, cycle_id=cycle.id, kind="deadline_soon",
                                        text="Hạn nộp …", once_key=key))
        db.session.commit()
        db.session.remove()


def test_a_reminder_written_after_the_return_before_rounds_were_in_its_key_is_not_written_again(
        app, people, workbooks):
    """A reminder written after the return by the release before this one (key kind:cycle:unit:deadline) counts for
    the round it was written in; one it wrote before the return does not."""
    day = two_days_before_the_deadline(app)
    submit(app, people, workbooks["valid"])
    review(people, "return", comment="Thiếu chữ ký của bí thư")
    write_first_round_reminder(app)
    remind_on(app, day)
    assert len(reminders_of(app)) == 1


def test_a_reminder_written_before_the_return_by_the_release_before_does_not_count_for_the_next_round(
        app, people, workbooks):
    day = two_days_before_the_deadline(app)
    write_first_round_reminder(app)
    submit(app, people, workbooks["valid"])
    review(people, "return", comment="Thiếu chữ ký của bí thư")
    remind_on(app, day)
    assert len(reminders_of(app)) == 2
