"""The upload progress bar on a slow line: Chromium's own network throttling (DevTools protocol) sends the workbook
at a modem's pace, and the bar must climb through values between 0 and 100 while the file travels, before the
results arrive — not jump from 0 to 100 when the answer comes."""
from playwright.sync_api import expect

from tests.browser.data import UnitWorkbooks

UNIT = "BD.P01"
UPLOAD_BYTES_PER_SECOND = 48 * 1024

# Every value the bar takes, with whether the results were already on the page at that moment.
RECORD_BAR_JS = """() => {
  window.kdwebBar = [];
  const bar = document.querySelector('form[data-upload-form] progress');
  const descriptor = Object.getOwnPropertyDescriptor(HTMLProgressElement.prototype, 'value');
  Object.defineProperty(bar, 'value', {
    get() { return descriptor.get.call(this); },
    set(value) {
      descriptor.set.call(this, value);
      window.kdwebBar.push([descriptor.get.call(this), !!document.querySelector('#results > article.results')]);
    },
  });
}"""


def test_the_progress_bar_rises_while_a_slow_upload_travels(tab, app, screenshot):
    page = tab.page
    tab.log_in("staff", UNIT)
    _name, downloaded = tab.download(page.get_by_role("button", name="Tải mẫu Excel của đơn vị").click)
    workbook = UnitWorkbooks(app, UNIT, downloaded).clean()
    assert len(workbook) > 32 * 1024  # Chromium reports upload progress per 16 KB: at least two values below 100

    page.evaluate(RECORD_BAR_JS)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 40, "downloadThroughput": -1,
                                                  "uploadThroughput": UPLOAD_BYTES_PER_SECOND})
    tab.choose_file(workbook)
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    expect(page.locator("[data-upload-note]")).to_contain_text("Đã gửi")  # the note follows the bar
    screenshot(page, "unit-upload-progress-slow-network")
    expect(page.locator("#results > article.results h2")).to_have_text("Kết quả kiểm tra · phiên bản 1")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    tab.wait_for_htmx()

    seen = page.evaluate("() => window.kdwebBar")
    values = [value for value, _results_shown in seen]
    before_results = [value for value, results_shown in seen if not results_shown]
    intermediate = [value for value in before_results if 0 < value < 100]
    assert len(set(intermediate)) >= 2, f"the bar did not move through the upload: {seen}"
    assert values == sorted(values), f"the bar went backwards: {values}"
    assert values[-1] == 100
    expect(page.locator("form[data-upload-form] progress")).to_have_js_property("value", 100)
