"""The app a test's queue worker runs (`flask --app tests.queue.worker_app worker`): kdweb, plus two job kinds whose
pace the test controls through files in KDWEB_TEST_GATE, so it can kill a worker in the middle of a job."""
import os
import time
from pathlib import Path

from kdweb import create_app
from kdweb.services import jobs


def gate(job_id: int) -> Path:
    return Path(os.environ["KDWEB_TEST_GATE"]) / f"open-{job_id}"


def waits_for_the_gate(job) -> None:
    """A long job: beats while it waits, as a zip of many units does between units."""
    job.total_count = 1
    jobs.beat(job)
    while not gate(job.id).exists():
        time.sleep(0.1)
        jobs.beat(job)
    job.done_count, job.content = 1, f"finished by attempt {job.attempts}".encode()


def hangs_without_beating(job) -> None:
    """A stuck job: beats once, then stops giving news until the gate opens."""
    jobs.beat(job)
    while not gate(job.id).exists():
        time.sleep(0.1)
    job.content = b"finished after being taken for stuck"


jobs.register("test_gate", waits_for_the_gate)
jobs.register("test_stuck", hangs_without_beating)
app = create_app()
