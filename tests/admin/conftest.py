import json

import pytest

from kdweb.extensions import db
from kdweb.models import AuditEvent


@pytest.fixture
def admin(auth):
    """Logged in as the demo district's admin; returns the demo user (with its password)."""
    return auth.login_as("admin")


class Query:
    """query(function): run it inside an app context and hand back its result (plain values, not live objects);
    query.id_of(Model, **filters): the id of the one row that matches; query.one(Model, shown, **filters): shown(row)
    of the row that matches, None when none does."""

    def __init__(self, app):
        self.app = app

    def __call__(self, function):
        with self.app.app_context():
            try:
                return function()
            finally:
                db.session.remove()

    def id_of(self, model, **filters) -> int:
        return self(lambda: db.session.execute(db.select(model.id).filter_by(**filters)).scalar_one())

    def one(self, model, shown, **filters):
        def load():
            row = db.session.execute(db.select(model).filter_by(**filters)).scalar_one_or_none()
            return None if row is None else shown(row)
        return self(load)


@pytest.fixture
def query(app):
    return Query(app)


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
