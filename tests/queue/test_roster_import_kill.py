"""The roster import on a real worker: its progress counted in members written, and a worker killed in the middle of
the writes leaves nothing written, so the next attempt writes every member once (tests/queue/worker_app.py holds
the import after its first batch of two members)."""
import signal
import time

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, Person, RosterImport
from kdweb.services.admin import roster_import as import_service, roster_jobs
from tests.admin.files import HEADERS, xlsx
from tests.conftest import ON_POSTGRES
from tests.queue.redis_workers import wait_for
from tests.queue.test_roster_reminder_checks_jobs import finished, in_app, open_cycle_and_admin

pytestmark = pytest.mark.slow  # `flask worker` processes, one killed

NEW_CODES = [f"DV90000{number}" for number in range(1, 6)]


def confirmed_import(server) -> tuple[int, int]:
    rows = [[number, code, f"Đảng viên Mới {number}", "15/12/1990", "Nam", "BD.P01.C01", "", "", ""]
            for number, code in enumerate(NEW_CODES, start=1)]

    def confirm():
        _cycle, admin = open_cycle_and_admin()
        kept = import_service.receive_file(admin, "moi.xlsx", xlsx([HEADERS, *rows]))
        run = import_service.preview(kept).dry_run
        assert len(run.added) == 5 and not run.errors
        return roster_jobs.start_import(admin, kept, sheet=None, header_row=None,
                                        mapping=import_service.preview(kept).mapping, expected=(5, 0, 0),
                                        valid_only=False).id, kept.id
    return in_app(server, confirm)


def new_members(server) -> list[str]:
    return in_app(server, lambda: db.session.execute(
        db.select(Person.code).where(Person.code.in_(NEW_CODES)).order_by(Person.code)).scalars().all())


def wait_for_file(path, workers, seconds=60):
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            pytest.fail(f"{path.name} never appeared\n{workers.logs()}")
        time.sleep(0.1)


def test_a_worker_killed_mid_import_leaves_nothing_and_the_retry_writes_each_member_once(
        redis_app, workers, demo, tmp_path):
    job_id, import_id = confirmed_import(redis_app)
    (tmp_path / "hold-writes").touch()
    first = workers.start()
    wait_for_file(tmp_path / f"writing-{job_id}", workers)  # two members written, the transaction still open
    if ON_POSTGRES:  # committed aside: any app server sees it (SQLite's one writer is the import itself)
        job = wait_for(redis_app, job_id, lambda job: job.done_count == 2, workers)
        assert (job.state, job.done_count, job.total_count) == ("running", 2, 5)
    assert new_members(redis_app) == []  # nothing is seen before the import commits
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert new_members(redis_app) == []  # the kill rolled the batch back

    (tmp_path / f"open-{job_id}").touch()
    workers.start()
    job = wait_for(redis_app, job_id, finished, workers)
    # (a fresh worker's first read starts its sandbox, which may outlast the tests' 1.5 s heartbeat: an attempt
    # more, taken for stuck and rolled back too, whose writes must not count either)
    assert job.attempts >= 2 and (job.state, job.done_count, job.total_count) == ("done", 5, 5), (
        job.error, workers.logs())
    assert new_members(redis_app) == NEW_CODES  # each once: nothing doubled
    assert in_app(redis_app, lambda: (db.session.get(RosterImport, import_id).state,
                                      db.session.get(RosterImport, import_id).added_count,
                                      db.session.scalar(db.select(db.func.count(AuditEvent.id))
                                                        .filter_by(action="roster_imported")))) == ("applied", 5, 1)
