"""Basic accessibility in a real browser: every field of the main pages has a label, and the upload and the
review flows work with the keyboard alone. The walk over the main pages also writes their screenshots."""
import re

from playwright.sync_api import expect

from tests.browser.data import UnitWorkbooks, prepare_with_client
from tests.browser.pages import XLSX, status_badge, version_address

UNIT, UNIT_NAME = "BD.P01", "Đảng bộ phường Cống Vị"
UNIT_WITH_ERRORS = "BD.P02"


def test_every_field_of_the_main_pages_has_a_label(open_tab, client, auth, app, screenshot):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    prepare_with_client(client, auth, app, UNIT_WITH_ERRORS, bad_level="xuất sắc lắm")
    unlabelled = {}

    def check(tab, path, name, ready):
        tab.page.goto(path)
        expect(ready(tab.page)).to_be_visible()
        fields = tab.page.locator("input:not([type=hidden]), select, textarea").count()
        unlabelled[path] = (fields, tab.unlabelled_fields())
        screenshot(tab.page, name)

    anonymous = open_tab()
    check(anonymous, "/login", "page-login", lambda page: page.get_by_label("Mật khẩu"))

    staff = open_tab()
    staff.log_in("staff", UNIT_WITH_ERRORS)
    check(staff, f"/units/{UNIT_WITH_ERRORS}", "page-unit-with-errors",
          lambda page: page.locator("#preview table.preview-table"))  # findings filters and the preview loaded
    check(staff, f"/units/{UNIT_WITH_ERRORS}/v/1/preview", "page-unit-preview",
          lambda page: page.locator("#preview table.preview-table"))

    reviewer = open_tab()
    reviewer.log_in("reviewer")
    for path, name, ready in [
        ("/review/", "page-dashboard", lambda page: page.locator("#dashboard-body")),
        (f"/review/units/{UNIT}", "page-review-unit", lambda page: page.get_by_label("Nhận xét khi trả lại (bắt buộc)")),
        ("/review/audit", "page-audit-log", lambda page: page.locator("#audit-rows")),
        ("/review/checks", "page-district-checks", lambda page: page.locator("#district-checks")),
        ("/reports/2026", "page-report", lambda page: page.locator("#report-body")),
    ]:
        check(reviewer, path, name, ready)

    assert len(unlabelled) == 8
    fields = {path: count for path, (count, _missing) in unlabelled.items()}
    assert min(fields[path] for path in ("/login", f"/units/{UNIT_WITH_ERRORS}", "/review/", f"/review/units/{UNIT}",
                                         "/review/audit", "/reports/2026")) > 0, fields
    assert {path: missing for path, (_count, missing) in unlabelled.items() if missing} == {}

    # the check itself finds a field nobody labelled, and accepts each way of labelling one
    reviewer.page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
      '<input id="probe-bare"><label for="probe-for">A</label><input id="probe-for">' +
      '<label>B <select id="probe-wrapped"></select></label><textarea id="probe-aria" aria-label="C"></textarea>')""")
    assert reviewer.unlabelled_fields() == ['<input id="probe-bare">']
    for tab in (anonymous, staff, reviewer):
        tab.assert_clean()


def test_log_in_upload_and_submit_with_the_keyboard_alone(tab, app):
    page = tab.page
    tab.log_in_with_keyboard("staff", UNIT)
    expect(page).to_have_url(re.compile(rf"/units/{re.escape(UNIT)}$"))

    tab.tab_to("a[href$='/workbook.xlsx']")
    _name, downloaded = tab.download(lambda: page.keyboard.press("Enter"))
    clean = UnitWorkbooks(app, UNIT, downloaded).clean()

    tab.tab_to("#upload-file")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(files=[{"name": "ket-qua.xlsx", "mimeType": XLSX, "buffer": clean}])
    address = tab.mark_page()
    page.keyboard.press("Tab")
    assert tab.focused_matches("form[data-upload-form] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#results .badge-success")).to_have_text("Không có lỗi")
    tab.wait_for_htmx()

    tab.tab_to("#submit-panel button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator("#submit-panel")).to_contain_text("Đã nộp kết quả")
    expect(status_badge(page)).to_have_text("Đã nộp, chờ duyệt")
    tab.assert_swapped_in_place(version_address(address, UNIT, 1))
    tab.assert_clean()


def test_find_a_unit_and_return_it_with_a_comment_with_the_keyboard_alone(tab, client, auth, app):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    page = tab.page
    tab.log_in_with_keyboard("reviewer")
    expect(page).to_have_url(re.compile(r"/review/$"))

    tab.tab_to("#filter-q")
    page.keyboard.type("cong vi")
    rows = page.locator("#dashboard-body tr[data-unit]")
    expect(rows).to_have_count(1)
    tab.tab_to(f"#dashboard-body a[href$='/review/units/{UNIT}']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/review/units/{re.escape(UNIT)}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(UNIT_NAME)

    comment = "Thiếu nhận xét của chi ủy đối với đảng viên chuyển đến; đề nghị bổ sung."
    tab.tab_to("#return-comment")
    page.keyboard.type(comment)
    page.keyboard.press("Tab")
    assert tab.focused_matches("button[type=submit]")
    expect(page.locator(":focus")).to_have_text("Trả lại")
    page.keyboard.press("Enter")
    expect(page.locator("#review-actions")).to_contain_text("Đã trả lại đơn vị kèm nhận xét.")
    expect(status_badge(page)).to_have_attribute("data-status", "returned")
    page.reload()
    expect(page.locator("#thread")).to_contain_text(comment)
    tab.assert_clean()
