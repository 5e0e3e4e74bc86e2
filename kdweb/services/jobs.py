"""Jobs on the queue: claimed by one worker at a time, beating while they run, retried a bounded number of times,
then failed with a message; a job that stops beating is taken for stuck, by a worker or by any app server.

The queue carries only the job's id; the row in `bulk_jobs` says which attempt owns it (`attempts`), so an attempt
that was taken for stuck and later wakes up finds it no longer owns the job and stops (JobLost)."""
import importlib
import json
import logging
import time
from collections.abc import Callable
from datetime import timedelta

from flask import current_app

from kdweb.extensions import db
from kdweb.models import BulkJob
from kdweb.models.base import utcnow
from kdweb.queue import current_queue
from kdweb.services import audit

log = logging.getLogger(__name__)
RUNNERS: dict[str, Callable[[BulkJob], None]] = {}
TITLES: dict[str, str] = {}
NOUNS: dict[str, str] = {}
RUNNER_MODULES = ("kdweb.services.bulk", "kdweb.services.admin.roster_jobs", "kdweb.services.notifications_jobs",
                  "kdweb.services.checks_store")  # each registers its kinds


class JobLost(Exception):
    """Another attempt owns the job now: this one was taken for stuck."""


class JobRefused(Exception):
    """The job cannot be done as asked (a file with errors, a cycle closed since): failed at once, never retried."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def create(kind: str, cycle_id: int, user=None, *, filename: str | None = None, params: dict | None = None,
           max_attempts: int = 3) -> BulkJob:
    """A queued job row, flushed; the caller commits, then hands it to `enqueue`."""
    job = BulkJob(kind=kind, cycle_id=cycle_id, requested_by_id=getattr(user, "id", None), state="queued",
                  heartbeat_at=utcnow(), filename=filename, max_attempts=max_attempts,
                  params_json=json.dumps(params, ensure_ascii=False) if params is not None else None)
    db.session.add(job)
    db.session.flush()
    return job


def status(job_id: int) -> BulkJob | None:
    """The job as any app server sees it, after taking it for stuck if it stopped beating."""
    reap_stale(job_id)
    return db.session.get(BulkJob, job_id, populate_existing=True)


def register(kind: str, runner: Callable[[BulkJob], None], *, title: str = "", noun: str = "đơn vị") -> None:
    """A kind of job: what runs it, and how its page names it and counts its progress."""
    RUNNERS[kind] = runner
    TITLES[kind] = title
    NOUNS[kind] = noun


def heartbeat_limit() -> timedelta:
    return timedelta(seconds=current_app.config.get("KDWEB_JOB_HEARTBEAT_SECONDS", 60))


def queue_wait_limit() -> timedelta:
    return timedelta(seconds=current_app.config.get("KDWEB_JOB_QUEUE_WAIT_SECONDS", 15 * 60))


def enqueue(job: BulkJob, delay: float = 0) -> None:
    """Hand a committed job to the queue (after the commit: a worker must find the row)."""
    current_queue().enqueue_job(job.id, delay)


def execute(job_id: int) -> None:
    attempt = claim(job_id)
    if attempt is None:
        return
    job = db.session.get(BulkJob, job_id)
    try:
        runner(job.kind)(job)
        beat(job)  # still ours: the result may be kept
        job.state, job.error, job.finished_at = "done", None, utcnow()
        db.session.commit()
    except JobLost:
        log.warning("bulk job %s attempt %s was taken for stuck; another attempt owns it", job_id, attempt)
    except JobRefused as refused:
        db.session.rollback()
        refuse(job_id, attempt, refused.message)
    except Exception as error:
        log.exception("bulk job %s attempt %s failed", job_id, attempt)
        db.session.rollback()
        retry_or_fail(job_id, attempt, f"{type(error).__name__}: {error}")
    from kdweb.services import checks_store
    checks_store.request_due()  # the job changed what the district checks read (a roster import)


def runner(kind: str) -> Callable[[BulkJob], None]:
    load_kinds()
    return RUNNERS[kind]


def load_kinds() -> None:
    for module in RUNNER_MODULES:
        importlib.import_module(module)


def claim(job_id: int) -> int | None:
    """Compare-and-set queued → running: a job delivered twice runs once."""
    claimed = db.session.execute(
        db.update(BulkJob).where(BulkJob.id == job_id, BulkJob.state == "queued")
        .values(state="running", attempts=BulkJob.attempts + 1, heartbeat_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    if not claimed:
        return None
    return db.session.execute(db.select(BulkJob.attempts).where(BulkJob.id == job_id)).scalar_one()


def beat(job: BulkJob) -> None:
    """Commit the job's progress and say it is alive; raise JobLost if the job is no longer this attempt's."""
    owned = db.session.execute(
        db.update(BulkJob).where(BulkJob.id == job.id, BulkJob.attempts == job.attempts, BulkJob.state == "running")
        .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not owned:
        db.session.rollback()
        raise JobLost(job.id)
    db.session.commit()


def beating(job: BulkJob, seconds: float = 5.0) -> Callable[[], None]:
    """A `beat` for a long computation to call as often as it likes: it beats at most every `seconds`."""
    last = [time.monotonic()]

    def alive() -> None:
        if time.monotonic() - last[0] >= seconds:
            beat(job)
            last[0] = time.monotonic()
    return alive


def report_aside(job: BulkJob, done: int, total: int) -> None:
    """Commit the job's progress and heartbeat on a connection of its own, while the caller's transaction (an
    all-or-nothing write) stays open; raise JobLost if the job is no longer this attempt's. SQLite has one writer
    at a time, the caller's: there the progress is seen when the caller commits."""
    if db.engine.dialect.name == "sqlite":
        return
    with db.engine.begin() as connection:
        owned = connection.execute(
            db.update(BulkJob).where(BulkJob.id == job.id, BulkJob.attempts == job.attempts,
                                     BulkJob.state == "running")
            .values(done_count=done, total_count=total, heartbeat_at=utcnow())).rowcount
    if not owned:
        raise JobLost(job.id)


