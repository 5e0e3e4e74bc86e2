"""The members' quota of a unit's upload counts with the cycle's outstanding-group mark as it stands when the file is
checked, not as it was signed into the workbook at download (docs/rulebook-366.md §7 Quota): a mark the admin adds
or removes afterwards moves the unit's check as it moves the district checks and the report. A mark changed after
the unit's last check is told once on the unit page, with "Kiểm tra lại" of the same file (a new version)."""
import io
import json
import re

from openpyxl import load_workbook

from kdweb.excel.summary_cells import CHECK_COLUMN, SHEET as SUMMARY_SHEET
from kdweb.extensions import db
from kdweb.models import Cycle, Finding, Upload
from kdweb.rules import Level, SubjectKind
from tests.reports.test_seam_district import report
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.workbooks import clean_values, fill, not_rated_reason, submit_latest_upload

RULE_SET = "qd366-hd43"


def set_member_mark(client, auth, app, present: bool):
    auth.login_as("admin")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
    if present:
        response = client.post(f"/admin/cycles/{year}/quota-marks", data={"unit_code": UNIT, "subject_kind": "MEMBER"})
        assert response.status_code == 303
    else:
        page = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
        mark = re.search(r"/quota-marks/(\d+)/delete", page)
        assert client.post(f"/admin/cycles/{year}/quota-marks/{mark.group(1)}/delete").status_code == 303
    auth.logout()


def between_20_and_25_percent(batch, values, rule_set_id=RULE_SET):
    """values with as many members HTXSNV as 25 % of the HTTNV allow, more than 20 % would: (values_for, count)."""
    rated = [m for m in batch.members if not_rated_reason(m, batch.review_date) is None and not m.disciplined_in_year]
    candidates = [m.code for m in rated if not m.is_civil_servant]
    excellent_count = max(e for e in range(len(rated)) if e * 4 <= len(rated) - e)
    assert excellent_count * 5 > len(rated) - excellent_count, "the demo unit is too small for this test"
    excellent = set(candidates[:excellent_count])
    scores = dict(score_common=29, score_tasks=65, tasks_exceeded=4) if rule_set_id == RULE_SET else {}

    def with_excellent(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and code in excellent:
            row = dict(row, level=Level.HTXSNV.text, **scores)
        return row

    return with_excellent, excellent_count


def download(client, auth):
    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    auth.logout()
    return data


def upload_as_staff(client, auth, data) -> str:
    auth.login_as("staff", UNIT)
    body = upload(client, data).get_data(as_text=True)
    auth.logout()
    return body


def quota_findings(app, version) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            db.select(Finding.rule, Finding.severity, Finding.sheet, Finding.cell, Finding.subject_kind).join(Upload)
            .where(Upload.version == version, Finding.rule.in_(("Q-20", "Q-25")))).all()


def unit_page(client, auth, version=None) -> str:
    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}" + (f"/v/{version}" if version else "")).get_data(as_text=True)
    auth.logout()
    return page


def test_a_mark_added_after_download_lets_the_unit_use_the_outstanding_share(client, auth, app, batch):
    switch_to_366(client, auth, app)
    data = download(client, auth)  # signed without the mark
    set_member_mark(client, auth, app, True)
    values, excellent_count = between_20_and_25_percent(batch, scored_values(batch))

    body = upload_as_staff(client, auth, fill(data, values, RULE_SET))
    assert "Q-20" not in body and "Q-25" not in body and "Không có lỗi" in body
    assert quota_findings(app, 1) == []

    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    [row] = [row for row in report(client, auth, app)["quota_groups"]
             if row["kind"] == "MEMBER" and row["row_type"] == "rating_group"]
    assert (row["htxsnv"], row["limit"], row["over"]) == (excellent_count, excellent_count, 0)  # as the unit page said


def test_a_mark_removed_after_download_puts_the_unit_over_the_ordinary_share(client, auth, app, batch):
    switch_to_366(client, auth, app)
    set_member_mark(client, auth, app, True)
    data = download(client, auth)  # signed with the mark
    set_member_mark(client, auth, app, False)
    values, excellent_count = between_20_and_25_percent(batch, scored_values(batch))

    body = upload_as_staff(client, auth, fill(data, values, RULE_SET))
    assert "Q-20" in body and "Q-25" not in body and "nhóm được đánh giá nổi trội" not in body
    [(rule, severity, sheet, cell, kind)] = quota_findings(app, 1)
    assert (rule, severity, sheet, kind) == ("Q-20", "error", SUMMARY_SHEET, "MEMBER")
    assert cell.startswith(CHECK_COLUMN) and f"'{SUMMARY_SHEET}'!{cell}" in body  # the members' row, its check cell
    summary_row = load_workbook(io.BytesIO(data))[SUMMARY_SHEET][int(cell[len(CHECK_COLUMN):])]
    assert SubjectKind.MEMBER.text in str(summary_row[0].value)
    assert f"có {excellent_count} đảng viên xếp loại “{Level.HTXSNV.text}”" in body
    page = unit_page(client, auth)
    assert 'id="quota-changed"' not in page  # checked with the mark as it stands: nothing to tell


