"""Upgrading an empty database gives exactly the models' schema, on the engine under test."""
import os
import uuid
from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, make_url, text

from kdweb import create_app
from kdweb.domain import Discipline, NotRatedReason, SubjectKind
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


# The rows a database held before h18v_one_vocabulary: ratings spelled kinds and reasons, and persons discipline
# forms, in lower case.
_BEFORE_ONE_VOCABULARY = [
    ("units", {"id": 1, "code": "BD", "name": "Đảng bộ Quận", "kind": "district", "level": "district",
               "reports": True, "active": True, "sort_order": 0}),
    ("users", {"id": 1, "login": "bd", "password_hash": "x", "full_name": "Cán bộ", "role": "staff", "active": True,
               "session_version": 1}),
    ("cycles", {"id": 1, "year": 2026, "rule_set_id": "qd132-hd21", "review_date": date(2026, 12, 1),
                "grassroots_deadline": date(2026, 12, 10), "district_deadline": date(2026, 12, 20),
                "is_open": True}),
    *(("persons", {"id": number, "cycle_id": 1, "code": f"DV{number}", "full_name": "Tên", "cell_id": 1,
                   "grassroots_id": 1, "probationary": False, "exempt": False, "suspended": False,
                   "committee_suspended": False, "is_civil_servant": False, "retired": False, "discipline_form": form})
      for number, form in enumerate(["khien_trach", "canh_cao", "cach_chuc", "khai_tru", None], 1)),
    ("templates", {"id": 1, "cycle_id": 1, "unit_id": 1, "version": 1, "signature": "ab" * 32}),
    ("uploads", {"id": 1, "cycle_id": 1, "unit_id": 1, "user_id": 1, "version": 1, "filename": "a.xlsx", "size": 1,
                 "sha256": "cd" * 32, "outcome": "valid", "error_count": 0, "warning_count": 0}),
    *(("ratings", {"id": number, "upload_id": 1, "subject_kind": kind, "subject_code": f"S{number}",
                   "subject_name": "Tên", "disciplined": False, "level": level, "not_rated_reason": reason})
      for number, (kind, level, reason) in enumerate([
          ("member", "HTXSNV", None), ("member", None, "exempt"), ("member", None, "temporary"),
          ("organisation", None, "new"), ("collective", None, "other"), ("leader", "HTNV", None),
          ("member", None, "suspended")], 1)),
]


def _stored_words(connection):
    ratings = connection.execute(text(
        "SELECT subject_code, subject_kind, not_rated_reason FROM ratings ORDER BY id")).all()
    forms = connection.execute(text("SELECT discipline_form FROM persons ORDER BY id")).scalars().all()
    columns = {column["name"] for column in db.inspect(connection).get_columns("templates")}
    sha_column = "file_sha256" if "file_sha256" in columns else "signature"
    return [tuple(row) for row in ratings], forms, sha_column, connection.execute(
        text(f"SELECT {sha_column} FROM templates")).scalar_one()


def test_one_vocabulary_recodes_the_stored_words_and_renames_the_template_hash_both_ways(empty_database_url):
    """h18v_one_vocabulary: ratings and persons store the enum codes (as findings do); templates.signature is
    file_sha256; the downgrade gives back the rows as they were."""
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade(revision="h20_notifications")
        with db.engine.begin() as connection:
            metadata = db.MetaData()
            metadata.reflect(connection)
            for table, row in _BEFORE_ONE_VOCABULARY:
                connection.execute(metadata.tables[table].insert().values(**row))
            before = _stored_words(connection)
        upgrade(revision="h18v_one_vocabulary")
        with db.engine.connect() as connection:
            after = _stored_words(connection)
        downgrade(revision="h20_notifications")
        with db.engine.connect() as connection:
            back = _stored_words(connection)
        db.engine.dispose()
    assert after == ([("S1", "MEMBER", None), ("S2", "MEMBER", "EXEMPT"), ("S3", "MEMBER", "TEMPORARY"),
                      ("S4", "ORGANISATION", "NEW"), ("S5", "COLLECTIVE", "OTHER"), ("S6", "LEADER", None),
                      ("S7", "MEMBER", "SUSPENDED")],
                     ["KHIEN_TRACH", "CANH_CAO", "CACH_CHUC", "KHAI_TRU", None], "file_sha256", "ab" * 32)
    # every stored code is one the app reads back
    assert {kind for _, kind, _ in after[0]} <= {kind.code for kind in SubjectKind}
    assert {reason for _, _, reason in after[0] if reason} <= {reason.code for reason in NotRatedReason}
    assert {form for form in after[1] if form} == {form.code for form in Discipline}
    assert back == before
    assert before[2] == "signature" and before[0][1] == ("S2", "member", "exempt") and before[1][0] == "khien_trach"


