"""Reading an upload: guards, then calamine for the cells, then the signed metadata, then each subject sheet.

`read_upload` turns the bytes into a UnitBatch plus structural and parse findings; `validate_upload` also
runs the rules engine and puts every finding on its cell. Neither raises for a bad file: a file that cannot
be used at all comes back with `ok=False` and one Problem.
"""
from __future__ import annotations

import gc
import io
import logging
import os
import tempfile
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path
from typing import Collection

from python_calamine import CalamineWorkbook, PasswordError

from kdweb.rules.checks_quota_groups import mark_as_now
from kdweb.rules.findings import Finding
from kdweb.rules.parse import normalise_text
from kdweb.rules.records import UnitBatch
from kdweb.rules.registry import get_rule_set
from kdweb.rules.roster_changes import RosterOfRecord, reconcile
from kdweb.rules.ruleset import RuleSet
from kdweb.rules.terms import Severity, SubjectKind
from kdweb.rules.validate import validate_unit

from .columns import column_number, sheet_specs
from .copied_tabs import candidate_tabs, copied_tab_finding, filled_rows
from .locate import Locator
from .metadata import META_SHEET, READ_LAYOUTS, SignedMeta, WorkbookMeta, signed_meta
from .problems import Refusal, other_cycle_problem, problem, refuse
from .results import ReadResult
from .safety import DEFAULT_LIMITS, Limits, PackageReport, check_upload
from .sheets import SheetRead, find_header, read_subject_sheet
from .summary_cells import FIRST_ROW as SUMMARY_FIRST_ROW, SHEET as SUMMARY_SHEET
from .unread_cells import unread_cell_findings

log = logging.getLogger(__name__)

def read_upload(
    data: bytes | Path,
    *,
    secret: bytes | str,
    expected_unit_code: str,
    open_cycle_year: int,
    known_template_versions: Collection[str],
    open_cycle_rule_set: str | None = None,
    filename: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    keep_values: bool = False,
) -> ReadResult:
    """The upload as records and findings (structural and parse), or a refusal with its reason. The sheets'
    cells are read a row at a time and let go; `keep_values` keeps them in `sheets` for a preview. `data` is the
    file's bytes, or the path of a file holding them: then its bytes are in memory only while the guards read
    them (the sandbox worker, reading a large upload: docs/performance.md, the memory row)."""
    with gc_paused():
        return _read_upload(
            data, secret, expected_unit_code, (open_cycle_year, open_cycle_rule_set), known_template_versions,
            filename, limits, keep_values
        )


def _read_upload(data, secret, expected_unit_code, open_cycle, known_template_versions, filename, limits,
                 keep_values):
    try:
        with _guarded(data, limits) as (report, workbook):
            meta = _checked_meta(workbook, secret, expected_unit_code, open_cycle, known_template_versions)
            rule_set = _rule_set(meta)
            return _read_sheets(workbook, meta, rule_set, keep_values, _SearchBudget(report, limits), report)
    except Refusal as refusal:
        return ReadResult(ok=False, problem=refusal.problem)
    except MemoryError:
        raise  # the sandbox's memory limit, not the file's shape: the sandbox says so
    except Exception as error:  # a file shaped in a way no guard foresaw: refuse it, and log it as our bug
        log.exception("unreadable upload %s", filename or "")
        return ReadResult(ok=False, problem=problem("E-CORRUPT", detail=f"{type(error).__name__}: {error}"))


