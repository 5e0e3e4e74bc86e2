"""Roster import, in the way django-import-export does it: upload, map the columns, see a dry run, confirm.

The file is kept in a RosterImport row ('preview') from the upload to the confirmation, so the import writes
exactly the bytes the admin previewed; confirming ('applied') runs the dry run again inside one transaction
and writes nothing unless every row is clean. Members are matched by code, so importing the same file again
changes nothing. Members missing from the file are kept: a roster import never deletes anyone.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from openpyxl import Workbook
from sqlalchemy import insert, update

from kdweb.exports.safe_cells import write_only_value
from kdweb.extensions import db
from kdweb.models import Cycle, LeaderPost, Person, RosterImport, Unit
from kdweb.models.base import utcnow
from kdweb.services import audit, untrusted
from kdweb.services.admin import AdminRefusal
from kdweb.services.admin.post_text import mentions
from kdweb.services.admin.roster_file import (
    EXTENSIONS, FORMATS_TAKEN, RosterFileError, Sheet, markup_advice, read_roster_file,
)
from kdweb.services.admin.roster_mapping import (
    FIELDS, FIELDS_BY_KEY, FOUNDING, DryRun, UnitDirectory, UnitRef, column_letter, find_header_row, mapping_problems,
    RowError, out_of_force_warnings, parse_rows, plan, propose_mapping,
)
from kdweb.services.cycles import open_cycle
from kdweb.services.roster import mark_roster_changed, units_listing_members
from kdweb.services.transaction import use_case

log = logging.getLogger(__name__)
SAMPLE_ROWS = 3
# Over this size a file is read and previewed by a queue job, not in the request. The app's own export holds about
# 49 bytes a member: this is some 2,000 members, read and checked in about 0.25 s of CPU (web process and sandbox;
# 15,694 members: 2.2 s for the upload and its page, bench/bench_roster_preview.py). Below it the answer in the
# request comes sooner than a job's first poll (1 s); above it a web worker would be held for seconds.
PREVIEW_IN_REQUEST_BYTES = 100_000
WRITE_BATCH = 2000
Progress = Callable[[int, int], None]  # (done, total)
PERSON_DEFAULTS = {"probationary": False, "exempt": False, "suspended": False, "committee_suspended": False,
                   "is_civil_servant": False, "retired": False}


class RosterImportFailed(Exception):
    """The import failed while writing and was rolled back: nothing was written."""


@dataclass
class Column:
    index: int
    letter: str
    header: str
    samples: list[str]
    field_key: str | None


@dataclass
class Preview:
    roster_import: RosterImport
    sheets: list[str]
    sheet: int
    header_row: int
    columns: list[Column]
    mapping: dict[int, str]
    problems: list[str] = field(default_factory=list)
    dry_run: DryRun | None = None
    applied_before: RosterImport | None = None  # the same bytes, already imported into this cycle


def imports_of(cycle) -> list[RosterImport]:
    return db.session.execute(
        db.select(RosterImport).filter_by(cycle_id=cycle.id).order_by(RosterImport.created_at.desc())
    ).scalars().all()


def previewed_in_a_job(roster_import: RosterImport) -> bool:
    """A large file is read and previewed by a queue job; a small one in the request (PREVIEW_IN_REQUEST_BYTES)."""
    return roster_import.size > current_app.config.get("KDWEB_ROSTER_PREVIEW_IN_REQUEST_BYTES",
                                                       PREVIEW_IN_REQUEST_BYTES)


@use_case
def receive_file(actor, filename: str, content: bytes) -> RosterImport:
    """Keep an uploaded roster file for the open cycle. A small file is read at once, refused if unreadable, and
    kept with the mapping the page will propose; a large one is kept unread, for its preview job to read."""
    cycle = open_cycle()
    if cycle is None:
        raise AdminRefusal("Chưa có đợt kiểm điểm nào đang mở: hãy mở đợt của năm trước khi nhập danh sách.")
    filename = _clean_filename(filename)
    if not filename.lower().endswith(EXTENSIONS):
        raise AdminRefusal(markup_advice(content) or FORMATS_TAKEN)
    roster_import = RosterImport(
        cycle_id=cycle.id, user_id=actor.id, filename=filename, size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), content=content, state="preview")
    if not previewed_in_a_job(roster_import):
        roster_import.mapping_json = json.dumps(_proposal(_read(filename, content)))
    db.session.add(roster_import)
    db.session.flush()
    audit.record("roster_file_received", user=actor, target=roster_import, filename=filename,
                 size=len(content), sha256=roster_import.sha256, year=cycle.year)
    db.session.commit()
    return roster_import


def _proposal(sheets: list[Sheet]) -> dict:
    """The sheet, header row and mapping the page proposes first; AdminRefusal for a file without data."""
    sheet = max(range(len(sheets)), key=lambda index: (_score(sheets[index]), -index), default=None)
    if sheet is None or not any(any(value not in (None, "") for value in row) for row in sheets[sheet].rows):
        raise AdminRefusal("Tệp không có dữ liệu.")
    header_row = find_header_row(sheets[sheet].rows)
    return _choices(sheet, header_row, propose_mapping(sheets[sheet].rows[header_row - 1]))


def preview(roster_import: RosterImport, *, sheet=None, header_row=None, mapping=None,
            progress: Progress | None = None) -> Preview:
    """The proposed (or given) mapping and, when it is complete, the dry run (`progress` told as rows are checked).
    Writes nothing, except the proposal on a file kept unread (a large one): its first reading finds it."""
    sheets = _sheets(roster_import)
    if roster_import.mapping_json is None:
        roster_import.mapping_json = json.dumps(_proposal(sheets))
    stored = json.loads(roster_import.mapping_json)
    sheet = _in_range(sheet, len(sheets) - 1, stored.get("sheet", 0), low=0)
    rows = sheets[sheet].rows
    same_sheet = sheet == stored.get("sheet", 0)
    header_row = _in_range(header_row, max(len(rows), 1), stored.get("header_row", 1) if same_sheet else
                           find_header_row(rows))
    headers = rows[header_row - 1] if rows else []
    if mapping is None:
        stored_mapping = {int(index): key for index, key in stored.get("mapping", {}).items()}
        same_header = same_sheet and header_row == stored.get("header_row")
        mapping = stored_mapping if same_header else propose_mapping(headers)
    mapping = {index: key for index, key in mapping.items() if key in FIELDS_BY_KEY and index < len(headers)}
    result = Preview(roster_import, [item.title for item in sheets], sheet, header_row,
                     _columns(rows, header_row, mapping), mapping, mapping_problems(mapping))
    result.applied_before = applied_before(roster_import)
    if not result.problems:
        result.dry_run = _dry_run(roster_import.cycle_id, rows, header_row, mapping, progress)
    return result


@use_case
def apply_import(actor, roster_import: RosterImport, *, sheet=None, header_row=None, mapping=None,
                 expected: tuple[int, int, int] | None = None, valid_only: bool = False,
                 checking: Progress | None = None, writing: Progress | None = None) -> RosterImport:
    """Import for real: the dry run again (`checking` told as rows are checked, and free to commit: nothing is
    written yet), then every write in one transaction, all rows or none (`writing` told after each batch of
    members, and must not commit); with valid_only, every valid row and none of the rows with errors (the admin
    chose so after seeing them)."""
    _refuse_unless_open(roster_import)
    checked = preview(roster_import, sheet=sheet, header_row=header_row, mapping=mapping, progress=checking)
    dry_run = checked.dry_run
    if checked.problems or dry_run is None or (dry_run.errors and not valid_only):
        raise AdminRefusal("Tệp còn lỗi: hãy sửa tệp (hoặc cách ghép cột) rồi xem trước lại; chưa có gì được nhập.")
    if expected is not None and expected != (len(dry_run.added), len(dry_run.updated), len(dry_run.founded)):
        raise AdminRefusal("Danh sách đảng viên đã thay đổi từ lúc xem trước; hãy xem lại bản xem trước rồi xác nhận.")
    roster_import = db.session.execute(
        db.select(RosterImport).filter_by(id=roster_import.id).with_for_update()
        .execution_options(populate_existing=True)).scalar_one()
    cycle = _refuse_unless_open(roster_import)  # again, under the lock: the writes start here
    try:
        touched = touched_units(cycle, dry_run)
        _write_people(cycle.id, dry_run, writing)
        _set_founding_dates(actor, dry_run)
        mark_roster_changed(cycle, touched | _listing_written(cycle, dry_run))
        roster_import.state, roster_import.applied_at = "applied", utcnow()
        roster_import.added_count, roster_import.updated_count = len(dry_run.added), len(dry_run.updated)
        roster_import.unchanged_count = len(dry_run.unchanged)
        roster_import.mapping_json = json.dumps(_choices(checked.sheet, checked.header_row, checked.mapping))
        audit.record("roster_imported", user=actor, target=roster_import, year=cycle.year,
                     filename=roster_import.filename, sha256=roster_import.sha256, added=len(dry_run.added),
                     updated=len(dry_run.updated), unchanged=len(dry_run.unchanged),
                     founding_dates_set=len(dry_run.founded),
                     rows_with_errors_skipped=len({error.row for error in dry_run.errors}))
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("roster import %s failed and was rolled back", roster_import.id)
        raise RosterImportFailed("Nhập danh sách không thành công; không có thay đổi nào được ghi. "
                                 "Vui lòng thử lại hoặc báo quản trị hệ thống.") from error
    return roster_import


def applied_before(roster_import: RosterImport) -> RosterImport | None:
    """The same bytes, already imported into this cycle."""
    return db.session.execute(
        db.select(RosterImport).filter_by(cycle_id=roster_import.cycle_id, sha256=roster_import.sha256,
                                          state="applied").limit(1)).scalar_one_or_none()


def _refuse_unless_open(roster_import: RosterImport):
    """The open cycle, if the file is still to import into it."""
    if roster_import.state != "preview":
        raise AdminRefusal("Tệp này đã được nhập rồi.")
    cycle = open_cycle()
    if cycle is None or cycle.id != roster_import.cycle_id:
        raise AdminRefusal("Đợt kiểm điểm của tệp này không còn mở; hãy tải tệp lên lại cho đợt đang mở.")
    return cycle


def error_rows_workbook(roster_import: RosterImport, *, sheet=None, header_row=None, mapping=None) -> bytes | None:
    """The rows of the file that have errors, as they were, with a last column saying what is wrong: the admin
    fixes them and imports this file again. None when there is nothing to fix."""
    checked = preview(roster_import, sheet=sheet, header_row=header_row, mapping=mapping)
    if checked.dry_run is None or not checked.dry_run.errors:
        return None
    rows = _sheets(roster_import)[checked.sheet].rows
    messages: dict[int, list[str]] = {}
    for error in checked.dry_run.errors:
        messages.setdefault(error.row, []).append(f"Cột {error.column} ({error.field}): {error.message}")
    book = Workbook(write_only=True)
    sheet_out = book.create_sheet("Các dòng có lỗi")
    headers = list(rows[checked.header_row - 1]) if rows else []
    sheet_out.append([write_only_value(sheet_out, value) for value in headers] + ["Lỗi cần sửa"])
    for number in sorted(messages):
        row = list(rows[number - 1]) if number - 1 < len(rows) else []
        row += [None] * (len(headers) - len(row))
        sheet_out.append([write_only_value(sheet_out, value) for value in row] + ["\n".join(messages[number])])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def touched_units(cycle, dry_run: DryRun) -> set[int]:
    """The units whose roster the import changes, as the roster stands before it: those whose workbooks list a
    changed member (their own tổ chức cơ sở đảng, and where they are in temporary activity) or a chi bộ whose founding
    date changes. `_listing_written` adds those that list the new and changed members afterwards."""
    units = units_listing_members(cycle, [planned.code for planned in dry_run.updated])
    for change in dry_run.founded:
        cell = db.session.get(Unit, change.unit_id)
        units.update({cell.id, cell.parent_id, cell.parent.parent_id if cell.parent else None})
    return units


def _listing_written(cycle, dry_run: DryRun) -> set[int]:
    """The units whose workbooks list the added and changed members once written."""
    return units_listing_members(cycle, [planned.code for planned in (*dry_run.added, *dry_run.updated)])


def _set_founding_dates(actor, dry_run: DryRun) -> None:
    for change in dry_run.founded:
        unit = db.session.get(Unit, change.unit_id)
        unit.founded_on = change.new
        audit.record("unit_updated", user=actor, unit=unit, target=unit, code=unit.code, source="roster_import",
                     changes={"founded_on": [change.old.isoformat() if change.old else None, change.new.isoformat()]})


def _write_people(cycle_id: int, dry_run: DryRun, writing: Progress | None) -> None:
    """The new members, then the changed ones, a batch at a time, all in the caller's transaction."""
    total, written = len(dry_run.added) + len(dry_run.updated), 0
    for write, rows in ((_insert_people, [{**PERSON_DEFAULTS, **planned.values, "cycle_id": cycle_id}
                                          for planned in dry_run.added]),
                        (_update_people, [{**planned.values, "id": planned.person_id} for planned in dry_run.updated])):
        for start in range(0, len(rows), WRITE_BATCH):
            write(rows[start:start + WRITE_BATCH])
            written += len(rows[start:start + WRITE_BATCH])
            if writing is not None:
                writing(written, total)


