import io
import zipfile

from kdweb.extensions import db
from kdweb.models import AuditEvent, BulkJob, Review


def audit_actions(app):
    with app.app_context():
        return [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_approve_return_reopen_with_audit(client, auth, app, submit_unit):
    submit_unit("BD.P01")
    auth.login_as("reviewer")
    refused = client.post("/review/units/BD.P01/return", data={"comment": "  "}, headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "lý do" in refused.get_data(as_text=True)
    returned = client.post("/review/units/BD.P01/return", data={"comment": "Thiếu nhận xét chi bộ."},
                           headers={"HX-Request": "true"})
    assert returned.status_code == 200 and "Đã trả lại" in returned.get_data(as_text=True)
    assert client.post("/review/units/BD.P01/approve", data={"confirmed": "1"}).status_code == 303  # refused: flashed, not approved
    assert "returned" in audit_actions(app) and "approved" not in audit_actions(app)
    auth.logout()
    submit_unit("BD.P01")
    auth.login_as("reviewer")
    assert client.post("/review/units/BD.P01/approve", data={"confirmed": "1"}, headers={"HX-Request": "true"}).status_code == 200
    assert client.post("/review/units/BD.P01/reopen", data={"comment": "Bổ sung số liệu."}).status_code == 303
    actions = audit_actions(app)
    assert actions.index("returned") < actions.index("approved") < actions.index("reopened")
    with app.app_context():
        reviews = [(r.action, r.comment) for r in db.session.execute(db.select(Review).order_by(Review.id)).scalars()]
    assert reviews == [("return", "Thiếu nhận xét chi bộ."), ("approve", None), ("reopen", "Bổ sung số liệu.")]


def test_review_page_shows_versions_and_files(client, auth, submit_unit):
    submit_unit("BD.P01")
    auth.login_as("reviewer")
    page = client.get("/review/units/BD.P01").get_data(as_text=True)
    assert "Đang xem <strong>phiên bản 1</strong> mà đơn vị đã nộp" in page
    assert "/units/BD.P01/v/1/original" in page and "Duyệt…</button>" in page


def test_audit_log_filters(client, auth, submit_unit):
    submit_unit("BD.P01")
    auth.login_as("reviewer")
    everything = client.get("/review/audit").get_data(as_text=True)
    assert 'data-action="submitted"' in everything and 'data-action="login"' in everything
    assert "lần nộp #1" in everything and "phiên bản: 1" in everything and "nộp muộn: không" in everything
    assert "upload_version" not in everything and "Submission #" not in everything
    only = client.get("/review/audit?action=submitted&unit=BD.P01").get_data(as_text=True)
    assert 'data-action="submitted"' in only and 'data-action="login"' not in only
    nobody = client.get("/review/audit?user=bd-p02").get_data(as_text=True)
    assert "Không có thao tác nào." in nobody


def test_cross_unit_check_finds_a_head_above_his_unit(client, auth, app, submit_unit, demo):
    """The chairman of Cống Vị's people's committee is rated in the district's workbook; the committee's
    leadership, which he heads, in the ward's. Rating him above it is X-HEAD."""
    from kdweb.rules import Level, SubjectKind

    chairman = next(l for l in demo.leaders if l.title.startswith("Chủ tịch UBND phường Cống Vị"))
    government = chairman.heads_collective_code

    def ward(kind, code, values):
        if kind is SubjectKind.COLLECTIVE and code == government:
            return dict(values, level=Level.HTNV.text)
        return values

    submit_unit("BD.P01", ward)
    submit_unit("BD")
    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    assert "X-HEAD" in page, page[-3000:]
    assert "/review/units/BD" in page


def test_bulk_zip_holds_one_workbook_per_unit(client, auth, app, demo):
    auth.login_as("reviewer")
    started = client.post("/review/bulk/templates", headers={"HX-Request": "true"})
    assert started.status_code == 200
    with app.app_context():
        job_id = db.session.execute(db.select(BulkJob.id)).scalar_one()
    # the suite's queue runs the job where it is enqueued: the page's first poll finds it done, polling no more
    fragment = client.get(f"/review/bulk/{job_id}", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'data-job-state="done"' in fragment and "hx-trigger" not in fragment
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/review/bulk/{job_id}/file").data))
    names = archive.namelist()
    assert len(names) == len(demo.reporting_units)
    assert any(name.startswith("BD.P01 - Đảng bộ phường Cống Vị") for name in names)
    assert all(archive.read(name)[:2] == b"PK" for name in names)
    # the reviewer's download does not mark the units as downloaded
    page = client.get("/review/").get_data(as_text=True)
    assert page.count("Chưa tải mẫu</span>") == len(demo.reporting_units)
