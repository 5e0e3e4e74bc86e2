"""The conversation between a unit and Ban Tổ chức in a cycle: every submission and every decision with its
comment, oldest first; it does not vanish when the unit uploads again. And the returned unit's own file with the
comments carried back into it as Excel notes."""
import logging
from dataclasses import dataclass
from datetime import datetime

from kdweb import excel
from kdweb.extensions import db
from kdweb.deadlines import VIETNAM
from kdweb.models import Submission
from kdweb.services import untrusted
from kdweb.services.superior import current_superior
from kdweb.services.uploads import Unreadable

log = logging.getLogger(__name__)

ACTION_TEXTS = {"submit": "Nộp phiên bản", "approve": "Duyệt", "return": "Trả lại", "reopen": "Mở lại"}


@dataclass
class Entry:
    at: datetime
    action: str  # submit, approve, return, reopen
    who: str
    version: int
    comment: str | None = None

    @property
    def action_text(self) -> str:
        return ACTION_TEXTS[self.action]

    @property
    def by_reviewer(self) -> bool:
        return self.action != "submit"


def submissions_of(cycle, unit) -> list[Submission]:
    return db.session.execute(
        db.select(Submission).filter_by(cycle_id=cycle.id, unit_id=unit.id).order_by(Submission.submitted_at)
    ).scalars().all()


def thread(cycle, unit) -> list[Entry]:
    if cycle is None:
        return []
    entries = []
    for submission in submissions_of(cycle, unit):
        version = submission.upload.version
        entries.append(Entry(submission.submitted_at, "submit", submission.submitted_by.full_name, version))
        entries.extend(Entry(review.created_at, review.action, review.reviewer.full_name, version, review.comment)
                       for review in submission.reviews)
    entries.sort(key=lambda entry: entry.at)
    return entries


def returned_submission(cycle, unit) -> Submission | None:
    """The unit's last submission if Ban Tổ chức sent it back (returned, or reopened after approval)."""
    submissions = submissions_of(cycle, unit) if cycle else []
    last = submissions[-1] if submissions else None
    return last if last is not None and last.state == "returned" else None


def commented_copy(cycle, unit) -> tuple[bytes, str] | None:
    """The file the unit last submitted, with every reviewer comment of the cycle as Excel notes."""
    submission = returned_submission(cycle, unit)
    if submission is None:
        return None
    notes = [excel.ReviewNote(entry.who, entry.at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M"), entry.comment)
             for entry in thread(cycle, unit) if entry.by_reviewer and entry.comment]
    upload = submission.upload
    stem = upload.filename.rsplit(".", 1)[0]
    staff_body = current_superior().staff_body
    return with_notes(upload, notes, staff_body), f"{stem} - nhận xét của {staff_body}.xlsx"


def with_notes(upload, notes, staff_body: str) -> bytes:
    """The stored file with the notes, written in the sandbox as the annotated copy is; uploads.Unreadable when the
    file fails a guard, a sandbox limit, or cannot be opened to be written."""
    try:
        return untrusted.run(excel.add_review_notes, upload.content, notes, staff_body)
    except excel.Refusal as refusal:
        raise Unreadable(refusal.problem.message) from None
    except untrusted.SandboxRefused as refused:
        log.warning("returned copy of upload %s stopped by the sandbox: %s", upload.id, refused)
        raise Unreadable(refused.message) from None
