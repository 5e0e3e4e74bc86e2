"""Accept an upload: keep the bytes first, then read and validate them, then record findings and ratings.

The promise (docs/design.md): every upload is kept and never overwritten, and a failed validation never
replaces the last good version. The bytes are committed in their own transaction before any parsing, so
a crash while reading leaves the file stored and the unit's status untouched.
"""
import hashlib
import json
import logging
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import bindparam, func, insert, update

from kdweb import excel
from kdweb.control_chars import strip_controls
from kdweb.extensions import db
from kdweb.models import Cycle, Finding, Rating, Template, UnitCycle, Upload
from kdweb.models.base import utcnow
from kdweb.rules import Finding as RuleFinding
from kdweb.rules import Level, Severity, SubjectKind, get_rule_set
from kdweb.excel import outcome
from kdweb.excel.annotate import annotate
from kdweb.rules.checks_quota import quota_limit
from kdweb.rules.checks_quota_groups import group_limit
from kdweb.rules.roster_changes import with_where_now
from kdweb.services import audit, quota_basis, untrusted, workflow
from kdweb.services.roster import (
    CURRENT_REVISION, names_digest, renamed_since_issued, roster_codes, roster_of_record, where_now,
)
from kdweb.services.superior import current_superior
from kdweb.services.transaction import use_case
from kdweb.services.workbooks import template_version_label

log = logging.getLogger(__name__)

PREVIEW_ROWS = 300
UNCHECKED_NOTE = "Tệp vẫn được lưu lại nguyên vẹn (phiên bản {version}) nhưng chưa kiểm tra được."


