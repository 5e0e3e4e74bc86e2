"""Filling a downloaded unit workbook the way a unit's staff would, with openpyxl."""
import io
from datetime import timedelta

from openpyxl import load_workbook

from kdweb.excel import FIRST_DATA_ROW, HEADER_ROW, sheet_specs
from kdweb.rules import NOT_RATED_TEXT, Level, NotRatedReason, SubjectKind, get_rule_set


def sheet_columns(worksheet, spec) -> dict[str, str]:
    """Field key → column letter, found through the header row (the columns may be in any order)."""
    headers = {cell.value: cell.column_letter for cell in worksheet[HEADER_ROW] if cell.value}
    return {column.key: headers[column.header] for column in spec.columns if column.header in headers}


def fill(data: bytes, values_for, rule_set_id: str = "qd132-hd21") -> bytes:
    """values_for(kind, code) → {field key: value} for that row; rows it returns None for are left blank."""
    workbook = load_workbook(io.BytesIO(data))
    for spec in sheet_specs(get_rule_set(rule_set_id)):
        if spec.name not in workbook.sheetnames:
            continue
        worksheet = workbook[spec.name]
        letters = sheet_columns(worksheet, spec)
        for row in range(FIRST_DATA_ROW, worksheet.max_row + 1):
            code = worksheet[f"{letters['code']}{row}"].value
            if not code:
                continue
            values = values_for(spec.kind, str(code))
            for key, value in (values or {}).items():
                worksheet[f"{letters[key]}{row}"].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cell_of(data: bytes, kind: SubjectKind, code: str, key: str, rule_set_id: str = "qd132-hd21") -> tuple[str, str]:
    """(sheet name, cell address) of one subject's field in a workbook."""
    workbook = load_workbook(io.BytesIO(data))
    spec = next(s for s in sheet_specs(get_rule_set(rule_set_id)) if s.kind is kind)
    worksheet = workbook[spec.name]
    letters = sheet_columns(worksheet, spec)
    for row in range(FIRST_DATA_ROW, worksheet.max_row + 1):
        if str(worksheet[f"{letters['code']}{row}"].value) == code:
            return spec.name, f"{letters[key]}{row}"
    raise KeyError(code)


def roster(app, unit_code):
    """The unit's roster as the rules engine's records, read as the workbook writer reads it."""
    from kdweb.extensions import db
    from kdweb.models import Cycle, Unit
    from kdweb.services.roster import roster_batch

    with app.app_context():
        cycle = db.session.execute(db.select(Cycle)).scalar_one()
        unit = db.session.execute(db.select(Unit).filter_by(code=unit_code)).scalar_one()
        batch = roster_batch(cycle, unit)
        db.session.remove()
    return batch


def clean_values(batch, rule_set_id="qd132-hd21", level=Level.HTTNV):
    """A values_for that rates every subject of the roster correctly: `level` where allowed, otherwise
    "Không xếp loại" with the right reason, with the remarks and civil-service ratings the rules ask for."""
    rule_set = get_rule_set(rule_set_id)
    by_code = {(kind, record.code): record for kind in SubjectKind for record in batch.records_of(kind)}

    def values_for(kind, code):
        record = by_code.get((kind, code))
        if record is None:
            return None
        values = {criterion.field: "Tốt" for criterion in rule_set.criteria_of(kind)}
        reason = not_rated_reason(record, batch.review_date) if kind is SubjectKind.MEMBER else None
        if kind is not SubjectKind.MEMBER and getattr(record, "founded_on", None) and batch.review_date \
                and record.founded_on > batch.review_date - timedelta(days=183):
            reason = NotRatedReason.NEW
        if reason is not None:
            return {"level": NOT_RATED_TEXT, "not_rated_reason": reason.text}
        values["level"] = Level.KHTNV.text if getattr(record, "disciplined_in_year", False) else level.text
        if kind is SubjectKind.MEMBER:
            if record.is_civil_servant:
                values["civil_rating"] = level.text
            if record.transferred_in:
                values["transfer_remarks_received"] = "Có"
            if record.temporary_activity_elsewhere:
                values["temporary_remarks_received"] = "Có"
        return values

    return values_for


def not_rated_reason(member, review_date):
    if member.exempt:
        return NotRatedReason.EXEMPT
    if member.suspended:
        return NotRatedReason.SUSPENDED
    if member.temporary_activity:
        return NotRatedReason.TEMPORARY
    if member.admitted_on and review_date and member.admitted_on > review_date - timedelta(days=183):
        return NotRatedReason.NEW
    return None


def submit_latest_upload(client, app, unit_code):
    """Submit the unit's newest upload through the page's form, as its staff would."""
    from kdweb.extensions import db
    from kdweb.models import Unit, Upload

    with app.app_context():
        upload_id = db.session.execute(
            db.select(Upload.id).join(Unit).filter(Unit.code == unit_code).order_by(Upload.id.desc())
        ).scalars().first()
    assert client.post(f"/units/{unit_code}/submit", data={"confirmed": "1", "upload_id": upload_id}).status_code == 303
