"""A cycle under qd366-hd43, end to end: the admin chooses the rule set and sees its parameters (UNCONFIRMED
ones marked), the unit downloads the scored workbook, fills it, uploads it and sees the 366 findings."""
import re

from kdweb.demo.results import member_remarks
from kdweb.extensions import db
from kdweb.models import Cycle
from kdweb.rules import Level, SubjectKind
from tests.unit_page.conftest import UNIT, upload
from tests.workbooks import cell_of, fill, not_rated_reason, roster_values

RULE_SET = "qd366-hd43"


def cycle_dates(app) -> tuple[int, dict]:
    """The open cycle's year and its dates as the cycle form posts them."""
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        return cycle.year, {name: getattr(cycle, name).strftime("%d/%m/%Y") for name in
                            ("review_date", "grassroots_deadline", "district_deadline")}


def switch_to_366(client, auth, app):
    auth.login_as("admin")
    year, dates = cycle_dates(app)
    response = client.post(f"/admin/cycles/{year}", data={"rule_set_id": RULE_SET, **dates})
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    page = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
    client.post("/logout")
    return year, page


def scored_values(batch, level=Level.HTTNV):
    def rated(kind, record):
        values = {"level": level.text, "score_common": 26, "score_tasks": 58.5, "tasks_assigned": 8,
                  "tasks_done": 8, "tasks_on_time": 8, "tasks_late": 0, "tasks_exceeded": 1}
        if getattr(record, "disciplined_in_year", False):
            values.update(level=Level.KHTNV.text, score_tasks=30)
        return {**values, **member_remarks(record, kind, level.text)}

    return roster_values(batch, rated)


def test_an_admin_opens_the_cycle_under_366_and_a_unit_fills_the_scored_workbook(client, auth, app, batch):
    year, page = switch_to_366(client, auth, app)
    assert "Quy định 366-QĐ/TW" in page and "Chưa xác nhận" in page and "band_mode" in page
    assert "M-GRADES" in page  # switched off under 366, and said so

    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    values = scored_values(batch)
    body = upload(client, fill(data, values, RULE_SET)).get_data(as_text=True)
    assert "Không có lỗi" in body

    member = next(m for m in batch.members if not_rated_reason(m, batch.review_date) is None
                  and not m.is_civil_servant and not m.disciplined_in_year)

    def one_excellent_without_exceeded(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and code == member.code:
            row = dict(row, level=Level.HTXSNV.text, score_common=29, score_tasks=65)
        return row

    body = upload(client, fill(data, one_excellent_without_exceeded, RULE_SET)).get_data(as_text=True)
    sheet, cell = cell_of(data, SubjectKind.MEMBER, member.code, "level", RULE_SET)
    assert f"'{sheet}'!{cell}" in body
    assert "S-COND" in body and "ít nhất 30% nhiệm vụ vượt mức (hiện 1/8)" in body


def test_the_rule_set_cannot_change_once_workbooks_are_issued(client, auth, app):
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/workbook.xlsx").status_code == 200
    client.post("/logout")
    auth.login_as("admin")
    year, dates = cycle_dates(app)
    response = client.post(f"/admin/cycles/{year}", data={"rule_set_id": RULE_SET, **dates})
    assert response.status_code == 422 and "không đổi được bộ quy tắc" in response.get_data(as_text=True)


def test_an_outstanding_group_marked_by_the_admin_is_a_signed_fact_of_the_workbook(client, auth, app, batch):
    year, _ = switch_to_366(client, auth, app)
    auth.login_as("admin")
    response = client.post(f"/admin/cycles/{year}/quota-marks", data={"unit_code": UNIT, "subject_kind": "MEMBER"})
    assert response.status_code == 303
    page = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
    assert "Nhóm được đánh giá nổi trội" in page and UNIT in page
    client.post("/logout")

    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    rated = [m for m in batch.members if not_rated_reason(m, batch.review_date) is None
             and not m.is_civil_servant and not m.disciplined_in_year]
    good = len(rated) - 1
    excellent_count = good * 25 // 100  # within 25 %, above 20 %
    assert excellent_count > good * 20 // 100, "the demo unit is too small for this test"
    excellent = {m.code for m in rated[:excellent_count]}
    values = scored_values(batch)

    def with_excellent(kind, code):
        row = values(kind, code)
        if kind is SubjectKind.MEMBER and code in excellent:
            row = dict(row, level=Level.HTXSNV.text, score_common=29, score_tasks=65, tasks_exceeded=4)
        return row

    body = upload(client, fill(data, with_excellent, RULE_SET)).get_data(as_text=True)
    assert "Q-20" not in body and "Q-25" not in body and "Không có lỗi" in body
    with app.app_context():
        from kdweb.models import Rating
        assert db.session.execute(db.select(Rating.score).where(Rating.subject_code == member_code(excellent))
                                  ).scalars().first() == 94
    client.post("/logout")
    auth.login_as("admin")
    marks = client.get(f"/admin/cycles/{year}").get_data(as_text=True)
    mark_id = int(re.search(r"/quota-marks/(\d+)/delete", marks).group(1))
    assert client.post(f"/admin/cycles/{year}/quota-marks/{mark_id}/delete").status_code == 303


def member_code(codes):
    return sorted(codes)[0]