def retry_or_fail(job_id: int, attempt: int, message: str) -> None:
    job = db.session.get(BulkJob, job_id)
    if job is None or job.attempts != attempt or job.state != "running":
        return
    give_back_or_fail(job, message)


def refuse(job_id: int, attempt: int, message: str) -> None:
    job = db.session.get(BulkJob, job_id)
    if job is None or job.attempts != attempt or job.state != "running":
        return
    job.state, job.error, job.finished_at = "failed", message, utcnow()
    audit.record("bulk_job_failed", target=job, attempts=job.attempts, error=message)
    db.session.commit()


def give_back_or_fail(job: BulkJob, message: str) -> None:
    job.error = message
    if job.attempts < job.max_attempts:
        job.state, job.done_count, job.heartbeat_at = "queued", 0, utcnow()
        audit.record("bulk_job_retried", target=job, attempt=job.attempts, error=message)
        db.session.commit()
        enqueue(job, delay=current_app.config.get("KDWEB_JOB_RETRY_DELAY_SECONDS", 10) * job.attempts)
    else:
        job.state, job.finished_at = "failed", utcnow()
        audit.record("bulk_job_failed", target=job, attempts=job.attempts, error=message)
        db.session.commit()


def reap_stale(job_id: int | None = None) -> int:
    """Running jobs that stopped beating are retried or failed; queued jobs no worker took are failed.

    Run every minute and at start by the workers, and by the status page for the job it shows, so a stuck job is
    seen even when no worker is left."""
    now = utcnow()
    stale = db.or_(db.and_(BulkJob.state == "running", BulkJob.heartbeat_at < now - heartbeat_limit()),
                   db.and_(BulkJob.state == "queued", BulkJob.heartbeat_at < now - queue_wait_limit()))
    ids = db.session.execute(db.select(BulkJob.id).where(stale, *([BulkJob.id == job_id] if job_id else [])))
    reaped = 0
    for stale_id in ids.scalars().all():
        # locked and checked again: two servers may look at the same job at once
        job = db.session.execute(db.select(BulkJob).where(BulkJob.id == stale_id, stale)
                                 .with_for_update(skip_locked=True)).scalar_one_or_none()
        if job is None:
            db.session.rollback()
            continue
        if job.state == "running":
            seconds = round(heartbeat_limit().total_seconds())
            give_back_or_fail(job, f"Tiến trình xử lý ngừng báo tiến độ quá {seconds} giây (lần thử {job.attempts})")
        else:
            minutes = round(queue_wait_limit().total_seconds() / 60)
            job.state, job.finished_at = "failed", now
            job.error = f"Sau {minutes} phút chưa có tiến trình xử lý nào nhận việc; báo quản trị viên kiểm tra worker"
            audit.record("bulk_job_failed", target=job, attempts=job.attempts, error=job.error)
            db.session.commit()
        reaped += 1
    db.session.commit()
    return reaped
