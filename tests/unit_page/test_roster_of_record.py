"""The roster of record is the database's: a workbook downloaded before an admin changed the roster is checked
against the roster as it is now, through the real upload path, in each direction (added, removed, moved)."""
import io

import pytest
from openpyxl import load_workbook

from kdweb.excel import FIRST_DATA_ROW, HEADER_ROW
from kdweb.extensions import db
from kdweb.models import Finding, Person, Rating, Unit, UnitCycle, Upload
from kdweb.rules import SubjectKind
from tests.admin.files import HEADERS, xlsx
from tests.admin.test_roster_import import confirm_form
from tests.admin.test_roster_import import upload as upload_roster
from tests.workbooks import clean_values, fill, roster, submit_latest_upload

from .conftest import UNIT, upload

NEW_CODE, NEW_NAME = "DV900001", "Phạm Văn Mới"


def with_typed_row(data, code, name, level="Hoàn thành xuất sắc nhiệm vụ", grade="Xuất sắc"):
    """The workbook with one more member row typed below the issued ones: code, name, level, every grade;
    returns its bytes, the new row's number and the header's column by title."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Đảng viên"]
    header = {cell.value: cell.column for cell in sheet[HEADER_ROW]}
    row = sheet.max_row + 1
    sheet.cell(row, header["Mã đảng viên"], code)
    sheet.cell(row, header["Họ và tên"], name)
    sheet.cell(row, header["Mức xếp loại"], level)
    for title, column in header.items():
        if title and title[:1].isdigit():  # the criterion grades, "1. Tư tưởng chính trị" …
            sheet.cell(row, column, grade)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue(), row, header


def import_roster_rows(client, auth, rows):
    """The admin imports roster rows through the admin pages, as a real roster change is made."""
    auth.login_as("admin")
    import_id = upload_roster(client, "bo-sung.xlsx", xlsx([HEADERS, *rows]))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page))
    assert response.status_code == 303
    auth.logout()


def add_member(client, auth, cell="BD.P01.C01"):
    import_roster_rows(client, auth, [[1, NEW_CODE, NEW_NAME, "15/12/1990", "Nam", cell, "19/05/2015", "", ""]])


def move_member(client, auth, person, cell):
    import_roster_rows(client, auth, [[1, person.code, person.full_name, person.birth_date, person.gender, cell,
                                       person.admitted_on, "Có" if person.probationary else "", person.post]])


def plain_member(demo, grassroots=UNIT):
    leaders = {leader.person_code for leader in demo.leaders}
    return next(p for p in demo.persons if p.grassroots_code == grassroots and p.code not in leaders
                and not (p.exempt or p.suspended or p.transferred_in_on or p.temporary_cell_code
                         or p.discipline_form or p.is_civil_servant or p.probationary))


def latest_upload(app, unit_code=UNIT):
    with app.app_context():
        found = db.session.execute(
            db.select(Upload).join(Unit).filter(Unit.code == unit_code).order_by(Upload.id.desc())).scalars().first()
        result = {
            "outcome": found.outcome,
            "findings": [(f.rule, f.severity, f.message, f.sheet, f.cell) for f in found.findings],
            "rated": {r.subject_code for r in db.session.execute(
                db.select(Rating).filter_by(upload_id=found.id)).scalars()},
        }
        db.session.remove()
    return result


def download(client, unit_code=UNIT, carry=False):
    response = client.get(f"/units/{unit_code}/workbook.xlsx" + ("?carry=1" if carry else ""))
    assert response.status_code == 200
    return response.data


def test_a_member_added_after_download_is_an_error_naming_him(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    data = download(client)
    auth.logout()
    add_member(client, auth)

    auth.login_as("staff", UNIT)
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Danh sách đã thay đổi sau khi tải mẫu" in page and "carry=1" in page
    upload(client, fill(data, clean_values(old_roster)))
    result = latest_upload(app)
    assert result["outcome"] == "errors"
    missing = [f for f in result["findings"] if f[0] == "X-MISSING"]
    assert len(missing) == 1 and missing[0][1] == "error"
    assert f"{NEW_NAME} (mã {NEW_CODE}) được bổ sung vào danh sách sau khi tải mẫu" in missing[0][2]
    assert "tải mẫu mới" in missing[0][2]


def test_the_fresh_workbook_keeps_what_was_typed_and_adds_the_new_member(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    member = plain_member(demo)
    typed = clean_values(old_roster)

    def with_remark(kind, code):
        values = typed(kind, code)
        if values is not None and code == member.code:
            values = {**values, "level": "Hoàn thành xuất sắc nhiệm vụ", "grade:1": "Xuất sắc",
                      "grade:5": "Xuất sắc", "remarks": "Gương mẫu"}
        return values

    upload(client, fill(download(client), with_remark))
    auth.logout()
    add_member(client, auth)

    auth.login_as("staff", UNIT)
    fresh = download(client, carry=True)
    sheet = load_workbook(io.BytesIO(fresh))["Đảng viên"]
    header = {cell.value: cell.column - 1 for cell in sheet[HEADER_ROW]}
    rows = {row[header["Mã đảng viên"]]: row for row in sheet.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)}
    assert NEW_CODE in rows and rows[NEW_CODE][header["Mức xếp loại"]] is None
    kept = rows[member.code]
    assert kept[header["Mức xếp loại"]] == "Hoàn thành xuất sắc nhiệm vụ"
    assert kept[header["Ghi chú"]] == "Gương mẫu"
    assert "Xuất sắc" in kept  # a criterion grade carried over

    upload(client, fill(fresh, lambda kind, code: {"level": "Hoàn thành tốt nhiệm vụ", **{
        f"grade:{n}": "Tốt" for n in range(1, 6)}} if code == NEW_CODE else None))
    result = latest_upload(app)
    assert result["outcome"] == "valid", result["findings"]
    assert NEW_CODE in result["rated"]
    page = client.get(f"/units/{UNIT}").get_data(as_text=True)
    assert "Danh sách đã thay đổi sau khi tải mẫu" not in page  # the newest workbook matches the roster


def test_a_member_removed_after_download_is_a_warning_and_not_counted(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    data = download(client)
    member = plain_member(demo)
    with app.app_context():
        db.session.execute(db.delete(Person).filter_by(code=member.code))
        db.session.commit()
        db.session.remove()

    upload(client, fill(data, clean_values(old_roster)))
    result = latest_upload(app)
    assert result["outcome"] == "valid", result["findings"]
    warnings = [f for f in result["findings"] if f[0] == "X-ROSTER"]
    assert len(warnings) == 1 and warnings[0][1] == "warning"
    assert member.full_name in warnings[0][2] and "rút khỏi danh sách" in warnings[0][2]
    assert warnings[0][3] == "Đảng viên" and warnings[0][4]  # on the member's row
    assert member.code not in result["rated"]


def test_a_member_moved_to_another_unit_after_download(client, app, auth, demo):
    other = "BD.P02"
    member = plain_member(demo)
    auth.login_as("staff", UNIT)
    here_roster = roster(app, UNIT)
    here = download(client)
    auth.logout()
    auth.login_as("staff", other)
    there_roster = roster(app, other)
    there = download(client, other)
    auth.logout()
    move_member(client, auth, member, "BD.P02.C01")

    auth.login_as("staff", UNIT)
    upload(client, fill(here, clean_values(here_roster)))
    result = latest_upload(app)
    assert result["outcome"] == "valid"
    moved = [f for f in result["findings"] if f[0] == "X-ROSTER"]
    assert len(moved) == 1 and "đã chuyển sang Đảng bộ phường Điện Biên" in moved[0][2], moved
    assert member.code not in result["rated"]
    auth.logout()

    auth.login_as("staff", other)
    response = client.post(f"/units/{other}/uploads", data={"file": (io.BytesIO(
        fill(there, clean_values(there_roster))), "kq.xlsx")}, content_type="multipart/form-data")
    assert response.status_code in (200, 303)
    result = latest_upload(app, other)
    missing = [f for f in result["findings"] if f[0] == "X-MISSING"]
    assert result["outcome"] == "errors" and len(missing) == 1
    assert f"{member.full_name} (mã {member.code}) được bổ sung vào danh sách sau khi tải mẫu" in missing[0][2]


def test_a_roster_change_after_submission_shows_on_the_dashboard_and_in_the_district_checks(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    upload(client, fill(download(client), clean_values(old_roster)))
    submit_latest_upload(client, app, UNIT)
    auth.logout()

    auth.login_as("reviewer")
    assert "Danh sách đổi sau khi nộp" not in client.get("/review/").get_data(as_text=True)
    checks = client.get("/review/checks").get_data(as_text=True)
    assert "X-ROSTER" not in checks
    auth.logout()

    add_member(client, auth)
    auth.login_as("reviewer")
    assert "Danh sách đổi sau khi nộp" in client.get("/review/").get_data(as_text=True)
    checks = client.get("/review/checks").get_data(as_text=True)
    assert "X-ROSTER" in checks and f"{NEW_NAME} ({NEW_CODE})" in checks
    assert "không còn khớp với danh sách" in checks
    unit_page = client.get(f"/review/units/{UNIT}").get_data(as_text=True)
    assert "Danh sách đã thay đổi sau khi tải mẫu" in unit_page


def test_a_member_added_after_download_may_be_typed_as_a_new_row(client, app, auth, demo):
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    data = fill(download(client), clean_values(old_roster))
    auth.logout()
    add_member(client, auth)

    data, _, _ = with_typed_row(data, NEW_CODE, NEW_NAME, level="Hoàn thành tốt nhiệm vụ", grade="Tốt")

    auth.login_as("staff", UNIT)
    upload(client, data)
    result = latest_upload(app)
    assert not [f for f in result["findings"] if f[0] == "X-MISSING"], result["findings"]
    assert NEW_CODE in result["rated"]


def test_the_roster_is_sent_to_the_sandbox_only_when_it_changed_since_a_download(client, app, auth, demo,
                                                                                  monkeypatch):
    from kdweb.services import uploads

    sent = []
    run = uploads.untrusted.run

    def watched(function, *args, **kwargs):
        if function is uploads.outcome.check:
            sent.append(kwargs["roster_of_record"])
        return run(function, *args, **kwargs)

    monkeypatch.setattr(uploads.untrusted, "run", watched)
    auth.login_as("staff", UNIT)
    old_roster = roster(app, UNIT)
    data = download(client)
    upload(client, fill(data, clean_values(old_roster)))
    assert sent == [None] and latest_upload(app)["outcome"] == "valid"  # issued for the roster as it stands
    auth.logout()
    add_member(client, auth)

    auth.login_as("staff", UNIT)
    values = clean_values(old_roster)
    again = lambda kind, code: (  # noqa: E731 - not the same bytes, so checked again
        {**values(kind, code), "remarks": "Gửi lại"} if kind is SubjectKind.MEMBER and values(kind, code) else values(kind, code))
    upload(client, fill(data, again))
    assert len(sent) == 2 and sent[-1] is not None and NEW_CODE in sent[-1].subjects[SubjectKind.MEMBER]
    assert [f[0] for f in latest_upload(app)["findings"] if f[0] == "X-MISSING"] == ["X-MISSING"]


def test_a_member_moved_out_after_submission_is_flagged_on_the_dashboard_and_in_the_district_checks(
        client, app, auth, demo):
    member = plain_member(demo)
    auth.login_as("staff", UNIT)
    upload(client, fill(download(client), clean_values(roster(app, UNIT))))
    submit_latest_upload(client, app, UNIT)
    auth.logout()
    move_member(client, auth, member, "BD.P02.C01")

    auth.login_as("reviewer")
    dashboard = client.get("/review/").get_data(as_text=True)
    row = next(part for part in dashboard.split("<tr") if f"/review/units/{UNIT}\"" in part)
    assert "Danh sách đổi sau khi nộp" in row
    checks = client.get("/review/checks").get_data(as_text=True)
    assert "X-ROSTER" in checks and f"không còn trong danh sách: {member.full_name} ({member.code})" in checks
