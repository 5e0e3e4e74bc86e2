"""Issue a unit's pre-filled, signed workbook: generate it, record the template, mark the unit as downloaded."""
import hashlib

from flask import current_app
from msgspec.structs import replace
from sqlalchemy import func

from kdweb.excel.columns import sheet_specs
from kdweb.excel.inputs import CycleInfo, Roster, UnitInfo
from kdweb.excel.template import build_workbook
from kdweb.extensions import db
from kdweb.models import Rating, Template, Upload
from kdweb.rules import GRADE_PREFIX, SubjectKind, get_rule_set
from kdweb.rules.records import SUBJECT_LISTS
from kdweb.rules.stored import record_from_json
from kdweb.services import workflow
from kdweb.services.roster import issued_roster_json, revision_before_reading, roster_batch, roster_digest
from kdweb.services.superior import current_superior
from kdweb.services.transaction import use_case


CHECKED = ("errors", "valid")


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


@use_case
def issue_workbook(cycle, unit, user, carry_over: bool = False) -> tuple[bytes, Template]:
    """The unit's staff download their workbook: build it, record it, mark the unit. With
    `carry_over`, what the unit typed in its latest checked upload is written into the fresh workbook."""
    data, template = build_and_record(cycle, unit, user, carry_over=carry_over)
    workflow.record_download(cycle, unit, user, template)
    return data, template


def build_and_record(cycle, unit, user, carry_over: bool = False) -> tuple[bytes, Template]:
    """Build the unit's workbook from the roster as it stands and record the issued version, with the roster
    revision read before the roster was (an upload trusts the workbook's roster while the revision stays)."""
    revision = revision_before_reading()
    batch = roster_batch(cycle, unit)
    typed = typed_in_latest_upload(cycle, unit) if carry_over else {}
    roster = Roster(**{name: [with_typed(record, typed.get((kind, record.code)), cycle)
                              for record in batch.records_of(kind)]
                       for kind, name in SUBJECT_LISTS.items()})
    workflow.lock(cycle, unit)  # serialises version numbers per unit
    version = 1 + (db.session.scalar(
        db.select(func.max(Template.version)).filter_by(cycle_id=cycle.id, unit_id=unit.id)) or 0)
    data = build_workbook(unit_info(unit), cycle_info(cycle), roster,
                          template_version=template_version_label(cycle, version),
                          secret=current_app.config["SECRET_KEY"])
    template = Template(cycle_id=cycle.id, unit_id=unit.id, version=version,
                        file_sha256=hashlib.sha256(data).hexdigest(), generated_by_id=user.id,
                        roster_digest=roster_digest(batch), roster_json=issued_roster_json(batch),
                        roster_revision=revision)
    db.session.add(template)
    db.session.flush()
    return data, template


def typed_in_latest_upload(cycle, unit) -> dict:
    """(kind, code) → the record as read from the unit's latest checked upload (none if it was refused)."""
    latest = db.session.execute(
        db.select(Upload.id).filter_by(cycle_id=cycle.id, unit_id=unit.id).where(Upload.outcome.in_(CHECKED))
        .order_by(Upload.version.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is None:
        return {}
    rows = db.session.execute(
        db.select(Rating.subject_kind, Rating.subject_code, Rating.record_json)
        .filter_by(upload_id=latest).where(Rating.record_json.is_not(None))
    ).all()
    return {(SubjectKind(kind), code): (SubjectKind(kind), text) for kind, code, text in rows}


def with_typed(record, stored, cycle):
    """The roster record with the unit's own inputs (level, reason, grades, remarks…) from an earlier upload."""
    if stored is None:
        return record
    kind, text = stored
    earlier = record_from_json(kind, text)
    spec = next(spec for spec in sheet_specs(get_rule_set(cycle.rule_set_id)) if spec.kind is kind)
    changes = {"grades": earlier.grades, "not_rated": earlier.not_rated}
    for column in spec.input_columns:
        if not column.key.startswith(GRADE_PREFIX) and hasattr(record, column.key):
            changes[column.key] = getattr(earlier, column.key)
    return replace(record, **changes)


def workbook_filename(cycle, unit) -> str:
    return f"Xếp loại {cycle.year} - {unit.code} - {unit.name}.xlsx"
