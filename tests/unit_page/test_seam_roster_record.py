"""The roster of record against a workbook issued before it changed, by class of change, under both rule sets: a
member moved to another chi bộ of the unit, a leader post given to another person, a leadership collective renamed,
removed or added, a chi bộ dissolved or founded. Each is checked against the roster as it stands, told in
Vietnamese on the subject's row of its sheet, and counted once or not at all, never silently; and a reviewer sees
on the dashboard that a submitted unit's roster changed, whatever the admin changed (tests/unit_page/
test_seam_roster.py: renames and corrected dates; test_roster_of_record.py: members added, removed, moved out)."""
import io

import pytest
from openpyxl import load_workbook

from kdweb.excel import FIRST_DATA_ROW, HEADER_ROW
from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, Rating, Unit, Upload
from kdweb.rules import SubjectKind
from tests.admin.test_units import unit_form
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_flow_366 import switch_to_366
from tests.unit_page.test_roster_of_record import download, move_member, plain_member
from tests.unit_page.test_seam_roster import RULE_SETS, values_for
from tests.workbooks import cell_of, fill, roster, submit_latest_upload

SHEETS = {SubjectKind.MEMBER: "Đảng viên", SubjectKind.ORGANISATION: "Tổ chức đảng",
          SubjectKind.COLLECTIVE: "Tập thể lãnh đạo, quản lý", SubjectKind.LEADER: "Cán bộ lãnh đạo, quản lý"}


def newest(app):
    with app.app_context():
        found = db.session.execute(db.select(Upload).order_by(Upload.id.desc())).scalars().first()
        result = {"outcome": found.outcome,
                  "findings": [(f.rule, f.severity, f.subject_code, f.sheet, f.cell, f.message)
                               for f in found.findings],
                  "ratings": db.session.execute(db.select(Rating.subject_kind, Rating.subject_code, Rating.subject_name)
                                                .filter_by(upload_id=found.id)).all()}
        db.session.remove()
    return result


def told(result, rule, code):
    return [finding for finding in result["findings"] if finding[0] == rule and finding[2] == code]


def only_told_about(result, code):
    """Nothing else was said about the roster: one change, one subject."""
    assert {finding[2] for finding in result["findings"] if finding[0] in ("X-ROSTER", "X-MISSING")} == {code}, \
        result["findings"]


def in_database(app, change):
    with app.app_context():
        answer = change()
        db.session.commit()
        db.session.remove()
    return answer


def first_of_unit(model, unit=UNIT):
    return db.session.execute(db.select(model).join(Unit, model.rated_in_id == Unit.id).filter(Unit.code == unit)
                              .order_by(model.code)).scalars().first()


@pytest.fixture(params=RULE_SETS)
def issued(request, client, auth, app, demo):
    """The unit's workbook and roster as issued, under each rule set; then the staff log out for the admin."""
    if request.param == "qd366-hd43":
        switch_to_366(client, auth, app)
    auth.login_as("staff", UNIT)
    batch, data = roster(app, UNIT), download(client)
    auth.logout()
    return request.param, batch, data


def send_old(client, auth, issued):
    rule_set_id, batch, data = issued
    auth.login_as("staff", UNIT)
    upload(client, fill(data, values_for(rule_set_id, batch), rule_set_id))


def test_a_member_moved_to_another_chi_bo_of_the_unit_is_told_both_names_and_counted_once(client, auth, app, demo,
                                                                                        issued):
    member = plain_member(demo)
    names = {unit.code: unit.name for unit in demo.units}
    assert member.cell_code == "BD.P01.C01"
    move_member(client, auth, member, "BD.P01.C02")
    send_old(client, auth, issued)
    result = newest(app)
    assert result["outcome"] == "valid", result["findings"]
    [warning] = told(result, "X-ROSTER", member.code)
    assert warning[1] == "warning" and warning[3] == "Đảng viên"
    assert warning[4] == cell_of(issued[2], SubjectKind.MEMBER, member.code, "cell_name", issued[0])[1]
    assert f"“{names['BD.P01.C01']}” → “{names['BD.P01.C02']}”" in warning[5]  # the chi bộ by name, not only code
    only_told_about(result, member.code)
    assert [code for kind, code, _ in result["ratings"] if code == member.code] == [member.code]


