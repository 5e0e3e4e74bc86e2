"""Write a generated demo district into the database, in one transaction."""
from dataclasses import asdict

from sqlalchemy import insert

from kdweb.extensions import db
from kdweb.models import Collective, Cycle, LeaderPost, Person, Unit, UnitCycle, User
from kdweb.models.base import utcnow
from kdweb.services import audit
from kdweb.services.superior import store_superior


class DatabaseNotEmpty(RuntimeError):
    pass


def load(district, batch_size: int = 5000) -> dict[str, int]:
    if db.session.scalar(db.select(Unit.id).limit(1)) is not None:
        raise DatabaseNotEmpty("Cơ sở dữ liệu đã có dữ liệu; dùng --reset để xóa và nạp lại.")
    cycle = Cycle(year=district.year, rule_set_id=district.rule_set_id, review_date=district.review_date,
                  grassroots_deadline=district.grassroots_deadline, district_deadline=district.district_deadline,
                  is_open=True, opened_at=utcnow())
    db.session.add(cycle)
    unit_ids = load_units(district.units)
    db.session.flush()
    person_ids = load_persons(district.persons, cycle.id, unit_ids, batch_size)
    collective_ids = load_collectives(district.collectives, cycle.id, unit_ids)
    load_leaders(district.leaders, cycle.id, unit_ids, person_ids, collective_ids, batch_size)
    for unit in district.reporting_units:
        db.session.add(UnitCycle(cycle_id=cycle.id, unit_id=unit_ids[unit.code], status="not_downloaded"))
    load_users(district.users, unit_ids)
    if district.superior is not None:
        store_superior(district.superior)
    audit.record("demo_loaded", members=len(district.persons), units=len(district.units))
    db.session.commit()
    return {"units": len(district.units), "members": len(district.persons),
            "collectives": len(district.collectives), "leaders": len(district.leaders), "users": len(district.users)}


def load_units(units) -> dict[str, int]:
    ids: dict[str, int] = {}
    for demo in units:  # parents come before their children in the generated list
        unit = Unit(code=demo.code, name=demo.name, kind=demo.kind, level=demo.level, group=demo.group,
                    parent_id=ids.get(demo.parent_code), reports=demo.reports, sort_order=demo.sort_order,
                    founded_on=demo.founded_on)
        db.session.add(unit)
        db.session.flush()
        ids[demo.code] = unit.id
    return ids


def load_persons(persons, cycle_id, unit_ids, batch_size) -> dict[str, int]:
    rows = []
    for demo in persons:
        row = asdict(demo)
        row["cycle_id"] = cycle_id
        row["cell_id"] = unit_ids[row.pop("cell_code")]
        row["grassroots_id"] = unit_ids[row.pop("grassroots_code")]
        temporary = row.pop("temporary_cell_code")
        row["temporary_cell_id"] = unit_ids[temporary] if temporary else None
        rows.append(row)
    for start in range(0, len(rows), batch_size):
        db.session.execute(insert(Person), rows[start:start + batch_size])
    return dict(db.session.execute(db.select(Person.code, Person.id).filter_by(cycle_id=cycle_id)).all())


def load_collectives(collectives, cycle_id, unit_ids) -> dict[str, int]:
    rows = [{"cycle_id": cycle_id, "code": c.code, "name": c.name, "collective_type": c.collective_type,
             "rated_in_id": unit_ids[c.rated_in_code], "leads_unit_id": unit_ids.get(c.leads_unit_code),
             "founded_on": c.founded_on} for c in collectives]
    if rows:
        db.session.execute(insert(Collective), rows)
    return dict(db.session.execute(db.select(Collective.code, Collective.id).filter_by(cycle_id=cycle_id)).all())


def load_leaders(leaders, cycle_id, unit_ids, person_ids, collective_ids, batch_size):
    rows = [{"cycle_id": cycle_id, "code": leader.code, "person_id": person_ids[leader.person_code],
             "title": leader.title, "equivalent_group": leader.equivalent_group,
             "rated_in_id": unit_ids[leader.rated_in_code], "heads_unit_id": unit_ids.get(leader.heads_unit_code),
             "heads_collective_id": collective_ids.get(leader.heads_collective_code), "is_head": leader.is_head}
            for leader in leaders]
    for start in range(0, len(rows), batch_size):
        db.session.execute(insert(LeaderPost), rows[start:start + batch_size])


def load_users(users, unit_ids):
    for demo in users:
        user = User(login=demo.login, full_name=demo.full_name, role=demo.role, unit_id=unit_ids.get(demo.unit_code))
        user.set_password(demo.password)
        db.session.add(user)
