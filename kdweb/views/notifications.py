"""Each user's own list of notifications (returned, approved, reopened, deadline soon, overdue)."""
from flask import Blueprint
from flask_login import current_user, login_required

from kdweb.services import notifications
from kdweb.views.rendering import render_page

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    items = notifications.for_user(current_user)
    unread = {item.id for item in items if item.read_at is None}
    notifications.mark_read(current_user)
    return render_page("notifications/index.html", items=items, unread=unread, kinds=notifications.KINDS)
