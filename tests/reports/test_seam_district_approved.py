"""The district report on the approved basis against the review: a unit counts there once approved and with the
figures its page showed, beside the submitted basis that counts it from its submission; a unit dissolved after its
approval leaves both and the checks page, and a note names it (docs/design.md, “Units that change during an open
cycle”)."""
import json

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Unit
from tests.admin.conftest import Query
from tests.admin.test_unit_validity import edit
from tests.reports.test_seam_district import LEVEL_KEYS, counts_of, submit
from tests.reports.test_seam_district_basis import RULE_SETS, checked_units, unit_rows
from tests.unit_page.test_flow_366 import switch_to_366


def report_on(client, auth, app, basis) -> dict:
    auth.login_as("reviewer")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
        db.session.remove()
    document = json.loads(client.get(f"/reports/{year}/report.json?basis={basis}").data)
    auth.logout()
    return document


def approve(client, auth, code):
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{code}/approve", data={"confirmed": "1"}).status_code == 303
    auth.logout()


def totals_are_the_sum(document):
    for kind in {row["kind"] for row in document["rows"]}:
        total = next(r for r in document["rows"] if r["kind"] == kind and r["row_type"] == "total")
        rows = [r for r in document["rows"] if r["kind"] == kind and r["row_type"] == "unit"]
        assert counts_of(total) == tuple(map(sum, zip(*map(counts_of, rows)))), kind


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_the_approved_basis_counts_a_unit_once_approved_with_what_its_page_showed(client, auth, app, demo,
                                                                                  rule_set_id):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    shown = submit(client, auth, app, "BD.P01", rule_set_id)
    submit(client, auth, app, "BD.P02", rule_set_id)
    approve(client, auth, "BD.P01")

    approved, submitted = (report_on(client, auth, app, basis) for basis in ("approved", "submitted"))
    assert not unit_rows(approved, "BD.P02") and unit_rows(submitted, "BD.P02")  # waiting: submitted basis only
    for document in (approved, submitted):
        for kind, sheet in shown.items():
            [row] = [row for row in unit_rows(document, "BD.P01") if row["kind"] == kind]
            assert counts_of(row) == (sheet["roster"], sheet["rated"],
                                      *(sheet["levels"][level] for level in LEVEL_KEYS), sheet["not_rated"]), kind
        totals_are_the_sum(document)
    assert checked_units(client, auth) == 2


def test_a_unit_dissolved_after_its_approval_leaves_the_report_and_the_checks_and_a_note_names_it(
        client, auth, app, demo):
    submit(client, auth, app, "BD.P01", "qd132-hd21")
    submit(client, auth, app, "BD.P02", "qd132-hd21")
    approve(client, auth, "BD.P01")
    approve(client, auth, "BD.P02")
    assert checked_units(client, auth) == 2
    auth.login_as("admin")
    successor = Query(app).id_of(Unit, code="BD.P02")
    assert edit(client, Query(app), "BD.P01", valid_to="30/06/2026", successor_id=str(successor)).status_code == 303
    auth.logout()
    with app.app_context():
        name = db.session.execute(db.select(Unit.name).filter_by(code="BD.P01")).scalar_one()
        db.session.remove()

    for basis in ("approved", "submitted"):
        document = report_on(client, auth, app, basis)
        assert not unit_rows(document, "BD.P01") and unit_rows(document, "BD.P02"), basis
        assert any(name in note for note in document["notes"]), (basis, document["notes"])
        totals_are_the_sum(document)
    assert checked_units(client, auth) == 1
    auth.login_as("reviewer")
    assert "Đã duyệt" in client.get("/review/units/BD.P01").get_data(as_text=True)  # its approval is kept
