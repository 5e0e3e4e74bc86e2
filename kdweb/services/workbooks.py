"""Issue a unit's pre-filled, signed workbook: generate it, record the template, mark the unit as downloaded."""
import hashlib

from flask import current_app
from sqlalchemy import func

from kdweb.excel.inputs import CycleInfo, Roster, UnitInfo
from kdweb.excel.template import build_workbook
from kdweb.extensions import db
from kdweb.models import Template
from kdweb.services import workflow
from kdweb.services.roster import roster_batch
from kdweb.services.superior import current_superior


def unit_info(unit) -> UnitInfo:
    return UnitInfo(code=unit.code, name=unit.name, level=unit.level)


def cycle_info(cycle) -> CycleInfo:
    superior = current_superior()
    return CycleInfo(year=cycle.year, rule_set_id=cycle.rule_set_id, review_date=cycle.review_date,
                     grassroots_deadline=cycle.grassroots_deadline, district_deadline=cycle.district_deadline,
                     contact=superior.staff_body, deciding_body=superior.deciding_body,
                     superior_level=superior.level_name)


def template_version_label(cycle, version: int) -> str:
    return f"{cycle.year}.{version}"


def issued_versions(cycle, unit) -> set[str]:
    versions = db.session.execute(
        db.select(Template.version).filter_by(cycle_id=cycle.id, unit_id=unit.id)
    ).scalars()
    return {template_version_label(cycle, version) for version in versions}


def issue_workbook(cycle, unit, user) -> tuple[bytes, Template]:
    """The unit's staff download their workbook: build it, record it, mark the unit; the caller commits."""
    data, template = build_and_record(cycle, unit, user)
    workflow.record_download(cycle, unit, user, template)
    return data, template


def build_and_record(cycle, unit, user) -> tuple[bytes, Template]:
    """Build the unit's workbook from the roster as it stands and record the issued version."""
    batch = roster_batch(cycle, unit)
    roster = Roster(members=batch.members, organisations=batch.organisations,
                    collectives=batch.collectives, leaders=batch.leaders)
    workflow.lock(cycle, unit)  # serialises version numbers per unit
    version = 1 + (db.session.scalar(
        db.select(func.max(Template.version)).filter_by(cycle_id=cycle.id, unit_id=unit.id)) or 0)
    data = build_workbook(unit_info(unit), cycle_info(cycle), roster,
                          template_version=template_version_label(cycle, version),
                          secret=current_app.config["SECRET_KEY"])
    template = Template(cycle_id=cycle.id, unit_id=unit.id, version=version,
                        signature=hashlib.sha256(data).hexdigest(), generated_by_id=user.id)
    db.session.add(template)
    db.session.flush()
    return data, template


def workbook_filename(cycle, unit) -> str:
    return f"Xếp loại {cycle.year} - {unit.code} - {unit.name}.xlsx"
