"""One workbook against the district: what each unit's page shows after its upload is what the district report's
row for that unit says, for every subject kind under both rule sets, and the totals are the sum of the rows; a
member rated by two units (moved after the first one submitted) is said in the report's note, whose arithmetic
holds."""
import io
import json
import re

import pytest

from kdweb.extensions import db
from kdweb.models import Cycle, Unit, Upload
from kdweb.rules import SubjectKind
from tests.unit_page.test_flow_366 import scored_values, switch_to_366
from tests.unit_page.test_roster_of_record import move_member, plain_member
from tests.workbooks import clean_values, fill, roster, submit_latest_upload

RULE_SETS = ("qd132-hd21", "qd366-hd43")
UNITS = ("BD.P01", "BD.P02")
LEVEL_KEYS = {"HTXSNV": "htxsnv", "HTTNV": "httnv", "HTNV": "htnv", "KHTNV": "khtnv"}


def submit(client, auth, app, code, rule_set_id) -> dict:
    """The unit's staff fill, upload and submit; returns the summary its page shows, by subject kind."""
    auth.login_as("staff", code)
    batch = roster(app, code)
    values = scored_values(batch) if rule_set_id == "qd366-hd43" else clean_values(batch, rule_set_id)
    data = fill(client.get(f"/units/{code}/workbook.xlsx").data, values, rule_set_id)
    response = client.post(f"/units/{code}/uploads", data={"file": (io.BytesIO(data), "kq.xlsx")},
                           content_type="multipart/form-data", headers={"HX-Request": "true"})
    assert "Không có lỗi" in response.get_data(as_text=True)
    submit_latest_upload(client, app, code)
    auth.logout()
    with app.app_context():
        upload = db.session.execute(db.select(Upload).join(Unit).filter(Unit.code == code)
                                    .order_by(Upload.id.desc())).scalars().first()
        return {sheet["kind"]: sheet for sheet in json.loads(upload.summary_json)["sheets"]}


def report(client, auth, app) -> dict:
    auth.login_as("reviewer")
    with app.app_context():
        year = db.session.execute(db.select(Cycle.year)).scalar_one()
    return json.loads(client.get(f"/reports/{year}/report.json?basis=submitted").data)


def counts_of(row) -> tuple:
    return (row["roster"], row["rated"], *(row[key] for key in LEVEL_KEYS.values()), row["not_rated"])


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_each_units_row_is_what_its_page_shows_and_the_total_is_their_sum(client, auth, app, demo, rule_set_id):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    shown = {code: submit(client, auth, app, code, rule_set_id) for code in UNITS}
    rows = report(client, auth, app)["rows"]
    for kind in SubjectKind:
        for code in UNITS:
            sheet = shown[code][kind.code]
            row = next(r for r in rows if r["kind"] == kind.code and r["unit_code"] == code)
            assert counts_of(row) == (sheet["roster"], sheet["rated"], *(sheet["levels"][level] for level in LEVEL_KEYS),
                                      sheet["not_rated"]), (kind, code)
        total = next(r for r in rows if r["kind"] == kind.code and r["row_type"] == "total")
        unit_rows = [r for r in rows if r["kind"] == kind.code and r["row_type"] == "unit"]
        assert counts_of(total) == tuple(map(sum, zip(*map(counts_of, unit_rows))))


@pytest.mark.parametrize("rule_set_id", RULE_SETS)
def test_a_member_rated_by_two_units_is_said_and_the_note_adds_up(client, auth, app, demo, rule_set_id):
    if rule_set_id == "qd366-hd43":
        switch_to_366(client, auth, app)
    submit(client, auth, app, "BD.P01", rule_set_id)
    move_member(client, auth, plain_member(demo), "BD.P02.C01")  # after BD.P01 submitted him
    submit(client, auth, app, "BD.P02", rule_set_id)
    document = report(client, auth, app)
    total = next(r for r in document["rows"] if r["kind"] == "MEMBER" and r["row_type"] == "total")
    note = next(note for note in document["notes"] if "không tính trùng" in note)
    assert "không tính trùng ai" not in note and "chỉ tính trùng 1 đảng viên" in note
    listings, distinct = (int(number.replace(".", "")) for number in
                          re.search(r"gồm cả ([\d.]+) lượt ghi tên này.*tức ([\d.]+) đảng viên", note).groups())
    assert listings == total["temporary"] and total["roster"] == distinct + 1 + listings  # none twice but him
