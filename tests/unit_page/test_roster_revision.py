"""The roster revision (kdweb/models/roster_revision.py): the database's triggers move it on every write to the
roster's tables, whoever writes; an upload whose workbooks were all issued at the revision current now skips
reading the roster, and any other takes the digest comparison it always took, with the same result. On both
engines (the PostgreSQL pass runs this file too)."""
import pytest
from sqlalchemy import text

from kdweb.extensions import db
from kdweb.models import Cycle, Person, Template, Unit
from kdweb.models.roster_revision import trigger_names
from kdweb.services import uploads, workbooks
from kdweb.services.roster import CURRENT_REVISION
from tests.unit_page.conftest import UNIT, upload
from tests.unit_page.test_roster_of_record import NEW_CODE, NEW_NAME, add_member, latest_upload, plain_member
from tests.workbooks import clean_values, fill, roster

OTHER, OTHER_CELL, CLOSED_CELL = "BD.P02", "BD.P02.C01", "BD.P01.C03"


def revision_now():
    return db.session.execute(db.select(CURRENT_REVISION)).scalar()


def triggers_in(connection) -> set[str]:
    if connection.dialect.name == "postgresql":
        return set(connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")).scalars())
    return set(connection.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())


def sql(app, statement, **values):
    """A write as a script or a DBA would make it: raw SQL, no ORM, no admin page."""
    with app.app_context():
        db.session.connection().execute(text(statement), values)
        db.session.commit()
        db.session.remove()


def unit_and_cycle(code=UNIT):
    return (db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one(),
            db.session.execute(db.select(Cycle)).scalar_one())


# --- the database: every write to a roster table moves it, and only those -------------------------------------------

def test_the_schema_made_by_create_all_has_the_triggers(app_ctx):
    with db.engine.connect() as connection:
        assert trigger_names(connection.dialect.name) <= triggers_in(connection)


WRITES = {  # raw SQL on each roster table (the ORM's writes are the upload tests' below)
    "persons: a name": "UPDATE persons SET full_name = 'Tên Đổi Bằng SQL' WHERE code = (SELECT min(code) FROM persons)",
    "collectives": "UPDATE collectives SET name = name || ' mới' WHERE code = (SELECT min(code) FROM collectives)",
    "leader_posts": "DELETE FROM leader_posts WHERE code = (SELECT min(code) FROM leader_posts)",
    "units": "INSERT INTO units (code, name, kind, level, reports, active, sort_order) "
             "VALUES ('BD.NEW', 'Chi bộ mới', 'cell', 'cell', FALSE, TRUE, 0)",
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_raw_sql_write_to_a_roster_table_moves_the_revision(app_ctx, demo, write):
    before = revision_now()
    db.session.connection().execute(text(WRITES[write]))
    db.session.commit()
    assert before is not None and revision_now() > before


def test_writes_elsewhere_leave_it(app_ctx, demo):
    before = revision_now()
    db.session.connection().execute(text("UPDATE users SET full_name = full_name || ' '"))
    db.session.connection().execute(text("UPDATE cycles SET review_date = review_date"))
    db.session.commit()
    assert revision_now() == before


@pytest.mark.postgres
def test_on_postgresql_a_bulk_statement_moves_it_once(app_ctx, demo):
    unit, _ = unit_and_cycle()
    before = revision_now()
    moved = db.session.execute(db.update(Person).where(Person.grassroots_id == unit.id).values(post=Person.post))
    db.session.commit()
    assert moved.rowcount > 50 and revision_now() == before + 1


# --- issuing: the revision is read before the roster --------------------------------------------------------------

def test_an_issued_workbook_remembers_the_revision_its_roster_was_read_at(client, app, auth, demo):
    with app.app_context():
        before = revision_now()
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/workbook.xlsx").status_code == 200
    with app.app_context():
        issued = db.session.execute(db.select(Template)).scalar_one()
        assert issued.roster_revision == before == revision_now()  # issuing writes nothing the roster is made of


def test_a_roster_change_while_the_workbook_is_built_makes_it_look_stale(client, app, auth, demo, monkeypatch):
    member = plain_member(demo)
    read_roster = workbooks.roster_batch

    def changed_meanwhile(cycle, unit):  # another transaction's write, committed between the two reads
        db.session.connection().execute(text("UPDATE persons SET full_name = 'Đổi Giữa Chừng' WHERE code = :code"),
                                        {"code": member.code})
        return read_roster(cycle, unit)

    monkeypatch.setattr(workbooks, "roster_batch", changed_meanwhile)
    auth.login_as("staff", UNIT)
    assert client.get(f"/units/{UNIT}/workbook.xlsx").status_code == 200
    with app.app_context():
        issued = db.session.execute(db.select(Template)).scalar_one()
        assert issued.roster_revision < revision_now()


# --- the upload: unchanged roster, the fast path; anything else, today's path and its result -----------------------

@pytest.fixture
def codes_read(monkeypatch):
    """How many times an upload read the roster's codes (the digest comparison)."""
    calls = []
    read = uploads.roster_codes

    def counted(cycle, unit):
        calls.append(unit.code)
        return read(cycle, unit)

    monkeypatch.setattr(uploads, "roster_codes", counted)
    return calls


def issue(client, auth):
    auth.login_as("staff", UNIT)
    data = client.get(f"/units/{UNIT}/workbook.xlsx").data
    auth.logout()
    return data


def test_an_unchanged_roster_is_not_read_on_upload(client, app, auth, demo, monkeypatch):
    def never(cycle, unit):
        raise AssertionError("the roster's codes were read for an unchanged roster")

    monkeypatch.setattr(uploads, "roster_codes", never)
    batch = roster(app, UNIT)
    data = issue(client, auth)
    auth.login_as("staff", UNIT)
    upload(client, fill(data, clean_values(batch)))
    result = latest_upload(app)
    assert result["outcome"] == "valid", result["findings"]
    assert not [f for f in result["findings"] if f[0] in ("X-ROSTER", "X-MISSING")]


def test_a_workbook_issued_before_the_revision_existed_takes_the_digest_comparison(client, app, auth, demo,
                                                                                     codes_read):
    batch = roster(app, UNIT)
    data = issue(client, auth)
    sql(app, "UPDATE templates SET roster_revision = NULL")
    auth.login_as("staff", UNIT)
    upload(client, fill(data, clean_values(batch)))
    assert codes_read == [UNIT] and latest_upload(app)["outcome"] == "valid"


def test_a_workbook_issued_before_a_change_beside_one_issued_after_takes_the_digest_comparison(
        client, app, auth, demo, codes_read):
    member = plain_member(demo)
    batch = roster(app, UNIT)
    data = issue(client, auth)
    sql(app, "UPDATE persons SET grassroots_id = (SELECT id FROM units WHERE code = :unit), "
             "cell_id = (SELECT id FROM units WHERE code = :cell) WHERE code = :code",
        unit=OTHER, cell=OTHER_CELL, code=member.code)
    issue(client, auth)  # the fresh one matches the roster; the first does not
    auth.login_as("staff", UNIT)
    upload(client, fill(data, clean_values(batch)))
    assert codes_read == [UNIT]
    assert [f[0] for f in latest_upload(app)["findings"] if f[0] == "X-ROSTER"] == ["X-ROSTER"]


def _raw_rename(ctx):
    sql(ctx.app, "UPDATE persons SET full_name = 'Tên Đổi Bằng SQL' WHERE code = :code", code=ctx.member.code)


def _raw_move_out(ctx):
    sql(ctx.app, "UPDATE persons SET grassroots_id = (SELECT id FROM units WHERE code = :unit), "
                 "cell_id = (SELECT id FROM units WHERE code = :cell) WHERE code = :code",
        unit=OTHER, cell=OTHER_CELL, code=ctx.member.code)


def _raw_close_chi_bo(ctx):
    sql(ctx.app, "UPDATE units SET active = FALSE WHERE code = :code", code=CLOSED_CELL)


def _raw_leader_post_removed(ctx):
    sql(ctx.app, "DELETE FROM leader_posts WHERE code = (SELECT min(code) FROM leader_posts "
                 "WHERE rated_in_id = (SELECT id FROM units WHERE code = :unit))", unit=UNIT)


def _orm_delete(ctx):
    with ctx.app.app_context():
        db.session.delete(db.session.execute(db.select(Person).filter_by(code=ctx.member.code)).scalar_one())
        db.session.commit()
        db.session.remove()


def _orm_add(ctx):
    with ctx.app.app_context():
        like = db.session.execute(db.select(Person).filter_by(code=ctx.member.code)).scalar_one()
        db.session.add(Person(cycle_id=like.cycle_id, code=NEW_CODE, full_name=NEW_NAME, birth_date=like.birth_date,
                              cell_id=like.cell_id, grassroots_id=like.grassroots_id, admitted_on=like.admitted_on))
        db.session.commit()
        db.session.remove()


def _admin_import_add(ctx):
    add_member(ctx.client, ctx.auth)


# how the roster changed after the download → what the upload finds (None: nothing, as the digest path finds)
CHANGES = {
    "raw SQL: a member renamed": (_raw_rename, None),
    "raw SQL: a member moved to another unit": (_raw_move_out, "X-ROSTER"),
    "raw SQL: a chi bộ closed": (_raw_close_chi_bo, "X-ROSTER"),
    "raw SQL: a leader post removed": (_raw_leader_post_removed, "X-ROSTER"),
    "ORM: a member deleted": (_orm_delete, "X-ROSTER"),
    "ORM: a member added": (_orm_add, "X-MISSING"),
    "admin roster import: a member added": (_admin_import_add, "X-MISSING"),
}


class Context:
    def __init__(self, client, auth, app, member):
        self.client, self.auth, self.app, self.member = client, auth, app, member


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_roster_changed_after_the_download_is_brought_to_the_upload_as_the_digest_path_brings_it(
        client, app, auth, demo, monkeypatch, codes_read, change):
    make, finding = CHANGES[change]
    batch = roster(app, UNIT)
    data = issue(client, auth)
    make(Context(client, auth, app, plain_member(demo)))

    with app.app_context():
        unit, cycle = unit_and_cycle()
        brought = uploads.roster_if_changed(cycle, unit)
        with monkeypatch.context() as before_the_revision:  # today's path alone: the digests compared
            before_the_revision.setattr(uploads, "_revision_unmoved", lambda issued: False)
            assert brought == uploads.roster_if_changed(cycle, unit)
        db.session.remove()
    assert (brought is None) == (finding is None)

    auth.login_as("staff", UNIT)
    upload(client, fill(data, clean_values(batch)))
    result = latest_upload(app)
    rules = {f[0] for f in result["findings"]} & {"X-ROSTER", "X-MISSING"}
    assert rules == ({finding} if finding else set()), result["findings"]
    # the revision moved: the digest compared (twice above, once on upload); after an admin's change (marked on
    # the unit) every fact is brought without a digest, as before
    assert codes_read == ([] if change.startswith("admin") else [UNIT] * 3)

