"""One subject sheet as read (a list of rows from A1) → rules records, with a finding for every cell in doubt.

Rows are matched to the signed roster by subject code, so order, sorting, filters and blank rows do not
matter. Roster facts come from the signature, never from the cells: an edited identity cell is reported where
it is and the issued value stands. The signed facts are the roster's own values, so they become the record's
values as they are (converted from JSON, not parsed again); the cells the unit typed are parsed by the rules
engine's row parser, each distinct tuple of choices once per sheet. This is the upload's hot path, one pass per
member: `bench/bench_excel.py --profile N` shows it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property, lru_cache
from itertools import chain, islice
from operator import attrgetter, itemgetter
from typing import Callable, Iterable, NamedTuple

from kdweb.rules.findings import Finding
from kdweb.rules.messages import subject_phrase
from kdweb.rules.records import RECORD_TYPES
from kdweb.rules.parse import display_text, normalise_text, parse_date, quoted
from kdweb.rules.process_memos import remembered
from kdweb.rules.rows import RowParser, tuple_getter as _tuple_getter
from kdweb.rules.terms import Severity

from .columns import DATE, INDEX, Column, SheetSpec, column_letter
from .identity import StatusLine, cell_value, comparable, json_conversions
from .locate import SheetPlaces
from .metadata import IssuedSheet
from .results import SheetPreview, cell_text

HEADER_SEARCH_ROWS = 30


@dataclass
class SheetRead:
    records: list = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    places: SheetPlaces | None = None
    preview: SheetPreview | None = None


def find_header(values: list[list], spec: SheetSpec) -> int | None:
    """The 0-based index of the header row: the first row holding the code column's header."""
    wanted = normalise_text(spec.code_column.header)
    for index, row in enumerate(values[:HEADER_SEARCH_ROWS]):
        # filter: a blank cell ("", None) passed over at C speed; a title row is one text and blanks
        if any(isinstance(value, str) and _header_key(value) == wanted for value in filter(None, row)):
            return index
    return None


def read_subject_sheet(
    rows: Iterable[list], name: str, spec: SheetSpec, issued: IssuedSheet, unit_code: str, keep_values: bool = False,
    dates_1904: bool = False,
) -> SheetRead:
    """`rows` from row 1, each from column A, read one at a time: unless `keep_values` asks for them in the
    preview, no row is kept once read, so a large sheet never lives in memory as Python lists whole."""
    values = list(rows) if keep_values else None
    rows = iter(values if keep_values else rows)
    head = list(islice(rows, HEADER_SEARCH_ROWS))
    header = find_header(head, spec)
    if header is None:
        return SheetRead(
            findings=[_sheet_finding(spec, name, "A1", "W-COLUMN", _NO_HEADER.format(header=spec.code_column.header))],
            places=SheetPlaces(name, 1),
            preview=SheetPreview(name, spec.kind, 0, values),
        )
    body = chain(head[header + 1 :], rows)
    reader = _SheetReader(head[header], body, values, name, spec, issued, unit_code, header)
    reader.dates_1904 = dates_1904
    return reader.read()


def pinned_columns(keys: dict[int, str], spec: SheetSpec) -> tuple[int, ...]:
    """The sheet's columns from A on while each is one of the spec's label columns, wherever the unit moved them:
    a column kept in view must have every column on its left kept in view too."""
    labels = {column.key for column in spec.label_columns}
    pinned = []
    for index in range(len(labels)):
        if keys.get(index) not in labels:
            break
        pinned.append(index)
    return tuple(pinned)


_NO_HEADER = (
    "không tìm thấy dòng tiêu đề có cột “{header}”, nên không đọc được trang này. Hãy dùng đúng tệp mẫu, "
    "không xóa hay sửa các dòng tiêu đề."
)


