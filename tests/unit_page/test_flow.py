"""The unit's whole job on one page: download, fill, upload, see findings inline, fix, upload again, submit."""
import re

from kdweb.extensions import db
from kdweb.models import AuditEvent, Finding, Rating, Submission, UnitCycle, Upload
from kdweb.rules import Level, SubjectKind
from tests.unit_page.conftest import UNIT, upload
from tests.workbooks import cell_of, clean_values, fill


def status_of(app):
    with app.app_context():
        return db.session.execute(db.select(UnitCycle.status).join(UnitCycle.unit).filter_by(code=UNIT)).scalar_one()


def test_page_shows_deadline_status_and_download(client, staff):
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "15/12/2026" in page
    assert "Chưa tải mẫu" in page
    assert f"/units/{UNIT}/workbook.xlsx" in page
    assert 'hx-encoding="multipart/form-data"' in page


def test_download_is_audited_and_changes_status(client, app, download):
    data = download()
    assert data[:2] == b"PK"
    assert status_of(app) == "downloaded"
    with app.app_context():
        assert db.session.execute(db.select(AuditEvent).filter_by(action="template_downloaded")).scalar_one()


def test_whole_flow_with_htmx(client, app, download, batch):
    data = download()
    member = next(m for m in batch.members if not (m.exempt or m.suspended or m.temporary_activity
                                                   or m.is_civil_servant or m.transferred_in
                                                   or m.temporary_activity_elsewhere) and not m.probationary)
    values = clean_values(batch)

    def with_one_mistake(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and code == member.code:
            row = dict(row, level="rất tốt")  # not a level
        return row

    first = upload(client, fill(data, with_one_mistake))
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert "<html" not in body  # a fragment, swapped into the page
    sheet, cell = cell_of(data, SubjectKind.MEMBER, member.code, "level")
    assert f"'{sheet}'!{cell}" in body
    assert "M-LEVEL" in body or "rất tốt" in body
    assert 'hx-swap-oob="true"' in body and "Có lỗi" in body
    assert status_of(app) == "has_errors"

    fixed = upload(client, fill(data, values))
    body = fixed.get_data(as_text=True)
    assert "Không có lỗi" in body, re.findall(r'class="finding[^"]*".*?</div>', body, re.S)[:5]
    assert status_of(app) == "valid"
    assert "Nộp kết quả" in body

    with app.app_context():
        valid = db.session.execute(db.select(Upload).filter_by(version=2)).scalar_one()
        upload_id = valid.id
        levels = dict(db.session.execute(
            db.select(Rating.level, db.func.count()).filter_by(upload_id=upload_id, subject_kind="MEMBER")
            .group_by(Rating.level)).all())
    assert levels.get(Level.HTTNV.code, 0) > 0 and levels.get(Level.HTXSNV.code, 0) == 0

    submitted = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id},
                            headers={"HX-Request": "true", "HX-Target": "submit-panel"})
    assert submitted.status_code == 200
    assert "Đã nộp kết quả" in submitted.get_data(as_text=True)
    assert status_of(app) == "submitted"
    assert "Đã nộp, chờ duyệt" in client.get(f"/units/{UNIT}").get_data(as_text=True)


def test_same_flow_without_htmx_returns_full_pages(client, app, clean_workbook):
    response = upload(client, clean_workbook, htmx=False)
    assert response.status_code == 303  # See Other: a reload shows the page, it does not post again
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<html" in page and "Kết quả kiểm tra · phiên bản 1" in page
    with app.app_context():
        upload_id = db.session.execute(db.select(Upload.id)).scalar_one()
    submitted = client.post(f"/units/{UNIT}/submit", data={"confirmed": "1", "upload_id": upload_id})
    assert submitted.status_code == 303
    page = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "Đã nộp kết quả" in page and "Đã nộp, chờ duyệt" in page


def test_findings_filter_by_severity_and_sheet(client, app, download, batch):
    data = download()
    values = clean_values(batch)
    broken = fill(data, lambda kind, code: dict(values(kind, code) or {}, level="xyz") if values(kind, code) else None)
    upload(client, broken)
    only_warnings = client.get(f"/units/{UNIT}/v/1/findings?severity=warning",
                               headers={"HX-Request": "true", "HX-Target": "findings"}).get_data(as_text=True)
    assert 'class="finding finding-error"' not in only_warnings
    everything = client.get(f"/units/{UNIT}/v/1/findings", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'class="finding finding-error"' in everything
    with app.app_context():
        sheets = {s for s in db.session.execute(db.select(Finding.sheet).distinct()).scalars() if s}
    one_sheet = sorted(sheets)[0]
    filtered = client.get(f"/units/{UNIT}/v/1/findings", query_string={"sheet": one_sheet},
                          headers={"HX-Request": "true"}).get_data(as_text=True)
    for other in sheets - {one_sheet}:
        assert f"'{other}'!" not in filtered


def test_preview_marks_the_chosen_cell(client, upload_wrong_level, batch):
    sheet, cell = upload_wrong_level(batch.members[0], "sai")
    fragment = client.get(f"/units/{UNIT}/v/1/preview", query_string={"sheet": sheet, "cell": cell},
                          headers={"HX-Request": "true", "HX-Target": "preview"}).get_data(as_text=True)
    marked = re.search(rf'<td data-cell="{cell}"\s+class="([^"]*)"', fragment)
    assert marked and "cell-marked" in marked.group(1) and "cell-error" in marked.group(1)
    assert "sai" in fragment
