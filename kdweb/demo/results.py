"""Realistic results for a demo cycle, sent the way units send them: each unit's workbook downloaded, filled
(scores and task counts under a scored rule set), uploaded, submitted, most of them approved. Needs an app context
with the demo loaded; everything goes through the services, so the findings and ratings are the real ones."""
from __future__ import annotations

import io
import math
import random

from openpyxl import load_workbook

from kdweb.excel.columns import FIRST_DATA_ROW, HEADER_ROW, sheet_specs
from kdweb.extensions import db
from kdweb.models import Cycle, Unit, User
from kdweb.rules import NOT_RATED_TEXT, Grade, Level, NotRatedReason, SubjectKind, get_rule_set
from kdweb.rules.dates import last_full_start
from kdweb.services import uploads, workbooks, workflow
from kdweb.services.roster import roster_batch

DUTY = "Liên quan đến thực hiện chức trách, nhiệm vụ"


def send_demo_results(seed: int = 2026, share_sent: float = 0.8, share_approved: float = 0.75,
                      progress=None) -> dict[str, int]:
    """Send results for `share_sent` of the reporting units (the others have not yet), approve `share_approved`
    of those; returns counts by outcome."""
    rng = random.Random(seed)
    cycle = db.session.execute(db.select(Cycle).filter_by(is_open=True)).scalar_one()
    rule_set = get_rule_set(cycle.rule_set_id)
    reviewer = db.session.execute(db.select(User).filter_by(role="reviewer").order_by(User.id)).scalars().first()
    units = db.session.execute(
        db.select(Unit).filter_by(reports=True, active=True).order_by(Unit.sort_order)).scalars().all()
    counts = {"sent": 0, "valid": 0, "approved": 0}
    for position, unit in enumerate(units):
        if rng.random() >= share_sent:
            continue
        staff = db.session.execute(db.select(User).filter_by(unit_id=unit.id, role="staff")).scalars().first()
        if staff is None:
            continue
        data, _ = workbooks.issue_workbook(cycle, unit, staff)
        db.session.commit()
        filled = fill(data, values_for(roster_batch(cycle, unit), rule_set, random.Random(rng.random())), rule_set)
        upload = uploads.accept_upload(cycle, unit, staff, f"{unit.code}-ket-qua.xlsx", filled).upload
        counts["sent"] += 1
        if upload.outcome == "valid":
            counts["valid"] += 1
            workflow.submit(cycle, unit, staff, upload.id, acknowledge_warnings=True)
            db.session.commit()
            if rng.random() < share_approved:
                workflow.review(cycle, unit, reviewer, "approve", None)
                db.session.commit()
                counts["approved"] += 1
        if progress:
            progress(position + 1, len(units))
    return counts


def fill(data: bytes, values_for, rule_set) -> bytes:
    book = load_workbook(io.BytesIO(data))
    for spec in sheet_specs(rule_set):
        if spec.name not in book.sheetnames:
            continue
        sheet = book[spec.name]
        letters = {cell.value: cell.column_letter for cell in sheet[HEADER_ROW] if cell.value}
        at = {column.key: letters[column.header] for column in spec.columns if column.header in letters}
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            code = sheet[f"{at['code']}{row}"].value
            for key, value in (values_for(spec.kind, str(code)) if code else {}).items():
                if key in at:
                    sheet[f"{at[key]}{row}"].value = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def values_for(batch, rule_set, rng: random.Random):
    """What a careful unit writes for each subject: a level its scores and counts allow, within the quota."""
    planned, levels = {}, {}
    for kind in SubjectKind:  # organisations before collectives before leaders: a head follows what he or she heads
        rows = {}
        for record in batch.records_of(kind):
            row = rows[record.code] = _subject(record, kind, batch.review_date, rule_set, rng)
            headed = [levels[code] for code in _headed(record, kind) if code in levels]
            if headed and row.get("level") in _LEVEL_BY_TEXT:
                row["level"] = min([_LEVEL_BY_TEXT[row["level"]], *headed]).text
        _keep_quota(rows, rule_set)
        for code, row in rows.items():
            if row.get("level") in _LEVEL_BY_TEXT:
                levels[code] = _LEVEL_BY_TEXT[row["level"]]
        planned.update({(kind, code): row for code, row in rows.items()})
    return lambda kind, code: planned.get((kind, code), {})


