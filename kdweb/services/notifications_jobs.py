"""The deadline reminders as a queue job: run every day by the workers' schedule (KDWEB_REMIND_AT, kdweb/queue.py)
or at once by `flask remind`. The job's row says when they last ran and how many were written; a failed run
(the mail server down) is retried like any job, and sending each reminder once is `remind`'s own guarantee."""
import json

from kdweb.extensions import db
from kdweb.models import BulkJob
from kdweb.services import jobs
from kdweb.services.cycles import open_cycle
from kdweb.services.notifications import remind

KIND = "remind"


def start(*, run_here: bool = False) -> BulkJob | None:
    """A reminder job for the open cycle (None without one), handed to the workers, or run in this process."""
    cycle = open_cycle()
    if cycle is None:
        return None
    job = jobs.create(KIND, cycle.id)
    db.session.commit()
    if run_here:
        jobs.execute(job.id)
    else:
        jobs.enqueue(job)
    return db.session.get(BulkJob, job.id, populate_existing=True)


def run(job: BulkJob) -> None:
    counts = remind()
    job.params_json = json.dumps(counts)
    job.total_count = job.done_count = counts["deadline_soon"] + counts["overdue"]


jobs.register(KIND, run, title="Nhắc hạn nộp kết quả", noun="thông báo")