def _insert_people(rows: list[dict]) -> None:
    db.session.execute(insert(Person), rows)


def _update_people(rows: list[dict]) -> None:
    db.session.execute(update(Person), rows)


def _dry_run(cycle_id: int, rows, header_row: int, mapping: dict[int, str], progress: Progress | None) -> DryRun:
    units = UnitDirectory([UnitRef(*row) for row in db.session.execute(
        db.select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.parent_id, Unit.active, Unit.founded_on,
                  Unit.valid_from, Unit.valid_to, Unit.successor_id))],
        review_date=db.session.get(Cycle, cycle_id).review_date)
    parsed, errors = parse_rows(rows, header_row, mapping, units, progress=progress)
    attributes = ["id", "grassroots_id"] + [roster_field.column for roster_field in FIELDS
                                            if roster_field.kind != FOUNDING]
    existing = {
        record["code"]: dict(record)
        for record in db.session.execute(
            db.select(*(getattr(Person, name) for name in attributes)).where(Person.cycle_id == cycle_id)
        ).mappings()
    }
    dry_run = plan(parsed, errors, existing, units)
    dry_run.warnings = out_of_force_warnings(parsed, rows[header_row - 1] if rows else [], mapping, units)
    dry_run.post_warnings = leader_post_warnings(cycle_id, dry_run, rows[header_row - 1] if rows else [], mapping)
    return dry_run


