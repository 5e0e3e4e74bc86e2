"""The real broker's fixtures: a Redis queue of the test's own, a second app server enqueueing to it, workers."""
import pytest

from kdweb import create_app
from kdweb.extensions import db
from tests.conftest import app_config
from tests.queue.redis_workers import HEARTBEAT_SECONDS, REDIS_URL, Workers, queue_of_its_own


@pytest.fixture
def queue_name():
    """A queue of this test's own on the shared Redis; emptied afterwards."""
    yield from queue_of_its_own()


@pytest.fixture
def redis_app(app, demo, queue_name):
    """A second app server on the test database, enqueueing to Redis."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    server = create_app(app_config(url, KDWEB_QUEUE=REDIS_URL, KDWEB_QUEUE_NAME=queue_name,
                                   KDWEB_JOB_HEARTBEAT_SECONDS=HEARTBEAT_SECONDS, KDWEB_JOB_RETRY_DELAY_SECONDS=0,
                                   KDWEB_CHECKS_DELAY_SECONDS=0))
    yield server
    with server.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def workers(app, queue_name, tmp_path):
    pool = Workers(app, queue_name, tmp_path)
    yield pool
    pool.stop_all()
