"""One unit's figures against the district: the report and the district checks read each unit's current
submission only. A unit returned is counted nowhere until it submits again, and then once, with the figures of
the version it submitted again; the checks page counts the units the report counts, also after the admin ended a
unit's validity while the cycle is open (docs/design.md, “Units that change during an open cycle”)."""
import re

import pytest

from kdweb.extensions import db
from kdweb.models import Person, Unit
from tests.admin.test_unit_validity import edit
from tests.admin.conftest import Query
from tests.reports.test_seam_district import LEVEL_KEYS, counts_of, report, submit
from tests.unit_page.test_flow_366 import switch_to_366
from tests.unit_page.test_roster_of_record import plain_member

RULE_SETS = ("qd132-hd21", "qd366-hd43")
CHECKED_UNITS = re.compile(r"(\d+) đơn vị đã nộp")


def checked_units(client, auth) -> int:
    auth.login_as("reviewer")
    page = client.get("/review/checks").get_data(as_text=True)
    auth.logout()
    return int(CHECKED_UNITS.search(page).group(1))


def reported(client, auth, app) -> dict:
    document = report(client, auth, app)
    auth.logout()
    return document


def unit_rows(document, code):
    return [row for row in document["rows"] if row.get("unit_code") == code and row["row_type"] == "unit"]


def return_unit(client, auth, code):
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{code}/return", data={"comment": "Sửa lại"}).status_code == 303
    auth.logout()


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_a_unit_returned_then_submitted_again_counts_once_with_its_new_figures(client, auth, app, demo, rule_set_id):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    submit(client, auth, app, "BD.P02", rule_set_id)
    first = submit(client, auth, app, "BD.P01", rule_set_id)
    assert checked_units(client, auth) == 2
    return_unit(client, auth, "BD.P01")

    document = reported(client, auth, app)
    assert not unit_rows(document, "BD.P01")  # returned: not final, counted nowhere
    assert checked_units(client, auth) == 1

    member = plain_member(demo)
    with app.app_context():  # the roster changed meanwhile: the unit's figures change with it
        db.session.execute(db.delete(Person).filter_by(code=member.code))
        db.session.commit()
        db.session.remove()
    second = submit(client, auth, app, "BD.P01", rule_set_id)
    assert second["MEMBER"]["roster"] == first["MEMBER"]["roster"] - 1

    document = reported(client, auth, app)
    for kind, sheet in second.items():
        [row] = [row for row in unit_rows(document, "BD.P01") if row["kind"] == kind]  # once, not beside the old
        assert counts_of(row) == (sheet["roster"], sheet["rated"], *(sheet["levels"][level] for level in LEVEL_KEYS),
                                  sheet["not_rated"]), kind
        total = next(r for r in document["rows"] if r["kind"] == kind and r["row_type"] == "total")
        assert counts_of(total) == tuple(map(sum, zip(*(counts_of(r) for r in document["rows"]
                                                        if r["kind"] == kind and r["row_type"] == "unit"))))
    assert checked_units(client, auth) == 2


def test_the_checks_page_leaves_out_a_unit_whose_validity_ended_as_the_report_does(client, auth, app, demo):
    submit(client, auth, app, "BD.P01", "qd132-hd21")
    submit(client, auth, app, "BD.P02", "qd132-hd21")
    assert checked_units(client, auth) == 2  # computed and stored
    auth.login_as("admin")
    successor = Query(app).id_of(Unit, code="BD.P02")
    assert edit(client, Query(app), "BD.P01", valid_to="30/06/2026", successor_id=str(successor)).status_code == 303
    auth.logout()

    document = reported(client, auth, app)
    assert not unit_rows(document, "BD.P01") and unit_rows(document, "BD.P02")
    assert checked_units(client, auth) == 1  # not the stored count from before the change
