"""The superior body as the admin set it (Setting rows over the defaults of kdweb.superior), and saving it."""
from __future__ import annotations

import logging
from dataclasses import asdict, fields

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from kdweb.extensions import db
from kdweb.models import Setting
from kdweb.services import audit
from kdweb.services.admin import AdminRefusal
from kdweb.services.transaction import use_case
from kdweb.superior import Superior

PREFIX = "superior."
log = logging.getLogger(__name__)


def current_superior() -> Superior:
    """Read once per request."""
    found = g.get("_kdweb_superior")
    if found is None:
        defaults = Superior(name=current_app.config.get("DISTRICT_NAME") or Superior.name)
        try:
            rows = db.session.execute(
                db.select(Setting.key, Setting.value).where(Setting.key.startswith(PREFIX))).all()
        except SQLAlchemyError:  # an error page while the database is away still names someone to call
            log.exception("settings unreadable; the superior's defaults are shown")
            return defaults
        found = g._kdweb_superior = defaults.with_values({key.removeprefix(PREFIX): value for key, value in rows})
    return found


@use_case
def save_superior(actor, values: dict) -> Superior:
    known = [item.name for item in fields(Superior)]
    cleaned = {name: " ".join(str(values.get(name) or "").split()) for name in known}
    missing = [name for name in ("name", "staff_body") if not cleaned[name]]
    if missing:
        raise AdminRefusal("Cần ghi tên cấp ủy cấp trên và cơ quan tham mưu.")
    if any(len(value) > 200 for value in cleaned.values()):
        raise AdminRefusal("Mỗi mục tối đa 200 ký tự.")
    before = asdict(current_superior())
    for name, value in cleaned.items():
        setting = db.session.get(Setting, PREFIX + name)
        if not value:
            if setting is not None:
                db.session.delete(setting)
            continue
        if setting is None:
            db.session.add(Setting(key=PREFIX + name, value=value))
        else:
            setting.value = value
    db.session.flush()
    g.pop("_kdweb_superior", None)
    after = asdict(current_superior())
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit.record("superior_updated", user=actor, changes=changes)
    db.session.commit()
    return current_superior()


def store_superior(superior: Superior) -> None:
    """Write every field (the demo loader); the caller commits."""
    for name, value in asdict(superior).items():
        setting = db.session.get(Setting, PREFIX + name)
        if setting is None:
            db.session.add(Setting(key=PREFIX + name, value=value))
        else:
            setting.value = value
    g.pop("_kdweb_superior", None)