def test_a_leader_post_given_to_another_person_is_checked_with_the_new_holder(client, auth, app, demo, issued):
    def give_the_post_away():
        post = first_of_unit(LeaderPost)
        holder = db.session.execute(db.select(Person).filter_by(code=plain_member(demo).code)).scalar_one()
        before, post.person_id = post.person.full_name, holder.id
        return post.code, before, holder.full_name

    code, before, after = in_database(app, give_the_post_away)
    send_old(client, auth, issued)
    result = newest(app)
    [warning] = told(result, "X-ROSTER", code)
    assert warning[1] == "warning" and warning[3] == SHEETS[SubjectKind.LEADER] and warning[4]
    assert f"“{before}” → “{after}”" in warning[5] and "tải mẫu mới" in warning[5]
    only_told_about(result, code)
    assert (SubjectKind.LEADER.code, code, after) in result["ratings"]  # the report names who holds the post now


def test_a_collective_renamed_is_told_and_reported_under_its_name_now(client, auth, app, issued):
    def rename():
        collective = first_of_unit(Collective)
        before, collective.name = collective.name, collective.name + " (kiện toàn)"
        return collective.code, before, collective.name

    code, before, after = in_database(app, rename)
    send_old(client, auth, issued)
    result = newest(app)
    [warning] = told(result, "X-ROSTER", code)
    assert warning[3] == SHEETS[SubjectKind.COLLECTIVE] and f"“{before}” → “{after}”" in warning[5]
    only_told_about(result, code)
    assert (SubjectKind.COLLECTIVE.code, code, after) in result["ratings"]


def test_a_collective_removed_is_not_counted_and_one_added_must_be_rated(client, auth, app, issued):
    def replace_one():
        gone = first_of_unit(Collective)
        db.session.execute(db.update(LeaderPost).filter_by(heads_collective_id=gone.id)
                           .values(heads_collective_id=None))
        db.session.add(Collective(cycle_id=gone.cycle_id, code=f"{UNIT}.TT999", name="Ban Chỉ huy Quân sự phường",
                                  collective_type=gone.collective_type, rated_in_id=gone.rated_in_id))
        db.session.delete(gone)
        return gone.code, gone.name

    gone, gone_name = in_database(app, replace_one)
    send_old(client, auth, issued)
    result = newest(app)
    [left] = told(result, "X-ROSTER", gone)
    assert left[1] == "warning" and left[3] == SHEETS[SubjectKind.COLLECTIVE] and left[4]
    assert f"{gone_name} (mã {gone}) đã được rút khỏi danh sách" in left[5]
    assert gone not in {code for _, code, _ in result["ratings"]}
    [missing] = told(result, "X-MISSING", f"{UNIT}.TT999")
    assert missing[1] == "error" and "Ban Chỉ huy Quân sự phường (mã BD.P01.TT999) được bổ sung" in missing[5]
    assert result["outcome"] == "errors"


def test_a_chi_bo_dissolved_is_not_counted_and_one_founded_must_be_rated(client, auth, app, issued):
    auth.login_as("admin")
    with app.app_context():
        parent = db.session.execute(db.select(Unit.id).filter_by(code=UNIT)).scalar_one()
    assert client.post("/admin/units/BD.P01.CA/deactivate").status_code in (200, 303)
    assert client.post("/admin/units/new", data=unit_form(code="BD.P01.C09", parent_id=parent)).status_code == 303
    auth.logout()
    send_old(client, auth, issued)
    result = newest(app)
    [left] = told(result, "X-ROSTER", "BD.P01.CA")
    assert left[3] == SHEETS[SubjectKind.ORGANISATION] and "rút khỏi danh sách" in left[5]
    [missing] = told(result, "X-MISSING", "BD.P01.C09")
    assert missing[1] == "error" and "Chi bộ Tổ dân phố số 4 (mã BD.P01.C09) được bổ sung" in missing[5]
    assert "BD.P01.CA" not in {code for _, code, _ in result["ratings"]}


CHANGES_AFTER_SUBMISSION = {
    "chi bộ founded": lambda client, parent: client.post(
        "/admin/units/new", data=unit_form(code="BD.P01.C09", parent_id=parent)),
    "chi bộ dissolved": lambda client, parent: client.post("/admin/units/BD.P01.CA/deactivate"),
}


