"""The roster against a submitted workbook: an admin corrects a member's roster facts after the unit submitted (an
admission date, a birth date, the probationary status). The dashboard says the roster changed after submission and
sends the reviewer to the district checks; those name the member and the change, and say whether the submitted
result still holds under the facts as they stand (an error naming the rule when it does not: a member now admitted
less than six months before the review was rated), under both rule sets."""
from datetime import date

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle
from kdweb.services.district_checks import district_findings
from tests.reports.test_seam_district import RULE_SETS, submit
from tests.unit_page.conftest import UNIT
from tests.unit_page.test_flow_366 import switch_to_366
from tests.unit_page.test_roster_of_record import plain_member
from tests.unit_page.test_seam_roster import change_member


def checks_now(app):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        findings, _, _ = district_findings(cycle)
        db.session.remove()
    return [f for f in findings if f.rule == "X-ROSTER"]


def recent_admission(app) -> str:
    """Two months before the review date: less than six months."""
    with app.app_context():
        review = db.session.execute(db.select(Cycle.review_date)).scalar_one()
        db.session.remove()
    return date(review.year, review.month - 2, 1).strftime("%d/%m/%Y")


CHANGES = {  # what the admin corrects → (the changes named, the severity: error when the result no longer holds)
    "admission into the last six months": lambda app: ({"admitted_on": recent_admission(app)}, "error"),
    "birth date": lambda app: ({"birth_date": "02/09/1975"}, "warning"),
}


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_fact_corrected_after_submission_is_named_in_the_district_checks(client, auth, app, demo, rule_set_id,
                                                                         change):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    submit(client, auth, app, UNIT, rule_set_id)
    assert checks_now(app) == []
    person = plain_member(demo)
    changes, severity = CHANGES[change](app)
    change_member(client, auth, person, **changes)

    auth.login_as("reviewer")
    dashboard = client.get("/review/").get_data(as_text=True)
    row = next(part for part in dashboard.split("<tr") if f"/review/units/{UNIT}\"" in part)
    assert "Danh sách đổi sau khi nộp" in row  # "… (xem Kiểm tra chung)"
    auth.logout()

    told = checks_now(app)
    about = [f for f in told if person.code in f.message]
    assert len(about) == 1, [f.message for f in told]
    finding = about[0]
    assert finding.unit_code == UNIT and finding.severity.value == severity
    assert f"{person.full_name} (mã {person.code})" in finding.message
    new_value = next(iter(changes.values()))
    assert f"→ “{new_value}”" in finding.message
    if severity == "error":
        assert "M-NEW" in finding.message and "chưa đủ 6 tháng" in finding.message and "Trả lại" in finding.message
    else:
        assert "vẫn phù hợp" in finding.message


def test_the_checks_page_the_dashboard_points_to_shows_the_correction(client, auth, app, demo):
    submit(client, auth, app, UNIT, "qd132-hd21")
    person = plain_member(demo)
    change_member(client, auth, person, admitted_on=recent_admission(app))
    auth.login_as("reviewer")
    checks = client.get("/review/checks").get_data(as_text=True)
    assert "X-ROSTER" in checks and f"{person.full_name} (mã {person.code})" in checks
    assert "cập nhật sau khi đơn vị nộp" in checks and "M-NEW" in checks


def test_a_submission_stored_before_full_records_were_kept_is_not_compared_fact_by_fact(client, auth, app, demo):
    """Its ratings carry no facts (records rebuilt from the rating's columns): comparing them would name every member."""
    from kdweb.models import Rating

    submit(client, auth, app, UNIT, "qd132-hd21")
    with app.app_context():
        db.session.execute(db.update(Rating).values(record_json=None))
        db.session.commit()
        db.session.remove()
    change_member(client, auth, plain_member(demo), birth_date="02/09/1975")
    assert checks_now(app) == []


def test_a_member_made_probationary_after_submission_is_told_as_a_warning(client, auth, app, demo):
    """No rule reads the probationary status: the result holds, the reviewer is told all the same."""
    from tests.unit_page.test_roster_of_record import import_roster_rows

    submit(client, auth, app, UNIT, "qd132-hd21")
    person = plain_member(demo)
    import_roster_rows(client, auth, [[1, person.code, person.full_name, person.birth_date, person.gender,
                                       person.cell_code, person.admitted_on, "Có", person.post]])
    [finding] = [f for f in checks_now(app) if person.code in f.message]
    assert finding.severity.value == "warning" and "“Không” → “Có”" in finding.message
