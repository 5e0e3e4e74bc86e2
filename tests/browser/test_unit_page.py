"""A unit's staff in a real browser: download, fill, upload, findings inline, the cell marked, fix, submit."""
import re

from playwright.sync_api import expect

from tests.browser.data import UnitWorkbooks
from tests.browser.pages import has_class, status_badge, version_address

UNIT = "BD.P01"


def test_upload_findings_preview_fix_and_submit(tab, app, screenshot):
    page = tab.page
    tab.log_in("staff", UNIT)
    expect(page).to_have_url(re.compile(rf"/units/{re.escape(UNIT)}$"))  # staff land on their unit's page
    screenshot(page, "unit-01-before-upload")

    filename, downloaded = tab.download(page.get_by_role("button", name="Tải mẫu Excel của đơn vị").click)
    assert filename.endswith(".xlsx") and downloaded[:2] == b"PK"
    expect(status_badge(page)).to_have_attribute("data-status", "not_downloaded")  # the page was not reloaded
    workbooks = UnitWorkbooks(app, UNIT, downloaded)
    sheet, cell = workbooks.bad_level_cell()

    address = tab.mark_page()
    progress = page.locator("form[data-upload-form] progress")
    expect(progress).to_be_visible()
    page.evaluate("""() => { window.kdwebProgress = [];
      document.addEventListener('htmx:xhr:progress', (e) => window.kdwebProgress.push(e.detail.loaded)); }""")
    tab.choose_file(workbooks.with_bad_level("rất tốt"))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()

    results = page.locator("#results > article.results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Kết quả kiểm tra · phiên bản 1")
    expect(results.locator(".badge-danger")).to_contain_text("lỗi")
    finding = page.locator("#findings .finding-error", has=page.locator(".finding-cell a", has_text=f"'{sheet}'!{cell}"))
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("rất tốt")
    expect(status_badge(page)).to_have_attribute("data-status", "has_errors")  # out-of-band swap
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#verdict")).to_be_focused()  # the results take the focus, with a one-line verdict
    expect(page.locator("#verdict")).to_have_text(re.compile(r"^Còn \d+ lỗi — sửa trong bản đánh dấu lỗi rồi tải lên lại"))
    expect(page.locator("#submit-panel [data-submit-unavailable]")).to_contain_text("còn")  # step 3 says why
    address = version_address(address, UNIT, 1)
    tab.assert_swapped_in_place(address)
    assert page.evaluate("() => window.kdwebProgress.length") > 0, "htmx reported no upload progress"
    expect(progress).to_have_js_property("value", 100)

    expect(page.locator("#preview table.preview-table")).to_be_visible()  # loaded on its own after the swap
    tab.wait_for_htmx()
    finding.locator(".finding-cell a").click()
    marked = page.locator(f"#preview table[data-sheet='{sheet}'] td[data-cell='{cell}']")
    expect(marked).to_have_class(has_class("cell-marked"))
    expect(marked).to_have_class(has_class("cell-error"))
    expect(marked).to_contain_text("rất tốt")
    expect(marked.locator(".cell-callout")).to_contain_text("rất tốt")  # the finding's text beside its cell
    expect(page.locator("#preview .cell-marked")).to_have_count(1)
    tab.assert_swapped_in_place(address)
    screenshot(page, "unit-02-findings-and-preview")

    tab.choose_file(workbooks.clean(), name="ket-qua-da-sua.xlsx")
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(results.get_by_role("heading", level=2)).to_have_text("Kết quả kiểm tra · phiên bản 2")
    expect(results.locator(".badge-success")).to_have_text("Không có lỗi")
    expect(page.locator("#findings")).to_have_count(0)
    expect(status_badge(page)).to_have_attribute("data-status", "valid")
    expect(page.locator("#history tbody tr")).to_have_count(2)
    expect(page.locator("#verdict")).to_be_focused()
    expect(page.locator("#verdict")).to_have_text(re.compile(r"^Không có lỗi.* — .*bấm Nộp\.$"))
    address = version_address(address, UNIT, 2)
    tab.wait_for_htmx()

    submit_panel = page.locator("#submit-panel")
    expect(submit_panel).to_contain_text("Nộp phiên bản 2")
    acknowledge = submit_panel.get_by_role("checkbox")
    if acknowledge.count():  # only when the clean workbook still draws warnings
        acknowledge.check()
    submit_panel.get_by_role("button", name="Nộp kết quả").click()
    expect(submit_panel).to_contain_text("Đã nộp kết quả")
    expect(status_badge(page)).to_have_text("Đã nộp, chờ duyệt")
    expect(status_badge(page)).to_have_attribute("data-status", "submitted")
    expect(page.get_by_role("button", name="Tải lên và kiểm tra")).to_have_count(0)  # locked while under review
    tab.assert_swapped_in_place(address)
    screenshot(page, "unit-03-submitted")

    page.reload()
    expect(status_badge(page)).to_have_text("Đã nộp, chờ duyệt")
    tab.assert_clean()
