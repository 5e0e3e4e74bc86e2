"""Fixtures: one app per test session (pytest-flask's live_server needs that), a clean database per
test, a test client that sends the CSRF token like the browser does and checks every HTML answer,
and the small demo district.

The engine is SQLite unless KDWEB_TEST_DATABASE_URL names a PostgreSQL database (CI runs both). The suite runs on
one pytest-xdist worker per CPU; "per session" means per worker, and each worker has its own database
(tests/per_worker.py).

Markers (registered in pyproject.toml): a test that uses the `chromium` fixture is a `browser` test whether or not
it says so; `browser` and `libreoffice` tests skip, with the reason, where their tool is missing, and under CI=true
a missing Chromium or LibreOffice is a failure, not a skip; `postgres` tests are deselected on SQLite (the header
says so) and run in the PostgreSQL pass.
"""
import hashlib
import os
import re
import shutil
import sqlite3

import pytest
from flask.testing import FlaskClient
from hypothesis import settings
from itsdangerous import BadSignature
from sqlalchemy import event

from kdweb import create_app
from kdweb.extensions import db
from kdweb.models import roster_revision
from tests import built_once
from tests.html_checks import html_problems
from tests.per_worker import WORKER, own_postgres_database

TEST_SECRET = "test-secret-" + "x" * 40
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CHROMIUM = "/usr/bin/chromium"  # Debian's; .ci/run installs it. Never a downloaded browser.
pytest_plugins = ["tests.browser.harness"]  # the browser fixtures, shared by every folder (see its docstring)
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
IN_CI = os.environ.get("CI", "").lower() == "true"
ON_POSTGRES = os.environ.get("KDWEB_TEST_DATABASE_URL", "").startswith("postgresql")

# Property tests measure no time: on a loaded machine (2 cores shared by several runs) Hypothesis's 200 ms deadline
# fails examples that are only slow. A test that wants a deadline sets one itself.
settings.register_profile("kdweb", deadline=None)
settings.load_profile("kdweb")
built_once.install()

# marker: (is the tool missing?, why the test is skipped)
REQUIRED_TOOLS = {
    "browser": (lambda: not os.access(CHROMIUM, os.X_OK),
                f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
    "libreoffice": (lambda: SOFFICE is None, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"),
}
POSTGRES_ONLY = "needs PostgreSQL (row locks under real concurrency): set KDWEB_TEST_DATABASE_URL=postgresql+psycopg://..."


SLOW_MARKERS = ("slow", "browser", "libreoffice")


def pytest_report_header(config):
    return None if ON_POSTGRES else f"postgres tests deselected: {POSTGRES_ONLY} (CI runs them in its PostgreSQL pass)"


def pytest_collection_modifyitems(config, items):
    """Marks browser tests, then puts the tests that take seconds first (otherwise in their order): xdist hands
    tests out in this order, so the long ones start at once and the short ones fill in around them, instead of one
    worker finishing a minute-long test alone at the end. On SQLite the `postgres` tests are deselected, not
    skipped: they are counted as such, and run in the PostgreSQL pass."""
    if not ON_POSTGRES:
        elsewhere = [item for item in items if item.get_closest_marker("postgres")]
        if elsewhere:
            items[:] = [item for item in items if not item.get_closest_marker("postgres")]
            config.hook.pytest_deselected(items=elsewhere)
    for item in items:
        if "chromium" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: not any(item.get_closest_marker(marker) for marker in SLOW_MARKERS))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture starts a browser or an soffice: skip (or, under CI, fail) where the tool is missing."""
    for marker, (missing, reason) in REQUIRED_TOOLS.items():
        if item.get_closest_marker(marker) and missing():
            if IN_CI:
                pytest.fail(f"CI=true: {reason}", pytrace=False)
            pytest.skip(reason)


def pytest_configure(config):
    """xdist registers `xdist_group`; under `-p no:xdist` the strict markers would refuse the modules that use it."""
    if not config.pluginmanager.has_plugin("xdist"):
        config.addinivalue_line("markers", "xdist_group(name): tests kept on one xdist worker (ignored without xdist)")

@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config):
    """Parallel by default: one xdist worker per logical CPU (`-n logical`), tests sharing an expensive fixture kept
    together by `xdist_group` marks (`--dist loadgroup`). `-n 0` or `-p no:xdist` run in this one process; an
    explicit `-n`/`--dist` wins. Here rather than in addopts so that `-p no:xdist` does not make `-n` unknown."""
    if not config.pluginmanager.has_plugin("xdist") or WORKER:
        return
    if config.option.numprocesses is None:
        config.option.numprocesses = "logical"
    if config.option.dist == "no" and config.option.numprocesses != 0:
        config.option.dist = "loadgroup"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in the worker's temporary folder, or the worker's own PostgreSQL database (tests/per_worker.py)."""
    url = os.environ.get("KDWEB_TEST_DATABASE_URL")
    if not url:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "kdweb-test.sqlite")
        return
    with own_postgres_database(url) as own:
        yield own


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "SERVER_NAME": None,
        "KDWEB_QUEUE": "immediate",  # jobs run where they are enqueued; tests/test_job_queue.py uses Redis
        **extra,
    }


