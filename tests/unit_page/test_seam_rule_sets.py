"""A workbook of one year's rule set sent to a cycle of the other, through the real download → fill → upload path:
the 2026 qd132-hd21 workbook into the 2027 cycle under qd366-hd43, and a qd366-hd43 workbook into a cycle under
qd132-hd21. Each is refused with its own Vietnamese message naming both years and both rule sets, and the file is
kept with the refused upload."""
import pytest

from kdweb.extensions import db
from kdweb.models import Upload
from kdweb.rules import get_rule_set
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.workbooks import clean_values, fill, roster

OLD, NEW = "qd132-hd21", "qd366-hd43"


def last_refusal(app):
    with app.app_context():
        found = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        result = (found.problem_code, found.problem_message, bytes(found.content or b""))
        db.session.remove()
    return result


def open_next_year(client, auth, rule_set_id):
    auth.login_as("admin")
    assert client.post("/admin/cycles/2026/close", data={"confirm_year": "2026"}).status_code == 303
    client.post("/admin/cycles", data={"year": "2027", "rule_set_id": rule_set_id})
    assert client.post("/admin/cycles/2027/open").status_code == 303
    auth.logout()


@pytest.mark.parametrize("file_rule_set, cycle_rule_set", [(OLD, NEW), (NEW, OLD)])
def test_last_years_workbook_of_the_other_rule_set_names_both_years_and_rule_sets(
        client, app, auth, demo, file_rule_set, cycle_rule_set):
    if file_rule_set == NEW:
        switch_to_366(client, auth, app)
    auth.login_as("staff", UNIT)
    batch = roster(app, UNIT)
    values = scored_values(batch) if file_rule_set == NEW else clean_values(batch)
    last_year = fill(client.get(f"/units/{UNIT}/workbook.xlsx").data, values, file_rule_set)
    auth.logout()
    open_next_year(client, auth, cycle_rule_set)
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/workbook.xlsx").status_code == 200

    page = upload(client, last_year).get_data(as_text=True)
    code, message, kept = last_refusal(app)
    assert code == "E-OLD-CYCLE"
    assert "năm 2026" in message and "năm 2027" in message
    file_title, cycle_title = get_rule_set(file_rule_set).title, get_rule_set(cycle_rule_set).title
    assert file_title in message and cycle_title in message
    assert message.index(file_title) < message.index(cycle_title)
    assert file_title in page and cycle_title in page
    assert kept == last_year


def test_a_next_years_workbook_of_the_other_rule_set_names_both_years_and_rule_sets(client, app, auth, demo):
    from datetime import date

    from kdweb.excel import build_workbook
    from kdweb.excel.inputs import CycleInfo, Roster, UnitInfo

    auth.login_as("staff", UNIT)
    next_year = build_workbook(UnitInfo(UNIT, "Đảng bộ phường Cống Vị"), CycleInfo(2027, NEW, date(2027, 12, 1)),
                               Roster(members=roster(app, UNIT).members), template_version="2027.1",
                               secret=app.config["SECRET_KEY"])
    upload(client, next_year)
    code, message, kept = last_refusal(app)
    assert code == "E-OTHER-CYCLE" and "năm 2027" in message and "năm 2026" in message
    assert f"theo {get_rule_set(NEW).title}; đợt năm 2026 đánh giá theo {get_rule_set(OLD).title}" in message
    assert kept == next_year
