from flask import Blueprint, redirect, url_for
from flask_login import current_user, login_required

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    if current_user.role == "staff":
        return redirect(url_for("units.show", code=current_user.unit.code))
    return redirect(url_for("review.index"))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for it on their own; answer with the SVG icon instead of a 404."""
    return redirect(url_for("static", filename="favicon.svg"))
