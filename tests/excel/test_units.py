"""Small parts on their own: sniffing, the signature, cell locations, identity comparison."""
from __future__ import annotations

import gc
from datetime import date, datetime

import pytest

from kdweb.excel import address, read_upload, sniff
from kdweb.excel.columns import sheet_specs
from kdweb.excel.identity import comparable, json_conversions, member_status
from kdweb.excel.problems import Refusal
from kdweb.excel.reader import _converted, gc_paused
from kdweb.excel.sheets import read_subject_sheet
from kdweb.excel.locate import Locator, SheetPlaces
from kdweb.excel.metadata import IssuedSheet, WorkbookMeta, meta_rows, signed_meta
from kdweb.excel.summary_cells import CHECK_COLUMN
from kdweb.rules import (
    Finding, LeaderRecord, Level, OrganisationRecord, UnitKind, Severity, SubjectKind, get_rule_set,
)

from . import files
from .builders import edit_issued_rows


@pytest.mark.parametrize(("data", "kind"), [
    (b"", sniff.EMPTY),
    (b"PK\x03\x04rest", sniff.ZIP),
    (files.xls_file(), sniff.OLE2_XLS),
    (files.encrypted_xlsx_file(), sniff.OLE2_ENCRYPTED),
    (files.ole2({"WordDocument": b"x"}), sniff.OLE2_OTHER),
    (b"junk\n%PDF-1.4\n", sniff.PDF),
    ("Mã;Tên\n".encode(), sniff.TEXT),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", sniff.UNKNOWN),
])
def test_sniff_goes_by_the_bytes(data, kind):
    assert sniff.sniff(data) == kind


def test_markup_saved_as_a_spreadsheet_is_told_apart_from_csv():
    assert sniff.markup_kind(b"\xef\xbb\xbf<html><table><tr><td>1</td></tr></table></html>") == sniff.WEB_PAGE
    assert sniff.markup_kind("Mã đảng viên,Họ và tên\n".encode()) is None


@pytest.mark.parametrize("layout", [1, 2, 3])
def test_the_signature_covers_every_byte_of_the_payload(layout):
    meta = WorkbookMeta("v1", "KM", "Đảng bộ phường Kim Mã", "grassroots", 2024, "qd132-hd21", layout=layout,
                        sheets=(IssuedSheet("MEMBER", "Đảng viên", ("code", "name"), (("DV001", "Nguyễn Văn An"),)),))
    rows = [list(row) for row in meta_rows(meta, "secret")]
    assert signed_meta(rows).verified("secret")
    assert WorkbookMeta.from_payload(signed_meta(rows).payload) == meta
    payload_row = next(row for row in rows if row[0] == "payload")
    issued = payload_row[1]
    payload_row[1] = edit_issued_rows(issued, lambda sheet_rows: [["DV002", name] for _, name in sheet_rows])
    assert payload_row[1] != issued and "DV002" in str(WorkbookMeta.from_payload(payload_row[1]).sheets)
    assert not signed_meta(rows).verified("secret")
    payload_row[1] = issued[:-9] + ("x" if issued[-9] != "x" else "y") + issued[-8:]  # one character
    assert not signed_meta(rows).verified("secret")
    assert signed_meta([["not ours", 1]]) is None


def test_layout_2_signs_the_roster_deflated_and_reads_it_back_as_layout_1_did():
    sheets = (IssuedSheet("MEMBER", "Đảng viên", ("code", "name", "cell_name", "birth_date", "probationary"),
                          tuple((f"DV{n:04d}", f"Nguyễn Văn {n}", "Chi bộ số 1", "1970-01-02", n % 2 == 0)
                                for n in range(2000))),)
    old, new = (WorkbookMeta("v1", "KM", "", "grassroots", 2024, "qd132-hd21", sheets=sheets, layout=layout)
                for layout in (1, 2))
    assert "DV1999" in old.payload() and "DV1999" not in new.payload() and len(new.payload()) * 5 < len(old.payload())
    read_old, read_new = WorkbookMeta.from_payload(old.payload()), WorkbookMeta.from_payload(new.payload())
    assert read_new.sheets == read_old.sheets == sheets and (read_old.layout, read_new.layout) == (1, 2)
    rows = read_new.sheets[0].rows
    assert rows[0][2] is rows[1999][2]  # a repeated text is one object for every row
    mixed = (IssuedSheet("LEADER", "Lãnh đạo", ("code", "heads", "months", "flag"),
                         tuple((f"L{n}", ["DV1", "DV2"] if n % 2 else [], [1, 1.0, True, 0][n % 4], n % 3 == 0)
                               for n in range(40))),)
    meta = WorkbookMeta("v1", "KM", "", "grassroots", 2024, "qd132-hd21", sheets=mixed, layout=2)
    read = WorkbookMeta.from_payload(meta.payload()).sheets[0].rows
    assert [tuple(map(type, row[1:])) for row in read] == [(list, type(row[2]), bool) for row in mixed[0].rows]
    assert read == mixed[0].rows


