from sqlalchemy import func

from kdweb.extensions import db
from kdweb.models import Person, RosterImport, Unit, User
from kdweb.services.cycles import open_cycle
from kdweb.views.admin import bp
from kdweb.views.rendering import render_page


@bp.get("/")
def index():
    cycle = open_cycle()
    counts = {
        "units": db.session.scalar(db.select(func.count(Unit.id)).filter_by(active=True)),
        "reporting": db.session.scalar(db.select(func.count(Unit.id)).filter_by(active=True, reports=True)),
        "accounts": db.session.scalar(db.select(func.count(User.id)).filter_by(active=True)),
        "members": db.session.scalar(db.select(func.count(Person.id)).filter_by(cycle_id=cycle.id)) if cycle else 0,
    }
    last_import = db.session.execute(
        db.select(RosterImport).filter_by(state="applied").order_by(RosterImport.applied_at.desc()).limit(1)
    ).scalar_one_or_none()
    return render_page("admin/index.html", cycle=cycle, counts=counts, last_import=last_import)