def validate_upload(
    data: bytes | Path, *, rule_set: RuleSet | None = None, roster_of_record: RosterOfRecord | None = None,
    quota_marks: Collection[str] | None = None, **options,
) -> ReadResult:
    """read_upload (with its keyword `options`), then the rule book's checks of the unit; every finding carries its
    sheet and cell. With the roster of record, the batch is first brought to it (rows of subjects gone dropped,
    subjects added expected). With `quota_marks` (the codes of the kinds the cycle marks outstanding for the unit
    now), the quota reads them, not the marks signed into the workbook when it was issued."""
    with gc_paused():
        result = read_upload(data, **options)
        if not result.ok:
            return result
        rule_set = rule_set or get_rule_set(result.rule_set_id)
        if quota_marks is not None:
            mark_as_now(result.batch, quota_marks)
        changed = reconcile(result.batch, roster_of_record, rule_set.severity,
                            result.locator.recode) if roster_of_record else []
        checked = [result.locator.locate(finding) for finding in changed + validate_unit(result.batch, rule_set)]
        result.findings = order_findings(result.findings + checked, result)
        return result


@contextmanager
def gc_paused():
    """No cyclic garbage collection while an upload is read: a 10,000-row sheet makes some 100,000 lists,
    tuples and records that all stay alive, and the collector would walk them again and again for nothing.
    Measured side by side (`bench/bench_excel.py --tricks --sizes 10000`): the whole upload path of a real-shaped
    10,000-member workbook costs 0.78x with the pause, the collection that follows included. Reading makes no
    reference cycles; the collector resumes, if it was on, as soon as the read ends. Safe across threads: a
    read that ends first may resume it while another still runs, which only costs that one its saving."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def order_findings(findings: list[Finding], result: ReadResult) -> list[Finding]:
    """Reading order: sheet by sheet as in the workbook, then row, then column."""
    sheet_order = {sheet.name: position for position, sheet in enumerate(result.sheets)}

    def key(finding: Finding):
        row, column = _split_cell(finding.cell or "")
        return (sheet_order.get(finding.sheet, len(sheet_order)), row, len(column), column, finding.rule, finding.message)

    return sorted(findings, key=key)


def _split_cell(cell: str) -> tuple[int, str]:
    letters = cell.rstrip("0123456789")
    digits = cell[len(letters):]
    return (int(digits) if digits else 0), letters


SPOOL_BYTES = 4 * 1024 * 1024  # a stored copy up to this size stays in memory (a unit of ~4,000 members)


class _guarded:
    """The guards on the bytes, then calamine's workbook, as a context manager whose every failure is a Refusal.
    The guards write the package as they read it, its sheets stored as they inflate them (`safety.StoredCopy`),
    and calamine opens that copy: it inflates no sheet a second time and reads only what the guards checked.
    A copy of up to SPOOL_BYTES is kept in memory and given to calamine as such (`_Spool`): creating, writing
    and deleting a file cost more than the copy saves at 500 members. A larger one goes to a temporary file,
    written chunk by chunk and deleted as soon as calamine has it open: calamine given bytes keeps a copy of
    them for as long as the workbook is open (8.5 MB more at 10,000 members), given a path it reads the file
    (docs/performance.md, the memory row). The upload's own bytes are in memory only while the guards read
    them. The format is found by the content."""

    def __init__(self, data: bytes | Path, limits: Limits):
        self.data, self.limits = data, limits

    def __enter__(self) -> tuple:
        spool = _Spool()
        try:
            data = self.data if isinstance(self.data, bytes) else self.data.read_bytes()
            report = check_upload(data, self.limits, stored_copy=spool)
            del data
            self.workbook = spool.open()
        finally:
            spool.discard()
        return report, self.workbook

    def __exit__(self, *_exc) -> None:
        try:
            self.workbook.close()
        except Exception:
            pass


class _Spool:
    """Where the guards write their stored copy: memory up to SPOOL_BYTES, past it a temporary file (what was
    in memory moved into it first)."""

    def __init__(self):
        self.buffer: io.BytesIO | None = io.BytesIO()
        self.file = None
        self.name: str | None = None

    def write(self, chunk) -> None:
        if self.buffer is not None:
            if self.buffer.tell() + len(chunk) <= SPOOL_BYTES:
                self.buffer.write(chunk)
                return
            descriptor, self.name = tempfile.mkstemp(prefix="kdweb-upload-")
            self.file = open(descriptor, "wb")
            self.file.write(self.buffer.getbuffer())
            self.buffer = None
        self.file.write(chunk)

    def flush(self) -> None:
        if self.file is not None:
            self.file.flush()

    def open(self) -> CalamineWorkbook:
        if self.file is None:
            self.buffer.seek(0)
            return _calamine(lambda: CalamineWorkbook.from_filelike(self.buffer))
        self.file.close()
        return _calamine(lambda: CalamineWorkbook.from_path(self.name))

    def discard(self) -> None:
        self.buffer = None
        if self.file is not None:
            self.file.close()
            os.unlink(self.name)
            self.file = None


_NOT_THE_FILES = (KeyboardInterrupt, SystemExit, MemoryError)


def _calamine(call):
    """Run a calamine call; its errors (and a Rust panic, which is a BaseException) become E-CORRUPT."""
    try:
        return call()
    except PasswordError:
        raise refuse("E-ENCRYPTED", detail="calamine: password") from None
    except _NOT_THE_FILES:
        raise
    except BaseException as error:  # noqa: BLE001 - pyo3's PanicException derives from BaseException
        raise _corrupt(error) from None


def _corrupt(error: BaseException):
    return refuse("E-CORRUPT", detail=f"calamine: {type(error).__name__}: {error}")


def _sheet_values(workbook: CalamineWorkbook, name: str) -> list[list]:
    return _calamine(lambda: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))


def _sheet_rows(sheet):
    """The sheet's rows from row 1, each from column A ('' for an empty cell), as `_sheet_values` gives them,
    but one at a time: the whole sheet as Python lists costs several times the file's size in memory."""
    rows = _calamine(sheet.iter_rows)
    first_column = sheet.start[1] if sheet.start else 0  # iter_rows starts each row at the used range's column
    if first_column:
        padding = [""] * first_column
        rows = (padding + row for row in rows)
    return _converted(rows)


