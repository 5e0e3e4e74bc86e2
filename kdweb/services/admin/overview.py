"""The admin's first page: what there is (units, accounts, members of the open cycle) and the last roster import."""
from sqlalchemy import func

from kdweb.extensions import db
from kdweb.models import Person, RosterImport, Unit, User


def counts(cycle) -> dict[str, int]:
    return {
        "units": db.session.scalar(db.select(func.count(Unit.id)).filter_by(active=True)),
        "reporting": db.session.scalar(db.select(func.count(Unit.id)).filter_by(active=True, reports=True)),
        "accounts": db.session.scalar(db.select(func.count(User.id)).filter_by(active=True)),
        "members": db.session.scalar(db.select(func.count(Person.id)).filter_by(cycle_id=cycle.id)) if cycle else 0,
    }


def last_import() -> RosterImport | None:
    return db.session.execute(
        db.select(RosterImport).filter_by(state="applied").order_by(RosterImport.applied_at.desc()).limit(1)
    ).scalar_one_or_none()