class _SheetReader:
    def __init__(self, header_row: list, body, values, name, spec: SheetSpec, issued: IssuedSheet, unit_code: str,
                 header: int):
        self.body, self.name, self.spec, self.unit_code, self.header = body, name, spec, unit_code, header
        self.values = values  # every row from row 1 for the preview, or None
        self.kind = spec.kind
        # by code; facts become a dict only for the row being read
        self.issued = dict(zip(map(itemgetter(0), issued.rows), issued.rows))
        self.issued_fields = issued.fields
        self.status_line = StatusLine(issued.fields)
        layout = _columns_of(header_row, spec, tuple(issued.fields))
        self.indexes, self.identity, self.inputs = layout.indexes, layout.identity, layout.inputs
        self.places = SheetPlaces(name, header + 1, dict(layout.letters))
        self.status_index, self.shown_columns = layout.status_index, layout.shown_columns
        # each shown identity column: where its fact is in a signed row, and its cells as written, by fact
        self.written_cells = [(column, fact_at, {}) for column, fact_at in layout.shown_facts]
        self.shown_cells, self.shown_values = layout.shown_cells, layout.shown_values
        record_type = RECORD_TYPES[spec.kind]
        self.parse = RowParser(
            record_type, cell_keys=[key for _, key in self.inputs], fact_keys=issued.fields,
            fact_conversions=json_conversions(record_type),
        )
        self.input_cells, self.watched = layout.input_cells, layout.watched
        self.result = SheetRead(places=self.places)
        self.dates_1904, self.shifted_date = False, None  # a workbook in the 1904 date system; its first such cell

    def read(self) -> SheetRead:
        self.result.findings.extend(self._missing_columns())
        code_index = self.indexes.get("code")
        width = max(self.indexes.values(), default=0) + 1
        if code_index is not None:
            self._read_rows(code_index, width)
        if self.shifted_date is not None:
            self.result.findings.append(self._date_system_finding(*self.shifted_date))
        keys = {index: key for key, index in self.indexes.items()}
        self.result.preview = SheetPreview(self.name, self.kind, self.header + 1, self.values, keys,
                                           pinned_columns(keys, self.spec))
        return self.result

    def _read_rows(self, code_index: int, width: int) -> None:
        """Every row below the header; the usual row (its code as issued, its facts as signed) on a straight
        path, with what it uses looked up once for the sheet: this loop runs once per member."""
        issued_row = self.issued.get
        # the usual row's cells read where they are in the row (no tuple of its input cells made)
        with_facts, untouched = self.parse.usual_rows(cells_at=[index for index, _ in self.inputs]), self._untouched
        # the untouched row's test (`_untouched`'s first one) and its first row (`SheetPlaces.add_row`), inline
        status_index, status_line = self.status_index, self.status_line.of_rows()
        shown_cells, shown_values = self.shown_cells, self.shown_values
        records, add_row, first_rows = self.result.records, self.places.add_row, self.places.rows.setdefault
        findings = self.result.findings
        for number, row in enumerate(self.body, start=self.header + 2):
            if len(row) < width:
                row = row + [""] * (width - len(row))
            typed = row[code_index]
            issued = issued_row(typed) if type(typed) is str else None
            if issued is None:
                self._read_other_row(number, row, typed)
                continue
            record, problems = with_facts(issued, row)
            if problems:
                findings.extend(self._at(finding, number) for finding in problems)
            if not ((status_index is None or row[status_index] == status_line(issued))
                    and shown_cells(row) == shown_values(record)) and not untouched(row, issued, record):
                findings.extend(self._edited_identity(row, number, issued, record))
            records.append(record)
            if first_rows(record.code, number) != number:  # a code on several rows
                add_row(record.code, number)

    def _read_other_row(self, number: int, row: list, typed) -> None:
        """A blank row, a code retyped (other case, spaces, a number) or an unlisted code: an issued code's facts
        as signed, else each cell parsed as typed text."""
        if typed == "" and not any(row[index] not in ("", None) for index in self.watched):
            return  # a blank row
        code = display_text(typed)  # as parse_code reads it, "" when blank
        issued = (self.issued.get(code) or self.issued.get(self._loose_codes.get(normalise_text(code), ""))) if code else None
        if issued is not None:
            record, findings = self.parse.with_facts(issued, self.input_cells(row))
        else:
            raw = self._identity_from_cells(row, code)
            for index, key in self.inputs:
                value = row[index]
                if value != "" and value is not None:
                    raw[key] = value
            record, findings = self.parse(raw)
        if findings:
            self.result.findings.extend(self._at(finding, number) for finding in findings)
        if issued is not None and not self._untouched(row, issued, record):
            self.result.findings.extend(self._edited_identity(row, number, issued, record))
        if record.code:
            self.result.records.append(record)
            self.places.add_row(record.code, number)

    @cached_property
    def _loose_codes(self) -> dict[str, str]:
        """Issued codes by their normalised text, for a code retyped with other case or spacing."""
        return {normalise_text(code): code for code in self.issued}

    def _identity_from_cells(self, row: list, code: str) -> dict:
        """An unlisted row (invented or mistyped code): what its own cells say, for the messages."""
        raw = {"code": code, "unit_code": self.unit_code}
        for index, column in self.identity:
            if column.key in ("code", "status"):
                continue
            if row[index] != "":
                raw[column.key] = row[index]
        return raw

    def _untouched(self, row: list, issued: tuple, record) -> bool:
        """Every identity cell as issued. The usual row takes one tuple comparison: the cells against the record's
        values from the signed facts (text and dates read back equal). Else, column by column, a cell may still
        be as the template wrote it (a blank, a kind by its name, a list of codes as one text)."""
        if self.status_index is not None and row[self.status_index] != self.status_line(issued):
            return False
        cells = self.shown_cells(row)
        values = self.shown_values(record)
        if cells == values:
            return True
        return all(
            cell == value or cell == self._as_written(position, issued)
            for position, (cell, value) in enumerate(zip(cells, values))
        )

    def _as_written(self, position: int, issued: tuple):
        """A shown identity cell as the template wrote it and calamine reads it back ("" when blank), worked out
        once per column and distinct fact (a column's facts are all of one JSON type, so the fact is the key)."""
        column, fact_at, written = self.written_cells[position]
        fact = issued[fact_at] if fact_at is not None else None
        key = tuple(fact) if isinstance(fact, list) else fact  # a leader's heads: a list of codes
        if key not in written:
            written[key] = _blank_as_read(cell_value(column, {column.key: fact}))
        return written[key]

    def _edited_identity(self, row: list, number: int, issued: tuple, record) -> list[Finding]:
        """Compared first with the record's value (an untouched cell is equal), then, for the rest, as people
        read."""
        found = []
        for index, column in self.identity:
            value = row[index]
            fact = self.status_line(issued) if column.key == "status" else getattr(record, column.key, None)
            if value == fact or (value == "" and not fact):
                continue
            issued_facts = dict(zip(self.issued_fields, issued))
            if not _same(column, value, issued_facts):
                cell = f"{column_letter(index + 1)}{number}"
                if self.dates_1904 and _shown_in_1904(column, value, issued_facts):
                    self.shifted_date = self.shifted_date or (cell, value, issued_facts, column)
                    continue
                found.append(self._edit_finding(column, value, issued_facts, record, cell))
        return found

    def _date_system_finding(self, cell: str, value, facts: dict, column: Column) -> Finding:
        """Once per sheet: a workbook in the 1904 date system shows every issued date 4 years and a day later."""
        text = (
            f"sổ đang dùng hệ ngày 1904, nên mọi ngày do hệ thống cấp hiện lệch 4 năm 1 ngày (ô {cell}, "
            f"“{column.header}”: được cấp “{cell_text(cell_value(column, facts))}”, trong tệp hiện là "
            f"“{cell_text(value)}”). Hệ thống vẫn dùng các ngày được cấp. Để tệp hiện đúng ngày, hãy bỏ chọn "
            "“Sử dụng hệ thống ngày 1904” (Use 1904 date system; Excel: Tệp → Tùy chọn → Nâng cao → Khi tính toán sổ "
            "làm việc này), lưu lại rồi tải lên."
        )
        return _sheet_finding(self.spec, self.name, cell, "W-DATE1904", text, Severity.WARNING, column.key)

    def _edit_finding(self, column: Column, value, facts: dict, record, cell: str) -> Finding:
        issued = cell_text(cell_value(column, facts))
        message = (
            f"{subject_phrase(self.kind, record.name, record.code)}: ô “{column.header}” thuộc danh sách do hệ thống "
            f"cấp nên không được sửa; giá trị được cấp là “{issued}”, trong tệp là “{quoted(cell_text(value or None))}”. "
            "Hãy trả lại giá trị được cấp; nếu danh sách sai, báo cơ quan tham mưu của cấp trên cập nhật."
        )
        return Finding(
            "W-IDENTITY", Severity.ERROR, self.kind, record.code, record.name, column.key, message,
            unit_code=self.unit_code or None, sheet=self.name, cell=cell,
        )

    def _at(self, finding: Finding, number: int) -> Finding:
        letter = self.places.column_of(finding.field) or self.places.columns.get("level") or self.places.columns["code"]
        return finding.with_location(self.name, f"{letter}{number}")

    def _missing_columns(self) -> list[Finding]:
        found = []
        for column in self.spec.columns:
            if column.role == INDEX or column.key in self.indexes:
                continue
            severity = Severity.ERROR if column.is_input or column.key == "code" else Severity.WARNING
            text = (
                f"không tìm thấy cột “{column.header}” trong dòng tiêu đề"
                + ("; các giá trị của cột này không được đọc." if column.is_read else ".")
                + " Hãy dùng đúng tệp mẫu, không xóa hay đổi tên cột."
            )
            found.append(_sheet_finding(self.spec, self.name, f"A{self.header + 1}", "W-COLUMN", text, severity, column.key))
        return found