def _with_error_texts(rows, errors: dict[str, str] | None):
    """The rows with each cell that holds an Excel error given its text ("#N/A"), which calamine reads as blank:
    the unit is then told what the cell shows, not that it is empty."""
    if not errors:
        return rows
    by_row: dict[int, list[tuple[int, str]]] = {}
    for ref, text in errors.items():
        row, letters = _split_cell(ref)
        by_row.setdefault(row, []).append((column_number(letters) - 1, text))
    return _patched_rows(rows, by_row)


def _patched_rows(rows, by_row: dict[int, list[tuple[int, str]]]):
    for number, row in enumerate(rows, start=1):
        for index, text in by_row.get(number, ()):
            if index >= len(row):
                row = row + [""] * (index + 1 - len(row))
            row[index] = text
        yield row


def _converted(rows):
    """calamine converts each cell as its row is asked for; a failure then is still the file's, not ours."""
    try:
        yield from rows
    except _NOT_THE_FILES:
        raise
    except BaseException as error:  # noqa: BLE001 - as in _calamine
        raise _corrupt(error) from None


def _checked_meta(workbook, secret, unit_code, cycle, versions) -> WorkbookMeta:
    """Ours and untouched, then for this unit, then for this cycle, then of a version and layout we read — in that
    order, so that each refusal gives the advice that fits: an honest file of another unit is told whose it is,
    last year's file which year (and rule set) it is, before either is called an old version. `cycle`: the open
    cycle's (year, rule set id or None)."""
    cycle_year, cycle_rule_set = cycle
    names = [sheet.name for sheet in workbook.sheets_metadata]
    if META_SHEET not in names:
        raise refuse("E-NOT-KDWEB", detail="no metadata sheet")
    signed = signed_meta(_sheet_values(workbook, META_SHEET))
    if signed is None:
        raise refuse("E-NOT-KDWEB", detail="metadata sheet without marker")
    if not signed.verified(secret):  # nothing the sheet says is parsed, let alone trusted, before this
        raise refuse("E-TAMPERED", detail="HMAC mismatch")
    meta = _parse_meta(signed)
    if meta.unit_code != unit_code:
        raise refuse("E-WRONG-UNIT", found=meta.unit_code, found_name=meta.unit_name or meta.unit_code,
                     expected=unit_code, version=meta.template_version)
    if meta.cycle_year != cycle_year:
        raise Refusal(other_cycle_problem(meta.cycle_year, cycle_year, meta.rule_set_id, cycle_rule_set))
    if meta.template_version not in versions:
        raise refuse("E-VERSION", detail=f"known {sorted(versions)}", version=meta.template_version)
    if meta.layout not in READ_LAYOUTS:
        raise refuse("E-LAYOUT", detail=f"layout {meta.layout}", version=meta.template_version)
    return meta


