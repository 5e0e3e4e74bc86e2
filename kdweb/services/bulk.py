"""Bulk downloads as background jobs: every unit's workbook, or every approved submission, as one zip.

The job runs on the queue's workers (kdweb/services/jobs.py) and writes its progress to the database, so the
page polling for it may be served by any app server."""
import io
import zipfile

from kdweb.exports.content_disposition import safe_filename
from kdweb.extensions import db
from kdweb.models import BulkJob, Cycle, Submission, Unit, UnitCycle, Upload, User
from kdweb.models.base import utcnow
from kdweb.services import audit, jobs
from kdweb.services.workbooks import build_and_record

KINDS = {"templates": "Mẫu Excel của tất cả đơn vị", "approved": "Kết quả đã duyệt của tất cả đơn vị"}


def start(kind: str, cycle, user) -> BulkJob:
    job = BulkJob(kind=kind, cycle_id=cycle.id, requested_by_id=user.id, state="queued", heartbeat_at=utcnow(),
                  filename=safe_filename(f"{KINDS[kind]} - {cycle.year}.zip"))
    db.session.add(job)
    db.session.flush()
    audit.record("bulk_download_started", user=user, target=job, kind=kind)
    db.session.commit()
    jobs.enqueue(job)
    db.session.refresh(job)  # an immediate queue has already run it
    return job


def status(job_id: int) -> BulkJob | None:
    """The job as any app server sees it, after taking it for stuck if it stopped beating."""
    jobs.reap_stale(job_id)
    return db.session.get(BulkJob, job_id, populate_existing=True)


def build_zip(job: BulkJob) -> None:
    entries = templates_zip if job.kind == "templates" else approved_zip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        entries(job, archive)
    job.content = buffer.getvalue()


def reporting_units(cycle_id):
    return db.session.execute(
        db.select(Unit).join(UnitCycle, UnitCycle.unit_id == Unit.id).join(Cycle, Cycle.id == UnitCycle.cycle_id)
        .where(UnitCycle.cycle_id == cycle_id, Unit.active.is_(True), Unit.valid_on_clause(Cycle.review_date))
        .order_by(Unit.sort_order)
    ).scalars().all()


def templates_zip(job, archive) -> None:
    units = reporting_units(job.cycle_id)
    job.total_count = len(units)
    jobs.beat(job)
    cycle, requester = db.session.get(Cycle, job.cycle_id), db.session.get(User, job.requested_by_id)
    for unit in units:
        data, _template = build_and_record(cycle, unit, requester)
        archive.writestr(safe_filename(f"{unit.code} - {unit.name}.xlsx"), data)
        job.done_count += 1
        jobs.beat(job)


def approved_zip(job, archive) -> None:
    rows = db.session.execute(
        db.select(Unit, Upload).join(UnitCycle, UnitCycle.unit_id == Unit.id)
        .join(Submission, UnitCycle.submission_id == Submission.id).join(Upload, Submission.upload_id == Upload.id)
        .where(UnitCycle.cycle_id == job.cycle_id, Submission.state == "approved").order_by(Unit.sort_order)
    ).all()
    job.total_count = len(rows)
    jobs.beat(job)
    for unit, upload in rows:
        archive.writestr(safe_filename(f"{unit.code} - {unit.name} - phiên bản {upload.version}.xlsx"), upload.content)
        job.done_count += 1
        jobs.beat(job)


jobs.register("templates", build_zip)
jobs.register("approved", build_zip)
