import json

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent


@pytest.fixture
def admin(auth):
    """Logged in as the demo district's admin; returns the demo user (with its password)."""
    return auth.login_as("admin")


@pytest.fixture
def query(app):
    """Run a function inside an app context and hand back its result (plain values, not live objects)."""
    def run(function):
        with app.app_context():
            try:
                return function()
            finally:
                db.session.remove()
    return run


@pytest.fixture
def audit_log(query):
    """The audit events with this action, oldest first, as (user login, target id, detail dict)."""
    def events(action):
        def load():
            rows = db.session.execute(
                db.select(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)).scalars().all()
            return [(row.user.login if row.user else None, row.target_id, json.loads(row.detail or "{}"))
                    for row in rows]
        return query(load)
    return events
