"""Founding dates of chi bộ through the admin's roster import: the "Ngày thành lập" column read, checked row by
row, written on the unit (so the issued workbook carries it and O-NEW can fire), and the export writes it back."""
import io
import re
from datetime import date

from openpyxl import load_workbook

from kdweb.extensions import db
from kdweb.models import Unit
from kdweb.services.admin.roster_mapping import FIELDS_BY_KEY
from kdweb.services.admin.roster_template import ROSTER_SHEET
from tests.admin.files import HEADERS, xlsx
from tests.admin.test_roster_import import confirm_form, counts, upload

FOUNDING = "Ngày thành lập"
CELL = "BD.P01.C01"


def founded_on(query, code):
    return query(lambda: db.session.execute(db.select(Unit.founded_on).filter_by(code=code)).scalar_one())


def member_row(person, cell, founding):
    return [1, person.code, person.full_name, person.birth_date, person.gender, cell, person.admitted_on,
            "Có" if person.probationary else "", person.post, founding]


def members_of(demo, cell, count=2):
    return [person for person in demo.persons if person.cell_code == cell][:count]


def error_rows(page):
    table = re.search(r'<table class="[^"]*" id="row-errors">.*?</table>', page, re.S)
    assert table, "no error table"
    return [(int(row), column, message) for row, column, message in re.findall(
        r'<tr><td>(\d+)</td><td><span class="code">([A-Z]+)</span>.*?</td><td>.*?</td><td>(.*?)</td></tr>',
        table.group(0), re.S)]


def set_founded_on(query, code, day):
    query(lambda: (db.session.execute(db.update(Unit).filter_by(code=code).values(founded_on=day)),
                   db.session.commit()))


def test_the_founding_date_column_is_read_and_written_on_the_chi_bo(client, admin, demo, query, audit_log):
    set_founded_on(query, CELL, None)
    first, second = members_of(demo, CELL)
    rows = [HEADERS + [FOUNDING], member_row(first, CELL, "15/03/2026"), member_row(second, CELL, date(2026, 3, 15))]
    import_id = upload(client, "thanh-lap.xlsx", xlsx(rows))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert '<option value="cell_founded_on" selected>' in page  # the header is recognised
    assert counts(page) == (0, 0, 2, 0)  # the members themselves are unchanged
    changes = re.search(r'<table class="[^"]*" id="founding-changes">.*?</table>', page, re.S).group(0)
    assert CELL in changes and "(trống)" in changes and "15/03/2026" in changes
    assert "ghi ngày thành lập 1 chi bộ" in page

    response = client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page))
    assert response.status_code == 303
    assert founded_on(query, CELL) == date(2026, 3, 15)
    [(who, _target, detail)] = audit_log("roster_imported")
    assert who == "admin" and detail["founding_dates_set"] == 1
    updates = [detail for _, _, detail in audit_log("unit_updated") if detail.get("source") == "roster_import"]
    assert updates == [{"code": CELL, "source": "roster_import", "changes": {"founded_on": [None, "2026-03-15"]}}]


def test_a_blank_founding_cell_keeps_the_date_the_tree_has(client, admin, demo, query):
    set_founded_on(query, CELL, date(1990, 2, 3))
    first, _ = members_of(demo, CELL)
    import_id = upload(client, "trong.xlsx", xlsx([HEADERS + [FOUNDING], member_row(first, CELL, None)]))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert "founding-changes" not in page and "Không có gì để nhập" in page
    assert founded_on(query, CELL) == date(1990, 2, 3)


def test_bad_founding_dates_are_refused_row_by_row_in_vietnamese(client, admin, demo, query):
    set_founded_on(query, "BD.P02.C01", None)
    before = {code: founded_on(query, code) for code in (CELL, "BD.P01.C02")}
    first, second = members_of(demo, CELL)
    third, fourth = members_of(demo, "BD.P01.C02")
    other_first, other_second = members_of(demo, "BD.P02.C01")
    rows = [
        HEADERS + ["Ngày thành lập chi bộ"],
        member_row(first, CELL, "31/02/2020"),  # row 2: no such day
        member_row(second, CELL, "01/01/2099"),  # row 3: in the future
        member_row(third, "BD.P01.C02", "01/06/2015"),  # rows 4 and 5: one chi bộ, two dates
        member_row(fourth, "BD.P01.C02", "01/07/2015"),
        member_row(other_first, "BD.P02.C01", "10/10/2010"),  # rows 6 and 7: fine
        member_row(other_second, "BD.P02.C01", "10/10/2010"),
    ]
    import_id = upload(client, "loi-thanh-lap.xlsx", xlsx(rows))
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    letter = "J"  # the tenth column of the file: "Ngày thành lập chi bộ"
    found = error_rows(page)
    assert [(row, column) for row, column, _ in found] == [(2, letter), (3, letter), (4, letter), (5, letter)]
    messages = {row: message for row, _, message in found}
    assert "“31/02/2020” không phải ngày hợp lệ" in messages[2]
    assert "Ngày thành lập chi bộ “01/01/2099” sau hôm nay" in messages[3]
    assert ("Chi bộ “BD.P01.C02” được ghi ngày thành lập 01/06/2015 nhưng 01/07/2015 ở dòng 5; "
            "một chi bộ chỉ có một ngày thành lập.") in messages[4]
    assert "01/06/2015 ở dòng 4" in messages[5]
    assert "Ngày thành lập chi bộ" in page  # the field's label names the column

    form = confirm_form(page)
    assert form.get("valid_only") == "1"  # the rows without errors may be imported alone
    client.post(f"/admin/roster/imports/{import_id}/apply", data=form)
    assert founded_on(query, "BD.P02.C01") == date(2010, 10, 10)
    assert {code: founded_on(query, code) for code in before} == before


