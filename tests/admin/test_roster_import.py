"""Roster import end to end: upload, proposed mapping, dry run, confirmation, idempotence, rollback."""
import hashlib
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Cycle, Person, RosterImport, Unit
from kdweb.services.admin import roster_import as import_service
from kdweb.services.admin.roster_file import read_roster_file
from kdweb.services.admin.roster_mapping import FIELDS, find_header_row, propose_mapping
from tests.admin.files import HEADERS, csv_bytes, ods, xlsx

HX = {"HX-Request": "true"}
UNACCENTED = ["STT", "So the dang vien", "Ho va ten", "Ngay sinh", "Gioi tinh", "Chi bo", "Ngay vao Dang", "Du bi",
              "Chuc vu"]


def roster_rows(demo, dates_as_text=False):
    """A title, a blank row, the headers, then: one member as he is, one with a new post, two new members."""
    same, changed = demo.persons[0], demo.persons[1]

    def day(value):
        return value.strftime("%d/%m/%Y") if dates_as_text and value else value

    def row(number, person, post):
        return [number, person.code, person.full_name, day(person.birth_date), person.gender, person.cell_code,
                day(person.admitted_on), "Có" if person.probationary else "", post]
    return [
        ["DANH SÁCH ĐẢNG VIÊN ĐẢNG BỘ QUẬN BA ĐÌNH NĂM 2026"],
        [],
        HEADERS,
        row(1, same, same.post),
        row(2, changed, "Tổ trưởng tổ dân phố số 9"),
        [3, "DV900001", "Phạm Văn Mới", "15/12/1990", "Nam", "BD.P01.C01", "2020-05-19", "Có", ""],
        [4, "DV900002", "Hoàng Thị Mai", day(date(1985, 3, 8)), "Nữ", "BD.P02.C01", "", "", "Bí thư chi đoàn"],
    ]


def files(demo):
    return {
        "xlsx": ("danh-sach.xlsx", xlsx(roster_rows(demo))),
        "ods": ("danh-sach.ods", ods(roster_rows(demo))),
        "csv": ("danh-sach.csv", csv_bytes([UNACCENTED if row == HEADERS else row
                                            for row in roster_rows(demo, dates_as_text=True)])),
    }


def upload(client, name, content):
    response = client.post("/admin/roster/imports", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.search(r"/admin/roster/imports/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def counts(page):
    found = re.search(r'data-added="(\d+)" data-updated="(\d+)" data-unchanged="(\d+)" data-errors="(\d+)"', page)
    assert found, "no dry run on the page"
    return tuple(int(value) for value in found.groups())


def confirm_form(page):
    form = re.search(r'<form method="post" action="/admin/roster/imports/\d+/apply".*?</form>', page, re.S)
    assert form, "no confirmation form"
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(0)))


def members(query):
    return query(lambda: db.session.scalar(db.select(db.func.count(Person.id))))


def person(query, code):
    return query.one(Person, lambda found: {
        "full_name": found.full_name, "birth_date": found.birth_date, "gender": found.gender,
        "cell": found.cell.code, "grassroots": found.grassroots.code, "admitted_on": found.admitted_on,
        "probationary": found.probationary, "post": found.post, "exempt": found.exempt}, code=code)


def roster_import(query, import_id):
    def load():
        found = db.session.get(RosterImport, import_id)
        return {"state": found.state, "counts": (found.added_count, found.updated_count, found.unchanged_count),
                "sha256": found.sha256, "content": found.content, "filename": found.filename, "size": found.size,
                "user": found.user.login, "year": found.cycle.year}
    return query(load)


def test_the_template_has_the_vietnamese_headers_the_importer_knows(client, admin):
    response = client.get("/admin/roster/template.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Danh sách đảng viên", "Danh mục chi bộ", "Hướng dẫn"]
    headers = [cell.value for cell in book["Danh sách đảng viên"][1]]
    assert headers == [field.label for field in FIELDS]
    cells = {row[0]: row[1] for row in book["Danh mục chi bộ"].iter_rows(min_row=2, values_only=True)}
    assert cells["BD.P01.C01"].startswith("Chi bộ") and "BD.P01" not in cells  # chi bộ only, not the ward
    sheet = read_roster_file("mau.xlsx", response.data)[0]
    assert sorted(propose_mapping(sheet.rows[find_header_row(sheet.rows) - 1]).values()) == sorted(f.key for f in FIELDS)


