"""Helpers of the tests with the real broker: `flask worker` processes on the test database and a Redis queue of
the test's own (in KDWEB_TEST_REDIS_URL, redis://127.0.0.1:6379/0 by default, whose database number each xdist
worker shifts by its index), and polling a job as its page does."""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis

from kdweb.extensions import db
from kdweb.models import BulkJob
from kdweb.services import jobs
from tests.conftest import TEST_SECRET
from tests.per_worker import redis_url

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = redis_url(os.environ.get("KDWEB_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))  # per xdist worker
HEARTBEAT_SECONDS = 1.5


class Workers:
    """`flask --app tests.queue.worker_app worker` processes on the test database and this test's queue."""

    def __init__(self, app, queue_name, folder: Path):
        self.folder, self.processes = folder, []
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
        self.env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=TEST_SECRET,
                        KDWEB_QUEUE=REDIS_URL, KDWEB_QUEUE_NAME=queue_name, KDWEB_TEST_GATE=str(folder),
                        KDWEB_JOB_HEARTBEAT_SECONDS=str(HEARTBEAT_SECONDS), KDWEB_JOB_RETRY_DELAY_SECONDS="0", KDWEB_CHECKS_DELAY_SECONDS="0")

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


def queue_of_its_own():
    """A queue name of its own on the shared Redis (a generator, for a fixture): its keys deleted afterwards."""
    name = f"kdweb-test-{uuid.uuid4().hex[:10]}"
    yield name
    connection = redis.Redis.from_url(REDIS_URL)
    for key in connection.scan_iter(f"huey.*{name}*"):
        connection.delete(key)


class SharedWorker(Workers):
    """One worker for several tests: `start` starts it the first time, and gives the running one after."""

    def start(self) -> subprocess.Popen:
        if self.processes and self.processes[-1].poll() is None:
            return self.processes[-1]
        return super().start()


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
