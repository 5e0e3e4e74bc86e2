"""Submit, approve, return, reopen: the state changes of a unit's workbook, each locked, checked and audited."""
from sqlalchemy import update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.exc import StaleDataError

from kdweb.deadlines import VIETNAM, is_late
from kdweb.extensions import db
from kdweb.models import Cycle, Review, Submission, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.services import audit, notifications
from kdweb.services.transaction import use_case
from kdweb.status import ALLOWED_FROM, WorkbookStatus, can

ACCEPTING_UPLOADS = sorted(status.code for status in ALLOWED_FROM["upload"])


class WorkflowRefused(Exception):
    """A state change that is not allowed now; the message is shown to the user as it is."""

    def __init__(self, message: str, http_status: int = 409):
        super().__init__(message)
        self.message = message
        self.http_status = http_status


NO_OPEN_CYCLE = ("Không có đợt kiểm điểm nào đang mở (đợt đã đóng hoặc chưa mở đợt mới), nên không tải mẫu, không tải "
                 "lên và không nộp được; tệp gửi lúc này không được lưu. Các đợt đã qua vẫn xem được trên trang đơn vị.")

REFUSALS = {
    "upload": {
        WorkbookStatus.SUBMITTED: "Đơn vị đã nộp kết quả và đang chờ duyệt: không thể tải lên tệp mới. "
                                  "Nếu cần sửa, hãy đề nghị {staff_body} trả lại.",
        WorkbookStatus.APPROVED: "Kết quả của đơn vị đã được duyệt và khóa. Chỉ {staff_body} có thể mở lại.",
    },
    "submit": {
        WorkbookStatus.NOT_DOWNLOADED: "Chưa có tệp hợp lệ để nộp.",
        WorkbookStatus.DOWNLOADED: "Chưa có tệp hợp lệ để nộp: hãy tải lên tệp đã điền.",
        WorkbookStatus.SUBMITTED: "Đơn vị đã nộp kết quả, đang chờ duyệt.",
        WorkbookStatus.APPROVED: "Kết quả của đơn vị đã được duyệt.",
    },
}


def no_longer_expected(cycle, unit) -> str | None:
    """Why the cycle no longer takes this unit's workbook (merged or dissolved before its review date)."""
    if unit.valid_on(cycle.review_date):
        return None
    return (f"{unit.name} không còn phải nộp kết quả đợt năm {cycle.year}: đơn vị không có hiệu lực vào thời điểm "
            f"đánh giá ({cycle.review_date.strftime('%d/%m/%Y')}). Các tệp đã tải lên trước đó vẫn được lưu.")


def ensure_expected(cycle, unit) -> None:
    message = no_longer_expected(cycle, unit)
    if message:
        raise WorkflowRefused(message)


def ensure_still_open(cycle) -> None:
    """The cycle the request found open is open still, read under the unit's lock: a submission or a decision
    racing the close is refused as a closed cycle. The cycle's row is read FOR SHARE (PostgreSQL), so a close
    waits for this transaction and counts what it did."""
    is_open = db.session.execute(db.select(Cycle.is_open).where(Cycle.id == cycle.id).with_for_update(read=True))
    if not is_open.scalar():
        raise WorkflowRefused(NO_OPEN_CYCLE)


def lock(cycle, unit) -> UnitCycle:
    """The unit's row for the cycle, locked for this transaction (PostgreSQL); created if missing."""
    query = db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id).with_for_update()
    state = db.session.execute(query).scalar_one_or_none()
    if state is None:
        state = UnitCycle(cycle_id=cycle.id, unit_id=unit.id, status=WorkbookStatus.NOT_DOWNLOADED.code)
        db.session.add(state)
        db.session.flush()
    return state


def current_status(state: UnitCycle) -> WorkbookStatus:
    return WorkbookStatus(state.status)


def ensure_allowed(action: str, state: UnitCycle, default_message: str) -> None:
    status = current_status(state)
    if not can(action, status):
        raise WorkflowRefused(refusal_text(action, status, default_message))


def refusal_text(action: str, status: WorkbookStatus, default: str | None = None) -> str | None:
    """Why `action` is refused in `status`, naming the superior's staff body (a setting, kdweb/superior.py)."""
    from kdweb.services.superior import current_superior

    text = REFUSALS.get(action, {}).get(status, default)
    return text.format(staff_body=current_superior().staff_body) if text else text