def test_export_writes_the_founding_dates_and_imports_back_unchanged(client, admin, demo, query):
    set_founded_on(query, CELL, date(2026, 9, 1))
    job_page = client.post("/admin/roster/export")  # a queue job (immediate in tests) builds the file
    exported = client.get(job_page.headers["Location"] + "/file").data
    sheet = load_workbook(io.BytesIO(exported))[ROSTER_SHEET]
    header = [cell.value for cell in sheet[1]]
    founding_at, cell_at = header.index(FIELDS_BY_KEY["cell_founded_on"].label), header.index("Chi bộ")
    written = {row[cell_at]: row[founding_at] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert written[CELL].date() == date(2026, 9, 1)
    assert sheet.cell(2, founding_at + 1).number_format == "DD/MM/YYYY"

    import_id = upload(client, "xuat.xlsx", exported)
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    assert counts(page) == (0, 0, len(demo.persons), 0)
    assert "founding-changes" not in page and "Không có gì để nhập" in page

    for row in sheet.iter_rows(min_row=2):  # the admin corrects one chi bộ's date in the exported file
        if row[cell_at].value == CELL:
            row[founding_at].value = date(2026, 8, 19)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    import_id = upload(client, "xuat-sua.xlsx", buffer.getvalue())
    page = client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)
    changes = re.search(r'id="founding-changes">.*?</table>', page, re.S).group(0)
    assert changes.count("<tr><td>") == 1 and "01/09/2026" in changes and "19/08/2026" in changes
    client.post(f"/admin/roster/imports/{import_id}/apply", data=confirm_form(page))
    assert founded_on(query, CELL) == date(2026, 8, 19)


def test_a_founding_date_imported_reaches_the_issued_workbook(client, auth, demo, query):
    from tests.workbooks import cell_of
    from kdweb.rules import SubjectKind

    auth.login_as("admin")
    first, _ = members_of(demo, CELL)
    import_id = upload(client, "moi.xlsx", xlsx([HEADERS + [FOUNDING], member_row(first, CELL, "01/10/2026")]))
    client.post(f"/admin/roster/imports/{import_id}/apply",
                data=confirm_form(client.get(f"/admin/roster/imports/{import_id}").get_data(as_text=True)))
    auth.logout()
    auth.login_as("staff", "BD.P01")
    data = client.get("/units/BD.P01/workbook.xlsx").data
    sheet, cell = cell_of(data, SubjectKind.ORGANISATION, CELL, "founded_on")
    assert load_workbook(io.BytesIO(data))[sheet][cell].value.date() == date(2026, 10, 1)


def test_a_preview_whose_founding_dates_were_set_meanwhile_is_not_applied(client, admin, demo, query):
    set_founded_on(query, CELL, None)
    first, _ = members_of(demo, CELL)
    content = xlsx([HEADERS + [FOUNDING], member_row(first, CELL, "15/03/2026")])
    stale = upload(client, "a.xlsx", content)
    stale_form = confirm_form(client.get(f"/admin/roster/imports/{stale}").get_data(as_text=True))
    assert stale_form["expected_founded"] == "1"
    fresh = upload(client, "b.xlsx", content)
    client.post(f"/admin/roster/imports/{fresh}/apply",
                data=confirm_form(client.get(f"/admin/roster/imports/{fresh}").get_data(as_text=True)))
    response = client.post(f"/admin/roster/imports/{stale}/apply", data=stale_form, follow_redirects=True)
    assert "đã thay đổi từ lúc xem trước" in response.get_data(as_text=True)