def _roster_revision_state(connection):
    """The triggers, whether the counter's table and the templates' column are there, and the counter."""
    from tests.unit_page.test_roster_revision import triggers_in

    inspector = db.inspect(connection)
    tables = set(inspector.get_table_names())
    counter = connection.execute(text("SELECT revision FROM roster_revision")).scalar() \
        if "roster_revision" in tables else None
    return (triggers_in(connection), "roster_revision" in tables,
            "roster_revision" in {column["name"] for column in inspector.get_columns("templates")}, counter)


def test_the_roster_revision_comes_with_its_migration_and_goes_with_its_downgrade(empty_database_url):
    """hroster_revision: the same triggers as create_all makes (tests/unit_page/test_roster_revision.py), moving the
    counter on a raw write; the downgrade takes triggers, counter and column away, and the upgrade runs again."""
    from kdweb.models.roster_revision import PG_FUNCTION, trigger_names

    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            upgraded = _roster_revision_state(connection)
            dialect = connection.dialect.name
            connection.execute(text("INSERT INTO units (code, name, kind, level, reports, active, sort_order) "
                                    "VALUES ('BD', 'Đảng bộ', 'district', 'district', TRUE, TRUE, 0)"))
        with db.engine.connect() as connection:
            moved = connection.execute(text("SELECT revision FROM roster_revision")).scalar()
        downgrade(revision="hupload_temporary_cell_index")
        with db.engine.connect() as connection:
            downgraded = _roster_revision_state(connection)
            functions = connection.execute(text(
                "SELECT count(*) FROM pg_proc WHERE proname = :name"), {"name": PG_FUNCTION}).scalar() \
                if dialect == "postgresql" else 0
        upgrade()
        with db.engine.connect() as connection:
            again = _roster_revision_state(connection)
        db.engine.dispose()
    assert upgraded == (trigger_names(dialect), True, True, 0) and moved == 1
    assert downgraded == (set(), False, False, None) and functions == 0
    assert again == upgraded


QUOTA_GROUP_TABLES = ("persons", "units", "collectives", "leader_posts")


def _quota_group_state(connection):
    """Which roster tables have the quota group column, and the roster revision's triggers."""
    from tests.unit_page.test_roster_revision import triggers_in

    inspector = db.inspect(connection)
    return ({table for table in QUOTA_GROUP_TABLES
             if "quota_group" in {column["name"] for column in inspector.get_columns(table)}}, triggers_in(connection))


def test_the_quota_groups_come_with_their_migration_and_go_with_its_downgrade(empty_database_url):
    """hquota_groups: a nullable quota group on members, units, collectives and leader posts; a write to it moves
    the roster revision (an upload then compares the roster again); the downgrade takes the columns away and
    leaves the triggers (SQLite rebuilds a table to drop a column), and the upgrade runs again."""
    from kdweb.models.roster_revision import trigger_names

    app = create_app(app_config(empty_database_url))
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            dialect = connection.dialect.name
            upgraded = _quota_group_state(connection)
            connection.execute(text("INSERT INTO units (code, name, kind, level, reports, active, sort_order, "
                                    "quota_group) VALUES ('BD', 'Đảng bộ', 'district', 'district', TRUE, TRUE, 0, "
                                    "'Khối cơ quan')"))
        with db.engine.begin() as connection:
            before = connection.execute(text("SELECT revision FROM roster_revision")).scalar()
            connection.execute(text("UPDATE units SET quota_group = 'Khối phường' WHERE code = 'BD'"))
        with db.engine.connect() as connection:
            moved = connection.execute(text("SELECT revision FROM roster_revision")).scalar() - before
        downgrade(revision="hroster_revision")
        with db.engine.connect() as connection:
            downgraded = _quota_group_state(connection)
            kept = connection.execute(text("SELECT name FROM units WHERE code = 'BD'")).scalar()
        upgrade()
        with db.engine.connect() as connection:
            again = _quota_group_state(connection)
            blank = connection.execute(text("SELECT quota_group FROM units WHERE code = 'BD'")).scalar()
        db.engine.dispose()
    assert upgraded == (set(QUOTA_GROUP_TABLES), trigger_names(dialect)) and moved >= 1
    assert downgraded == (set(), trigger_names(dialect)) and kept == "Đảng bộ"
    assert again == upgraded and blank is None
