"""Fixtures: one app per test session (pytest-flask's live_server needs that), a clean database per
test, a test client that sends the CSRF token like the browser does and checks every HTML answer,
and the small demo district.

The engine is SQLite unless KDWEB_TEST_DATABASE_URL names a PostgreSQL database (CI runs both).

Markers (registered in pyproject.toml): a test that uses the `chromium` fixture is a `browser` test whether or not
it says so; `browser`, `libreoffice` and `postgres` tests skip, with the reason, where their tool is missing, and
under CI=true a missing Chromium or LibreOffice is a failure, not a skip.
"""
import os
import re
import shutil

import pytest
from flask.testing import FlaskClient
from hypothesis import settings

from kdweb import create_app
from kdweb.extensions import db
from tests.html_checks import html_problems

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

# marker: (is the tool missing?, why the test is skipped)
REQUIRED_TOOLS = {
    "browser": (lambda: not os.access(CHROMIUM, os.X_OK),
                f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"),
    "libreoffice": (lambda: SOFFICE is None, "LibreOffice is not installed (apt-get install libreoffice-calc-nogui)"),
    "postgres": (lambda: not ON_POSTGRES, "needs PostgreSQL: set KDWEB_TEST_DATABASE_URL=postgresql+psycopg://..."),
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "chromium" in item.fixturenames:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Before any fixture starts a browser or an soffice: skip (or, under CI, fail) where the tool is missing."""
    for marker, (missing, reason) in REQUIRED_TOOLS.items():
        if item.get_closest_marker(marker) and missing():
            if IN_CI and marker != "postgres":
                pytest.fail(f"CI=true: {reason}", pytrace=False)
            pytest.skip(reason)


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("KDWEB_TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "kdweb-test.sqlite")


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
            problems = html_problems(body, is_fragment=fragment)
            assert not problems, f"{args[0] if args else ''}: {problems}"
        return response

    def csrf_token(self) -> str:
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
def app(tmp_path_factory):
    app = create_app(app_config(database_url(tmp_path_factory)))
    app.test_client_class = KdwebClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


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
        empty_all_tables()


def empty_all_tables():
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{table.name}"' for table in tables)
            connection.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            connection.execute(db.text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                connection.execute(table.delete())
            connection.execute(db.text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def demo(app):
    """The small demo district, loaded; returns the generated records (with the users' passwords)."""
    from kdweb.demo.generate import generate
    from kdweb.demo.load import load

    district = generate("small")
    with app.app_context():
        load(district)
        db.session.remove()
    return district


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