def test_layout_3_signs_the_positions_as_bytes_and_reads_back_as_layout_2_did():
    """A field of few values (≤ 256: a byte per row; more: two), fields of many: texts (joined by NUL, unless one
    holds a NUL), mixed types kept apart."""
    fields = ("code", "name", "remark", "cell_name", "birth_date", "probationary", "months", "heads", "count")
    rows = tuple((f"DV{n:04d}", ["Nguyễn Văn Ân", "", "x\udc80", "Lê\u200bThị"][n % 4] + str(n), "a\x00b" if n == 7 else str(n),
                  f"Chi bộ số {n % 7}", f"19{n % 400:03d}-01-02", n % 2 == 0, [1, 1.0, True, None][n % 4],
                  ["DV1"] if n % 3 else [], n % 5) for n in range(2000))
    sheets = (IssuedSheet("MEMBER", "Đảng viên", fields, rows), IssuedSheet("LEADER", "Lãnh đạo", ("code",), ()))
    layout_2, layout_3 = (WorkbookMeta("v1", "KM", "", "grassroots", 2024, "qd132-hd21", sheets=sheets, layout=layout)
                          for layout in (2, 3))
    read_2, read_3 = WorkbookMeta.from_payload(layout_2.payload()), WorkbookMeta.from_payload(layout_3.payload())
    assert read_3.sheets == read_2.sheets == sheets and (read_2.layout, read_3.layout) == (2, 3)
    assert [tuple(map(type, row)) for row in read_3.sheets[0].rows] == [tuple(map(type, row)) for row in rows]
    assert read_3.sheets[0].rows[0][3] is read_3.sheets[0].rows[7][3]  # a repeated text is one object
    assert '"texts"' in _inflated(layout_3, 0) and '"a\\u0000b"' in _inflated(layout_3, 0)  # code, name; remark
    assert len(layout_3.payload()) < len(layout_2.payload())


def _inflated(meta: WorkbookMeta, sheet: int) -> str:
    """The JSON that describes a sheet's fields in layout 3 (the bytes after it are not text)."""
    import base64, json, zlib

    deflated = json.loads(meta.payload())["sheets"][sheet]["columns_deflated"]
    return zlib.decompress(base64.b64decode(deflated), -15).partition(b"\n")[0].decode("utf-8", "surrogatepass")


def test_addresses_quote_the_sheet_as_spreadsheets_do():
    assert address("Đảng viên", "J12") == "'Đảng viên'!J12"
    assert address("Bob's", "A1") == "'Bob''s'!A1"
    assert address(None, "A1") == "A1"


def finding(rule, kind=SubjectKind.MEMBER, code="DV001", field=None):
    return Finding(rule, Severity.ERROR, kind, code, "", field, "message")


