"""A demo unit, its roster and workbook, and a `Filler` that edits the workbook the way a user would."""
from __future__ import annotations

import dataclasses
import io
import json
import unicodedata
from datetime import date
from pathlib import Path

import openpyxl

from kdweb.excel import CycleInfo, Roster, UnitInfo, address, build_workbook, metadata, validate_upload
from kdweb.excel.columns import FIRST_DATA_ROW, HEADER_ROW, SHEET_NAMES, column_letter, sheet_specs
from kdweb.rules import (
    CollectiveRecord, Discipline, LeaderRecord, MemberRecord, OrganisationRecord, UnitKind, SubjectKind, get_rule_set,
)
from tests import loaded

SECRET = b"test-secret-for-kdweb"
VERSION = "2024.1"
UNIT = UnitInfo("KM", "Đảng bộ phường Kim Mã", "grassroots")
CYCLE = CycleInfo(
    year=2024,
    rule_set_id="qd132-hd21",
    review_date=date(2024, 11, 30),
    grassroots_deadline=date(2024, 12, 15),
    district_deadline=date(2024, 12, 31),
    contact="Ban Tổ chức Quận ủy, đồng chí Phạm Thu Hà, điện thoại 024 3834 0000",
)
MEMBERS_SHEET = SHEET_NAMES[SubjectKind.MEMBER]
ORGS_SHEET = SHEET_NAMES[SubjectKind.ORGANISATION]
COLLECTIVES_SHEET = SHEET_NAMES[SubjectKind.COLLECTIVE]
LEADERS_SHEET = SHEET_NAMES[SubjectKind.LEADER]


def _member(code, name, cell, born, admitted, **facts) -> MemberRecord:
    return MemberRecord(
        code=code, name=name, unit_code="KM", cell_code=cell, cell_name=f"Chi bộ khu dân cư số {cell[-1]}",
        birth_date=born, admitted_on=admitted, **facts,
    )


def demo_roster() -> Roster:
    members = [
        _member("DV001", "Nguyễn Văn An", "CB1", date(1950, 3, 2), date(1975, 5, 19)),
        _member("DV002", "Trần Thị Bích", "CB1", date(1962, 7, 14), date(1990, 2, 3), is_civil_servant=True, post="Phó Chủ tịch UBND phường"),
        _member("DV003", "Lê Văn Cường", "CB1", date(1948, 1, 30), date(1970, 9, 2), exempt=True),
        _member("DV004", "Phạm Thị Dung", "CB2", date(1985, 11, 8), date(2024, 8, 1), probationary=True),
        _member("DV005", "Hoàng Văn Em", "CB2", date(1970, 4, 25), date(1999, 12, 22)),
        _member("DV006", "Vũ Thị Phương", "CB2", date(1979, 6, 6), date(2005, 3, 26), transferred_in=True, months_at_old_place=8),
        _member("DV007", "Đặng Văn Giang", "CB3", date(1955, 10, 10), date(1980, 1, 6)),
        _member("DV008", "Bùi Thị Hoà", "CB3", date(1990, 2, 28), date(2015, 5, 15)),
        _member("DV009", "Đỗ Văn Hùng", "CB3", date(1958, 8, 19), date(1983, 3, 3), suspended=True),
        _member("DV010", "Ngô Thị Khánh", "CB1", date(1966, 12, 1), date(1995, 7, 27)),
        _member("DV011", "Dương Văn Long", "CB2", date(1972, 9, 9), date(2001, 4, 30)),
        _member("DV012", "Lý Thị Mai", "CB3", date(1980, 5, 5), date(2010, 10, 10), discipline=Discipline.KHIEN_TRACH, disciplined_in_year=True),
    ]
    organisations = [
        OrganisationRecord(code=f"CB{n}", name=f"Chi bộ khu dân cư số {n}", unit_code="KM", kind=UnitKind.CELL,
                           parent_code="KM", founded_on=date(2000 + n, 1, 1), group="Chi bộ khu dân cư")
        for n in (1, 2, 3)
    ]
    collectives = [
        CollectiveRecord(code="TT-KM", name="Ban Thường vụ Đảng ủy phường Kim Mã", unit_code="KM",
                         collective_type="Cấp ủy cơ sở", led_unit_code="KM", founded_on=date(1999, 1, 1)),
    ]
    leaders = [
        LeaderRecord(code="LD001", name="Trần Thị Bích", unit_code="KM", post="Phó Chủ tịch UBND phường",
                     post_group="Cấp phó UBND phường"),
        LeaderRecord(code="LD002", name="Nguyễn Hữu Nam", unit_code="KM", post="Bí thư Đảng ủy phường",
                     post_group="Bí thư cấp ủy cơ sở", heads=("TT-KM",)),
    ]
    return Roster(members=members, organisations=organisations, collectives=collectives, leaders=leaders)