def advance(cycle, unit, upload: Upload) -> bool:
    """Point the unit's state at a freshly checked upload, only forward: a conditional UPDATE on the state's
    revision and status (after the row lock on PostgreSQL) and on the cycle still open, so a check that ends
    late never undoes a later decision, closing the cycle included. Returns whether the state moved."""
    for _attempt in range(3):
        state = lock(cycle, unit)
        moves = forward_moves(state, upload)
        if not moves:
            return False
        done = db.session.execute(
            update(UnitCycle)
            .where(UnitCycle.id == state.id, UnitCycle.revision == state.revision,
                   UnitCycle.status.in_(ACCEPTING_UPLOADS),
                   UnitCycle.cycle_id.in_(db.select(Cycle.id).where(Cycle.is_open.is_(True))))
            .values(**moves, last_activity_at=utcnow(), revision=UnitCycle.revision + 1)
            .execution_options(synchronize_session=False))
        db.session.expire(state)
        if done.rowcount == 1:
            return True
        if not db.session.scalar(db.select(Cycle.is_open).where(Cycle.id == cycle.id)):
            return False  # closed while the file was read: the closed cycle keeps the unit's state as it was
    raise WorkflowRefused("Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại trang.")


def forward_moves(state: UnitCycle, upload: Upload) -> dict:
    """What a checked upload changes in the state: nothing once submitted, approved or returned after it was
    received; the latest pointer and status only for a version newer than the latest; the valid pointer only
    for a valid version newer than the valid one."""
    if not can("upload", current_status(state)) or upload.outcome not in ("rejected", "errors", "valid"):
        return {}
    if state.submission is not None and upload.created_at <= state.submission.submitted_at:
        return {}  # received before the last submission: a decision was taken since
    moves = {}
    latest = state.latest_upload
    if latest is None or upload.version >= latest.version:
        moves.update(latest_upload_id=upload.id, status=status_after(state, upload).code)
    valid = state.valid_upload
    if upload.outcome == "valid" and (valid is None or upload.version > valid.version):
        moves["valid_upload_id"] = upload.id
    return moves


def status_after(state: UnitCycle, upload: Upload) -> WorkbookStatus:
    """A refused (unreadable) file never hides a valid version not yet submitted: the unit stays "Hợp lệ, chưa
    nộp" and may still submit it; a file that was read and has errors is the unit's current work. A valid file
    with the very bytes Ban Tổ chức sent back leaves the unit "Trả lại": the return is never undone unchanged."""
    if upload.outcome == "valid":
        if state.submission_id is not None and return_of_same_bytes(upload) is not None:
            return WorkbookStatus.RETURNED
        return WorkbookStatus.VALID
    if upload.outcome == "rejected" and state.valid_upload_id is not None \
            and state.status == WorkbookStatus.VALID.code:
        return WorkbookStatus.VALID
    return WorkbookStatus.HAS_ERRORS


def record_download(cycle, unit, user, template) -> None:
    state = lock(cycle, unit)
    now = utcnow()
    if state.status == WorkbookStatus.NOT_DOWNLOADED.code:
        state.status = WorkbookStatus.DOWNLOADED.code
    state.first_downloaded_at = state.first_downloaded_at or now
    state.last_activity_at = now
    audit.record("template_downloaded", user=user, unit=unit, target=template, version=template.version)


def sent_back_with_bytes_of(upload):
    """The returns (and reopenings) by Ban Tổ chức of a submission of the unit, this cycle, whose file had the very
    bytes of `upload`, as a SELECT of Review: `upload` an Upload, or the Upload columns of a query it then tests as
    EXISTS (review_page.clean_submissions; its own Submission and Upload are aliased, never the outer query's)."""
    submission, sent_back = aliased(Submission), aliased(Upload)
    return (db.select(Review).join(submission, Review.submission_id == submission.id)
            .join(sent_back, submission.upload_id == sent_back.id)
            .where(submission.cycle_id == upload.cycle_id, submission.unit_id == upload.unit_id,
                   sent_back.sha256 == upload.sha256, Review.action.in_(("return", "reopen"))))


