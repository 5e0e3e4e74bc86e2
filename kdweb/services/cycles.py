from kdweb.extensions import db
from kdweb.models import Cycle, UnitCycle


def open_cycle() -> Cycle | None:
    return db.session.execute(
        db.select(Cycle).filter_by(is_open=True).order_by(Cycle.year.desc()).limit(1)
    ).scalar_one_or_none()


def cycle_by_year(year: int) -> Cycle | None:
    return db.session.execute(db.select(Cycle).filter_by(year=year)).scalar_one_or_none()


def unit_cycle(cycle, unit) -> UnitCycle | None:
    return db.session.execute(
        db.select(UnitCycle).filter_by(cycle_id=cycle.id, unit_id=unit.id)
    ).scalar_one_or_none()