class _Layout(NamedTuple):
    """Where a sheet's columns are and what reading its rows needs from them: worked out from the layout, the
    header row and the signed roster fields alone, so once for all the uploads that share them (`_columns_of`).
    Read only: each sheet copies what it changes."""

    indexes: dict[str, int]  # field key → 0-based column index
    letters: dict[str, str]  # field key → column letter
    identity: tuple  # (index, column) of the identity columns
    inputs: tuple  # (index, key) of the columns the row parser reads
    status_index: int | None
    shown_columns: tuple  # the identity columns but the status
    shown_facts: tuple  # (column, where its fact is in a signed row or None) of each shown column
    shown_cells: Callable  # a row → its shown identity cells
    shown_values: Callable  # a record → its values of the shown columns, in the same order
    input_cells: Callable  # a row → the cells the row parser reads
    watched: tuple  # the columns that make a row not blank


_LAYOUTS: dict[tuple, tuple[SheetSpec, _Layout]] = {}  # (id(spec), header row, fields) → (spec, its layout)
_MAX_LAYOUTS = 64
remembered(_LAYOUTS.clear)


def _columns_of(header_row: list, spec: SheetSpec, issued_fields: tuple) -> _Layout:
    """The sheet's `_Layout`, remembered by the spec's identity (hashing a spec hashes every column: 7 us; the
    specs are built once per layout, columns._specs), the header row's values and the roster fields. Bounded:
    the memo starts afresh past _MAX_LAYOUTS (a header row the unit edited is one more key)."""
    key = (id(spec), tuple(header_row), issued_fields)
    try:
        known = _LAYOUTS.get(key)
    except TypeError:  # a cell value that cannot be a key (none that calamine gives): worked out, not remembered
        return _work_out_layout(header_row, spec, issued_fields)
    if known is not None and known[0] is spec:
        return known[1]
    layout = _work_out_layout(header_row, spec, issued_fields)
    if len(_LAYOUTS) >= _MAX_LAYOUTS:
        _LAYOUTS.clear()
    _LAYOUTS[key] = (spec, layout)
    return layout


