"""Ban Tổ chức in a real browser: filter the dashboard (the address keeps the filter), return a unit with a
comment, the unit sees it and submits again, approve, download the district report and the approved zip."""
import io
import re
import zipfile

from openpyxl import load_workbook
from playwright.sync_api import expect

from kdweb.excel.columns import sheet_specs
from kdweb.rules import Level, SubjectKind, get_rule_set
from tests.browser.data import UnitWorkbooks, member_counts, plain_member, prepare_with_client
from tests.browser.pages import status_badge, submit_on_unit_page, upload_on_unit_page, version_address
from tests.workbooks import cell_of, roster

UNIT, UNIT_NAME = "BD.P01", "Đảng bộ phường Cống Vị"
OTHER_WARD = "BD.P02"
COMMENT = "Đề nghị rà soát lại mức xếp loại của chi bộ Khu dân cư số 1 trước khi nộp."


def dashboard_rows(page):
    return page.locator("#dashboard-body tr[data-unit]")


def dashboard_filter(page, label):
    return page.locator("#dashboard-filters").get_by_label(label)


def test_filter_return_resubmit_approve_and_download_the_report(open_tab, client, auth, app, screenshot):
    auth.login_as("staff", UNIT)
    template = client.get(f"/units/{UNIT}/workbook.xlsx").data
    auth.logout()
    member = plain_member(roster(app, UNIT))
    sheet, cell = cell_of(template, SubjectKind.MEMBER, member.code, "level")
    comment = f"{COMMENT} Xem ô '{sheet}'!{cell} của đảng viên {member.code}."
    prepare_with_client(client, auth, app, UNIT, submit=True)
    prepare_with_client(client, auth, app, OTHER_WARD)  # valid, not submitted: the status filter drops it

    reviewer = open_tab()
    page = reviewer.page
    reviewer.log_in("reviewer")
    expect(page).to_have_url(re.compile(r"/review/$"))
    rows = dashboard_rows(page)
    expect(rows.first).to_be_visible()
    everything = rows.count()
    assert everything > 2
    screenshot(page, "review-01-dashboard")

    reviewer.mark_page()
    dashboard_filter(page, "Tìm đơn vị").press_sequentially("phuong")  # no diacritics: matches "phường"
    expect(page).to_have_url(re.compile(r"[?&]q=phuong(&|$)"))
    expect(rows).to_have_count(2)
    dashboard_filter(page, "Trạng thái").select_option(label="Đã nộp, chờ duyệt")
    expect(page).to_have_url(re.compile(r"[?&]status=submitted(&|$)"))
    assert re.search(r"[?&]q=phuong(&|$)", page.url), page.url
    expect(rows).to_have_count(1)
    expect(rows).to_have_attribute("data-unit", UNIT)
    reviewer.assert_not_reloaded()
    screenshot(page, "review-02-dashboard-filtered")

    page.reload()  # the address alone brings the filtered dashboard back
    expect(dashboard_filter(page, "Tìm đơn vị")).to_have_value("phuong")
    expect(dashboard_filter(page, "Trạng thái")).to_have_value("submitted")
    expect(rows).to_have_count(1)

    rows.get_by_role("link", name=UNIT_NAME).click()
    expect(page).to_have_url(re.compile(rf"/review/units/{re.escape(UNIT)}$"))
    expect(status_badge(page)).to_have_attribute("data-status", "submitted")
    screenshot(page, "review-03-unit-submitted")
    address = reviewer.mark_page()
    page.get_by_label("Nhận xét khi trả lại (bắt buộc)").fill(comment)
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.locator("#review-actions")).to_contain_text("Đã trả lại đơn vị kèm nhận xét.")
    expect(status_badge(page)).to_have_attribute("data-status", "returned")
    thread = page.locator("#thread .thread-entry")
    expect(thread).to_have_count(2)  # submitted, returned
    expect(thread.last).to_contain_text("Trả lại")
    expect(thread.last).to_contain_text(COMMENT)
    reviewer.assert_swapped_in_place(address)

    staff = open_tab()
    unit_page = staff.page
    staff.log_in("staff", UNIT)
    expect(status_badge(unit_page)).to_have_attribute("data-status", "returned")
    expect(unit_page.locator("#unit-status .review-comment")).to_contain_text(COMMENT)
    screenshot(unit_page, "unit-04-returned-with-comment")
    _name, downloaded = staff.download(
        unit_page.get_by_role("button", name="Tải xuống tệp đã nộp kèm nhận xét").click)
    returned = load_workbook(io.BytesIO(downloaded))  # the reviewer's comment as Excel notes
    assert comment in returned["Hướng dẫn"]["A1"].comment.text
    assert comment in returned[sheet][cell].comment.text  # on the cell it names
    code_column = next(spec for spec in sheet_specs(get_rule_set()) if spec.kind is SubjectKind.MEMBER) \
        .column_letter("code")
    member_row = next(row for row in range(1, returned[sheet].max_row + 1)
                      if returned[sheet][f"{code_column}{row}"].value == member.code)
    assert comment in returned[sheet][f"A{member_row}"].comment.text  # and on the row of the member it names
    workbooks = UnitWorkbooks(app, UNIT, downloaded)
    address = staff.mark_page()
    upload_on_unit_page(staff, workbooks.clean(level=Level.HTNV), name="ket-qua-sua-theo-nhan-xet.xlsx", version=2)
    expect(unit_page.locator("#results .badge-success")).to_have_text("Không có lỗi")
    expect(unit_page.locator("#thread")).to_contain_text(COMMENT)  # the conversation stays after a new upload
    submit_on_unit_page(unit_page)
    assert staff.dialogs and "Nộp phiên bản 2" in staff.dialogs[-1]
    staff.assert_swapped_in_place(version_address(address, UNIT, 2))

    page.reload()
    expect(status_badge(page)).to_have_attribute("data-status", "submitted")
    expect(thread).to_have_count(3)
    expect(thread.nth(1)).to_contain_text(COMMENT)
    expect(thread.last).to_contain_text("Nộp phiên bản 2")
    address = reviewer.mark_page()
    page.get_by_role("button", name="Duyệt").click()
    expect(page.locator("#review-actions")).to_contain_text("Đã duyệt kết quả của đơn vị.")
    assert reviewer.dialogs and "Duyệt kết quả phiên bản 2" in reviewer.dialogs[-1]
    expect(status_badge(page)).to_have_attribute("data-status", "approved")
    expect(thread.last).to_contain_text("Duyệt")
    reviewer.assert_swapped_in_place(address)
    screenshot(page, "review-04-unit-approved")

    page.get_by_role("link", name="Báo cáo").click()
    page.get_by_role("link", name="Năm 2026").click()
    expect(page).to_have_url(re.compile(r"/reports/2026$"))
    screenshot(page, "report-01-district")
    filename, report = reviewer.download(page.get_by_role("link", name="Excel (.xlsx)").click)
    assert filename.endswith(".xlsx")
    members = load_workbook(io.BytesIO(report))["Đảng viên"]
    row = next(row for row in members.iter_rows(min_row=1) if row[1].value == UNIT_NAME)
    cells = {cell.column_letter: cell.value for cell in row}
    expected = member_counts(workbooks.batch, Level.HTNV)
    assert expected["rated"] > 0
    # columns of the official layout: C list, D rated, E HTXSNV, G HTTNV, I HTNV, K KHTNV
    assert (cells["C"], cells["D"], cells["E"], cells["G"], cells["I"], cells["K"]) == (
        expected["roster"], expected["rated"], 0, 0, expected["level"], expected["KHTNV"])
    missing = {row[1].value for row in load_workbook(io.BytesIO(report))["Đơn vị chưa có số liệu"].iter_rows()}
    assert UNIT_NAME not in missing and UNIT not in missing

    reviewer.assert_clean()
    staff.assert_clean()


def test_zip_of_approved_results_from_the_dashboard(open_tab, client, auth, app):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{UNIT}/approve", data={"confirmed": "1"}).status_code == 303
    auth.logout()

    reviewer = open_tab()
    page = reviewer.page
    reviewer.log_in("reviewer")
    address = reviewer.mark_page()
    page.get_by_text("Tải hàng loạt").click()
    page.get_by_role("button", name="Tải các kết quả đã duyệt (.zip)").click()
    done = page.locator("#bulk-area [data-job-state=done]")  # polled until the job is done
    expect(done).to_be_visible()
    reviewer.assert_swapped_in_place(address)
    filename, data = reviewer.download(done.get_by_role("button").click)
    assert filename.endswith(".zip")
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len(names) == 1 and UNIT in names[0], names
    reviewer.assert_clean()
