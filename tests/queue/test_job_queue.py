"""The job queue with its real broker: Redis and separate worker processes (`flask worker`), as in production.

A job survives the kill of the worker running it (any app server sees it stopped beating, hands it back to the
queue, and another worker finishes it); a stuck job turns failed with a message and the page stops polling."""
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from kdweb import create_app
from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, User
from kdweb.models.base import utcnow
from kdweb.services import bulk, jobs
from tests.conftest import TEST_SECRET, app_config

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("KDWEB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
HEARTBEAT_SECONDS = 1.5


@pytest.fixture
def queue_name():
    """A queue of this test's own on the shared Redis; emptied afterwards."""
    name = f"kdweb-test-{uuid.uuid4().hex[:10]}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"huey.*{name}*"):
        connection.delete(key)


@pytest.fixture
def redis_app(app, demo, queue_name):
    """A second app server on the test database, enqueueing to Redis."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    server = create_app(app_config(url, KDWEB_QUEUE=REDIS_URL, KDWEB_QUEUE_NAME=queue_name,
                                   KDWEB_JOB_HEARTBEAT_SECONDS=HEARTBEAT_SECONDS, KDWEB_JOB_RETRY_DELAY_SECONDS=0))
    yield server
    with server.app_context():
        db.session.remove()
        db.engine.dispose()


class Workers:
    """`flask --app tests.queue.worker_app worker` processes on the test database and this test's queue."""

    def __init__(self, app, queue_name, folder: Path):
        self.folder, self.processes = folder, []
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
        self.env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=TEST_SECRET,
                        KDWEB_QUEUE=REDIS_URL, KDWEB_QUEUE_NAME=queue_name, KDWEB_TEST_GATE=str(folder),
                        KDWEB_JOB_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS), KDWEB_JOB_RETRY_DELAY_SECONDS="0")

    def start(self) -> subprocess.Popen:
        log = open(self.folder / f"worker-{len(self.processes)}.log", "wb")
        process = subprocess.Popen([sys.executable, "-m", "flask", "--app", "tests.queue.worker_app", "worker",
                                    "--workers", "1"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def logs(self) -> str:
        return "\n".join(path.read_text(errors="replace")[-2000:] for path in sorted(self.folder.glob("worker-*.log")))

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def workers(app, queue_name, tmp_path):
    pool = Workers(app, queue_name, tmp_path)
    yield pool
    pool.stop_all()


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


def wait_for(server, job_id, condition, workers, seconds=60) -> BulkJob:
    """Poll the job as the status page does (jobs.status also takes a silent job for stuck)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with server.app_context():
            job = jobs.status(job_id)
            db.session.expunge(job)
            db.session.remove()
        if condition(job):
            return job
        time.sleep(0.2)
    pytest.fail(f"job {job_id} stayed {job.state} (attempt {job.attempts}, {job.error})\n{workers.logs()}")


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


def test_a_stuck_job_turns_failed_and_its_page_stops_polling(redis_app, workers, tmp_path, client, auth):
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
