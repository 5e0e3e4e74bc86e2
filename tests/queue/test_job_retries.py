"""Bounded retries, in the test suite's immediate mode (a job runs where it is enqueued): a failing attempt is
retried, and after max_attempts the job is failed with the last error, shown on its page without polling."""
import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, User
from kdweb.models.base import utcnow
from kdweb.services import bulk, jobs


@pytest.fixture
def failing_kinds(monkeypatch):
    calls = []
    for kind in ("test_fails_once", "test_always_fails"):
        monkeypatch.setitem(bulk.KINDS, kind, "Việc thử")  # shown by the bulk page, as a bulk zip is

    def fails_once(job):
        calls.append(job.attempts)
        if job.attempts == 1:
            raise OSError("đĩa đầy")
        job.content = b"ok"

    def always_fails(job):
        calls.append(job.attempts)
        raise ValueError("tệp hỏng")

    jobs.register("test_fails_once", fails_once)
    jobs.register("test_always_fails", always_fails)
    yield calls
    del jobs.RUNNERS["test_fails_once"], jobs.RUNNERS["test_always_fails"]


def queued_job(kind: str) -> BulkJob:
    cycle = db.session.execute(db.select(Cycle)).scalar_one()
    reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalars().first()
    job = BulkJob(kind=kind, cycle_id=cycle.id, requested_by_id=reviewer.id, filename="x.zip", heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    return job


def test_a_failed_attempt_is_retried_and_the_job_completes(app_ctx, demo, failing_kinds):
    job = queued_job("test_fails_once")
    jobs.enqueue(job)
    job = db.session.get(BulkJob, job.id, populate_existing=True)
    assert (job.state, job.attempts, job.error, job.content) == ("done", 2, None, b"ok")
    assert failing_kinds == [1, 2]


def test_a_job_failing_every_attempt_is_failed_with_its_message(app_ctx, demo, failing_kinds, client, auth):
    job = queued_job("test_always_fails")
    jobs.enqueue(job)
    job = db.session.get(BulkJob, job.id, populate_existing=True)
    assert (job.state, job.attempts, job.error) == ("failed", 3, "ValueError: tệp hỏng")
    assert failing_kinds == [1, 2, 3]
    actions = db.session.execute(db.select(AuditEvent.action).where(AuditEvent.target_id == job.id)
                                 .order_by(AuditEvent.id)).scalars().all()
    assert actions == ["bulk_job_retried", "bulk_job_retried", "bulk_job_failed"]

    auth.login_as("reviewer")
    fragment = client.get(f"/review/bulk/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-job-state="failed"' in fragment and "hx-get" not in fragment
    assert "sau 3 lần thử: ValueError: tệp hỏng" in fragment


def test_a_job_no_worker_takes_is_failed_after_the_wait_limit(app_ctx, demo, client, auth):
    job = queued_job("templates")  # never enqueued: as if no worker were running
    app_ctx.config["KDWEB_JOB_QUEUE_WAIT_SECONDS"] = 0
    try:
        auth.login_as("reviewer")
        fragment = client.get(f"/review/bulk/{job.id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    finally:
        app_ctx.config["KDWEB_JOB_QUEUE_WAIT_SECONDS"] = 15 * 60
    assert 'data-job-state="failed"' in fragment and "chưa có tiến trình xử lý nào nhận việc" in fragment


def test_a_job_delivered_twice_runs_once(app_ctx, demo, failing_kinds):
    job = queued_job("test_fails_once")
    job.state = "done"
    db.session.commit()
    jobs.execute(job.id)  # a second delivery of a finished job
    assert failing_kinds == []