@pytest.mark.parametrize("kind", ["xlsx", "ods", "csv"])
def test_upload_preview_and_import(client, admin, demo, query, audit_log, kind):
    name, content = files(demo)[kind]
    before = members(query)
    import_id = upload(client, name, content)
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (2, 1, 1, 0)
    assert f"Có trong danh sách nhưng không có trong tệp (giữ nguyên): {len(demo.persons) - 2}" in page
    assert 'value="3">' in page  # the header row below the title was found
    assert '<option value="code" selected>' in page and '<option value="cell" selected>' in page
    assert "Tổ trưởng tổ dân phố số 9" in page  # the update shows its change
    assert members(query) == before  # a dry run writes nothing

    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page))
    assert response.status_code == 303
    assert members(query) == before + 2
    assert person(query, "DV900001") == {
        "full_name": "Phạm Văn Mới", "birth_date": date(1990, 12, 15), "gender": "Nam", "cell": "BD.P01.C01",
        "grassroots": "BD.P01", "admitted_on": date(2020, 5, 19), "probationary": True, "post": None, "exempt": False}
    assert person(query, "DV900002")["birth_date"] == date(1985, 3, 8)
    assert person(query, "DV900002")["grassroots"] == "BD.P02"
    assert person(query, demo.persons[1].code)["post"] == "Tổ trưởng tổ dân phố số 9"

    recorded = roster_import(query, import_id)
    assert recorded["state"] == "applied" and recorded["counts"] == (2, 1, 1)
    assert recorded["content"] == content and recorded["size"] == len(content)
    assert recorded["sha256"] == hashlib.sha256(content).hexdigest()
    assert (recorded["filename"], recorded["user"], recorded["year"]) == (name, "admin", 2026)
    [(who, target, detail)] = audit_log("roster_imported")
    assert who == "admin" and target == import_id
    assert (detail["added"], detail["updated"], detail["unchanged"]) == (2, 1, 1)
    assert detail["sha256"] == recorded["sha256"] and detail["filename"] == name
    assert [target for _, target, _ in audit_log("roster_file_received")] == [import_id]

    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert "Đã nhập lúc" in page and "Thêm mới: 2" in page
    assert client.get(f"/admin/roster/imports/{import_id}/file").data == content


def test_reimporting_the_same_file_changes_nothing(client, admin, demo, query):
    name, content = files(demo)["xlsx"]
    first = upload(client, name, content)
    client.post(f"/admin/roster/imports/{first}/apply",
                data=confirm_form(client.get(f"/admin/roster/imports/{first}").get_data(as_text=True)))
    after_first = members(query)
    second = upload(client, name, content)
    page = client.get(f"/admin/roster/imports/{second}").get_data(as_text=True)
    assert counts(page) == (0, 0, 4, 0)
    assert "Tệp giống hệt tệp này đã được nhập" in page
    assert "Không có gì để nhập" in page and "/apply" not in page
    response = client.post(f"/admin/roster/imports/{second}/apply",
                           data={"header_row": "3", "col_1": "code", "col_2": "full_name", "col_3": "birth_date",
                                 "col_4": "gender", "col_5": "cell", "col_6": "admitted_on", "col_7": "probationary",
                                 "col_8": "post"})
    assert response.status_code == 303
    assert roster_import(query, second)["counts"] == (0, 0, 4)
    assert members(query) == after_first


def test_every_row_error_names_its_row_and_column_and_nothing_is_imported(client, admin, demo, query, audit_log):
    rows = roster_rows(demo)[:3] + [
        [1, "DV900001", "Phạm Văn Mới", "15/12/1990", "Nam", "BD.P01.C01", "", "", ""],
        [2, "DV900001", "Phạm Văn Trùng", "15/12/1990", "Nam", "BD.P01.C01", "", "", ""],
        [3, "DV900003", "Ngô Văn Sai Ngày", "31/02/1990", "Nam", "BD.P01.C01", "", "", ""],
        [4, "DV900004", "Đỗ Thị Lạc", "", "Nữ", "Chi bộ Không Có Thật", "", "", ""],
        [5, "DV900005", "", "01/01/1970", "Nam", "BD.P01.C02", "", "", ""],
        [6, "DV900006", "Vũ Văn Đúng", "01/01/1970", "Nam", "BD.P01.C02", "", "", ""],
    ]
    import_id = upload(client, "loi.xlsx", xlsx(rows))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (1, 0, 0, 5)
    table = re.search(r'<table class="[^"]*" id="row-errors">.*?</table>', page, re.S).group(0)
    found = [(int(row), column) for row, column in
             re.findall(r'<tr><td>(\d+)</td><td><span class="code">([A-Z]+)</span>', table)]
    assert found == [(4, "B"), (5, "B"), (6, "D"), (7, "F"), (8, "C")]
    assert "Mã đảng viên “DV900001” trùng với dòng 5 trong tệp." in table
    assert "“31/02/1990” không phải ngày hợp lệ" in table
    assert "Không tìm thấy chi bộ “Chi bộ Không Có Thật”" in table
    assert "Thiếu họ và tên." in table
    assert "Số thẻ đảng viên" in table and "Ngày sinh" in table  # the file's own headers name the columns
    assert "Còn 5 lỗi: chưa thể nhập." in page

    before = members(query)
    form = {"header_row": "3", "col_1": "code", "col_2": "full_name", "col_3": "birth_date", "col_5": "cell"}
    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=form, follow_redirects=True)
    assert "Tệp còn lỗi" in response.get_data(as_text=True)
    assert members(query) == before
    assert roster_import(query, import_id)["state"] == "preview"
    assert audit_log("roster_imported") == []


