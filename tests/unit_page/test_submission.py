"""Submit only when clean; warnings need acknowledging; one submission however often it is clicked;
returned accepts a new upload; approved is locked."""
from kdweb.extensions import db
from kdweb.models import Cycle, Submission, Unit, UnitCycle, Upload, User
from kdweb.services import workflow
from tests.unit_page.conftest import UNIT, upload


def only_upload_id(app, version=1):
    with app.app_context():
        return db.session.execute(db.select(Upload.id).filter_by(version=version)).scalar_one()


def review(app, action, comment=None):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        unit = db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one()
        reviewer = db.session.execute(db.select(User).filter_by(role="reviewer")).scalar_one()
        workflow.review(cycle, unit, reviewer, action, comment)
        db.session.commit()


def test_submit_refused_with_errors(client, app, download):
    upload(client, download())  # blank levels: errors
    with app.app_context():
        state = db.session.execute(db.select(UnitCycle).join(UnitCycle.unit).filter_by(code=UNIT)).scalar_one()
        assert state.status == "has_errors" and state.valid_upload_id is None
    response = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app)},
                           headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "phiên bản hợp lệ" in response.get_data(as_text=True)
    assert "Nộp kết quả</button>" not in client.get(f"/units/{UNIT}").get_data(as_text=True)


def test_double_submit_creates_one_submission(client, app, clean_workbook):
    upload(client, clean_workbook)
    upload_id = only_upload_id(app)
    first = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id}, headers={"HX-Request": "true"})
    second = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id}, headers={"HX-Request": "true"})
    assert first.status_code == second.status_code == 200
    assert "đã được nộp trước đó" in second.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Submission.id))) == 1


def test_warnings_need_acknowledgement(client, app, download, batch):
    from kdweb.rules import SubjectKind
    from tests.workbooks import clean_values, fill

    values = clean_values(batch)
    member = next(m for m in batch.members if m.is_civil_servant and not (m.exempt or m.suspended or m.temporary_activity))
    # a monthly civil-service rating far below the yearly level is a warning (M-MONTHLY), not an error
    with_warning = fill(download(), lambda k, c: dict(values(k, c), monthly_ratings="Hoàn thành nhiệm vụ",
                                                      level="Hoàn thành xuất sắc nhiệm vụ",
                                                      civil_rating="Hoàn thành xuất sắc nhiệm vụ",
                                                      **{f: "Xuất sắc" for f in values(k, c) if f.startswith("grade:")})
                        if k is SubjectKind.MEMBER and c == member.code else values(k, c))
    upload(client, with_warning)
    with app.app_context():
        stored = db.session.execute(db.select(Upload)).scalar_one()
        assert stored.outcome == "valid", [f.message for f in stored.findings if f.severity == "error"]
        assert stored.warning_count >= 1
    refused = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app)}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "cảnh báo" in refused.get_data(as_text=True)
    accepted = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app), "acknowledge_warnings": "1"},
                           headers={"HX-Request": "true"})
    assert accepted.status_code == 200
    with app.app_context():
        assert db.session.execute(db.select(Submission)).scalar_one().warnings_acknowledged


def test_returned_shows_comment_and_accepts_a_new_upload(client, app, clean_workbook, download, batch):
    from tests.workbooks import clean_values, fill
    from kdweb.rules import Level

    upload(client, clean_workbook)
    client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app)})
    assert upload(client, clean_workbook).status_code == 409  # waiting for review: no uploads
    review(app, "return", "Đề nghị xem lại số đảng viên xếp loại HTNV.")
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Đề nghị xem lại số đảng viên xếp loại HTNV." in page and "Bị trả lại" in page
    corrected = fill(download(), clean_values(batch, level=Level.HTNV))
    response = upload(client, corrected)
    assert response.status_code == 200 and "Không có lỗi" in response.get_data(as_text=True)
    resubmitted = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app, 2)})
    assert resubmitted.status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Submission.id))) == 2


def test_approved_is_locked_until_reopened(client, app, clean_workbook):
    upload(client, clean_workbook)
    client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": only_upload_id(app)})
    review(app, "approve")
    refused = upload(client, clean_workbook)
    assert refused.status_code == 409 and "đã được duyệt và khóa" in refused.get_data(as_text=True)
    assert "Đã duyệt" in client.get(f"/units/{UNIT}").get_data(as_text=True)
    review(app, "reopen", "Mở lại để bổ sung nhận xét.")
    assert upload(client, clean_workbook).status_code == 200
