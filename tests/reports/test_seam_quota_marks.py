"""The ward's quota against the report, under qd366-hd43 (docs/rulebook-366.md §3 Q-20/Q-25, §5): leaders are one
quota group across the ward (“Bí thư chi bộ” in two units); the district checks page and the report's HTXSNV per
quota group say the same, also after the admin removes or adds the competent level's “outstanding” mark once the
units have submitted (the mark is the cycle's: the report reads it, and so must the checks)."""
import io
import re

from kdweb.extensions import db
from kdweb.models import Cycle
from kdweb.rules import Level
from tests.reports.test_seam_district import report
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.workbooks import changed, fill, roster, submit_latest_upload

RULE_SET = "qd366-hd43"
EXCELLENT = {"BD.P01": "LD00001", "BD.P02": "LD00009"}  # one “Bí thư chi bộ” rated HTXSNV in each unit
GROUP = "Bí thư chi bộ"


def submit_with_one_excellent_leader(client, auth, app, code):
    auth.login_as("staff", code)
    batch = roster(app, code)
    assert [r.post_group for r in batch.leaders].count(GROUP) == 5, "the demo's leaders changed"
    leader = next(record for record in batch.leaders if record.code == EXCELLENT[code])
    values = scored_values(batch)
    for subject in (leader.code, *leader.heads):  # the chi bộ the secretary heads too (L-HEAD)
        values = changed(values, subject, level=Level.HTXSNV.text, score_common=29, score_tasks=65, tasks_exceeded=4)
    data = fill(client.get(f"/units/{code}/workbook.xlsx").data, values, RULE_SET)
    response = client.post(f"/units/{code}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert "Không có lỗi" in body, re.findall(r"[A-Z]-[A-Z0-9-]+[^<]{0,300}", body)[:5]
    submit_latest_upload(client, app, code)
    auth.logout()


def set_mark(client, auth, app, present: bool):
    auth.login_as("admin")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
    page = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
    mark = re.search(r"/quota-marks/(\d+)/delete", page)
    if present and mark is None:
        response = client.post(f"/admin/cycles/{year}/quota-marks", data={"unit_code": "BD.P01", "subject_kind": "LEADER"})
        assert response.status_code == 303
    if not present and mark is not None:
        assert client.post(f"/admin/cycles/{year}/quota-marks/{mark.group(1)}/delete").status_code == 303
    auth.logout()


def leaders_quota_row(client, auth, app) -> dict:
    document = report(client, auth, app)
    auth.logout()
    [row] = [row for row in document["quota_groups"]
             if row["kind"] == "LEADER" and row["row_type"] == "rating_group" and GROUP in row["label"]]
    return row


def leader_quota_findings(client, auth) -> list[str]:
    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    auth.logout()
    assert "data-checks-pending" not in page and "đơn vị đã nộp" in page
    rows = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in page.split("<tr")[1:]]
    return [cells[1] for cells in rows if len(cells) == 4 and cells[1] in ("Q-20", "Q-25") and GROUP in cells[3]]


def test_the_checks_page_and_the_report_agree_on_the_wards_quota_as_the_mark_changes(client, auth, app, demo):
    switch_to_366(client, auth, app)
    set_mark(client, auth, app, True)
    for code in EXCELLENT:
        submit_with_one_excellent_leader(client, auth, app, code)

    row = leaders_quota_row(client, auth, app)  # 2 HTXSNV of 8 HTTNV: 25 % allows 2, 20 % only 1
    assert (row["httnv"], row["htxsnv"], row["limit"], row["over"]) == (8, 2, 2, 0)
    assert leader_quota_findings(client, auth) == []

    set_mark(client, auth, app, False)  # removed after both submitted
    row = leaders_quota_row(client, auth, app)
    assert (row["limit"], row["over"]) == (1, 1)
    assert leader_quota_findings(client, auth) == ["Q-20"]

    set_mark(client, auth, app, True)  # and given again
    assert leaders_quota_row(client, auth, app)["over"] == 0
    assert leader_quota_findings(client, auth) == []
