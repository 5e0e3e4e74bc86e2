"""Everything the unit's page shows, gathered in a few queries (read-only)."""
import json
from types import SimpleNamespace

from kdweb.deadlines import deadline_state
from kdweb.extensions import db
from kdweb.models import Finding, Review, Submission, Template, Unit, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.services.roster import current_roster_digest
from kdweb.services.workflow import REFUSALS
from kdweb.status import WorkbookStatus, can

GENERAL_SHEET = "Chung"


def context(unit, cycle, user, version=None, severity=None, sheet=None) -> dict:
    result = {"unit": unit, "cycle": cycle, "user": user, "shown": None, "state": None,
              "status": WorkbookStatus.NOT_DOWNLOADED, "uploads": [], "can_upload": False, "can_submit": False,
              "unchecked": [], "can_recheck": False,
              "can_download": is_own_staff(user, unit), "severity": severity, "sheet": sheet}
    if cycle is None:
        return result
    state = db.session.execute(db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id)).scalar_one_or_none()
    status = WorkbookStatus.from_code(state.status) if state else WorkbookStatus.NOT_DOWNLOADED
    uploads = db.session.execute(
        db.select(Upload).filter_by(cycle_id=cycle.id, unit_id=unit.id).order_by(Upload.version.desc())
    ).scalars().all()
    done_at = state.submission.submitted_at if state and state.submission and status in (
        WorkbookStatus.SUBMITTED, WorkbookStatus.APPROVED) else None
    result.update(state=state, status=status, uploads=uploads,
                  deadline=deadline_state(cycle.deadline_for(unit), utcnow(), done_at),
                  last_review=last_review(state))
    own = is_own_staff(user, unit)
    result["can_upload"] = own and can("upload", status)
    result["upload_refusal"] = REFUSALS["upload"].get(status) if own else None
    submittable = next((u for u in uploads if state and u.id == state.valid_upload_id), None)
    result["submittable"] = submittable
    result["can_submit"] = own and submittable is not None and can("submit", status)
    result["unchecked"] = [upload for upload in uploads if upload.needs_check]
    result["can_recheck"] = may_recheck(user, unit)
    result["roster_changed"] = roster_changed_since_download(cycle, unit, state)
    shown = pick_version(uploads, version)
    if shown is not None:
        result.update(shown_details(shown, severity, sheet))
    return result


def roster_changed_since_download(cycle, unit, state) -> bool:
    """The unit's roster of record no longer matches the one its newest workbook was issued for."""
    if state is None or state.first_downloaded_at is None:
        return False
    issued = db.session.execute(
        db.select(Template.roster_digest).filter_by(cycle_id=cycle.id, unit_id=unit.id)
        .order_by(Template.version.desc()).limit(1)
    ).scalar_one_or_none()
    return issued is not None and issued != current_roster_digest(cycle, unit)


def is_own_staff(user, unit) -> bool:
    return user.role == "staff" and user.unit_id == unit.id


def may_recheck(user, unit) -> bool:
    """"Kiểm tra lại" an upload whose check did not finish: the unit's own staff and Ban Tổ chức."""
    return is_own_staff(user, unit) or user.role in ("reviewer", "admin")


def recheck_message(upload) -> tuple[str, str]:
    """The flash after "Kiểm tra lại": what the check found, and its tone."""
    version = upload.version
    if upload.outcome == "valid":
        return f"Đã kiểm tra lại phiên bản {version}: tệp hợp lệ.", "success"
    if upload.outcome == "errors":
        return f"Đã kiểm tra lại phiên bản {version}: có {upload.error_count} lỗi cần sửa.", "warning"
    if upload.outcome == "rejected":
        return f"Đã kiểm tra lại phiên bản {version}: không đọc được tệp. {upload.problem_message}", "danger"
    return f"Vẫn chưa kiểm tra được phiên bản {version}. {upload.check_error or ''}".strip(), "danger"


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
