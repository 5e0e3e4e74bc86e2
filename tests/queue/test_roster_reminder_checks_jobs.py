"""The roster export, the roster import, the reminders and the district checks are jobs of the same machinery
(kdweb/services/jobs.py): run by real `flask worker` processes from a Redis queue, their row telling any app server
the outcome. (A worker's kill and a stuck job are tested once, on that machinery: tests/queue/test_job_queue.py.)"""
import io
import time
from datetime import datetime

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, DistrictCheck, Person, RosterImport, User
from kdweb.queue import current_queue
from kdweb.services import audit, checks_store, notifications_jobs
from kdweb.services.admin import roster_import as import_service, roster_jobs
from kdweb.services.admin.roster_template import ROSTER_SHEET
from tests.admin.files import HEADERS, xlsx
from tests.queue.redis_workers import SharedWorker, queue_of_its_own, wait_for

pytestmark = [pytest.mark.slow,  # a `flask worker` process
              pytest.mark.xdist_group("queue-shared-worker")]  # on one xdist worker: the module's worker is shared


@pytest.fixture(scope="module")
def queue_name():
    """One queue for this module's tests, emptied at the end (tests/queue/conftest.py's, for a module)."""
    yield from queue_of_its_own()


@pytest.fixture(scope="module")
def shared_worker(app, queue_name, tmp_path_factory):
    """One `flask worker` for this module's tests, started by the first that asks (each start is an interpreter,
    the app and its sandbox: some 2 s of CPU): these tests only need a worker to take their job. The kill and the
    stuck job, which need a worker of their own, are in tests/queue/test_job_queue.py and test_roster_import_kill.py."""
    pool = SharedWorker(app, queue_name, tmp_path_factory.mktemp("worker"))
    yield pool
    pool.stop_all()


@pytest.fixture
def workers(shared_worker, redis_app):
    """The shared worker; after the test, before its database is emptied, the jobs it holds are finished (a job's
    follow-up too, as the district checks after a roster import), so none of them runs into the next test's rows."""
    yield shared_worker
    deadline = time.monotonic() + 60
    while in_app(redis_app, lambda: db.session.scalar(db.select(db.func.count(BulkJob.id))
                                                      .where(BulkJob.state.in_(("queued", "running"))))):
        assert time.monotonic() < deadline, f"the shared worker's jobs never finished\n{shared_worker.logs()}"
        time.sleep(0.1)


def finished(job) -> bool:
    return job.state not in ("queued", "running")


def in_app(server, function):
    with server.app_context():
        try:
            return function()
        finally:
            db.session.remove()


def open_cycle_and_admin():
    return (db.session.execute(db.select(Cycle)).scalar_one(),
            db.session.execute(db.select(User).filter_by(role="admin")).scalars().first())


def test_the_roster_export_is_built_by_a_worker(redis_app, workers, demo):
    job_id = in_app(redis_app, lambda: roster_jobs.start_export(*open_cycle_and_admin()).id)
    workers.start()
    job = wait_for(redis_app, job_id, finished, workers)
    assert (job.state, job.done_count) == ("done", len(demo.persons)), workers.logs()
    content = in_app(redis_app, lambda: db.session.get(BulkJob, job_id).content)
    sheet = load_workbook(io.BytesIO(content), read_only=True)[ROSTER_SHEET]
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert {person.code for person in demo.persons} <= codes


def test_a_roster_import_is_applied_by_a_worker(redis_app, workers, demo):
    content = xlsx([HEADERS, [1, "DV900001", "Phạm Văn Mới", "15/12/1990", "Nam", "BD.P01.C01", "2020-05-19", "Có", ""]])

    def confirm():
        _cycle, admin = open_cycle_and_admin()
        kept = import_service.receive_file(admin, "moi.xlsx", content)
        preview = import_service.preview(kept)
        assert preview.dry_run and not preview.dry_run.errors
        return roster_jobs.start_import(admin, kept, sheet=None, header_row=None, mapping=preview.mapping,
                                        expected=(len(preview.dry_run.added), len(preview.dry_run.updated),
                                                  len(preview.dry_run.founded)),
                                        valid_only=False).id, kept.id
    job_id, import_id = in_app(redis_app, confirm)
    assert in_app(redis_app, lambda: db.session.get(RosterImport, import_id).state) == "preview"  # not yet
    workers.start()
    job = wait_for(redis_app, job_id, finished, workers)
    assert job.state == "done", (job.error, workers.logs())
    assert in_app(redis_app, lambda: (db.session.get(RosterImport, import_id).state,
                                      db.session.scalar(db.select(db.func.count(Person.id))
                                                        .filter_by(code="DV900001")))) == ("applied", 1)


def test_the_reminders_run_as_a_job_on_a_worker(redis_app, workers, demo):
    job_id = in_app(redis_app, lambda: notifications_jobs.start().id)
    workers.start()
    job = wait_for(redis_app, job_id, finished, workers)
    assert job.state == "done" and set(job.params) >= {"deadline_soon", "overdue"}, (job.error, workers.logs())


def test_a_change_has_the_district_checks_computed_by_a_worker(redis_app, workers, demo):
    def change():
        audit.record("approved")
        db.session.commit()
        checks_store.request_due()
        return db.session.execute(db.select(BulkJob.id).filter_by(kind=checks_store.KIND)).scalar_one()
    job_id = in_app(redis_app, change)
    workers.start()
    job = wait_for(redis_app, job_id, finished, workers)
    assert job.state == "done", (job.error, workers.logs())
    basis, last = in_app(redis_app, lambda: (db.session.execute(db.select(DistrictCheck.basis_event_id)).scalar_one(),
                                             db.session.scalar(db.select(db.func.max(AuditEvent.id)))))
    assert basis == last


def test_the_workers_run_the_reminders_every_day_at_the_configured_time(redis_app):
    with redis_app.app_context():
        huey = current_queue().huey
        due = {task.name for task in huey.read_periodic(datetime(2026, 12, 7, 0, 30))}
        later = {task.name for task in huey.read_periodic(datetime(2026, 12, 7, 0, 31))}
    assert "remind" in due and "remind" not in later
