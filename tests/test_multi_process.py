"""Two app servers on one database (docs/deploy.md): what one accepts, the other shows.

Two gunicorn processes, each with one worker, share the test database (the SQLite file, or PostgreSQL when
KDWEB_TEST_DATABASE_URL is set) and the secret key, and nothing else: no memory, no files. A unit's staff
downloads the workbook from server A and uploads it there; server B, given A's session cookie, shows the
version in the unit's history and serves the original file byte for byte. Then B accepts a second version of
the workbook A issued (the template's signature and version are checked against the database) and A shows it.
A bulk job started on A runs on the embedded queue's worker; B follows its progress and serves its zip, both from
the database.
"""
import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

import bench.common
from kdweb.extensions import db
from kdweb.models import Cycle, Unit, Upload
from kdweb.services.roster import roster_batch
from tests.conftest import TEST_SECRET
from tests.workbooks import clean_values, fill

pytestmark = [pytest.mark.slow,  # two gunicorn processes
              pytest.mark.xdist_group("gunicorn")]  # on one worker: the servers are started once (`server_pair`)

ROOT = Path(__file__).resolve().parent.parent
UNIT = "BD.P01"


class Server:
    """`gunicorn --workers 1 wsgi:app` on a free port of 127.0.0.1, configured only through the environment."""

    def __init__(self, name: str, database_url: str, log_folder: Path):
        self.name, self.log_path = name, log_folder / f"server-{name}.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
        env.update(DATABASE_URL=database_url, SECRET_KEY=TEST_SECRET, KDWEB_ENV="development")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"server {self.name} exited:\n{self.log()}"
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=5) as answer:
                    if answer.status == 200:
                        return
            except OSError:  # not listening yet, or no worker booted yet to answer
                time.sleep(0.2)
        pytest.fail(f"server {self.name} did not start:\n{self.log()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


class Browser(bench.common.Browser):
    """The benchmarks' browser-like client against one server at a time."""

    def __init__(self, server: Server):
        super().__init__(server.base)
        self.server = server

    def use(self, server: Server) -> "Browser":
        """Same cookies, another server (the cookie jar keys cookies by host, and both are 127.0.0.1)."""
        self.server, self.base = server, server.base
        return self

    def finished_job(self, job_path: str) -> str:
        """The bulk job's page once the job has left "queued" and "running" (polled for up to two minutes)."""
        for _ in range(600):
            status, _, page = self.get(job_path)
            assert status == 200, self.server.log()
            if not re.search(r'data-job-state="(queued|running)"', page.decode()):
                break
            time.sleep(0.2)  # a real server in another process: its clock cannot be moved from here
        return page.decode()

    def upload_workbook(self, data: bytes, filename: str):
        self.get(f"/units/{UNIT}")  # the CSRF token of this session
        return self.upload(f"/units/{UNIT}/uploads", filename, data)


@pytest.fixture(scope="module")
def server_pair(app, tmp_path_factory):
    """Started once for this module's tests (each boot is a gunicorn master, an app and its two sandbox workers:
    some 2.5 s of CPU): between tests they see the database emptied and the demo put back, as the session's own
    app does. The module's tests run on one xdist worker (the group below), so the pair is not started twice."""
    url, folder = app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("servers")
    pair = [Server("A", url, folder), Server("B", url, folder)]
    try:
        for server in pair:
            server.wait_until_up()
        yield pair
    finally:
        for server in pair:
            server.stop()


@pytest.fixture
def servers(server_pair, demo):
    for server in server_pair:
        assert server.process.poll() is None, f"server {server.name} exited:\n{server.log()}"
    return server_pair


@pytest.fixture
def values(app, demo):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        batch = roster_batch(cycle, db.session.execute(db.select(Unit).filter_by(code=UNIT)).scalar_one())
        db.session.remove()
    return clean_values(batch), batch.members[0].code


def text_of(html: str) -> str:
    """The page's text and links, short enough for an assertion message."""
    html = re.sub(r'<a [^>]*href="([^"]+)"[^>]*>', r" [\1] ", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))[:1500]