def _work_out_layout(header_row: list, spec: SheetSpec, issued_fields: tuple) -> _Layout:
    indexes = _map_header(header_row, spec)
    by_key = {column.key: column for column in spec.columns}
    identity = tuple((index, by_key[key]) for key, index in indexes.items() if by_key[key].is_identity)
    inputs = tuple((index, key) for key, index in indexes.items() if by_key[key].is_read)
    shown = [(index, column) for index, column in identity if column.key != "status"]
    shown_columns = tuple(column for _, column in shown)
    return _Layout(
        indexes, {key: column_letter(index + 1) for key, index in indexes.items()}, identity, inputs,
        next((index for index, column in identity if column.key == "status"), None), shown_columns,
        tuple((column, issued_fields.index(column.key) if column.key in issued_fields else None)
              for column in shown_columns),
        _tuple_getter([index for index, _ in shown]),
        # every identity column but the status is a declared field of the record
        _tuple_getter([column.key for column in shown_columns], attrgetter),
        _tuple_getter([index for index, _ in inputs]),
        tuple(index for key, index in indexes.items() if by_key[key].role != INDEX),
    )


def _map_header(row: list, spec: SheetSpec) -> dict[str, int]:
    """Field key → 0-based column index, by header text (so a moved column is still found)."""
    wanted = spec.keys_by_header
    found = {}
    for index, value in enumerate(row):
        key = _key_of(_header_key(value), wanted, spec) if isinstance(value, str) and value else None
        if key is not None and key not in found:
            found[key] = index
    return found


