"""Blueprints by feature; each view parses the request, calls a use case and renders."""
from kdweb.domain import VOCABULARY
from kdweb.views.wording import for_reader


def register_views(app):
    from kdweb.views import auth, errors, home, notifications, units
    from kdweb.views import admin
    from kdweb.views import review
    from kdweb.views import reports
    from kdweb.views.converters import register_converters
    from kdweb.views.input_guard import register_input_guard

    register_converters(app)
    register_input_guard(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(home.bp)
    app.register_blueprint(units.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(reports.bp)
    app.register_blueprint(notifications.bp)
    errors.register(app)
    app.context_processor(template_globals)
    app.jinja_env.globals["terms"] = VOCABULARY
    app.add_template_filter(local_time)
    app.add_template_filter(for_reader)


def template_globals():
    from flask import current_app

    from kdweb.models.base import utcnow
    from kdweb.services.superior import current_superior

    return {"district_name": current_app.config["DISTRICT_NAME"], "superior": current_superior,
            "now_local": lambda: local_time(utcnow(), "%H:%M:%S"), "unread_notifications": unread_notifications}


def unread_notifications() -> int:
    from flask_login import current_user

    from kdweb.services.notifications import unread_count

    return unread_count(current_user) if current_user.is_authenticated else 0


def local_time(moment, pattern="%d/%m/%Y %H:%M"):
    """A stored UTC time as Hà Nội wall-clock time."""
    from kdweb.deadlines import VIETNAM

    if moment is None:
        return ""
    return moment.astimezone(VIETNAM).strftime(pattern)
