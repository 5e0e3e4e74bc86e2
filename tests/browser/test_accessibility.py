"""Accessibility in a real browser: axe-core's WCAG 2.0/2.1 A and AA rules (and its best practices) over every
page state each role reaches, in the light and the dark colour scheme, at 390 px and 1366 px, with a reflow
check at 390 px; and the upload and the review flows with the keyboard alone.

Each role's walk sets its states up through the test client (uploads, submissions, decisions) or clicks through
them in the page (htmx swaps), audits each state once per scheme × width, then fails with every problem found."""
import re

import pytest
from playwright.sync_api import expect

from tests.admin.files import xlsx
from tests.admin.test_roster_import import roster_rows
from tests.browser.axe import Auditor
from tests.browser.data import UnitWorkbooks, prepare_with_client
from tests.browser.pages import XLSX, Tab, status_badge, submit_on_unit_page, upload_on_unit_page, version_address

UNIT, UNIT_NAME = "BD.P01", "Đảng bộ phường Cống Vị"
# The walks use the demo's smallest units where a page shows the uploaded sheet: axe checks the contrast of every
# cell of the preview, about a second per thousand cells, four times per state, and each cell style is there.
IN_BROWSER = "BD.DN01"  # the staff's walk uploads and submits through the page
WITH_ERRORS, VALID, RETURNED, APPROVED, UNTOUCHED = "BD.CB01", "BD.CQ01", "BD.TH01", "BD.TH02", "BD.P01"
SUBMITTED = IN_BROWSER  # prepared only for the reviewer's walk
RETURN_COMMENT = "Đề nghị bổ sung nhận xét của chi ủy đối với đảng viên chuyển đến."


def review_with_client(client, auth, unit_code, action, comment=""):
    auth.login_as("reviewer")
    assert client.post(f"/review/units/{unit_code}/{action}", data={"comment": comment, "confirmed": "1"}).status_code == 303
    auth.logout()


def prepare_district(client, auth, app, submitted: str | None = None):
    """Every status a unit's workbook can have, one unit each; UNTOUCHED is left as the demo made it."""
    prepare_with_client(client, auth, app, WITH_ERRORS, bad_level="xuất sắc lắm")
    prepare_with_client(client, auth, app, VALID)
    for unit_code in (RETURNED, APPROVED, submitted):
        if unit_code:
            prepare_with_client(client, auth, app, unit_code, submit=True)
    review_with_client(client, auth, RETURNED, "return", RETURN_COMMENT)
    review_with_client(client, auth, APPROVED, "approve")


@pytest.fixture
def audited(open_tab, screenshot):
    """audited() → (tab, auditor): a tab whose page states are audited (and photographed in both schemes at both
    widths when KDWEB_SCREENSHOTS names a folder)."""
    def _open():
        tab = open_tab()
        return tab, Auditor(tab, screenshot)
    return _open


def visit(tab, auditor, state, path, ready):
    tab.page.goto(path)
    expect(ready(tab.page)).to_be_visible()
    auditor.check(state)


def test_page_states_of_someone_not_logged_in(audited):
    tab, auditor = audited()
    page = tab.page
    visit(tab, auditor, "login", "/login", lambda page: page.get_by_label("Mật khẩu"))
    page.get_by_label("Tên đăng nhập").fill("bantochuc")
    page.get_by_label("Mật khẩu").fill("not the password")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("#flashes .flash")).to_be_visible()
    auditor.check("login refused")
    tab.page.goto("/no-such-page")
    expect(page.get_by_role("heading", level=1)).to_contain_text("404")
    auditor.check("not found")
    expected = [error for error in tab.console_errors if "401 (UNAUTHORIZED)" in error or "404 (NOT FOUND)" in error]
    assert len(expected) == 2, tab.console_errors  # the browser reports the refused login and the missing page
    for error in expected:
        tab.console_errors.remove(error)
    auditor.assert_clean()


