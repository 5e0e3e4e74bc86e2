"""The admin pages in a real browser (Chromium, through the browser tests' harness): htmx swaps rows and the
roster dry run in place, every field has a label, and nothing errs in the console."""
import re

from playwright.sync_api import expect

from tests.admin.files import xlsx
from tests.admin.test_roster_import import roster_rows


def test_admin_pages_work_in_place_in_a_browser(open_tab, screenshot, demo):
    tab = open_tab()
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm asks before a deactivation
    tab.log_in("admin")
    page.get_by_role("link", name="Quản trị").click()
    expect(page.get_by_role("heading", name="Quản trị", exact=True)).to_be_visible()
    screenshot(page, "admin-01-overview")
    unlabelled = {}

    page.goto("/admin/units")
    row = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^BD\.P01\.C03$")))
    address = tab.mark_page()
    row.get_by_role("button", name="Ngừng hoạt động").click()
    expect(row.get_by_role("button", name="Kích hoạt lại")).to_be_visible()
    ward = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^BD\.P01$")))
    ward.get_by_role("button", name="Ngừng hoạt động").click()
    expect(ward.locator(".row-error")).to_contain_text("đơn vị trực thuộc đang hoạt động")
    tab.assert_swapped_in_place(address)
    screenshot(page, "admin-02-units")
    unlabelled["/admin/units"] = tab.unlabelled_fields()

    page.goto("/admin/units/BD.P01.C01")
    unlabelled["/admin/units/BD.P01.C01"] = tab.unlabelled_fields()
    page.goto("/admin/accounts/new")
    unlabelled["/admin/accounts/new"] = tab.unlabelled_fields()

    page.goto("/admin/accounts")
    tab.mark_page()
    page.get_by_role("searchbox", name="Tìm tài khoản").fill("ban to chuc")
    expect(page.locator("#account-rows tr")).to_have_count(1)
    expect(page.locator("#account-rows")).to_contain_text("bantochuc")
    tab.assert_not_reloaded()
    assert "q=ban%20to%20chuc" in page.url  # the search is in the address, to bookmark or share
    unlabelled["/admin/accounts"] = tab.unlabelled_fields()

    page.goto("/admin/cycles")
    screenshot(page, "admin-03-cycles")
    unlabelled["/admin/cycles"] = tab.unlabelled_fields()

    page.goto("/admin/roster")
    page.get_by_label("Tệp danh sách").set_input_files(
        files=[{"name": "danh-sach.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(roster_rows(demo))}])
    page.get_by_role("button", name="Tải lên và xem trước").click()
    counts = page.locator(".dry-run-counts")
    expect(counts).to_contain_text("Thêm mới: 2")
    expect(counts).to_contain_text("Cập nhật: 1")
    unlabelled["roster preview"] = tab.unlabelled_fields()

    address = tab.mark_page()
    page.get_by_label("Ghép cột I").select_option("")  # leave "Chức vụ" out: the changed post is no change
    expect(counts).to_contain_text("Cập nhật: 0")
    expect(counts).to_contain_text("Không đổi: 2")
    tab.assert_not_reloaded()
    assert page.url != address and "col_8=" in page.url  # the mapping is in the address
    screenshot(page, "admin-04-roster-preview")  # after the swaps: a screenshot leaves style="" on inputs
    page.get_by_role("button", name=re.compile("Xác nhận nhập")).click()
    expect(page.get_by_role("heading", name=re.compile("Đã nhập lúc"))).to_be_visible()
    expect(page.locator("#flashes")).to_contain_text("Đã nhập danh sách: 2 đảng viên mới, 0 cập nhật, 2 không đổi.")

    assert {path: fields for path, fields in unlabelled.items() if fields} == {}
    refusal = [error for error in tab.console_errors if "/admin/units/BD.P01/deactivate" in error and "409" in error]
    assert len(refusal) == 1  # the browser reports the intended 409 of the refused deactivation
    tab.console_errors.remove(refusal[0])
    tab.assert_clean()
