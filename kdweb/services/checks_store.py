"""The district checks, computed by a queue job whenever what they read changes and stored (one row per cycle),
so the checks page reads one row instead of every rating of the city (seconds of CPU at city scale).

A change is an audited action in checks_due.MATTERS: `audit.record` notes it on the session and, once that transaction has
committed, `request_due` (after each request and each job) asks for a computation — unless one is already
waiting in the queue, so two hundred uploads in a minute cost a few computations, not two hundred. The page asks
too when it finds the stored result behind the audit log (a change made by a command, or a lost job)."""
import json
import time
from dataclasses import dataclass

from flask import current_app

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, DistrictCheck
from kdweb.models.base import utcnow
from kdweb.rules import Severity
from kdweb.services import checks_due, jobs
from kdweb.services.district_checks import district_findings

KIND = "district_checks"
PAGE_SIZE = 200
SEVERITY_TEXTS = {severity.value: severity.text for severity in Severity}


def request_due(_response=None):
    """After a request or a job: a computation for the open cycle if a committed change asked for one."""
    if checks_due.committed_change():
        from kdweb.services.cycles import open_cycle
        cycle = open_cycle()
        if cycle is not None:
            request(cycle)
    return _response


def init_app(app) -> None:
    app.after_request(request_due)


def request(cycle) -> BulkJob | None:
    """A computation job, unless one is waiting already (it will see this change: it has not started)."""
    if waiting_job(cycle, ("queued",)) is not None:
        return None
    job = jobs.create(KIND, cycle.id, max_attempts=2)
    db.session.commit()
    jobs.enqueue(job, delay=current_app.config.get("KDWEB_CHECKS_DELAY_SECONDS", 0))
    return job


def waiting_job(cycle, states=("queued", "running")) -> BulkJob | None:
    return db.session.execute(
        db.select(BulkJob).where(BulkJob.kind == KIND, BulkJob.cycle_id == cycle.id, BulkJob.state.in_(states))
        .order_by(BulkJob.id.desc()).limit(1)).scalar_one_or_none()


def compute(job: BulkJob) -> None:
    cycle = db.session.get(Cycle, job.cycle_id)
    job.total_count = 1
    jobs.beat(job)
    basis = db.session.scalar(db.select(db.func.max(AuditEvent.id))) or 0
    started = time.process_time()
    findings, names, unit_count = district_findings(cycle, jobs.beating(job))
    stored = db.session.execute(db.select(DistrictCheck).filter_by(cycle_id=cycle.id)).scalar_one_or_none()
    if stored is None:
        stored = DistrictCheck(cycle_id=cycle.id)
        db.session.add(stored)
    shown = [{"rule": finding.rule, "severity": finding.severity.value, "unit_code": finding.unit_code,
              "message": finding.message} for finding in findings]
    named = {finding.unit_code for finding in findings}
    stored.findings_json = json.dumps(shown, ensure_ascii=False)
    stored.names_json = json.dumps({code: name for code, name in names.items() if code in named}, ensure_ascii=False)
    stored.basis_event_id, stored.computed_at = basis, utcnow()
    stored.unit_count, stored.finding_count = unit_count, len(shown)
    stored.cpu_seconds = round(time.process_time() - started, 3)
    job.done_count = 1
    db.session.execute(db.delete(BulkJob).where(  # earlier computations of this cycle: only the last one tells
        BulkJob.kind == KIND, BulkJob.cycle_id == cycle.id, BulkJob.id < job.id, BulkJob.state.in_(("done", "failed"))))


@dataclass
class ChecksPage:
    stored: DistrictCheck | None
    pending: BulkJob | None  # a computation waiting or running: the result shown is about to change
    failed: BulkJob | None  # the last computation failed (the result shown is the one before it)
    findings: list[dict]
    names: dict[str, str]
    page: int
    page_count: int


def page(cycle, number: int = 1) -> ChecksPage:
    """What the checks page shows: the stored result (one page of it), when it was computed, whether it is behind."""
    stored = db.session.execute(db.select(DistrictCheck).filter_by(cycle_id=cycle.id)).scalar_one_or_none()
    pending = waiting_job(cycle)
    if pending is None and (stored is None or behind(stored)):
        pending = request(cycle)
        if pending is not None:
            db.session.expire_all()  # an immediate queue has already computed it
            stored = db.session.execute(db.select(DistrictCheck).filter_by(cycle_id=cycle.id)).scalar_one_or_none()
            pending = waiting_job(cycle)
    last = db.session.execute(db.select(BulkJob).where(BulkJob.kind == KIND, BulkJob.cycle_id == cycle.id)
                              .order_by(BulkJob.id.desc()).limit(1)).scalar_one_or_none()
    if stored is None:
        return ChecksPage(None, pending, last if last and last.state == "failed" else None, [], {}, 1, 1)
    findings = json.loads(stored.findings_json or "[]")
    page_count = max(1, -(-len(findings) // PAGE_SIZE))
    number = min(max(number, 1), page_count)
    return ChecksPage(stored, pending, last if last and last.state == "failed" else None,
                      findings[(number - 1) * PAGE_SIZE:number * PAGE_SIZE], json.loads(stored.names_json or "{}"),
                      number, page_count)


def behind(stored: DistrictCheck) -> bool:
    """An event that matters after the one the stored result saw (an index range on the audit log's key)."""
    return db.session.execute(db.select(AuditEvent.id).where(
        AuditEvent.id > stored.basis_event_id, AuditEvent.action.in_(checks_due.MATTERS)).limit(1)).first() is not None


jobs.register(KIND, compute, title="Kiểm tra toàn quận", noun="lần tính")