def test_the_mapping_can_be_changed_and_the_dry_run_follows_in_place(client, admin, demo):
    import_id = upload(client, *files(demo)["xlsx"])
    mapping = {"shown_header_row": "3", "header_row": "3", "col_0": "", "col_1": "code", "col_2": "full_name",
               "col_5": "cell", "col_8": ""}
    response = client.get(f"/admin/roster/imports/{import_id}", query_string=mapping, headers=HX)
    fragment = response.get_data(as_text=True)
    assert fragment.startswith('<section id="roster-preview">') and "<html" not in fragment
    assert counts(fragment) == (2, 0, 2, 0)  # with "Chức vụ" left out, the changed post is no change
    assert '<option value="post" selected>' not in fragment

    without_cell = {**mapping, "col_5": ""}
    fragment = client.get(f"/admin/roster/imports/{import_id}", query_string=without_cell, headers=HX).get_data(as_text=True)
    assert "Chưa chọn cột cho trường bắt buộc “Chi bộ”." in fragment
    assert "data-added" not in fragment

    twice = {**mapping, "col_8": "full_name"}
    fragment = client.get(f"/admin/roster/imports/{import_id}", query_string=twice, headers=HX).get_data(as_text=True)
    assert "Trường “Họ và tên” được ghép với nhiều cột: C, I." in fragment


def test_another_header_row_proposes_a_new_mapping(client, admin, demo):
    import_id = upload(client, *files(demo)["xlsx"])
    fragment = client.get(f"/admin/roster/imports/{import_id}", headers=HX,
                          query_string={"shown_header_row": "3", "header_row": "1", "col_1": "code"}).get_data(as_text=True)
    assert 'name="header_row" type="number" min="1" value="1"' in fragment
    assert "Chưa chọn cột cho trường bắt buộc “Mã đảng viên”." in fragment


def test_a_failure_mid_import_rolls_everything_back(client, admin, demo, query, audit_log, monkeypatch):
    import_id = upload(client, *files(demo)["xlsx"])
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    before = members(query)
    seen_mid_import = []

    def failing_update(dry_run):
        seen_mid_import.append(db.session.scalar(db.select(db.func.count(Person.id))))
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_service, "_update_people", failing_update)
    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page), follow_redirects=True)
    assert "không có thay đổi nào được ghi" in response.get_data(as_text=True)
    # the new members had been written when the failure came, at each of the job's attempts
    assert seen_mid_import == [before + 2] * 3
    assert members(query) == before
    assert person(query, "DV900001") is None
    assert person(query, demo.persons[1].code)["post"] == demo.persons[1].post
    assert roster_import(query, import_id)["state"] == "preview"
    assert audit_log("roster_imported") == []

    monkeypatch.undo()
    client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page))
    assert members(query) == before + 2  # the kept file can be imported once the fault is gone


def test_a_preview_gone_stale_is_not_applied(client, admin, demo, query):
    name, content = files(demo)["xlsx"]
    stale = upload(client, name, content)
    stale_form = confirm_form(client.get(f"/admin/roster/imports/{stale}").get_data(as_text=True))
    fresh = upload(client, name, content)
    client.post(f"/admin/roster/imports/{fresh}/apply",
                data=confirm_form(client.get(f"/admin/roster/imports/{fresh}").get_data(as_text=True)))
    response = client.post(f"/admin/roster/imports/{stale}/apply", data=stale_form, follow_redirects=True)
    assert "đã thay đổi từ lúc xem trước" in response.get_data(as_text=True)
    assert roster_import(query, stale)["state"] == "preview"


def test_confirming_twice_imports_once(client, admin, demo, query):
    import_id = upload(client, *files(demo)["xlsx"])
    form = confirm_form(client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True))
    client.post(f"/admin/roster/imports/{import_id}/apply", data=form)
    after = members(query)
    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=form, follow_redirects=True)
    assert "Tệp này đã được nhập rồi." in response.get_data(as_text=True)
    assert members(query) == after