def build_demo(roster: Roster | None = None, **overrides) -> bytes:
    options = {"template_version": VERSION, "secret": SECRET} | overrides
    unit = options.pop("unit", UNIT)
    cycle = options.pop("cycle", CYCLE)
    return build_workbook(unit, cycle, roster or demo_roster(), **options)


def read_demo(data: bytes, **overrides):
    options = {
        "secret": SECRET, "expected_unit_code": UNIT.code, "open_cycle_year": CYCLE.year,
        "known_template_versions": {VERSION},
    } | overrides
    return validate_upload(data, **options)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


class Filler:
    """Edits a workbook with openpyxl as a user would: by subject code and column, typing past the dropdowns."""

    def __init__(self, data: bytes, rule_set_id: str = "qd132-hd21", layout: int | None = None):
        self.workbook = loaded.load_workbook(data)  # tests/loaded.py: openpyxl's parse, made once per file
        self.specs = {spec.name: spec for spec in sheet_specs(get_rule_set(rule_set_id), layout)}

    def sheet(self, name: str):
        return self.workbook[name]

    def letter(self, sheet_name: str, key: str) -> str:
        return self.specs[sheet_name].column_letter(key)

    def row_of(self, sheet_name: str, code: str) -> int:
        sheet = self.workbook[sheet_name]
        code_letter = self.letter(sheet_name, "code")
        for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
            if sheet[f"{code_letter}{row}"].value == code:
                return row
        raise KeyError(code)

    def cell(self, sheet_name: str, code: str, key: str) -> str:
        """"N7": where this subject's field is now."""
        return f"{self.letter(sheet_name, key)}{self.row_of(sheet_name, code)}"

    def set(self, sheet_name: str, code: str, **values) -> Filler:
        """Keys are field names; "grades" sets every criterion grade at once; "grade_<code>" one of them."""
        sheet = self.workbook[sheet_name]
        row = self.row_of(sheet_name, code)
        spec = self.specs[sheet_name]
        for key, value in values.items():
            if key == "grades":
                for column in spec.columns:
                    if column.key.startswith("grade:"):
                        sheet[f"{self.letter(sheet_name, column.key)}{row}"] = value
                continue
            field = "grade:" + key.removeprefix("grade_") if key.startswith("grade_") else key
            sheet[f"{self.letter(sheet_name, field)}{row}"] = value
        return self

    def reorder(self, sheet_name: str, codes: list[str], gaps: dict[int, int] | None = None) -> dict[str, int]:
        """Rewrite the data rows in the order of `codes` (others dropped), leaving `gaps` blank rows before the
        n-th row; return each code's new row number."""
        sheet = self.workbook[sheet_name]
        width = len(self.specs[sheet_name].columns)
        rows = {
            sheet.cell(row, 2).value: [sheet.cell(row, column).value for column in range(1, width + 1)]
            for row in range(FIRST_DATA_ROW, sheet.max_row + 1)
            if sheet.cell(row, 2).value
        }
        last = sheet.max_row
        for row in range(FIRST_DATA_ROW, last + 1 + sum((gaps or {}).values()) + 1):
            for column in range(1, width + 1):
                sheet.cell(row, column).value = None
        placed, row = {}, FIRST_DATA_ROW
        for position, code in enumerate(codes):
            row += (gaps or {}).get(position, 0)
            values = rows[code] if code in rows else [None, code] + [None] * (width - 2)
            for column, value in enumerate(values, start=1):
                sheet.cell(row, column).value = value
            placed[code] = row
            row += 1
        return placed

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def column_of(sheet_name: str, key: str) -> str:
    """The letter of a field's column in the default rule set's layout: tests look letters up, never type them."""
    spec = {spec.name: spec for spec in sheet_specs(get_rule_set("qd132-hd21"))}[sheet_name]
    return spec.column_letter(key)


