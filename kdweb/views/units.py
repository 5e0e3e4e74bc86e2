from flask import Blueprint
from flask_login import current_user, login_required
from sqlalchemy import func

from kdweb.access import role_required, unit_for_user_or_404
from kdweb.deadlines import deadline_state
from kdweb.extensions import db
from kdweb.models import Person, Unit
from kdweb.models.base import utcnow
from kdweb.services.cycles import open_cycle, unit_cycle
from kdweb.status import WorkbookStatus
from kdweb.views.rendering import render_page

bp = Blueprint("units", __name__, url_prefix="/units")


@bp.get("/")
@role_required("reviewer", "admin")
def index():
    units = db.session.execute(
        db.select(Unit).filter_by(reports=True, active=True).order_by(Unit.level, Unit.sort_order, Unit.name)
    ).scalars().all()
    return render_page("units/index.html", units=units, cycle=open_cycle())


@bp.get("/<code>")
@login_required
def show(code):
    unit = unit_for_user_or_404(code)
    cycle = open_cycle()
    context = {"unit": unit, "cycle": cycle, "member_count": 0, "status": WorkbookStatus.NOT_DOWNLOADED}
    if cycle is not None:
        context["member_count"] = db.session.scalar(
            db.select(func.count(Person.id)).where(
                Person.cycle_id == cycle.id,
                (Person.grassroots_id == unit.id) | (Person.cell_id == unit.id),
            )
        )
        state = unit_cycle(cycle, unit)
        if state is not None:
            context["status"] = WorkbookStatus.from_code(state.status)
        context["deadline"] = deadline_state(cycle.deadline_for(unit), utcnow())
    return render_page("units/show.html", **context, user=current_user)