@pytest.mark.parametrize("change", list(CHANGES_AFTER_SUBMISSION))
def test_a_chi_bo_founded_or_dissolved_after_submission_is_flagged_to_the_reviewer(client, auth, app, issued, change):
    send_old(client, auth, issued)
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    auth.login_as("admin")
    with app.app_context():
        parent = db.session.execute(db.select(Unit.id).filter_by(code=UNIT)).scalar_one()
    assert CHANGES_AFTER_SUBMISSION[change](client, parent).status_code in (200, 303)
    auth.logout()
    auth.login_as("reviewer")
    dashboard = client.get("/review/").get_data(as_text=True)
    row = next(part for part in dashboard.split("<tr") if f"/review/units/{UNIT}\"" in part)
    assert "Danh sách đổi sau khi nộp" in row


# --- a roster tampered with in the workbook, beside a roster that changed ------------------------------------------

def rows_edited(data, edit):
    """The workbook with its member sheet's rows edited by edit(sheet, header: title → column, rows: code → row)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Đảng viên"]
    header = {cell.value: cell.column for cell in sheet[HEADER_ROW]}
    rows = {sheet.cell(row, header["Mã đảng viên"]).value: row for row in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    edit(sheet, header, rows)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def copy_row(sheet, source_row, target_row):
    for column in range(1, sheet.max_column + 1):
        sheet.cell(target_row, column, sheet.cell(source_row, column).value)


def test_a_duplicated_row_of_a_member_who_left_is_told_once_and_counted_nowhere(client, auth, app, demo, issued):
    rule_set_id, batch, data = issued
    member = plain_member(demo)
    move_member(client, auth, member, "BD.P02.C01")
    filled = fill(data, values_for(rule_set_id, batch), rule_set_id)
    doubled = rows_edited(filled, lambda sheet, header, rows: copy_row(sheet, rows[member.code], sheet.max_row + 1))
    auth.login_as("staff", UNIT)
    upload(client, doubled)
    result = newest(app)
    [left] = told(result, "X-ROSTER", member.code)
    assert "đã chuyển sang Đảng bộ phường Điện Biên" in left[5]
    assert member.code not in {code for _, code, _ in result["ratings"]}
    assert not told(result, "X-MISSING", member.code)  # not also "appears twice": neither row counts


def test_rows_deleted_edited_or_copied_from_another_units_workbook_are_each_told_at_their_row(client, auth, app, demo,
                                                                                           issued):
    rule_set_id, batch, data = issued
    deleted, edited = [p for p in demo.persons if p.grassroots_code == UNIT][-2:]
    stranger = plain_member(demo, "BD.P02")

    def tamper(sheet, header, rows):
        sheet.delete_rows(rows[deleted.code])
        sheet.cell(rows[edited.code] - 1, header["Mã đảng viên"], "DV999999")  # one row up after the deletion
        copy_row(sheet, rows[edited.code] - 1, sheet.max_row + 1)
        sheet.cell(sheet.max_row, header["Mã đảng viên"], stranger.code)
        sheet.cell(sheet.max_row, header["Họ và tên"], stranger.full_name)

    tampered = rows_edited(fill(data, values_for(rule_set_id, batch), rule_set_id), tamper)
    auth.login_as("staff", UNIT)
    upload(client, tampered)
    result = newest(app)
    assert result["outcome"] == "errors"
    for code in (deleted.code, edited.code):  # dropped from the sheet: each named, an error
        [dropped] = told(result, "X-MISSING", code)
        assert dropped[1] == "error"
    [invented] = told(result, "X-MISSING", "DV999999")
    assert invented[3] == "Đảng viên" and invented[4] and "không có trong danh sách" in invented[5]
    [copied] = told(result, "X-MISSING", stranger.code)
    assert copied[4] and "hiện có trong danh sách của Đảng bộ phường Điện Biên" in copied[5]
    rated = {code for _, code, _ in result["ratings"]}
    assert not {deleted.code, edited.code} & rated  # an invented row only ever in a file with errors
    with app.app_context():
        assert db.session.execute(db.select(Cycle.is_open)).scalar_one()
