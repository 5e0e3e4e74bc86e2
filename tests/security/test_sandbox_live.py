"""The worst files against a real gunicorn with two workers (on the test database: SQLite, or PostgreSQL when
KDWEB_TEST_DATABASE_URL is set): every file is answered, and afterwards every worker is the same process.

The server's sandbox gets 16 MB of memory, so that two files pass every guard and are still stopped by the
sandbox (a shared string expanding to 32 MB, and tabs claiming 2.5 million cells each; calamine aborts on the
failed allocation): a kill of a throwaway process, answered as "not checked", while the web workers live on.
"""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_SECRET
from tests.security import hostile_files
from tests.test_multi_process import ROOT, UNIT, Browser, Server

SANDBOX_MEMORY_MB = 16


class TwoWorkers(Server):
    """`gunicorn --workers 2 wsgi:app`, the sandbox's memory set through the environment."""

    def __init__(self, database_url: str, log_folder: Path):
        self.name, self.log_path = "two-workers", log_folder / "server.log"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
        env.update(DATABASE_URL=database_url, SECRET_KEY=TEST_SECRET, KDWEB_ENV="development",
                   KDWEB_SANDBOX_MEMORY_MB=str(SANDBOX_MEMORY_MB))
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def worker_pids(self) -> set[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in path.read_text().split()}

    def wait_for_workers(self, count: int = 2, seconds: float = 60) -> set[int]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == count:
                return pids
            time.sleep(0.2)
        pytest.fail(f"gunicorn did not start {count} workers:\n{self.log()}")


@pytest.fixture
def server(app, demo, tmp_path):
    running = TwoWorkers(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    try:
        running.wait_until_up()
        yield running
    finally:
        running.stop()


def test_the_worst_files_kill_no_worker(server, demo):
    workers = server.wait_for_workers()
    staff = next(u for u in demo.users if u.role == "staff" and u.unit_code == UNIT)
    browser = Browser(server)
    browser.login(staff.login, staff.password)
    status, _, workbook = browser.get(f"/units/{UNIT}/workbook.xlsx")
    assert status == 200 and workbook[:2] == b"PK"
    worst = {name: build(workbook) for name, build in hostile_files.WORST.items()}
    worst["W-SHEET:many-sheets"] = hostile_files.many_large_sheets(workbook)
    worst["sandbox:memory"] = hostile_files.expanding_shared_string(workbook, cells=1_000, length=32_000)
    expected = {
        "E-DIMENSION:elsewhere": 'data-problem="E-DIMENSION"', "E-DIMENSION:chunk": 'data-problem="E-DIMENSION"',
        "E-STRING-BOMB": 'data-problem="E-STRING-BOMB"', "E-XML-BOMB": 'data-problem="E-XML-BOMB"',
        "E-CORRUPT:text before the root": 'data-problem="E-CORRUPT"', "W-MERGED:to the end": "vùng gộp ô A1:XFD1048576",
        # 2.5 million cells claimed by each extra tab: calamine's dense range (80 MB) is over this server's 16 MB
        "W-SHEET:many-sheets": f"quá giới hạn bộ nhớ ({SANDBOX_MEMORY_MB} MB)",
        "sandbox:memory": f"quá giới hạn bộ nhớ ({SANDBOX_MEMORY_MB} MB)",
    }
    for round_ in range(2):  # each file twice: two workers, both likely to get some
        for name, data in worst.items():
            status, _, body = browser.upload_workbook(data, f"{name}-{round_}.xlsx")
            text = body.decode("utf-8", "replace")
            assert status == 200 and expected[name] in text, f"{name}: HTTP {status}\n{text[-1500:]}\n{server.log()}"
    status, _, _ = browser.get(f"/units/{UNIT}")
    assert status == 200
    assert server.worker_pids() == workers, server.log()
    assert server.process.poll() is None
    assert "WORKER TIMEOUT" not in server.log() and "Worker exiting" not in server.log()