def _parse_meta(signed: SignedMeta) -> WorkbookMeta:
    try:
        return WorkbookMeta.from_payload(signed.payload)
    except (ValueError, KeyError, TypeError, AttributeError) as error:  # json.JSONDecodeError is a ValueError
        raise refuse("E-TAMPERED", detail=f"payload unreadable: {error}") from None


def _rule_set(meta: WorkbookMeta) -> RuleSet:
    try:
        return get_rule_set(meta.rule_set_id)
    except KeyError:
        raise refuse("E-VERSION", detail=f"rule set {meta.rule_set_id}", version=meta.template_version) from None


class _SearchBudget:
    """How much sheet XML the search for renamed tabs may still read, and how many tabs."""

    def __init__(self, report, limits: Limits):
        self.sheet_bytes = report.sheet_bytes if report else {}
        self.bytes_left, self.sheets_left = limits.max_search_bytes, limits.max_search_sheets

    def take(self, name: str) -> bool:
        size = self.sheet_bytes.get(name, 0)
        if self.sheets_left <= 0 or size > self.bytes_left:
            return False
        self.bytes_left -= size
        self.sheets_left -= 1
        return True


def _read_sheets(workbook: CalamineWorkbook, meta: WorkbookMeta, rule_set: RuleSet, keep_values: bool,
                 budget: _SearchBudget, report: PackageReport | None) -> ReadResult:
    """Every sheet this read needs is loaded first, then the workbook is closed before a row is read: calamine
    keeps the shared strings (every distinct text of the file, the remarks among them) for as long as the workbook
    is open, and the records then reuse that memory (20 MB less at the peak of a 30,000-member workbook:
    docs/performance.md, the memory row)."""
    error_cells = report.error_cells if report else {}
    formula_cells = report.formula_cells if report else {}
    specs = {spec.kind: spec for spec in _issued_specs(meta, rule_set)}
    tabs, claimed = [], {META_SHEET}
    for issued in meta.sheets:
        spec = specs[SubjectKind(issued.kind)]
        name = _find_sheet(workbook, issued.name, spec, claimed, budget)
        if name is not None:
            claimed.add(name)
        sheet = None if name is None else _calamine(lambda: workbook.get_sheet_by_name(name))
        tabs.append((issued, spec, name, sheet))
    copies = _copied_tab_fills(workbook, claimed, tabs, budget)
    workbook.close()
    batch = UnitBatch(unit_code=meta.unit_code, unit_name=meta.unit_name, review_date=meta.review_date)
    locator = Locator()
    findings, previews, expected, read_as = [], [], {}, []
    for position, (issued, spec, name, sheet) in enumerate(tabs):
        kind = spec.kind
        expected[kind] = frozenset(map(itemgetter(0), issued.rows))  # the issued codes
        locator.summary_rows[kind] = SUMMARY_FIRST_ROW + position
        if name is None:
            findings.append(_missing_sheet(kind, issued.name, locator.summary_rows[kind]))
            continue
        tabs[position] = None  # the sheet's cells let go once read
        rows = _with_error_texts(_sheet_rows(sheet), error_cells.get(name))
        read: SheetRead = read_subject_sheet(rows, name, spec, issued, meta.unit_code, keep_values,
                                             dates_1904=bool(report and report.date1904))
        batch.records_of(kind).extend(read.records)
        findings.extend(read.findings)
        findings.extend(unread_cell_findings(spec, read.places, read.records, meta.unit_code,
                                             formula_cells.get(name), _calamine(lambda: sheet.merged_cell_ranges)))
        del sheet
        previews.append(read.preview)
        locator.sheets[kind] = read.places
        read_as.append((spec, name, expected[kind], read.records))
    findings.extend(_copied_tabs(copies, read_as))
    batch.expected = expected
    return ReadResult(
        ok=True, metadata=meta, batch=batch, sheets=tuple(previews), findings=findings, locator=locator,
        rule_set_id=rule_set.id,
    )


