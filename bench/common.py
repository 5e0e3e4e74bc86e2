"""Helpers shared by bench_load.py and bench_templates.py: the machine, a throw-away database loaded with the
demo district, a gunicorn server, a small HTTP client that logs in like a browser, and table printing."""
from __future__ import annotations

import http.cookiejar
import io
import os
import platform
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import zipfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, make_url, text  # noqa: E402

PG_SERVER = os.environ.get("KDWEB_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BENCH_SECRET = "bench-" + uuid.uuid4().hex + uuid.uuid4().hex  # a real, random secret: 70 characters
USER_AGENT = "kdweb-bench/1"  # sessions are bound to address and browser ("strong" protection): keep it fixed
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


# --- the machine ---------------------------------------------------------------------------------------------
def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "?")
    memory_kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                         if line.startswith("MemTotal")))
    return (f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB memory, "
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {postgres_version()}; "
            f"load average {os.getloadavg()[0]:.1f} at the start")


def postgres_version() -> str:
    try:
        engine = create_engine(PG_SERVER)
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
        return f"PostgreSQL {version.split()[0]}"
    except Exception:  # the machine line must not fail a SQLite-only run
        return "PostgreSQL not reachable"


# --- databases -----------------------------------------------------------------------------------------------
@contextmanager
def fresh_database(engine: str = "postgresql", label: str = "bench"):
    """A new empty database for one run, dropped afterwards: PostgreSQL at KDWEB_BENCH_PG, or a SQLite file."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory(prefix="kdweb-bench-") as folder:
            yield f"sqlite:///{folder}/bench.sqlite"
        return
    name = f"kdweb_{label}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(make_url(PG_SERVER), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(PG_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(url: str) -> dict:
    """The environment an operator would give the app: development mode, but a real secret."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("KDWEB_", "FLASK_"))}
    env.update(DATABASE_URL=url, SECRET_KEY=BENCH_SECRET, KDWEB_ENV="development", PYTHONPATH=str(ROOT))
    return env


def migrate(url: str) -> None:
    """The schema the way an upgrade builds it: `flask --app kdweb db upgrade`."""
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "kdweb", "db", "upgrade"], cwd=ROOT, env=app_env(url),
                   check=True, capture_output=True)


def seed_district(url: str, size: str = "full", results: bool = True):
    """Migrate, load the demo district and (as bench_dashboard.py does) an upload per unit and a submission for
    every other one. Returns (app, district): the district holds the users' passwords."""
    from bench_dashboard import fill_results

    from kdweb import create_app
    from kdweb.demo.generate import generate
    from kdweb.demo.load import load
    from kdweb.extensions import db
    from kdweb.models import Cycle

    migrate(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": BENCH_SECRET})
    district = generate(size)
    with app.app_context():
        load(district)
        if results:
            fill_results(db.session.execute(db.select(Cycle)).scalar_one())
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        db.session.remove()
    return app, district


# --- the server ----------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(url: str, workers: int = 4, log_path: str | None = None, env: dict | None = None):
    """`gunicorn --workers N wsgi:app` on a free port of 127.0.0.1; yields (base URL, process)."""
    port = free_port()
    log = open(log_path or os.devnull, "wb")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "wsgi:app"], cwd=ROOT, env={**app_env(url), **(env or {})}, stdout=log,
        stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def wait_until_up(base: str, process, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server at {base} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/login", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:  # not listening yet, or no worker booted yet to answer
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {base} did not answer within {seconds} s")


# --- a browser-like client -----------------------------------------------------------------------------------
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """Cookies, the CSRF token from `<meta name="csrf-token">`, forms and multipart uploads; no redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect)
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        request = urllib.request.Request(self.base + path, data=body, method=method,
                                         headers={"User-Agent": USER_AGENT, **(headers or {})})
        try:
            with self.opener.open(request, timeout=120) as answer:
                return answer.status, dict(answer.headers), answer.read()
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            return error.code, dict(error.headers), error.read()

    def get(self, path: str):
        status, headers, body = self.request("GET", path)
        match = CSRF_META.search(body.decode("utf-8", "replace"))
        if match:
            self.csrf = match.group(1)
        return status, headers, body

    def login(self, login: str, password: str) -> None:
        self.get("/login")
        form = urllib.parse.urlencode({"login": login, "password": password, "csrf_token": self.csrf}).encode()
        status, headers, _ = self.request("POST", "/login", form,
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302 or headers.get("Location", "").endswith("/login"):
            raise RuntimeError(f"login {login}: HTTP {status}")
        status, headers, _ = self.get("/")  # the token now belongs to the logged-in session
        if status in (301, 302, 303):  # staff land on their unit's page: the token is there
            self.get(urllib.parse.urlsplit(headers.get("Location", "/")).path)

    def upload(self, path: str, filename: str, data: bytes, htmx: bool = True):
        body, content_type = multipart({"file": (filename, data)})
        headers = {"Content-Type": content_type, "X-CSRFToken": self.csrf}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "results"})
        return self.request("POST", path, body, headers)

    @property
    def session_cookie(self) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == "session")


def multipart(files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "kdweb-bench-" + uuid.uuid4().hex
    parts = []
    for field, (filename, data) in files.items():
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                      "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
                      ).encode() + data + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


# --- figures -------------------------------------------------------------------------------------------------
def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share in 0..100) of the raw values, no interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def median_ms(run, repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (ms): on a shared machine the wall time includes
    waiting for a core; the CPU time is what the work itself costs."""
    run()  # warm: imports, compiled queries, templates
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus)


def print_table(headers: list[str], rows: list[list], aligns: str | None = None) -> None:
    """A plain text table: left-aligned first column, right-aligned numbers."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [max(len(headers[i]), *(len(row[i]) for row in cells)) for i in range(len(headers))]
    aligns = aligns or "l" + "r" * (len(headers) - 1)

    def line(values):
        return "  ".join(value.ljust(width) if align == "l" else value.rjust(width)
                         for value, width, align in zip(values, widths, aligns)).rstrip()

    print(line(headers))
    print("  ".join("-" * width for width in widths))
    for row in cells:
        print(line(row))


# --- workbooks -----------------------------------------------------------------------------------------------
def workbook_variant(data: bytes, marker: str, number: int) -> bytes:
    """The same workbook with one cell changed: the text `marker` (e.g. one member's remarks, in the shared
    strings or inline in a sheet) becomes a numbered text of the same length, so every variant is a new upload."""
    replacement = f"{marker[:-6]}{number % 1_000_000:06d}".encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer, found = io.BytesIO(), 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            found += content.count(marker.encode())
            target.writestr(info, content.replace(marker.encode(), replacement))
    if found != 1:
        raise ValueError(f"{marker} appears {found} times in the workbook, not once")
    return buffer.getvalue()