def test_a_mark_changed_after_upload_is_told_once_and_rechecked_as_a_new_version(client, auth, app, batch):
    switch_to_366(client, auth, app)
    data = download(client, auth)
    values, _ = between_20_and_25_percent(batch, scored_values(batch))
    filled = fill(data, values, RULE_SET)
    assert "Q-20" in upload_as_staff(client, auth, filled)

    set_member_mark(client, auth, app, True)
    page = unit_page(client, auth)
    assert page.count('id="quota-changed"') == 1 and page.count("Tỷ lệ “Hoàn thành xuất sắc nhiệm vụ” tối đa") == 1
    assert "đánh dấu nhóm đảng viên của đơn vị là nhóm được đánh giá nổi trội (tỷ lệ tới 25%)" in page
    assert "/units/BD.P01/v/1/recheck" in page

    auth.login_as("reviewer")  # the reviewer is told too, without the button: the new version is the unit's
    review = client.get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert 'id="quota-changed"' in review and "/v/1/recheck" not in review.split('id="quota-changed"')[1][:1500]
    auth.logout()

    auth.login_as("staff", UNIT)
    response = client.post(f"/units/{UNIT}/v/1/recheck")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/units/{UNIT}/v/2")
    auth.logout()
    assert quota_findings(app, 1) != [] and quota_findings(app, 2) == []  # each version keeps what it was checked with
    page = unit_page(client, auth, 2)
    assert 'id="quota-changed"' not in page and "Không có lỗi" in page

    set_member_mark(client, auth, app, False)  # removed again: version 2 is stale, version 1 right again
    assert 'id="quota-changed"' in unit_page(client, auth)
    body = upload_as_staff(client, auth, filled)  # the same bytes: version 1, checked with no mark, is current
    assert "giống hệt phiên bản 1" in body and "Q-20" in body
    assert 'id="quota-changed"' not in unit_page(client, auth)

    set_member_mark(client, auth, app, True)  # and given again: the same bytes are checked as a new version
    body = upload_as_staff(client, auth, filled)
    assert "giống hệt" not in body and "Không có lỗi" in body
    with app.app_context():
        assert db.session.scalar(db.select(db.func.max(Upload.version))) == 3


def test_an_upload_checked_before_its_basis_was_kept_is_told_from_its_stored_records(client, auth, app, batch):
    switch_to_366(client, auth, app)
    values, _ = between_20_and_25_percent(batch, scored_values(batch))
    assert "Q-20" in upload_as_staff(client, auth, fill(download(client, auth), values, RULE_SET))
    with app.app_context():  # as an upload checked by the code before: no basis in its summary
        upload = db.session.execute(db.select(Upload)).scalar_one()
        upload.summary_json = json.dumps({"sheets": json.loads(upload.summary_json)["sheets"]})
        db.session.commit()
    assert 'id="quota-changed"' not in unit_page(client, auth)
    set_member_mark(client, auth, app, True)
    assert 'id="quota-changed"' in unit_page(client, auth)


def test_under_qd132_a_mark_changes_nothing(client, auth, app, batch):
    """qd132-hd21 has no outstanding share: the quota is 20 % whatever the cycle marks, and nothing is told."""
    data = download(client, auth)
    set_member_mark(client, auth, app, True)
    values, _ = between_20_and_25_percent(batch, clean_values(batch), "qd132-hd21")
    body = upload_as_staff(client, auth, fill(data, values))
    assert "Q-20" in body and 'id="quota-changed"' not in unit_page(client, auth)


def dashboard_row(client, auth) -> str:
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    auth.logout()
    start = page.index(f"/review/units/{UNIT}")
    return page[page.rfind("<tr", 0, start):page.index("</tr>", start)]


def test_a_mark_changed_after_submission_shows_on_the_dashboard_until_it_is_changed_back(client, auth, app, batch):
    switch_to_366(client, auth, app)
    values, _ = between_20_and_25_percent(batch, scored_values(batch))
    set_member_mark(client, auth, app, True)
    assert "Q-20" not in upload_as_staff(client, auth, fill(download(client, auth), values, RULE_SET))
    auth.login_as("staff", UNIT)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    assert "Đã nộp" in dashboard_row(client, auth) and "Nhóm nổi trội đổi sau khi nộp" not in dashboard_row(client, auth)

    set_member_mark(client, auth, app, False)  # the cached board is built again: the mark's audit event moved it
    row = dashboard_row(client, auth)
    assert "Nhóm nổi trội đổi sau khi nộp" in row and "đánh dấu nhóm được đánh giá nổi trội" in row
    set_member_mark(client, auth, app, True)  # back as it was checked: nothing to tell
    assert "Nhóm nổi trội đổi sau khi nộp" not in dashboard_row(client, auth)