def _key_of(header: str, wanted: dict, spec: SheetSpec) -> str | None:
    """The exact header, else one that carries another figure of a parameter (issued before the parameter changed)."""
    key = wanted.get(header)
    if key is None:
        key = next((key for pattern, key in spec.header_patterns if pattern.fullmatch(header)), None)
    return key


@lru_cache(maxsize=2048)
def _header_key(text: str) -> str:
    """A header row's text as matched; the same headers come back upload after upload."""
    return normalise_text(text)


remembered(_header_key.cache_clear)


def _blank_as_read(value):
    return "" if value is None else value


def _same(column: Column, value, facts: dict) -> bool:
    """Fast paths for an untouched cell, then the one normalised comparison."""
    if column.key == "status":
        shown = cell_value(column, facts)
        return value == shown or comparable(value) == comparable(shown)
    issued = facts.get(column.key)
    if value == issued or (value == "" and issued is None):
        return True
    if column.kind == DATE and type(value) in (int, float):  # the date as its serial number ("General" format)
        value = parse_date(value).value or value
    if column.kind == DATE and isinstance(value, date) and value.isoformat()[:10] == issued:
        return True
    return comparable(value) == comparable(cell_value(column, facts))


_SHIFT_1904 = timedelta(days=1462)  # from 1900-01-01 to 1904-01-02: the same serial number read in each system


def _shown_in_1904(column: Column, value, facts: dict) -> bool:
    """An issued date as a workbook in the 1904 date system shows it: its day 1,462 days on."""
    issued = facts.get(column.key)
    return (column.kind == DATE and isinstance(value, date) and isinstance(issued, str)
            and (value - _SHIFT_1904).isoformat()[:10] == issued[:10])


def _sheet_finding(spec: SheetSpec, name: str, cell: str, rule: str, text: str, severity=Severity.ERROR, key=None) -> Finding:
    message = f"Trang “{name}”: {text}"
    return Finding(rule, severity, spec.kind, "", "", key, message, sheet=name, cell=cell)