def test_a_finding_goes_to_its_row_and_column_or_the_nearest_sensible_cell():
    places = SheetPlaces("Đảng viên", 4, {"code": "B", "level": "N", "status": "G", "monthly_ratings": "AA"},
                         {"DV001": 5, "DV002": 6}, {"DV002": [6, 9]})
    locator = Locator({SubjectKind.MEMBER: places}, {SubjectKind.MEMBER: 5, SubjectKind.LEADER: 8})
    place = lambda f: address(*locator.place(f))  # noqa: E731
    assert place(finding("M-LEVEL", field="level")) == "'Đảng viên'!N5"
    assert place(finding("M-SICK")) == "'Đảng viên'!N5"  # no field: the level cell
    assert place(finding("M-EXCLUDED", field="exempt")) == "'Đảng viên'!G5"  # a status fact: the status cell
    assert place(finding("M-MONTHLY", field="month:3")) == "'Đảng viên'!AA5"
    repeated = finding("X-MISSING", code="DV002", field="code")
    assert [place(repeated) for _ in range(3)] == ["'Đảng viên'!B6", "'Đảng viên'!B9", "'Đảng viên'!B9"]  # each row
    assert place(finding("X-MISSING", code="DV404")) == "'Đảng viên'!B4"  # dropped: the code header
    assert place(finding("Q-20", code="KM")) == f"'Tổng hợp'!{CHECK_COLUMN}5"  # the summary's quota check
    assert place(finding("L-HEAD", kind=SubjectKind.LEADER, code="LD1")) == "'Tổng hợp'!A8"  # sheet gone
    assert place(finding("E-CHECK", code="KM")) == "'Tổng hợp'!A1"


def test_identity_cells_compare_as_people_read_them():
    assert comparable(datetime(1950, 3, 2)) == comparable("02/03/1950") == comparable(date(1950, 3, 2))
    assert comparable(" nguyễn  văn AN ") == comparable("Nguyễn Văn An")
    assert comparable("Hoà") == comparable("Hòa")
    assert comparable(12.0) == comparable("12")
    assert comparable("Nguyễn Văn Anh") != comparable("Nguyễn Văn An")
    assert member_status({"probationary": True, "transferred_in": True, "months_at_old_place": 8}) == (
        "Dự bị; Chuyển đến trong năm (8 tháng ở nơi cũ)")


def test_signed_facts_become_record_values_by_the_fields_type():
    conversions = json_conversions(OrganisationRecord)
    assert conversions["kind"]("cell") is UnitKind.CELL and conversions["founded_on"]("2000-01-31") == date(2000, 1, 31)
    assert "name" not in conversions and "self_remedied" not in conversions  # text and booleans are as signed
    assert json_conversions(LeaderRecord)["heads"](["CB01", "CB02"]) == ("CB01", "CB02")


def test_rows_with_signed_facts_of_another_shape_are_still_read():
    spec = next(spec for spec in sheet_specs(get_rule_set("qd132-hd21")) if spec.kind is SubjectKind.MEMBER)
    header = [column.header for column in spec.columns]
    row = [""] * len(header)
    row[header.index("Mã đảng viên")], row[header.index("Họ và tên")] = "DV1", "Nguyễn Văn An"
    row[header.index("Mức xếp loại")] = "HTTNV"
    issued = IssuedSheet("MEMBER", "Đảng viên", ("code", "name", "unit_code", "nickname"), (("DV1", "Nguyễn Văn An", "KM", "Tí"),))
    read = read_subject_sheet([header, row], "Đảng viên", spec, issued, "KM")
    [record] = read.records
    assert (record.code, record.name, record.unit_code, record.level) == ("DV1", "Nguyễn Văn An", "KM", Level.HTTNV)


@pytest.mark.parametrize("enabled", [True, False])
def test_reading_leaves_the_garbage_collector_as_it_found_it(enabled):
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        assert not read_upload(b"not a workbook", secret=b"s", expected_unit_code="KM", open_cycle_year=2024,
                               known_template_versions={"1"}).ok
        assert gc.isenabled() is enabled
        with gc_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
    finally:
        gc.enable() if was else gc.disable()


def test_a_payload_with_a_lone_surrogate_is_still_read():
    """A lone surrogate typed into a name (json escapes it) comes back as it was."""
    meta = WorkbookMeta("v1", "KM", "Kim Mã \ud800", "grassroots", 2024, "qd132-hd21")
    assert WorkbookMeta.from_payload(meta.payload()) == meta


class _CalaminePanic(BaseException):
    """What pyo3 raises when Rust panics: a BaseException, not an Exception."""


def test_a_cell_that_fails_to_convert_while_streaming_is_the_files_fault():
    def rows():
        yield ["Mã đảng viên"]
        raise _CalaminePanic("cell conversion")

    with pytest.raises(Refusal) as refused:
        list(_converted(rows()))
    assert refused.value.problem.code == "E-CORRUPT" and "cell conversion" in refused.value.problem.detail


def test_an_interrupt_while_streaming_is_not_swallowed():
    def rows():
        yield []
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        list(_converted(rows()))
