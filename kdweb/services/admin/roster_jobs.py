"""The roster export, the reading and preview of a large roster file, and the roster import as queue jobs
(kdweb/services/jobs.py): a district's roster is fifteen thousand members, read, checked or written in seconds, more
than a request should hold and than a restart should lose. Their page polls the job, then offers the file (export),
the preview (kept on the job's row) or the import's counts."""
import time

from kdweb.exports.content_disposition import safe_filename
from kdweb.extensions import db
from kdweb.models import BulkJob, Cycle, Person, RosterImport, User
from kdweb.services import jobs
from kdweb.services.admin import AdminRefusal, roster_import as import_service, roster_preview_store
from kdweb.services.admin.roster_import import Preview, RosterImportFailed
from kdweb.services.admin.roster_template import roster_export

EXPORT, IMPORT, PREVIEW = "roster_export", "roster_import", "roster_preview"
KINDS = (EXPORT, IMPORT)  # the roster job page's; a preview job shows on its file's page


def start_export(cycle, user) -> BulkJob:
    job = jobs.create(EXPORT, cycle.id, user, filename=safe_filename(f"danh-sach-dang-vien-{cycle.year}.xlsx"))
    db.session.commit()
    return handed_over(job)


def start_import(user, roster_import: RosterImport, *, sheet, header_row, mapping: dict[int, str],
                 expected: tuple[int, ...] | None, valid_only: bool) -> BulkJob:
    """The confirmed import, as the admin chose it on the preview, to be applied by a worker. When the job is done
    already (a queue that runs jobs at once, or a fast worker), `roster_import` holds the counts it wrote."""
    params = {"import_id": roster_import.id, "sheet": sheet, "header_row": header_row,
              "mapping": {str(index): key for index, key in mapping.items()},
              "expected": list(expected) if expected else None, "valid_only": valid_only}
    job = jobs.create(IMPORT, roster_import.cycle_id, user, params=params)
    db.session.commit()
    job = handed_over(job)
    if job.state == "done":
        db.session.refresh(roster_import)
    return job


def start_preview(user, roster_import: RosterImport, *, sheet, header_row, mapping: dict[int, str] | None) -> BulkJob:
    """Read and preview a large kept file as the admin chose (None: as proposed), on a worker. A reading of the
    same choices that is under way or done is the answer (a reload never reads the file again); the file's other
    previews that are over are dropped: a preview is worth its last reading only."""
    params = {"import_id": roster_import.id, "sheet": sheet, "header_row": header_row,
              "mapping": None if mapping is None else {str(index): key for index, key in mapping.items()}}
    earlier = previews_of(roster_import)
    same = next((job for job in earlier if job.params == params and job.state != "failed"), None)
    if same is not None:
        return same
    for old in earlier:
        if not old.active:
            db.session.delete(old)
    job = jobs.create(PREVIEW, roster_import.cycle_id, user, params=params)
    db.session.commit()
    return handed_over(job)


def previews_of(roster_import: RosterImport) -> list[BulkJob]:
    return [job for job in db.session.execute(
        db.select(BulkJob).where(BulkJob.kind == PREVIEW).order_by(BulkJob.id.desc())).scalars()
            if job.params.get("import_id") == roster_import.id]


def previewed(job: BulkJob, roster_import: RosterImport) -> Preview:
    """The preview a done job kept, with what the database says now of an earlier import of the same bytes."""
    preview = roster_preview_store.loads(roster_import, job.content)
    preview.applied_before = import_service.applied_before(roster_import)
    return preview


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


def run_preview(job: BulkJob) -> None:
    params = job.params
    roster_import = db.session.get(RosterImport, params["import_id"])
    jobs.beat(job)
    mapping = params["mapping"]
    try:
        preview = import_service.preview(
            roster_import, sheet=params["sheet"], header_row=params["header_row"], progress=checking(job),
            mapping=None if mapping is None else {int(index): key for index, key in mapping.items()})
    except AdminRefusal as refusal:  # an unreadable file: said on its page, and kept
        raise jobs.JobRefused(str(refusal)) from None
    job.content = roster_preview_store.dumps(preview)
    job.done_count = job.total_count


def checking(job: BulkJob, seconds: float = 1.0):
    """Progress of the rows checked, committed at most every `seconds` (nothing else is written while rows are
    checked). The job's row is changed only to be committed at once: the import's write transaction must not hold
    it, since its progress is written aside."""
    last = [float("-inf")]

    def progress(done: int, total: int) -> None:
        if time.monotonic() - last[0] >= seconds:
            job.done_count, job.total_count = done, total
            jobs.beat(job)
            last[0] = time.monotonic()
    return progress


def run_import(job: BulkJob) -> None:
    """The rows checked again (progress committed as it goes), then written in one transaction, all rows or none,
    its progress reported aside (jobs.report_aside): a worker killed while writing leaves nothing written, and the
    next attempt starts again from the file. An attempt after one that committed finds the file applied and only
    reports it."""
    params = job.params
    roster_import = db.session.get(RosterImport, params["import_id"])
    jobs.beat(job)
    if roster_import.state != "applied":
        user = db.session.get(User, job.requested_by_id)
        expected = tuple(params["expected"]) if params.get("expected") else None
        try:
            import_service.apply_import(user, roster_import, sheet=params["sheet"], header_row=params["header_row"],
                                        mapping={int(index): key for index, key in params["mapping"].items()},
                                        expected=expected, valid_only=params["valid_only"], checking=checking(job),
                                        writing=lambda done, total: written(job, done, total))
        except AdminRefusal as refusal:
            raise jobs.JobRefused(str(refusal)) from None
        except RosterImportFailed as failed:
            if isinstance(failed.__cause__, jobs.JobLost):  # taken for stuck while writing: rolled back, not failed
                raise failed.__cause__ from None
            raise
    job.done_count = job.total_count = roster_import.added_count + roster_import.updated_count


def written(job: BulkJob, done: int, total: int) -> None:
    """Members written so far in the import's open transaction (a hook for tests/queue/worker_app.py too)."""
    jobs.report_aside(job, done, total)


jobs.register(EXPORT, run_export, title="Danh sách đảng viên hiện tại", noun="đảng viên")
jobs.register(IMPORT, run_import, title="Nhập danh sách đảng viên", noun="đảng viên")
jobs.register(PREVIEW, run_preview, title="Đọc và xem trước tệp danh sách", noun="dòng")
