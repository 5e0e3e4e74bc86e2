"""roster_codes (asked on every upload, codes only, by plain queries) lists exactly whom roster_names lists."""
from kdweb.extensions import db
from kdweb.models import Cycle, Person, Unit
from kdweb.services.roster import names_digest, roster_codes, roster_names


def test_the_codes_of_every_unit_are_those_of_its_roster(app, demo):
    with app.app_context():
        cycle = db.session.execute(db.select(Cycle).filter_by(is_open=True)).scalar_one()
        units = db.session.execute(db.select(Unit).filter_by(reports=True)).scalars().all()
        # a member in temporary activity at a chi bộ of another unit (under a đảng bộ bộ phận if there is one)
        cells = db.session.execute(db.select(Unit).filter_by(kind="cell", active=True)).scalars().all()
        cell = next((c for c in cells if c.parent.kind == "sub_committee"), None) or \
            next(c for c in cells if c.parent.reports)
        host = cell.parent.parent_id if cell.parent.kind == "sub_committee" else cell.parent_id
        away = db.session.execute(db.select(Person).where(Person.grassroots_id != host)).scalars().first()
        away.temporary_cell_id = cell.id
        db.session.commit()
        hosts = 0
        for unit in units:
            names, codes = roster_names(cycle, unit), roster_codes(cycle, unit)
            assert {kind: sorted(found) for kind, found in codes.items()} == \
                {kind: sorted(found) for kind, found in names.items()}, unit.code
            assert names_digest(codes) == names_digest(names)
            hosts += away.code in codes[next(iter(codes))] and unit.id != away.grassroots_id
        assert hosts == 1  # on the roster of the unit above its temporary chi bộ, and of its own
