"""Units that change while a cycle is open (issue 19, "Units that change"): a unit whose validity ends before the
review date, or that is merged into a successor, leaves the cycle's expected units (its row, its deadline
reminders, its dashboard row) unless it has already uploaded: then its files stay, the dashboard lists it apart as
"no longer expected", it is counted nowhere, and it can upload nothing more. Valid again, it is expected again."""
from datetime import datetime, timedelta, timezone

from kdweb.extensions import db
from kdweb.models import Cycle, Notification, Unit, UnitCycle
from kdweb.services.notifications import remind
from tests.admin.test_unit_validity import edit
from tests.admin.conftest import Query

UNIT = "BD.P01"


def cycle_row(app, code):
    with app.app_context():
        row = db.session.execute(db.select(UnitCycle.status).join(Unit).filter(Unit.code == code)).scalar_one_or_none()
        db.session.remove()
        return row


def query(app):
    return Query(app)


def dashboard(client, auth):
    auth.logout()
    auth.login_as("reviewer")
    page = client.get("/review/").get_data(as_text=True)
    auth.logout()
    auth.login_as("admin")
    return page


def main_table(page):
    return page.split("</table>", 1)[0]


def merge_away(client, app, **extra):
    """The admin ends the unit's validity before the 2026 review date (01/12) and names its successor."""
    values = {"valid_to": "30/06/2026", "successor_id": str(query(app).id_of(Unit, code="BD.P02")), **extra}
    response = edit(client, query(app), UNIT, **values)
    assert response.status_code == 303
    return response


def test_a_unit_that_never_uploaded_leaves_the_cycle_and_comes_back(client, auth, app, demo):
    auth.login_as("admin")
    before = dashboard(client, auth)
    assert f'data-unit="{UNIT}"' in before and "/ 8 đơn vị đã được duyệt" in before
    merge_away(client, app)
    assert cycle_row(app, UNIT) is None
    page = dashboard(client, auth)
    assert f'data-unit="{UNIT}"' not in page and f'data-no-longer-expected="{UNIT}"' not in page
    assert "/ 7 đơn vị đã được duyệt" in page
    response = edit(client, query(app), UNIT, valid_to="", successor_id="")
    assert response.status_code == 303 and cycle_row(app, UNIT) == "not_downloaded"
    page = dashboard(client, auth)
    assert f'data-unit="{UNIT}"' in main_table(page) and "/ 8 đơn vị đã được duyệt" in page


def test_a_unit_valid_again_keeps_its_downloaded_status(client, auth, app, demo):
    auth.login_as("staff", UNIT)
    client.get(f"/units/{UNIT}/workbook.xlsx")
    auth.logout()
    auth.login_as("admin")
    merge_away(client, app)
    assert cycle_row(app, UNIT) is None
    edit(client, query(app), UNIT, valid_to="")
    assert cycle_row(app, UNIT) == "downloaded"


def test_a_unit_no_longer_expected_gets_no_deadline_reminder(client, auth, app, demo):
    auth.login_as("admin")
    merge_away(client, app)
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        late = datetime.combine(cycle.grassroots_deadline + timedelta(days=1), datetime.min.time(), tzinfo=timezone.utc)
        remind(late)
        reminded = set(db.session.execute(
            db.select(Unit.code).join(Notification, Notification.unit_id == Unit.id)).scalars())
        db.session.remove()
    assert reminded and UNIT not in reminded and "BD.P02" in reminded


def test_a_unit_that_uploaded_keeps_its_data_and_is_shown_as_no_longer_expected(client, auth, app, submit_unit):
    submit_unit(UNIT)
    auth.login_as("admin")
    merge_away(client, app)
    assert cycle_row(app, UNIT) == "submitted"  # the row and its submission stay
    page = dashboard(client, auth)
    assert f'data-unit="{UNIT}"' not in main_table(page)
    listed = page.split(f'data-no-longer-expected="{UNIT}"', 1)[1].split("</li>", 1)[0]
    assert "Đã nộp, chờ duyệt" in listed and "Hiệu lực đến hết ngày 30/06/2026" in listed
    assert "Đảng bộ phường Điện Biên" in listed or "kế thừa" in listed
    assert "/ 7 đơn vị đã được duyệt" in page
    # the unit's own staff can neither download nor upload any more; its pages still show its files
    auth.logout()
    auth.login_as("staff", UNIT)
    refused = client.get(f"/units/{UNIT}/workbook.xlsx")
    assert refused.status_code == 409 and "không còn phải nộp" in refused.get_data(as_text=True)
    assert "không còn phải nộp" in client.get(f"/units/{UNIT}").get_data(as_text=True)
    auth.logout()
    # the report counts it nowhere and says why
    auth.login_as("reviewer")
    report = client.get("/reports/2026?basis=submitted").get_data(as_text=True)
    assert f'data-key="unit:{UNIT}"' not in report and f'data-missing="{UNIT}"' not in report
    assert "hết hiệu lực trước thời điểm đánh giá" in report
    auth.logout()
    # valid again: back among the expected units, with its submission
    auth.login_as("admin")
    edit(client, query(app), UNIT, valid_to="", successor_id="")
    page = dashboard(client, auth)
    assert "Đã nộp, chờ duyệt" in main_table(page).split(f'data-unit="{UNIT}"', 1)[1].split("</tr>", 1)[0]
    assert f'data-no-longer-expected="{UNIT}"' not in page and "/ 8 đơn vị đã được duyệt" in page


def test_moving_the_review_date_of_the_open_cycle_moves_the_expected_units(client, auth, app, demo):
    auth.login_as("admin")
    edit(client, query(app), UNIT, valid_from="01/01/2027")
    assert cycle_row(app, UNIT) is None
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        rule_set_id, year = cycle.rule_set_id, cycle.year
        db.session.remove()
    response = client.post(f"/admin/cycles/{year}", data={
        "rule_set_id": rule_set_id, "review_date": "02/01/2027", "grassroots_deadline": "05/01/2027",
        "district_deadline": "10/01/2027"})
    assert response.status_code in (200, 303)
    assert cycle_row(app, UNIT) == "not_downloaded"


def test_a_unit_no_longer_expected_cannot_be_approved_but_can_be_returned(client, auth, app, submit_unit):
    submit_unit(UNIT)
    auth.login_as("admin")
    merge_away(client, app)
    auth.logout()
    auth.login_as("reviewer")
    page = client.get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "data-not-expected" in page and "data-approve" not in page and "không còn phải nộp" in page
    refused = client.post(f"/review/units/{UNIT}/approve", data={"confirmed": "1"}, headers={"HX-Request": "true"})
    assert refused.status_code == 409 and "không còn phải nộp" in refused.get_data(as_text=True)
    assert cycle_row(app, UNIT) == "submitted"  # nothing decided
    assert f'value="{UNIT}"' not in client.get("/review/approve-clean").get_data(as_text=True)  # nor in bulk
    returned = client.post(f"/review/units/{UNIT}/return", data={"comment": "Đơn vị đã sáp nhập."})
    assert returned.status_code == 303 and cycle_row(app, UNIT) == "returned"
