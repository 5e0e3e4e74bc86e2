"""The admin's use cases: the unit tree, accounts, the yearly cycle and the roster import.

Each function that changes something writes its audit event and commits, or raises AdminRefusal with a
Vietnamese message and leaves the database as it was.
"""
from kdweb.extensions import db
from kdweb.services import audit


class AdminRefusal(Exception):
    """An admin action the rules refuse; str(error) says why, in Vietnamese."""


def switch_active(actor, record, active: bool, event: str, **details):
    """Deactivate or reactivate a unit or an account the caller has checked: audited and committed."""
    record.active = active
    audit.record(event, user=actor, target=record, **details)
    db.session.commit()
    return record
