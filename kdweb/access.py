"""Who may see which unit: the one helper every view uses to decide scope."""
from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from kdweb.extensions import db
from kdweb.models import Unit
from kdweb.services.tree import subtree_ids


def role_required(*roles):
    """Allow only the given role codes; anyone else gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def visible_unit_ids(user) -> frozenset[int] | None:
    """The ids of the units a user may see; None means every unit (reviewers and admins)."""
    if user.role in ("reviewer", "admin"):
        return None
    if user.unit_id is None:
        return frozenset()
    cached = g.get("_visible_unit_ids")
    if cached is None:
        cached = frozenset(subtree_ids(user.unit_id))
        g._visible_unit_ids = cached
    return cached


def can_see_unit(user, unit) -> bool:
    ids = visible_unit_ids(user)
    return ids is None or unit.id in ids


def unit_for_user_or_404(code: str) -> Unit:
    """The unit with this code if the current user may see it; 404 otherwise (no hint it exists)."""
    unit = db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one_or_none()
    if unit is None or not can_see_unit(current_user, unit):
        abort(404)
    return unit
