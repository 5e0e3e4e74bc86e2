"""Bulk downloads as background jobs: every unit's workbook, or every approved submission, as one zip.

The job runs in a thread of the server that started it and writes its progress to the database, so the
page polling for it may be served by any app server."""
import io
import logging
import threading
import zipfile

from flask import current_app

from kdweb.exports.content_disposition import safe_filename
from kdweb.extensions import db
from kdweb.models import BulkJob, Cycle, Submission, Unit, UnitCycle, Upload, User
from kdweb.models.base import utcnow
from kdweb.services import audit
from kdweb.services.workbooks import build_and_record

log = logging.getLogger(__name__)
KINDS = {"templates": "Mẫu Excel của tất cả đơn vị", "approved": "Kết quả đã duyệt của tất cả đơn vị"}


def start(kind: str, cycle, user) -> BulkJob:
    job = BulkJob(kind=kind, cycle_id=cycle.id, requested_by_id=user.id, state="running",
                  filename=safe_filename(f"{KINDS[kind]} - {cycle.year}.zip"))
    db.session.add(job)
    db.session.flush()
    audit.record("bulk_download_started", user=user, target=job, kind=kind)
    db.session.commit()
    if current_app.config.get("KDWEB_JOBS_INLINE"):
        run(job.id)
    else:
        app = current_app._get_current_object()
        threading.Thread(target=run_in_app, args=(app, job.id), daemon=True, name=f"bulk-job-{job.id}").start()
    return job


def run_in_app(app, job_id: int) -> None:
    with app.app_context():
        run(job_id)
        db.session.remove()


def run(job_id: int) -> None:
    job = db.session.get(BulkJob, job_id)
    try:
        entries = templates_zip if job.kind == "templates" else approved_zip
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            entries(job, archive)
        job.content = buffer.getvalue()
        job.state = "done"
    except Exception as error:  # the page must say it failed, not poll for ever
        log.exception("bulk job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(BulkJob, job_id)
        job.state, job.error = "failed", f"{type(error).__name__}: {error}"
    job.finished_at = utcnow()
    db.session.commit()


def reporting_units(cycle_id):
    return db.session.execute(
        db.select(Unit).join(UnitCycle, UnitCycle.unit_id == Unit.id)
        .where(UnitCycle.cycle_id == cycle_id, Unit.active.is_(True)).order_by(Unit.sort_order)
    ).scalars().all()


def templates_zip(job, archive) -> None:
    units = reporting_units(job.cycle_id)
    job.total_count = len(units)
    db.session.commit()
    cycle, requester = db.session.get(Cycle, job.cycle_id), db.session.get(User, job.requested_by_id)
    for unit in units:
        data, _template = build_and_record(cycle, unit, requester)
        archive.writestr(safe_filename(f"{unit.code} - {unit.name}.xlsx"), data)
        job.done_count += 1
        db.session.commit()


def approved_zip(job, archive) -> None:
    rows = db.session.execute(
        db.select(Unit, Upload).join(UnitCycle, UnitCycle.unit_id == Unit.id)
        .join(Submission, UnitCycle.submission_id == Submission.id).join(Upload, Submission.upload_id == Upload.id)
        .where(UnitCycle.cycle_id == job.cycle_id, Submission.state == "approved").order_by(Unit.sort_order)
    ).all()
    job.total_count = len(rows)
    db.session.commit()
    for unit, upload in rows:
        archive.writestr(safe_filename(f"{unit.code} - {unit.name} - phiên bản {upload.version}.xlsx"), upload.content)
        job.done_count += 1
        db.session.commit()
