"""Tell a unit's staff what happened to their workbook: an in-app list per user, and e-mail when configured.

A notification row is written inside the use case's transaction; mail goes out after the commit
(`send_pending_mail`), so a rolled-back decision never mails anyone. Both `send_pending_mail` and `remind`
are plain functions of the database, so a job queue can run them as they are.
"""
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlalchemy.exc import IntegrityError

from kdweb.deadlines import deadline_state
from kdweb.extensions import db
from kdweb.models import Notification, Review, Submission, Unit, UnitCycle, User
from kdweb.models.base import utcnow
from kdweb.status import WorkbookStatus

log = logging.getLogger(__name__)

KINDS = {"returned": WorkbookStatus.RETURNED.text, "approved": WorkbookStatus.APPROVED.text,
         "reopened": "Được mở lại", "deadline_soon": "Sắp đến hạn", "overdue": "Quá hạn"}
SOON_DAYS = 3
DONE = (WorkbookStatus.SUBMITTED.code, WorkbookStatus.APPROVED.code)
REMINDERS = ("deadline_soon", "overdue")


def staff_of(unit) -> list[User]:
    return db.session.execute(
        db.select(User).filter_by(unit_id=unit.id, role="staff", active=True).order_by(User.id)
    ).scalars().all()


def notify(unit, cycle, kind: str, text: str, once_key: str | None = None,
           written_as: tuple[str, ...] = (), written_since: datetime | None = None) -> list[Notification]:
    """One notification per active staff account of the unit; with once_key, never twice per account (nor when
    one was written under an older form of the key, `written_as`, at or after `written_since` when given)."""
    notes = []
    older = Notification.once_key.in_(written_as)
    if written_since is not None:
        older &= Notification.created_at >= written_since
    for user in staff_of(unit):
        if once_key and db.session.execute(db.select(Notification.id).where(
                Notification.user_id == user.id, (Notification.once_key == once_key) | older)).first():
            continue
        note = Notification(user_id=user.id, unit_id=unit.id, cycle_id=cycle.id if cycle else None, kind=kind,
                            text=text, once_key=once_key, created_at=utcnow())
        db.session.add(note)
        notes.append(note)
    db.session.flush()
    return notes


def decision_text(unit, action: str, comment: str | None, reviewer) -> tuple[str, str]:
    from kdweb.services.superior import current_superior

    kind = {"approve": "approved", "return": "returned", "reopen": "reopened"}[action]
    staff_body = current_superior().staff_body
    text = {
        "approved": f"{staff_body} đã duyệt kết quả kiểm điểm, đánh giá, xếp loại của {unit.name}.",
        "returned": f"{staff_body} đã trả lại kết quả của {unit.name} để sửa.",
        "reopened": f"{staff_body} đã mở lại kết quả của {unit.name} để sửa.",
    }[kind]
    if comment:
        text += f" Nhận xét của {reviewer.full_name}: {comment}"
    return kind, text


def remind(now: datetime | None = None) -> dict:
    """Deadline reminders for every reporting unit of the open cycle that has not submitted:
    "deadline in 3 days or less" once, and "overdue" once, per deadline and round of work (a unit returned, or
    reopened, since its reminder has work to do again, and is reminded again). Two runs at once write each reminder
    once: the key is unique, and the run that finds it taken leaves it. Returns how many notifications were written."""
    from kdweb.services.cycles import open_cycle

    now = now or utcnow()
    cycle = open_cycle()
    counts = {"deadline_soon": 0, "overdue": 0}
    if cycle is None:
        return counts
    rows = db.session.execute(
        db.select(Unit, UnitCycle.status).outerjoin(
            UnitCycle, (UnitCycle.unit_id == Unit.id) & (UnitCycle.cycle_id == cycle.id))
        .where(Unit.reports.is_(True), Unit.active.is_(True), Unit.valid_on_clause(cycle.review_date))
        .order_by(Unit.id)
    ).all()
    for unit, status in rows:
        if status in DONE:
            continue
        state = deadline_state(cycle.deadline_for(unit), now)
        if state.days_left < 0:
            kind = "overdue"
        elif state.days_left <= SOON_DAYS:
            kind = "deadline_soon"
        else:
            continue
        if not still_waiting(cycle, unit):
            db.session.rollback()
            continue
        sent_back = last_sent_back(cycle, unit)  # read under the row's lock: the round the unit works in now
        try:
            written = notify(unit, cycle, kind, reminder_text(kind, unit, state, sent_back),
                             once_key=reminder_key(kind, cycle, unit, sent_back),
                             written_as=older_reminder_keys(kind, cycle, unit, sent_back),
                             written_since=sent_back.created_at if sent_back else None)
            db.session.commit()  # one unit at a time: its row is held only while its reminder is written
        except IntegrityError:  # another run wrote this very reminder meanwhile (the key is unique): it stands
            db.session.rollback()
            continue
        counts[kind] += len(written)
    db.session.commit()
    counts["mailed"] = send_pending_mail()
    return counts