def _issued_specs(meta: WorkbookMeta, rule_set: RuleSet):
    """The columns the workbook was issued with: its rule set's layout as the signed metadata records it."""
    try:
        return sheet_specs(rule_set, meta.columns_layout)
    except KeyError:
        raise refuse("E-VERSION", detail=f"columns layout {meta.columns_layout}", version=meta.template_version) from None


def _find_sheet(workbook, name: str, spec, claimed: set, budget: _SearchBudget) -> str | None:
    """The tab by its issued name; else by that name normalised; else the first other tab with this kind's header
    (a renamed tab), reading no more than the budget allows: calamine reads a whole sheet to give its first rows."""
    names = [sheet.name for sheet in workbook.sheets_metadata if sheet.name not in claimed]
    if name in names:
        return name
    wanted = normalise_text(name)
    loose = next((candidate for candidate in names if normalise_text(candidate) == wanted), None)
    if loose:
        return loose
    for candidate in names:
        if not budget.take(candidate):
            continue
        try:
            values = _calamine(lambda: workbook.get_sheet_by_name(candidate).to_python(skip_empty_area=False, nrows=30))
        except Refusal:
            continue
        if find_header(values, spec) is not None:
            return candidate
    return None


def _copied_tab_fills(workbook, claimed: set, tabs: list, budget: _SearchBudget) -> list[tuple]:
    """Each tab the unit added whose first rows hold the header of a subject table read (within the search
    budget): (name, its spec, its filled rows of issued subjects: `copied_tabs.filled_rows`)."""
    found = []
    for name in candidate_tabs([sheet.name for sheet in workbook.sheets_metadata], claimed):
        if not budget.take(name):
            continue
        try:
            sheet = _calamine(lambda: workbook.get_sheet_by_name(name))  # parsed once: its head, then its rows
            head = _calamine(lambda: sheet.to_python(skip_empty_area=False, nrows=30))
            issued, spec = next(((issued, spec) for issued, spec, read, _ in tabs
                                 if read is not None and find_header(head, spec) is not None), (None, None))
            if spec is not None:
                codes = frozenset(map(itemgetter(0), issued.rows))
                found.append((name, spec, filled_rows(_sheet_rows(sheet), spec, codes)))
        except Refusal:
            continue
    return found


def _copied_tabs(fills: list[tuple], read_as: list) -> list[Finding]:
    """A warning for each tab the unit added that holds a subject table with values typed in it for a subject
    the issued tab leaves unrated (a copy filled instead of the issued tab)."""
    found = []
    for name, spec, filled in fills:
        _, read_tab, issued, records = next(item for item in read_as if item[0] is spec)
        codes = issued - {record.code for record in records if record.level is not None or record.not_rated}
        finding = copied_tab_finding(name, filled or [], spec, read_tab, codes)
        found.extend([finding] if finding else [])
    return found


def _missing_sheet(kind: SubjectKind, name: str, summary_row: int) -> Finding:
    message = (
        f"Không tìm thấy trang “{name}” trong tệp (đã bị xóa hoặc đổi tên), nên không đọc được "
        f"danh sách {kind.text.lower()}. Hãy dùng đúng tệp mẫu, không xóa hay đổi tên trang."
    )
    return Finding("W-SHEET", Severity.ERROR, kind, "", "", None, message, sheet=SUMMARY_SHEET, cell=f"A{summary_row}")
