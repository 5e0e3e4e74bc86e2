"""Everything the unit's page shows, gathered in a few queries (read-only)."""
import json
from types import SimpleNamespace

from kdweb.deadlines import VIETNAM, deadline_state
from kdweb.extensions import db
from kdweb.models import Finding, Review, Submission, Unit, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.services import conversation, quota_basis
from kdweb.services.roster_notice import roster_notice
from kdweb.services.superior import current_superior
from kdweb.services.workflow import (
    UNCHANGED_ACKNOWLEDGEMENT, no_longer_expected, refusal_text, return_of_same_bytes, unchanged_since_return,
)
from kdweb.status import WorkbookStatus, can

GENERAL_SHEET = "Chung"


def context(unit, cycle, user, version=None, severity=None, sheet=None) -> dict:
    result = {"unit": unit, "cycle": cycle, "user": user, "shown": None, "state": None, "thread": [],
              "for_unit": is_own_staff(user, unit), "returned_copy": False,
              "status": WorkbookStatus.NOT_DOWNLOADED, "uploads": [], "can_upload": False, "can_submit": False,
              "unchecked": [], "can_recheck": False, "unchanged_notice": None,
              "can_download": is_own_staff(user, unit), "severity": severity, "sheet": sheet}
    if cycle is None:
        result["closed_cycles"] = closed_cycles()
        return result
    state = db.session.execute(db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalar_one_or_none()
    status = WorkbookStatus(state.status) if state else WorkbookStatus.NOT_DOWNLOADED
    uploads = db.session.execute(
        db.select(Upload).filter_by(cycle_id=cycle.id, unit_id=unit.id).order_by(Upload.version.desc())
    ).scalars().all()
    done_at = state.submission.submitted_at if state and state.submission and status in (
        WorkbookStatus.SUBMITTED, WorkbookStatus.APPROVED) else None
    result.update(state=state, status=status, uploads=uploads,
                  deadline=deadline_state(cycle.deadline_for(unit), utcnow(), done_at,
                                          state.submission.late if done_at else None),
                  last_review=last_review(state), thread=conversation.thread(cycle, unit),
                  returned_copy=status is WorkbookStatus.RETURNED
                  and conversation.returned_submission(cycle, unit) is not None)
    own = is_own_staff(user, unit)
    result["can_upload"] = own and can("upload", status)
    result["upload_refusal"] = refusal_text("upload", status) if own else None
    submittable = next((u for u in uploads if state and u.id == state.valid_upload_id), None)
    result["submittable"] = submittable
    result["can_submit"] = own and submittable is not None and can("submit", status)
    result.update(sent_back_unchanged(submittable if result["can_submit"] else None))
    result["unchecked"] = [upload for upload in uploads if upload.needs_check]
    result["can_recheck"] = may_recheck(user, unit)
    if not cycle.is_open:
        result.update(can_upload=False, can_submit=False, can_download=False, unchanged_notice=None,
                      upload_refusal=f"Đợt năm {cycle.year} đã đóng: chỉ xem lại được.")
    elif no_longer_expected(cycle, unit):
        result.update(can_upload=False, can_submit=False, can_download=False, unchanged_notice=None,
                      upload_refusal=no_longer_expected(cycle, unit))
    result["cycle_args"] = {} if cycle.is_open else {"year": cycle.year}
    result["submit_unavailable"] = submit_unavailable(result, own)
    result["roster_changed"] = roster_notice(cycle, unit, state)
    result["quota_changed"] = quota_basis.notice(cycle, unit, state, uploads, result["can_upload"])
    shown = pick_version(uploads, version)
    if shown is not None:
        result.update(shown_details(shown, severity, sheet))
        result["verdict"] = verdict(shown, own, submittable, result["can_submit"], result["unchanged_notice"])
    return result


def sent_back_unchanged(submittable) -> dict:
    """The notice, and the acknowledgement the submit form asks for, when the version the unit would submit is
    the very file Ban Tổ chức returned (workflow.return_of_same_bytes)."""
    sent_back = return_of_same_bytes(submittable) if submittable is not None else None
    if sent_back is None:
        return {"unchanged_notice": None}
    return {"unchanged_notice": unchanged_since_return(submittable, sent_back),
            "unchanged_acknowledgement": UNCHANGED_ACKNOWLEDGEMENT}


def submit_unavailable(page: dict, own: bool) -> str:
    """Why step 3 cannot be done now, in one sentence (shown in place of the button)."""
    status, state, uploads = page["status"], page["state"], page["uploads"]
    if not page["cycle"].is_open:
        return f"Đợt năm {page['cycle'].year} đã đóng."
    if status is WorkbookStatus.SUBMITTED:
        return (f"Đã nộp phiên bản {state.submission.upload.version} lúc {local(state.submission.submitted_at)}; "
                f"đang chờ {current_superior().staff_body} duyệt.")
    if status is WorkbookStatus.APPROVED:
        return "Kết quả đã được duyệt."
    if not own:
        return "Chỉ cán bộ của đơn vị nộp được kết quả."
    if not uploads:
        return "Chưa có phiên bản nào: tải lên tệp đã điền ở bước 2, khi không còn lỗi thì nộp ở đây."
    latest = uploads[0]
    if latest.outcome == "rejected":
        return f"Phiên bản {latest.version} không đọc được: chưa có phiên bản hợp lệ để nộp. Tải lên lại ở bước 2."
    if latest.error_count:
        return (f"Phiên bản {latest.version} còn {latest.error_count} lỗi: sửa trong bản đánh dấu lỗi rồi tải lên "
                "lại; khi không còn lỗi thì nộp ở đây.")
    return "Chưa có phiên bản hợp lệ để nộp."


def verdict(shown, own: bool, submittable, can_submit: bool, unchanged_notice: str | None = None) -> str:
    """The one line that says what to do next after an upload."""
    if shown.outcome == "rejected":
        return "Không đọc được tệp — xem lý do bên dưới" + (" rồi tải lên lại." if own else ".")
    if shown.error_count:
        text = f"Còn {shown.error_count} lỗi"
        return text + (" — sửa trong bản đánh dấu lỗi rồi tải lên lại." if own else ".")
    warnings = f", {shown.warning_count} cảnh báo" if shown.warning_count else ""
    if own and can_submit and submittable is not None and submittable.id == shown.id:
        if unchanged_notice:
            return f"Không có lỗi{warnings}, nhưng đây là tệp đã bị trả lại — sửa theo nhận xét rồi tải lên lại."
        return f"Không có lỗi{warnings} — " + ("xem lại cảnh báo rồi bấm Nộp." if warnings else "bấm Nộp.")
    return f"Không có lỗi{warnings}."


def local(moment) -> str:
    return moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")


def is_own_staff(user, unit) -> bool:
    return user.role == "staff" and user.unit_id == unit.id


def may_recheck(user, unit) -> bool:
    """"Kiểm tra lại" an upload whose check did not finish: the unit's own staff and Ban Tổ chức."""
    return is_own_staff(user, unit) or user.role in ("reviewer", "admin")


def recheck_message(upload, for_unit: bool = False) -> tuple[str, str]:
    """The flash after "Kiểm tra lại": what the check found, and its tone; for the unit's staff, how to use a
    valid version that stays aside (workflow.forward_moves: sent before the last submission)."""
    version = upload.version
    if upload.outcome == "valid":
        if for_unit and stays_aside(upload):
            return (f"Đã kiểm tra lại phiên bản {version}: tệp hợp lệ. Phiên bản này được gửi trước lần nộp gần "
                    "nhất nên không tự trở thành phiên bản hiện tại; muốn nộp phiên bản này, hãy tải lên lại chính "
                    f"tệp này (“Tải tệp đã gửi” ở phiên bản {version})."), "warning"
        return f"Đã kiểm tra lại phiên bản {version}: tệp hợp lệ.", "success"
    if upload.outcome == "errors":
        return f"Đã kiểm tra lại phiên bản {version}: có {upload.error_count} lỗi cần sửa.", "warning"
    if upload.outcome == "rejected":
        return f"Đã kiểm tra lại phiên bản {version}: không đọc được tệp. {upload.problem_message}", "danger"
    return f"Vẫn chưa kiểm tra được phiên bản {version}. {upload.check_error or ''}".strip(), "danger"


def stays_aside(upload) -> bool:
    """A valid version the unit's state does not point at, received before the last submission, while the unit
    may upload: a check ending after a decision never moves the state by itself."""
    state = db.session.execute(
        db.select(UnitCycle).filter_by(cycle_id=upload.cycle_id, unit_id=upload.unit_id)).scalar_one_or_none()
    return (state is not None and can("upload", WorkbookStatus(state.status)) and state.valid_upload_id != upload.id
            and state.submission is not None and upload.created_at <= state.submission.submitted_at)


def pick_version(uploads, version):
    if version is None:
        return uploads[0] if uploads else None
    return next((upload for upload in uploads if upload.version == version), None)


def last_review(state):
    if state is None or state.submission_id is None:
        return None
    return db.session.execute(
        db.select(Review).join(Submission).where(Submission.id == state.submission_id)
        .order_by(Review.created_at.desc(), Review.id.desc()).limit(1)
    ).scalar_one_or_none()


def shown_details(upload, severity, sheet) -> dict:
    rows = db.session.execute(
        db.select(Finding).filter_by(upload_id=upload.id).order_by(Finding.position)
    ).scalars().all()
    findings = [display(finding) for finding in rows]
    sheets = sorted({f.sheet_label for f in findings}, key=lambda name: (name == GENERAL_SHEET, name))
    chosen = [f for f in findings if (severity is None or f.severity == severity)
              and (sheet is None or f.sheet_label == sheet)]
    chosen.sort(key=lambda f: (f.severity != "error", f.sheet_label == GENERAL_SHEET, f.sheet_label, f.position))
    return {"shown": upload, "findings": chosen, "findings_total": len(findings), "finding_sheets": sheets,
            "summary": json.loads(upload.summary_json) if upload.summary_json else None}


def display(finding: Finding) -> SimpleNamespace:
    return SimpleNamespace(rule=finding.rule, severity=finding.severity, sheet=finding.sheet, cell=finding.cell,
                           message=finding.message, position=finding.position,
                           sheet_label=finding.sheet or GENERAL_SHEET)


def reporting_units() -> list[Unit]:
    """Every active unit with its own workbook, by level, then as the unit tree orders them."""
    return db.session.execute(
        db.select(Unit).filter_by(reports=True, active=True).order_by(Unit.level, Unit.sort_order, Unit.name)
    ).scalars().all()


def closed_cycles() -> list:
    from kdweb.models import Cycle

    return db.session.execute(db.select(Cycle).filter_by(is_open=False).order_by(Cycle.year.desc())).scalars().all()
