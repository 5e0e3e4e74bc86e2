"""Concurrent uploads, submits and reviews on PostgreSQL keep every version and leave one outcome; a fault
injected between storing a file and saving its findings leaves no half-written state (both engines)."""
import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Finding, Person, Rating, Review, Submission, Unit, UnitCycle, Upload, User
from kdweb.services import uploads
from tests.workbooks import clean_values, fill, roster

postgres_only = pytest.mark.postgres  # row locks under real concurrency
PASSWORD = "mat-khau-du-dai"


def add_units(app, count):
    """Extra small reporting units with staff, so that twenty units can upload at once."""
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        district = db.session.execute(db.select(Unit).filter_by(code="BD")).scalar_one()
        codes = []
        for number in range(count):
            unit = Unit(code=f"BD.X{number:02d}", name=f"Chi bộ Thử nghiệm {number}", kind="grassroots_cell",
                        level="grassroots", group="Khối thử nghiệm", parent_id=district.id, reports=True)
            db.session.add(unit)
            db.session.flush()
            for index in range(3):
                db.session.add(Person(cycle_id=cycle.id, code=f"TX{number:02d}{index}", full_name=f"Đảng viên {index}",
                                      cell_id=unit.id, grassroots_id=unit.id))
            user = User(login=f"bd-x{number:02d}", full_name="Cán bộ", role="staff", unit_id=unit.id)
            user.set_password(PASSWORD)
            db.session.add_all([user, UnitCycle(cycle_id=cycle.id, unit_id=unit.id)])
            codes.append(unit.code)
        db.session.commit()
    return codes


def staff_client(app, login, password):
    client = app.test_client()
    assert client.post("/login", data={"login": login, "password": password}).status_code == 302
    return client


def prepared_upload(app, client, unit_code, remark=""):
    data = client.get(f"/units/{unit_code}/workbook.xlsx").data
    values = clean_values(roster(app, unit_code))
    return fill(data, lambda kind, code: dict(values(kind, code) or {}, remarks=remark) if values(kind, code) else None)


def post_upload(client, unit_code, data):
    return client.post(f"/units/{unit_code}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
                       content_type="multipart/form-data", headers={"HX-Request": "true"})


def run_together(jobs):
    barrier = threading.Barrier(len(jobs))

    def start(job):
        barrier.wait()
        return job()

    with ThreadPoolExecutor(len(jobs)) as pool:
        return list(pool.map(start, jobs))


@postgres_only
def test_twenty_units_upload_at_once(app, demo):
    extra = add_units(app, 12)
    logins = {u.unit_code: (u.login, u.password) for u in demo.users if u.role == "staff"}
    logins.update({code: (f"bd-x{code[-2:]}", PASSWORD) for code in extra})
    assert len(logins) == 20
    clients = {code: staff_client(app, *logins[code]) for code in logins}
    files = {code: prepared_upload(app, clients[code], code) for code in logins}
    responses = run_together([lambda code=code: post_upload(clients[code], code, files[code]) for code in logins])
    assert [r.status_code for r in responses] == [200] * 20
    with app.app_context():
        stored = db.session.execute(db.select(Upload.unit_id, Upload.version, Upload.outcome)).all()
        assert len(stored) == 20 and {version for _, version, _ in stored} == {1}
        assert {outcome for _, _, outcome in stored} == {"valid"}
        states = db.session.execute(db.select(UnitCycle.status, UnitCycle.latest_upload_id)).all()
        assert sum(1 for status, latest in states if status == "valid" and latest) == 20


@postgres_only
def test_five_uploads_at_once_for_one_unit_keep_five_versions(app, demo):
    login = next(u for u in demo.users if u.unit_code == "BD.P01")
    clients = [staff_client(app, login.login, login.password) for _ in range(5)]
    files = [prepared_upload(app, clients[0], "BD.P01", remark=f"lần {n}") for n in range(5)]
    responses = run_together([lambda n=n: post_upload(clients[n], "BD.P01", files[n]) for n in range(5)])
    assert [r.status_code for r in responses] == [200] * 5
    with app.app_context():
        versions = sorted(db.session.execute(db.select(Upload.version)).scalars())
        assert versions == [1, 2, 3, 4, 5]
        stored = {u.sha256 for u in db.session.execute(db.select(Upload)).scalars()}
        assert len(stored) == 5
        state = db.session.execute(db.select(UnitCycle).join(Unit).filter(Unit.code == "BD.P01")).scalar_one()
        latest = db.session.get(Upload, state.latest_upload_id)
        assert state.status == "valid" and latest.outcome == "valid"


@postgres_only
def test_double_submit_and_racing_reviews_leave_one_outcome(app, demo):
    login = next(u for u in demo.users if u.unit_code == "BD.P01")
    staff = [staff_client(app, login.login, login.password) for _ in range(2)]
    assert post_upload(staff[0], "BD.P01", prepared_upload(app, staff[0], "BD.P01")).status_code == 200
    with app.app_context():
        upload_id = db.session.execute(db.select(Upload.id)).scalar_one()
    answers = run_together([lambda c=c: c.post("/units/BD.P01/submit", data={"confirmed": "1", "upload_id": upload_id}) for c in staff])
    assert all(a.status_code in (303, 409) for a in answers)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Submission.id))) == 1
    reviewer = next(u for u in demo.users if u.role == "reviewer")
    reviewers = [staff_client(app, reviewer.login, reviewer.password) for _ in range(2)]
    answers = run_together([
        lambda: reviewers[0].post("/review/units/BD.P01/approve", data={"confirmed": "1"}, headers={"HX-Request": "true"}),
        lambda: reviewers[1].post("/review/units/BD.P01/return", data={"comment": "Trả lại"},
                                  headers={"HX-Request": "true"}),
    ])
    assert sorted(a.status_code for a in answers) == [200, 409]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Review.id))) == 1
        review = db.session.execute(db.select(Review)).scalar_one()
        state = db.session.execute(db.select(UnitCycle).join(Unit).filter(Unit.code == "BD.P01")).scalar_one()
        assert state.status == {"approve": "approved", "return": "returned"}[review.action]


def test_a_fault_between_storing_and_saving_findings_leaves_no_half_state(app, client, auth, monkeypatch):
    auth.login_as("staff", "BD.P01")
    data = prepared_upload(app, client, "BD.P01")

    def broken(upload, batch):
        raise RuntimeError("disk full")

    monkeypatch.setattr(uploads, "record_ratings", broken)
    response = post_upload(client, "BD.P01", data)
    assert response.status_code == 200
    assert "Tệp đã được lưu lại nguyên vẹn" in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(db.select(Upload)).scalar_one()
        assert stored.content == data and stored.outcome == "unchecked" and "nguyên vẹn" in stored.check_error
        assert db.session.scalar(db.select(db.func.count(Finding.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Rating.id))) == 0
        state = db.session.execute(db.select(UnitCycle).join(Unit).filter(Unit.code == "BD.P01")).scalar_one()
        assert state.valid_upload_id is None and state.latest_upload_id is None and state.status == "downloaded"
    monkeypatch.undo()
    retry = post_upload(client, "BD.P01", data)  # the same file again: checked again, not "identical"
    assert "Không có lỗi" in retry.get_data(as_text=True)
    with app.app_context():
        stored = db.session.execute(db.select(Upload)).scalar_one()
        assert stored.outcome == "valid" and stored.problem_code is None and stored.error_count == 0