def header_cell(sheet_name: str, key: str = "code") -> str:
    return f"{column_of(sheet_name, key)}{HEADER_ROW}"


def at(sheet_name: str, key: str, row: int) -> str:
    """"'Đảng viên'!N5": a field's cell on a row, as a finding's address reads."""
    return f"'{sheet_name}'!{column_of(sheet_name, key)}{row}"


def finding_address(finding) -> str:
    """"'Đảng viên'!N5": the sheet and cell a finding points at, as one reference."""
    return address(finding.sheet, finding.cell)


def fill_clean(filler: Filler) -> Filler:
    """Every subject filled so that no rule is broken, in the mixed ways users type."""
    good, excellent = "Hoàn thành tốt nhiệm vụ", "Hoàn thành xuất sắc nhiệm vụ"
    m = MEMBERS_SHEET
    filler.set(m, "DV001", grades="Tốt", level="HTTNV")
    filler.set(m, "DV002", grades="tốt", level=nfd(good), civil_rating="Hoàn thành tốt nhiệm vụ")
    filler.set(m, "DV003", level="Không xếp loại", not_rated_reason="Miễn công tác và sinh hoạt đảng")
    filler.set(m, "DV004", level="không xếp loại", not_rated_reason=nfd("Mới kết nạp/mới thành lập chưa đủ 6 tháng"))
    filler.set(m, "DV005", grades="XS", level=excellent + "  ")
    filler.set(m, "DV006", grades="Tốt", level="tốt", transfer_remarks_received="Có")
    filler.set(m, "DV007", grades="Tốt", level="  hoàn thành tốt nhiệm vụ")
    filler.set(m, "DV008", grades="Tốt", level="HTTNV", remarks=nfd("Gương mẫu, nhiệt tình"))
    filler.set(m, "DV009", level="Không xếp loại", not_rated_reason="Đình chỉ sinh hoạt đảng")
    filler.set(m, "DV010", grades="Tốt", level="HTTNV")
    filler.set(m, "DV011", grades="Trung bình", grade_5="TB", level="HTNV")
    filler.set(m, "DV012", grades="Tốt", level="KHTNV")
    for code in ("CB1", "CB2", "CB3"):
        filler.set(ORGS_SHEET, code, grades="Tốt", level="HTTNV")
    filler.set(COLLECTIVES_SHEET, "TT-KM", grades="Tốt", level="HTTNV")
    filler.set(LEADERS_SHEET, "LD001", grades="Tốt", level="HTTNV")
    filler.set(LEADERS_SHEET, "LD002", grades="Tốt", level="Hoàn thành tốt nhiệm vụ")
    return filler


def letters(count: int) -> list[str]:
    return [column_letter(number) for number in range(1, count + 1)]


ISSUED_BEFORE_LAYOUT_2 = Path(__file__).parent / "data" / "layout1_filled.xlsx"  # see test_signed_layouts.py


def edit_issued_rows(payload: str, edit) -> str:
    """The payload text with each sheet's signed rows given to edit(rows) → rows and written back as the layout
    writes them (from layout 2: deflated again, as a forger who knows the format would): the signature is not
    redone."""
    body = json.loads(payload)
    layout = int(body.get("layout", 0))
    for sheet in body["sheets"]:
        if "rows" in sheet:
            sheet["rows"] = edit(sheet["rows"])
        else:
            rows = edit([list(row) for row in metadata._issued_rows(sheet, layout)])
            sheet.update(metadata._rows_entry([tuple(row) for row in rows], layout))
    return json.dumps(body, ensure_ascii=True, separators=(",", ":"), sort_keys=True)


def reissued_in_layout(data: bytes, layout: int) -> bytes:
    """The workbook as the code of an earlier payload layout would have signed it (same roster, same cells): its
    metadata sheet rewritten in `layout` and signed with SECRET."""
    from kdweb.excel.metadata import META_SHEET, signed_meta
    from kdweb.exports.safe_cells import set_text

    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[META_SHEET]
    meta = metadata.WorkbookMeta.from_payload(signed_meta([[cell.value for cell in row] for row in sheet.iter_rows()]).payload)
    sheet.delete_rows(1, sheet.max_row)
    for row, (key, value) in enumerate(metadata.meta_rows(dataclasses.replace(meta, layout=layout), SECRET), start=1):
        sheet.cell(row, 1, key)
        set_text(sheet.cell(row, 2), value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
