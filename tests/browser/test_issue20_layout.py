"""Issue 20 in a real browser: approve from the data view with a confirmation, the dashboard's sort, filters and
Back agreeing with the address, visible keyboard focus, no sideways page scroll at 1366 px, and the findings
on a 390 px phone. Each page's screenshot is kept in the screenshots folder."""
import re
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect

from tests.browser.data import prepare_with_client
from tests.browser.pages import status_badge

UNIT, UNIT_NAME = "BD.P01", "Đảng bộ phường Cống Vị"
UNIT_WITH_ERRORS = "BD.P02"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def query_pairs(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(url).query, keep_blank_values=True)


def assert_no_parameter_twice(url: str):
    names = [name for name, _ in query_pairs(url)]
    assert len(names) == len(set(names)), url


def page_scrolls_sideways(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


def widest(page) -> list[str]:
    """The elements that stick out on the right, to say what made the page too wide."""
    return page.evaluate("""() => { const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 1)
        .filter((e) => !e.closest('.preview-wrap, .table-scroll') || e.matches('.preview-wrap, .table-scroll')).slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); }""")


def staff_on_a_unit_with_errors(tab, client, auth, app, viewport):
    """The unit's staff, logged in at this screen size, after an upload with a wrong level."""
    prepare_with_client(client, auth, app, UNIT_WITH_ERRORS, bad_level="xuất sắc lắm")
    tab.page.set_viewport_size(viewport)
    tab.log_in("staff", UNIT_WITH_ERRORS)
    return tab.page


def test_approve_from_the_data_view_asks_first(open_tab, client, auth, app, screenshot):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    reviewer = open_tab()
    page = reviewer.page
    page.set_viewport_size(DESKTOP)
    reviewer.log_in("reviewer")
    page.goto(f"/review/units/{UNIT}")
    data, side = page.locator(".review-data"), page.locator(".review-side")
    expect(data.locator(".summary-table")).to_be_visible()  # the data and the decision on one page
    expect(data.locator(".quota-table")).to_be_visible()
    expect(data.locator("#preview table.preview-table")).to_be_visible()
    approve = side.get_by_role("button", name="Duyệt")
    assert approve.bounding_box()["y"] < 768, "the decision is in the first screen"
    reviewer.wait_for_htmx()
    screenshot(page, "issue20-review-beside-the-data-1366")

    reviewer.accept_dialogs = False
    approve.click()
    assert reviewer.dialogs and f"Duyệt kết quả phiên bản 1 của {UNIT_NAME}?" in reviewer.dialogs[-1]
    page.reload()
    expect(status_badge(page)).to_have_attribute("data-status", "submitted")  # "Cancel" decided nothing

    reviewer.accept_dialogs = True
    page.locator(".review-side").get_by_role("button", name="Duyệt").click()
    expect(page.locator("#review-actions")).to_contain_text("Đã duyệt kết quả của đơn vị.")
    expect(status_badge(page)).to_have_attribute("data-status", "approved")
    expect(page.locator("#thread .thread-entry").last).to_contain_text("Duyệt")
    reviewer.assert_clean()


def test_dashboard_sort_filters_and_back_agree_with_the_address(open_tab, client, auth, app, screenshot):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    prepare_with_client(client, auth, app, UNIT_WITH_ERRORS, bad_level="xuất sắc lắm")
    reviewer = open_tab()
    page = reviewer.page
    page.set_viewport_size(DESKTOP)
    reviewer.log_in("reviewer")
    status_header = page.locator("#dashboard-body th", has_text="Trạng thái")
    status_filter = page.locator("#filter-status")

    status_header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"[?&]sort=status(&|$)"))
    expect(status_header).to_have_attribute("aria-sort", "ascending")
    expect(status_header.locator(".sort-arrow")).to_have_text("▲")
    status_header.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"[?&]order=desc(&|$)"))
    expect(status_header).to_have_attribute("aria-sort", "descending")
    expect(status_header.locator(".sort-arrow")).to_have_text("▼")
    assert_no_parameter_twice(page.url)
    sorted_desc = page.url

    status_filter.select_option("has_errors")  # the sort stays across a filter change
    expect(page).to_have_url(re.compile(r"[?&]status=has_errors(&|$)"))
    assert {"sort": "status", "order": "desc", "status": "has_errors"}.items() <= dict(query_pairs(page.url)).items()
    assert_no_parameter_twice(page.url)
    expect(status_header).to_have_attribute("aria-sort", "descending")
    expect(page.locator("#dashboard-body tr[data-unit]")).to_have_count(1)
    status_header.get_by_role("link").click()  # and a sort click keeps the filter
    expect(status_header).to_have_attribute("aria-sort", "ascending")
    expect(page).not_to_have_url(re.compile(r"order=desc"))
    expect(page).to_have_url(re.compile(r"[?&]status=has_errors(&|$)"))
    assert_no_parameter_twice(page.url)
    screenshot(page, "issue20-dashboard-sorted-filtered")

    # A step back or forward reloads the dashboard from the server (it keeps no history snapshot): the step itself
    # ends when the address changes, the page it shows only when the reloaded document has loaded.
    with page.expect_event("load"):
        page.go_back()
    expect(page).to_have_url(re.compile(r"[?&]order=desc(&|$)"))
    expect(status_filter).to_have_value("has_errors")  # the selects read what the address says
    expect(status_header).to_have_attribute("aria-sort", "descending")
    with page.expect_event("load"):
        page.go_back()
    expect(page).to_have_url(sorted_desc)
    expect(status_filter).to_have_value("")  # not the value the select had when this address was left
    expect(status_header).to_have_attribute("aria-sort", "descending")
    assert page.locator("#dashboard-body tr[data-unit]").count() > 1
    with page.expect_event("load"):
        page.go_forward()
    expect(status_filter).to_have_value("has_errors")
    expect(page.locator("#dashboard-body tr[data-unit]")).to_have_count(1)
    assert_no_parameter_twice(page.url)
    reviewer.assert_clean()


