"""A deadline edited after a unit submitted (or was approved): every page says the same of the submission, and
the edit never moves it backwards. A submission is late only if it was late against the deadline in force when it
was sent and is late against the deadline now: an extension clears "nộp muộn" everywhere; a deadline brought
forward never turns a submission made on time into a late one."""
from datetime import timedelta

import pytest

from kdweb.deadlines import local_date
from kdweb.extensions import db
from kdweb.models import Cycle
from kdweb.models.base import utcnow
from kdweb.services import dashboard
from tests.security.test_state_moves_forward import people, send, workbooks  # noqa: F401
from tests.security.test_state_moves_forward import UNIT, review, submit_latest_valid


def set_grassroots_deadline(app, admin, day):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        year, form = cycle.year, {"rule_set_id": cycle.rule_set_id,
                                  "review_date": min(cycle.review_date, day).strftime("%d/%m/%Y"),
                                  "grassroots_deadline": day.strftime("%d/%m/%Y"),
                                  "district_deadline": max(cycle.district_deadline, day).strftime("%d/%m/%Y")}
        db.session.remove()
    answer = admin.post(f"/admin/cycles/{year}", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:400]


def what_each_page_says(app, people) -> dict:
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        row = next(row for row in dashboard.build(cycle, dashboard.Filters()).all_rows if row.code == UNIT)
        board = (row.deadline.text, row.deadline.overdue)
        db.session.remove()
    unit_card = people["staff"].get(f"/units/{UNIT}").get_data(as_text=True).split('class="status-card"')[1]
    unit_card = unit_card.split("</article>")[0]
    reviewer = people["reviewer"].get(f"/review/units/{UNIT}").get_data(as_text=True)
    return {"board": board, "unit late": "(muộn)" in unit_card, "unit text": "Nộp muộn" in unit_card,
            "reviewer late": "nộp muộn" in reviewer}


ON_TIME = {"board": ("Đúng hạn", False), "unit late": False, "unit text": False, "reviewer late": False}
LATE = {"board": ("Nộp muộn", True), "unit late": True, "unit text": True, "reviewer late": True}


@pytest.mark.parametrize("approved", [False, True])
def test_an_extension_after_a_late_submission_clears_late_on_every_page(app, people, workbooks, admin_client, approved):
    today = local_date(utcnow())
    set_grassroots_deadline(app, admin_client, today - timedelta(days=1))
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    if approved:
        review(people, "approve")
    assert what_each_page_says(app, people) == LATE
    set_grassroots_deadline(app, admin_client, today + timedelta(days=10))
    assert what_each_page_says(app, people) == ON_TIME


@pytest.mark.parametrize("approved", [False, True])
def test_a_deadline_brought_forward_never_makes_a_submission_on_time_late(app, people, workbooks, admin_client, approved):
    today = local_date(utcnow())
    set_grassroots_deadline(app, admin_client, today + timedelta(days=10))
    assert send(people["staff"], workbooks["valid"]).status_code == 303
    submit_latest_valid(app, people["staff"])
    if approved:
        review(people, "approve")
    assert what_each_page_says(app, people) == ON_TIME
    set_grassroots_deadline(app, admin_client, today - timedelta(days=1))
    assert what_each_page_says(app, people) == ON_TIME
