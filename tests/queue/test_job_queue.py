"""The job queue with its real broker: Redis and separate worker processes (`flask worker`), as in production.

A job survives the kill of the worker running it (any app server sees it stopped beating, hands it back to the
queue, and another worker finishes it); a stuck job turns failed with a message and the page stops polling."""
import signal
import time

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, User
from kdweb.models.base import utcnow
from kdweb.services import bulk, jobs
from tests.queue.redis_workers import wait_for

pytestmark = pytest.mark.slow  # `flask worker` processes, a heartbeat to outlive


def queue_job(server, kind: str, max_attempts: int = 3) -> int:
    with server.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalars().first()
        job = BulkJob(kind=kind, cycle_id=cycle.id, requested_by_id=reviewer.id, max_attempts=max_attempts,
                      filename="test.zip", heartbeat_at=utcnow())
        db.session.add(job)
        db.session.commit()
        jobs.enqueue(job)
        job_id = job.id
        db.session.remove()
    return job_id


def test_a_job_survives_the_kill_of_its_worker_and_completes(redis_app, workers, tmp_path):
    job_id = queue_job(redis_app, "test_gate")
    first = workers.start()
    wait_for(redis_app, job_id, lambda job: job.state == "running" and job.total_count == 1, workers)
    first.send_signal(signal.SIGKILL)  # no chance to finish or to say goodbye
    first.wait()
    (tmp_path / f"open-{job_id}").touch()
    workers.start()
    job = wait_for(redis_app, job_id, lambda job: job.state not in ("queued", "running"), workers)
    assert (job.state, job.attempts, job.error) == ("done", 2, None), workers.logs()
    with redis_app.app_context():
        content = db.session.get(BulkJob, job_id).content
        retried = db.session.execute(db.select(AuditEvent).filter_by(action="bulk_job_retried")).scalars().all()
    assert content == b"finished by attempt 2"
    assert [event.target_id for event in retried] == [job_id]


def test_a_stuck_job_turns_failed_and_its_page_stops_polling(redis_app, workers, tmp_path, client, auth,
                                                              monkeypatch):
    monkeypatch.setitem(bulk.KINDS, "test_stuck", "Việc thử bị treo")  # shown by the bulk page, as a bulk zip is
    job_id = queue_job(redis_app, "test_stuck", max_attempts=1)
    workers.start()
    job = wait_for(redis_app, job_id, lambda job: job.state == "failed", workers)
    assert job.attempts == 1 and "ngừng báo tiến độ" in job.error, job.error

    auth.login_as("reviewer")
    fragment = client.get(f"/review/bulk/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-job-state="failed"' in fragment and "hx-trigger" not in fragment
    assert "Không tạo được tệp sau 1 lần thử" in fragment and "ngừng báo tiến độ" in fragment

    (tmp_path / f"open-{job_id}").touch()  # the stuck attempt wakes up: it no longer owns the job, keeps nothing
    deadline = time.monotonic() + 30
    while "taken for stuck" not in workers.logs() and time.monotonic() < deadline:
        time.sleep(0.2)
    with redis_app.app_context():
        job = db.session.get(BulkJob, job_id)
        assert (job.state, job.content) == ("failed", None), workers.logs()


def test_a_bulk_zip_runs_on_a_worker(redis_app, workers, demo):
    with redis_app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalars().first()
        job_id = bulk.start("templates", cycle, reviewer).id
        db.session.remove()
    workers.start()
    job = wait_for(redis_app, job_id, lambda job: job.state not in ("queued", "running"), workers, seconds=120)
    assert (job.state, job.done_count) == ("done", len(demo.reporting_units)), workers.logs()