_checked_pages: dict[tuple[bytes, bool], list[str]] = {}  # the page's digest → its problems


def _html_problems(body: str, fragment: bool) -> list[str]:
    """html_problems is a pure function of the page: a page met again (a refusal, a sweep's 4xx) is not parsed again.
    Only the page's digest is kept."""
    key = (hashlib.blake2b(body.encode(), digest_size=16).digest(), fragment)
    if key not in _checked_pages:
        _checked_pages[key] = html_problems(body, is_fragment=fragment)
    return _checked_pages[key]


class KdwebClient(FlaskClient):
    """Sends the CSRF token on every unsafe request unless told `csrf=False`, and checks the HTML."""

    def open(self, *args, csrf=True, check_html=True, **kwargs):
        method = (kwargs.get("method") or "GET").upper()
        if csrf and method not in ("GET", "HEAD", "OPTIONS"):
            headers = dict(kwargs.pop("headers", None) or {})
            headers.setdefault("X-CSRFToken", self.csrf_token())
            kwargs["headers"] = headers
        response = super().open(*args, **kwargs)
        if check_html and response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            fragment = "<html" not in body[:200].lower()
            problems = _html_problems(body, fragment)
            assert not problems, f"{args[0] if args else ''}: {problems}"
        return response

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._csrf_tokens = {}  # the session's raw token → the form token a page gave for it

    def csrf_token(self) -> str:
        """The token a page of this session carries, read from a page once per session: it changes only with the
        session's raw token (WTF_CSRF_TIME_LIMIT is None), which is read from the session cookie."""
        known = self._csrf_tokens.get(self._raw_csrf_token())
        if known:
            return known
        token = self._csrf_token_from_a_page()
        if raw := self._raw_csrf_token():
            self._csrf_tokens[raw] = token
        return token

    def _raw_csrf_token(self) -> str | None:
        cookie = self.get_cookie(self.application.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return None
        serializer = self.application.session_interface.get_signing_serializer(self.application)
        try:
            return serializer.loads(cookie.value).get("csrf_token")
        except BadSignature:
            return None

    def _csrf_token_from_a_page(self) -> str:
        match = None
        # logged out: the login page; logged in (/login redirects): the password page, the lightest page with the
        # token (the session's token is the same on every page); else whatever page "/" leads to
        for path, follow in (("/login", False), ("/password", False), ("/", True)):
            match = CSRF_META.search(super().open(path, method="GET", follow_redirects=follow).get_data(as_text=True))
            if match:
                break
        assert match, "no CSRF token on the page"
        return match.group(1)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app(app_config(database_url))
    app.test_client_class = KdwebClient
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            without_waiting_for_the_disk(db.engine)
        db.drop_all()
        db.create_all()
        if db.engine.dialect.name == "sqlite":
            empty_all_tables()
            _snapshots["empty"] = take_snapshot()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {KEPT} CASCADE")
        db.engine.dispose()


def without_waiting_for_the_disk(engine) -> None:
    """The session's SQLite file is thrown away at the end: its connections skip the fsync of every commit
    (`synchronous=OFF`; a few milliseconds each, thousands of commits). What the product's pragmas
    (kdweb/sqlite.py: WAL, foreign keys, busy timeout) guard is kept: a process killed mid-transaction still leaves
    the file whole, only a crash of the machine itself could lose its last commits."""
    @event.listens_for(engine, "connect")
    def _no_fsync(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA synchronous=OFF")
    engine.dispose()  # a connection opened while the app was made gets the pragma too


@pytest.fixture(autouse=True)
def _workbooks_built_once(request):
    """tests/built_once.py: the same unit's workbook from the same inputs is built once per worker."""
    with built_once.kept_unless_patched(request):
        yield


@pytest.fixture(autouse=True)
def _push_request_context():
    """Replaces pytest-flask's: a context held open across requests would share `g` between them,
    hiding per-request state bugs (the logged-in user, the cached unit scope)."""
    yield


@pytest.fixture(autouse=True)
def clean_database(request):
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        if "empty" in _snapshots:
            restore_snapshot(_snapshots["empty"])
        else:
            empty_all_tables()


# SQLite: the database file as it stood, kept in memory ("empty": new, as `empty_all_tables` leaves it; "demo": with
# the small demo district loaded) and written back over the test database by SQLite's backup API, a few
# milliseconds for the whole file, schema, triggers and counters included.
_snapshots: dict[str, sqlite3.Connection] = {}


def take_snapshot() -> sqlite3.Connection:
    snapshot = sqlite3.connect(":memory:", check_same_thread=False)
    connection = db.engine.raw_connection()
    try:
        connection.driver_connection.backup(snapshot)
    finally:
        connection.close()
    return snapshot


def restore_snapshot(snapshot: sqlite3.Connection) -> None:
    connection = db.engine.raw_connection()
    try:
        snapshot.backup(connection.driver_connection)
    finally:
        connection.close()


def is_empty() -> bool:
    """No table holds a row but the roster revision's own (as `empty_all_tables` leaves them)."""
    tables = [table for table in db.metadata.sorted_tables
              if table.name != roster_revision.RosterRevision.__tablename__]
    counted = " + ".join(f"(SELECT count(*) FROM (SELECT 1 FROM {table.name} LIMIT 1))" for table in tables)
    with db.engine.connect() as connection:
        return connection.exec_driver_sql(f"SELECT {counted}").scalar() == 0


def empty_all_tables():
    """DELETE, children first, and the ids restarted at 1. On PostgreSQL a DELETE of these few rows takes a tenth of
    the time of a TRUNCATE of every table (which makes new files for each). The roster revision's row is put back
    as a new database has it (kdweb/models/roster_revision.py)."""
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":  # one round trip: a script of DELETEs, then the sequences
            serial = ", ".join(f"'{table.name}'" for table in tables if _has_serial_id(table))
            connection.exec_driver_sql(
                "".join(f'DELETE FROM "{table.name}"; ' for table in tables)
                + f"SELECT setval(pg_get_serial_sequence(name, 'id'), 1, false) FROM unnest(ARRAY[{serial}]) AS name")
        else:
            connection.execute(db.text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                connection.execute(table.delete())
            connection.execute(db.text("PRAGMA foreign_keys=ON"))
        connection.exec_driver_sql(roster_revision.SEED)


def _has_serial_id(table) -> bool:
    return "id" in table.c and bool(table.c.id.autoincrement)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def demo(app):
    """The small demo district, loaded; returns the generated records (with the users' passwords).

    The first test of the session loads it through kdweb.demo.load; the rows it wrote are kept and the later tests
    get them back (~800 tests use the demo): on SQLite the whole file as it stood after the load is written back
    over the (still empty) test database (`_snapshots["demo"]`), on PostgreSQL by one bulk insert per table. A test
    whose fixtures wrote rows before this one gets the rows inserted beside theirs, on SQLite too."""
    from kdweb.demo.generate import generate

    district = generate("small")  # deterministic: the same records, passwords included, every time
    with app.app_context():
        if "demo" in _snapshots and is_empty():
            restore_snapshot(_snapshots["demo"])
        elif _demo_rows and db.engine.dialect.name == "postgresql":
            copy_rows_back(_demo_rows)
        else:
            fresh = "empty" in _snapshots and is_empty()
            if _demo_rows:
                insert_rows(_demo_rows)
            else:
                from kdweb.demo.load import load

                load(district)
                _demo_rows.update(all_rows())
                if db.engine.dialect.name == "postgresql":
                    keep_rows_aside(_demo_rows)
            if fresh:
                _snapshots["demo"] = take_snapshot()
        db.session.remove()
    return district


_demo_rows: dict[str, list[dict]] = {}  # table name → the demo's rows, as the first load wrote them


def all_rows() -> dict[str, list[dict]]:
    """Every table's rows but the roster revision's (the database's own counter, not the demo's data)."""
    with db.engine.connect() as connection:
        return {table.name: [dict(row) for row in connection.execute(
                    table.select().order_by(*table.primary_key.columns)).mappings()]
                for table in db.metadata.sorted_tables if table.name != roster_revision.RosterRevision.__tablename__}


def insert_rows(rows: dict[str, list[dict]]) -> None:
    """Writes rows back with their ids (parents first, by id within a table), then moves PostgreSQL's sequences
    past them as a load would have."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
        if connection.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if rows.get(table.name) and _has_serial_id(table):
                    connection.execute(db.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                               f"(SELECT max(id) FROM {table.name}))"))


_saved: dict = {}  # key → (the database as saved, the client's cookies, the value built)


@pytest.fixture
def saved_state(app):
    """saved_state(key, build, client) → build(), run once per worker and key: a later test asking for the same key
    gets the database as build() left it (SQLite: the file, by the backup API; PostgreSQL: every row, ids kept, and
    the roster revision) and the client's cookies (its login) back, and the value build() returned. For a fixture
    whose work is the same in every test that asks for it, from the same start (the fresh demo, a new client); what
    it returns must not be changed by the tests."""
    def _state(key, build, client):
        if key in _saved:
            database, cookies, value = _saved[key]
            with app.app_context():
                db.session.remove()
                restore_database(database)
            client._cookies.clear()
            client._cookies.update(cookies)
            return value
        value = build()
        with app.app_context():
            db.session.remove()
            _saved[key] = (save_database(), dict(client._cookies), value)
        return value
    return _state


def save_database():
    if db.engine.dialect.name == "sqlite":
        return take_snapshot()
    with db.engine.connect() as connection:
        revision = connection.execute(db.select(roster_revision.RosterRevision.revision)).scalar_one()
    return all_rows(), revision


def restore_database(saved) -> None:
    if isinstance(saved, sqlite3.Connection):
        restore_snapshot(saved)
        return
    rows, revision = saved
    empty_all_tables()
    insert_rows(rows)
    with db.engine.begin() as connection:
        connection.execute(db.update(roster_revision.RosterRevision).values(revision=revision))


KEPT = "kdweb_test_kept"  # PostgreSQL: the schema holding a copy of the demo's tables, beside the test's own


def keep_rows_aside(rows: dict[str, list[dict]]) -> None:
    """PostgreSQL: a copy of each table the demo filled, in a schema of its own in the worker's database."""
    with db.engine.begin() as connection:
        connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {KEPT} CASCADE; CREATE SCHEMA {KEPT}; " + "".join(
            f'CREATE TABLE {KEPT}."{table.name}" AS SELECT * FROM public."{table.name}"; '
            for table in db.metadata.sorted_tables if rows.get(table.name)))


def copy_rows_back(rows: dict[str, list[dict]]) -> None:
    """What insert_rows(rows) does, in one round trip: the rows copied back from `keep_rows_aside`'s tables by the
    server itself (parents first), then the sequences moved past them."""
    tables = [table for table in db.metadata.sorted_tables if rows.get(table.name)]
    with db.engine.begin() as connection:
        connection.exec_driver_sql(
            "".join(f'INSERT INTO public."{table.name}" SELECT * FROM {KEPT}."{table.name}" ORDER BY 1; '
                    for table in tables)
            + "".join(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                      f'(SELECT max(id) FROM public."{table.name}")); '
                      for table in tables if _has_serial_id(table)))


class AuthActions:
    def __init__(self, client, district):
        self.client = client
        self.district = district

    def login(self, login: str, password: str | None = None):
        if password is None:
            password = next(u.password for u in self.district.users if u.login == login)
        return self.client.post("/login", data={"login": login, "password": password})

    def login_as(self, role: str, unit_code: str | None = None):
        user = next(u for u in self.district.users
                    if u.role == role and (unit_code is None or u.unit_code == unit_code))
        self.login(user.login, user.password)
        return user

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client, demo):
    return AuthActions(client, demo)