def reminder_text(kind: str, unit, state, sent_back: Review | None) -> str:
    """What the reminder says; to a unit whose submission Ban Tổ chức sent back, that it was, and what to do."""
    deadline = state.deadline.strftime("%d/%m/%Y")
    if sent_back is None:
        if kind == "overdue":
            return (f"{unit.name} đã quá hạn nộp kết quả ({deadline}) {-state.days_left} ngày. "
                    "Hãy tải lên và nộp sớm nhất có thể.")
        return f"Hạn nộp kết quả của {unit.name} là {deadline} ({state.text.lower()}). Đơn vị chưa nộp."
    from kdweb.services.superior import current_superior
    from kdweb.services.workflow import sent_back_words

    verb, when = sent_back_words(sent_back)
    returned = f"{current_superior().staff_body} đã {verb} kết quả của {unit.name} lúc {when} để sửa"
    if sent_back.comment:
        returned += f" (nhận xét: “{sent_back.comment}”)"
    if kind == "overdue":
        return (f"{unit.name} đã quá hạn nộp kết quả ({deadline}) {-state.days_left} ngày. {returned}; đơn vị chưa "
                "nộp lại. Hãy sửa theo nhận xét, tải lên và nộp lại sớm nhất có thể.")
    return (f"{returned}; đơn vị chưa nộp lại. Hạn nộp là {deadline} ({state.text.lower()}): hãy sửa theo nhận "
            "xét, tải lên và nộp lại trước hạn.")


def last_sent_back(cycle, unit) -> Review | None:
    """The unit's latest return (or reopening) this cycle: each one starts a new round of work."""
    return db.session.execute(
        db.select(Review).join(Submission, Review.submission_id == Submission.id)
        .where(Submission.cycle_id == cycle.id, Submission.unit_id == unit.id, Review.action.in_(("return", "reopen")))
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(1)
    ).scalar_one_or_none()


def reminder_key(kind: str, cycle, unit, sent_back: Review | None = None) -> str:
    """Each reminder once per unit, deadline and round of work: a deadline moved since (an extension) is reminded
    again, and so is a unit sent back since (its round is named by the return, or the reopening, `sent_back`)."""
    key = f"{kind}:{cycle.id}:{unit.id}:{cycle.deadline_for(unit).isoformat()}"
    return f"{key}:{sent_back.id}" if sent_back else key


def older_reminder_keys(kind: str, cycle, unit, sent_back: Review | None) -> tuple[str, ...]:
    """The keys a reminder of this round was written under before: kind:cycle:unit, for whatever deadline, before
    the deadline was part of the key; and, in a round after a return, the deadline's key, before the round was part
    of it (`notify` counts these only when written after the return)."""
    legacy = f"{kind}:{cycle.id}:{unit.id}"
    return (legacy, reminder_key(kind, cycle, unit)) if sent_back else (legacy,)


def for_another_deadline(note: Notification) -> bool:
    """A deadline reminder written for a deadline that has moved since: no longer true (an overdue unit given
    more time), so never mailed; it stays in the in-app list, dated."""
    from kdweb.models import Cycle

    parts = (note.once_key or "").split(":")  # kind:cycle:unit:deadline, then the return since, if any
    if note.kind not in REMINDERS or len(parts) < 4:
        return False
    cycle, unit = db.session.get(Cycle, note.cycle_id), db.session.get(Unit, note.unit_id)
    return cycle is not None and unit is not None and parts[3] != cycle.deadline_for(unit).isoformat()