def stored_uploads(app):
    with app.app_context():
        rows = db.session.execute(db.select(Upload.version, Upload.outcome, Upload.content)
                                  .join(Unit, Upload.unit_id == Unit.id).where(Unit.code == UNIT)
                                  .order_by(Upload.version)).all()
        db.session.remove()
    return rows


def test_an_upload_through_one_server_is_seen_through_the_other(servers, demo, values, app):
    server_a, server_b = servers
    staff = next(u for u in demo.users if u.role == "staff" and u.unit_code == UNIT)
    values_for, first_member = values

    on_a = Browser(server_a)
    on_a.login(staff.login, staff.password)
    status, _, template = on_a.get(f"/units/{UNIT}/workbook.xlsx")
    assert status == 200 and template[:2] == b"PK", f"HTTP {status}\n{server_a.log()}"
    first = fill(template, values_for)
    status, _, body = on_a.upload_workbook(first, "ket-qua.xlsx")
    assert status == 200 and "phiên bản 1" in body.decode(), f"HTTP {status}\n{server_a.log()}"

    on_b = on_a.use(server_b)  # server A's session cookie, sent to server B
    status, _, page = on_b.get(f"/units/{UNIT}")
    assert status == 200, f"B refused A's session: HTTP {status}\n{server_b.log()}"
    history = page.decode().split("Lịch sử các phiên bản", 1)[1]
    assert f"/units/{UNIT}/v/1/original" in history, text_of(history)
    status, _, original = on_b.get(f"/units/{UNIT}/v/1/original")
    assert status == 200 and original == first

    second = fill(template, lambda kind, code: {**(values_for(kind, code) or {}), "remarks": "Sửa trên máy B"}
                  if code == first_member else values_for(kind, code))
    fresh_on_b = Browser(server_b)
    fresh_on_b.login(staff.login, staff.password)
    status, _, body = fresh_on_b.upload_workbook(second, "ket-qua-sua.xlsx")
    assert status == 200 and "phiên bản 2" in body.decode() and "giống hệt" not in body.decode(), server_b.log()

    status, _, page = Browser(server_a).get(f"/units/{UNIT}")
    assert status == 302  # without a session, A sends to the login page
    status, _, page = fresh_on_b.use(server_a).get(f"/units/{UNIT}")
    history = page.decode().split("Lịch sử các phiên bản", 1)[1]
    assert status == 200 and f"/units/{UNIT}/v/2/original" in history, text_of(history)
    status, _, original = fresh_on_b.get(f"/units/{UNIT}/v/2/original")
    assert status == 200 and original == second

    stored = stored_uploads(app)
    assert [(version, bytes(content)) for version, _, content in stored] == [(1, first), (2, second)]
    # read and checked, not refused: B knows the signature and the template version A issued
    # (either unknown would make the outcome "rejected")
    assert all(outcome in ("valid", "errors") for _, outcome, _ in stored), [o for _, o, _ in stored]


def test_a_bulk_job_started_on_one_server_is_followed_and_served_by_the_other(servers, demo):
    server_a, server_b = servers
    reviewer = next(u for u in demo.users if u.role == "reviewer")
    browser = Browser(server_a)
    browser.login(reviewer.login, reviewer.password)
    browser.get("/review/")  # the CSRF token of the session renewed at login
    status, headers, _ = browser.request("POST", "/review/bulk/templates", b"",
                                {"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": browser.csrf})
    assert status == 303, server_a.log()
    job_path = urllib.parse.urlsplit(headers.get("Location", "")).path
    assert re.fullmatch(r"/review/bulk/\d+", job_path), job_path

    page = browser.use(server_b).finished_job(job_path)  # the job runs on a queue worker; B reads it from the db
    assert 'data-job-state="done"' in page, page[-2000:] + server_a.log()
    status, _, archive = browser.get(job_path + "/file")
    assert status == 200
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert len(names) == len(demo.reporting_units) and all(name.endswith(".xlsx") for name in names)
