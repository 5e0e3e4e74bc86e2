"""The embedded default stays one command: with SQLite and `flask run`, and no queue configured, the web process
starts its own worker and a bulk zip completes."""
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

from kdweb.demo.generate import generate
from tests.conftest import TEST_SECRET
from tests.test_multi_process import Browser

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # a `flask run` process and a demo loaded by the CLI


class FlaskRun:
    """`flask --app kdweb run` on a free port, configured only through the environment, like a developer's."""

    def __init__(self, folder: Path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.name, self.base, self.log_path = "flask run", f"http://127.0.0.1:{self.port}", folder / "flask-run.log"
        self.env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
        self.env.update(DATABASE_URL=f"sqlite:///{folder}/kdweb.sqlite", SECRET_KEY=TEST_SECRET)
        self.process = None

    def flask(self, *args) -> list[str]:
        return [sys.executable, "-m", "flask", "--app", "kdweb", *args]

    def start(self) -> None:
        demo = subprocess.run(self.flask("demo", "--size", "small"), cwd=ROOT, env=self.env, capture_output=True)
        assert demo.returncode == 0, demo.stderr.decode()[-2000:]
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.flask("run", "--port", str(self.port)), cwd=ROOT, env=self.env,
                                            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=5):
                    return
            except OSError:
                time.sleep(0.2)
        pytest.fail(f"flask run did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]


def test_flask_run_alone_runs_a_bulk_zip(tmp_path):
    server = FlaskRun(tmp_path)
    try:
        server.start()
        reviewer = next(u for u in generate("small").users if u.role == "reviewer")
        browser = Browser(server)
        browser.login(reviewer.login, reviewer.password)
        browser.get("/review/")  # the CSRF token of the session renewed at login
        status, headers, _ = browser.request("POST", "/review/bulk/templates", b"", {
            "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": browser.csrf})
        assert status == 303, server.log()  # See Other: the job's page
        job_path = urllib.parse.urlsplit(headers["Location"]).path
        assert re.fullmatch(r"/review/bulk/\d+", job_path), job_path
        page = browser.finished_job(job_path)
        assert 'data-job-state="done"' in page, page[-1500:] + server.log()
        status, _, archive = browser.get(job_path + "/file")
        assert status == 200
        names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
        assert len(names) == len(generate("small").reporting_units)
        assert (tmp_path / "kdweb-queue.sqlite").exists()  # the embedded queue, beside the database
    finally:
        server.stop()
