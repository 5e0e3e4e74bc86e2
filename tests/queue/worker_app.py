"""The app a test's queue worker runs (`flask --app tests.queue.worker_app worker`): kdweb, plus two job kinds whose
pace the test controls through files in KDWEB_TEST_GATE, so it can kill a worker in the middle of a job; and the
roster import held there, when asked, after its first batch of members is written (batches of two members here)."""
import os
import time
from pathlib import Path

from kdweb import create_app
from kdweb.services import jobs
from kdweb.services.admin import roster_import, roster_jobs


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


def written_then_held_at_the_gate(job, done: int, total: int) -> None:
    """The roster import's progress after a batch; when the test asks it (a file `hold-writes`), it then says so and
    waits for the gate, its transaction open: the test kills the worker there."""
    reports_written(job, done, total)
    if not (Path(os.environ["KDWEB_TEST_GATE"]) / "hold-writes").exists():
        return
    (Path(os.environ["KDWEB_TEST_GATE"]) / f"writing-{job.id}").touch()
    while not gate(job.id).exists():
        time.sleep(0.1)


reports_written = roster_jobs.written
roster_jobs.written = written_then_held_at_the_gate
roster_import.WRITE_BATCH = 2
jobs.register("test_gate", waits_for_the_gate)
jobs.register("test_stuck", hangs_without_beating)
app = create_app()