def leader_post_warnings(cycle_id: int, dry_run: DryRun, headers: list[object],
                         mapping: dict[int, str]) -> list[RowError]:
    """Rows that change a member's post text ("Chức vụ") so that it leaves out a leader post the member holds in the
    cycle, or names one another member holds: a file made before the leadership page gave a post to someone else.
    Warnings: the text is imported as the file says (the post's holder changes on the leadership page)."""
    index = next((index for index, key in mapping.items() if key == "post"), None)
    label = FIELDS_BY_KEY["post"].label
    changing = [planned for planned in dry_run.updated if any(change.field == label for change in planned.changes)]
    if index is None or not changing:
        return []
    held: dict[str, list[str]] = {}
    for code, title in db.session.execute(db.select(Person.code, LeaderPost.title).join(
            LeaderPost, LeaderPost.person_id == Person.id).where(LeaderPost.cycle_id == cycle_id)):
        held.setdefault(code, []).append(title)
    holders = {title: code for code, titles in held.items() for title in titles}
    header = str(headers[index]) if index < len(headers) and headers[index] is not None else ""
    warnings = []
    for planned in changing:
        text = planned.values.get("post")
        if not text:  # a blank cell says nothing of the posts (a file that does not keep them)
            continue
        for title in held.get(planned.code, ()):
            if not mentions(text, title):
                warnings.append(RowError(planned.row, column_letter(index), header, label, (
                    f"{planned.full_name} đang giữ chức vụ “{title}” nhưng tệp ghi chức vụ “{text or ''}”. Nếu "
                    "người khác đã nhận chức vụ này, hãy đổi người giữ ở trang Lãnh đạo của đơn vị.")))
        for title, code in holders.items():
            if code != planned.code and title not in held.get(planned.code, ()) and mentions(text, title):
                warnings.append(RowError(planned.row, column_letter(index), header, label, (
                    f"Tệp ghi {planned.full_name} giữ chức vụ “{title}”, nhưng người giữ chức vụ này hiện là đảng viên "
                    f"mã {code}. Nếu đúng, hãy đổi người giữ ở trang Lãnh đạo của đơn vị.")))
    return warnings


