"""Filling a downloaded unit workbook the way a unit's staff would: values typed into its sheets' XML as a spreadsheet
program saves them (tests/sheet_xml.py), with openpyxl where that cannot."""
import hashlib
import io
import zipfile

from openpyxl.utils import get_column_letter

from kdweb.demo.results import member_remarks, not_rated_reason as not_rated_reason_of
from kdweb.excel import FIRST_DATA_ROW, HEADER_ROW, sheet_specs
from kdweb.rules import NOT_RATED_TEXT, Level, SubjectKind, get_rule_set
from tests import loaded, sheet_xml


def sheet_columns(worksheet, spec) -> dict[str, str]:
    """Field key → column letter, found through the header row (the columns may be in any order)."""
    headers = {cell.value: cell.column_letter for cell in worksheet[HEADER_ROW] if cell.value}
    return {column.key: headers[column.header] for column in spec.columns if column.header in headers}


def fill(data: bytes, values_for, rule_set_id: str = "qd132-hd21") -> bytes:
    """values_for(kind, code) → {field key: value} for that row; rows it returns None for are left blank.

    A values_for with a `fill_key` (clean_values, changed) names what it writes: the filled file is then made
    once per workbook content and reused (a download differs from the last only in its timestamps)."""
    key = getattr(values_for, "fill_key", None)
    if key is None:
        return _filled(data, values_for, rule_set_id)
    key = (content_digest(data), rule_set_id, key)
    if key not in _FILLED:
        _FILLED[key] = _filled(data, values_for, rule_set_id)
    return _FILLED[key]


_FILLED: dict[tuple, bytes] = {}


def content_digest(data: bytes) -> str:
    """A digest of a workbook's parts but its created/modified timestamps (docProps/core.xml)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if info.filename != "docProps/core.xml":
                digest.update(info.filename.encode() + b"\0" + archive.read(info) + b"\0")
    return digest.hexdigest()


def _filled(data: bytes, values_for, rule_set_id: str) -> bytes:
    """The values typed into the sheet XML (tests/sheet_xml.py); with openpyxl where that cannot type them."""
    typed = _typed_in_xml(data, values_for, rule_set_id)
    return typed if typed is not None else _filled_with_openpyxl(data, values_for, rule_set_id)


def _typed_in_xml(data: bytes, values_for, rule_set_id: str) -> bytes | None:
    try:
        book = sheet_xml.Book(data)
    except (KeyError, ValueError, zipfile.BadZipFile):
        return None  # a package laid out otherwise (another program's save): openpyxl reads it
    for spec in sheet_specs(get_rule_set(rule_set_id)):
        if spec.name not in book.sheet_parts:
            continue
        rows = book.rows(spec.name)
        headers = {value: column for column, value in rows.get(HEADER_ROW, {}).items()}
        columns = {column.key: headers[column.header] for column in spec.columns if column.header in headers}
        edits = {}
        for number, cells in rows.items():
            code = cells.get(columns["code"]) if number >= FIRST_DATA_ROW else None
            if not code:
                continue
            if not isinstance(code, str):
                return None  # a number in the code column: left to openpyxl, which reads it as one
            values = values_for(spec.kind, code)
            if values:
                edits[number] = {columns[key]: value for key, value in values.items()}
        if edits and not book.type_into(spec.name, edits):
            return None
    return book.bytes()


def _filled_with_openpyxl(data: bytes, values_for, rule_set_id: str) -> bytes:
    workbook = loaded.load_workbook(data)
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
    """(sheet name, cell address) of one subject's field in a workbook (its sheet's XML read: only values are
    needed)."""
    spec = next(s for s in sheet_specs(get_rule_set(rule_set_id)) if s.kind is kind)
    rows = sheet_xml.Book(data).rows(spec.name)
    headers = {value: column for column, value in rows.get(HEADER_ROW, {}).items()}
    columns = {column.key: headers[column.header] for column in spec.columns if column.header in headers}
    for number, cells in rows.items():
        if number >= FIRST_DATA_ROW and columns["code"] in cells and str(cells[columns["code"]]) == code:
            return spec.name, f"{get_column_letter(columns[key])}{number}"
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

    def rated(kind, record):
        values = {criterion.field: "Tốt" for criterion in rule_set.criteria_of(kind)}
        values["level"] = Level.KHTNV.text if getattr(record, "disciplined_in_year", False) else level.text
        return {**values, **member_remarks(record, kind, level.text)}

    values_for = roster_values(batch, rated)
    values_for.fill_key = ("clean", hashlib.sha256(repr(batch).encode()).hexdigest(), rule_set_id, level)
    return values_for


def changed(values_for, code, **changes):
    """values_for with `changes` made to the row of the subject `code`."""
    def changed_values(kind, other):
        return dict(values_for(kind, other), **changes) if other == code else values_for(kind, other)

    if getattr(values_for, "fill_key", None) is not None:
        changed_values.fill_key = (values_for.fill_key, code, repr(sorted(changes.items())))
    return changed_values


def roster_values(batch, rated):
    """A values_for over the roster: "Không xếp loại" with its reason for a subject that may not be rated, else
    rated(kind, record); None for a code not on the roster."""
    by_code = {(kind, record.code): record for kind in SubjectKind for record in batch.records_of(kind)}

    def values_for(kind, code):
        record = by_code.get((kind, code))
        if record is None:
            return None
        reason = not_rated_reason_of(record, kind, batch.review_date, get_rule_set())
        if reason is not None:
            return {"level": NOT_RATED_TEXT, "not_rated_reason": reason.text}
        return rated(kind, record)

    return values_for


def not_rated_reason(member, review_date):
    """Why a member is not rated, None when rated."""
    return not_rated_reason_of(member, SubjectKind.MEMBER, review_date, get_rule_set())


def submit_latest_upload(client, app, unit_code):
    """Submit the unit's newest upload through the page's form, as its staff would."""
    from kdweb.extensions import db
    from kdweb.models import Unit, Upload

    with app.app_context():
        upload_id = db.session.execute(
            db.select(Upload.id).join(Unit).filter(Unit.code == unit_code).order_by(Upload.id.desc())
        ).scalars().first()
    assert client.post(f"/units/{unit_code}/submit", data={"confirmed": "1", "upload_id": upload_id}).status_code == 303
