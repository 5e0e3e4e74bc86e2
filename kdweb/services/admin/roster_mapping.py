"""Roster columns to Person fields, and a file's rows to planned changes: pure Python, no Flask, no database.

Headers are matched through `kdweb.rules.normalise_text` and then without diacritics, so "Họ và tên",
"HỌ VÀ TÊN" and "Ho va ten" all name the same field. Cells are parsed with the rule book's tolerant parsers
(dates as date cells, dd/mm/yyyy or yyyy-mm-dd; Có/Không; numbers), and every problem is a RowError that
names its row and column as the admin sees them in the spreadsheet.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from openpyxl.utils import get_column_letter

from kdweb.domain import NotRatedReason
from kdweb.rules import looks_like_legacy_font, normalise_text, parse_date, parse_number, parse_yes_no
from kdweb.search import search_key

TEXT, CODE, NAME, DATE, YES_NO, COUNT, GENDER, CELL = "text", "code", "name", "date", "yes_no", "count", "gender", "cell"
QUOTA_GROUP = "quota_group"  # a short text (the group's name, as the workbook's column holds it)
FOUNDING = "founding"  # the member's chi bộ's founding date: written on the unit, not on the member
CELL_KINDS = ("cell", "grassroots_cell")  # a member's home chi bộ is a chi bộ trực thuộc or a chi bộ cơ sở
GRASSROOTS_KINDS = ("grassroots_committee", "grassroots_cell")
HEADER_SCAN_ROWS = 20
PROGRESS_ROWS = 1000
MAX_LENGTH = {CODE: 40, NAME: 200, TEXT: 200, QUOTA_GROUP: 100}


@dataclass(frozen=True)
class RosterField:
    key: str
    label: str  # the template's header
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def column(self) -> str:
        """The Person attribute the field writes (the founding date: the chi bộ's, kept apart from them)."""
        return {"cell": "cell_id", "temporary_cell": "temporary_cell_id"}.get(self.key, self.key)


FIELDS: tuple[RosterField, ...] = (
    RosterField("code", "Mã đảng viên", CODE, (
        "Số thẻ đảng viên", "Số thẻ ĐV", "Số thẻ", "Mã ĐV", "Mã số đảng viên", "Mã số ĐV", "Mã số", "Mã"), True),
    RosterField("full_name", "Họ và tên", NAME, (
        "Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên", "Tên đảng viên"), True),
    RosterField("birth_date", "Ngày sinh", DATE, ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày")),
    RosterField("gender", "Giới tính", GENDER, ("Nam/Nữ", "Nam, nữ", "Phái")),
    RosterField("cell", "Chi bộ", CELL, (
        "Chi bộ sinh hoạt", "Chi bộ đang sinh hoạt", "Mã chi bộ", "Tên chi bộ", "Sinh hoạt tại chi bộ"), True),
    RosterField("cell_founded_on", "Ngày thành lập chi bộ", FOUNDING, (
        "Ngày thành lập", "Ngày thành lập chi bộ sinh hoạt", "Chi bộ thành lập ngày")),
    RosterField("probationary", "Đảng viên dự bị", YES_NO, ("Dự bị", "ĐV dự bị", "Là đảng viên dự bị")),
    RosterField("admitted_on", "Ngày vào Đảng", DATE, (
        "Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày kết nạp vào Đảng", "Ngày vào Đảng Cộng sản Việt Nam")),
    RosterField("exempt", NotRatedReason.EXEMPT.text, YES_NO, (
        "Miễn công tác, sinh hoạt đảng", "Miễn sinh hoạt đảng", "Miễn sinh hoạt", "Miễn SH")),
    RosterField("suspended", NotRatedReason.SUSPENDED.text, YES_NO, ("Đình chỉ sinh hoạt", "Đình chỉ SH đảng")),
    RosterField("committee_suspended", "Đình chỉ sinh hoạt cấp ủy", YES_NO, ("Đình chỉ cấp ủy", "Đình chỉ SH cấp ủy")),
    RosterField("transferred_in_on", "Ngày chuyển sinh hoạt đến", DATE, (
        "Ngày chuyển đến", "Ngày chuyển sinh hoạt", "Ngày chuyển sinh hoạt đảng đến")),
    RosterField("months_at_old_place", "Số tháng sinh hoạt ở nơi cũ", COUNT, (
        "Số tháng ở nơi cũ", "Số tháng sinh hoạt nơi cũ", "Số tháng ở đơn vị cũ")),
    RosterField("temporary_cell", "Chi bộ sinh hoạt tạm thời", CELL, (
        "Sinh hoạt tạm thời tại", "Chi bộ tạm thời", "Nơi sinh hoạt tạm thời")),
    RosterField("is_civil_servant", "Cán bộ, công chức, viên chức", YES_NO, (
        "Công chức, viên chức", "CBCCVC", "CB, CC, VC", "Là công chức, viên chức")),
    RosterField("post", "Chức vụ", TEXT, ("Chức vụ hiện nay", "Chức vụ chính quyền, đoàn thể", "Chức danh")),
    RosterField("retired", "Nghỉ hưu", YES_NO, ("Đã nghỉ hưu", "Hưu trí")),
    # the competent level's group for the HTXSNV quota (qd366-hd43 ); a blank cell: the general rule. Also
    # spelled with an i, as the unit workbook's own column is: headers are compared without diacritics
    RosterField("quota_group", "Nhóm tính tỷ lệ", QUOTA_GROUP, ("Nhom tinh ti le",)),
)
# Headers that look like a field's but are not it: matched to nothing, so a partial match cannot claim them.
NOT_FIELDS = ("STT", "Số thứ tự", "Ngày chính thức", "Ngày vào Đảng chính thức", "Ngày công nhận chính thức",
              "Ngày chuyển sinh hoạt đi", "Nơi sinh", "Quê quán", "Ghi chú")
FIELDS_BY_KEY = {roster_field.key: roster_field for roster_field in FIELDS}
REQUIRED_KEYS = tuple(roster_field.key for roster_field in FIELDS if roster_field.required)

_PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: object) -> str:
    """A header's comparison key: without diacritics, punctuation or (hints) ("Họ và tên (*)" → "ho va ten")."""
    return _NOT_WORD.sub(" ", search_key(_PARENTHESES.sub(" ", normalise_text(text)))).strip()


def _alias_keys() -> dict[str, str | None]:
    keys: dict[str, str | None] = {fold(text): None for text in NOT_FIELDS}
    for roster_field in FIELDS:
        for alias in (roster_field.label, roster_field.key, *roster_field.aliases):
            keys.setdefault(fold(alias), roster_field.key)
    return keys


ALIASES = _alias_keys()
# Longest first, so "chi bo sinh hoat tam thoi" wins over "chi bo" inside a longer header.
_PHRASES = sorted(((alias, key) for alias, key in ALIASES.items() if " " in alias), key=lambda p: -len(p[0]))


def match_header(header: object) -> str | None:
    """The field a header names: an exact alias, else the longest alias of two words or more inside it."""
    key = fold(header)
    if not key:
        return None
    if key in ALIASES:
        return ALIASES[key]
    padded = f" {key} "
    return next((field_key for alias, field_key in _PHRASES if f" {alias} " in padded), None)


def propose_mapping(headers: list[object]) -> dict[int, str]:
    """Column index → field key; each field once, exact matches before partial ones, leftmost first."""
    mapping: dict[int, str] = {}
    for exact in (True, False):
        for index, header in enumerate(headers):
            if index in mapping:
                continue
            key = ALIASES.get(fold(header)) if exact else match_header(header)
            if key and key not in mapping.values():
                mapping[index] = key
    return dict(sorted(mapping.items()))


def find_header_row(rows: list[list[object]]) -> int:
    """The 1-based number of the row whose cells name the most fields (title rows above it are skipped)."""
    best_row, best_score = 1, 0
    for number, row in enumerate(rows[:HEADER_SCAN_ROWS], start=1):
        score = len(propose_mapping(row))
        if score > best_score:
            best_row, best_score = number, score
    return best_row


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a 0-based column index as the admin's spreadsheet names it."""
    return get_column_letter(index + 1)


def mapping_problems(mapping: dict[int, str]) -> list[str]:
    problems = []
    for key in REQUIRED_KEYS:
        if key not in mapping.values():
            problems.append(f"Chưa chọn cột cho trường bắt buộc “{FIELDS_BY_KEY[key].label}”.")
    for key in dict.fromkeys(mapping.values()):
        columns = [column_letter(index) for index, value in mapping.items() if value == key]
        if len(columns) > 1:
            problems.append(f"Trường “{FIELDS_BY_KEY[key].label}” được ghép với nhiều cột: {', '.join(columns)}.")
    return problems


# --- the unit tree, as the parser needs it ----------------------------------------------------------------


@dataclass(frozen=True)
class UnitRef:
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    active: bool = True
    founded_on: date | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    successor_id: int | None = None


class UnitDirectory:
    """Finds a chi bộ by its code or by its name (with or without "Chi bộ"), and the organisation it belongs to;
    with the cycle's review date, tells a chi bộ out of force on that day (a warning: the import still takes it)."""

    def __init__(self, units: list[UnitRef], review_date: date | None = None):
        self.review_date = review_date
        self.by_id = {unit.id: unit for unit in units}
        self.by_code = {unit.code.casefold(): unit for unit in units}
        self.by_name: dict[str, list[UnitRef]] = {}
        for unit in units:
            if unit.kind in CELL_KINDS:
                for name in {fold(unit.name), fold(unit.name).removeprefix("chi bo ")}:
                    self.by_name.setdefault(name, []).append(unit)

    def grassroots_of(self, unit: UnitRef) -> UnitRef | None:
        seen = set()
        while unit is not None and unit.id not in seen:
            if unit.kind in GRASSROOTS_KINDS:
                return unit
            seen.add(unit.id)
            unit = self.by_id.get(unit.parent_id)
        return None

    def code_of(self, unit_id: int | None) -> str:
        unit = self.by_id.get(unit_id)
        return unit.code if unit else ""

    def find_cell(self, text: str) -> tuple[UnitRef | None, str | None]:
        unit = self.by_code.get(text.casefold())
        if unit is None:
            head = re.split(r"\s+[-–—:]\s+|\s+", text, maxsplit=1)[0]  # "BD.P01.C01 - Chi bộ …" from a dropdown
            unit = self.by_code.get(head.casefold())
        if unit is None:
            found = self.by_name.get(fold(text), [])
            if len(found) > 1:
                codes = ", ".join(sorted(candidate.code for candidate in found))
                return None, f"Có nhiều chi bộ tên “{text}” ({codes}); hãy ghi mã chi bộ."
            unit = found[0] if found else None
        if unit is None:
            return None, f"Không tìm thấy chi bộ “{text}” (ghi mã hoặc tên chi bộ như trong cây đơn vị)."
        if unit.kind not in CELL_KINDS:
            return None, f"“{unit.code} – {unit.name}” không phải chi bộ."
        if not unit.active:
            return None, f"Chi bộ “{unit.code} – {unit.name}” đã ngừng hoạt động."
        if self.grassroots_of(unit) is None:
            return None, f"Chi bộ “{unit.code}” không thuộc tổ chức cơ sở đảng nào trong cây đơn vị."
        return unit, None

    def out_of_force(self, unit_id: int | None) -> str | None:
        """Why a member put in this chi bộ is left in one out of force at the review date, or None."""
        unit, day = self.by_id.get(unit_id), self.review_date
        if unit is None or day is None:
            return None
        if unit.valid_to is not None and unit.valid_to < day:
            why = f"hết hiệu lực trước ngày đánh giá {day:%d/%m/%Y} ({unit.valid_to:%d/%m/%Y} là ngày cuối)"
        elif unit.valid_from is not None and day < unit.valid_from:
            why = f"chỉ có hiệu lực từ {unit.valid_from:%d/%m/%Y}, sau ngày đánh giá {day:%d/%m/%Y}"
        else:
            return None
        successor = self.by_id.get(unit.successor_id)
        instead = f"; đơn vị kế thừa là “{successor.code} – {successor.name}”" if successor else ""
        return (f"Chi bộ “{unit.code} – {unit.name}” {why}{instead}. Đảng viên vẫn được nhập vào chi bộ này; "
                "nếu họ đã chuyển sinh hoạt, hãy ghi chi bộ mới.")


# --- parsing rows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the spreadsheet's column letter
    header: str
    field: str  # the field's Vietnamese label
    message: str


@dataclass
class ParsedRow:
    row: int
    values: dict[str, object]  # Person attribute → value
    cell_founded_on: date | None = None  # the founding date of the member's chi bộ, when the file gives one


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def _parse_cell(roster_field: RosterField, value: object, units: UnitDirectory,
                today: date) -> tuple[dict[str, object], str | None]:
    """The Person attributes one cell gives (and the chi bộ's founding date), or an error message."""
    kind, column = roster_field.kind, roster_field.column
    if kind in (DATE, FOUNDING):
        parsed = parse_date(value)
        if parsed.ok and parsed.value is not None and not 1900 <= parsed.value.year <= 2100:
            return {}, f"“{_text(value)}” không phải ngày hợp lệ (năm phải trong khoảng 1900–2100)."
        if kind == FOUNDING and parsed.ok and parsed.value is not None and parsed.value > today:
            return {}, (f"Ngày thành lập chi bộ “{_text(value)}” sau hôm nay ({today:%d/%m/%Y}); "
                        "ghi ngày chi bộ đã được thành lập.")
        return ({column: parsed.value}, None) if parsed.ok else ({}, parsed.error)
    if kind == YES_NO:
        parsed = parse_yes_no(value)
        return ({column: bool(parsed.value)}, None) if parsed.ok else ({}, parsed.error)
    if kind == COUNT:
        parsed = parse_number(value)
        if not parsed.ok:
            return {}, parsed.error
        if parsed.value is not None and not float(parsed.value).is_integer():
            return {}, f"“{_text(value)}” phải là số tháng nguyên."
        return {column: None if parsed.value is None else int(parsed.value)}, None
    text = _text(value)
    if kind == GENDER:
        gender = {"nam": "Nam", "nu": "Nữ", "": None}.get(fold(text))
        if gender is None and text:
            return {}, f"“{text}” không phải giới tính hợp lệ. Ghi “Nam” hoặc “Nữ”."
        return {column: gender}, None
    if kind == CELL:
        if not text:
            return {column: None}, None
        unit, error = units.find_cell(text)
        if error:
            return {}, error
        values: dict[str, object] = {column: unit.id}
        if roster_field.key == "cell":
            values["grassroots_id"] = units.grassroots_of(unit).id
        return values, None
    if len(text) > MAX_LENGTH[kind]:
        return {}, f"Dài quá {MAX_LENGTH[kind]} ký tự."
    if kind in (NAME, TEXT, QUOTA_GROUP) and looks_like_legacy_font(text):
        return {}, f"“{text}” có vẻ được gõ bằng phông chữ cũ (TCVN3/VNI); hãy chuyển sang Unicode rồi nhập lại."
    return {column: text or None}, None


_BLANK_MESSAGES = {
    "code": "Thiếu mã đảng viên.",
    "full_name": "Thiếu họ và tên.",
    "cell": "Thiếu chi bộ.",
}


def parse_rows(rows: list[list[object]], header_row: int, mapping: dict[int, str], units: UnitDirectory,
               today: date | None = None, progress: Callable[[int, int], None] | None = None,
               ) -> tuple[list[ParsedRow], list[RowError]]:
    """Every data row below the header: parsed values, or errors naming row and column. Blank rows are skipped.
    `progress(rows read, rows in all)` is told every PROGRESS_ROWS rows."""
    today = today or date.today()
    headers = rows[header_row - 1] if 0 < header_row <= len(rows) else []
    parsed: list[ParsedRow] = []
    errors: list[RowError] = []
    first_row_of: dict[str, list[int]] = {}
    code_index = next((index for index, key in mapping.items() if key == "code"), None)

    def error(number, index, message):
        header = _text(headers[index]) if index < len(headers) else ""
        errors.append(RowError(number, column_letter(index), header, FIELDS_BY_KEY[mapping[index]].label, message))

    data_rows = max(len(rows) - header_row, 0)
    for number, row in enumerate(rows[header_row:], start=header_row + 1):
        if progress is not None and (number - header_row - 1) % PROGRESS_ROWS == 0:
            progress(number - header_row - 1, data_rows)
        cells = {index: (row[index] if index < len(row) else None) for index in mapping}
        if all(_text(value) == "" for value in cells.values()):
            continue
        values: dict[str, object] = {}
        row_ok = True
        for index, value in cells.items():
            roster_field = FIELDS_BY_KEY[mapping[index]]
            if roster_field.key in _BLANK_MESSAGES and _text(value) == "":
                error(number, index, _BLANK_MESSAGES[roster_field.key])
                row_ok = False
                continue
            cell_values, message = _parse_cell(roster_field, value, units, today)
            if message:
                error(number, index, message)
                row_ok = False
            values.update(cell_values)
        if values.get("code"):
            first_row_of.setdefault(values["code"], []).append(number)
        if row_ok:
            parsed.append(ParsedRow(number, values, values.pop("cell_founded_on", None)))
    for code, numbers in first_row_of.items():
        if len(numbers) > 1:
            for number in numbers:
                others = ", ".join(str(other) for other in numbers if other != number)
                error(number, code_index, f"Mã đảng viên “{code}” trùng với dòng {others} trong tệp.")
    duplicated = {number for numbers in first_row_of.values() if len(numbers) > 1 for number in numbers}
    founding_index = next((index for index, key in mapping.items() if key == "cell_founded_on"), None)
    disagreeing = _disagreeing_founding_dates(parsed, units)
    for number, message in disagreeing.items():
        error(number, founding_index, message)
    errors.sort(key=lambda item: (item.row, len(item.column), item.column))
    return [row for row in parsed if row.row not in duplicated and row.row not in disagreeing], errors


def out_of_force_warnings(parsed: list[ParsedRow], headers: list[object], mapping: dict[int, str],
                          units: UnitDirectory) -> list[RowError]:
    """Rows that put a member in a chi bộ (or a chi bộ of temporary activity) out of force at the review date:
    warnings, shown with the dry run; the rows are imported all the same."""
    index_of = {FIELDS_BY_KEY[key].column: index for index, key in mapping.items()}
    warnings = []
    for row in parsed:
        for column in ("cell_id", "temporary_cell_id"):
            message = units.out_of_force(row.values.get(column)) if column in index_of else None
            if message:
                index = index_of[column]
                header = _text(headers[index]) if index < len(headers) else ""
                warnings.append(RowError(row.row, column_letter(index), header, FIELDS_BY_KEY[mapping[index]].label,
                                         message))
    return warnings


def _disagreeing_founding_dates(parsed: list[ParsedRow], units: UnitDirectory) -> dict[int, str]:
    """Row → message, for rows whose chi bộ is given another founding date on another row of the file."""
    dates_of: dict[int, dict[date, list[int]]] = {}
    for row in parsed:
        if row.cell_founded_on is not None:
            dates_of.setdefault(row.values["cell_id"], {}).setdefault(row.cell_founded_on, []).append(row.row)
    messages = {}
    for cell_id, by_date in dates_of.items():
        if len(by_date) < 2:
            continue
        for day, numbers in by_date.items():
            others = "; ".join(f"{other:%d/%m/%Y} ở dòng {', '.join(map(str, rows))}"
                               for other, rows in by_date.items() if other != day)
            for number in numbers:
                messages[number] = (f"Chi bộ “{units.code_of(cell_id)}” được ghi ngày thành lập {day:%d/%m/%Y} "
                                    f"nhưng {others}; một chi bộ chỉ có một ngày thành lập.")
    return messages


# --- comparing with the roster ----------------------------------------------------------------------------

ADD, UPDATE, UNCHANGED = "add", "update", "unchanged"


@dataclass(frozen=True)
class Change:
    field: str  # label
    old: str
    new: str


@dataclass
class PlannedRow:
    row: int
    code: str
    full_name: str
    action: str
    values: dict[str, object]
    person_id: int | None = None
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class FoundingChange:
    """A chi bộ's founding date as the file gives it, where it differs from the unit tree's."""
    unit_id: int
    code: str
    name: str
    old: date | None
    new: date
    rows: tuple[int, ...]


@dataclass
class DryRun:
    added: list[PlannedRow]
    updated: list[PlannedRow]
    unchanged: list[PlannedRow]
    errors: list[RowError]
    not_in_file: int  # members of the roster the file does not mention: kept as they are
    founded: list[FoundingChange] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # told, not refused (out_of_force_warnings)
    # told, not refused: a leader post's holder whose post text the file changes so that it no longer names the post,
    # or names another's (roster_import.leader_post_warnings)
    post_warnings: list[RowError] = field(default_factory=list)

    @property
    def can_apply(self) -> bool:
        return not self.errors and bool(self.added or self.updated or self.founded)


def _same(old: object, new: object) -> bool:
    if isinstance(new, bool) or isinstance(old, bool):
        return bool(old) == bool(new)
    if isinstance(new, str) or isinstance(old, str):
        return normalise_text(old) == normalise_text(new)  # hoà / hòa is the same name
    return old == new


def _shown(attribute: str, value: object, units: UnitDirectory) -> str:
    if value is None:
        return ""
    if attribute in ("cell_id", "temporary_cell_id", "grassroots_id"):
        return units.code_of(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_LABELS = {roster_field.column: roster_field.label for roster_field in FIELDS} | {"grassroots_id": "Tổ chức cơ sở đảng"}


def plan(rows: list[ParsedRow], errors: list[RowError], existing: dict[str, dict[str, object]],
         units: UnitDirectory) -> DryRun:
    """What importing would do, against the roster's current values (code → {attribute: value, "id": …})."""
    result = DryRun([], [], [], errors, 0)
    for row in rows:
        code, values = row.values["code"], row.values
        current = existing.get(code)
        planned = PlannedRow(row.row, code, str(values.get("full_name") or ""), ADD, values)
        if current is None:
            result.added.append(planned)
            continue
        planned.person_id = current["id"]
        planned.changes = [
            Change(_LABELS[attribute], _shown(attribute, current.get(attribute), units), _shown(attribute, value, units))
            for attribute, value in values.items()
            if attribute != "code" and not _same(current.get(attribute), value)
        ]
        planned.action = UPDATE if planned.changes else UNCHANGED
        (result.updated if planned.changes else result.unchanged).append(planned)
    result.not_in_file = len(set(existing) - {row.values["code"] for row in rows})
    result.founded = founding_changes(rows, units)
    return result


def founding_changes(rows: list[ParsedRow], units: UnitDirectory) -> list[FoundingChange]:
    """The chi bộ whose founding date the file sets or changes (a blank cell keeps the date the tree has)."""
    given: dict[int, tuple[date, list[int]]] = {}
    for row in rows:
        if row.cell_founded_on is not None:
            given.setdefault(row.values["cell_id"], (row.cell_founded_on, []))[1].append(row.row)
    changes = []
    for cell_id, (day, numbers) in given.items():
        unit = units.by_id[cell_id]
        if unit.founded_on != day:
            changes.append(FoundingChange(cell_id, unit.code, unit.name, unit.founded_on, day, tuple(numbers)))
    return sorted(changes, key=lambda change: change.code)