_LEVEL_BY_TEXT = {level.text: level for level in Level}


def _headed(record, kind) -> tuple[str, ...]:
    if kind is SubjectKind.COLLECTIVE:
        return (record.led_unit_code,) if record.led_unit_code else ()
    if kind is SubjectKind.LEADER:
        return tuple(record.heads)
    return ()


def _subject(record, kind, review_date, rule_set, rng) -> dict:
    reason = not_rated_reason(record, kind, review_date, rule_set)
    if reason is not None:
        return {"level": NOT_RATED_TEXT, "not_rated_reason": reason.text}
    if not rule_set.scored:
        values = {criterion.field: Grade.TOT.text for criterion in rule_set.criteria_of(kind)}
        values["level"] = Level.KHTNV.text if getattr(record, "disciplined_in_year", False) else Level.HTTNV.text
        return values | member_remarks(record, kind, values["level"])
    roll = rng.random()
    if getattr(record, "disciplined_in_year", False):
        level, common, tasks = Level.KHTNV, rng.uniform(16, 22), rng.uniform(24, 34)
    elif roll < 0.13:
        level, common, tasks = Level.HTXSNV, rng.uniform(28, 30), rng.uniform(62, 69)
    elif roll < 0.9:
        level, common, tasks = Level.HTTNV, rng.uniform(23, 28.5), rng.uniform(50, 61)
    elif roll < 0.99:
        level, common, tasks = Level.HTNV, rng.uniform(18, 24), rng.uniform(36, 45)
    else:
        level, common, tasks = Level.KHTNV, rng.uniform(15, 20), rng.uniform(20, 29)
    assigned = rng.randint(4, 12)
    late = 1 if level is Level.HTNV and assigned >= 5 else 0
    exceeded = math.ceil(assigned * 0.3) + rng.randint(0, 1) if level is Level.HTXSNV else rng.randint(0, 1)
    values = {
        "level": level.text, "score_common": round(common * 2) / 2, "score_tasks": round(tasks * 2) / 2,
        "tasks_assigned": assigned, "tasks_done": assigned, "tasks_on_time": assigned - late, "tasks_late": late,
        "tasks_exceeded": min(exceeded, assigned),
    }
    if getattr(record, "disciplined_in_year", False):
        values["violation_kind"] = DUTY
    return values | member_remarks(record, kind, level.text)


def member_remarks(record, kind, level_text) -> dict:
    """The civil-service rating and the remarks received that the rules ask of a rated member."""
    if kind is not SubjectKind.MEMBER:
        return {}
    extra = {}
    if record.is_civil_servant:
        extra["civil_rating"] = level_text
    if record.transferred_in:
        extra["transfer_remarks_received"] = "Có"
    if record.temporary_activity_elsewhere:
        extra["temporary_remarks_received"] = "Có"
    return extra


def not_rated_reason(record, kind, review_date, rule_set) -> NotRatedReason | None:
    """Why a subject of the roster is not rated (the rule book's reasons; "new" as M-NEW, O-NEW, C-NEW count it),
    None when it is rated."""
    if kind is SubjectKind.MEMBER:
        if record.exempt:
            return NotRatedReason.EXEMPT
        if record.suspended:
            return NotRatedReason.SUSPENDED
        if record.temporary_activity:
            return NotRatedReason.TEMPORARY
        started = record.admitted_on
    else:
        started = getattr(record, "founded_on", None)
    cutoff = last_full_start(review_date, rule_set.new_subject_months)
    if started and cutoff and started > cutoff:
        return NotRatedReason.NEW
    return None


def _keep_quota(rows: dict, rule_set) -> None:
    """HTXSNV at most 20 % of HTTNV: the rest of the excellent ones are written HTTNV (a level below what the
    score allows draws no finding)."""
    excellent = [row for row in rows.values() if row.get("level") == Level.HTXSNV.text]
    good = sum(1 for row in rows.values() if row.get("level") == Level.HTTNV.text)
    allowed = int(good * rule_set.quota_share)
    for row in excellent[allowed:]:
        row["level"] = Level.HTTNV.text
    for row in rows.values():
        if "civil_rating" in row:
            row["civil_rating"] = row["level"]
