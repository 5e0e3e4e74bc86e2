"""What each pytest-xdist worker must have of its own, so the workers never share state: its PostgreSQL database
(created from KDWEB_TEST_DATABASE_URL and dropped at the end) and its Redis database. Everything else a test
writes lives under tmp_path / tmp_path_factory, which xdist already gives each worker its own (popen-gw0, …).

Outside xdist (`-n 0`, `-p no:xdist`) WORKER is None and the URLs are used as given.
"""
import os
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import create_engine, make_url, text

WORKER = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1", … in an xdist worker
REDIS_DATABASES = 16  # Redis's default `databases`


def worker_index() -> int:
    return int(WORKER.removeprefix("gw")) if WORKER else 0


def redis_url(url: str) -> str:
    """The worker's own Redis database: the URL's number plus the worker's index (gw0 keeps the URL's)."""
    parts = urlsplit(url)
    number = (int(parts.path.strip("/") or 0) + worker_index()) % REDIS_DATABASES
    return urlunsplit(parts._replace(path=f"/{number}"))


@contextmanager
def own_postgres_database(url: str):
    """Yields the worker's PostgreSQL database `<name>_<worker>` on the server of `url`, new and empty, and drops
    it afterwards; outside xdist, yields `url` itself (the database the caller made)."""
    if not WORKER:
        yield url
        return
    given = make_url(url)
    name = f"{given.database}_{WORKER}"
    admin = create_engine(given.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield given.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