class Unreadable(Exception):
    """A stored file that cannot be shown or annotated; `message` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


CHECK_FAILED = ("Hệ thống gặp lỗi khi kiểm tra tệp này. Tệp đã được lưu lại nguyên vẹn. Hãy bấm “Kiểm tra lại”; "
                "nếu vẫn không được, vui lòng liên hệ {staff_body}.")
UNRECORDED = ("received", "unchecked")


@dataclass
class UploadResult:
    upload: Upload
    identical_to: Upload | None = None


def accept_upload(cycle, unit, user, filename: str, data: bytes) -> UploadResult:
    workflow.ensure_expected(cycle, unit)
    state = workflow.lock(cycle, unit)
    workflow.ensure_still_open(cycle)  # a close racing this upload: nothing stored, no state moved, in a closed cycle
    workflow.ensure_allowed("upload", state, "Không thể tải lên ở trạng thái hiện tại.")
    digest = hashlib.sha256(data).hexdigest()
    earlier = db.session.execute(
        db.select(Upload).filter_by(cycle_id=cycle.id, unit_id=unit.id, sha256=digest).order_by(Upload.version)
    ).scalars().first()
    marked = quota_basis.marked_now(cycle, unit)
    if earlier is not None and not earlier.is_checked:
        audit.record("upload_recheck", user=user, unit=unit, target=earlier, version=earlier.version, resent=True)
        db.session.commit()
        check(cycle, unit, earlier, data, marked)  # never checked to the end: the same file is checked again
        return UploadResult(db.session.get(Upload, earlier.id))
    if (earlier is not None and not checked_before_roster_change(state, earlier)
            and not quota_basis.changed_since(cycle, earlier, marked)):
        return reselect(state, unit, user, earlier)
    upload = store(cycle, unit, user, filename, data, digest)
    db.session.commit()  # the file is safe before anything reads it
    check(cycle, unit, upload, data, marked)
    return UploadResult(upload)


def checked_before_roster_change(state, earlier: Upload) -> bool:
    """The same bytes were checked against a roster an admin has changed since: they are a new version, checked
    against the roster as it stands (a member added meanwhile is then read from a row the unit typed)."""
    changed = state.roster_changed_at if state is not None else None
    return changed is not None and earlier.created_at is not None and changed > earlier.created_at


def store(cycle, unit, user, filename, data, digest) -> Upload:
    version = 1 + (db.session.scalar(
        db.select(func.max(Upload.version)).filter_by(cycle_id=cycle.id, unit_id=unit.id)) or 0)
    upload = Upload(cycle_id=cycle.id, unit_id=unit.id, user_id=user.id, version=version, created_at=utcnow(),
                    filename=clean_filename(filename), size=len(data), sha256=digest, content=data)
    db.session.add(upload)
    db.session.flush()
    audit.record("upload_received", user=user, unit=unit, target=upload, version=version, size=len(data),
                 sha256=digest, filename=upload.filename)
    return upload


def clean_filename(filename: str | None) -> str:
    """The name the browser sent, without control characters (a NUL cannot even be stored on PostgreSQL)."""
    cleaned = " ".join(strip_controls(filename or "").split())[:255].strip()
    return cleaned or "tep.xlsx"


def reselect(state, unit, user, earlier: Upload) -> UploadResult:
    """The same bytes as an earlier version: no new version; that version becomes the current one again."""
    point_state_at(state, earlier)
    audit.record("upload_identical", user=user, unit=unit, target=earlier, version=earlier.version)
    db.session.commit()
    return UploadResult(earlier, identical_to=earlier)


@use_case
def recheck(cycle, unit, user, version: int) -> Upload:
    """"Kiểm tra lại": check again an upload whose check did not finish (its unit's staff, or a reviewer); or,
    for the unit's staff, one checked before an admin changed an outstanding-group mark of the unit: the same
    file becomes a new version, checked with the cycle's marks now (each version keeps what it was checked with)."""
    upload = upload_of(unit, cycle, version)
    if upload is None:
        raise workflow.WorkflowRefused("Không tìm thấy phiên bản này.", http_status=404)
    if upload.is_checked and quota_basis.changed_since(cycle, upload, quota_basis.marked_now(cycle, unit)):
        if user.role != "staff" or user.unit_id != unit.id:
            raise workflow.WorkflowRefused("Chỉ cán bộ của đơn vị kiểm tra lại được theo nhóm nổi trội mới "
                                           "(tệp được kiểm tra lại thành một phiên bản mới).")
        return accept_upload(cycle, unit, user, upload.filename, upload.content).upload
    if not upload.needs_check:
        raise workflow.WorkflowRefused(f"Phiên bản {version} đã được kiểm tra xong; không cần kiểm tra lại.")
    audit.record("upload_recheck", user=user, unit=unit, target=upload, version=upload.version)
    db.session.commit()
    check(cycle, unit, upload, upload.content, quota_basis.marked_now(cycle, unit))
    return db.session.get(Upload, upload.id)


def check(cycle, unit, upload: Upload, data: bytes, marked) -> None:
    """Read, validate and record, all in one transaction; any failure leaves only the stored file behind,
    marked unchecked with the reason, and the unit told so (never a 500, never half the findings). `marked`: what
    quota_basis.marked_now answered."""
    upload_id = upload.id
    try:
        try:
            result = read(cycle, unit, data, filename=upload.filename, quota_marks=marked)
        except untrusted.SandboxRefused as refused:
            log.warning("upload %s stopped by the sandbox: %s", upload_id, refused)
            record_unchecked(cycle, unit, upload, f"{refused.message} {UNCHECKED_NOTE.format(version=upload.version)}",
                             problem_code=f"E-LIMIT-{refused.kind.upper()}", action="upload_check_stopped",
                             cause=refused.kind)
            return
        record_check(cycle, unit, upload_id, result, marked)
    except Exception:
        log.exception("checking upload %s failed", upload_id)
        db.session.rollback()
        record_unchecked(cycle, unit, db.session.get(Upload, upload_id),
                         CHECK_FAILED.format(staff_body=current_superior().staff_body))


def record_check(cycle, unit, upload_id: int, result, marked=None) -> None:
    """Compare-and-set twice: the upload is recorded only if nobody recorded it meanwhile, and the unit's state
    moves only if it still accepts uploads and this version is newer (workflow.advance)."""
    if result.ok:
        values = dict(outcome="errors" if result.errors else "valid", problem_code=None, problem_message=None, error_count=len(result.errors),
                      warning_count=len(result.warnings),
                      summary_json=json.dumps(summary(result, cycle, marked), ensure_ascii=False))
    else:
        values = dict(outcome="rejected", problem_code=result.problem.code, problem_message=result.problem.message,
                      error_count=1, warning_count=0, summary_json=None)
    if not claim(upload_id, check_error=None, **values):
        db.session.rollback()  # checked meanwhile by another request: its record stands
        return
    upload = db.session.get(Upload, upload_id)
    if result.ok:
        record_findings(upload, result)
        record_ratings(upload, result.ratings)
    moved = workflow.advance(cycle, unit, upload)
    audit.record("upload_checked", unit=unit, target=upload, version=upload.version, outcome=upload.outcome,
                 errors=upload.error_count, warnings=upload.warning_count, status_moved=moved)
    db.session.commit()


def claim(upload_id: int, **values) -> bool:
    """Record an outcome only on an upload that has none yet: a conditional UPDATE, atomic on both engines."""
    done = db.session.execute(
        update(Upload).where(Upload.id == upload_id, Upload.outcome.in_(UNRECORDED)).values(**values)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return done.rowcount == 1


def record_unchecked(cycle, unit, upload: Upload, reason: str, problem_code: str | None = None,
                     action: str = "upload_check_failed", **detail) -> None:
    """The check could not finish (an error, or a sandbox limit): the upload says so and why; the unit's status
    does not move, since nothing was learnt about the file."""
    if claim(upload.id, outcome="unchecked", check_error=reason, problem_code=problem_code, problem_message=None,
             error_count=0, warning_count=0, summary_json=None):
        audit.record(action, unit=unit, target=upload, version=upload.version, reason=reason, **detail)
    db.session.commit()


def read(cycle, unit, data: bytes, filename=None, quota_marks=None) -> outcome.CheckedUpload:
    """Read and validate in the sandbox, against the roster of record and the cycle's outstanding-group marks
    now (`quota_marks`, from quota_basis.marked_now; None: the marks signed into the workbook); SandboxRefused
    when a limit stopped it."""
    issued = issued_to(cycle, unit)
    with untrusted.handed(data) as upload:
        result = untrusted.run(outcome.check, upload, **read_options(cycle, unit, issued), filename=filename,
                               roster_of_record=roster_if_changed(cycle, unit, issued), quota_marks=quota_marks)
    if result.ok:  # where the subjects who left the roster are now: a few look-ups, made here, not in the reader
        result.findings = with_where_now(result.findings, lambda kind, code: where_now(cycle, unit, kind, code))
    return result


def roster_if_changed(cycle, unit, issued=None):
    """The roster of record to bring the upload to; None when every workbook issued to the unit this cycle was
    issued for the roster as it stands and no admin changed the roster since, since the comparison would then find
    nothing: a large unit's roster is neither built here nor sent to the sandbox (docs/performance.md, the memory
    row). "As it stands": the roster revision has not moved since each workbook's roster was read (the database's
    triggers move it on any write to the roster's tables: models/roster_revision.py), else its digest is that of
    the roster's codes now. After an admin's change, with every subject's facts: a workbook issued before it
    carries facts that may have changed since (a corrected admission date, a name). `issued`: what `issued_to`
    answered, when the caller asked already."""
    issued = issued_to(cycle, unit) if issued is None else issued
    facts_may_differ = any(row.roster_changed_at is not None
                           and (row.generated_at is None or row.generated_at < row.roster_changed_at)
                           for row in issued)
    if not facts_may_differ:
        if _revision_unmoved(issued):
            return None
        facts_may_differ = renamed_since_issued(cycle, unit)  # a leader post given to another person, say
        if not facts_may_differ and {row.roster_digest for row in issued} == {names_digest(roster_codes(cycle, unit))}:
            return None
    return roster_of_record(cycle, unit, every_fact=facts_may_differ)


def _revision_unmoved(issued) -> bool:
    """Workbooks were issued and each read its roster at the revision current now (one issued before the revision
    existed, or a database without the counter's row, never qualifies)."""
    return bool(issued) and all(row.roster_revision is not None and row.roster_revision == row.current_revision
                                for row in issued)


def issued_to(cycle, unit) -> list:
    """Every workbook issued to the unit this cycle: (version, roster digest, issued at, when an admin last
    changed the unit's roster, the roster revision it was issued at, the revision now), one statement for what each
    upload asks first (versions known, roster changed)."""
    # on the session's connection (its transaction): the ORM's path (autoflush, events, ORM result) cost twice the
    # statement itself, ~1 % of a small upload; the callers commit before reading, so nothing waits to be flushed
    return db.session.connection().execute(_ISSUED, {"cycle": cycle.id, "unit": unit.id}).all()


# asked on every upload: built once
_ISSUED = db.select(
    Template.version, Template.roster_digest, Template.generated_at,
    db.select(UnitCycle.roster_changed_at).where(UnitCycle.cycle_id == bindparam("cycle"),
                                                 UnitCycle.unit_id == bindparam("unit"))
    .scalar_subquery().label("roster_changed_at"),
    Template.roster_revision, CURRENT_REVISION.label("current_revision"),
).where(Template.cycle_id == bindparam("cycle"), Template.unit_id == bindparam("unit"))


def read_options(cycle, unit, issued=None) -> dict:
    """What the reader checks a workbook against; `issued`: what `issued_to` answered, when the caller asked already."""
    issued = issued_to(cycle, unit) if issued is None else issued
    versions = {template_version_label(cycle, row.version) for row in issued}
    return {"secret": current_app.config["SECRET_KEY"], "expected_unit_code": unit.code,
            "open_cycle_year": cycle.year, "open_cycle_rule_set": cycle.rule_set_id, "known_template_versions": versions}


def record_findings(upload, result) -> None:
    rows = finding_rows(upload.id, result)
    if rows:
        db.session.execute(insert(Finding).execution_options(render_nulls=True), rows)
    upload.error_count = len(result.errors)
    upload.warning_count = len(result.warnings)


def finding_rows(upload_id: int, result) -> list[dict]:
    return [{"upload_id": upload_id, "position": position, "rule": f.rule, "severity": f.severity.value,
             "sheet": f.sheet, "cell": f.cell, "subject_kind": f.subject_kind.code if f.subject_kind else None,
             "subject_code": (f.subject_code or "")[:40] or None, "subject_name": (f.subject_name or "")[:200] or None,
             "field": (f.field or "")[:60] or None, "message": f.message}
            for position, f in enumerate(result.findings)]


def record_ratings(upload, ratings: list[tuple]) -> None:
    rows = rating_rows(upload.id, ratings)
    if rows:
        # render_nulls: rows with and without NULLs go in the same multi-row INSERTs (else one batch per pattern)
        db.session.execute(insert(Rating).execution_options(render_nulls=True), rows)


def rating_rows(upload_id: int, ratings: list[tuple]) -> list[dict]:
    """Each rating (a tuple in the order of excel.outcome._rating_rows) as the insert's row: written out, 2.5 times
    as fast as dict(zip(...)) for the 10,000 rows of a large unit (tests/unit_page/test_upload_rows.py holds the
    order); the record's JSON comes as UTF-8 bytes (outcome._rating_rows) and is decoded here."""
    return [{"subject_kind": kind, "subject_code": code, "subject_name": name, "group": group, "level": level,
             "not_rated_reason": reason, "disciplined": disciplined, "remarks": remarks,
             "record_json": record_json.decode(), "score": score, "score_band": band, "upload_id": upload_id}
            for kind, code, name, group, level, reason, disciplined, remarks, record_json, score, band in ratings]


def point_state_at(state, upload: Upload) -> None:
    """The same bytes as an earlier version become the current one again (the status rule: workflow.status_after)."""
    state.status = workflow.status_after(state, upload).code
    state.latest_upload_id = upload.id
    if upload.outcome == "valid":
        state.valid_upload_id = upload.id
    state.last_activity_at = utcnow()


def summary(result, cycle, marked=None) -> dict:
    """Counts per sheet with the HTXSNV limit (20 %, or the outstanding share for a kind `marked` now), and the
    outstanding-group marks the unit's quota was checked with (quota_basis.SUMMARY_KEY)."""
    rule_set = get_rule_set(cycle.rule_set_id)
    quota_broken = {f.subject_kind for f in result.errors if f.rule in ("Q-20", "Q-25")}
    sheets = []
    for sheet in result.sheets:
        levels = {level.code: sheet.levels.get(level.code, 0) for level in Level}
        if marked is None:
            limit = quota_limit(levels[Level.HTXSNV.code], levels[Level.HTTNV.code], rule_set).limit
        else:
            limit = group_limit(levels[Level.HTTNV.code], sheet.kind.code in marked, rule_set)
        sheets.append({"sheet": sheet.name, "kind": sheet.kind.code, "roster": sheet.roster,
                       "rated": sum(levels.values()), "levels": levels, "not_rated": sheet.not_rated,
                       "quota_limit": limit, "quota_broken": sheet.kind in quota_broken})
    basis = quota_basis.unit_basis(cycle, marked)
    return {"sheets": sheets} if basis is None else {"sheets": sheets, quota_basis.SUMMARY_KEY: basis}


def upload_of(unit, cycle, version) -> Upload | None:
    return db.session.execute(
        db.select(Upload).filter_by(cycle_id=cycle.id, unit_id=unit.id, version=version)
    ).scalar_one_or_none()


def preview(upload: Upload, sheet_name: str | None, marked: str | None) -> dict | None:
    """The uploaded sheet as a grid, with the cells that have findings coloured and one cell marked."""
    if upload.outcome not in ("errors", "valid"):
        return None  # never parse again a file that could not be read or checked
    cycle = db.session.get(Cycle, upload.cycle_id)
    marked_row = int("".join(ch for ch in marked if ch.isdigit()) or 0) if marked else 0
    try:
        sheet = untrusted.run(outcome.preview_window, upload.content, sheet_name=sheet_name, marked_row=marked_row,
                              limit=PREVIEW_ROWS, **read_options(cycle, upload.unit))
    except untrusted.SandboxRefused as refused:
        log.warning("preview of upload %s stopped by the sandbox: %s", upload.id, refused)
        return {"refusal": refused.message}
    if sheet is None:
        return None
    marks: dict[str, list] = {}
    for finding in db.session.execute(
            db.select(Finding).filter_by(upload_id=upload.id, sheet=sheet.sheet)).scalars():
        marks.setdefault(finding.cell, []).append(finding)
    rows, width = [], len(sheet.header)
    for number, cells in sheet.rows:
        width = max(width, len(cells))
        rows.append({"number": number, "cells": [preview_cell(cell, marks) for cell in cells]})
    header_cells = [preview_cell_from_header(sheet, index, marks) for index in range(width)]
    return {"sheet": sheet.sheet, "sheet_names": list(sheet.sheet_names), "marked": marked,
            "columns": [cell["letter"] for cell in header_cells], "pinned": set(sheet.pinned),
            "rows": [{"number": sheet.header_row, "cells": header_cells}] + rows,
            "truncated": bool(rows) and (len(rows) >= PREVIEW_ROWS or rows[0]["number"] > sheet.header_row + 1),
            "first_row": rows[0]["number"] if rows else None, "last_row": rows[-1]["number"] if rows else None,
            "marked_messages": [f.message for f in marks.get(marked, [])] if marked else [],
            **neighbour_findings(upload, sheet.sheet, marked)}


def neighbour_findings(upload: Upload, sheet_name: str, marked: str | None) -> dict:
    """The findings with a cell before and after the marked one, in the order the list shows them."""
    placed = db.session.execute(
        db.select(Finding.sheet, Finding.cell).filter(Finding.upload_id == upload.id, Finding.cell.is_not(None),
                                                      Finding.sheet.is_not(None))
        .order_by(Finding.severity, Finding.position)).all()
    places = list(dict.fromkeys((row.sheet, row.cell) for row in placed))
    here = places.index((sheet_name, marked)) if (sheet_name, marked) in places else -1
    if here < 0:
        return {"previous_finding": None, "next_finding": places[0] if places else None, "finding_number": None,
                "finding_places": len(places)}
    return {"previous_finding": places[here - 1] if here > 0 else None,
            "next_finding": places[here + 1] if here + 1 < len(places) else None,
            "finding_number": here + 1, "finding_places": len(places)}


def preview_cell(cell, marks) -> dict:
    found = marks.get(cell.address, [])
    severity = "error" if any(f.severity == "error" for f in found) else ("warning" if found else None)
    return {"address": cell.address, "value": cell.text, "severity": severity,
            "messages": [f.message for f in found]}


def preview_cell_from_header(sheet, index, marks) -> dict:
    from kdweb.excel.columns import column_letter

    letter = column_letter(index + 1)
    address = f"{letter}{sheet.header_row}"
    header = sheet.header
    return {"letter": letter, "address": address, "value": header[index] if index < len(header) else "",
            "severity": None, "messages": []}


def annotated_copy(upload: Upload) -> bytes | None:
    """The stored file with its findings marked, made in the sandbox; None when it has nothing to mark;
    Unreadable when the file fails a guard or a sandbox limit."""
    if upload.outcome not in ("errors", "valid"):
        return None
    stored = db.session.execute(
        db.select(Finding).filter_by(upload_id=upload.id).order_by(Finding.position)).scalars()
    findings = [RuleFinding(rule=f.rule, severity=Severity(f.severity), subject_kind=SubjectKind(f.subject_kind)
                            if f.subject_kind else None, subject_code=f.subject_code or "",
                            subject_name=f.subject_name or "", field=f.field, message=f.message,
                            sheet=f.sheet, cell=f.cell)
                for f in stored if f.sheet and f.cell]
    try:
        return untrusted.run(annotate, upload.content, findings)
    except excel.Refusal as refusal:
        raise Unreadable(refusal.problem.message) from None
    except untrusted.SandboxRefused as refused:
        log.warning("annotated copy of upload %s stopped by the sandbox: %s", upload.id, refused)
        raise Unreadable(refused.message) from None
