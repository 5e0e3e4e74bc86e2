"""A counter the database moves on every write to the tables a unit's roster is made of, whoever writes (the ORM, an
import, raw SQL): an issued workbook that remembers the revision its roster was read at is known to list the roster
as it stands while the counter has not moved, without reading the roster again (services/uploads.roster_if_changed).

The triggers are created by the migration `hroster_revision` and, for a schema made by `metadata.create_all` (the
tests, the benches), by the `after_create` event below: the same statements both ways. Changing them (another
roster table, say) needs a migration that runs `install` again; they replace what they find.
"""
from sqlalchemy import Integer, event, inspect
from sqlalchemy.orm import Mapped, mapped_column

from kdweb.extensions import db

# what roster_codes, roster_of_record and organisation_records read: members, collectives, leader posts, and the
# units (a chi bộ's parent, a unit's kind, reports, active, code)
ROSTER_TABLES = ("persons", "collectives", "leader_posts", "units")
THE_ROW = 1


class RosterRevision(db.Model):
    """One row: the roster revision, moved by the triggers (never written by the app)."""

    __tablename__ = "roster_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(Integer)


SEED = f"INSERT INTO roster_revision (id, revision) SELECT {THE_ROW}, 0 " \
       "WHERE NOT EXISTS (SELECT 1 FROM roster_revision)"
BUMP = f"UPDATE roster_revision SET revision = revision + 1 WHERE id = {THE_ROW}"
PG_FUNCTION = "bump_roster_revision"


def _postgresql() -> list[str]:
    """One bump per statement (a bulk import of 10,000 members moves it once per INSERT), TRUNCATE included."""
    statements = [f"CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                  f"BEGIN {BUMP}; RETURN NULL; END $$"]
    for table in ROSTER_TABLES:
        statements += [f"DROP TRIGGER IF EXISTS {table}_roster_revision ON {table}",
                       f"CREATE TRIGGER {table}_roster_revision AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()"]
    return statements


def _sqlite() -> list[str]:
    """SQLite has row triggers only: one bump per row written."""
    return [f"CREATE TRIGGER IF NOT EXISTS {table}_roster_revision_{event_name.lower()} AFTER {event_name} "
            f"ON {table} BEGIN {BUMP}; END"
            for table in ROSTER_TABLES for event_name in ("INSERT", "UPDATE", "DELETE")]


def trigger_names(dialect: str) -> set[str]:
    """The names `install` gives the triggers (the tests look for them)."""
    if dialect == "postgresql":
        return {f"{table}_roster_revision" for table in ROSTER_TABLES}
    return {f"{table}_roster_revision_{name}" for table in ROSTER_TABLES for name in ("insert", "update", "delete")}


def install(connection) -> None:
    """The counter's row (when missing) and the triggers that move it; safe to run again."""
    dialect = connection.dialect.name
    for statement in [SEED, *(_postgresql() if dialect == "postgresql" else _sqlite())]:
        connection.exec_driver_sql(statement)


def uninstall(connection) -> None:
    """The triggers (and PostgreSQL's function); the table is the migration's to drop."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        for table in ROSTER_TABLES:
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_roster_revision ON {table}")
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
    else:
        for name in sorted(trigger_names(dialect)):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


@event.listens_for(db.metadata, "after_create")
def _triggers_with_the_tables(metadata, connection, **_):
    if {*ROSTER_TABLES, RosterRevision.__tablename__} <= set(inspect(connection).get_table_names()):
        install(connection)


@event.listens_for(db.metadata, "after_drop")
def _function_with_the_tables(metadata, connection, **_):
    if connection.dialect.name == "postgresql":  # the triggers went with their tables
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