def return_of_same_bytes(upload: Upload) -> Review | None:
    """The last of `sent_back_with_bytes_of(upload)`: sending it again sends back, unchanged, what the reviewer asked
    to change."""
    return db.session.execute(
        sent_back_with_bytes_of(upload).order_by(Review.created_at.desc(), Review.id.desc()).limit(1)
    ).scalar_one_or_none()


UNCHANGED_ACKNOWLEDGEMENT = "Tôi nộp lại nguyên tệp đã bị trả lại"


def sent_back_words(sent_back: Review) -> tuple[str, str]:
    """How a return or a reopening is said, and when it was (local time)."""
    verb = "mở lại" if sent_back.action == "reopen" else "trả lại"
    return verb, sent_back.created_at.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def unchanged_since_return(upload: Upload, sent_back: Review) -> str:
    """What the unit's clerk is told of a version identical to a returned one: when, by whom, why, what next."""
    from kdweb.services.superior import current_superior

    staff_body = current_superior().staff_body
    verb, when = sent_back_words(sent_back)
    return (f"Phiên bản {upload.version} giống hệt tệp đã bị trả lại: {staff_body} ({sent_back.reviewer.full_name}) "
            f"đã {verb} tệp này lúc {when} với nhận xét: “{sent_back.comment}”. Hãy sửa theo nhận xét rồi tải lên "
            f"lại. Chỉ nộp lại nguyên tệp này khi điều cần sửa không nằm trong tệp: khi đó đánh dấu "
            f"“{UNCHANGED_ACKNOWLEDGEMENT}” rồi nộp, {staff_body} sẽ thấy đơn vị không sửa gì.")


@use_case
def submit(cycle, unit, user, upload_id: int, acknowledge_warnings: bool,
           acknowledge_unchanged: bool = False) -> tuple[Submission, bool]:
    """Submit a valid upload; a second submit of the same state returns the first submission (created=False).
    The very file Ban Tổ chức returned goes back only with `acknowledge_unchanged`."""
    ensure_expected(cycle, unit)
    state = lock(cycle, unit)
    ensure_still_open(cycle)
    if state.status == WorkbookStatus.SUBMITTED.code and state.submission is not None \
            and state.submission.upload_id == upload_id:
        return state.submission, False
    ensure_allowed("submit", state, "Không thể nộp ở trạng thái hiện tại.")
    upload = db.session.get(Upload, upload_id)
    if upload is None or upload.unit_id != unit.id or upload.id != state.valid_upload_id:
        raise WorkflowRefused("Chỉ có thể nộp phiên bản hợp lệ mới nhất của đơn vị.")
    if upload.warning_count and not acknowledge_warnings:
        raise WorkflowRefused(
            f"Tệp còn {upload.warning_count} cảnh báo: hãy xem lại và đánh dấu “Tôi đã xem các cảnh báo” trước khi nộp.",
            http_status=422,
        )
    sent_back = return_of_same_bytes(upload)
    if sent_back is not None and not acknowledge_unchanged:
        raise WorkflowRefused(unchanged_since_return(upload, sent_back), http_status=422)
    now = utcnow()
    submission = Submission(cycle_id=cycle.id, unit_id=unit.id, upload_id=upload.id, submitted_by_id=user.id,
                            submitted_at=now, late=is_late(cycle.deadline_for(unit), now),
                            warnings_acknowledged=bool(upload.warning_count), state="submitted")
    db.session.add(submission)
    db.session.flush()
    state.submission_id = submission.id
    state.status = WorkbookStatus.SUBMITTED.code
    state.last_activity_at = now
    unchanged = {"unchanged_since_return": upload.version} if sent_back is not None else {}
    audit.record("submitted", user=user, unit=unit, target=submission, upload_version=upload.version,
                 late=submission.late, **unchanged)
    commit_or_refuse()
    return submission, True


