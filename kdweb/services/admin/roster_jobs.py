"""The roster export and the roster import as queue jobs (kdweb/services/jobs.py): a city's roster is tens of
thousands of members, read or written in seconds, more than a request should hold and than a restart should lose.
Their page polls the job, then offers the file (export) or the import's counts."""
from kdweb.exports.content_disposition import safe_filename
from kdweb.extensions import db
from kdweb.models import BulkJob, Cycle, Person, RosterImport, User
from kdweb.services import jobs
from kdweb.services.admin import AdminRefusal, roster_import as import_service
from kdweb.services.admin.roster_template import roster_export

EXPORT, IMPORT = "roster_export", "roster_import"
KINDS = (EXPORT, IMPORT)


def start_export(cycle, user) -> BulkJob:
    job = jobs.create(EXPORT, cycle.id, user, filename=safe_filename(f"danh-sach-dang-vien-{cycle.year}.xlsx"))
    db.session.commit()
    return handed_over(job)


def start_import(user, roster_import: RosterImport, *, sheet, header_row, mapping: dict[int, str],
                 expected: tuple[int, ...] | None, valid_only: bool) -> BulkJob:
    """The confirmed import, as the admin chose it on the preview, to be applied by a worker."""
    params = {"import_id": roster_import.id, "sheet": sheet, "header_row": header_row,
              "mapping": {str(index): key for index, key in mapping.items()},
              "expected": list(expected) if expected else None, "valid_only": valid_only}
    job = jobs.create(IMPORT, roster_import.cycle_id, user, params=params)
    db.session.commit()
    return handed_over(job)


def handed_over(job: BulkJob) -> BulkJob:
    jobs.enqueue(job)
    db.session.refresh(job)  # an immediate queue has already run it
    return job


def import_in_progress(roster_import: RosterImport) -> BulkJob | None:
    """The import job of this file still queued or running, so the page does not offer to confirm twice."""
    return next((job for job in db.session.execute(
        db.select(BulkJob).where(BulkJob.kind == IMPORT, BulkJob.state.in_(("queued", "running")))
        .order_by(BulkJob.id.desc())).scalars() if job.params.get("import_id") == roster_import.id), None)


def run_export(job: BulkJob) -> None:
    cycle = db.session.get(Cycle, job.cycle_id)
    job.total_count = db.session.scalar(db.select(db.func.count()).select_from(Person).filter_by(cycle_id=cycle.id))
    jobs.beat(job)
    job.content = roster_export(cycle)
    job.done_count = job.total_count


def run_import(job: BulkJob) -> None:
    """Applied in its own transaction (all rows or none); a second attempt after the first one committed finds
    the file applied and only reports it."""
    params = job.params
    roster_import = db.session.get(RosterImport, params["import_id"])
    job.total_count = 1
    jobs.beat(job)
    if roster_import.state != "applied":
        user = db.session.get(User, job.requested_by_id)
        expected = tuple(params["expected"]) if params.get("expected") else None
        try:
            import_service.apply_import(user, roster_import, sheet=params["sheet"], header_row=params["header_row"],
                                        mapping={int(index): key for index, key in params["mapping"].items()},
                                        expected=expected, valid_only=params["valid_only"])
        except AdminRefusal as refusal:
            raise jobs.JobRefused(str(refusal)) from None
    job.done_count = 1


jobs.register(EXPORT, run_export, title="Danh sách đảng viên hiện tại", noun="đảng viên")
jobs.register(IMPORT, run_import, title="Nhập danh sách đảng viên", noun="tệp")