@pytest.mark.slow  # tens of seconds: every state audited four times
def test_page_states_of_a_units_staff(audited, client, auth, app):
    prepare_district(client, auth, app)
    tab, auditor = audited()
    page = tab.page
    tab.log_in("staff", IN_BROWSER)
    auditor.check("unit page before upload")
    _name, downloaded = tab.download(page.get_by_role("button", name="Tải mẫu Excel của đơn vị").click)
    workbooks = UnitWorkbooks(app, IN_BROWSER, downloaded)

    tab.choose_file(b"not a workbook at all", name="ghi-chu.xlsx")
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("#results [role=alert]")).to_be_visible()
    auditor.check("unit page, file refused")

    upload_on_unit_page(tab, workbooks.with_bad_level("rất tốt"))
    expect(page.locator("#results .badge-danger")).to_be_visible()
    expect(page.locator("#preview table.preview-table")).to_be_visible()
    auditor.check("unit page after an upload with errors")
    page.locator("#findings .finding-error .finding-cell a").first.click()
    expect(page.locator("#preview .cell-marked")).to_have_count(1)
    auditor.check("unit page, a finding's cell marked in the preview")

    upload_on_unit_page(tab, workbooks.clean())
    expect(page.locator("#results .badge-success")).to_have_text("Không có lỗi")
    expect(page.locator("#submit-panel button[type=submit]")).to_be_visible()
    auditor.check("unit page after a valid upload")
    submit_on_unit_page(page)
    auditor.check("unit page just submitted")

    # Loaded whole rather than swapped in; the reviewer's walk loads a version with errors whole.
    for unit_code, status, state in [(VALID, "valid", "unit page valid, not submitted"),
                                     (RETURNED, "returned", "unit page returned with a comment"),
                                     (APPROVED, "approved", "unit page approved")]:
        tab.context.clear_cookies()
        tab.log_in("staff", unit_code)
        expect(status_badge(page)).to_have_attribute("data-status", status)
        expect(page.locator("#preview table.preview-table")).to_be_visible()
        auditor.check(state)
    visit(tab, auditor, "the preview of a version on its own page", f"/units/{APPROVED}/v/1/preview",
          lambda page: page.locator("#preview table.preview-table"))
    visit(tab, auditor, "notifications", "/notifications/", lambda page: page.get_by_role("heading", level=1))
    visit(tab, auditor, "own account: e-mail and password", "/account", lambda page: page.get_by_label("Địa chỉ e-mail"))
    page.goto(f"/units/{UNTOUCHED}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"\(40[34]\)"))
    auditor.check("another unit's page (refused)")
    refused = [error for error in tab.console_errors if f"/units/{UNTOUCHED}:" in error and "404 (NOT FOUND)" in error]
    assert len(refused) == 1, tab.console_errors  # the browser reports the refusal
    tab.console_errors.remove(refused[0])
    auditor.assert_clean()


@pytest.mark.slow  # tens of seconds: every state audited four times
def test_page_states_of_the_reviewer(audited, client, auth, app):
    prepare_district(client, auth, app, submitted=SUBMITTED)
    tab, auditor = audited()
    page = tab.page
    tab.log_in("reviewer")
    rows = page.locator("#dashboard-body tr[data-unit]")
    expect(rows.first).to_be_visible()
    auditor.check("dashboard")
    page.locator("#dashboard-filters").get_by_label("Tìm đơn vị").press_sequentially("phuong")
    expect(rows).to_have_count(2)
    auditor.check("dashboard filtered")
    visit(tab, auditor, "dashboard sorted by errors", "/review/?sort=errors",
          lambda page: page.locator("#dashboard-body th[aria-sort]", has_text="Lỗi / cảnh báo"))
    page.goto("/review/")
    page.get_by_text("Tải hàng loạt").click()
    page.get_by_role("button", name="Tải các kết quả đã duyệt (.zip)").click()
    expect(page.locator("#bulk-area [data-job-state=done]")).to_be_visible()
    auditor.check("dashboard, a bulk zip ready")

    visit(tab, auditor, "review page, submitted", f"/review/units/{SUBMITTED}",
          lambda page: page.get_by_label("Nhận xét khi trả lại (bắt buộc)"))
    page.get_by_label("Nhận xét khi trả lại (bắt buộc)").fill(RETURN_COMMENT)
    page.get_by_role("button", name="Trả lại", exact=True).click()
    expect(page.locator("#review-actions")).to_contain_text("Đã trả lại đơn vị kèm nhận xét.")
    auditor.check("review page, just returned")
    visit(tab, auditor, "review page, approved", f"/review/units/{APPROVED}",
          lambda page: page.get_by_label("Lý do mở lại (bắt buộc)"))
    visit(tab, auditor, "review page, nothing submitted", f"/review/units/{UNTOUCHED}",
          lambda page: page.locator("#review-actions"))
    visit(tab, auditor, "a unit's findings and preview, as the reviewer", f"/units/{WITH_ERRORS}/v/1",
          lambda page: page.locator("#preview table.preview-table"))
    visit(tab, auditor, "district checks", "/review/checks", lambda page: page.locator("#district-checks"))
    visit(tab, auditor, "audit log", "/review/audit", lambda page: page.locator("#audit-rows"))
    visit(tab, auditor, "reports", "/reports/", lambda page: page.get_by_role("link", name="Năm 2026"))
    visit(tab, auditor, "report", "/reports/2026", lambda page: page.locator("#report-body"))
    page.locator("#report-body tr.row-total a").first.click()
    expect(page.locator("#subjects")).to_be_visible()
    auditor.check("report, the subjects behind a number")
    visit(tab, auditor, "reporting units", "/units/", lambda page: page.get_by_role("table"))
    auditor.assert_clean()


@pytest.mark.slow  # tens of seconds: every state audited four times
def test_page_states_of_the_admin(audited, demo):
    tab, auditor = audited()
    page = tab.page
    page.on("dialog", lambda dialog: dialog.accept())
    tab.log_in("admin")
    auditor.check("dashboard, as the admin")
    visit(tab, auditor, "administration", "/admin/", lambda page: page.locator(".admin-cards"))
    visit(tab, auditor, "unit tree", "/admin/units", lambda page: page.get_by_role("table"))
    ward = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^BD\.P01$")))
    ward.get_by_role("button", name="Ngừng hoạt động").click()
    expect(ward.locator(".row-error")).to_be_visible()
    auditor.check("unit tree, a deactivation refused")
    tab.console_errors[:] = [error for error in tab.console_errors if "409" not in error]  # the intended refusal
    visit(tab, auditor, "unit form", "/admin/units/BD.P01.C01", lambda page: page.get_by_label("Tên đơn vị"))
    visit(tab, auditor, "new unit", "/admin/units/new", lambda page: page.get_by_label("Mã đơn vị"))
    visit(tab, auditor, "a unit's leadership", "/admin/units/BD.P01/leadership", lambda page: page.locator("#post-rows"))
    post = page.locator("#post-rows tr").first
    post.get_by_role("textbox").fill("KHONG.CO")
    post.get_by_role("button", name="Đổi người giữ").click()
    expect(page.locator("#post-rows tr").first.locator(".row-error")).to_be_visible()
    auditor.check("a unit's leadership, a holder refused")
    tab.console_errors[:] = [error for error in tab.console_errors if "409" not in error]  # the intended refusal
    collective = page.locator("#collective-rows tr").first
    collective.get_by_role("textbox").fill("Ban Chấp hành Đảng bộ phường Cống Vị nhiệm kỳ 2025–2030")
    collective.get_by_role("button", name="Đổi tên").click()
    expect(page.locator("#collective-rows tr").first.locator(".row-done")).to_be_visible()
    auditor.check("a unit's leadership, a collective renamed")
    adding = page.locator("#add-post")
    adding.locator("summary").click()
    adding.get_by_label("Mã chức vụ", exact=True).fill("BD.P01.LD.MOI")
    adding.get_by_label("Mã đảng viên giữ chức vụ", exact=True).fill("KHONG.CO")
    adding.get_by_label("Tên chức vụ", exact=True).fill("Phó Bí thư Đảng ủy phường")
    adding.get_by_label("Nhóm chức vụ tương đương").fill("Phó Bí thư cấp ủy cơ sở")
    adding.get_by_role("button", name="Thêm chức vụ").click()
    expect(page.locator("#add-post .form-error")).to_be_visible()
    auditor.check("a unit's leadership, a post to add refused")
    tab.console_errors[:] = [error for error in tab.console_errors if "422" not in error]  # the intended refusal
    page.locator("#post-rows tr").first.get_by_role("button", name="Bỏ khỏi đợt").click()
    expect(page.locator("#post-rows .row-done")).to_be_visible()
    auditor.check("a unit's leadership, a post ended")
    visit(tab, auditor, "accounts", "/admin/accounts", lambda page: page.locator("#account-rows"))
    visit(tab, auditor, "new account", "/admin/accounts/new", lambda page: page.get_by_label("Tên đăng nhập"))
    page.goto("/admin/accounts")
    page.locator("#account-rows a").first.click()
    expect(page.get_by_label("Mật khẩu mới", exact=True)).to_be_visible()
    auditor.check("an account")
    visit(tab, auditor, "cycles", "/admin/cycles", lambda page: page.get_by_label("Năm"))
    visit(tab, auditor, "a cycle", "/admin/cycles/2026", lambda page: page.get_by_label("Bộ quy tắc"))
    visit(tab, auditor, "roster", "/admin/roster", lambda page: page.get_by_label("Tệp danh sách"))
    page.get_by_label("Tệp danh sách").set_input_files(
        files=[{"name": "danh-sach.xlsx", "mimeType": "application/octet-stream", "buffer": xlsx(roster_rows(demo))}])
    page.get_by_role("button", name="Tải lên và xem trước").click()
    expect(page.locator(".dry-run-counts")).to_contain_text("Thêm mới: 2")
    auditor.check("roster import, the dry run")
    page.get_by_label("Ghép cột B").select_option("")  # the code column left out: the preview swapped in says why
    expect(page.locator("#roster-preview .form-error")).to_be_visible()
    auditor.check("roster import, a required column left out")
    page.get_by_label("Ghép cột B").select_option(label="Mã đảng viên *")
    expect(page.locator(".dry-run-counts")).to_contain_text("Thêm mới: 2")
    page.get_by_role("button", name=re.compile("Xác nhận nhập")).click()
    expect(page.get_by_role("heading", name=re.compile("Đã nhập lúc"))).to_be_visible()
    auditor.check("roster import, applied")
    page.goto("/admin/units")
    cell = page.locator("tr", has=page.locator("td.code", has_text=re.compile(r"^BD\.P01\.C03$")))  # 20 members
    cell.get_by_role("button", name="Ngừng hoạt động").click()
    expect(cell.locator(".row-warning")).to_contain_text("đảng viên")
    auditor.check("unit tree, a chi bộ deactivated with members left in it")
    visit(tab, auditor, "unit tree, members left to move", "/admin/units", lambda page: page.locator("#members-left"))
    visit(tab, auditor, "audit log, as the admin", "/review/audit", lambda page: page.locator("#audit-rows"))
    auditor.assert_clean()


def test_the_audit_reports_a_rule_the_page_breaks_and_a_page_wider_than_a_phone(chromium, server_url, demo,
                                                                                   screenshot):
    probe = Tab(chromium, server_url, demo)
    try:
        probe.page.goto("/login")
        probe.page.evaluate("""() => {
          document.querySelector('main').insertAdjacentHTML('beforeend', '<img src="data:," id="probe-image">');
          const wide = document.createElement('div');  // CSSOM, not a style attribute: the CSP forbids those
          wide.id = 'probe-wide';
          wide.style.width = '800px';
          wide.textContent = 'Bảng rộng';
          document.querySelector('main').append(wide);
          document.querySelector('main').insertAdjacentHTML('beforeend', '<div class="table-scroll card-scroll" '
            + 'role="region" aria-label="Thẻ thử" tabindex="0"><table class="card-table"><thead><tr><th scope="col">Tên</th>'
            + '<th scope="col">Mã</th></tr></thead><tbody><tr><td data-label="Tên">A</td><td data-label="Tên">B</td>'
            + '</tr></tbody></table></div>');
        }""")
        problems = Auditor(probe, screenshot=None).check("probe")
    finally:
        probe.close()
    by_rule = {}
    for problem in problems:
        by_rule.setdefault(problem.rule, []).append(problem)
    assert {(p.scheme, p.width) for p in by_rule["image-alt"]} == {("light", 390), ("light", 1366),
                                                                  ("dark", 390), ("dark", 1366)}
    assert "#probe-image" in str(by_rule["image-alt"][0])
    reflow = by_rule["reflow (WCAG 1.4.10)"]
    assert {(p.scheme, p.width) for p in reflow} == {("light", 390), ("dark", 390)}
    assert "div#probe-wide" in str(reflow[0]) and "probe" in str(reflow[0])
    cards = by_rule["list tables as cards"]  # a cell headed by another column's name
    assert {(p.scheme, p.width) for p in cards} == {("light", 390), ("dark", 390)}
    assert cards[0].detail == ['Thẻ thử: column 2 labelled "Tên", its header "Mã"']




def test_log_in_upload_and_submit_with_the_keyboard_alone(tab, app):
    page = tab.page
    tab.log_in_with_keyboard("staff", UNIT)
    expect(page).to_have_url(re.compile(rf"/units/{re.escape(UNIT)}$"))

    tab.tab_to("a[href$='/workbook.xlsx']")
    _name, downloaded = tab.download(lambda: page.keyboard.press("Enter"))
    clean = UnitWorkbooks(app, UNIT, downloaded).clean()

    tab.tab_to("#upload-file")
    tab.file_chooser_by_key("Space").set_files(files=[{"name": "ket-qua.xlsx", "mimeType": XLSX, "buffer": clean}])
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
    # the whole search answered and settled (a slow typist's earlier letters may each have asked the server),
    # so no later answer swaps the table while the keyboard walks through it
    expect(page).to_have_url(re.compile(r"[?&]q=cong(\+|%20)vi(&|$)"))
    tab.wait_for_htmx()
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


def test_the_skip_link_comes_first_and_scroll_boxes_show_a_focus_ring(tab, client, auth, app):
    prepare_with_client(client, auth, app, WITH_ERRORS, bad_level="xuất sắc lắm")
    page = tab.page
    tab.log_in("staff", WITH_ERRORS)
    expect(page.locator("#preview table.preview-table")).to_be_visible()
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("Chuyển đến nội dung chính")
    box = skip.bounding_box()
    assert box and box["y"] >= 0 and box["x"] >= 0, box  # shown on screen while focused
    page.keyboard.press("Enter")
    assert tab.focused_matches("main#main-content")
    page.keyboard.press("Tab")
    assert not tab.focused_matches(".site-header *")  # the header menu was skipped

    page.set_viewport_size({"width": 390, "height": 844})  # below 40rem a finding's parts stack
    parts = [page.locator("#findings .finding").first.locator(f".finding-{part}").bounding_box()
             for part in ("severity", "cell")]
    assert parts[0]["x"] == parts[1]["x"] and parts[1]["y"] > parts[0]["y"], parts
    page.set_viewport_size({"width": 1366, "height": 768})
    parts = [page.locator("#findings .finding").first.locator(f".finding-{part}").bounding_box()
             for part in ("severity", "cell")]
    assert parts[1]["x"] > parts[0]["x"] and parts[1]["y"] == parts[0]["y"], parts

    tab.tab_to("#preview .preview-wrap")
    expect(page.locator(":focus")).to_have_attribute("aria-label", re.compile("Bản xem trước trang tính"))
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                         "return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] == "solid" and ring[1] >= 2, ring
    tab.tab_to("#history .table-scroll")
    assert page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") == "solid"
    tab.assert_clean()


def test_the_leadership_tables_read_as_cards_on_a_phone_with_the_keyboard_focus_in_view(tab):
    """At 390 px each post is a card, its cells headed by their column's name, nothing to scroll sideways; the
    holder's field, reached by Tab, shows its focus ring whole inside its card, and the card marks where the focus is.
    At 1366 px the same rows are a table again."""
    page = tab.page
    tab.log_in("admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/admin/units/{UNIT}/leadership")
    box = page.get_by_role("region", name="Chức vụ lãnh đạo, quản lý")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    row = page.locator("#post-rows tr").first
    assert row.evaluate("row => getComputedStyle(row).display") == "block"
    assert row.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Chức vụ"'
    tab.tab_to("#post-rows tr:first-child input[name=member_code]")
    ring = page.evaluate("""() => { const field = document.activeElement, style = getComputedStyle(field);
      const card = field.closest('tr'), inner = field.getBoundingClientRect(), outer = card.getBoundingClientRect();
      const reach = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset);
      return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
              inside: inner.left - reach >= outer.left && inner.right + reach <= outer.right
                      && inner.right + reach <= document.documentElement.clientWidth,
              card: getComputedStyle(card).borderTopColor, focus: style.outlineColor}; }""")
    assert ring["style"] == "solid" and ring["width"] >= 2 and ring["inside"], ring
    assert ring["card"] == ring["focus"], ring
    page.set_viewport_size({"width": 1366, "height": 768})
    assert row.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert row.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content") == "none"
    tab.assert_clean()


def test_the_dashboard_reads_as_cards_on_a_phone_and_sorts_by_its_select(tab, client, auth, app):
    """At 390 px each unit is a card (nothing to scroll sideways), the column headers are out of sight, and the sort
    select above the cards sorts them; at 1366 px the headers sort again and the select, out of sight, follows them."""
    prepare_with_client(client, auth, app, WITH_ERRORS, bad_level="xuất sắc lắm")
    prepare_with_client(client, auth, app, VALID)
    page = tab.page
    tab.log_in("reviewer")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/review/")
    box = page.get_by_role("region", name="Bảng theo dõi các đơn vị")
    assert box.evaluate("box => box.scrollWidth <= box.clientWidth")
    units = page.locator("#dashboard-body tr[data-unit]")
    assert units.first.evaluate("row => getComputedStyle(row).display") in ("block", "flex")
    assert units.first.locator("td").first.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Trạng thái"'

    def order():
        codes = units.evaluate_all("rows => rows.map((row) => row.dataset.unit)")
        return codes.index(WITH_ERRORS) < codes.index(VALID)

    assert not order()  # the tree's order: the valid unit comes first in their group
    sort = page.get_by_label("Sắp xếp theo")
    sort.select_option("errors")
    expect(page).to_have_url(re.compile(r"[?&]sort=errors(&|$)"))
    expect(page.locator("#dashboard-body th[aria-sort=ascending]")).to_contain_text("Lỗi / cảnh báo")
    assert order()  # the most errors first
    page.get_by_label("Chiều sắp xếp").select_option("desc")
    expect(page.locator("#dashboard-body th[aria-sort=descending]")).to_contain_text("Lỗi / cảnh báo")
    expect(page).to_have_url(re.compile(r"[?&]order=desc(&|$)"))

    page.set_viewport_size({"width": 1366, "height": 768})
    expect(sort).to_be_hidden()
    assert units.first.evaluate("row => getComputedStyle(row).display") == "table-row"
    page.locator("#dashboard-body a.sort-link[data-sort=status]").click()
    expect(page.locator("#dashboard-body th[aria-sort=ascending]")).to_contain_text("Trạng thái")
    expect(sort).to_have_value("status")
    tab.assert_clean()