@use_case
def review(cycle, unit, reviewer, action: str, comment: str | None, seen_submission_id: int | None = None) -> Review:
    """approve | return | reopen, by a reviewer; return and reopen need a comment. A unit the cycle no longer
    expects cannot be approved (its results count nowhere); it can still be returned or reopened. With
    `seen_submission_id` (the submission the reviewer's page showed), refused when the unit has submitted another
    since: a decision is about the version the reviewer looked at, never one sent after the page was opened."""
    if action == "approve":
        ensure_expected(cycle, unit)
    state = lock(cycle, unit)
    ensure_still_open(cycle)
    if seen_submission_id is not None and not can(action, current_status(state)):
        ensure_not_decided_since(state, seen_submission_id)
    ensure_allowed(action, state, {
        "approve": "Chỉ duyệt được kết quả đã nộp và đang chờ duyệt.",
        "return": "Chỉ trả lại được kết quả đã nộp và đang chờ duyệt.",
        "reopen": "Chỉ mở lại được kết quả đã duyệt.",
    }[action])
    if seen_submission_id is not None and state.submission_id != seen_submission_id:
        raise WorkflowRefused(f"Đơn vị đã nộp lại (phiên bản {state.submission.upload.version}) sau khi trang này "
                              f"được mở. Hãy xem phiên bản này trước khi quyết định.")
    comment = (comment or "").strip()
    if action in ("return", "reopen") and not comment:
        raise WorkflowRefused("Vui lòng ghi rõ lý do (nhận xét) để đơn vị biết cần sửa gì.", http_status=422)
    submission = state.submission
    submission.state = {"approve": "approved", "return": "returned", "reopen": "returned"}[action]
    state.status = {"approve": WorkbookStatus.APPROVED, "return": WorkbookStatus.RETURNED,
                    "reopen": WorkbookStatus.RETURNED}[action].code
    state.last_activity_at = utcnow()
    entry = Review(submission_id=submission.id, reviewer_id=reviewer.id, action=action, comment=comment or None)
    db.session.add(entry)
    db.session.flush()
    audit.record({"approve": "approved", "return": "returned", "reopen": "reopened"}[action],
                 user=reviewer, unit=unit, target=submission, comment=comment or None)
    notifications.notify(unit, cycle, *notifications.decision_text(unit, action, comment, reviewer))
    commit_or_refuse()
    return entry


def ensure_not_decided_since(state: UnitCycle, seen_submission_id: int) -> None:
    """Refused, naming the version, when the submission a reviewer's page showed was approved or returned by
    someone else after the page was opened (the unit may have sent another file since)."""
    seen = db.session.get(Submission, seen_submission_id)
    if seen is None or seen.unit_id != state.unit_id or seen.cycle_id != state.cycle_id \
            or seen.state not in ("approved", "returned"):
        return
    decided = {"approved": "duyệt", "returned": "trả lại"}[seen.state]
    raise WorkflowRefused(f"Phiên bản {seen.upload.version} đã được {decided} sau khi trang này được mở. "
                          f"Hãy tải lại trang để xem tình trạng hiện tại của đơn vị.")


def submissions_of(cycle, unit) -> list[Submission]:
    """The unit's submissions in the cycle, the latest first."""
    return db.session.execute(
        db.select(Submission).filter_by(cycle_id=cycle.id, unit_id=unit.id).order_by(Submission.submitted_at.desc())
    ).scalars().all()


def commit_or_refuse(message: str = "Dữ liệu vừa được người khác thay đổi. Vui lòng tải lại trang.") -> None:
    """Commit; a lost optimistic-lock race becomes a refusal instead of a 500."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise WorkflowRefused(message)


def approve_clean(cycle, reviewer, codes: list[str], seen_versions: dict[str, int] | None = None) -> list[str]:
    """Approve, one transaction each, the listed units that still wait with a version free of errors and
    warnings; a unit that changed since the list was shown (`seen_versions`: code → the version it showed) is
    left for a look of its own."""
    from kdweb.models import Unit
    from kdweb.services.review_page import clean_submissions

    clean = {item.code: item for item in clean_submissions(cycle)}
    seen_versions = seen_versions or {}
    approved = []
    for code in codes:
        unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one_or_none()
        if unit is None or code not in clean or seen_versions.get(code, clean[code].version) != clean[code].version:
            continue
        try:  # the submission found clean, not whatever waits once the unit's row is locked
            review(cycle, unit, reviewer, "approve", None, seen_submission_id=clean[code].submission_id)
            commit_or_refuse()
        except WorkflowRefused:
            db.session.rollback()
            continue
        approved.append(code)
    return approved
