"""Upgrading an empty database gives exactly the models' schema, on the engine under test."""
import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from kdweb import create_app
from kdweb.extensions import db
from tests.conftest import app_config


@pytest.fixture
def empty_database_url(tmp_path):
    url = os.environ.get("KDWEB_TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path}/migrations.sqlite"
        return
    server = make_url(url).set(drivername="postgresql+psycopg")
    name = f"kdweb_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_gives_the_models_schema(empty_database_url):
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert diff == []


def test_downgrade_to_base_removes_every_table(empty_database_url):
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            remaining = set(db.inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    assert remaining == set()
