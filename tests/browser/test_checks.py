"""The checks every scenario ends with catch what they are there to catch: a broken htmx swap, a console
error, an uncaught exception, a request to another host."""
import pytest
from playwright.sync_api import expect

from tests.browser.data import UnitWorkbooks
from tests.browser.pages import Tab, upload_on_unit_page

UNIT = "BD.P01"


def withhold_htmx(route):
    route.fulfill(status=200, content_type="text/javascript", body="/* htmx withheld by the test */")


def test_a_form_posted_without_htmx_fails_the_in_place_check(tab, app):
    """Without htmx the upload form still works (a plain POST, then the version's page) and even shows the
    results, but the page was loaded anew: the scenarios' in-place check fails."""
    page = tab.page
    tab.context.route("**/static/vendor/htmx-*.js", withhold_htmx)
    tab.log_in("staff", UNIT)
    assert page.evaluate("() => typeof window.htmx") == "undefined"
    _name, downloaded = tab.download(page.get_by_role("button", name="Tải mẫu Excel của đơn vị").click)
    address = tab.mark_page()

    with page.expect_navigation():
        upload_on_unit_page(tab, UnitWorkbooks(app, UNIT, downloaded).clean())
    expect(page.locator("#results > article.results h2")).to_have_text("Kết quả kiểm tra · phiên bản 1")
    with pytest.raises(AssertionError, match="navigated"):
        tab.assert_swapped_in_place(address)
    with pytest.raises(AssertionError, match="loaded anew"):
        tab.assert_not_reloaded()
    tab.assert_clean()


def test_console_errors_exceptions_and_other_hosts_are_recorded(chromium, server_url, demo):
    probe = Tab(chromium, server_url, demo)
    try:
        page = probe.page
        page.route("http://192.0.2.1/**", lambda route: route.abort())  # never leaves the machine
        page.goto("/login")
        probe.assert_clean()
        with page.expect_console_message(lambda message: message.type == "error"):
            page.evaluate("() => console.error('probe error')")
        with page.expect_event("pageerror"):
            page.evaluate("() => { setTimeout(() => { throw new Error('probe throw'); }); }")
        with page.expect_request("http://192.0.2.1/probe.png"):
            page.set_content('<img src="http://192.0.2.1/probe.png" alt="">')
        assert probe.foreign_requests() == ["http://192.0.2.1/probe.png"]
        assert any("probe error" in error for error in probe.console_errors), probe.console_errors
        assert any("probe throw" in error for error in probe.console_errors), probe.console_errors
        with pytest.raises(AssertionError):
            probe.assert_clean()
    finally:
        probe.close()