def _sheets(roster_import: RosterImport) -> list[Sheet]:
    """The kept file's sheets, read again (in the sandbox) at each change of the mapping. Nothing is cached: the
    guards and calamine read a district's 15,000-member roster in about a second, and a cache in one app server's
    memory would not serve the next request on another."""
    return _read(roster_import.filename, roster_import.content)


def _read(filename: str, content: bytes) -> list[Sheet]:
    """The file's sheets, read in the sandbox (a roster file is untrusted bytes too)."""
    try:
        return untrusted.run(read_roster_file, filename, content)
    except RosterFileError as error:
        raise AdminRefusal(str(error)) from None
    except untrusted.SandboxRefused as refused:
        log.warning("roster file %s stopped by the sandbox: %s", filename, refused)
        raise AdminRefusal(refused.message) from None


def _score(sheet: Sheet) -> int:
    return len(propose_mapping(sheet.rows[find_header_row(sheet.rows) - 1])) if sheet.rows else 0


def _columns(rows, header_row: int, mapping: dict[int, str]) -> list[Column]:
    headers = rows[header_row - 1] if rows else []
    data = [row for row in rows[header_row:] if any(value not in (None, "") for value in row)][:SAMPLE_ROWS]
    return [Column(index, column_letter(index), _shown(header), [_shown(row[index]) for row in data],
                   mapping.get(index))
            for index, header in enumerate(headers)]


def _shown(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _in_range(value, high: int, default: int, low: int = 1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _choices(sheet: int, header_row: int, mapping: dict[int, str]) -> dict:
    return {"sheet": sheet, "header_row": header_row, "mapping": {str(k): v for k, v in mapping.items()}}


def _clean_filename(filename: str) -> str:
    name = unicodedata.normalize("NFC", (filename or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    return name[-255:] or "danh-sach.xlsx"


def mapping_from_form(form) -> dict[int, str] | None:
    """The mapping chosen in the form (selects col_0, col_1, …), or None when the form carries none."""
    columns = {name[4:]: value for name, value in form.items() if name.startswith("col_") and name[4:].isdigit()}
    if not columns:
        return None
    return {int(index): key for index, key in columns.items() if key in FIELDS_BY_KEY}
