"""The district checks are computed by a queue job when something they read changes, and stored: the page reads
the stored result (never the ratings), says when it was computed and whether a new computation is pending; a
burst of changes asks for one computation, not one each."""
import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Cycle, DistrictCheck
from kdweb.services import audit, checks_store, jobs


@pytest.fixture
def held_queue(monkeypatch):
    """A queue whose worker is busy: jobs are enqueued (and counted) but not run yet."""
    enqueued = []
    monkeypatch.setattr(jobs, "enqueue", lambda job, delay=0: enqueued.append((job.id, job.kind)))
    return enqueued


def checks_jobs(app, states=None):
    with app.app_context():
        query = db.select(BulkJob.state).filter_by(kind=checks_store.KIND).order_by(BulkJob.id)
        found = db.session.execute(query).scalars().all()
        db.session.remove()
    return [state for state in found if states is None or state in states]


def stored(app):
    with app.app_context():
        row = db.session.execute(db.select(DistrictCheck)).scalar_one_or_none()
        result = None if row is None else (row.basis_event_id, row.unit_count, row.finding_count)
        db.session.remove()
    return result


def test_a_submission_has_the_checks_computed_and_the_page_reads_them(client, auth, app, submit_unit, statements):
    submit_unit("BD.P01")  # the immediate queue computes in the request that submits
    basis, unit_count, _findings = stored(app)
    assert unit_count == 1
    with app.app_context():
        submitted = db.session.scalar(db.select(db.func.max(AuditEvent.id)).filter_by(action="submitted"))
        db.session.remove()
    assert basis >= submitted
    auth.login_as("reviewer")
    statements.clear()
    page = client.get("/review/checks").get_data(as_text=True)
    assert not [s for s in statements if "FROM ratings" in s], statements
    assert "1 đơn vị đã nộp" in page and "tính lúc" in page and "data-checks-pending" not in page
    assert checks_jobs(app) == ["done"]  # earlier computations are pruned; the last one tells


def test_a_burst_of_changes_asks_for_one_computation(app_ctx, demo, held_queue):
    cycle = db.session.execute(db.select(Cycle)).scalar_one()
    for _ in range(3):
        audit.record("unit_moved", detail="x")
        db.session.commit()
        checks_store.request_due()
    assert [kind for _, kind in held_queue] == [checks_store.KIND]
    waiting = checks_store.waiting_job(cycle)
    assert waiting.state == "queued" and waiting.requested_by_id is None


def test_a_change_rolled_back_or_not_in_the_list_asks_for_nothing(app_ctx, demo, held_queue):
    audit.record("approved")
    db.session.rollback()
    checks_store.request_due()
    audit.record("login")
    db.session.commit()
    checks_store.request_due()
    assert held_queue == []


def test_the_page_shows_a_pending_computation_and_the_result_before_it(client, auth, app, submit_unit,
                                                                        monkeypatch):
    submit_unit("BD.P01")
    enqueued = []
    monkeypatch.setattr(jobs, "enqueue", lambda job, delay=0: enqueued.append(job.id))
    submit_unit("BD.P02")
    assert len(enqueued) == 1 and checks_jobs(app, ("queued",)) == ["queued"]
    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    assert 'data-checks-pending="queued"' in page and "kết quả dưới đây là của lần tính trước" in page
    assert "1 đơn vị đã nộp" in page  # the stored result, until the worker computes the new one
    with app.app_context():
        jobs.execute(enqueued[0])  # the worker takes it
        db.session.remove()
    page = client.get("/review/checks").get_data(as_text=True)
    assert "2 đơn vị đã nộp" in page and "data-checks-pending" not in page


def test_a_result_behind_the_audit_log_is_computed_again_by_the_page(client, auth, app, demo, held_queue):
    """A change made outside a request (a command): the page sees the stored result is behind and asks."""
    auth.login_as("reviewer")
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        db.session.add(DistrictCheck(cycle_id=cycle.id, basis_event_id=0, names_json="{}", findings_json="[]"))
        db.session.commit()
        db.session.remove()
    page = client.get("/review/checks").get_data(as_text=True)
    assert [kind for _, kind in held_queue] == [checks_store.KIND] and "data-checks-pending" in page
    client.get("/review/checks")
    assert len(held_queue) == 1  # already waiting: not asked twice


def test_a_failed_computation_is_said_on_the_page(client, auth, app, demo, monkeypatch):
    def broken(cycle, alive):
        raise RuntimeError("hết bộ nhớ")
    monkeypatch.setattr(checks_store, "district_findings", broken)
    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    assert "Lần tính lại gần nhất không thành công" in page and "hết bộ nhớ" in page
    assert checks_jobs(app) == ["failed"]


def test_many_findings_are_paged(client, auth, app, demo, monkeypatch):
    import json
    monkeypatch.setattr(checks_store, "PAGE_SIZE", 2)
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        last = db.session.scalar(db.select(db.func.max(AuditEvent.id))) or 0
        findings = [{"rule": "Q-20", "severity": "warning", "unit_code": None, "message": f"vấn đề số {n}"}
                    for n in range(5)]
        db.session.add(DistrictCheck(cycle_id=cycle.id, basis_event_id=last + 1000, names_json="{}",
                                     findings_json=json.dumps(findings), finding_count=5))
        db.session.commit()
        db.session.remove()
    auth.login_as("reviewer")
    second = client.get("/review/checks?page=2").get_data(as_text=True)
    assert "vấn đề số 2" in second and "vấn đề số 3" in second and "vấn đề số 1" not in second
    assert 'aria-current="page">2<' in second and "?page=3" in second
