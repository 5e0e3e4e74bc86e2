"""Records named by a URL, or 404: the view-side lookups shared by several blueprints."""
from flask import abort

from kdweb.extensions import db
from kdweb.models import BulkJob
from kdweb.services import jobs
from kdweb.services.cycles import cycle_by_year, open_cycle


def cycle_or_404(year: int):
    return cycle_by_year(year) or abort(404)


def open_cycle_or_404():
    return open_cycle() or abort(404)


def job_or_404(job_id: int, kinds) -> BulkJob:
    """The job as it stands, if it is one of `kinds`: each job's page shows its own kinds only."""
    job = jobs.status(job_id)
    if job is None or job.kind not in kinds:
        abort(404)
    return job


def finished_job_or_404(job_id: int, kinds) -> BulkJob:
    """The job, if it is one of `kinds` and done: its file is ready."""
    job = db.get_or_404(BulkJob, job_id)
    if job.state != "done" or job.kind not in kinds:
        abort(404)
    return job