@pytest.mark.parametrize("name, content, message", [
    ("ghi-chu.txt", b"Ma,Ten\n", "Chỉ nhận tệp .xlsx, .ods hoặc .csv."),
    ("hong.xlsx", b"PK\x03\x04 broken", "Tệp bị hỏng"),
    ("rong.csv", b"", "Tệp rỗng."),
    ("trang.csv", b"\n\n,,\n", "Tệp không có dữ liệu."),
])
def test_unreadable_uploads_are_refused_and_not_kept(client, admin, query, name, content, message):
    response = client.post("/admin/roster/imports", data={"file": (io.BytesIO(content), name)},
                           content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert query(lambda: db.session.scalar(db.select(db.func.count(RosterImport.id)))) == 0


def test_no_upload_without_an_open_cycle(client, admin, demo, query):
    query(lambda: (db.session.execute(db.update(Cycle).values(is_open=False)), db.session.commit()))
    response = client.post("/admin/roster/imports", data={"file": (io.BytesIO(files(demo)["xlsx"][1]), "a.xlsx")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "Chưa có đợt kiểm điểm nào đang mở" in response.get_data(as_text=True)


def test_the_exported_roster_imports_back_unchanged(client, admin, demo, query):
    def mark_some():
        db.session.execute(db.update(Person).where(Person.code == demo.persons[2].code).values(
            exempt=True, transferred_in_on=date(2026, 3, 2), months_at_old_place=4, is_civil_servant=True,
            temporary_cell_id=db.session.execute(db.select(Unit.id).filter_by(code="BD.P02.C02")).scalar_one()))
        db.session.commit()
    query(mark_some)
    job_page = client.post("/admin/roster/export")
    assert job_page.status_code == 303  # See Other: the export job's page, which offers the file once built
    page = client.get(job_page.headers["Location"]).get_data(as_text=True)
    assert 'data-job-state="done"' in page
    exported = client.get(job_page.headers["Location"] + "/file")
    assert exported.status_code == 200
    import_id = upload(client, "danh-sach-2026.xlsx", exported.data)
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (0, 0, len(demo.persons), 0)


def test_the_roster_page_lists_the_uploads(client, admin, demo):
    import_id = upload(client, *files(demo)["csv"])
    page = client.get("/admin/roster").get_data(as_text=True)
    assert f'<a href="/admin/roster/imports/{import_id}">danh-sach.csv</a>' in page
    assert "Chờ xác nhận" in page
    assert "Tải tệp mẫu (.xlsx)" in page


def test_import_the_valid_rows_only_and_download_the_rows_with_errors(client, admin, demo, query, audit_log):
    rows = roster_rows(demo)[:3] + [
        [1, "DV900003", "Ngô Văn Sai Ngày", "31/02/1990", "Nam", "BD.P01.C01", "", "", ""],
        [2, "DV900005", "@Lê Văn Sai", "01/01/1970", "Nam", "Chi bộ Không Có Thật", "", "", ""],
        [3, "DV900006", "Vũ Văn Đúng", "01/01/1970", "Nam", "BD.P01.C02", "", "", ""],
    ]
    import_id = upload(client, "mot-phan.xlsx", xlsx(rows))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert "Chỉ nhập các dòng hợp lệ: thêm 1, cập nhật 0 đảng viên (bỏ qua 2 dòng có lỗi)" in page
    link = re.search(r'href="([^"]*/errors\.xlsx[^"]*)"', page).group(1).replace("&amp;", "&")
    errors = load_workbook(io.BytesIO(client.get(link).data)).active
    values = [[cell.value for cell in row] for row in errors.iter_rows()]
    assert values[0][-1] == "Lỗi cần sửa" and [row[1] for row in values[1:]] == ["DV900003", "DV900005"]
    assert "không phải ngày hợp lệ" in values[1][-1] and "Chi bộ Không Có Thật" in values[2][-1]
    assert errors["C3"].value == "@Lê Văn Sai" and errors["C3"].quotePrefix  # kept as text, never a formula

    form = confirm_form(page)
    assert form.get("valid_only") == "1"
    client.post(f"/admin/roster/imports/{import_id}/apply", data=form)
    assert person(query, "DV900006") is not None
    assert person(query, "DV900003") is None and person(query, "DV900005") is None
    [(_who, _target, detail)] = audit_log("roster_imported")
    assert detail["added"] == 1 and detail["rows_with_errors_skipped"] == 2