def test_keyboard_focus_is_visible_and_the_skip_link_comes_first(tab, client, auth, app):
    page = tab.page
    page.set_viewport_size(DESKTOP)
    tab.log_in("staff", UNIT)
    page.keyboard.press("Tab")
    assert tab.focused_matches("a.skip-link")
    expect(page.locator("a.skip-link")).to_be_in_viewport()
    for selector in ("#upload-file", "form[data-upload-form] button[type=submit]"):
        tab.tab_to(selector)
        outline = page.evaluate("""() => { const style = getComputedStyle(document.activeElement);
            return [style.outlineStyle, parseFloat(style.outlineWidth)]; }""")
        assert outline[0] != "none" and outline[1] >= 2, (selector, outline)
    tab.assert_clean()


def test_no_sideways_page_scroll_at_1366_px(open_tab, client, auth, app, screenshot):
    prepare_with_client(client, auth, app, UNIT, submit=True)
    prepare_with_client(client, auth, app, UNIT_WITH_ERRORS, bad_level="xuất sắc lắm")
    staff = open_tab()
    staff.page.set_viewport_size(DESKTOP)
    staff.log_in("staff", UNIT_WITH_ERRORS)
    reviewer = open_tab()
    reviewer.page.set_viewport_size(DESKTOP)
    reviewer.log_in("admin")
    pages = [(staff, f"/units/{UNIT_WITH_ERRORS}", "issue20-unit-with-errors-1366"),
             (staff, f"/units/{UNIT_WITH_ERRORS}/v/1/preview", "issue20-preview-1366"),
             (staff, "/notifications/", "issue20-notifications-1366"),
             (staff, "/account", "issue20-own-account-1366"),
             (reviewer, "/review/", "issue20-dashboard-1366"),
             (reviewer, f"/review/units/{UNIT}", "issue20-review-unit-1366"),
             (reviewer, f"/review/units/{UNIT_WITH_ERRORS}", "issue20-review-unit-errors-1366"),
             (reviewer, "/admin/units", "issue20-admin-units-1366"),
             (reviewer, "/admin/cycles/2026/close", "issue20-cycle-close-1366")]
    wide = []
    for tab, path, name in pages:
        tab.page.goto(path)
        tab.wait_for_htmx()
        screenshot(tab.page, name)
        if page_scrolls_sideways(tab.page):
            wide.append((path, widest(tab.page)))
    assert wide == []
    staff.assert_clean()
    reviewer.assert_clean()


def test_findings_stack_on_a_phone(tab, client, auth, app, screenshot):
    page = staff_on_a_unit_with_errors(tab, client, auth, app, PHONE)
    finding = page.locator("#findings .finding").first
    expect(finding).to_be_visible()
    assert finding.evaluate("e => getComputedStyle(e).display") == "block"
    message = finding.locator(":scope > span").nth(2)
    assert message.bounding_box()["width"] > 0.7 * PHONE["width"], "the message gets the whole width"
    expect(page.locator(".steps > li")).to_have_count(3)
    boxes = [page.locator(".steps > li").nth(index).bounding_box() for index in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"], "the steps stack on a phone"
    screenshot(page, "issue20-unit-findings-390")
    tab.assert_clean()


def test_the_name_columns_stay_beside_a_cell_far_to_the_right(tab, client, auth, app, screenshot):
    page = staff_on_a_unit_with_errors(tab, client, auth, app, DESKTOP)
    page.goto(f"/units/{UNIT_WITH_ERRORS}/v/1/preview")
    wrap = page.locator(".preview-wrap")
    pinned = page.locator(".preview-table thead th[data-pin]")
    expect(pinned).to_have_count(3)  # STT, code, name of the member sheet (tests/unit_page/test_preview_pins.py)
    wrap.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    page.wait_for_function("() => document.querySelector('.preview-wrap').scrollLeft > 0")
    box = wrap.bounding_box()
    edges = [pinned.nth(index).bounding_box() for index in range(3)]
    assert all(box["x"] <= edge["x"] and edge["x"] + edge["width"] <= box["x"] + box["width"] for edge in edges)
    assert [round(edge["x"] + edge["width"]) for edge in edges[:-1]] == [round(edge["x"]) for edge in edges[1:]], \
        "each pinned column starts where the one on its left ends"
    name_cell = page.locator(".preview-table tbody tr").nth(1).locator("td[data-pin]").last
    name_box = name_cell.bounding_box()
    assert box["x"] <= name_box["x"] < box["x"] + box["width"] / 2, "a member's name is in view on the left"
    scrolled_away = page.locator(".preview-table thead th:not([data-pin])").nth(1).bounding_box()
    assert scrolled_away["x"] + scrolled_away["width"] < box["x"], "the other columns scrolled away"
    screenshot(page, "issue20-preview-scrolled-right-1366")
    tab.assert_clean()
