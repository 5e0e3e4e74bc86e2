"""Nothing is lost: every upload is a version, identical re-uploads are recognised, a bad file never
replaces the last good one, and every version can be downloaded as sent or annotated."""
import io

from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import AuditEvent, Upload, UnitCycle
from tests.unit_page.conftest import UNIT, upload


def unit_cycle(app):
    with app.app_context():
        state = db.session.execute(db.select(UnitCycle).join(UnitCycle.unit).filter_by(code=UNIT)).scalar_one()
        db.session.expunge(state)
        return state


def test_identical_reupload_is_recognised(client, app, clean_workbook):
    upload(client, clean_workbook)
    again = upload(client, clean_workbook, filename="ban-sao.xlsx")
    assert "giống hệt phiên bản 1" in again.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Upload.id))) == 1
        assert db.session.execute(db.select(AuditEvent).filter_by(action="upload_identical")).scalar_one()


def test_a_bad_file_never_replaces_the_last_good_version(client, app, clean_workbook):
    upload(client, clean_workbook)
    good = unit_cycle(app).valid_upload_id
    pdf = b"%PDF-1.7\n" + b"x" * 2000
    response = upload(client, pdf, filename="ket-qua.xlsx")
    body = response.get_data(as_text=True)
    assert "PDF" in body and "Tệp vẫn được lưu lại" in body
    state = unit_cycle(app)
    assert state.valid_upload_id == good
    assert state.status == "valid"  # the refused file does not hide the valid version not yet submitted
    with app.app_context():
        stored = db.session.execute(db.select(Upload).filter_by(version=2)).scalar_one()
        assert stored.content == pdf and stored.outcome == "rejected" and stored.problem_code == "E-PDF"
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Nộp phiên bản 1" in page  # the good version can still be submitted
    assert 'data-status="valid"' in page and "Hợp lệ, chưa nộp" in page
    assert f"/units/{UNIT}/v/2/annotated.xlsx" not in page  # no link to an annotated copy that does not exist
    assert client.get(f"/units/{UNIT}/v/2/annotated.xlsx").status_code == 404


def test_a_refused_file_after_a_valid_one_reads_valid_on_the_dashboard(client, app, auth, clean_workbook):
    upload(client, clean_workbook)
    upload(client, b"%PDF-1.7\n" + b"x" * 2000, filename="ket-qua.xlsx")
    auth.login_as("reviewer")
    row = client.get("/review/?q=" + UNIT).get_data(as_text=True)
    row = row[row.index(f'data-unit="{UNIT}"'):]
    row = row[:row.index("</tr>")]
    assert "Hợp lệ, chưa nộp" in row and "Có lỗi" not in row
    assert "<td>0 / " in row  # the valid version's errors, not the refused file's


def test_each_version_downloads_as_sent(client, clean_workbook, app):
    upload(client, clean_workbook, filename="Kết quả phường.xlsx")
    response = client.get(f"/units/{UNIT}/v/1/original")
    assert response.data == clean_workbook
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''K%E1%BA%BFt" in disposition and 'filename="Ket qua phuong.xlsx"' in disposition


def test_annotated_copy_carries_colours_and_comments(client, upload_wrong_level, batch):
    sheet, cell = upload_wrong_level(batch.members[1], "abc")
    response = client.get(f"/units/{UNIT}/v/1/annotated.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    marked = workbook[sheet][cell]
    assert marked.comment is not None and "M-LEVEL" in marked.comment.text or "abc" in marked.comment.text
    assert marked.fill.fgColor.rgb not in (None, "00000000")


def test_history_lists_every_version(client, clean_workbook, download, batch):
    from tests.workbooks import clean_values, fill

    upload(client, b"not a workbook at all", filename="sai.xlsx")
    upload(client, clean_workbook)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    history = page.split("Lịch sử các phiên bản", 1)[1]
    assert "Không đọc được" in history and "Hợp lệ" in history
    assert f"/units/{UNIT}/v/1/original" in history and f"/units/{UNIT}/v/2/original" in history


def test_no_file_chosen_gets_a_message(client, staff):
    response = client.post(f"/units/{UNIT}/uploads", data={}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Chưa chọn tệp" in response.get_data(as_text=True)
