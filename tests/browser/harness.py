"""Browser tests: the app served for real on 127.0.0.1, driven by Debian's Chromium through Playwright.

A plugin of the root conftest (`pytest_plugins`), so tests/browser and every other folder with a browser test
(tests/admin/test_browser.py) share one server, one Playwright and one Chromium, in whatever order they run.

The server is a thread of this process (werkzeug's make_server on a free port) rather than a forked
process, so it shares the session's app and engine: the demo district loaded by the `demo` fixture is
what the browser sees, and the tables emptied after each test are empty for it too, on SQLite and on
PostgreSQL alike. One browser per session; every user of a test gets a fresh context (own cookies)
that records console errors, uncaught exceptions and the address of every request.
"""
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import CHROMIUM

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
HOST = "127.0.0.1"
_screenshots_written: set[Path] = set()
_screenshots_folder: list[Path] = []


def screenshots_folder(tmp_path_factory) -> Path:
    """KDWEB_SCREENSHOTS when set (e.g. the git-ignored `screenshots/`), else a folder of the session's temporary
    directory: a test run never writes into the repository by default."""
    if not _screenshots_folder:
        chosen = os.environ.get("KDWEB_SCREENSHOTS")
        _screenshots_folder.append(Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots", numbered=False))
    return _screenshots_folder[0]


@pytest.fixture(scope="session")
def server_url(app):
    server = make_server(HOST, 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="kdweb-browser-server", daemon=True)
    thread.start()
    yield f"http://{HOST}:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


class SharedChromium:
    """One Playwright and one Chromium for the whole process: a second sync Playwright started while one runs
    refuses to work ("Sync API inside the asyncio loop"). Playwright is imported only when a test wants a browser."""
    playwright = None
    browser = None

    @classmethod
    def get(cls):
        if cls.browser is None:
            from playwright.sync_api import sync_playwright

            cls.playwright = sync_playwright().start()
            cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        return cls.browser

    @classmethod
    def stop(cls):
        if cls.playwright is not None:
            cls.browser.close()
            cls.playwright.stop()
            cls.playwright = cls.browser = None


@pytest.fixture(scope="session")
def chromium():
    yield SharedChromium.get()
    SharedChromium.stop()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_call_passed = report.passed
    return report


@pytest.fixture
def open_tab(request, chromium, server_url, demo):
    """open_tab() → a new browser context and page for one user; when the test passed, every tab it
    opened is checked once more for console errors and requests to other hosts."""
    from tests.browser.pages import Tab

    tabs = []

    def _open():
        tab = Tab(chromium, server_url, demo)
        tabs.append(tab)
        return tab

    yield _open
    for tab in tabs:
        tab.close()
    if getattr(request.node, "browser_call_passed", False):
        for tab in tabs:
            tab.assert_clean()


@pytest.fixture
def tab(open_tab):
    return open_tab()


@pytest.fixture
def screenshot(tmp_path_factory):
    """screenshot(page, name) writes a full-page PNG to the screenshots folder (see `screenshots_folder`)."""
    folder = screenshots_folder(tmp_path_factory)

    def _shoot(page, name: str) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        _screenshots_written.add(path)
        return path

    return _shoot


def pytest_sessionfinish(session):
    """In an xdist worker: hand the screenshots taken here to the controller, which prints the summary."""
    if hasattr(session.config, "workeroutput") and _screenshots_written:
        session.config.workeroutput["screenshots"] = sorted(str(path) for path in _screenshots_written)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown under `-p no:xdist`
def pytest_testnodedown(node):
    _screenshots_written.update(Path(path) for path in node.workeroutput.get("screenshots", ()))


def pytest_terminal_summary(terminalreporter):
    if _screenshots_written:
        terminalreporter.write_sep("-", "browser screenshots")
        folders = sorted({str(path.parent) for path in _screenshots_written})
        terminalreporter.write_line(f"{len(_screenshots_written)} screenshots of the main pages in {', '.join(folders)}")
