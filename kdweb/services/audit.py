"""Audit events are written inside the use case's transaction, never after it."""
import json

from flask import has_request_context, request

from kdweb.extensions import db
from kdweb.models import AuditEvent
from kdweb.services import checks_due


def record(action: str, *, user=None, unit=None, target=None, **detail) -> AuditEvent:
    event = AuditEvent(
        action=action,
        user_id=getattr(user, "id", None),
        unit_id=getattr(unit, "id", None),
        target_type=type(target).__name__ if target is not None else None,
        target_id=getattr(target, "id", None),
        detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        remote_addr=request.remote_addr if has_request_context() else None,
    )
    db.session.add(event)
    checks_due.note(action)
    return event