def still_waiting(cycle, unit) -> bool:
    """The unit has still not submitted, read again as its reminder is written (the list was read before): the
    row is read FOR SHARE (PostgreSQL), so a submit arriving now waits for the reminder, and the reminder, written
    before that submission, is then never mailed (`send_pending_mail`)."""
    status = db.session.execute(
        db.select(UnitCycle.status).filter_by(cycle_id=cycle.id, unit_id=unit.id).with_for_update(read=True)
    ).scalar_one_or_none()
    return status not in DONE


def outdated_reminder():
    """A deadline reminder written before a submission of its unit since: true when written, no longer when mailed."""
    submitted_since = db.select(Submission.id).where(
        Submission.unit_id == Notification.unit_id, Submission.cycle_id == Notification.cycle_id,
        Submission.submitted_at >= Notification.created_at).exists()
    return Notification.kind.in_(REMINDERS) & submitted_since


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_pending_mail() -> int:
    """Mail every notification not yet mailed to users with an address: one message per event, addressed to
    all the unit's staff it concerns; never a deadline reminder no longer true, its unit having submitted or its
    deadline moved since (it stays in the in-app list, unmailed). Each event is claimed before it is delivered and
    marked in a transaction of its own, so two mailings at once never deliver it twice. Off (returns 0) unless
    MAIL_SERVER is configured."""
    if not mail_configured():
        return 0
    pending = db.session.execute(
        db.select(Notification, User.email).join(User, Notification.user_id == User.id)
        .where(Notification.emailed_at.is_(None), User.email.is_not(None), User.email != "", ~outdated_reminder())
        .order_by(Notification.id)
    ).all()
    events: dict[tuple, dict[int, str]] = {}
    for note, email in pending:
        if for_another_deadline(note):
            continue
        events.setdefault((note.unit_id, note.kind, note.text), {})[note.id] = email
    db.session.commit()
    sent = 0
    for (_unit_id, kind, text), emails in events.items():
        claimed = claim(list(emails))
        if not claimed:
            db.session.rollback()
            continue
        message = mail_message(kind, text, sorted({emails[note_id] for note_id in claimed}))
        try:
            deliver(message)
        except (OSError, smtplib.SMTPException):
            db.session.rollback()
            log.exception("mailing a %s notification failed; it stays pending", kind)
            continue
        db.session.execute(db.update(Notification).where(Notification.id.in_(claimed)).values(emailed_at=utcnow()))
        db.session.commit()
        sent += 1
    return sent


def claim(note_ids: list[int]) -> list[int]:
    """Those of the notifications still not mailed, and still true, locked until this transaction ends; any that
    another mailing holds now is skipped (PostgreSQL): that one delivers it."""
    return db.session.execute(
        db.select(Notification.id).where(Notification.id.in_(note_ids), Notification.emailed_at.is_(None),
                                         ~outdated_reminder())
        .order_by(Notification.id).with_for_update(skip_locked=True, of=Notification)
    ).scalars().all()


def mail_message(kind: str, text: str, recipients: list[str]) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = f"[Kiểm điểm, đánh giá, xếp loại] {KINDS.get(kind, kind)}"
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or formataddr((config["DISTRICT_NAME"], "kdweb@localhost"))
    message["To"] = ", ".join(recipients)
    message.set_content(text + "\n\nXem chi tiết trên trang kiểm điểm, đánh giá, xếp loại của đơn vị.\n")
    return message


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT") or 25), timeout=20) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)


def for_user(user, limit: int = 50) -> list[Notification]:
    return db.session.execute(
        db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id.desc()).limit(limit)
    ).scalars().all()


def unread_count(user) -> int:
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).filter_by(user_id=user.id, read_at=None)) or 0


def mark_read(user) -> None:
    db.session.execute(db.update(Notification).filter_by(user_id=user.id, read_at=None).values(read_at=utcnow()))
    db.session.commit()
